/**
 * The real `pre-commit` tool (Debian package `pre-commit`) installing *our*
 * `.pre-commit-hooks.yaml` from a git clone of this repository, exactly as a
 * user's `.pre-commit-config.yaml` or `pre-commit try-repo` does: pre-commit's
 * node support runs `npm install` and `npm pack` in the clone (our `prepare`
 * builds dist/ there; `npm pack` must print nothing but the tarball name),
 * then `npm install -g` of the tarball into its own environment.
 *
 * For both hook ids: a violating commit is blocked, a compliant one passes.
 * Needs the npm registry (or a warm npm cache) for the hook's dependencies.
 * Skipped, with the reason, when `pre-commit` is not on PATH.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './cli-helpers.js';
import { cloneWorkingTree, gitEnv } from './support/package-clone.js';

const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const available = preCommit.status === 0;
const reason = 'pre-commit is not on PATH (install it with: apt-get install -y pre-commit)';

if (!available) console.warn(`test/precommit.test.ts skipped: ${reason}`);

const UNGATED =
  "import Leanplum from 'leanplum-sdk';\n\nLeanplum.setAppIdForProductionMode('app_Xt3pQk', 'prod_9sKd2LmQ');\nLeanplum.start();\n";
const GUARDED = [
  "import Leanplum from 'leanplum-sdk';",
  '',
  "window.addEventListener('CookiebotOnConsentReady', () => {",
  '  if (Cookiebot.consent.statistics && Cookiebot.consent.marketing) {',
  "    Leanplum.setAppIdForProductionMode('app_Xt3pQk', 'prod_9sKd2LmQ');",
  '    Leanplum.start();',
  '  }',
  '});',
  '',
].join('\n');

let pkg: { dir: string; rev: string };

function env(home: string): NodeJS.ProcessEnv {
  // The user's environment, minus anything that would point git or npm elsewhere.
  // prefer-offline: take the hook's dependencies from the npm cache when it has them.
  return gitEnv({
    PRE_COMMIT_HOME: join(home, '.pre-commit-cache'),
    NO_COLOR: '1',
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  });
}

function sh(cwd: string, home: string, cmd: string, ...args: string[]) {
  return spawnSync(cmd, args, { cwd, env: env(home), encoding: 'utf8', timeout: 300_000 });
}

/** A consumer app repository with one harmless commit. */
function newApp(): { dir: string; home: string; git: (...args: string[]) => string } {
  const home = mkdtempSync(join(tmpdir(), 'cl-precommit-'));
  const dir = join(home, 'app');
  mkdirSync(join(dir, 'src'), { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      env: env(home),
      encoding: 'utf8',
    });
  git('init', '-q');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'shop', private: true, dependencies: { 'leanplum-sdk': '^1.17.0' } }, null, 2),
  );
  writeFileSync(join(dir, 'src/util.js'), 'export const sum = (a, b) => a + b;\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  return { dir, home, git };
}

const log = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

