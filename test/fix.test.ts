/**
 * `--fix`, `--fix-dry-run` and SARIF `fixes` on fixtures/fix-app: every
 * finding of the sample app (top-level call, awaited call inside a function,
 * a call with a trailing comment, push registration in a file that already
 * imports from the guard's module) is wrapped in the configured guard, the
 * import is added, and the fixed app then passes the scan.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { guardCalls, lineHunks, planFixes, replacements, unifiedDiff } from '../src/cli/fix.js';
import { loadConfigFile } from '../src/policy/index.js';
import { ensureBuilt, finding, repoRoot, runCli, sarifValidator } from './cli-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

const FILES = ['src/analytics.ts', 'src/main.ts', 'src/push.ts', 'src/privacy.ts'];

function app(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cl-fix-'));
  cpSync(join(repoRoot, 'fixtures/fix-app'), dir, { recursive: true });
  // The fixture's $schema points into this repository; the copy does not need it.
  return dir;
}
/** The sample app's unguarded `Leanplum.startFromCache()` in src/main.ts, as a finding on `line`. */
const startFromCacheAt = (line: number) =>
  finding({
    file: 'src/main.ts',
    line,
    column: 1,
    endLine: line,
    endColumn: 26,
    ruleId: 'leanplum/init',
    missing: ['analytics', 'marketing'],
    identity: { path: [], callee: 'Leanplum.startFromCache', ordinal: 0 },
  });
