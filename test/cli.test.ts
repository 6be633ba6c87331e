/**
 * The scan command in-process (runScan with the real scan() on fixtures/cli),
 * plus validate / policies / explain. Exit codes, formats, scope, baselines,
 * --changed/--staged.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExplain, runPolicies, runValidate } from '../src/cli/info.js';
import { memoryIO } from '../src/cli/io.js';
import { runScan, type ScanFlags } from '../src/cli/scan.js';
import { dispatchArgv, normalizeScanArgv } from '../src/cli/argv.js';
import { repoRoot, resultValidator, sarifValidator } from './cli-helpers.js';

const fixture = (name: string) => join('fixtures/cli', name);

async function scanCli(
  flags: Partial<ScanFlags> & { paths: string[] },
  env: Record<string, string> = {},
  cwd = repoRoot,
) {
  const io = memoryIO({ cwd, env });
  const code = await runScan(flags, io);
  return { code, out: io.out, err: io.err };
}

function tempCopy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cl-${name}-`));
  cpSync(join(repoRoot, 'fixtures/cli', name), dir, { recursive: true });
  // The fixtures' $schema points into this checkout; keep it valid from the temp dir.
  const cfg = join(dir, 'consent-lint.config.json');
  if (existsSync(cfg))
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('../../../schemas/', `${repoRoot}/schemas/`));
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      '-c',
      'init.defaultBranch=main',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

describe('argv', () => {
  it('dispatches everything that is not a subcommand to scan', () => {
    expect(dispatchArgv(['src/', '--format', 'json'])).toEqual(['scan', 'src/', '--format', 'json']);
    expect(dispatchArgv([])).toEqual(['scan']);
    expect(dispatchArgv(['explain', 'leanplum/init'])).toEqual(['explain', 'leanplum/init']);
    expect(dispatchArgv(['help', 'validate'])).toEqual(['validate', '--help']);
    expect(dispatchArgv(['--version'])).toEqual(['--version']);
  });

  it('--changed takes an optional REF (not a path, not a flag)', () => {
    expect(normalizeScanArgv(['--changed'], repoRoot)).toEqual(['--changed=HEAD']);
    expect(normalizeScanArgv(['--changed', 'origin/main', 'src'], repoRoot)).toEqual(['--changed=origin/main', 'src']);
    expect(normalizeScanArgv(['--changed', 'src', '--quiet'], repoRoot)).toEqual(['--changed=HEAD', 'src', '--quiet']);
    expect(normalizeScanArgv(['--changed', '--quiet'], repoRoot)).toEqual(['--changed=HEAD', '--quiet']);
  });
});

describe('scan: exit codes', () => {
  it('1 for an ungated Leanplum.start, with the trace across files', async () => {
    const r = await scanCli({ paths: [fixture('ungated')] });
    expect(r.code).toBe(1);
    expect(r.out).toContain('fixtures/cli/ungated/src/lp.ts');
    expect(r.out).toMatch(/5:3 +error +Leanplum is started without consent/);
    expect(r.out).toMatch(/via fixtures\/cli\/ungated\/src\/App\.tsx:\d+ .*useEffect callback/);
  });

  it('0 for a call guarded by Cookiebot consent', async () => {
    const r = await scanCli({ paths: [fixture('guarded')] });
    expect(r.out).toContain('no consent problems found');
    expect(r.code).toBe(0);
  });

  it('0 for warnings, 1 when they exceed --max-warnings; --quiet hides them but they still count', async () => {
    expect((await scanCli({ paths: [fixture('warn-only')] })).code).toBe(0);
    const r = await scanCli({ paths: [fixture('warn-only')], maxWarnings: 0 });
    expect(r.code).toBe(1);
    expect(r.out).toContain('too many warnings (1, --max-warnings 0)');
    const j = await scanCli({ paths: [fixture('warn-only')], maxWarnings: 0, format: 'json' });
    expect(j.err).toContain('too many warnings (1, --max-warnings 0)');
    const q = await scanCli({ paths: [fixture('warn-only')], quiet: true, maxWarnings: 0, format: 'json' });
    expect(JSON.parse(q.out).findings).toEqual([]);
    expect(q.code).toBe(1);
  });

  it('2 for a bad config, printing file, JSON pointer and what was expected', async () => {
    const r = await scanCli({ paths: [fixture('bad-config')] });
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'fixtures/cli/bad-config/consent-lint.config.json:3:31: /rules/leanplum~1init: must be one of "error", "warn", "off"',
    );
    expect(r.err).toMatch(/consent-lint\.config\.json:4:14: \/guards\/0: missing required property/);
    expect(r.out).toBe('');
  });

  it('2 for usage errors: missing path, missing --config, unknown policy, bad flag combinations', async () => {
    expect((await scanCli({ paths: ['fixtures/cli/nope'] })).err).toContain(
      'no such file or directory: fixtures/cli/nope',
    );
    expect((await scanCli({ paths: [fixture('ungated')], config: 'nope.json' })).code).toBe(2);
    const p = await scanCli({ paths: [fixture('ungated')], policy: ['no-such-policy'] });
    expect(p.code).toBe(2);
    expect(p.err).toContain('a built-in policy id');
    expect((await scanCli({ paths: [fixture('ungated')], staged: true, changed: 'HEAD' })).code).toBe(2);
    expect((await scanCli({ paths: [fixture('ungated')], pruneBaseline: true })).code).toBe(2);
  });

  it('analysis errors are shown and exit 1 by default (calls there are unchecked); --no-fail-on-analysis-errors only reports them', async () => {
    const r = await scanCli({ paths: [fixture('broken')] });
    expect(r.code).toBe(1);
    expect(r.out).toContain('Could not analyse');
    expect(r.out).not.toContain('no consent problems');
    const lenient = await scanCli({ paths: [fixture('broken')], failOnAnalysisErrors: false });
    expect(lenient.code).toBe(0);
    expect(lenient.out).toContain('Could not analyse');
  });
});

describe('scan: formats and scope', () => {
  it('json: schema-valid, files relative to the scan root (the config directory)', async () => {
    const r = await scanCli({ paths: [fixture('ungated')], format: 'json' });
    const json = JSON.parse(r.out);
    expect(resultValidator()(json)).toBe(true);
    expect(json.findings.map((f: { file: string; ruleId: string }) => `${f.ruleId} ${f.file}`)).toEqual([
      'leanplum/init src/lp.ts',
    ]);
    expect(json.findings[0].trace[0].file).toBe('src/App.tsx');
  });

  it('sarif: valid against the official schema', async () => {
    const r = await scanCli({ paths: [fixture('suppressed')], format: 'sarif' });
    const log = JSON.parse(r.out);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    // Repository-relative URIs: the scan root is fixtures/cli/suppressed inside this checkout.
    const uris = log.runs[0].results.map(
      (x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        x.locations[0].physicalLocation.artifactLocation.uri,
    );
    expect(uris.every((u: string) => u.startsWith('fixtures/cli/suppressed/src/'))).toBe(true);
    expect(log.runs[0].results.filter((x: { suppressions?: unknown[] }) => x.suppressions?.length)).toHaveLength(2);
  });

  it('github is the default format on GitHub Actions, and appends a job summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-summary-'));
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = await scanCli({ paths: [fixture('ungated')] }, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^::error file=fixtures\/cli\/ungated\/src\/lp\.ts,line=5,col=3,endLine=5,endColumn=19,title=leanplum\/init::Leanplum is started without consent/m,
    );
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n## consent-lint')).toBe(true);
    expect(md).toContain('`leanplum/init`');
  });

  it('--output, --sarif-output and --json-output write files; stdout stays empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-out-'));
    const r = await scanCli({
      paths: [fixture('ungated')],
      output: join(dir, 'report.txt'),
      sarifOutput: join(dir, 'x/r.sarif'),
      jsonOutput: join(dir, 'r.json'),
    });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toContain('leanplum/init');
    expect(JSON.parse(readFileSync(join(dir, 'x/r.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).findings).toHaveLength(1);
  });

  it('file PATHs report only those files, but the analysis still sees the project', async () => {
    const app = await scanCli({ paths: [fixture('ungated/src/App.tsx')], format: 'json' });
    expect(JSON.parse(app.out).findings).toEqual([]);
    expect(app.code).toBe(0);
    const lp = await scanCli({ paths: [fixture('ungated/src/lp.ts')], format: 'json' });
    const f = JSON.parse(lp.out).findings;
    expect(f.map((x: { file: string }) => x.file)).toEqual(['src/lp.ts']);
    // The trace still reaches into App.tsx, which was not passed.
    expect(f[0].trace.some((t: { file: string }) => t.file === 'src/App.tsx')).toBe(true);
  });

  it('a directory PATH below the config directory restricts the report to it', async () => {
    const dir = tempCopy('ungated');
    execFileSync('mkdir', ['-p', join(dir, 'other')]);
    writeFileSync(join(dir, 'other/start.ts'), "import Leanplum from 'leanplum-sdk';\nLeanplum.start();\n");
    const all = await scanCli({ paths: [dir], format: 'json' });
    expect(JSON.parse(all.out).findings.map((x: { file: string }) => x.file)).toEqual(['other/start.ts', 'src/lp.ts']);
    const sub = await scanCli({ paths: [join(dir, 'other')], format: 'json' });
    expect(JSON.parse(sub.out).findings.map((x: { file: string }) => x.file)).toEqual(['other/start.ts']);
  });
});

describe('scan: suppressions', () => {
  it('a directive with a reason suppresses; without one it is reported and the finding stays', async () => {
    const r = await scanCli({ paths: [fixture('suppressed')], format: 'json' });
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.out).findings as {
      ruleId: string;
      file: string;
      line: number;
      suppressed: boolean;
    }[];
    const summary = findings.map((f) => `${f.file}:${f.line} ${f.ruleId}${f.suppressed ? ' suppressed' : ''}`);
    expect(summary).toEqual([
      'src/Push.tsx:8 leanplum/push suppressed',
      'src/Push.tsx:11 consent-lint/unused-directive',
      'src/native.ts:6 leanplum/init suppressed',
      'src/native.ts:11 consent-lint/invalid-directive',
      'src/native.ts:12 leanplum/init',
    ]);
  });
});

describe('scan: baselines', () => {
  it('write, then read after lines shift; new findings fail; stale entries are noted and pruned', async () => {
    const dir = tempCopy('ungated');
    const baseline = join(dir, '.consent-lint-baseline.json');
    const w = await scanCli({ paths: [dir], writeBaseline: baseline });
    expect(w.code).toBe(0);
    expect(w.err).toContain('wrote 1 baseline entry');
    expect(JSON.parse(readFileSync(baseline, 'utf8')).entries).toEqual([
      { ruleId: 'leanplum/init', file: 'src/lp.ts', path: ['initLeanplum'], callee: 'Leanplum.start', ordinal: 0 },
    ]);

    const lp = join(dir, 'src/lp.ts');
    const original = readFileSync(lp, 'utf8');
    writeFileSync(lp, `// a comment\n// another\n\n${original}`);
    const shifted = await scanCli({ paths: [dir], baseline, format: 'json' });
    expect(shifted.code).toBe(0);
    expect(JSON.parse(shifted.out).findings).toEqual([]);
    expect(shifted.err).toContain('1 baselined finding ignored');

    writeFileSync(lp, `${original}\nexport function again(): void {\n  Leanplum.start();\n}\n`);
    const added = await scanCli({ paths: [dir], baseline, format: 'json' });
    expect(added.code).toBe(1);
    expect(JSON.parse(added.out).findings.map((f: { line: number }) => f.line)).toEqual([9]);

    writeFileSync(lp, 'export function initLeanplum(): void {}\n');
    const fixed = await scanCli({ paths: [dir], baseline });
    expect(fixed.code).toBe(0);
    expect(fixed.err).toContain('1 baseline entry matches no finding any more');
    const pruned = await scanCli({ paths: [dir], baseline, pruneBaseline: true });
    expect(pruned.err).toContain('pruned 1 stale baseline entry');
    expect(JSON.parse(readFileSync(baseline, 'utf8')).entries).toEqual([]);
  });

  it('a version 1 baseline (display scopes) still matches, and --prune-baseline rewrites it as version 2', async () => {
    const dir = tempCopy('ungated');
    const baseline = join(dir, 'old.json');
    const v1 = {
      ruleId: 'leanplum/init',
      file: 'src/lp.ts',
      scope: 'initLeanplum',
      callee: 'Leanplum.start',
      ordinal: 0,
    };
    const gone = { ...v1, file: 'src/removed.ts' };
    writeFileSync(baseline, JSON.stringify({ version: 1, tool: 'consent-lint', entries: [v1, gone] }));
    const r = await scanCli({ paths: [dir], baseline, format: 'json' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).findings).toEqual([]);
    expect(r.err).toContain('1 baselined finding ignored');
    expect(r.err).toContain('1 baseline entry matches no finding any more');
    const pruned = await scanCli({ paths: [dir], baseline, pruneBaseline: true });
    expect(pruned.code).toBe(0);
    expect(JSON.parse(readFileSync(baseline, 'utf8'))).toEqual({
      version: 2,
      tool: 'consent-lint',
      entries: [
        { ruleId: 'leanplum/init', file: 'src/lp.ts', path: ['initLeanplum'], callee: 'Leanplum.start', ordinal: 0 },
      ],
    });
    const again = await scanCli({ paths: [dir], baseline, format: 'json' });
    expect(again.code).toBe(0);
    expect(again.err).not.toContain('no finding any more');
  });

  it('--write-baseline on part of the project keeps the entries of the other files', async () => {
    const dir = tempCopy('ungated');
    execFileSync('mkdir', ['-p', join(dir, 'other')]);
    writeFileSync(join(dir, 'other/start.ts'), "import Leanplum from 'leanplum-sdk';\nLeanplum.start();\n");
    const baseline = join(dir, 'baseline.json');
    await scanCli({ paths: [dir], writeBaseline: baseline });
    expect(JSON.parse(readFileSync(baseline, 'utf8')).entries.map((e: { file: string }) => e.file)).toEqual([
      'other/start.ts',
      'src/lp.ts',
    ]);
    writeFileSync(join(dir, 'other/start.ts'), 'export {};\n');
    const r = await scanCli({ paths: [join(dir, 'other')], writeBaseline: baseline });
    expect(r.err).toContain('wrote 1 baseline entry');
    expect(JSON.parse(readFileSync(baseline, 'utf8')).entries.map((e: { file: string }) => e.file)).toEqual([
      'src/lp.ts',
    ]);
  });

  it('a broken baseline file is a usage error with a pointer', async () => {
    const dir = tempCopy('ungated');
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ version: 3, entries: [] }));
    const r = await scanCli({ paths: [dir], baseline: join(dir, 'b.json') });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/b\.json: \/version: must be 2/);
  });
});

describe('scan: --changed and --staged', () => {
  function repo(): string {
    const dir = tempCopy('ungated');
    writeFileSync(join(dir, 'src/other.ts'), 'export const other = 1;\n');
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');
    return dir;
  }

  it('reports findings in changed files and in files whose verdict depends on them', async () => {
    const dir = repo();
    expect((await scanCli({ paths: [dir], changed: 'HEAD', format: 'json' })).out).toContain('"findings": []');
    writeFileSync(join(dir, 'src/other.ts'), 'export const other = 2;\n');
    const unrelated = await scanCli({ paths: [dir], changed: 'HEAD', format: 'json' });
    expect(JSON.parse(unrelated.out).findings).toEqual([]);
    expect(unrelated.code).toBe(0);
    // App.tsx calls initLeanplum(): the finding in lp.ts depends on it.
    writeFileSync(join(dir, 'src/App.tsx'), `${readFileSync(join(dir, 'src/App.tsx'), 'utf8')}\n// touched\n`);
    const dependent = await scanCli({ paths: [dir], changed: 'HEAD', format: 'json' });
    expect(JSON.parse(dependent.out).findings.map((f: { file: string }) => f.file)).toEqual(['src/lp.ts']);
    expect(dependent.code).toBe(1);
  });

  it('--changed REF compares with merge-base(REF, HEAD); --staged looks at the index; untracked files count', async () => {
    const dir = repo();
    git(dir, 'checkout', '-q', '-b', 'feature');
    writeFileSync(
      join(dir, 'src/new.ts'),
      "import Leanplum from 'leanplum-sdk';\nexport const go = () => Leanplum.start();\n",
    );
    const untracked = await scanCli({ paths: [dir], changed: 'main', format: 'json' });
    expect(JSON.parse(untracked.out).findings.map((f: { file: string }) => f.file)).toEqual(['src/new.ts']);
    expect(JSON.parse((await scanCli({ paths: [dir], staged: true, format: 'json' })).out).findings).toEqual([]);
    git(dir, 'add', 'src/new.ts');
    expect(
      JSON.parse((await scanCli({ paths: [dir], staged: true, format: 'json' })).out).findings.map(
        (f: { file: string }) => f.file,
      ),
    ).toEqual(['src/new.ts']);
    git(dir, 'commit', '-q', '-m', 'new');
    expect(
      JSON.parse((await scanCli({ paths: [dir], changed: 'main', format: 'json' })).out).findings.map(
        (f: { file: string }) => f.file,
      ),
    ).toEqual(['src/new.ts']);
  });

  it('works through a symlinked path (git reports real paths)', async () => {
    const dir = repo();
    const link = join(mkdtempSync(join(tmpdir(), 'cl-link-')), 'app');
    symlinkSync(dir, link);
    writeFileSync(join(dir, 'src/lp.ts'), `${readFileSync(join(dir, 'src/lp.ts'), 'utf8')}// touched\n`);
    const r = await scanCli({ paths: [link], changed: 'HEAD', format: 'json' });
    expect(JSON.parse(r.out).findings.map((f: { file: string }) => f.file)).toEqual(['src/lp.ts']);
  });

  it('an unknown ref, or no git repository, is a usage error', async () => {
    const dir = repo();
    const r = await scanCli({ paths: [dir], changed: 'no-such-branch' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('"no-such-branch" is not a commit');
    const plain = tempCopy('ungated');
    expect((await scanCli({ paths: [plain], staged: true })).err).toContain('needs a git work tree');
  });
});

describe('validate, policies, explain', () => {
  it('validate: 0 and "valid" for good files, 2 with pointer for bad ones', () => {
    const io = memoryIO({ cwd: repoRoot });
    expect(runValidate(['policies/leanplum.json', 'fixtures/cli/warn-only/consent-lint.config.json'], io)).toBe(0);
    expect(io.out).toBe(
      'policies/leanplum.json: valid (policy)\nfixtures/cli/warn-only/consent-lint.config.json: valid (config)\n',
    );
    const bad = memoryIO({ cwd: repoRoot });
    expect(runValidate(['fixtures/cli/bad-config/consent-lint.config.json', 'policies/leanplum.json'], bad)).toBe(2);
    expect(bad.err).toContain(
      'fixtures/cli/bad-config/consent-lint.config.json:3:31: /rules/leanplum~1init: must be one of',
    );
    expect(bad.out).toContain('policies/leanplum.json: valid');
    const missing = memoryIO({ cwd: repoRoot });
    expect(runValidate(['nope.json'], missing)).toBe(2);
    expect(missing.err).toMatch(/nope\.json: \/: a readable JSON file/);
  });

  it('policies: rules with severity and purposes, guard packs, config overrides', () => {
    const io = memoryIO({ cwd: join(repoRoot, 'fixtures/cli/warn-only') });
    expect(runPolicies({}, io)).toBe(0);
    expect(io.out).toMatch(/leanplum\/init +warn +requires analytics, marketing/);
    expect(io.out).toMatch(/leanplum\/push +error +requires marketing/);
    expect(io.out).toContain('guard pack');
    const json = memoryIO({ cwd: repoRoot });
    runPolicies({ format: 'json' }, json);
    const data = JSON.parse(json.out);
    expect(
      data.policies.find((p: { id: string }) => p.id === 'leanplum').rules.map((r: { id: string }) => r.id),
    ).toEqual(['leanplum/init', 'leanplum/push', 'leanplum/device-id', 'leanplum/identity']);
  });

  it('explain: what, legal basis, examples, how to fix; unknown rule exits 2', () => {
    const io = memoryIO({ cwd: repoRoot });
    expect(runExplain('leanplum/init', {}, io)).toBe(0);
    for (const heading of ['What it checks', 'Why (legal basis)', 'Non-compliant', 'Compliant', 'How to fix'])
      expect(io.out).toContain(heading);
    expect(io.out).toContain('ePrivacy Directive Art. 5(3)');
    expect(io.out).toContain('Cookiebot.consent.statistics && Cookiebot.consent.marketing');
    const bad = memoryIO({ cwd: repoRoot });
    expect(runExplain('leanplum/nope', {}, bad)).toBe(2);
    expect(bad.err).toContain('Known rules:');
    const meta = memoryIO({ cwd: repoRoot });
    expect(runExplain('consent-lint/invalid-directive', {}, meta)).toBe(0);
  });
});

describe('progress indicator', () => {
  it('draws only after the delay and clears the line when stopped', async () => {
    const { startProgress } = await import('../src/cli/progress.js');
    let written = '';
    const stream = { write: (s: string) => (written += s) };
    const quick = startProgress({ enabled: true, stream, delayMs: 200 });
    quick.stop();
    await new Promise((r) => setTimeout(r, 250));
    expect(written).toBe('');
    const slow = startProgress({ enabled: true, stream, delayMs: 10, intervalMs: 10 });
    await new Promise((r) => setTimeout(r, 60));
    slow.stop();
    expect(written).toMatch(/consent-lint: scanning… \d+\.\ds/);
    expect(written.endsWith('\r\u001b[2K')).toBe(true);
    const off = startProgress({ enabled: false, stream, delayMs: 0 });
    written = '';
    await new Promise((r) => setTimeout(r, 20));
    off.stop();
    expect(written).toBe('');
  });
});
