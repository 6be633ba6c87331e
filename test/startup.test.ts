/**
 * Start-up: a run loads only what it uses. The real binary runs under a
 * preload that records every module file Node compiles (CommonJS and ES
 * modules); the test asserts which packages were loaded, never how long
 * anything took. The packages compiled into the bundle (scripts/bundle.mjs)
 * are never loaded from node_modules there, so what they load is asserted on
 * dist/, with the preload hiding the bundle (bin/run.js then runs dist/).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDocument } from '../src/policy/index.js';
import { ensureBuilt, repoRoot } from './cli-helpers.js';

const work = mkdtempSync(join(tmpdir(), 'startup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  const r = await next(url, context);
  appendFileSync(process.env.TRACE_FILE, url + '\\n');
  return r;
}
`;
const PRELOAD = `import { appendFileSync } from 'node:fs';
import { createRequire, register, syncBuiltinESMExports } from 'node:module';
register('./hooks.mjs', import.meta.url);
const require = createRequire(import.meta.url);
if (process.env.HIDE_BUNDLE) {
  const fs = require('node:fs');
  const read = fs.readFileSync;
  fs.readFileSync = function (file, ...rest) {
    if (String(file).endsWith('/dist/bundle/cli.cjs')) throw Object.assign(new Error('hidden'), { code: 'ENOENT' });
    return read.call(this, file, ...rest);
  };
  syncBuiltinESMExports();
}
const Module = require('node:module');
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  appendFileSync(process.env.TRACE_FILE, filename + '\\n');
  return compile.call(this, content, filename);
};
`;

function project(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'x');
  return dir;
}

let traces = 0;
/**
 * Run the binary; return the packages (node_modules names) and dist/ modules it loaded.
 * `bundle: false`: as if there were no bundle (dist/ runs, every package is loaded from node_modules).
 */
function loaded(
  args: string[],
  cwd: string,
  { bundle = true } = {},
): { packages: Set<string>; dist: Set<string>; code: number | null } {
  const trace = join(work, `trace-${++traces}.txt`);
  writeFileSync(trace, '');
  const r = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(join(work, 'preload.mjs')).href, join(repoRoot, 'bin/run.js'), ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, TRACE_FILE: trace, NO_COLOR: '1', ...(bundle ? {} : { HIDE_BUNDLE: '1' }) },
      timeout: 60_000,
    },
  );
  expect(r.stderr).toBe('');
  const files = readFileSync(trace, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^file:\/\//, ''));
  const packages = new Set<string>();
  const dist = new Set<string>();
  for (const f of files) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f);
    if (m) packages.add(m[1]);
    const d = /\/dist\/(.+)$/.exec(f);
    if (d && !m) dist.add(d[1]);
  }
  return { packages, dist, code: r.status };
}

describe('start-up', () => {
  beforeAll(() => {
    ensureBuilt();
    writeFileSync(join(work, 'hooks.mjs'), HOOKS);
    writeFileSync(join(work, 'preload.mjs'), PRELOAD);
  }, 180_000);

  it('every built-in policy is valid (runs trust them without validating them again)', () => {
    const dir = join(repoRoot, 'policies');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files)
      expect(validateDocument('policy', f, JSON.parse(readFileSync(join(dir, f), 'utf8'))), f).toEqual([]);
  });

  it('a scan of a small project loads neither oclif nor parsers, validators or formatters it does not need', () => {
    const dir = project('small', {
      'src/app.ts':
        "import Leanplum from 'leanplum-sdk';\nexport function go(): void {\n  if (Cookiebot.consent.marketing && Cookiebot.consent.statistics) Leanplum.start();\n}\n",
    });
    const bundled = loaded([dir, '--format', 'json'], dir);
    const unbundled = loaded([dir, '--format', 'json'], dir, { bundle: false });
    for (const run of [bundled, unbundled]) {
      expect(run.code).toBe(0);
      for (const pkg of [
        '@oclif/core',
        'parse5',
        '@vue/compiler-sfc',
        'ajv',
        'jsonc-parser',
        '@babel/code-frame',
        'fast-glob',
        'ts-morph',
        'typescript',
        'entities',
        'web-tree-sitter',
      ]) {
        expect(run.packages.has(pkg), pkg).toBe(false);
      }
      expect(run.dist.has('policy/validators.cjs')).toBe(false);
      expect(run.dist.has('commands/scan.js')).toBe(false);
    }
    // The parser is compiled into the bundle: it runs from there, not from node_modules.
    expect(bundled.packages.has('@babel/parser')).toBe(false);
    expect([...bundled.dist]).toEqual([]); // the bundle ran: no module of dist/ was loaded
    expect(unbundled.packages.has('@babel/parser')).toBe(true);
  });

  it('loads ts-morph only for a receiver that only its type names as the SDK', () => {
    const dir = project('typed', {
      'src/deps.ts': "import Leanplum from 'leanplum-sdk';\nexport interface Deps {\n  lp: typeof Leanplum;\n}\n",
      'src/app.ts': "import type { Deps } from './deps';\nexport function run(d: Deps): void {\n  d.lp.start();\n}\n",
    });
    const run = loaded([dir, '--format', 'json'], dir);
    expect(run.code).toBe(1);
    expect(run.packages.has('ts-morph')).toBe(true);
  });

  it('loads parse5 for HTML, the config validator for a config file, oclif for help, and no package for --version', () => {
    const dir = project('html', {
      'index.html': '<script>Leanplum.start()</script>\n',
      'consent-lint.config.json': '{"guards":[{"function":"hasConsent","purposeArgument":0}]}\n',
    });
    const run = loaded([dir, '--format', 'json'], dir);
    expect(run.code).toBe(1);
    expect(run.packages.has('parse5')).toBe(true);
    expect(run.dist.has('policy/validators.cjs')).toBe(true);
    // Only the config's validator: the policy schema's (ten times the code) is not needed.
    expect(run.dist.has('policy/validators-config.cjs')).toBe(true);
    expect(run.dist.has('policy/validators-policy.cjs')).toBe(false);
    expect(run.packages.has('@oclif/core')).toBe(false);
    expect(loaded(['--help'], dir).packages.has('@oclif/core')).toBe(true);
    const version = loaded(['--version'], dir);
    expect(version.code).toBe(0);
    expect(version.packages.size).toBe(0);
  });

  it('a warm --cache hit does not load the parser', () => {
    const dir = project('cached', { 'src/a.ts': "import Leanplum from 'leanplum-sdk';\nLeanplum.start();\n" });
    const cache = join(work, 'cache.json');
    const args = [dir, '--format', 'json', '--cache-location', cache];
    expect(loaded(args, dir, { bundle: false }).packages.has('@babel/parser')).toBe(true);
    const warm = loaded(args, dir, { bundle: false });
    expect(warm.code).toBe(1);
    expect(warm.packages.has('@babel/parser')).toBe(false);
  });
});