const read = (dir: string) => Object.fromEntries(FILES.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

describe('--fix on the sample app', () => {
  it('the sample app has four findings before the fix', () => {
    const r = runCli(['.', '--format', 'json'], { cwd: app() });
    expect(r.code).toBe(1);
    expect(
      JSON.parse(r.stdout)
        .findings.map((f: { ruleId: string; file: string }) => `${f.file} ${f.ruleId}`)
        .sort(),
    ).toEqual([
      'src/analytics.ts leanplum/device-id',
      'src/analytics.ts leanplum/init',
      'src/main.ts leanplum/init',
      'src/push.ts leanplum/push',
    ]);
  });

  it('--fix-dry-run prints the diff and changes nothing', () => {
    const dir = app();
    const before = read(dir);
    const r = runCli(['.', '--fix-dry-run'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('can fix 4 findings in 3 files');
    expect(read(dir)).toEqual(before);
    expect(r.stdout).toContain(
      [
        '--- a/src/main.ts',
        '+++ b/src/main.ts',
        '@@ -1,8 +1,11 @@',
        " import Leanplum from 'leanplum-sdk';",
        " import { startAnalytics, trackDevice } from './analytics';",
        " import { onBannerAccepted } from './push';",
        "+import { hasConsent } from './privacy';",
        ' ',
        '-Leanplum.startFromCache();',
        "+if (hasConsent('analytics') && hasConsent('marketing')) {",
        '+  Leanplum.startFromCache();',
        '+}',
      ].join('\n'),
    );
  });

  it('--fix rewrites every finding into compliant code, keeps comments, adds imports; the fixed app passes the scan', () => {
    const dir = app();
    const r = runCli(['.', '--fix'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain('fixed 4 findings in 3 files');
    expect(r.stdout).toContain('no consent problems found');
    const after = read(dir);
    expect(after['src/analytics.ts']).toContain("import { hasConsent } from './privacy';");
    expect(after['src/analytics.ts']).toContain(
      "  if (hasConsent('analytics') && hasConsent('marketing')) {\n    await Leanplum.start();\n  }\n",
    );
    expect(after['src/analytics.ts']).toContain(
      "  if (hasConsent('analytics')) {\n    Leanplum.setDeviceId(id); // the install ID, not an advertising ID\n  }\n",
    );
    expect(after['src/analytics.ts']).toContain('// Identify the user first, then start the session.');
    expect(after['src/push.ts']).toContain("import { setConsent, hasConsent } from './privacy';");
    expect(after['src/push.ts'].match(/from '\.\/privacy'/g)).toHaveLength(1);
    expect(after['src/privacy.ts']).toBe(readFileSync(join(repoRoot, 'fixtures/fix-app/src/privacy.ts'), 'utf8'));

    const again = runCli(['.', '--format', 'json'], { cwd: dir });
    expect(again.code, again.stdout).toBe(0);
    expect(JSON.parse(again.stdout).findings).toEqual([]);
    // Idempotent: nothing left to fix.
    const twice = runCli(['.', '--fix'], { cwd: dir });
    expect(twice.code).toBe(0);
    expect(read(dir)).toEqual(after);
  });

  it('SARIF carries the verified fixes; applying their replacements gives exactly what --fix writes; valid SARIF 2.1.0', () => {
    const dir = app();
    const before = read(dir);
    const r = runCli(['.', '--format', 'sarif'], { cwd: dir });
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const results = sarif.runs[0].results as {
      fixes?: {
        artifactChanges: {
          artifactLocation: { uri: string };
          replacements: {
            deletedRegion: { charOffset: number; charLength: number };
            insertedContent: { text: string };
          }[];
        }[];
      }[];
    }[];
    expect(results).toHaveLength(4);
    expect(results.every((x) => x.fixes?.length === 1)).toBe(true);
    const patched: Record<string, string> = {};
    for (const res of results) {
      for (const change of res.fixes![0].artifactChanges) {
        const file = decodeURIComponent(change.artifactLocation.uri);
        let text = before[file];
        for (const rep of [...change.replacements].sort(
          (a, b) => b.deletedRegion.charOffset - a.deletedRegion.charOffset,
        )) {
          text =
            text.slice(0, rep.deletedRegion.charOffset) +
            rep.insertedContent.text +
            text.slice(rep.deletedRegion.charOffset + rep.deletedRegion.charLength);
        }
        patched[file] = text;
      }
    }
    expect(runCli(['.', '--fix'], { cwd: dir }).code).toBe(0);
    const fixed = read(dir);
    for (const [file, text] of Object.entries(patched)) expect(text, file).toBe(fixed[file]);
    expect(Object.keys(patched).sort()).toEqual(['src/analytics.ts', 'src/main.ts', 'src/push.ts']);
  });
});

describe('what is not fixed, and why', () => {
  it('no guard function in the config; a guard that is not in scope and names no module; a call that is not a statement', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-nofix-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'src/a.ts'),
      "import Leanplum from 'leanplum-sdk';\nexport const session = Leanplum.start();\n",
    );
    writeFileSync(join(dir, 'src/b.ts'), "import Leanplum from 'leanplum-sdk';\nLeanplum.registerForWebPush();\n");
    writeFileSync(join(dir, 'consent-lint.config.json'), '{}');
    const none = runCli(['.', '--fix-dry-run'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('the config declares no guard function');
    writeFileSync(
      join(dir, 'consent-lint.config.json'),
      JSON.stringify({ guards: [{ function: 'hasConsent', purposeArgument: 0 }] }),
    );
    const r = runCli(['.', '--fix'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('src/a.ts:2:24 leanplum/init: the call is not a statement of its own');
    expect(r.stderr).toContain(
      'src/b.ts:2:1 leanplum/push: hasConsent is not in scope and its guard names no module to import it from',
    );
    expect(readFileSync(join(dir, 'src/b.ts'), 'utf8')).toBe(
      "import Leanplum from 'leanplum-sdk';\nLeanplum.registerForWebPush();\n",
    );
  });

  it('a fix whose finding survives the re-run analysis is not offered', async () => {
    const dir = app();
    const config = loadConfigFile(join(dir, 'consent-lint.config.json'));
    const f = startFromCacheAt(5);
    let scans = 0;
    const plan = await planFixes({
      root: dir,
      config,
      policies: [],
      findings: [f],
      // An analysis that does not recognise the guard: the finding is still there.
      scan: async () => {
        scans++;
        return [f];
      },
    });
    expect(scans).toBe(1);
    expect(plan.fixes).toEqual([]);
    expect(plan.skipped).toEqual([
      { finding: f, reason: 'the finding remained after the fix (the guard is not recognised on every path)' },
    ]);
    const ok = await planFixes({ root: dir, config, policies: [], findings: [f], scan: async () => [] });
    expect(ok.fixes.map((x) => x.file)).toEqual(['src/main.ts']);
  });

  it('a file that is not UTF-8 is not rewritten (the scan reads it as Latin-1; writing would change its bytes)', async () => {
    const dir = app();
    const file = join(dir, 'src/main.ts');
    writeFileSync(
      file,
      Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from('\n'), readFileSync(file)]),
    );
    const config = loadConfigFile(join(dir, 'consent-lint.config.json'));
    const f = startFromCacheAt(6);
    const plan = await planFixes({ root: dir, config, policies: [], findings: [f], scan: async () => [] });
    expect(plan.fixes).toEqual([]);
    expect(plan.skipped).toEqual([
      { finding: f, reason: expect.stringMatching(/^the file cannot be rewritten safely \(.*not valid UTF-8/) },
    ]);
  });
});

describe('helpers', () => {
  it('guardCalls covers the missing purposes with the configured guards', () => {
    expect(guardCalls(['analytics', 'marketing'], [{ function: 'hasConsent', purposeArgument: 0 }])?.calls).toEqual([
      "hasConsent('analytics')",
      "hasConsent('marketing')",
    ]);
    expect(guardCalls(['marketing'], [{ function: 'canMarket', purposes: ['marketing'] }])?.calls).toEqual([
      'canMarket()',
    ]);
    expect(
      guardCalls(['analytics', 'marketing'], [{ function: 'canMarket', purposes: ['marketing'] }]),
    ).toBeUndefined();
    expect(
      guardCalls(['marketing'], [{ function: 'requireConsent', purposes: ['marketing'], assert: true }]),
    ).toBeUndefined();
    expect(guardCalls(['marketing'], [{ property: 'consent.marketing', purposes: ['marketing'] }])).toBeUndefined();
  });

  it('diffs and SARIF replacements reproduce the new text', () => {
    const a = 'a\nb\nc\nd\n';
    const b = 'a\nx\nb\nc\ny\n';
    expect(lineHunks(a, b)).toHaveLength(2);
    let text = a;
    for (const r of replacements(a, b).reverse())
      text =
        text.slice(0, r.deletedRegion.charOffset) +
        r.insertedContent.text +
        text.slice(r.deletedRegion.charOffset + r.deletedRegion.charLength);
    expect(text).toBe(b);
    expect(unifiedDiff('f', a, b)).toBe('--- a/f\n+++ b/f\n@@ -1,5 +1,6 @@\n a\n+x\n b\n c\n-d\n+y\n \n');
  });
});
