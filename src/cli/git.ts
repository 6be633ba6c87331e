/**
 * The few git queries the CLI needs (scan root, --changed, --staged). Read-only,
 * local: never fetches.
 */
import { join, resolve } from 'node:path';
import { gitSync } from '../discover/git.js';
import { UsageError } from './errors.js';

/** Every call goes through the discover stage's safe git runner (no fsmonitor, hooks, pager, filters, helpers). */
function git(args: string[], cwd: string): string {
  const r = gitSync(args, cwd);
  if (!r.ok) throw new Error(`git ${args[0]} failed (${r.error}): ${r.stderr.trim()}`);
  return r.stdout;
}

function tryGit(args: string[], cwd: string): string | undefined {
  const r = gitSync(args, cwd);
  return r.ok ? r.stdout : undefined;
}

/** The repository's top-level directory, or undefined outside a work tree (or without git). */
export function gitTopLevel(dir: string): string | undefined {
  const out = tryGit(['rev-parse', '--show-toplevel'], dir);
  return out ? resolve(out.trim()) : undefined;
}

const nul = (out: string | undefined) => (out ?? '').split('\0').filter(Boolean);

export interface ChangedFilesOptions {
  /** Any directory inside the work tree. */
  cwd: string;
  /** `--changed [REF]`: compare the work tree with merge-base(REF, HEAD). */
  ref?: string;
  /** `--staged`: the index against HEAD. */
  staged?: boolean;
}

export interface ChangedFiles {
  /** Absolute paths. */
  files: string[];
  /** What was compared, for messages. */
  base: string;
  /** Set when merge-base failed (shallow clone, unrelated histories) and REF itself was used. */
  note?: string;
}

/** Files changed according to git (`git diff --name-only`), as absolute paths. */
export function changedFiles(options: ChangedFilesOptions): ChangedFiles {
  const top = gitTopLevel(options.cwd);
  if (!top)
    throw new UsageError(
      `--${options.staged ? 'staged' : 'changed'} needs a git work tree (${options.cwd} is not inside one)`,
    );
  const abs = (names: string[]) => [...new Set(names)].map((n) => join(top, n)).sort();
  if (options.staged) {
    const out = git(['diff', '--cached', '--name-only', '-z', '--no-renames', '--diff-filter=d'], top);
    return { files: abs(nul(out)), base: 'the index (staged changes)' };
  }
  const ref = options.ref || 'HEAD';
  if (tryGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], top) === undefined) {
    throw new UsageError(
      `--changed: "${ref}" is not a commit in this repository (fetch it first, e.g. git fetch origin ${ref} --depth=50)`,
    );
  }
  let base = tryGit(['merge-base', ref, 'HEAD'], top)?.trim();
  let note: string | undefined;
  if (!base) {
    base = ref;
    note = `git merge-base ${ref} HEAD failed (shallow clone or unrelated history); comparing with ${ref} directly`;
  }
  const diff = nul(git(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=d', base, '--'], top));
  const untracked = nul(tryGit(['ls-files', '--others', '--exclude-standard', '--full-name', '-z'], top));
  return { files: abs([...diff, ...untracked]), base, ...(note ? { note } : {}) };
}