describe.skipIf(!available)(
  `pre-commit hooks from .pre-commit-hooks.yaml (${available ? preCommit.stdout.trim() : reason})`,
  () => {
    beforeAll(() => {
      pkg = cloneWorkingTree(repoRoot);
    });

    it('our .pre-commit-hooks.yaml is a valid manifest', () => {
      const home = mkdtempSync(join(tmpdir(), 'cl-precommit-'));
      const r = sh(repoRoot, home, 'pre-commit', 'validate-manifest', join(repoRoot, '.pre-commit-hooks.yaml'));
      expect(r.status, log(r)).toBe(0);
    });

    it('`pre-commit try-repo <repo> consent-lint --all-files`: fails on an ungated call, passes once it is guarded', () => {
      const { dir, home, git } = newApp();
      writeFileSync(join(dir, 'src/lp.js'), UNGATED);
      git('add', '-A');
      git('commit', '-q', '-m', 'start Leanplum');

      const failed = sh(dir, home, 'pre-commit', 'try-repo', pkg.dir, 'consent-lint', '--all-files');
      expect(failed.status, log(failed)).toBe(1);
      expect(failed.stdout).toMatch(/^consent-lint\.+Failed$/m);
      expect(failed.stdout).toContain('- exit code: 1');
      expect(failed.stdout).toMatch(/src\/lp\.js\n\s+4:1\s+error\s+.*leanplum\/init/);
      expect(failed.stdout).not.toContain('ENOENT');

      writeFileSync(join(dir, 'src/lp.js'), GUARDED);
      git('add', '-A');
      git('commit', '-q', '-m', 'start Leanplum after consent');
      const passed = sh(dir, home, 'pre-commit', 'try-repo', pkg.dir, 'consent-lint', '--all-files');
      expect(passed.status, log(passed)).toBe(0);
      expect(passed.stdout).toMatch(/^consent-lint\.+Passed$/m);
    }, 600_000);

    it('`pre-commit try-repo <repo>` runs both hook ids on the staged changes: both fail on an ungated call, both pass on a guarded one', () => {
      const { dir, home, git } = newApp();
      writeFileSync(join(dir, 'src/lp.js'), UNGATED);
      git('add', 'src/lp.js');

      const failed = sh(dir, home, 'pre-commit', 'try-repo', pkg.dir);
      expect(failed.status, log(failed)).toBe(1);
      expect(failed.stdout).toMatch(/^consent-lint\.+Failed$/m);
      expect(failed.stdout).toMatch(/^consent-lint \(staged changes\)\.+Failed$/m);
      expect(failed.stdout.match(/^\s+4:1\s+error\s+.*leanplum\/init$/gm)?.length, failed.stdout).toBe(2);

      writeFileSync(join(dir, 'src/lp.js'), GUARDED);
      git('add', 'src/lp.js');
      const passed = sh(dir, home, 'pre-commit', 'try-repo', pkg.dir);
      expect(passed.status, log(passed)).toBe(0);
      expect(passed.stdout).toMatch(/^consent-lint\.+Passed$/m);
      expect(passed.stdout).toMatch(/^consent-lint \(staged changes\)\.+Passed$/m);
    }, 600_000);

    it('installed as a git hook from `repo:`/`rev:` (both hook ids): blocks the ungated commit, lets the guarded one through', () => {
      const { dir, home, git } = newApp();
      writeFileSync(
        join(dir, '.pre-commit-config.yaml'),
        [
          'repos:',
          `  - repo: ${pkg.dir}`,
          `    rev: ${pkg.rev}`,
          '    hooks:',
          '      - id: consent-lint',
          '      - id: consent-lint-staged',
          '',
        ].join('\n'),
      );
      git('add', '.pre-commit-config.yaml');
      git('commit', '-q', '-m', 'pre-commit config');
      const install = sh(dir, home, 'pre-commit', 'install', '--install-hooks');
      expect(install.status, log(install)).toBe(0);

      writeFileSync(join(dir, 'src/lp.js'), UNGATED);
      git('add', 'src/lp.js');
      const blocked = sh(dir, home, 'git', 'commit', '-m', 'start Leanplum');
      expect(blocked.status, log(blocked)).not.toBe(0);
      expect(log(blocked)).toMatch(/^consent-lint\.+Failed$/m);
      expect(log(blocked)).toMatch(/^consent-lint \(staged changes\)\.+Failed$/m);
      expect(log(blocked)).toContain('src/lp.js');
      expect(git('log', '--oneline').trim().split('\n')).toHaveLength(2);

      writeFileSync(join(dir, 'src/lp.js'), GUARDED);
      git('add', 'src/lp.js');
      const passed = sh(dir, home, 'git', 'commit', '-m', 'start Leanplum after consent');
      expect(passed.status, log(passed)).toBe(0);
      expect(log(passed)).toMatch(/^consent-lint\.+Passed$/m);
      expect(log(passed)).toMatch(/^consent-lint \(staged changes\)\.+Passed$/m);
      expect(git('log', '--oneline').trim().split('\n')).toHaveLength(3);
    }, 600_000);
  },
);
