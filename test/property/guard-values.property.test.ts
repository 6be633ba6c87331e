/**
 * Property: guard VALUES (issue 10) agree with the brute-force oracle, exactly.
 *
 * Random programs (gen.ts guardValueProgramArb) store guard formulas in
 * `const`s at the start and test them later (alone, negated, in a
 * conjunction), use fail-open operators (`Cookiebot?.consent?.x ?? true`)
 * next to their closed twins (`?? false`), call an async predicate awaited or
 * not (a promise is always truthy), and sometimes overwrite a Cookiebot value
 * (`function qa() { Cookiebot.consent.marketing = true; }`), after which no
 * read of that purpose proves anything. The oracle (oracle.ts) evaluates each
 * stored formula once per path and keeps its value, so a stored value proves
 * exactly what its whole expression proved on that path.
 *
 * Two oracles judge each program. The real one (stored values keep their
 * value along a path): the engine must never miss a purpose it reports
 * (soundness). The uncorrelated one (each read of `s0` is an independent
 * evaluation of its formula, see OracleOptions.correlatedStores): the engine's
 * guard algebra (src/guards/algebra.ts) must equal it sink by sink, so every
 * difference from the real oracle is only the path correlation of two reads
 * of one value, which no single-CFG must-analysis tracks.
 *
 * Reproduce: FC_SEED=<seed> FC_PATH=<path>; tune FC_NUM_RUNS (default 1500).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { annotate, compare } from './compare.js';
import { guardValueProgramArb } from './gen.js';
import { GUARD_VALUE_CONFIG, maskToPurposes, type Program } from './model.js';
import { REAL_JS, runOracle, TooManyPaths } from './oracle.js';
import { printProgram } from './print.js';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 1500);
const SEED = Number(process.env.FC_SEED ?? 0x6a7d_10);
const PATH = process.env.FC_PATH;

const stats = { programs: 0, skipped: 0, sinks: 0, compliant: 0, findings: 0, dead: 0 };

describe('guard values: engine == brute-force oracle', () => {
  afterAll(() => console.log(`[guard-values property] seed ${SEED}: ${JSON.stringify(stats)}`));

  it(`agrees on every sink of ${NUM_RUNS} random programs with stored, fail-open, async and overwritten guards`, () => {
    fc.assert(
      fc.property(guardValueProgramArb, (p: Program) => {
        let c;
        let real;
        try {
          c = compare(p, { ...REAL_JS, correlatedStores: false }, GUARD_VALUE_CONFIG);
          real = runOracle(p, REAL_JS).verdicts;
        } catch (e) {
          if (e instanceof TooManyPaths) {
            stats.skipped++;
            fc.pre(false);
          }
          throw e;
        }
        stats.programs++;
        for (const s of c.sinks) {
          if (s.oracle === 'dead') stats.dead++;
          else if (s.oracle.length === 0) stats.compliant++;
          else stats.findings++;
          if (s.oracle !== 'dead') stats.sinks++;
        }
        if (c.problems.length > 0 || c.disagreements.length > 0)
          throw new Error(`engine and oracle disagree:\n${c.problems.join('\n')}\n${annotate(c)}`);
        // Soundness against real JavaScript: nothing the real oracle finds missing may be accepted.
        c.sinks.forEach((s, i) => {
          const v = real[i];
          if (!v.reached) return;
          const missing = maskToPurposes(v.missing);
          if (!missing.every((m) => s.engine.includes(m)))
            throw new Error(`engine misses [${missing}] at line ${s.line} (engine [${s.engine}]):\n${c.code}`);
        });
      }),
      { numRuns: NUM_RUNS, seed: SEED, ...(PATH ? { path: PATH } : {}), maxSkipsPerRun: 1 },
    );
    expect(stats.skipped).toBeLessThan(NUM_RUNS / 50);
    // The generator reaches both verdicts.
    expect(stats.compliant).toBeGreaterThan(0);
    expect(stats.findings).toBeGreaterThan(0);
  });

  // Fixed programs for each form: the oracle's verdict, the engine's, and the printed source.
  const M = { k: 'guard', p: 'marketing' } as const;
  const cases: [string, Program, string[]][] = [
    [
      'stored conjunction',
      {
        topLevel: false,
        stores: [{ k: 'and', a: M, b: { k: 'flag' } }],
        body: [{ k: 'andSink', c: { k: 'stored', i: 0 }, sink: 'push', id: 0 }],
        sinks: 1,
        sinkKinds: ['push'],
      },
      [],
    ],
    [
      'stored disjunction',
      {
        topLevel: false,
        stores: [{ k: 'or', a: M, b: { k: 'flag' } }],
        body: [{ k: 'andSink', c: { k: 'stored', i: 0 }, sink: 'push', id: 0 }],
        sinks: 1,
        sinkKinds: ['push'],
      },
      ['marketing'],
    ],
    [
      '?? true',
      {
        topLevel: false,
        stores: [{ k: 'nullish', p: 'marketing', dflt: true }],
        body: [{ k: 'andSink', c: { k: 'stored', i: 0 }, sink: 'push', id: 0 }],
        sinks: 1,
        sinkKinds: ['push'],
      },
      ['marketing'],
    ],
    [
      '?? false',
      {
        topLevel: false,
        stores: [{ k: 'nullish', p: 'marketing', dflt: false }],
        body: [{ k: 'andSink', c: { k: 'stored', i: 0 }, sink: 'push', id: 0 }],
        sinks: 1,
        sinkKinds: ['push'],
      },
      [],
    ],
    [
      'awaited',
      {
        topLevel: false,
        body: [{ k: 'andSink', c: { k: 'async', p: 'marketing', awaited: true }, sink: 'push', id: 0 }],
        sinks: 1,
        sinkKinds: ['push'],
      },
      [],
    ],
    [
      'not awaited',
      {
        topLevel: false,
        body: [{ k: 'andSink', c: { k: 'async', p: 'marketing', awaited: false }, sink: 'push', id: 0 }],
        sinks: 1,
        sinkKinds: ['push'],
      },
      ['marketing'],
    ],
    [
      'overwritten',
      {
        topLevel: false,
        mutated: ['marketing'],
        body: [{ k: 'andSink', c: M, sink: 'push', id: 0 }],
        sinks: 1,
        sinkKinds: ['push'],
      },
      ['marketing'],
    ],
  ];
  // Correlation: the second read of s0 is dead in JavaScript; the engine, path-insensitive, reports it (sound).
  it('two reads of one stored value: the real oracle is stricter only on correlated paths', () => {
    const p: Program = {
      topLevel: false,
      stores: [M],
      body: [
        {
          k: 'if',
          c: { k: 'stored', i: 0 },
          then: [],
          else: [{ k: 'andSink', c: { k: 'stored', i: 0 }, sink: 'push', id: 0 }],
        },
      ],
      sinks: 1,
      sinkKinds: ['push'],
    };
    expect(runOracle(p, REAL_JS).verdicts[0].reached).toBe(false);
    const c = compare(p, { ...REAL_JS, correlatedStores: false }, GUARD_VALUE_CONFIG);
    expect(c.sinks.map((s) => s.oracle)).toEqual([[]]);
    expect(c.disagreements).toEqual([]);
  });

  for (const [name, p, missing] of cases) {
    it(`${name}: ${printProgram(p).code.split('\n').join(' ')}`, () => {
      const c = compare(p, REAL_JS, GUARD_VALUE_CONFIG);
      expect(c.sinks.map((s) => s.oracle)).toEqual([missing]);
      expect(c.problems).toEqual([]);
      expect(annotate(c)).not.toContain('DISAGREE');
    });
  }
});
