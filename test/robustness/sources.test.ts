/**
 * Classes: syntax errors per source kind, binary / Latin-1 / UTF-16 sources,
 * deep nesting, huge call graphs (pathological sizes, generous time limit),
 * special files among the sources (FIFO), suppression positions with U+2028.
 * Each case: exit code, the message naming the file (and position), and the
 * neighbouring file's finding still reported.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shape } from '../../bench/shapes.mjs';
import { cleanup, cli, ensureBuilt, findingFiles, json, LP_UNGUARDED, tempDir, writeTree } from './helpers.js';

beforeAll(ensureBuilt);
afterAll(cleanup);

/** A project (outside git: glob mode) with one unguarded neighbour. */
function project(files: Record<string, string>): string {
  return writeTree(tempDir(), { 'neighbour.ts': LP_UNGUARDED, ...files });
}

describe('syntax errors, per source kind', () => {
  it.each([
    ['broken.ts', "import Leanplum from 'leanplum-sdk';\nexport function f( {\n  Leanplum.start();\n", 3],
    ['broken.js', "import Leanplum from 'leanplum-sdk';\nconst = ;\nLeanplum.start();\n", 2],
    [
      'broken.vue',
      "<template><div/></template>\n<script>\nimport Leanplum from 'leanplum-sdk';\nexport default {{ }\n</script>\n",
      4,
    ],
    ['broken.html', '<html><body>\n<script>\nLeanplum.start(;\n</script>\n</body></html>\n', 3],
    ['broken.svelte', "<script>\nimport Leanplum from 'leanplum-sdk';\nlet x = ;\n</script>\n<div/>\n", 3],
  ])('%s: reported at its position; the neighbour is still checked', (file, text, line) => {
    const root = project({ [file]: text });
    const r = cli([root, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = json(r);
    const err = report.errors.find((e) => e.file === file);
    expect(err, JSON.stringify(report.errors)).toBeDefined();
    expect(err!.line).toBe(line);
    expect(findingFiles(report)).toContain('neighbour.ts:2');
  });
});

describe('binary, non-UTF-8 and UTF-16 sources', () => {
  it('UTF-16 (with or without a BOM) and Latin-1 text is analysed; binary data is skipped with a reason naming it', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from("import Leanplum from 'leanplum-sdk';\nLeanplum.start();\n", 'utf16le'),
    ]);
    const utf16NoBom = Buffer.from("import Leanplum from 'leanplum-sdk';\nLeanplum.start();\n", 'utf16le');
    const root = project({});
    writeFileSync(join(root, 'wide.ts'), utf16);
    writeFileSync(join(root, 'wide-nobom.js'), utf16NoBom);
    writeFileSync(join(root, 'blob.js'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    writeFileSync(
      join(root, 'latin1.ts'),
      Buffer.from("// caf\xe9\nimport Leanplum from 'leanplum-sdk';\nLeanplum.start();\n", 'latin1'),
    );
    const r = cli([root, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = json(r);
    expect(report.errors.map((e) => [e.file, e.message])).toEqual([
      ['blob.js', 'Skipped: binary file (NUL byte at offset 4)'],
    ]);
    expect(findingFiles(report)).toEqual(['latin1.ts:3', 'neighbour.ts:2', 'wide-nobom.js:2', 'wide.ts:2']);
  });
});

describe('special files among the sources', () => {
  it('a FIFO named app.js is skipped and listed, never blocks the scan', () => {
    const root = project({});
    execFileSync('mkfifo', [join(root, 'app.js')]);
    const r = cli([root, '--format', 'json'], { timeoutMs: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    const report = json(r);
    expect(report.errors.find((e) => e.file === 'app.js')?.message).toMatch(/FIFO/);
    expect(findingFiles(report)).toEqual(['neighbour.ts:2']);
  });
});

describe('special files among the repository files', () => {
  it('a FIFO .gitignore (glob mode) is listed as not honoured, never blocks', () => {
    const root = project({ 'sub/other.ts': 'export {};\n' });
    execFileSync('mkfifo', [join(root, 'sub/.gitignore')]);
    const r = cli([root, '--format', 'json'], { timeoutMs: 30_000 });
    expect(r.signal).toBeNull();
    const report = json(r);
    expect(report.errors.find((e) => e.file === 'sub/.gitignore')?.message).toMatch(/\.gitignore not honoured: a FIFO/);
    expect(findingFiles(report)).toEqual(['neighbour.ts:2']);
  });
});

describe('deep nesting', () => {
  it('a 2,000-branch else-if chain is reported as too deeply nested (not as a module/script error)', () => {
    let text = "import Leanplum from 'leanplum-sdk';\nexport function f(x) {\n  if (x === 0) {}\n";
    for (let i = 1; i < 2000; i++) text += `  else if (x === ${i}) {}\n`;
    text += '}\n';
    const root = project({ 'deep.ts': text });
    const r = cli([root, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = json(r);
    const err = report.errors.find((e) => e.file === 'deep.ts');
    expect(err?.message).toMatch(/too deeply nested/);
    expect(err?.message).not.toMatch(/sourceType/);
    expect(findingFiles(report)).toEqual(['neighbour.ts:2']);
  });
});

describe('huge call graphs (limit: a minute)', () => {
  it.each(['chain-callee-first', 'chain-caller-first', 'arrows'])('%s, 20,000 functions', (kind) => {
    const root = project({ 'big.ts': shape(kind, 20_000) });
    const r = cli([root, '--format', 'json'], { timeoutMs: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    const report = json(r);
    expect(report.findings.some((f) => f.file === 'big.ts')).toBe(true);
    expect(findingFiles(report)).toContain('neighbour.ts:2');
  });

  it('a valid module in a 1,000-module import cycle is analysed', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) {
      const n = (i + 1) % 1000;
      files[`cyc/m${i}.ts`] = `import { g${n} } from './m${n}';\nexport function g${i}() { return g${n}; }\n`;
    }
    files['cyc/m0.ts'] +=
      "import Leanplum from 'leanplum-sdk';\nexport function boot() { Leanplum.start(); }\nboot();\n";
    const root = project(files);
    const r = cli([root, '--format', 'json'], { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    const report = json(r);
    expect(report.errors).toEqual([]);
    expect(findingFiles(report)).toEqual(['cyc/m0.ts:4', 'neighbour.ts:2']);
  });

  it('2,000 objects spreading each other in a ring, and one spreading itself twice 40 times, read by an unbounded key', () => {
    const n = 2000;
    const ring = ["import Leanplum from 'leanplum-sdk';", 'let o0 = { lp: Leanplum };'];
    for (let i = 1; i < n; i++) ring.push(`let o${i} = { ...o${i - 1}, k${i}: ${i} };`);
    ring.push(`o0 = { ...o${n - 1}, ...o0 };`, 'export function run(k: string) {', '  (o0 as any)[k].start();', '}');
    const self = ["import Leanplum from 'leanplum-sdk';", 'let s: any = { lp: Leanplum };'];
    for (let i = 0; i < 40; i++) self.push(`s = { ...s, ...s, k${i}: ${i} };`);
    self.push('export function run(k: string) {', '  s[k].start();', '}');
    const root = project({ 'ring.ts': ring.join('\n') + '\n', 'self.ts': self.join('\n') + '\n' });
    const r = cli([root, '--format', 'json'], { timeoutMs: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    const report = json(r);
    expect(findingFiles(report)).toEqual(expect.arrayContaining([`ring.ts:${n + 4}`, 'self.ts:44', 'neighbour.ts:2']));
  });

  it('--timeout: a file over its budget is reported as not analysed and its SDK calls are findings', () => {
    const root = project({
      'big.ts': shape('chain-callee-first', 3000).replace(
        "import Leanplum from 'leanplum-sdk';",
        "import Leanplum from 'leanplum-sdk';\nif (Cookiebot.consent.marketing && Cookiebot.consent.statistics) Leanplum.start();",
      ),
    });
    const r = cli([root, '--format', 'json', '--timeout', '0.001']);
    expect(r.code).toBe(1);
    const report = json(r);
    expect(report.errors.find((e) => e.file === 'big.ts')?.message).toMatch(
      /not analysed: .*per-file time budget of 0\.001 s/,
    );
    // Even the guarded call is reported: nothing in a file cut short counts as proven.
    expect(findingFiles(report)).toEqual(['big.ts:2', 'big.ts:3', 'neighbour.ts:2']);
  });
});

describe('the run budget', () => {
  it('--total-timeout: when the run is out of time nothing counts as proven, and it says so', () => {
    const guarded =
      "import Leanplum from 'leanplum-sdk';\nif (Cookiebot.consent.marketing && Cookiebot.consent.statistics) Leanplum.start();\n";
    const root = project({ 'big.ts': shape('chain-caller-first', 3000), 'guarded.ts': guarded });
    const r = cli([root, '--format', 'json', '--total-timeout', '0.001']);
    expect(r.code).toBe(1);
    const report = json(r);
    expect(report.errors.find((e) => e.file === '')?.message).toMatch(/the run exceeded its time budget of 0\.001 s/);
    expect(report.errors.find((e) => e.file === 'guarded.ts')?.message).toMatch(/not analysed: the run's time budget/);
    expect(findingFiles(report)).toEqual(['big.ts:3002', 'guarded.ts:2', 'neighbour.ts:2']);
    // Without a budget the guarded call is proven.
    expect(findingFiles(json(cli([root, '--format', 'json'])))).toEqual(['big.ts:3002', 'neighbour.ts:2']);
  });
});

describe('suppression positions', () => {
  it('U+2028 inside a string does not shift the line a directive applies to', () => {
    const text = [
      "import Leanplum from 'leanplum-sdk';",
      "const s = 'a\u2028b';",
      '// consent-lint-disable-next-line leanplum/init -- started by the native layer after its consent prompt',
      'Leanplum.start();',
      '',
    ].join('\n');
    const root = project({ 'sep.ts': text });
    const r = cli([root, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = json(r);
    const active = report.findings
      .filter((f) => !(f as { suppressed?: boolean }).suppressed)
      .map((f) => `${f.file}:${f.ruleId}`);
    expect(active).toEqual(['neighbour.ts:leanplum/init']);
  });
});
