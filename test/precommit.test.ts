/**
 * The real `pre-commit` tool (Debian package `pre-commit`) blocking a commit
 * that adds an ungated Leanplum.start(), and letting a guarded one through.
 * Skipped, with the reason, when `pre-commit` is not on PATH.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from './cli-helpers.js';

const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const available = preCommit.status === 0;
const reason = 'pre-commit is not on PATH (install it with: apt-get install -y pre-commit)';

const bin = join(repoRoot, 'bin/run.js');
// eslint-disable-next-line no-console
if (!available) console.warn(`test/precommit.test.ts skipped: ${reason}`);

function env(home: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    PRE_COMMIT_HOME: join(home, '.pre-commit-cache'),
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
    NODE_ENV: 'production',
    NO_COLOR: '1',
  };
  delete e.GITHUB_ACTIONS;
  delete e.GIT_DIR;
  delete e.GIT_INDEX_FILE;
  return e;
}

function sh(cwd: string, home: string, cmd: string, ...args: string[]) {
  return spawnSync(cmd, args, { cwd, env: env(home), encoding: 'utf8', timeout: 120_000 });
}

function hookConfig(entryArgs: string): string {
  return [
    'repos:',
    '  - repo: local',
    '    hooks:',
    '      - id: consent-lint',
    '        name: consent-lint',
    `        entry: node ${bin}${entryArgs}`,
    '        language: system',
    '        pass_filenames: false',
    '        require_serial: true',
    '        types_or: [javascript, jsx, ts, tsx, html, vue]',
    '',
  ].join('\n');
}

function newRepo(entryArgs = ''): { dir: string; home: string } {
  const home = mkdtempSync(join(tmpdir(), 'cl-precommit-'));
  const dir = join(home, 'app');
  mkdirSync(join(dir, 'src'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd: dir, env: env(home), stdio: 'pipe' });
  git('init', '-q');
  git('config', 'commit.gpgsign', 'false');
  writeFileSync(join(dir, '.pre-commit-config.yaml'), hookConfig(entryArgs));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shop', private: true, dependencies: { 'leanplum-sdk': '^1.17.0' } }, null, 2));
  writeFileSync(join(dir, 'src/util.js'), 'export const sum = (a, b) => a + b;\n');
  const install = sh(dir, home, 'pre-commit', 'install');
  expect(install.status, install.stderr).toBe(0);
  git('add', '-A');
  const first = sh(dir, home, 'git', 'commit', '-q', '-m', 'initial');
  expect(first.status, first.stdout + first.stderr).toBe(0);
  return { dir, home };
}

const UNGATED = "import Leanplum from 'leanplum-sdk';\n\nLeanplum.setAppIdForProductionMode('app_Xt3pQk', 'prod_9sKd2LmQ');\nLeanplum.start();\n";
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

describe.skipIf(!available)(`pre-commit hook (${available ? preCommit.stdout.trim() : reason})`, () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('our .pre-commit-hooks.yaml is a valid manifest', () => {
    const home = mkdtempSync(join(tmpdir(), 'cl-precommit-'));
    const r = sh(repoRoot, home, 'pre-commit', 'validate-manifest', join(repoRoot, '.pre-commit-hooks.yaml'));
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  for (const [mode, args] of [
    ['whole project', ''],
    ['--staged', ' --staged'],
  ] as const) {
    it(`blocks a commit adding an ungated Leanplum.start(), lets the guarded one through (${mode})`, () => {
      const { dir, home } = newRepo(args);
      writeFileSync(join(dir, 'src/lp.js'), UNGATED);
      sh(dir, home, 'git', 'add', 'src/lp.js');
      const blocked = sh(dir, home, 'git', 'commit', '-m', 'start Leanplum');
      const log = blocked.stdout + blocked.stderr;
      expect(blocked.status, log).not.toBe(0);
      expect(log).toContain('consent-lint');
      expect(log).toMatch(/Failed/);
      expect(log).toContain('leanplum/init');
      expect(log).toContain('src/lp.js');
      expect(sh(dir, home, 'git', 'log', '--oneline').stdout.trim().split('\n')).toHaveLength(1);

      writeFileSync(join(dir, 'src/lp.js'), GUARDED);
      sh(dir, home, 'git', 'add', 'src/lp.js');
      const passed = sh(dir, home, 'git', 'commit', '-m', 'start Leanplum after consent');
      expect(passed.status, passed.stdout + passed.stderr).toBe(0);
      expect(passed.stdout + passed.stderr).toMatch(/consent-lint\.+Passed/);
      expect(sh(dir, home, 'git', 'log', '--oneline').stdout.trim().split('\n')).toHaveLength(2);
    });
  }
});
