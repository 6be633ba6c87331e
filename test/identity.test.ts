/**
 * Finding identity comes from the code's structure, never from display text:
 * rewording every trace label (a vi.mock of proof/labels.ts) changes the traces
 * but no identity and no fingerprint.
 */
import { describe, expect, it, vi } from 'vitest';
import { checkSource } from '../src/index.js';

const relabel = { on: false };

vi.mock('../src/proof/labels.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/proof/labels.js')>();
  const reword = (s: string) => (relabel.on ? `RENAMED ${s}` : s);
  return {
    ...real,
    hop: (...args: Parameters<typeof real.hop>) => {
      const h = real.hop(...args);
      return { ...h, label: reword(h.label) };
    },
    unitName: (...args: Parameters<typeof real.unitName>) => reword(real.unitName(...args)),
    refLabel: (...args: Parameters<typeof real.refLabel>) => reword(real.refLabel(...args)),
    entryLabel: (...args: Parameters<typeof real.entryLabel>) => reword(real.entryLabel(...args)),
  };
});

const APP = [
  "import Leanplum from 'leanplum-sdk';",
  "import { useEffect } from 'react';",
  'export function App() {',
  '  useEffect(() => {',
  '    Leanplum.start();',
  '    Leanplum.start();',
  '  });',
  '  return <button onClick={() => Leanplum.registerForWebPush()} />;',
  '}',
  'export const later = () => Leanplum.start();',
  'export default function () { Leanplum.start(); }',
  '',
].join('\n');

function run(on: boolean) {
  relabel.on = on;
  try {
    return checkSource(APP, { file: 'src/App.tsx' }).findings;
  } finally {
    relabel.on = false;
  }
}

describe('finding identity', () => {
  it('names enclosing declarations structurally: names, call arguments, JSX attributes, default export', () => {
    const ids = run(false).map((f) => [f.line, f.identity?.path.join(' > '), f.identity?.callee, f.identity?.ordinal]);
    expect(ids).toEqual([
      [5, 'App > useEffect()[0]', 'Leanplum.start', 0],
      [6, 'App > useEffect()[0]', 'Leanplum.start', 1],
      [8, 'App > onClick=', 'Leanplum.registerForWebPush', 0],
      [10, 'later', 'Leanplum.start', 0],
      [11, 'default', 'Leanplum.start', 0],
    ]);
  });

  it('renaming every trace label changes the traces but no identity or fingerprint', () => {
    const before = run(false);
    const after = run(true);
    expect(after.map((f) => f.trace.map((h) => h.label))).not.toEqual(before.map((f) => f.trace.map((h) => h.label)));
    expect(after.some((f) => f.trace.some((h) => h.label.startsWith('RENAMED ')))).toBe(true);
    expect(after.map((f) => f.identity)).toEqual(before.map((f) => f.identity));
    expect(after.map((f) => f.fingerprint)).toEqual(before.map((f) => f.fingerprint));
    expect(new Set(before.map((f) => f.fingerprint)).size).toBe(before.length);
  });
});
