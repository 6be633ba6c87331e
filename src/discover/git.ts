/**
 * The one way consent-lint runs git. The scanned repository is untrusted: its
 * `.git/config` (and the files it includes) can name commands that git would
 * run on our behalf — `core.fsmonitor`, hooks, pagers, external diff and
 * textconv drivers, clean/smudge filters, credential helpers, transports.
 * Every call goes through `gitSync`/`gitAsync`, which neutralise all of them:
 *
 *   -c core.fsmonitor=false       no fsmonitor hook (it runs on every index read)
 *   -c core.hooksPath=/dev/null   no hooks
 *   --no-pager, -c core.pager=cat no pager (and GIT_PAGER/PAGER removed)
 *   -c credential.helper=         no credential helper (an empty value resets the list)
 *   -c core.askPass= GIT_TERMINAL_PROMPT=0, GIT_ASKPASS/SSH_ASKPASS removed: never prompt
 *   -c protocol.allow=never       no transport at all (a partial clone's lazy fetch
 *                                 would run core.sshCommand); per-protocol overrides too
 *   -c diff.external=             plus --no-ext-diff --no-textconv on `git diff`
 *   -c filter.<name>.clean= ...   every filter driver the repository configures is emptied
 *                                 (git runs clean filters when diffing the work tree)
 *   -c core.excludesFile=/dev/null  (and core.attributesFile) when the configured file is
 *                                 not a regular file: git would block forever on a FIFO
 *   -c core.untrackedCache=false  -c core.splitIndex=false: read-only, no index rewrites
 *   GIT_CONFIG_NOSYSTEM=1, GIT_OPTIONAL_LOCKS=0, GIT_EXTERNAL_DIFF removed
 *
 * and every call has a timeout, so a git that blocks (a FIFO named as an
 * excludes file) cannot hang the scan.
 */
import { execFile, execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Flags put before every git subcommand. */
export const GIT_SAFETY_ARGS: readonly string[] = [
  '--no-pager',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.pager=cat',
  '-c',
  'credential.helper=',
  '-c',
  'core.askPass=',
  '-c',
  'core.sshCommand=',
  '-c',
  'core.gitProxy=',
  '-c',
  'protocol.allow=never',
  ...['file', 'git', 'ssh', 'http', 'https', 'ext'].flatMap((p) => ['-c', `protocol.${p}.allow=never`]),
  '-c',
  'diff.external=',
  '-c',
  'core.untrackedCache=false',
  '-c',
  'core.splitIndex=false',
  '-c',
  'core.quotepath=off',
];

/** Extra flags for `git diff` (after the subcommand name). */
export const GIT_DIFF_SAFETY_ARGS: readonly string[] = ['--no-ext-diff', '--no-textconv'];

/** Default timeout of one git call. */
export const GIT_TIMEOUT_MS = 120_000;

export interface GitOptions {
  /** Drop GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE so git finds the repository from `cwd` (listing). */
  ownRepository?: boolean;
  timeoutMs?: number;
}

export interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Why it failed (exit status, signal, timeout, git missing). */
  error?: string;
}

const UNSAFE_ENV = [
  'GIT_PAGER',
  'PAGER',
  'GIT_EXTERNAL_DIFF',
  'GIT_ASKPASS',
  'SSH_ASKPASS',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_PROXY_COMMAND',
  'GIT_EDITOR',
  'GIT_SEQUENCE_EDITOR',
];

export function gitEnv(options: GitOptions = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of UNSAFE_ENV) delete env[k];
  if (options.ownRepository) {
    delete env.GIT_DIR;
    delete env.GIT_WORK_TREE;
    delete env.GIT_INDEX_FILE;
  }
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_OPTIONAL_LOCKS = '0';
  env.GIT_PROTOCOL_FROM_USER = '0';
  env.GCM_INTERACTIVE = 'never';
  return env;
}

/** The full argument list for one git call: safety flags, filter overrides, then `args` (diff flags inserted). */
export function gitArgs(args: readonly string[], filterOverrides: readonly string[] = []): string[] {
  const [cmd, ...rest] = args;
  const sub = cmd === 'diff' ? [cmd, ...GIT_DIFF_SAFETY_ARGS, ...rest] : [...args];
  return [...GIT_SAFETY_ARGS, ...filterOverrides, ...sub];
}

const FILTER_KEY = /^filter\.(.+)\.(clean|smudge|process|required)$/i;
const FILE_KEY = /^core\.(excludesfile|attributesfile)$/i;

const CONFIG_QUERY = ['config', '-z', '--get-regexp', '^(filter\\..*|core\\.(excludesfile|attributesfile))$'];

/**
 * `-c` flags that empty every filter driver configured for `cwd`'s repository,
 * and replace an excludes/attributes file that is not a regular file (a FIFO
 * would block git forever) by /dev/null. Reading config runs nothing.
 */
function configOverrides(cwd: string, options: GitOptions): string[] {
  const r = runSync(CONFIG_QUERY, cwd, options, []);
  return r.ok ? overridesFrom(r.stdout, cwd) : [];
}

