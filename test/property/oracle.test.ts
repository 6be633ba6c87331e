/**
 * The oracle's own tests: hand-written programs with answers derived by hand,
 * and a cross-check of three independent ways to compute the verdict on
 * random programs (merged enumeration, unmerged enumeration, real JS
 * execution in harness.ts).
 */
import fc from 'fast-check';
import { parse } from '@babel/parser';
import { describe, expect, it } from 'vitest';
import { programFromSource } from './fromSource.js';
import { programArb } from './gen.js';
import { runHarness } from './harness.js';
import { maskToPurposes, type Program } from './model.js';
import { REAL_JS, runOracle, type SinkVerdict, TooManyPaths } from './oracle.js';
import { printProgram } from './print.js';

type Expected = 'dead' | string[];

function verdictOf(v: SinkVerdict): Expected {
  return v.reached ? maskToPurposes(v.missing) : 'dead';
}

const M = 'Cookiebot.consent.marketing';
const A = 'Cookiebot.consent.statistics';
const PUSH = 'Leanplum.registerForWebPush()';
const START = 'Leanplum.start()';
const fn = (body: string) => `function main(x, xs) {\n${body}\n}`;

/**
 * [name, program, expected verdict per sink in source order under the
 * property's exception model (REAL_JS: calls, `throw` AND reads of globals may
 * throw), and, where it differs, under the calls-only model]
 */
