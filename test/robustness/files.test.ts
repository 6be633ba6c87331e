/**
 * Classes: symlink escapes and loops (git and glob mode), unreadable files and
 * directories (git and glob mode), cache tampering, disk full, closed stdout.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReportFile, type OutputFs } from '../../src/cli/output.js';
import {
  cleanup,
  cli,
  ensureBuilt,
  findingFiles,
  git,
  gitRepo,
  json,
  LP_UNGUARDED,
  repoRoot,
  tempDir,
  unprivileged,
  writeTree,
} from './helpers.js';

beforeAll(ensureBuilt);
afterAll(cleanup);

const SECRET = "import Leanplum from 'leanplum-sdk';\nLeanplum.start(); // SECRET-OUTSIDE-LINE\n";

describe.each(['glob', 'git'])('symlinks (%s mode)', (mode) => {
  function project(): string {
    const outside = writeTree(tempDir(), { 'secret.ts': SECRET });
    const root = writeTree(tempDir(), {
      'src/neighbour.ts': LP_UNGUARDED,
      'src/inner.ts': 'export const inner = 1;\n',
    });
    symlinkSync(join(outside, 'secret.ts'), join(root, 'src/escape.ts'));
    symlinkSync('inner.ts', join(root, 'src/alias.ts')); // inside the root: fine
    symlinkSync('loop-b.ts', join(root, 'src/loop-a.ts'));
    symlinkSync('loop-a.ts', join(root, 'src/loop-b.ts'));
    if (mode === 'git') {
      gitRepo(root);
      git(root, 'add', '-A');
      git(root, 'commit', '-q', '-m', 'links');
    }
    return root;
  }

  it('a link leaving the scan root is skipped and listed, never read nor printed; loops too', () => {
    const root = project();
    for (const format of ['json', 'stylish']) {
      const r = cli([root, '--format', format]);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain('SECRET-OUTSIDE-LINE');
      if (format !== 'json') continue;
      const report = json(r);
      expect(report.errors.find((e) => e.file === 'src/escape.ts')?.message).toMatch(
        /symbolic link leading outside the scan root \(not read\)/,
      );
      expect(report.errors.find((e) => e.file === 'src/loop-a.ts')?.message).toMatch(/symbolic link loop/);
      expect(report.errors.some((e) => e.file === 'src/alias.ts')).toBe(false);
      expect(findingFiles(report)).toEqual(['src/neighbour.ts:2']);
    }
  });
});

describe.runIf(unprivileged !== undefined).each(['glob', 'git'])(
  'unreadable files and directories (%s mode, run as nobody)',
  (mode) => {
    it('each is reported by name, the run exits 1, the neighbour is checked', () => {
      const root = writeTree(tempDir(), {
        'src/neighbour.ts': LP_UNGUARDED,
        'locked/hidden.ts': LP_UNGUARDED,
        'src/private.ts': LP_UNGUARDED,
      });
      if (mode === 'git') {
        gitRepo(root);
        git(root, 'add', '-A');
        git(root, 'commit', '-q', '-m', 'init');
        // Untracked files in the locked directory: git must look into it.
        writeTree(root, { 'locked/new.ts': 'export {};\n' });
        git(root, 'rm', '-q', '--cached', 'locked/hidden.ts');
      }
      chmodSync(join(root, 'locked'), 0o000);
      chmodSync(join(root, 'src/private.ts'), 0o000);
      const r = cli([root, '--format', 'json'], {
        uid: unprivileged,
        cwd: root,
        // git refuses repositories owned by someone else unless told (command-line scope).
        env: { HOME: root, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' },
      });
      const report = json(r);
      expect(r.code).toBe(1);
      expect(report.errors.find((e) => e.file === 'locked')?.message, JSON.stringify(report.errors)).toMatch(
        /unreadable directory \(.*\): files in it were not analysed/,
      );
      expect(report.errors.find((e) => e.file === 'src/private.ts')?.message).toMatch(/unreadable.*EACCES/);
      expect(findingFiles(report)).toEqual(['src/neighbour.ts:2']);
    });

    it('only an unreadable directory, no finding: still exit 1, never "no consent problems"', () => {
      const root = writeTree(tempDir(), { 'src/ok.ts': 'export const ok = 1;\n', 'locked/hidden.ts': LP_UNGUARDED });
      chmodSync(join(root, 'locked'), 0o000);
      const r = cli([root], { uid: unprivileged, cwd: root, env: { HOME: root } });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/locked/);
      expect(r.stdout).not.toMatch(/no consent problems/);
    });
  },
);

describe('cache tampering', () => {
  function cached(): { root: string; cacheFile: string } {
    const root = writeTree(tempDir(), { 'src/neighbour.ts': LP_UNGUARDED, 'src/other.ts': 'export const x = 1;\n' });
    gitRepo(root);
    const cacheFile = join(root, '.cache', 'analysis.json');
    const first = cli([root, '--format', 'json', '--cache-location', cacheFile]);
    expect(findingFiles(json(first))).toEqual(['src/neighbour.ts:2']);
    expect(existsSync(cacheFile)).toBe(true);
    return { root, cacheFile };
  }

  it('an entry committed to the repository (matching key, no findings) is never trusted', () => {
    const { root, cacheFile } = cached();
    const entry = JSON.parse(readFileSync(cacheFile, 'utf8'));
    entry.result.findings = [];
    writeFileSync(cacheFile, JSON.stringify(entry));
    git(root, 'add', '-f', '-A');
    git(root, 'commit', '-q', '-m', 'a cache that says all is well');
    const r = cli([root, '--format', 'json', '--cache-location', cacheFile]);
    expect(r.code).toBe(1);
    expect(findingFiles(json(r))).toEqual(['src/neighbour.ts:2']);
  });

  it.each([
    ['not JSON', '{"key": '],
    ['findings not a list', (e: Record<string, { findings: unknown }>) => ((e.result.findings = { length: 0 }), e)],
    [
      'a finding without positions',
      (e: Record<string, { findings: unknown[] }>) => ((e.result.findings = [{ ruleId: 'x', file: 'a.ts' }]), e),
    ],
    ['result missing', (e: Record<string, unknown>) => (delete e.result, e)],
  ])('malformed (%s): a cold run, no crash', (_label, tamper) => {
    const { root, cacheFile } = cached();
    const entry = JSON.parse(readFileSync(cacheFile, 'utf8'));
    writeFileSync(
      cacheFile,
      typeof tamper === 'string' ? tamper : JSON.stringify((tamper as (e: unknown) => unknown)(entry)),
    );
    const r = cli([root, '--format', 'json', '--cache-location', cacheFile]);
    expect(r.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
    expect(r.code).toBe(1);
    expect(findingFiles(json(r))).toEqual(['src/neighbour.ts:2']);
  });

  it('the default location is outside the repository', () => {
    const root = writeTree(tempDir(), { 'src/neighbour.ts': LP_UNGUARDED });
    const cacheHome = tempDir();
    const r = cli([root, '--format', 'json', '--cache'], { env: { XDG_CACHE_HOME: cacheHome } });
    expect(r.code).toBe(1);
    expect(readdirSync(root).sort()).toEqual(['src']);
    expect(readdirSync(join(cacheHome, 'consent-lint')).length).toBe(1);
  });
});

describe('disk full and closed stdout', () => {
  it('--output on a full device: exit 3, the file is named', () => {
    const root = writeTree(tempDir(), { 'src/neighbour.ts': LP_UNGUARDED });
    const r = cli([root, '--output', '/dev/full']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/could not write the report to \/dev\/full: ENOSPC/);
  });

  it('a write failing half way leaves the previous report whole and no temporary file', () => {
    const dir = tempDir();
    const out = join(dir, 'report.json');
    writeFileSync(out, 'previous report\n');
    const real = {
      openSync: require('node:fs').openSync,
      writeSync: () => {
        throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      },
      fsyncSync: require('node:fs').fsyncSync,
      closeSync: require('node:fs').closeSync,
      renameSync: require('node:fs').renameSync,
      rmSync: require('node:fs').rmSync,
    } as OutputFs;
    expect(() => writeReportFile(out, 'new report', real)).toThrow(
      /could not write the report to .*report\.json: ENOSPC/,
    );
    expect(readFileSync(out, 'utf8')).toBe('previous report\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('a closed stdout: exit 3 with one line, no stack trace', async () => {
    const root = writeTree(tempDir(), { 'src/neighbour.ts': LP_UNGUARDED });
    const child = spawn(process.execPath, [join(repoRoot, 'bin/run.js'), root, '--format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1', NO_COLOR: '1' },
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(3);
    expect(stderr).toMatch(/could not write the report to stdout: EPIPE/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
