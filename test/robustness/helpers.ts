/**
 * Helpers of the robustness suite: temporary projects, the built CLI run as a
 * child process (optionally as an unprivileged user, so that permission bits
 * mean something when the suite runs as root), and JSON report parsing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureBuilt, repoRoot } from '../cli-helpers.js';

export { ensureBuilt, repoRoot };

export const LP_UNGUARDED = "import Leanplum from 'leanplum-sdk';\nLeanplum.start();\n";

const made: string[] = [];

/** A fresh directory (world-readable, so an unprivileged child can read it), removed by `cleanup`. */
export function tempDir(prefix = 'consent-lint-robust-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(d, 0o755);
  made.push(d);
  return d;
}

export function cleanup(): void {
  for (const d of made.splice(0)) {
    try {
      execFileSync('chmod', ['-R', 'u+rwx', d]);
    } catch {
      // best effort
    }
    rmSync(d, { recursive: true, force: true });
  }
}

/** Write files (relPath -> text) under `root`. */
export function writeTree(root: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      '-c',
      'commit.gpgsign=false',
      '-c',
      'core.hooksPath=/dev/null',
      ...args,
    ],
    { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

export function gitRepo(root: string): string {
  git(root, 'init', '-q', '-b', 'main');
  return root;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Run as this uid/gid (needs root): permission bits then apply. */
  uid?: number;
  gid?: number;
  timeoutMs?: number;
  input?: string;
}

/** The built CLI (`bin/run.js`) as a child process. */
export function cli(args: string[], options: RunOptions = {}): Run {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'production',
    FORCE_COLOR: undefined,
    NO_COLOR: '1',
    GITHUB_ACTIONS: undefined,
    GITHUB_STEP_SUMMARY: undefined,
    CI: '1',
    ...options.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/run.js'), ...args], {
    cwd: options.cwd ?? repoRoot,
    env: env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', signal: r.signal };
}

export interface JsonReport {
  findings: { file: string; line: number; ruleId: string; missing: string[] }[];
  errors: { file: string; line: number; column: number; message: string }[];
  stats: { filesScanned: number; filesParsed: number };
}

export function json(run: Run): JsonReport {
  try {
    return JSON.parse(run.stdout) as JsonReport;
  } catch {
    throw new Error(
      `not a JSON report (exit ${run.code}, signal ${run.signal}):\nstdout: ${run.stdout.slice(0, 2000)}\nstderr: ${run.stderr.slice(0, 2000)}`,
    );
  }
}

export const findingFiles = (r: JsonReport) => r.findings.map((f) => `${f.file}:${f.line}`).sort();

/** The uid of `nobody` when this process is root (permission tests), else undefined. */
export const unprivileged: number | undefined = process.getuid?.() === 0 ? 65534 : undefined;
