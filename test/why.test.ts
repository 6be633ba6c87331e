import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIO } from '../src/cli/io.js';
import { runWhy } from '../src/cli/why.js';

const fixtures = join(__dirname, '..', 'fixtures', 'guards');

async function why(app: string, location: string, json = false) {
  const io = memoryIO({ cwd: join(fixtures, app) });
  const code = await runWhy(location, json ? { json: true } : {}, io);
  return { code, out: io.out, err: io.err };
}

describe('consent-lint why FILE:LINE', () => {
  it('an awaited ATT grant proves tracking authorization only: not explained as a missing await', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'why-att-'));
    try {
      writeFileSync(
        join(dir, 'analytics.ts'),
        "import { getTrackingPermissionsAsync } from 'expo-tracking-transparency';\n" +
          "import analytics from '@react-native-firebase/analytics';\n" +
          'export const d = async () => {\n  const { granted } = await getTrackingPermissionsAsync();\n' +
          '  if (granted) {\n    analytics().setAnalyticsCollectionEnabled(true);\n  }\n};\n',
      );
      const io = memoryIO({ cwd: dir });
      expect(await runWhy('analytics.ts:6', {}, io)).toBe(1);
      expect(io.out).toContain('FINDING: reachable without analytics');
      expect(io.out).toContain('`granted` true -> proves tracking-authorization');
      expect(io.out).not.toContain('await it');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an SDK's own switch on the way: the path is held back, not missing consent; one only in an `if` holds one path", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'why-switch-'));
    try {
      writeFileSync(
        join(dir, 'push.ts'),
        "import { OneSignal } from 'react-native-onesignal';\n" +
          "export function boot() {\n  OneSignal.setConsentRequired(true);\n  OneSignal.initialize('id');\n}\n" +
          "export function late(eu: boolean) {\n  if (eu) OneSignal.setConsentRequired(true);\n  OneSignal.initialize('id');\n}\n",
      );
      const held = memoryIO({ cwd: dir });
      expect(await runWhy('push.ts:4', {}, held)).toBe(0);
      expect(held.out).toContain('compliant');
      expect(held.out).toContain("path 1 (held back by the SDK's own switch)");
      expect(held.out).toContain('`OneSignal.setConsentRequired(true)` completes -> proves the call is held back');
      expect(held.out).not.toContain('not counted: `OneSignal.setConsentRequired(true)`');
      const late = memoryIO({ cwd: dir });
      expect(await runWhy('push.ts:8', {}, late)).toBe(1);
      expect(late.out).toContain('FINDING: reachable without analytics, marketing');
      expect(late.out).toContain("(held back by the SDK's own switch)");
      expect(late.out).toContain('(missing analytics, marketing)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says why `?? true` is not counted, and which guard is', async () => {
    const r = await why('values', 'src/operators.ts:34');
    expect(r.code).toBe(1);
    expect(r.out).toContain('FINDING: reachable without marketing');
    expect(r.out).toContain('proves analytics');
    expect(r.out).toMatch(
      /not counted: `\(window as any\)\.Cookiebot\?\.consent\?\.marketing \?\? true`: when .* is null or undefined \(the CMP is absent or not loaded yet\) the value is true, which proves nothing/,
    );
  });

  it('says why `||` and a ternary with `true` prove nothing', async () => {
    expect((await why('values', 'src/operators.ts:41')).out).toContain(
      'is truthy when either side is: it proves only what both sides prove',
    );
    expect((await why('values', 'src/operators.ts:46')).out).toContain(
      'branch proves nothing that Cookiebot.consent.marketing proves',
    );
  });

  it('says an unawaited async guard is a promise, and a caught assertion grants nothing', async () => {
    const r = await why('async', 'src/async.ts:7');
    expect(r.out).toContain("`hasConsentAsync('marketing')` returns a promise, which is always truthy");
    const caught = await why('async', 'src/async.ts:34');
    expect(caught.out).toContain(
      "`requireConsent('marketing')` is a promise whose rejection is handled by `.catch(…)`",
    );
    const swallowed = await why('async', 'src/async.ts:44');
    expect(swallowed.out).toContain("`await requireConsent('marketing')` exception -> proves nothing");
    expect(swallowed.out).toContain('an exception skipped the rest of the try block');
  });

  it('says a CMP value the app writes proves nothing', async () => {
    const r = await why('mutation', 'src/mutation.ts:21');
    expect(r.out).toMatch(/is written by the app \(src\/mutation\.ts:\d+\)/);
  });

  it('lists a compliant sink with its guarded paths and a blocked script entry', async () => {
    const ok = await why('values', 'src/operators.ts:8');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('compliant');
    expect(ok.out).toMatch(/path 1 \(guarded\)/);
    const blocked = await why('blocking', 'index.html:8', true);
    const sinks = JSON.parse(blocked.out);
    expect(sinks[0].entry.blocking).toContain('data-cookieconsent="statistics,marketing"');
    expect(sinks[0].missing).toEqual([]);
  });

  it('a call in script code kept in a string: what holds where the string runs is listed and counted', async () => {
    const granted = await why('code-strings', 'src/klaro-config.js:8');
    expect(granted.code).toBe(0);
    expect(granted.out).toContain('(in script code kept in a string)');
    expect(granted.out).toMatch(/script code kept in a string: granted where it runs .*: google-analytics, analytics/);
    expect(granted.out).toContain('path 1 (guarded)');
    const onInit = await why('code-strings', 'src/klaro-config.js:10');
    expect(onInit.code).toBe(1);
    expect(onInit.out).toContain('FINDING: reachable without analytics');
    expect(onInit.out).toMatch(/script code kept in a string: granted where it runs .*: nothing/);
  });

  it('lists every reference entering the function, guarded or not', async () => {
    const r = await why('params', 'src/params.ts:15');
    expect(r.out).toMatch(/entered from src\/params\.ts:17 setAllowTrackingLoose\(\): missing analytics, marketing/);
    expect(r.out).toMatch(/entered from src\/params\.ts:18 setAllowTrackingLoose\(\): missing analytics, marketing/);
    expect(r.out).toContain('`allow` true -> proves analytics');
  });

  it('rejects a line without a sink', async () => {
    const r = await why('values', 'src/operators.ts:1');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no SDK call');
  });
});

describe('why through the binary', () => {
  it('`consent-lint why FILE:LINE` is the why command, not a scan of a path named "why"', async () => {
    const { ensureBuilt, repoRoot, runCli } = await import('./cli-helpers.js');
    ensureBuilt();
    const r = runCli(['why', 'src/didomi.js:10'], { cwd: join(repoRoot, 'fixtures/guards/cmp-web') });
    expect(r.stderr).not.toContain('no such file or directory: why');
    expect(r.stdout).toContain('Leanplum.start() (leanplum/init)');
    expect(r.code).toBe(1); // a sink on that line is reported
  });
});
