import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline, createBaseline, pruneBaseline, readBaseline, serializeBaseline, writeBaseline } from '../src/baseline/index.js';
import { ConfigError } from '../src/policy/index.js';
import { doc, finding } from './cli-helpers.js';

const two = (shift = 0) =>
  doc([
    finding({ line: 9 + shift, endLine: 9 + shift }),
    finding({ line: 14 + shift, endLine: 14 + shift }), // same key: ordinal 1
    finding({ file: 'src/b.ts', scope: 'App/useEffect callback', line: 3, endLine: 3, ruleId: 'leanplum/push', callee: 'Leanplum.registerForWebPush' }),
  ]);

describe('baseline', () => {
  it('keys on rule + file + scope + callee + ordinal, sorted and deterministic', () => {
    const b = createBaseline(two());
    expect(b.entries).toEqual([
      { ruleId: 'leanplum/push', file: 'src/b.ts', scope: 'App/useEffect callback', callee: 'Leanplum.registerForWebPush', ordinal: 0 },
      { ruleId: 'leanplum/init', file: 'src/lp.ts', scope: 'initLeanplum', callee: 'Leanplum.start', ordinal: 0 },
      { ruleId: 'leanplum/init', file: 'src/lp.ts', scope: 'initLeanplum', callee: 'Leanplum.start', ordinal: 1 },
    ]);
    const text = serializeBaseline(b);
    expect(text).toBe(serializeBaseline(createBaseline(doc([...two().findings].reverse()))));
    expect(JSON.parse(text)).toMatchObject({ version: 1, tool: 'consent-lint' });
  });

  it('still matches after lines above shift; a new call is new', () => {
    const b = createBaseline(two());
    const shifted = applyBaseline(two(5), b);
    expect(shifted.document.findings).toEqual([]);
    expect(shifted.matched).toBe(3);
    expect(shifted.stale).toEqual([]);
    const added = doc([...two(5).findings, finding({ line: 40, endLine: 40 })]);
    const r = applyBaseline(added, b);
    expect(r.document.findings.map((f) => f.line)).toEqual([40]);
  });

  it('reports stale entries and prunes them; entries outside the scope are neither', () => {
    const b = createBaseline(two());
    const r = applyBaseline(doc([two().findings[0]]), b);
    expect(r.stale.map((e) => `${e.file}#${e.ordinal}`)).toEqual(['src/b.ts#0', 'src/lp.ts#1']);
    expect(pruneBaseline(b, r.stale).entries).toHaveLength(1);
    const scoped = applyBaseline(doc([two().findings[0]]), b, (f) => f === 'src/lp.ts');
    expect(scoped.stale.map((e) => e.file)).toEqual(['src/lp.ts']);
  });

  it('never baselines suppressed or directive findings', () => {
    const b = createBaseline(doc([finding({ suppressed: true }), finding({ ruleId: 'consent-lint/unused-directive', severity: 'warn' })]));
    expect(b.entries).toEqual([]);
  });

  it('writes and reads files; a bad file is a ConfigError with a JSON pointer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-baseline-'));
    const file = join(dir, 'nested/baseline.json');
    writeBaseline(file, createBaseline(two()));
    expect(readBaseline(file).entries).toHaveLength(3);
    writeFileSync(file, JSON.stringify({ version: 1, tool: 'consent-lint', entries: [{ ruleId: 'x', file: 'a', scope: '', callee: '', ordinal: -1 }] }));
    try {
      readBaseline(file);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toEqual([{ pointer: '/entries/0/ordinal', expected: 'an integer >= 0' }]);
    }
    writeFileSync(file, '{');
    expect(() => readBaseline(file)).toThrow(ConfigError);
    expect(readFileSync(file, 'utf8')).toBe('{');
  });
});
