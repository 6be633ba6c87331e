/**
 * The repository as a user gets it from git: the tracked (and new, not
 * ignored) files of the working tree, committed into a fresh repository in a
 * temp directory, with no node_modules and no dist/. What `pre-commit`
 * clones, and what `npm pack` packs.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const gitIdentity = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

/** Environment for git in temp repositories: no hooks of the outer repository, a fixed identity. */
export function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...gitIdentity, ...extra };
  for (const k of [
    'GIT_DIR',
    'GIT_INDEX_FILE',
    'GIT_WORK_TREE',
    'GIT_OBJECT_DIRECTORY',
    'GITHUB_ACTIONS',
    'GITHUB_STEP_SUMMARY',
  ])
    delete env[k];
  return env;
}

/** Commit the working tree of `repoRoot` (tracked + untracked, not ignored; deleted files left out) into a new repository. */
export function cloneWorkingTree(
  repoRoot: string,
  into = mkdtempSync(join(tmpdir(), 'cl-pkg-')),
): { dir: string; rev: string } {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const from = join(repoRoot, file);
    if (!existsSync(from) || !lstatSync(from).isFile()) continue;
    mkdirSync(dirname(join(into, file)), { recursive: true });
    copyFileSync(from, join(into, file));
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
      cwd: into,
      env: gitEnv(),
      encoding: 'utf8',
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'consent-lint working tree');
  return { dir: into, rev: git('rev-parse', 'HEAD').trim() };
}
