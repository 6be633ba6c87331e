/**
 * Every rule's `examples` in every built-in policy run through the scanner
 * (as typescript-eslint runs its rule docs): the non-compliant example must
 * produce a finding of that rule, the compliant one none. Rules of the
 * `strict` preset are switched on for their own examples. Examples may use
 * the README's app helper `hasConsent('<purpose>')` (declared as a config guard).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { builtinPolicyIds, loadPolicy } from '../src/policy/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function findingsOf(code: string, ruleId: string): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'cl-example-'));
  dirs.push(root);
  writeFileSync(join(root, 'example.tsx'), `${code}\n`);
  const { document } = await scan({
    root,
    config: { rules: { [ruleId]: 'error' }, guards: [{ function: 'hasConsent', purposeArgument: 0 }] },
  });
  expect(document.errors.filter((e) => e.kind !== 'skipped')).toEqual([]);
  return document.findings
    .filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.line}:${f.column} ${f.missing.join(',')}`);
}

const rules = builtinPolicyIds().flatMap((id) => loadPolicy(id).rules.map((r) => ({ policy: id, rule: r })));

describe('policy examples', () => {
  it('every rule of every built-in SDK policy has examples', () => {
    expect(rules.filter(({ rule }) => !rule.examples).map(({ rule }) => rule.id)).toEqual([]);
  });
  for (const { rule } of rules) {
    if (!rule.examples) continue;
    const { compliant, nonCompliant } = rule.examples;
    it(`${rule.id}: the non-compliant example is reported`, async () => {
      expect((await findingsOf(nonCompliant, rule.id)).length).toBeGreaterThan(0);
    });
    it(`${rule.id}: the compliant example is proven`, async () => {
      expect(await findingsOf(compliant, rule.id)).toEqual([]);
    });
  }
});
