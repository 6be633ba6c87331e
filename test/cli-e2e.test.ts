/**
 * The real binary: `node bin/run.js` (compiled dist/, built on demand) on
 * fixtures/cli. Exit codes as a shell sees them, dispatch, oclif flag errors.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, resultValidator, runCli, sarifValidator } from './cli-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

describe('consent-lint binary', () => {
  it('scans by default: `consent-lint PATH --format json` exits 1 with a schema-valid report', () => {
    const r = runCli(['fixtures/cli/ungated', '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(resultValidator()(json)).toBe(true);
    expect(json.findings[0]).toMatchObject({
      ruleId: 'leanplum/init',
      file: 'src/lp.ts',
      line: 5,
      column: 3,
      endLine: 5,
      endColumn: 19,
      missing: ['analytics', 'marketing'],
    });
  });

  it('exits 0 on a compliant app', () => {
    const r = runCli(['fixtures/cli/guarded']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('exits 2 on a bad config with file, pointer and expectation', () => {
    const r = runCli(['fixtures/cli/bad-config']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'consent-lint.config.json:3:31: /rules/leanplum~1init: must be one of "error", "warn", "off"',
    );
  });

  it("flag parse errors exit 2, not oclif's 1", () => {
    const r = runCli(['fixtures/cli/guarded', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Nonexistent flag: --no-such-flag');
    expect(runCli(['--format', 'xml']).code).toBe(2);
    expect(runCli(['--max-warnings', 'lots']).code).toBe(2);
  });

  it('`--changed` without a REF before a PATH means HEAD', () => {
    const r = runCli(['--changed', 'fixtures/cli/guarded', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
  });

  it('writes valid SARIF and GitHub annotations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-e2e-'));
    const r = runCli(['fixtures/cli/suppressed', '--format', 'github', '--sarif-output', join(dir, 'out.sarif')], {
      env: { GITHUB_ACTIONS: 'true' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^::error file=fixtures\/cli\/suppressed\/src\/native\.ts,line=11,col=3,endLine=11,endColumn=\d+,title=consent-lint\/invalid-directive::/m,
    );
    expect(r.stdout).toMatch(/^::warning file=fixtures\/cli\/suppressed\/src\/Push\.tsx,line=11,/m);
    const validate = sarifValidator();
    expect(validate(JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'))), JSON.stringify(validate.errors)).toBe(
      true,
    );
  });

  it('subcommands: --help, --version, help CMD, validate, policies, explain', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['scan', 'init', 'policies', 'validate', 'explain']) expect(help.stdout).toContain(cmd);
    expect(runCli(['--version']).stdout).toMatch(/^consent-lint\/\d+\.\d+\.\d+/);
    expect(runCli(['help', 'explain']).stdout).toContain('$ consent-lint explain RULEID');
    expect(runCli(['validate', 'policies/leanplum.json']).stdout).toBe('policies/leanplum.json: valid (policy)\n');
    expect(runCli(['validate', 'fixtures/cli/bad-config/consent-lint.config.json']).code).toBe(2);
    expect(runCli(['policies']).stdout).toContain('leanplum/device-id');
    expect(runCli(['explain', 'leanplum/push']).stdout).toContain('Why (legal basis)');
    expect(runCli(['explain']).code).toBe(2);
  });
});
