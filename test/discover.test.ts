import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { discover } from '../src/discover/index.js';
import { isCandidate, listFiles, listWithGit, listWithGlob, prefetchListing } from '../src/discover/list.js';
import { createMatcher, globToRegExp } from '../src/discover/match.js';
import { bundleMark, minifiedReason } from '../src/discover/read.js';
import { scan } from '../src/index.js';
import { cacheTuning } from '../src/cache/index.js';
import { unanalysed } from '../src/report/util.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/sources', import.meta.url));

const hasGit = (() => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const tmpDirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'consent-lint-discover-'));
  tmpDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

function write(root: string, rel: string, content: string | Buffer): void {
  const abs = path.join(root, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined },
  });
}

describe('discover: the fixture apps', () => {
  it('lists every kind of app source and skips the minified bundle visibly', async () => {
    const d = await discover(FIXTURES);
    expect(d.root).toBe(FIXTURES);
    expect(d.files.map((f) => f.relPath)).toEqual([
      'broken/src/broken.ts',
      'broken/src/good.ts',
      'misc/bom-crlf.ts',
      'rn-flow/App.js',
      'rn-flow/app.json', // read by the native stage as (possible) Expo config
      'rn-flow/index.js',
      'rn-flow/src/consent.js',
      'rn-flow/src/marketing.js',
      'svelte-app/src/App.svelte',
      'vue-app/src/App.vue',
      'vue-app/src/components/ConsentBanner.vue',
      'vue-app/src/consent.ts',
      'vue-app/src/main.ts',
      'web-cdn/app.js',
      'web-cdn/basket.mjs',
      'web-cdn/index.html',
    ]);
    expect(d.skipped).toEqual([
      {
        file: 'misc/vendor.bundle.js',
        line: 1,
        column: 1,
        kind: 'skipped',
        message:
          'Skipped: minified or generated code (line 2 holds 4,883 characters of code, 100% of the code is on lines over 300 characters, 5% of it whitespace)',
      },
    ]);
    expect(d.filesScanned).toBe(17);
    for (const f of d.files) expect(f.absPath).toBe(path.join(FIXTURES, ...f.relPath.split('/')));
  });

  it('strips the BOM and keeps CRLF in the text', async () => {
    const d = await discover(FIXTURES, { include: ['misc/**'] });
    const f = d.files.find((x) => x.relPath === 'misc/bom-crlf.ts')!;
    expect(f.text.charCodeAt(0)).toBe('i'.charCodeAt(0));
    expect(f.text.split('\r\n')[0]).toBe("import Leanplum from 'leanplum-sdk';");
    expect(f.text.split('\r\n')[4]).toBe('  Leanplum.start();');
  });

  it.each([
    [{ include: ['web-cdn'] }, ['web-cdn/app.js', 'web-cdn/basket.mjs', 'web-cdn/index.html']],
    [{ include: ['web-cdn/*.js'] }, ['web-cdn/app.js']],
    [{ include: ['**/*.vue'] }, ['vue-app/src/App.vue', 'vue-app/src/components/ConsentBanner.vue']],
    [{ include: ['rn-flow/**'], exclude: ['**/src'] }, ['rn-flow/App.js', 'rn-flow/app.json', 'rn-flow/index.js']],
    [
      { include: ['**/src/*.ts'] },
      ['broken/src/broken.ts', 'broken/src/good.ts', 'vue-app/src/consent.ts', 'vue-app/src/main.ts'],
    ],
    [
      { include: ['*-app/**/*.{vue,svelte}'], exclude: ['**/components/**'] },
      ['svelte-app/src/App.svelte', 'vue-app/src/App.vue'],
    ],
    [{ exclude: ['**/*.{ts,js,mjs,vue,svelte,json}'] }, ['web-cdn/index.html']],
  ])('include/exclude %j', async (opts, expected) => {
    const d = await discover(FIXTURES, opts);
    expect(d.files.map((f) => f.relPath)).toEqual(expected);
  });

  it('an include glob matching no file is an error, not "0 files scanned"', async () => {
    await expect(discover(FIXTURES, { include: ['nothing/**'] })).rejects.toThrow(
      /include glob "nothing\/\*\*" matches no source file/,
    );
  });
});

