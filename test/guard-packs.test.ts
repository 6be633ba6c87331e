/**
 * Every guard pack's examples are tests (issue 10, item 7): for each guard and
 * each script-blocking form of every built-in policy, `examples.compliant`
 * must produce no finding and `examples.nonCompliant` (its near miss) at least
 * one, scanned with every built-in policy. Vendor- and service-keyed packs
 * (Klaro, Usercentrics services, Didomi vendors, Axeptio, Sourcepoint) name
 * the app's own services: the examples use `leanplum` / `c:leanplum`, mapped
 * to marketing here as an app would in its config (`purposeAliases`).
 */
import { describe, expect, it } from 'vitest';
import { checkSource } from '../src/index.js';
import type { Config, Policy } from '../src/model.js';
import { builtinPolicyIds, loadPolicy } from '../src/policy/index.js';

const CONFIG: Config = { purposeAliases: { leanplum: 'marketing', 'c:leanplum': 'marketing' } };
const policies: Policy[] = builtinPolicyIds().map((id) => loadPolicy(id));

function scanSnippet(code: string) {
  const html = code.trimStart().startsWith('<');
  const ts = /\bimport\b|\bexport\b/.test(code);
  return checkSource(code, { file: html ? 'index.html' : ts ? 'app.tsx' : 'app.js', policies, config: CONFIG });
}

describe('guard pack examples', () => {
  const packs = policies.filter((p) => p.guards.length || p.scriptBlocking?.length);
  it('every guard pack is covered', () => {
    expect(packs.map((p) => p.id)).toEqual(
      expect.arrayContaining([
        'cookiebot',
        'onetrust',
        'tcf',
        'didomi',
        'usercentrics',
        'fides',
        'ios-att',
        'klaro',
        'vanilla-cookieconsent',
        'osano',
        'cookieyes',
        'complianz',
        'c15t',
        'wp-consent-api',
        'axeptio',
        'trustarc',
        'google-ump',
        'civic-cookie-control',
        'tarteaucitron',
      ]),
    );
  });
  for (const p of packs) {
    for (const g of [...p.guards, ...(p.scriptBlocking ?? [])]) {
      it(`${p.id}: ${g.id} has examples, documented`, () => {
        expect(g.examples, `${g.id} needs examples`).toBeDefined();
      });
      if (!g.examples) continue;
      it(`${p.id}: ${g.id} compliant example has no finding`, () => {
        const doc = scanSnippet(g.examples!.compliant);
        expect(doc.errors.filter((e) => e.kind !== 'skipped')).toEqual([]);
        expect(doc.findings.map((f) => `${f.line}: ${f.message}`)).toEqual([]);
      });
      it(`${p.id}: ${g.id} non-compliant example is reported`, () => {
        const doc = scanSnippet(g.examples!.nonCompliant);
        expect(doc.errors.filter((e) => e.kind !== 'skipped')).toEqual([]);
        expect(doc.findings.length).toBeGreaterThan(0);
      });
    }
  }
});
