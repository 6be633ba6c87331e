import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyBaseline,
  createBaseline,
  pruneBaseline,
  readBaseline,
  serializeBaseline,
  writeBaseline,
} from '../src/baseline/index.js';
import { ConfigError } from '../src/policy/index.js';
import { doc, finding } from './cli-helpers.js';

const two = (shift = 0) =>
  doc([
    finding({ line: 9 + shift, endLine: 9 + shift }),
    finding({ line: 14 + shift, endLine: 14 + shift }), // same key: ordinal 1
    finding({
      file: 'src/b.ts',
      identity: { path: ['App', 'useEffect()[0]'], callee: 'Leanplum.registerForWebPush', ordinal: 0 },
      line: 3,
      endLine: 3,
      ruleId: 'leanplum/push',
    }),
  ]);

describe('baseline', () => {
  it('keys on rule + file + declaration path + callee + ordinal, sorted and deterministic', () => {
    const b = createBaseline(two());
    expect(b.entries).toEqual([
      {
        ruleId: 'leanplum/push',
        file: 'src/b.ts',
        path: ['App', 'useEffect()[0]'],
        callee: 'Leanplum.registerForWebPush',
        ordinal: 0,
      },
      { ruleId: 'leanplum/init', file: 'src/lp.ts', path: ['initLeanplum'], callee: 'Leanplum.start', ordinal: 0 },
      { ruleId: 'leanplum/init', file: 'src/lp.ts', path: ['initLeanplum'], callee: 'Leanplum.start', ordinal: 1 },
    ]);
    const text = serializeBaseline(b);
    expect(text).toBe(serializeBaseline(createBaseline(doc([...two().findings].reverse()))));
    expect(JSON.parse(text)).toMatchObject({ version: 2, tool: 'consent-lint' });
  });

  it('identifies findings by names, never by trace labels or lines', () => {
    const [a, b, c] = two().findings;
    expect(a.identity).toEqual({ path: ['initLeanplum'], callee: 'Leanplum.start', ordinal: 0 });
    expect(b.identity!.ordinal).toBe(1);
    expect(c.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    const relabelled = doc(
      two(7).findings.map((f) => ({
        ...f,
        trace: f.trace.map((h) => ({ ...h, label: `renamed ${h.label}` })),
        message: 'reworded',
      })),
    );
    expect(relabelled.findings.map((f) => f.fingerprint)).toEqual(two().findings.map((f) => f.fingerprint));
    const moved = doc([finding({ identity: { path: ['otherFunction'], callee: 'Leanplum.start', ordinal: 0 } })]);
    expect(moved.findings[0].fingerprint).not.toBe(a.fingerprint);
  });

  it('reads version 1 baselines: names must agree, label segments match any name; pruning writes version 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-baseline-v1-'));
    const file = join(dir, 'baseline.json');
    const v1 = (
      scope: string,
      file = 'src/b.ts',
      callee = 'Leanplum.registerForWebPush',
      ruleId = 'leanplum/push',
    ) => ({ ruleId, file, scope, callee, ordinal: 0 });
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        tool: 'consent-lint',
        entries: [
          v1('App/useEffect callback'), // label segment: matches useEffect()[0]
          v1('initLeanplum', 'src/lp.ts', 'Leanplum.start', 'leanplum/init'),
          v1('Other/useEffect callback', 'src/c.ts'), // another file: stale when in scope
          v1('Gone', 'src/lp.ts', 'Leanplum.start', 'leanplum/init'), // a name that no longer encloses it: stale
        ],
      }),
    );
    const old = readBaseline(file);
    const r = applyBaseline(two(), old);
    expect(r.matched).toBe(2);
    expect(r.document.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['src/lp.ts:14']);
    expect(r.stale.map((e) => ('scope' in e ? e.scope : e.path.join('/')))).toEqual([
      'Other/useEffect callback',
      'Gone',
    ]);
    const pruned = JSON.parse(serializeBaseline(pruneBaseline(r.upgraded, r.stale)));
    expect(pruned).toEqual({
      version: 2,
      tool: 'consent-lint',
      entries: [
        {
          ruleId: 'leanplum/push',
          file: 'src/b.ts',
          path: ['App', 'useEffect()[0]'],
          callee: 'Leanplum.registerForWebPush',
          ordinal: 0,
        },
        { ruleId: 'leanplum/init', file: 'src/lp.ts', path: ['initLeanplum'], callee: 'Leanplum.start', ordinal: 0 },
      ],
    });
    // Out of scope, an unmatched version 1 entry is kept as it was (it may match a later full run).
    const partial = applyBaseline(doc([]), old, (f) => f === 'src/lp.ts');
    expect(pruneBaseline(partial.upgraded, partial.stale).entries).toEqual([
      v1('App/useEffect callback'),
      v1('Other/useEffect callback', 'src/c.ts'),
    ]);
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
    const b = createBaseline(
      doc([finding({ suppressed: true }), finding({ ruleId: 'consent-lint/unused-directive', severity: 'warn' })]),
    );
    expect(b.entries).toEqual([]);
  });

  it('writes and reads files; a bad file is a ConfigError with a JSON pointer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-baseline-'));
    const file = join(dir, 'nested/baseline.json');
    writeBaseline(file, createBaseline(two()));
    expect(readBaseline(file).entries).toHaveLength(3);
    writeFileSync(
      file,
      JSON.stringify({
        version: 2,
        tool: 'consent-lint',
        entries: [{ ruleId: 'x', file: 'a', path: [], callee: '', ordinal: -1 }],
      }),
    );
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