describe('discover: files that are not read', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir();
    write(root, 'ok.ts', 'export const ok = 1;\n');
    write(root, 'binary.js', Buffer.from([0x63, 0x6f, 0x6e, 0x73, 0x74, 0x00, 0x01, 0x02]));
    write(
      root,
      'latin1.js',
      Buffer.concat([Buffer.from("const caf = 'caf"), Buffer.from([0xe9]), Buffer.from("';\n")]),
    );
    write(root, 'huge.ts', '// padding\n'.repeat(100_000)); // 1.05 MiB of short lines
    write(
      root,
      'utf16le.js',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Leanplum.start();\n', 'utf16le')]),
    );
    write(root, 'utf16be.js', Buffer.from('Leanplum.start();\n', 'utf16le').swap16()); // no BOM
    write(root, 'long-line.js', `const x = "${'a'.repeat(2500)}";\n`); // a long string is not minified code
    write(root, 'packed.js', `${'var a=b(1),c=d?e:f;'.repeat(150)}\nexport{a};\n`);
    write(root, 'vendor.min.js', 'var a=1;\n');
    write(root, 'dense.js', `${'var abcdefgh = 1; '.repeat(100)}\n`.repeat(50)); // 1,900-char lines
    write(
      root,
      'page.html',
      `<!doctype html>\n<img src="data:image/png;base64,${'A'.repeat(5000)}">\n<script>go()</script>\n`,
    );
    write(root, 'built.html', `${'<div class="c">x</div>'.repeat(400)}\n`.repeat(3));
    write(root, 'empty.js', '');
  });

  it.each([
    ['binary.js', 'Skipped: binary file (NUL byte at offset 5)'],
    ['huge.ts', 'Skipped: larger than 1 MiB (1.0 MiB)'],
    [
      'packed.js',
      'Skipped: minified or generated code (line 1 holds 2,850 characters of code, 100% of the code is on lines over 300 characters, 5% of it whitespace)',
    ],
    ['vendor.min.js', 'Skipped: minified or generated code (a .min.js file)'],
    ['dense.js', 'Skipped: minified or generated code (average line length 1800 characters of code)'],
    ['built.html', 'Skipped: minified or generated code (average line length 8801 characters)'],
  ])('%s is skipped: %s', async (file, message) => {
    const d = await discover(root);
    expect(d.skipped.find((s) => s.file === file)).toEqual({ file, line: 1, column: 1, kind: 'skipped', message });
    expect(d.files.some((f) => f.relPath === file)).toBe(false);
  });

  it('reads the rest, HTML with a long data-URI line included', async () => {
    const d = await discover(root);
    expect(d.files.map((f) => f.relPath)).toEqual([
      'empty.js',
      'latin1.js',
      'long-line.js',
      'ok.ts',
      'page.html',
      'utf16be.js',
      'utf16le.js',
    ]);
    expect(d.filesScanned).toBe(13);
    expect(d.skipped).toHaveLength(6);
    expect(d.tooLarge).toEqual(['huge.ts']);
  });

  it('reads text in any encoding: UTF-16 by its BOM or shape, else one byte a character', async () => {
    const d = await discover(root);
    const text = (rel: string) => d.files.find((f) => f.relPath === rel)?.text;
    expect(text('latin1.js')).toBe("const caf = 'café';\n");
    expect(text('utf16le.js')).toBe('Leanplum.start();\n');
    expect(text('utf16be.js')).toBe('Leanplum.start();\n');
  });

  it('minifiedReason leaves ordinary code alone', () => {
    const ordinary = Array.from({ length: 200 }, (_, i) => `  const v${i} = compute(${i}, 'label ${i}');`).join('\n');
    expect(minifiedReason(ordinary, 'a.ts')).toBeUndefined();
    expect(minifiedReason('x'.repeat(999), 'a.ts')).toBeUndefined();
    expect(minifiedReason('x'.repeat(2001), 'a.ts')).toBe(
      'line 1 holds 2,001 characters of code, 100% of the code is on lines over 300 characters, 0% of it whitespace',
    );
    expect(minifiedReason('x'.repeat(2001), 'a.vue')).toBeUndefined();
    expect(minifiedReason('x\r'.repeat(3000), 'a.js')).toBeUndefined(); // old Mac line ends
  });

  it('minifiedReason: one long string, template, comment or spaced line in hand-written code is not minified', () => {
    const around = Array.from({ length: 12 }, (_, i) => `  track(${i});`).join('\n');
    const svgPath = `M0 0${Array.from({ length: 400 }, (_, i) => ` L${i}.5 ${i * 2}.1`).join('')}`;
    const dense = 'var a0=1,a1=1,a2=1,a3=1;'.repeat(120);
    const hand = [
      // An inline SVG path in a JSX attribute (a long line of a component).
      `import * as amplitude from '@amplitude/analytics-browser';\namplitude.init('KEY');\n${around}\nexport const Logo = () => <svg><path d="${svgPath}" /></svg>;\n`,
      // A compact path without spaces, in single quotes.
      `${around}\nconst d = '${svgPath.replace(/ /g, ',')}';\n`,
      // A snippet kept in a template literal, on a line of its own inside it (Next.js dangerouslySetInnerHTML).
      `${around}\nconst html = {\n  __html: \`\n${dense}posthog.init("phc_x");\n\`,\n};\n`,
      // A long comment.
      `${around}\n// ${dense}\n/* ${dense}\n${dense} */\n`,
      // Long, spaced code (a hand-written table on one line).
      `${around}\nexport const table = [${Array.from({ length: 500 }, (_, i) => i).join(', ')}];\n`,
    ];
    for (const text of hand) {
      expect(text.split('\n').some((l) => l.length > 2000)).toBe(true);
      expect(minifiedReason(text, 'a.tsx')).toBeUndefined();
    }
    // The same snippet as code is minified; so is a file of Closure-style 500-character lines.
    expect(minifiedReason(`${around}\n${dense}\n`, 'a.js')).toMatch(/^line 13 holds 2,880 characters of code/);
    expect(minifiedReason(`${'var a=b(1),c=d?e:f;'.repeat(25)}\n`.repeat(40), 'a.js')).toMatch(/^line 1 holds 475 /);
  });

  it('bundleMark: what makes a minified file vendored or bundled output', () => {
    const code = 'var a=1;';
    expect(bundleMark(code, 'src/app.js')).toBeUndefined();
    expect(bundleMark(code, 'static/sdk.min.js')).toBe('a .min.js file');
    expect(bundleMark(code, 'src/vendor/sdk.js')).toBe('a vendored file');
    expect(bundleMark(code, 'src/third_party/sdk.js')).toBe('a vendored file');
    expect(bundleMark(`/*! sdk v1 */\n${code}`, 'src/sdk.js')).toBe('a license banner');
    expect(bundleMark(`${code}\n//# sourceMappingURL=sdk.js.map\n`, 'src/sdk.js')).toBe('a source map reference');
    expect(bundleMark(`${code}__webpack_require__(1)`, 'src/sdk.js')).toBe("a bundler's runtime");
    expect(bundleMark(`/** Docs. */\n${code}`, 'src/app.js')).toBeUndefined(); // a JSDoc header is no banner
  });
});

