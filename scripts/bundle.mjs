// Build step: bundle the CLI's fast path (dist/cli/scan-flags.js and everything a plain
// scan imports) into dist/bundle/, one ES module plus a chunk per dynamic import, so a
// run loads a few modules instead of ~80 (Node 20 has no compile cache; resolving and
// compiling each ES module costs start-up time). Packages stay external (node_modules);
// code loaded by path at run time (the schema validators) stays in dist/. bin/run.js
// prefers the bundle and falls back to dist/cli/scan-flags.js without it; oclif's
// commands (help, init, ...) always run from dist/.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
// The bundle sits at the depth of dist/cli/, so `import.meta.url`-relative paths
// (../../package.json, ../policy/validators.cjs) mean the same from either.
const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'dist/cli/scan-flags.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
const outputs = Object.entries(result.metafile.outputs);
const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
console.log(`bundle -> ${outdir} (${outputs.length} files, ${Math.round(bytes / 1024)} KiB)`);
