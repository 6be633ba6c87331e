/**
 * Class: git config execution. A scanned repository's .git/config (and the
 * files it includes, and its .gitattributes) names commands git would run for
 * us: fsmonitor, hooks, pagers, external diff, textconv, clean/smudge/process
 * filters, credential helpers, askpass, ssh. Each plants a marker file; no
 * scan mode (plain, --changed, --changed REF, --staged) may create one, and
 * the finding in src/app.ts must still be reported.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanup,
  cli,
  ensureBuilt,
  findingFiles,
  git,
  gitRepo,
  json,
  LP_UNGUARDED,
  tempDir,
  writeTree,
} from './helpers.js';

let repo: string;
let markers: string;

function plant(repoDir: string, markerDir: string): void {
  const marker = join(repoDir, '..', 'marker.sh');
  writeFileSync(marker, `#!/bin/sh\ntouch "${markerDir}/$1"\nexit 0\n`);
  chmodSync(marker, 0o755);
  const cmd = (name: string) => `${marker} ${name}`;
  const set = (key: string, value: string) => git(repoDir, 'config', key, value);
  set('core.fsmonitor', cmd('fsmonitor'));
  set('core.pager', cmd('core-pager'));
  set('pager.diff', cmd('pager-diff'));
  set('pager.ls-files', cmd('pager-ls-files'));
  set('diff.external', cmd('diff-external'));
  set('diff.evil.textconv', cmd('textconv'));
  set('diff.evil.command', cmd('diff-driver-command'));
  set('filter.evil.clean', cmd('filter-clean'));
  set('filter.evil.smudge', cmd('filter-smudge'));
  set('filter.evil.process', cmd('filter-process'));
  set('filter.evil.required', 'true');
  set('credential.helper', `!${cmd('credential-helper')}`);
  set('core.askPass', cmd('askpass'));
  set('core.sshCommand', cmd('ssh-command'));
  set('core.editor', cmd('editor'));
  set('core.hooksPath', join(repoDir, 'evil-hooks'));
  // An included file can set them too.
  writeFileSync(join(repoDir, '..', 'included.gitconfig'), `[core]\n\tfsmonitor = ${cmd('included-fsmonitor')}\n`);
  set('include.path', join(repoDir, '..', 'included.gitconfig'));
  // Hooks in both places: hooksPath and .git/hooks.
  for (const dir of [join(repoDir, 'evil-hooks'), join(repoDir, '.git', 'hooks')]) {
    mkdirSync(dir, { recursive: true });
    for (const hook of [
      'post-index-change',
      'pre-commit',
      'post-checkout',
      'reference-transaction',
      'fsmonitor-watchman',
      'pre-auto-gc',
      'post-rewrite',
    ]) {
      writeFileSync(join(dir, hook), `#!/bin/sh\ntouch "${markerDir}/hook-${hook}"\n`);
      chmodSync(join(dir, hook), 0o755);
    }
  }
}

beforeAll(() => {
  ensureBuilt();
  const base = tempDir();
  markers = join(base, 'markers');
  mkdirSync(markers);
  repo = join(base, 'repo');
  mkdirSync(repo);
  gitRepo(repo);
  writeTree(repo, {
    '.gitattributes': '*.ts diff=evil filter=evil\n*.js diff=evil filter=evil\n',
    'src/app.ts': LP_UNGUARDED,
    'src/guarded.ts':
      "import Leanplum from 'leanplum-sdk';\nif (Cookiebot.consent.marketing && Cookiebot.consent.statistics) Leanplum.start();\n",
    'src/util.ts': 'export const x = 1;\n',
  });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'init');
  // Work-tree and staged changes, made before the filters exist (git add would run them).
  writeTree(repo, {
    'src/util.ts': 'export const x = 2;\n',
    'src/staged.ts': "import Leanplum from 'leanplum-sdk';\nLeanplum.start();\n",
    'src/untracked.ts': 'export const y = 1;\n',
  });
  git(repo, 'add', 'src/staged.ts');
  writeTree(repo, { 'src/util.ts': 'export const x = 3;\n' });
  plant(repo, markers);
});

afterAll(cleanup);

describe('git config execution: nothing the repository configures runs', () => {
  it.each([
    ['a plain scan', [] as string[]],
    ['--changed', ['--changed']],
    ['--changed HEAD', ['--changed', 'HEAD']],
    ['--staged', ['--staged']],
  ])('%s', (_label, flags) => {
    const r = cli(['.', '--format', 'json', ...flags], { cwd: repo });
    expect(readdirSync(markers)).toEqual([]);
    expect(r.code).toBe(1);
    const report = json(r);
    if (flags.includes('--staged')) expect(findingFiles(report)).toEqual(['src/staged.ts:2']);
    else if (flags.length) expect(findingFiles(report)).toEqual(['src/staged.ts:2']);
    else expect(findingFiles(report)).toEqual(['src/app.ts:2', 'src/staged.ts:2']);
  });

  it('the planted settings are live: git itself runs them when not neutralised', () => {
    // Guards the test: if git ignored these settings, the assertions above could not fail.
    try {
      execFileSync('git', ['status', '--short'], { cwd: repo, stdio: 'ignore', timeout: 20_000 });
    } catch {
      // the planted filter may make git fail: what ran is what matters
    }
    expect(readdirSync(markers).join(' ')).toMatch(/fsmonitor|filter/);
  });
});