describe('scan: a minified or too large file that names an SDK', () => {
  const packed = (sdk: string) => `${'var a=b(1),c=d?e:f;'.repeat(150)}${sdk}\n`;
  let root: string;
  beforeAll(() => {
    root = tempDir();
    write(root, 'src/ok.ts', 'export const ok = 1;\n');
    // App code kept minified: its SDK call would be unchecked.
    write(root, 'src/tracking.js', packed('Leanplum.start();'));
    // Vendored or bundled output: the SDK itself, skipped as before.
    write(root, 'static/sdk.js', `/*! leanplum-sdk v7 */\n${packed('window.Leanplum={start:a};')}`);
    write(root, 'static/sdk.bundle.js', `${packed('window.Leanplum={start:a};')}//# sourceMappingURL=sdk.js.map\n`);
    write(root, 'static/sdk.min.js', packed('window.Leanplum={start:a};'));
    // Minified, naming no SDK: an SDK name inside a word (Polish `obrazek` holds `braze`) is no mention.
    write(root, 'static/util.js', packed('x();'));
    write(root, 'static/i18n-pl.js', packed('var t={"Save image":"Zapisz obrazek"};'));
    // Over 1 MiB, hand-written: its SDK name straddles the reader's 1 MiB chunks.
    const lines = (n: number) => '  total += price(item);\n'.repeat(n);
    const head = `function sum(items) {\n${lines(Math.ceil((1024 * 1024) / 24))}`.slice(0, 1024 * 1024 - 4);
    write(root, 'src/legacy.js', `${head}\nLeanplum.start();\n}\n${lines(100)}`);
    // Over 1 MiB: naming no SDK; vendored; a bundle; binary data with SDK-like bytes.
    write(root, 'src/big-table.js', `export const table = [\n${'  [1, 2, 3],\n'.repeat(100_000)}];\n`);
    write(root, 'src/third_party/leanplum.js', `${lines(50_000)}Leanplum.start();\n`);
    write(root, 'src/app.bundle.js', `${lines(50_000)}__webpack_require__(1); Leanplum.start();\n`);
    write(root, 'src/clip.ts', Buffer.concat([Buffer.alloc(1024 * 1024 + 1, 0), Buffer.from('Leanplum')]));
  });

  it('is an analysis error that fails the run; vendored bundles and SDK-free files stay skipped', async () => {
    // Without a cache, then a cold and a warm cache (proved by file stats, trusting these new files): the same errors.
    cacheTuning.racyMs = -60_000;
    onTestFinished(() => {
      cacheTuning.racyMs = 3000;
    });
    const hits: (string | undefined)[] = [];
    for (const cacheFile of [undefined, path.join(root, '.cache.json'), path.join(root, '.cache.json')]) {
      cacheTuning.lastHit = undefined;
      const { document } = await scan({ root, ...(cacheFile && { cacheFile }) });
      hits.push(cacheTuning.lastHit);
      expect(unanalysed(document)).toEqual([
        {
          file: 'src/legacy.js',
          line: 1,
          column: 1,
          kind: 'too-large',
          message:
            'Not analysed: larger than 1 MiB (1.0 MiB), and it mentions `Leanplum`, so SDK calls in it are unchecked. ' +
            'Split the file to have it analysed; a vendored bundle belongs in vendor/ or the config `exclude`.',
        },
        {
          file: 'src/tracking.js',
          line: 1,
          column: 1,
          kind: 'minified',
          message:
            'Not analysed: minified or generated code (line 1 holds 2,867 characters of code, 100% of the code is on lines over 300 characters, 5% of it whitespace), ' +
            'and it mentions `Leanplum`, so SDK calls in it are unchecked. Format the file to have it analysed; a vendored bundle belongs in vendor/ or the config `exclude`.',
        },
      ]);
      expect(document.errors.filter((e) => e.kind === 'skipped').map((e) => e.file)).toEqual([
        'src/app.bundle.js',
        'src/big-table.js',
        'src/clip.ts',
        'src/third_party/leanplum.js',
        'static/i18n-pl.js',
        'static/sdk.bundle.js',
        'static/sdk.js',
        'static/sdk.min.js',
        'static/util.js',
      ]);
    }
    expect(hits).toEqual([undefined, undefined, 'stats']);
  });
});

