// Build step: bundle the CLI's fast path (dist/cli/scan-flags.js and everything a plain
// scan may import) into one CommonJS file, dist/bundle/cli.cjs, and write V8's code
// cache for it (dist/bundle/cli.cjs.v8) after running it once on a sample app, so a
// run neither resolves ~80 ES modules nor compiles their code (Node 20 has no compile
// cache of its own). bin/fast-path.js loads it; bin/run.js falls back to
// dist/cli/scan-flags.js without it; oclif's commands (help, init, ...) always run
// from dist/. Packages stay external (node_modules), and so does code loaded by path
// at run time (the schema validators in dist/policy/).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CODE_CACHE_FILE, loadBundle } from '../bin/fast-path.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
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
  packages: 'external',
  // import() of a package (ts-morph for --fix, web-tree-sitter for native files) becomes
  // require(): code compiled by vm.Script has no module loader for import() of its own.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  logLevel: 'warning',
});

// The code cache: V8 keeps what it compiled while running, so run the scans a user
// runs most (a small app; JSON and stylish reports; a --cache miss, then a hit) before taking it.
const loaded = loadBundle({ useCache: false });
const work = mkdtempSync(join(tmpdir(), 'consent-lint-bundle-'));
const sample = join(root, 'fixtures', 'demo-app');
try {
  for (const format of ['json', 'json', 'stylish']) {
    const out = ['--format', format, '--output', join(work, `report.${format}`)];
    await loaded.exports.fastScan([sample, ...out, '--cache-location', join(work, 'cache.json')]);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const cache = loaded.script.createCachedData();
writeFileSync(CODE_CACHE_FILE, cache);
console.log(`bundle -> ${outdir} (code cache ${Math.round(cache.length / 1024)} KiB)`);
