/**
 * Argument labels on native calls (src/native/labels.ts): a policy may name an argument by
 * label where its position varies (Mixpanel's `optOutTrackingByDefault`), so each grammar's
 * labels must land on the right argument, and unlabelled calls carry none.
 */
import { describe, expect, it } from 'vitest';
import { toUnit, type Expr } from '../src/native/ir.js';
import { argumentKey, argumentName } from '../src/native/labels.js';
import { parseNative, type NativeLanguage } from '../src/native/parsers.js';

/** The labels of the first call named `name` in the file's functions (undefined: none recorded). */
async function labelsOf(lang: NativeLanguage, code: string, name: string): Promise<(string | undefined)[] | undefined> {
  const tree = (await parseNative(lang, code))!;
  const unit = toUnit(lang, tree.rootNode);
  let found: Extract<Expr, { k: 'call' }> | undefined;
  const visit = (v: unknown): void => {
    if (found || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(visit);
    const o = v as Record<string, unknown>;
    if (o.k === 'call' && o.name === name) {
      found = o as Extract<Expr, { k: 'call' }>;
      return;
    }
    for (const [k, x] of Object.entries(o)) if (k !== 'node' && k !== 'nameNode' && k !== 'parent') visit(x);
  };
  visit(unit.functions.map((f) => f.body));
  tree.delete();
  expect(found).toBeDefined();
  return found!.labels;
}

describe('native argument labels', () => {
  it('Swift: each value_argument label, none for an unlabelled argument', async () => {
    const code = 'func f() { Mixpanel.initialize(token: t, true, optOutTrackingByDefault: true) }';
    expect(await labelsOf('swift', code, 'initialize')).toEqual(['token', undefined, 'optOutTrackingByDefault']);
    expect(await labelsOf('swift', 'func f() { Mixpanel.initialize(t) }', 'initialize')).toBeUndefined();
  });

  it('Kotlin: named arguments (name =), positional ones unlabelled', async () => {
    const code = 'fun f() { Amplitude(key, optOut = true) }';
    expect(await labelsOf('kotlin', code, 'Amplitude')).toEqual([undefined, 'optOut']);
    expect(await labelsOf('kotlin', 'fun f() { Amplitude(optOut) }', 'Amplitude')).toBeUndefined();
  });

  it('Objective-C: the selector keywords, one per argument', async () => {
    const code =
      'void f() { [Mixpanel sharedInstanceWithToken:t optOutTrackingByDefault:YES]; [Mixpanel sharedInstance]; }';
    expect(await labelsOf('objc', code, 'sharedInstanceWithToken')).toEqual([
      'sharedInstanceWithToken',
      'optOutTrackingByDefault',
    ]);
    expect(await labelsOf('objc', code, 'sharedInstance')).toBeUndefined();
  });
});

describe('policy argument keys', () => {
  it('a position, a label, or both', () => {
    expect(argumentKey('1')).toEqual({ index: 1, label: undefined });
    expect(argumentKey('optOutTrackingByDefault')).toEqual({ index: undefined, label: 'optOutTrackingByDefault' });
    expect(argumentKey('0:contract')).toEqual({ index: 0, label: 'contract' });
    expect(argumentKey(2)).toEqual({ index: 2 });
    expect(argumentName('0:contract', true)).toBe('Argument 1');
    expect(argumentName('optOut')).toBe('argument `optOut`');
  });
});