describe('scan: a server-side template tag that prints an SDK call', () => {
  it("is an analysis error at the call (the tags are blanked before parsing); the page's own scripts are analysed", async () => {
    const root = tempDir();
    write(
      root,
      'header.php',
      '<html><head>\n<script>Leanplum.start();</script>\n<?php if (LP) { echo "<script>Leanplum.registerForWebPush();</script>"; } ?>\n<?= $leanplumAppId ?>\n</head></html>\n',
    );
    const { document } = await scan({ root });
    expect(document.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual(['header.php:2 leanplum/init']);
    expect(unanalysed(document)).toEqual([
      {
        file: 'header.php',
        line: 3,
        column: 31,
        kind: 'unresolved',
        message:
          "template code calls Leanplum; consent-lint cannot analyse what a template tag prints, so this SDK call is unchecked. Keep the call in the page's own <script>.",
      },
    ]);
  });
});

describe('discover: listing', () => {
  it.each([
    ['src/a.ts', true],
    ['src/a.d.ts', false],
    ['src/a.d.mts', false],
    ['src/a.mts', true],
    ['a.cjs', true],
    ['page.htm', true],
    ['App.svelte', true],
    ['style.css', false],
    ['data.json', false],
    ['node_modules/x/index.js', false],
    ['packages/a/node_modules/x/index.js', false],
    ['.storybook/main.js', true],
    ['docs/.vitepress/theme/index.ts', true],
    ['.next/server/app.js', false],
    ['.git/hooks/pre-commit.js', false],
    ['packages/web/.turbo/cache.js', false],
    ['.yarn/releases/yarn.cjs', false],
    ['src/.eslintrc.js', false],
    ['src/lib.ts/readme.md', false],
  ])('isCandidate(%s) = %s', (p, expected) => {
    expect(isCandidate(p)).toBe(expected);
  });

  it.each([
    ['src/**', 'src/a/b.ts', true],
    ['src/**', 'lib/a.ts', false],
    ['src', 'src/a/b.ts', true],
    ['src/', 'src/a/b.ts', true],
    ['./src/*.ts', 'src/a.ts', true],
    ['./src/*.ts', 'src/a/b.ts', false],
    ['**/*.test.*', 'src/a.test.ts', true],
    ['**/*.test.*', 'a.test.js', true],
    ['**/*.test.*', 'src/atest.ts', false],
    ['*.ts', 'a.ts', true],
    ['*.ts', 'src/a.ts', false],
    ['**/__tests__', 'src/__tests__/a.ts', true],
    ['src/**/*.{ts,tsx}', 'src/x/y/App.tsx', true],
    ['src/**/*.{ts,tsx}', 'src/App.jsx', false],
    ['src/[ab].ts', 'src/b.ts', true],
    ['src/[!ab].ts', 'src/b.ts', false],
    ['src/?.ts', 'src/c.ts', true],
    ['a+b(1).ts', 'a+b(1).ts', true],
  ])('glob %s on %s = %s', (glob, p, expected) => {
    expect(createMatcher([glob])!(p)).toBe(expected);
  });

  it('compiles globs to anchored expressions', () => {
    const re = globToRegExp('src/**/*.ts');
    expect(['src/a.ts', 'src/x/y/a.ts', 'src/a.tsx', 'lib/src/a.ts', 'src/a.ts/b'].map((p) => re.test(p))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(createMatcher([])).toBeUndefined();
    expect(createMatcher(undefined)).toBeUndefined();
  });

  let tree: string;
  beforeAll(() => {
    tree = tempDir();
    write(tree, '.gitignore', 'dist/\n*.generated.ts\nbuild/\n');
    write(tree, 'src/app.ts', 'x');
    write(tree, 'src/App.vue', 'x');
    write(tree, 'src/lib/util.js', 'x');
    write(tree, 'src/types.d.ts', 'x');
    write(tree, 'src/api.generated.ts', 'x');
    write(tree, 'src/.gitignore', '!keep.generated.ts\nlocal-*.js\n');
    write(tree, 'src/keep.generated.ts', 'x');
    write(tree, 'src/local-dev.js', 'x');
    write(tree, 'src/deep/local-dev.js', 'x');
    write(tree, 'dist/bundle.js', 'x');
    write(tree, 'build/.gitignore', '!out.js\n');
    write(tree, 'build/out.js', 'x');
    write(tree, 'node_modules/leanplum-sdk/index.js', 'x');
    write(tree, 'packages/web/node_modules/x/y.js', 'x');
    write(tree, '.cache/cached.js', 'x');
    write(tree, 'packages/web/.next/server.js', 'x');
    write(tree, 'packages/web/index.html', 'x');
    write(tree, 'styles/site.css', 'x');
    write(tree, 'root.mjs', 'x');
  });

  const EXPECTED = [
    'packages/web/index.html',
    'root.mjs',
    'src/App.vue',
    'src/app.ts',
    'src/deep/local-dev.js',
    'src/keep.generated.ts',
    'src/lib/util.js',
  ];

  it('fast-glob walk honours nested .gitignore files, node_modules and dot-directories', async () => {
    expect(await listWithGlob(tree)).toEqual(EXPECTED.filter((p) => p !== 'src/deep/local-dev.js'));
    const l = await listFiles(tree);
    expect(l.via).toBe('glob');
  });

  it.skipIf(!hasGit)('git ls-files and the fast-glob walk give the same list', async () => {
    const repo = tempDir();
    write(repo, '.gitignore', 'dist/\n*.generated.ts\nbuild/\n');
    write(repo, 'src/.gitignore', '!keep.generated.ts\nlocal-*.js\n');
    for (const f of [
      'src/app.ts',
      'src/App.vue',
      'src/lib/util.js',
      'src/types.d.ts',
      'src/api.generated.ts',
      'src/keep.generated.ts',
      'src/local-dev.js',
      'dist/bundle.js',
      'build/out.js',
      'node_modules/leanplum-sdk/index.js',
      '.cache/cached.js',
      'packages/web/index.html',
      'packages/web/.next/server.js',
      'root.mjs',
      'tracked.js',
    ])
      write(repo, f, 'x');
    write(repo, 'build/.gitignore', '!out.js\n');
    git(repo, 'init', '-q');
    git(repo, 'add', 'src/app.ts', 'root.mjs', 'tracked.js', '.gitignore');
    unlinkSync(path.join(repo, 'tracked.js')); // deleted but still in the index

    const viaGlob = await listWithGlob(repo);
    const viaGit = await listWithGit(repo);
    expect(viaGit).toEqual([...viaGlob, 'tracked.js'].sort());
    expect(viaGlob).toEqual([
      'packages/web/index.html',
      'root.mjs',
      'src/App.vue',
      'src/app.ts',
      'src/keep.generated.ts',
      'src/lib/util.js',
    ]);
    expect((await listFiles(repo)).via).toBe('git');

    // a listing started early (the CLI, while it loads) is the next listing of that root, once
    prefetchListing(repo);
    expect(await listFiles(repo)).toEqual(await listFiles(repo));

    // the deleted file is listed by git but neither crashes nor appears
    const d = await discover(repo);
    expect(d.files.map((f) => f.relPath)).toEqual(viaGlob);
    expect(d.skipped).toEqual([]);
    expect(d.filesScanned).toBe(viaGlob.length);

    // a sub-directory as the root: paths relative to it
    const sub = await discover(path.join(repo, 'src'));
    expect(sub.files.map((f) => f.relPath)).toEqual(['App.vue', 'app.ts', 'keep.generated.ts', 'lib/util.js']);
    expect(sub.root).toBe(path.join(repo, 'src'));

    // a git-ignored directory as the root is walked as a plain directory
    expect((await discover(path.join(repo, 'dist'))).files.map((f) => f.relPath)).toEqual(['bundle.js']);
  });

  it.skipIf(process.platform === 'win32')(
    'does not follow symlinked directories (no loop, no duplicates)',
    async () => {
      const root = tempDir();
      write(root, 'src/app.ts', 'export {}\n');
      symlinkSync('..', path.join(root, 'src', 'loop'), 'dir');
      symlinkSync(path.join(root, 'src'), path.join(root, 'alias'), 'dir');
      symlinkSync('app.ts', path.join(root, 'src', 'linked.ts'), 'file');
      symlinkSync('missing.ts', path.join(root, 'src', 'dangling.ts'), 'file');
      const started = performance.now();
      const d = await discover(root);
      expect(performance.now() - started).toBeLessThan(2000);
      // a symlink to a file is read like git would list it; a dangling one vanishes
      expect(d.files.map((f) => f.relPath)).toEqual(['src/app.ts', 'src/linked.ts']);
      expect(d.skipped).toEqual([]);
    },
  );

  it('rejects a missing root with a clear error', async () => {
    await expect(discover(path.join(tmpdir(), 'consent-lint-no-such-dir-4711'))).rejects.toThrow(
      /cannot read the scan root .*consent-lint-no-such-dir-4711/,
    );
  });
});
