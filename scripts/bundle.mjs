// Build step: bundle the CLI's fast path (dist/cli/scan-flags.js and everything a plain
// scan may import) into one CommonJS file, dist/bundle/cli.cjs, and write V8's code
// cache for it (dist/bundle/cli.cjs.v8) after running it once on a sample app, so a
// run neither resolves ~80 ES modules nor compiles their code (Node 20 has no compile
// cache of its own). bin/fast-path.js loads it; bin/run.js falls back to
// dist/cli/scan-flags.js without it; oclif's commands (help, init, ...) always run
// from dist/. The pure-JS packages every plain scan runs (the parser, tsconfig and JSONC
// readers) are bundled too, so the code cache covers them; the others stay external
// (node_modules), and so does code loaded by path at run time (the schema validators in
// dist/policy/).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import fastPath from '../bin/fast-path.js';

const { CODE_CACHE_FILE, loadBundle } = fastPath;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
// Packages compiled into the bundle (and its code cache): those a plain scan loads. Babel's
// parser alone is ~20 ms of compiling on every run otherwise.
const BUNDLED = new Set(['@babel/parser', 'get-tsconfig', 'resolve-pkg-maps', 'jsonc-parser', 'picocolors']);

/**
 * dist/ loads its lazily needed packages through `const require = createRequire(import.meta.url)`
 * (a run that does not need one never loads it). Without that line, `require('x')` is the
 * bundle's own CommonJS `require`, which esbuild resolves: a bundled package then still
 * initialises on its first call, not at start-up. Every other package, and every file
 * loaded by path, stays external (the bundle sits at the depth of dist/cli/).
 */
const lazyRequires = {
  name: 'lazy-requires',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const bare = !args.path.startsWith('.') && !args.path.startsWith('/');
      if (bare) {
        const name = args.path
          .split('/')
          .slice(0, args.path.startsWith('@') ? 2 : 1)
          .join('/');
        return name.startsWith('node:') || !BUNDLED.has(name) ? { path: args.path, external: true } : undefined;
      }
      return args.path.endsWith('.cjs') ? { path: args.path, external: true } : undefined;
    });
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      return { contents: text.replace(/^const require = createRequire\(import\.meta\.url\);$/m, ''), loader: 'js' };
    });
  },
};

// The bundle sits at the depth of dist/cli/, so `import.meta.url`-relative paths
// (../../package.json, ../policy/validators.cjs) mean the same from either.
await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/scan-flags.js'],
  outfile: join(outdir, 'cli.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  plugins: [lazyRequires],
  // Packages' ES module builds where they have one (jsonc-parser's UMD build hides its requires from esbuild).
  mainFields: ['module', 'main'],
  // import() of a package (ts-morph for --fix, web-tree-sitter for native files) becomes
  // require(): code compiled by vm.Script has no module loader for import() of its own.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  logLevel: 'warning',
});

// The bundled packages' licence notices travel with their code.
const notices = [...BUNDLED].map((name) => {
  const dir = join(root, 'node_modules', name);
  const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  if (!file) throw new Error(`bundle: no licence file in ${dir}`);
  return `${name}\n${'-'.repeat(name.length)}\n${readFileSync(join(dir, file), 'utf8').trim()}\n`;
});
writeFileSync(join(outdir, 'THIRD-PARTY-LICENSES.txt'), notices.join('\n'));

// The code cache: V8 keeps what it compiled while running, so run the scans a user
// runs most (a small app; JSON and stylish reports; a --cache miss, then a hit) before taking it.
const WARM_UP_GROUPS = ['engine', 'guards', 'soundness', 'sdks'];
const loaded = loadBundle({ useCache: false });
const work = mkdtempSync(join(tmpdir(), 'consent-lint-bundle-'));
const sample = join(root, 'fixtures', 'demo-app');
try {
  for (const format of ['json', 'json', 'stylish']) {
    const out = ['--format', format, '--output', join(work, `report.${format}`)];
    await loaded.exports.fastScan([sample, ...out, '--cache-location', join(work, 'cache.json')]);
  }
  for (const group of WARM_UP_GROUPS)
    for (const app of readdirSync(join(root, 'fixtures', group))) {
      if (app === 'typed-receivers') continue;
      await loaded.exports.fastScan([
        join(root, 'fixtures', group, app),
        '--format',
        'json',
        '--output',
        join(work, 'w.json'),
      ]);
    }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const cache = loaded.script.createCachedData();
writeFileSync(CODE_CACHE_FILE, cache);
console.log(`bundle -> ${outdir} (code cache ${Math.round(cache.length / 1024)} KiB)`);
