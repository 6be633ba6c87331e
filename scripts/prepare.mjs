// `prepare` (run by npm on `npm install` in a checkout, on a git install and on
// `npm pack`): build dist/ unless it is already newer than every source file.
// Everything goes to stderr: `npm pack` (which pre-commit runs to install the
// hook) must print nothing on stdout but the tarball's name.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs),
    0,
  );
const outputs = [
  'dist/commands/scan.js',
  'dist/policy/validators.cjs',
  'oclif.manifest.json',
  'dist/bundle/cli.cjs',
].map((f) => join(root, f));
const inputs = Math.max(
  newest(join(root, 'src')),
  newest(join(root, 'schemas')),
  statSync(join(root, 'package.json')).mtimeMs,
);
if (outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= inputs)) {
  process.stderr.write('consent-lint: dist/ is up to date\n');
  process.exit(0);
}
const npm = process.env.npm_execpath;
const r = npm
  ? spawnSync(process.execPath, [npm, 'run', '--silent', 'build'], {
      cwd: root,
      stdio: ['ignore', process.stderr, process.stderr],
    })
  : spawnSync('npm', ['run', '--silent', 'build'], {
      cwd: root,
      stdio: ['ignore', process.stderr, process.stderr],
      shell: process.platform === 'win32',
    });
process.exit(r.status ?? 1);