const table: [string, string, Expected[], Expected[]?][] = [
  ['unguarded sinks', fn(`${PUSH};\n${START};`), [['marketing'], ['analytics', 'marketing']]],
  ['if (G) { sink }', fn(`if (${M}) { ${PUSH}; ${START}; }`), [[], ['analytics']]],
  [
    'early return: code after `if (!G) return;` is guarded',
    fn(`if (!${M}) return;\n${PUSH};\n${START};`),
    [[], ['analytics']],
  ],
  [
    'disjunction does not guard, conjunction does',
    fn(`if (flag() || ${M}) { ${PUSH}; }\nif (ready && ${M}) { ${PUSH}; }`),
    [['marketing'], []],
  ],
  [
    '`A || G`: G taken true is a path; A true skips G',
    fn(`(${M} || flag()) && ${PUSH};\n(flag() || ${M}) && ${PUSH};`),
    [['marketing'], ['marketing']],
  ],
  ['short-circuit conjunction of guards', fn(`${M} && ${A} && ${START};\n!!${M} && ${PUSH};`), [[], []]],
  [
    'ternary statements: the sink arm decides',
    fn(`${M} ? ${PUSH} : work();\n!${M} ? work() : ${PUSH};\n${M} ? work() : ${PUSH};`),
    [[], [], ['marketing']],
  ],
  ['ternary inside a condition', fn(`if (!(${M} ? ${A} : flag())) return;\n${START};`), [['analytics', 'marketing']]],
  [
    'loops: while guard vs do-while first iteration',
    fn(`while (${M}) { ${PUSH}; }\ndo { ${PUSH}; } while (${M});\nwhile (${M}) {}\n${PUSH};`),
    [[], ['marketing'], ['marketing']],
  ],
  [
    'loops: a guard at the end of the body does not cover the first iteration',
    fn(`while (flag()) { ${PUSH}; if (!${M}) return; }\nwhile (flag()) { if (!${M}) return; ${PUSH}; }`),
    [['marketing'], []],
  ],
  [
    'continue skips the rest of the body; do-while continue goes to the test',
    fn(`for (const item of xs) { if (${M}) continue; ${PUSH}; }\ndo { if (!${M}) continue; ${PUSH}; } while (flag());`),
    [['marketing'], []],
  ],
  [
    'try/catch: a call before the guard may throw into catch',
    fn(`try { work(); if (!${M}) return; work(); } catch (e) { ${PUSH}; }`),
    [['marketing']],
  ],
  [
    // Real JS: the guard read itself throws when the CMP script did not load,
    // so the catch runs without consent. Calls-only: the only way into the
    // catch is work() AFTER the guard granted marketing.
    'try/catch: the guard read may throw into catch (calls-only: only the call after it)',
    fn(`try { if (!${M}) return; work(); } catch (e) { ${PUSH}; }`),
    [['marketing']],
    [[]],
  ],
  [
    'try/catch: only the guard read can throw (calls-only: catch is dead)',
    fn(`try { if (!${M}) return; } catch (e) { ${PUSH}; }`),
    [['marketing']],
    ['dead'],
  ],
  ['try/catch: nothing can throw: catch is dead', fn(`try { return; } catch (e) { ${PUSH}; }`), ['dead']],
  [
    'try/catch: reading a parameter cannot throw',
    fn(`if (!${M}) { try { switch (x) {} return; } catch (e) {} }\n${PUSH};`),
    [[]],
  ],
  [
    'try/catch: iterating may throw',
    fn(`if (!${M}) { try { for (const item of xs) {} return; } catch (e) {} }\n${PUSH};`),
    [['marketing']],
    [[]],
  ],
  [
    'module top level: reading the global x may throw',
    `outer: {\nif (!${M}) { try { switch (x) {} break outer; } catch (e) {} }\n${PUSH};\n}`,
    [['marketing']],
    [[]],
  ],
  [
    'try/catch: `throw` before the guard',
    fn(`try { if (flag()) throw new Error(); if (!${M}) return; ${PUSH}; } catch (e) { ${PUSH}; }`),
    [[], ['marketing']],
  ],
  [
    'a sink may throw (after running) into catch',
    fn(`try { ${PUSH}; } catch (e) { ${PUSH}; }\nif (!${M}) return;\ntry { ${PUSH}; } catch (e) { ${START}; }`),
    [['marketing'], ['marketing'], [], ['analytics']],
  ],
  [
    'finally runs on the early return',
    fn(`try { if (!${M}) return; } finally { ${PUSH}; }\n${PUSH};`),
    [['marketing'], []],
  ],
  [
    'finally after catch-return: code after try only on the guarded path',
    fn(`try { if (!${M}) throw new Error(); } catch (e) { return; } finally { work(); }\n${PUSH};`),
    [[]],
  ],
  ['return through finally', fn(`if (!${M}) { try { return; } finally { ${PUSH}; } }`), [['marketing']]],
  [
    'finally overriding a return: nothing after is reachable',
    fn(`try { return; } finally { if (!${M}) return; }\n${PUSH};`),
    ['dead'],
  ],
  [
    'break outer through finally',
    fn(`outer: while (ready) { try { if (!${M}) break outer; } finally { ${PUSH}; }\n${START}; }`),
    [['marketing'], ['analytics']],
  ],
  [
    'switch: entry at any case, fall-through',
    fn(`switch (x) {\ncase 1: if (!${M}) return;\ncase 2: ${PUSH}; break;\ndefault: ${PUSH};\n}`),
    [['marketing'], ['marketing']],
  ],
  [
    'switch: default in the middle falls through to the next case',
    fn(`switch (x) {\ncase 1: return;\ndefault: if (!${M}) return;\ncase 2: ${PUSH};\n}`),
    [['marketing']],
  ],
  [
    'switch: default in the middle, only reachable cases guarded',
    fn(`if (!${A}) return;\nswitch (x) {\ncase 1: if (!${M}) return;\ndefault: ${START}; break;\ncase 2: return;\n}`),
    [['marketing']],
  ],
  [
    'switch: single case, no default',
    fn(`switch (x) {\ncase 1: if (!${M}) return; ${PUSH};\n}\n${PUSH};`),
    [[], ['marketing']],
  ],
  ['labelled block: break label', fn(`outer: { if (!${M}) break outer; ${PUSH}; }\n${PUSH};`), [[], ['marketing']]],
  ['infinite loops: left only by break / return (1)', fn(`for (;;) { if (!${M}) return; break; }\n${PUSH};`), [[]]],
  [
    'infinite loops: left only by break / return (2)',
    fn(`while (true) { if (${A}) break; }\n${START};`),
    [['marketing']],
  ],
  [
    'infinite loops: left only by break / return (3)',
    fn(`do { if (flag()) break; } while (true);\n${START};`),
    [['analytics', 'marketing']],
  ],
  [
    'infinite loop without break: code after it is dead',
    fn(`while (true) {\n${PUSH};\n}\n${PUSH};`),
    [['marketing'], 'dead'],
  ],
  [
    '`!G || sink()` runs the sink only when G is truthy',
    fn(`!${M} || ${PUSH};\n${M} || ${PUSH};\n!(${M} && ${A}) || ${START};`),
    [[], ['marketing'], []],
  ],
  ['dead code after return / throw', fn(`return;\n${PUSH};`), ['dead']],
  ['module top level: early throw guards', `if (!${M}) throw new Error();\n${START};`, [['analytics']]],
  [
    'nested loops with labelled continue',
    fn(
      `outer: while (flag()) { inner: for (const item of xs) { if (!${A}) continue outer; ${START}; } if (!${M}) return; }`,
    ),
    [['marketing']],
  ],
];

