/**
 * Configs people share and read: `extends` (presets, files, packages from
 * node_modules, read as JSON only), policies from packages, JSONC with errors
 * at line:column, `--print-config`, unknown rule ids, `--policy` keeping the
 * CMP guard packs without swallowing the PATH after it. Plus the CLI's
 * self-consistency: summaries that agree with the exit code, `--help`, and
 * the progress line.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  builtinPolicyIds,
  loadConfigChain,
  loadConfigFile,
  policyRules,
  resolvePolicies,
} from '../src/policy/index.js';
import { nativeRulesInForce } from '../src/native/inputs.js';

import { rulesInForce } from '../src/pipeline.js';
import { sdkEscapesRule } from '../src/sinks/index.js';
import { ensureBuilt, repoRoot, runCli } from './cli-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

const UNGATED = "import Leanplum from 'leanplum-sdk';\n\nexport function boot() {\n  Leanplum.start();\n}\n";
const GUARDED_BY_HELPER = [
  "import Leanplum from 'leanplum-sdk';",
  "import { hasConsent } from './privacy';",
  '',
  'export function boot() {',
  "  if (hasConsent('analytics') && hasConsent('marketing')) Leanplum.start();",
  '}',
  '',
].join('\n');

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cl-config-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const printConfig = (cwd: string, ...args: string[]) => {
  const r = runCli(['--print-config', ...args], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('extends', () => {
  it('a package from node_modules (JSON only): its guards make a helper-guarded call compliant', () => {
    const dir = project({
      'src/lp.ts': GUARDED_BY_HELPER,
      'src/privacy.ts':
        'export function hasConsent(p: string): boolean { return (window as any).consent?.[p] === true; }\n',
      // A package whose JavaScript must never run: if it were executed, the scan would crash.
      'node_modules/@acme/consent-config/package.json': JSON.stringify({
        name: '@acme/consent-config',
        version: '1.0.0',
        main: 'index.js',
      }),
      'node_modules/@acme/consent-config/index.js': "throw new Error('executed!');\n",
      'node_modules/@acme/consent-config/consent-lint.config.json': JSON.stringify({
        guards: [{ function: 'hasConsent', purposeArgument: 0 }],
        rules: { 'leanplum/device-id': 'warn' },
      }),
      'consent-lint.config.json': JSON.stringify({
        extends: '@acme/consent-config',
        rules: { 'leanplum/push': 'warn' },
      }),
    });
    const r = runCli(['.'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('no consent problems found');
    const cfg = printConfig(dir);
    expect(cfg.extends).toEqual([join(dir, 'node_modules/@acme/consent-config/consent-lint.config.json')]);
    expect(cfg.guards).toEqual([{ function: 'hasConsent', purposeArgument: 0 }]);
    expect(cfg.rules['leanplum/device-id']).toBe('warn');
    expect(cfg.rules['leanplum/push']).toBe('warn');
    expect(cfg.rules['leanplum/init']).toBe('error');

    // Without the extends, the same call is a finding (the test can fail).
    writeFileSync(join(dir, 'consent-lint.config.json'), '{}');
    expect(runCli(['.'], { cwd: dir }).code).toBe(1);
  });

  it('files (relative to the config that names them), in order, later wins; guard modules stay relative to their file', () => {
    const dir = project({
      'shared/base.jsonc':
        '// base\n{ "exclude": ["**/*.test.ts"], "guards": [{ "function": "hasConsent", "module": "../src/privacy", "purposeArgument": 0 }], "rules": { "leanplum/init": "warn" }, }',
      'shared/team.json': JSON.stringify({
        extends: './base.jsonc',
        exclude: ['vendor/**'],
        rules: { 'leanplum/init': 'off', 'leanplum/push': 'warn' },
      }),
      'consent-lint.config.json': JSON.stringify({
        extends: ['./shared/team.json'],
        rules: { 'leanplum/init': 'error' },
      }),
      'src/lp.ts': GUARDED_BY_HELPER,
      'src/privacy.ts': 'export const hasConsent = (p: string) => localStorage.getItem(p) === "yes";\n',
    });
    const { config, files } = loadConfigChain(join(dir, 'consent-lint.config.json'));
    expect(files).toEqual([
      join(dir, 'shared/base.jsonc'),
      join(dir, 'shared/team.json'),
      join(dir, 'consent-lint.config.json'),
    ]);
    expect(config.exclude).toEqual(['**/*.test.ts', 'vendor/**']);
    expect(config.rules).toEqual({ 'leanplum/init': 'error', 'leanplum/push': 'warn' });
    expect(config.guards).toEqual([{ function: 'hasConsent', module: './src/privacy', purposeArgument: 0 }]);
    const r = runCli(['.'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('presets: recommended lists every built-in rule at its default severity; strict makes every rule an error', () => {
    const policies = resolvePolicies(builtinPolicyIds());
    const all = policies.flatMap((p) => p.rules);
    const dir = project({
      'a/consent-lint.config.json': '{ "extends": "consent-lint:recommended" }',
      'b/consent-lint.config.json': '{ "extends": "consent-lint:strict" }',
    });
    const recommended = loadConfigFile(join(dir, 'a/consent-lint.config.json'));
    expect(recommended.preset).toBe('recommended');
    // Recommended: every rule not marked strict, at its default severity.
    const inForce = (c: typeof recommended) =>
      Object.fromEntries(rulesInForce(policies, c).map((r) => [r.id, r.severity]));
    expect(inForce(recommended)).toEqual(
      Object.fromEntries(
        [...all.filter((r) => r.preset !== 'strict'), sdkEscapesRule()].map((r) => [r.id, r.severity]),
      ),
    );
    const strict = loadConfigFile(join(dir, 'b/consent-lint.config.json'));
    expect(strict.preset).toBe('strict');
    expect(strict.rules).toEqual({ 'consent-lint/unused-directive': 'error' });
    expect(inForce(strict)).toEqual(Object.fromEntries([...all, sdkEscapesRule()].map((r) => [r.id, 'error'])));
    const bad = project({ 'consent-lint.config.json': '{ "extends": "consent-lint:lenient" }' });
    const r = runCli(['.'], { cwd: bad });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /consent-lint\.config\.json:1:14: \/extends: a preset \(consent-lint:recommended, consent-lint:strict\)/,
    );
  });

  it('errors: a missing package or file, and cycles, name the config and the entry', () => {
    const missing = project({ 'consent-lint.config.json': '{\n  "extends": ["@acme/nope"]\n}\n' });
    const r = runCli(['.'], { cwd: missing });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/consent-lint\.config\.json:2:15: \/extends\/0: .*"@acme\/nope" was not found/);
    const cycle = project({
      'a.json': '{ "extends": "./b.json" }',
      'b.json': '{ "extends": "./a.json" }',
      'consent-lint.config.json': '{ "extends": "./a.json" }',
    });
    expect(() => loadConfigFile(join(cycle, 'consent-lint.config.json'))).toThrow(/no cycle/);
  });

  it('policies named by package path (JSON only)', () => {
    const policy = JSON.parse(readFileSync(join(repoRoot, 'policies/leanplum.json'), 'utf8'));
    policy.id = 'acme';
    policy.rules = policy.rules.map((r: { id: string }) => ({ ...r, id: r.id.replace('leanplum/', 'acme/') }));
    const dir = project({
      'node_modules/@acme/policies/package.json': JSON.stringify({ name: '@acme/policies', main: 'acme.json' }),
      'node_modules/@acme/policies/acme.json': JSON.stringify(policy),
      'node_modules/@acme/policies/other/leanplum-copy.json': JSON.stringify(policy),
      'consent-lint.config.json': JSON.stringify({ policies: ['@acme/policies', 'cookiebot'] }),
      'src/lp.ts': UNGATED,
    });
    const r = runCli(['.', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['acme/init']);
    writeFileSync(
      join(dir, 'consent-lint.config.json'),
      JSON.stringify({ policies: ['@acme/policies/other/leanplum-copy.json'] }),
    );
    expect(printConfig(dir).policies.map((p: { source: string }) => p.source)).toEqual([
      join(dir, 'node_modules/@acme/policies/other/leanplum-copy.json'),
    ]);
  });
});

