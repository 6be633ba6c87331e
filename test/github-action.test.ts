/**
 * action.yml's shell steps, run locally with bash the way the runner would:
 * inputs as INPUT_* environment variables, outputs in $GITHUB_OUTPUT
 * (heredoc syntax with a random delimiter).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot, sarifValidator } from './cli-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

/** The `run: |` block of the step whose `id`/`name` line matches. */
function stepScript(marker: RegExp): string {
  const lines = readFileSync(join(repoRoot, 'action.yml'), 'utf8').split('\n');
  const start = lines.findIndex((l) => marker.test(l));
  const runAt = lines.findIndex((l, i) => i > start && /^\s+run: \|$/.test(l));
  const indent = lines[runAt + 1]!.match(/^\s*/)![0].length;
  const body: string[] = [];
  for (const l of lines.slice(runAt + 1)) {
    if (l.trim() && l.match(/^\s*/)![0].length < indent) break;
    body.push(l.slice(indent));
  }
  return body.join('\n');
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([\w-]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join('\n');
  }
  return out;
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cl-action-'));
  cpSync(join(repoRoot, 'fixtures/cli/ungated'), dir, { recursive: true });
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  const shim = join(dir, 'node_modules/.bin/consent-lint');
  writeFileSync(shim, `#!/bin/sh\nexec node ${JSON.stringify(join(repoRoot, 'bin/run.js'))} "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

function runStep(script: string, cwd: string, env: Record<string, string>) {
  return spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env }, timeout: 60_000 });
}

describe('action.yml', () => {
  it('scan step: annotations, SARIF file, and findings/exit-code outputs with a random delimiter', () => {
    const dir = project();
    const output = join(dir, 'github-output');
    writeFileSync(output, '');
    const summary = join(dir, 'summary.md');
    const r = runStep(stepScript(/- id: scan/), dir, {
      INPUT_PATH: '.',
      INPUT_CONFIG: '',
      INPUT_FORMAT: 'github',
      INPUT_SARIF_FILE: 'reports/consent-lint.sarif',
      INPUT_MAX_WARNINGS: '-1',
      INPUT_BASELINE: '',
      INPUT_VERSION: '',
      ACTION_PATH: repoRoot,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_ACTIONS: 'true',
      RUNNER_TEMP: dir,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^::error file=src\/lp\.ts,line=5,col=3,endLine=5,endColumn=19,title=leanplum\/init::/m);
    const raw = readFileSync(output, 'utf8');
    expect(raw).toMatch(/^findings<<consent_lint_[0-9a-f]{32}$/m);
    const outputs = parseOutputs(raw);
    expect(outputs).toEqual({ findings: '1', 'exit-code': '1', 'sarif-file': join(dir, 'reports/consent-lint.sarif') });
    expect(sarifValidator()(JSON.parse(readFileSync(outputs['sarif-file']!, 'utf8')))).toBe(true);
    expect(readFileSync(summary, 'utf8')).toContain('## consent-lint');
  });

  it('result step: fails on findings only when asked; always on exit code 2', () => {
    const script = stepScript(/- name: Result/);
    const run = (CODE: string, FAIL_ON_FINDINGS: string) => runStep(script, repoRoot, { CODE, FINDINGS: CODE === '1' ? '3' : '0', FAIL_ON_FINDINGS });
    expect(run('0', 'true').status).toBe(0);
    expect(run('1', 'true').status).toBe(1);
    expect(run('1', 'false').status).toBe(0);
    const bad = run('2', 'false');
    expect(bad.status).toBe(2);
    expect(bad.stdout).toContain('::error title=consent-lint::');
  });
});