/** The same, without blocking: the listing's git calls run while the CLI loads the analysis. */
async function configOverridesAsync(cwd: string, options: GitOptions): Promise<string[]> {
  const r = await runAsync(CONFIG_QUERY, cwd, options, []);
  return r.ok ? overridesFrom(r.stdout, cwd) : [];
}

/** `-c` overrides from `git config -z --get-regexp` output. */
function overridesFrom(stdout: string, cwd: string): string[] {
  const names = new Set<string>();
  const files = new Map<string, string>();
  for (const entry of stdout.split('\0')) {
    const nl = entry.indexOf('\n');
    const key = nl === -1 ? entry : entry.slice(0, nl);
    const value = nl === -1 ? '' : entry.slice(nl + 1);
    const m = FILTER_KEY.exec(key);
    if (m) names.add(m[1]);
    else if (FILE_KEY.test(key))
      files.set(key.toLowerCase() === 'core.excludesfile' ? 'core.excludesFile' : 'core.attributesFile', value); // last one wins, as in git
  }
  const out = [...names].flatMap((n) => [
    '-c',
    `filter.${n}.clean=`,
    '-c',
    `filter.${n}.smudge=`,
    '-c',
    `filter.${n}.process=`,
    '-c',
    `filter.${n}.required=false`,
  ]);
  for (const [key, value] of files) {
    if (!value) continue;
    const path = value.startsWith('~/') ? join(homedir(), value.slice(2)) : resolve(cwd, value);
    let regular = true;
    try {
      regular = statSync(path).isFile();
    } catch {
      regular = true; // missing: git skips it
    }
    if (!regular) out.push('-c', `${key}=/dev/null`);
  }
  return out;
}

function runSync(args: readonly string[], cwd: string, options: GitOptions, overrides: readonly string[]): GitResult {
  const opts: ExecFileSyncOptions = {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
    env: gitEnv(options),
    timeout: options.timeoutMs ?? GIT_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    windowsHide: true,
  };
  try {
    const stdout = execFileSync('git', gitArgs(args, overrides), opts) as unknown as string;
    return { ok: true, stdout, stderr: '' };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & {
      stdout?: string;
      stderr?: string;
      status?: number | null;
      signal?: string | null;
    };
    return {
      ok: false,
      stdout: String(err.stdout ?? ''),
      stderr: String(err.stderr ?? ''),
      error: describeFailure(err),
    };
  }
}

function describeFailure(
  err: NodeJS.ErrnoException & { status?: number | null; signal?: string | null; killed?: boolean },
): string {
  if (err.code === 'ENOENT') return 'git is not installed';
  if (err.code === 'ETIMEDOUT' || err.killed || err.signal === 'SIGKILL') return 'git timed out';
  if (err.signal) return `git was killed by ${err.signal}`;
  return `git exited with status ${err.status ?? err.code ?? '?'}`;
}

/**
 * Subcommands that read neither the work tree nor the index (`git config`; `git rev-parse`
 * resolves the repository and names only), so no filter driver, excludes or attributes
 * file can come into play: they need no per-repository overrides (one git call fewer).
 */
const NEEDS_NO_OVERRIDES = new Set(['config', 'rev-parse']);

/**
 * Whether `dir` or a folder above it holds a `.git` entry (a directory, or a file naming
 * one). With GIT_DIR and GIT_WORK_TREE dropped (`ownRepository`), git finds a work tree
 * only that way: without one, a git call about `dir` can only fail, so it is not made.
 */
export function mayBeInGitWorkTree(dir: string): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
  }
}

/** Run git synchronously with every repository-controlled command disabled. */
export function gitSync(args: readonly string[], cwd: string, options: GitOptions = {}): GitResult {
  const overrides = NEEDS_NO_OVERRIDES.has(args[0]) ? [] : configOverrides(cwd, options);
  return runSync(args, cwd, options, overrides);
}

/** The same, asynchronously (the listing of a large repository). */
export async function gitAsync(args: readonly string[], cwd: string, options: GitOptions = {}): Promise<GitResult> {
  const overrides = NEEDS_NO_OVERRIDES.has(args[0]) ? [] : await configOverridesAsync(cwd, options);
  return runAsync(args, cwd, options, overrides);
}

function runAsync(
  args: readonly string[],
  cwd: string,
  options: GitOptions,
  overrides: readonly string[],
): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      gitArgs(args, overrides),
      {
        cwd,
        env: gitEnv(options),
        maxBuffer: 1 << 30,
        encoding: 'utf8',
        windowsHide: true,
        timeout: options.timeoutMs ?? GIT_TIMEOUT_MS,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        if (err)
          resolve({
            ok: false,
            stdout: String(stdout ?? ''),
            stderr: String(stderr ?? ''),
            error: describeFailure(err as NodeJS.ErrnoException),
          });
        else resolve({ ok: true, stdout, stderr });
      },
    );
  });
}
