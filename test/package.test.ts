/**
 * The published package, as a user gets it: `npm pack`, install the tarball
 * into a fresh project (dependencies from the npm cache when it has them,
 * else the registry), then `npx consent-lint` with zero config on a sample.
 * Plus the package metadata: LICENSE, repository/homepage/bugs, an exports
 * map, no source maps without sources, no runtime dependency nothing imports.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from './cli-helpers.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const npmEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    NO_COLOR: '1',
  };
  for (const k of Object.keys(env))
    if (k.startsWith('npm_package_') || k === 'npm_lifecycle_event' || k === 'npm_lifecycle_script') delete env[k];
  delete env.GITHUB_ACTIONS;
  delete env.CI;
  return env;
};

let tarball: string;
let files: string[];

beforeAll(() => {
  ensureBuilt();
  const dest = mkdtempSync(join(tmpdir(), 'cl-pack-'));
  // --ignore-scripts: pack the dist/ the tests just built (prepare would rebuild the
  // working tree under the other test files; test/precommit.test.ts covers prepare).
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], {
    cwd: repoRoot,
    env: npmEnv(),
    encoding: 'utf8',
  });
  const info = JSON.parse(out)[0] as { filename: string; files: { path: string }[] };
  tarball = join(dest, info.filename);
  files = info.files.map((f) => f.path).sort();
}, 300_000);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)).map((f) => `${name}/${f}`) : [name],
  );
}

describe('package metadata and contents', () => {
  it('has license, LICENSE file, repository, homepage and bugs', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(repoRoot, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(pkg.repository.url).toMatch(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs.url).toMatch(/\/issues$/);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
  });

  it('ships the CLI, policies, schemas, presets, rule docs and integration manifests; no sources, tests or source maps', () => {
    for (const f of [
      'bin/run.js',
      'bin/fast-path.js',
      'bin/package.json', // bin/*.js are CommonJS
      'dist/bundle/cli.cjs',
      'dist/bundle/cli.cjs.v8',
      'dist/bundle/THIRD-PARTY-LICENSES.txt',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/commands/scan.js',
      'dist/policy/validators.cjs',
      'oclif.manifest.json',
      'policies/leanplum.json',
      'schemas/config.schema.json',
      'presets/strict.json',
      'docs/rules/leanplum/init.md',
      'action.yml',
      '.pre-commit-hooks.yaml',
    ]) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|fixtures|bench)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(
      files
        .filter((f) => f.endsWith('.js'))
        .filter((f) => /sourceMappingURL/.test(readFileSync(join(repoRoot, f), 'utf8'))),
    ).toEqual([]);
  });

  it('has an exports map covering the API, package.json, schemas and policies', () => {
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(pkg.exports['./package.json']).toBe('./package.json');
    expect(pkg.exports['./schemas/*.json']).toBe('./schemas/*.json');
    expect(pkg.exports['./policies/*.json']).toBe('./policies/*.json');
  });

  it('every runtime dependency is imported by the shipped code (or named by the shipped type declarations)', () => {
    const shipped = files
      .filter((f) => /\.(c?js|d\.ts)$/.test(f))
      .map((f) => readFileSync(join(repoRoot, f), 'utf8'))
      .join('\n');
    for (const dep of Object.keys(pkg.dependencies)) {
      const escaped = dep.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      // Imported, or (wasm grammars) loaded as a package file by the native stage.
      expect(
        new RegExp(`(from |import\\(|require\\(|packageFile\\()['"]${escaped}(/[^'"]*)?['"]`).test(shipped),
        `${dep} is a dependency but nothing imports it`,
      ).toBe(true);
    }
  });
});

describe('installed from the tarball into a fresh project', () => {
  it('`npx consent-lint` works with zero config: finds the ungated call, passes once it is guarded; the API and schemas resolve', () => {
    const app = mkdtempSync(join(tmpdir(), 'cl-consumer-'));
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'shop', version: '1.0.0', private: true, type: 'module' }, null, 2),
    );
    mkdirSync(join(app, 'src'));
    writeFileSync(
      join(app, 'src/lp.js'),
      "import Leanplum from 'leanplum-sdk';\n\nexport function boot() {\n  Leanplum.start();\n}\nboot();\n",
    );
    const install = spawnSync('npm', ['install', '--no-save', '--no-package-lock', tarball], {
      cwd: app,
      env: npmEnv(),
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(install.status, install.stdout + install.stderr).toBe(0);
    expect(walk(join(app, 'node_modules/consent-lint')).filter((f) => f.startsWith('src/'))).toEqual([]);

    const version = spawnSync('npx', ['--no-install', 'consent-lint', '--version'], {
      cwd: app,
      env: npmEnv(),
      encoding: 'utf8',
    });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toContain(`consent-lint/${pkg.version}`);

    const found = spawnSync('npx', ['--no-install', 'consent-lint'], { cwd: app, env: npmEnv(), encoding: 'utf8' });
    expect(found.status, found.stdout + found.stderr).toBe(1);
    expect(found.stdout).toMatch(/src\/lp\.js\n\s+4:3\s+error\s+Leanplum is started without consent/);
    expect(found.stdout).toContain('docs/rules/leanplum/init.md');

    writeFileSync(
      join(app, 'src/lp.js'),
      "import Leanplum from 'leanplum-sdk';\n\nwindow.addEventListener('CookiebotOnConsentReady', () => {\n  if (Cookiebot.consent.statistics && Cookiebot.consent.marketing) Leanplum.start();\n});\n",
    );
    const clean = spawnSync('npx', ['--no-install', 'consent-lint'], { cwd: app, env: npmEnv(), encoding: 'utf8' });
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toContain('no consent problems found');

    // The exports map: the API, package.json and the schema resolve; internals do not.
    const probe = [
      "const m = await import('consent-lint');",
      "const { createRequire } = await import('node:module');",
      'const require = createRequire(import.meta.url);',
      "let internal = 'blocked'; try { require.resolve('consent-lint/dist/cli/scan.js'); internal = 'open'; } catch {}",
      "console.log(JSON.stringify({ scan: typeof m.scan, pkg: require('consent-lint/package.json').name, schema: require.resolve('consent-lint/schemas/config.schema.json').endsWith('config.schema.json'), internal }));",
    ].join('\n');
    const api = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: app, encoding: 'utf8' });
    expect(api.status, api.stderr).toBe(0);
    expect(JSON.parse(api.stdout)).toEqual({
      scan: 'function',
      pkg: 'consent-lint',
      schema: true,
      internal: 'blocked',
    });
    expect(existsSync(join(app, 'node_modules/consent-lint/schemas/config.schema.json'))).toBe(true); // README's "$schema" path
  }, 600_000);
});