describe('oracle on hand-written programs', () => {
  for (const [name, code, expected, callsOnly = expected] of table) {
    it(name, () => {
      parse(code, { sourceType: 'module' }); // valid JS
      const p = programFromSource(code);
      expect(p.sinks).toBe(expected.length);
      expect(runOracle(p, REAL_JS).verdicts.map(verdictOf)).toEqual(expected);
      expect(runOracle(p, { ...REAL_JS, mergeEqualStates: false }).verdicts.map(verdictOf)).toEqual(expected);
      expect(runHarness(p, REAL_JS).verdicts.map(verdictOf)).toEqual(expected);
      const calls = { callsThrow: true, readsThrow: false };
      expect(runOracle(p, calls).verdicts.map(verdictOf)).toEqual(callsOnly);
      expect(runHarness(p, calls).verdicts.map(verdictOf)).toEqual(callsOnly);
    });
  }
});

describe('printer', () => {
  it('prints parseable code, one sink per line, that reads back to the same program', () => {
    fc.assert(
      fc.property(programArb, (p: Program) => {
        const { code, sinkAtLine, lineOfSink } = printProgram(p);
        parse(code, { sourceType: 'module', plugins: ['typescript'] });
        expect(sinkAtLine.size).toBe(p.sinks);
        const lines = code.split('\n');
        for (const [id, line] of lineOfSink.entries()) {
          const text = lines[line - 1];
          expect(text.split('Leanplum').length - 1).toBe(1);
          expect(text).toMatch(p.sinkKinds[id] === 'push' ? /registerForWebPush/ : /\bstart\b/);
        }
        expect(programFromSource(code)).toEqual(p);
      }),
      { numRuns: 500, seed: Number(process.env.FC_SEED ?? 20240601) },
    );
  });
});

describe('oracle cross-check on random programs', () => {
  it('merged enumeration == unmerged enumeration == real JS execution', () => {
    let compared = 0;
    fc.assert(
      fc.property(programArb, (p: Program) => {
        let merged, unmerged, harness;
        try {
          merged = runOracle(p).verdicts;
          unmerged = runOracle(p, { mergeEqualStates: false, maxWork: 50_000 }).verdicts;
          harness = runHarness(p, { maxRuns: 3_000 }).verdicts;
          // (calls-only model; REAL_JS is cross-checked in the next test)
        } catch (e) {
          if (e instanceof TooManyPaths) return; // too big for the slow oracles
          throw e;
        }
        compared++;
        expect(unmerged.map(verdictOf)).toEqual(merged.map(verdictOf));
        expect(harness.map(verdictOf)).toEqual(merged.map(verdictOf));
      }),
      { numRuns: 300, seed: Number(process.env.FC_SEED ?? 20240601) },
    );
    expect(compared).toBeGreaterThan(150);
  });

  it('also agree when reads of globals may throw too', () => {
    fc.assert(
      fc.property(programArb, (p: Program) => {
        let merged, harness;
        try {
          merged = runOracle(p, { readsThrow: true }).verdicts;
          harness = runHarness(p, { readsThrow: true, maxRuns: 3_000 }).verdicts;
        } catch (e) {
          if (e instanceof TooManyPaths) return;
          throw e;
        }
        expect(harness.map(verdictOf)).toEqual(merged.map(verdictOf));
      }),
      { numRuns: 150, seed: Number(process.env.FC_SEED ?? 20240601) },
    );
  });

  it('also agree when calls cannot throw', () => {
    fc.assert(
      fc.property(programArb, (p: Program) => {
        let merged, harness;
        try {
          merged = runOracle(p, { callsThrow: false }).verdicts;
          harness = runHarness(p, { callsThrow: false, maxRuns: 3_000 }).verdicts;
        } catch (e) {
          if (e instanceof TooManyPaths) return;
          throw e;
        }
        expect(harness.map(verdictOf)).toEqual(merged.map(verdictOf));
      }),
      { numRuns: 200, seed: Number(process.env.FC_SEED ?? 20240601) },
    );
  });
});