describe('JSONC and positions', () => {
  it('comments and trailing commas are fine in consent-lint.config.json and consent-lint.config.jsonc', () => {
    const a = project({
      'consent-lint.config.json': '{\n  // team defaults\n  "rules": { "leanplum/init": "warn", },\n}\n',
      'src/lp.ts': UNGATED,
    });
    expect(runCli(['.'], { cwd: a }).code).toBe(0);
    const b = project({
      'consent-lint.config.jsonc': '/* jsonc */ { "rules": { "leanplum/init": "off" } }',
      'src/lp.ts': UNGATED,
    });
    const r = runCli(['.'], { cwd: b });
    expect(r.code).toBe(0);
    expect(printConfig(b).configFile).toBe(join(b, 'consent-lint.config.jsonc'));
  });

  it('syntax errors at file:line:column', () => {
    const dir = project({
      'consent-lint.config.json': '{\n  "rules": {\n    "leanplum/init": "warn"\n    "leanplum/push": "off"\n  }\n}\n',
    });
    const r = runCli(['.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('consent-lint.config.json:4:5: /: valid JSON (CommaExpected)');
  });

  it('schema errors at file:line:column with the JSON pointer', () => {
    const dir = project({ 'consent-lint.config.json': '{\n  "rules": {\n    "leanplum/init": "loud"\n  }\n}\n' });
    const r = runCli(['.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'consent-lint.config.json:3:22: /rules/leanplum~1init: must be one of "error", "warn", "off"',
    );
  });

  it('unknown rule ids are rejected with the list of known ones, at their position (also in an extended file)', () => {
    const dir = project({
      'base.json': '{\n  "rules": { "leanplum/int": "off" }\n}\n',
      'consent-lint.config.json': '{ "extends": "./base.json" }',
      'src/lp.ts': UNGATED,
    });
    const r = runCli(['.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /base\.json:2:14: \/rules\/leanplum~1int: a known rule id \("leanplum\/int" is not one\)\. Known rules: .*leanplum\/init/,
    );
    expect(r.stderr).toContain('consent-lint/unused-directive');
    expect(runCli(['policies'], { cwd: dir }).code).toBe(2);
    // Checked against the policies in force (a config may configure rules of a policy it loads), not at load.
    expect(() => loadConfigFile(join(dir, 'consent-lint.config.json'))).not.toThrow();
  });
});

describe('--policy and --print-config', () => {
  it('--policy keeps the CMP guard packs (a Cookiebot-guarded call stays compliant) and does not swallow the PATH after it', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cl-policy-'));
    cpSync(join(repoRoot, 'fixtures/cli/guarded'), join(cwd, 'guarded'), { recursive: true });
    cpSync(join(repoRoot, 'fixtures/cli/ungated'), join(cwd, 'ungated'), { recursive: true });
    const guarded = runCli(['--policy', 'leanplum', 'guarded'], { cwd });
    expect(guarded.code, guarded.stdout + guarded.stderr).toBe(0);
    const cfg = printConfig(cwd, '--policy', 'leanplum', 'ungated');
    expect(cfg.root).toBe(join(cwd, 'ungated'));
    expect(cfg.policies.map((p: { id: string }) => p.id)).toEqual(['leanplum']);
    expect(cfg.guardPacks.map((p: { id: string }) => p.id)).toEqual(
      expect.arrayContaining(['cookiebot', 'onetrust', 'tcf']),
    );
    expect(cfg.rules['clevertap/init']).toBeUndefined();
    const ungated = runCli(['--policy', 'leanplum', 'ungated', '--format', 'json'], { cwd });
    expect(ungated.code).toBe(1);
    expect(JSON.parse(ungated.stdout).findings[0].file).toBe('src/lp.ts');
  });

  it('--print-config shows the effective config: extends chain, include/exclude, policies, packs, guards, aliases, every rule severity', () => {
    const dir = project({
      'consent-lint.config.json': JSON.stringify({
        extends: 'consent-lint:strict',
        include: ['src/**'],
        exclude: ['**/*.spec.ts'],
        purposeAliases: { stats: 'analytics' },
        guards: [{ property: 'consentState.marketingAllowed', purposes: ['marketing'] }],
      }),
    });
    const cfg = printConfig(dir);
    expect(cfg.configFile).toBe(join(dir, 'consent-lint.config.json'));
    expect(cfg.extends).toEqual([join(repoRoot, 'presets/recommended.json'), join(repoRoot, 'presets/strict.json')]);
    expect(cfg.include).toEqual(['src/**']);
    expect(cfg.exclude).toEqual(['**/*.spec.ts']);
    expect(cfg.purposeAliases).toEqual({ stats: 'analytics' });
    expect(cfg.guards).toHaveLength(1);
    expect(cfg.rules['consent-lint/unused-directive']).toBe('error');
    expect(cfg.policies.map((p: { id: string }) => p.id).sort()).toEqual(
      resolvePolicies(builtinPolicyIds())
        .filter((p) => policyRules(p).length)
        .map((p) => p.id)
        .sort(),
    );
  });

  it('--print-config shows the severities the scan uses, native rules included, as `policies` does', () => {
    const zero = project({ 'app.js': "import { BatchProfile } from '@batch.com/react-native-plugin';\n" });
    const strict = project({ 'consent-lint.config.json': '{ "preset": "strict", "rules": { "batch/push": "warn" } }' });
    for (const [dir, expected] of [
      [zero, { 'batch/identity': 'off', 'batch/native-start': 'error', 'batch/push': 'error' }],
      [strict, { 'batch/identity': 'error', 'batch/native-start': 'error', 'batch/push': 'warn' }],
    ] as const) {
      const cfg = printConfig(dir);
      expect(cfg.rules).toMatchObject(expected);
      expect(cfg.policies.find((p: { id: string }) => p.id === 'batch').rules).toContain('batch/native-start');
      // Every rule `policies` lists, at the same severity.
      const listed = runCli(['policies', '--format', 'json'], { cwd: dir });
      expect(listed.code, listed.stderr).toBe(0);
      const data = JSON.parse(listed.stdout) as {
        policies: { inForce: boolean; rules: { id: string; severity: string }[] }[];
        directiveRules: { id: string; severity: string }[];
      };
      const severities = Object.fromEntries(
        [...data.policies.filter((p) => p.inForce).flatMap((p) => p.rules), ...data.directiveRules].map((r) => [
          r.id,
          r.severity,
        ]),
      );
      expect({ ...cfg.rules, 'consent-lint/sdk-escapes': undefined }).toEqual({
        ...severities,
        'consent-lint/sdk-escapes': undefined,
      });
      // And what the scan runs: the JavaScript rules in force, and the native ones.
      const config = existsSync(join(dir, 'consent-lint.config.json'))
        ? loadConfigFile(join(dir, 'consent-lint.config.json'))
        : undefined;
      const policies = resolvePolicies(builtinPolicyIds());
      const running = [...rulesInForce(policies, config), ...nativeRulesInForce(policies, config)];
      expect(Object.fromEntries(running.map((r) => [r.id, r.severity]))).toEqual(
        Object.fromEntries(
          Object.entries(cfg.rules).filter(([id, sev]) => sev !== 'off' && !id.includes('-directive')),
        ),
      );
    }
  });
});

describe('output agrees with the exit code', () => {
  it('--quiet with too many warnings never says "no consent problems"', () => {
    const r = runCli(['fixtures/cli/warn-only', '--quiet', '--max-warnings', '0']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/no consent problems/);
    expect(r.stdout).toContain('✖ too many warnings (1, --max-warnings 0); 1 warning not shown (--quiet)');
    const ok = runCli(['fixtures/cli/warn-only', '--quiet']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('✔ no consent errors (1 warning not shown: --quiet)');
  });

  it('a file that mentions the SDK but cannot be parsed: exit 1, and the summary says so', () => {
    const r = runCli(['fixtures/cli/broken']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/no consent problems/);
    expect(r.stdout).toContain('✖ no findings, but 1 place could not be analysed');
  });

  it('the GitHub job summary agrees too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-summary-'));
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    const r = runCli(['fixtures/cli/warn-only', '--format', 'github', '--max-warnings', '0'], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(1);
    expect(readFileSync(summary, 'utf8')).toContain('❌ too many warnings (1, --max-warnings 0)');
  });
});

describe('help', () => {
  it('`consent-lint --help`, `-h` and `help` show the scan flags and the other commands', () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      for (const flag of [
        '--format',
        '--max-warnings',
        '--baseline',
        '--changed',
        '--staged',
        '--print-config',
        '--policy',
      ])
        expect(r.stdout, flag).toContain(flag);
      for (const cmd of ['init', 'policies', 'validate', 'explain']) expect(r.stdout).toContain(`consent-lint ${cmd}`);
    }
    expect(runCli(['help', 'explain']).stdout).toContain('RULEID');
  });
});

describe('progress line', () => {
  it('starts within half a second and names the phase even while synchronous work blocks the timers', async () => {
    const { startProgress } = await import('../src/cli/progress.js');
    let t = 0;
    let written = '';
    const p = startProgress({ enabled: true, stream: { write: (s: string) => (written += s) }, now: () => t });
    // Synchronous phases: no timer can fire; only update() calls happen.
    t = 100;
    p.update('listing files');
    expect(written).toBe('');
    t = 450;
    p.update('parsing 12 files');
    expect(written).toContain('consent-lint: parsing 12 files… 0.5s');
    t = 470;
    p.update('analysing');
    expect(written).not.toContain('analysing'); // throttled
    t = 600;
    p.update('analysing');
    expect(written).toContain('consent-lint: analysing… 0.6s');
    p.stop();
    expect(written.endsWith('\r\u001b[2K')).toBe(true);
  });
});
