/**
 * `init` detects SDKs and consent platforms from the policy data alone
 * (sink receivers, dispatchers, guard origins, script URL hosts): every
 * built-in pack is reachable, and packages named only by a subpath, a URL
 * pattern or a legacy name count.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect, runInit } from '../src/cli/init.js';
import { memoryIO } from '../src/cli/io.js';
import { builtinPolicyIds, resolvePolicies } from '../src/policy/index.js';
import { repoRoot } from './cli-helpers.js';

describe('init: the SDK and CMP catalogue is the policies', () => {
  it('detects every SDK and CMP of the app from package.json, imports, globals and script URLs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-init-sdks-'));
    cpSync(join(repoRoot, 'fixtures/cli/init-sdks'), dir, { recursive: true });
    const found = detect(dir, resolvePolicies(builtinPolicyIds()));
    expect(found.sdkPolicies.sort()).toEqual([
      'adjust',
      'appsflyer',
      'batch',
      'bloomreach',
      'branch',
      'braze',
      'firebase',
      'mixpanel',
      'onesignal',
    ]);
    expect(found.guardPacks.sort()).toEqual(['cookiebot', 'didomi', 'onetrust']);
    expect(found.cmps.sort()).toEqual(['cookiebot', 'didomi', 'onetrust']);
    const io = memoryIO({ cwd: dir });
    expect(runInit({}, io)).toBe(0);
    expect(io.out).toContain(
      'SDK policies detected: adjust, appsflyer, batch, bloomreach, branch, braze, firebase, mixpanel, onesignal',
    );
  });

  it('every built-in policy names something init can look for', () => {
    for (const p of resolvePolicies(builtinPolicyIds())) {
      if (!p.rules.length && !p.guards.length) continue; // platform knowledge only (javascript: valueUses)
      const named = [
        ...p.rules.flatMap((r) => [...r.sinks.flatMap((s) => s.receivers), ...(r.scripts ?? [])]),
        ...p.guards.map((g) => g.from),
      ];
      expect(named.length, p.id).toBeGreaterThan(0);
    }
  });
});

describe('policies: every pack is listed', () => {
  it('lists every built-in policy; strict-preset rules show as off', async () => {
    const { runPolicies } = await import('../src/cli/info.js');
    const io = memoryIO({ cwd: repoRoot });
    expect(runPolicies({ format: 'json' }, io)).toBe(0);
    const data = JSON.parse(io.out) as { policies: { id: string; rules?: { id: string; severity: string }[] }[] };
    expect(data.policies.map((p) => p.id).sort()).toEqual(builtinPolicyIds().sort());
    const rules = data.policies.flatMap((p) => p.rules ?? []);
    expect(rules.find((r) => r.id === 'braze/identity')?.severity).toBe('off');
    expect(rules.find((r) => r.id === 'braze/init')?.severity).toBe('error');
    expect(rules.find((r) => r.id === 'firebase/messaging')?.severity).toBe('warn');
  });
});
