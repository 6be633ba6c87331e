/**
 * Property: an SDK's own switch (`unlessDeferredBy`: OneSignal.setConsentRequired(true) before
 * OneSignal.initialize(…)) holds a sink back exactly where it has run on every path, on random
 * structured programs, against the brute-force oracle (oracle.ts).
 *
 * The programs are the dominance property's (gen.ts) with some `work();` statements turned into
 * the switch and some `Leanplum.start()` sinks into `OneSignal.initialize('APP_ID')`. The oracle
 * tracks the switch as one more bit of its path state, which only a call that returns sets (one that
 * throws threw before it took effect, as the engine assumes). A sink some path reaches before the
 * switch has run misses what some path (held or not) lacks: the engine keeps "granted" and "held"
 * apart, so this is exactly the verdict it must give; every sink held back on every path misses
 * nothing. A switch thrown after the sink, inside an `if`, or only in a `try` that may throw first
 * holds nothing back.
 *
 * Reproduce a failure: FC_SEED=<seed> (and FC_PATH=<path>). Tune: FC_NUM_RUNS (default 2000).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { annotate, compare, compareOrSkip } from './compare.js';
import { programFromSource } from './fromSource.js';
import { programArb } from './gen.js';
import type { Program, Stmt } from './model.js';
import { REAL_JS } from './oracle.js';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 2_000);
const SEED = Number(process.env.FC_SEED ?? 0x5717c4);
const PATH = process.env.FC_PATH;

/** The program with the `work()` statements and `start` sinks `picks` chooses turned into switches and `init` sinks. */
function withSwitches(p: Program, picks: boolean[], holdFirst: boolean): Program {
  let i = 0;
  const pick = () => picks[i++ % picks.length];
  const sinkKinds = [...p.sinkKinds];
  const stmt = (s: Stmt): Stmt => {
    switch (s.k) {
      case 'work':
        return pick() ? { k: 'hold' } : s;
      case 'sink':
      case 'andSink':
      case 'orSink':
      case 'ternSink':
        if (s.sink !== 'start' || !pick()) return s;
        sinkKinds[s.id!] = 'init';
        return { ...s, sink: 'init' };
      case 'block':
      case 'while':
      case 'doWhile':
      case 'for':
      case 'forOf':
      case 'labelled':
        return { ...s, body: s.body.map(stmt) };
      case 'if':
        return { ...s, then: s.then.map(stmt), ...(s.else && { else: s.else.map(stmt) }) };
      case 'try':
        return {
          ...s,
          block: s.block.map(stmt),
          ...(s.handler && { handler: s.handler.map(stmt) }),
          ...(s.finalizer && { finalizer: s.finalizer.map(stmt) }),
        };
      case 'switch':
        return { ...s, cases: s.cases.map((c) => ({ ...c, body: c.body.map(stmt) })) };
      default:
        return s;
    }
  };
  const body = p.body.map(stmt);
  return { ...p, body: holdFirst ? [{ k: 'hold' }, ...body] : body, sinkKinds };
}

const programs = fc
  .tuple(programArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), fc.boolean())
  .map(([p, picks, first]) => withSwitches(p, picks, first));

const stats = { programs: 0, skipped: 0, init: 0, held: 0, unheld: 0 };

describe('SDK switches: engine == brute-force oracle', () => {
  afterAll(() => console.log(`[switches property] seed ${SEED}: ${JSON.stringify(stats)}`));

  it(`agrees on every sink of ${NUM_RUNS} random programs with switches`, () => {
    fc.assert(
      fc.property(programs, (p: Program) => {
        const c = compareOrSkip(p, REAL_JS, () => stats.skipped++);
        stats.programs++;
        for (const s of c.sinks) {
          if (s.rule !== 'onesignal/init' || s.oracle === 'dead') continue;
          stats.init++;
          if (s.oracle.length) stats.unheld++;
          else stats.held++;
        }
        if (c.problems.length > 0 || c.disagreements.length > 0)
          throw new Error(`engine and oracle disagree:\n${c.problems.join('\n')}\n${annotate(c)}`);
      }),
      { numRuns: NUM_RUNS, seed: SEED, ...(PATH ? { path: PATH } : {}), maxSkipsPerRun: 1 },
    );
    expect(stats.skipped).toBeLessThan(NUM_RUNS / 100);
    // The generator reaches both verdicts often (else the property would check nothing).
    expect(stats.held).toBeGreaterThan(NUM_RUNS / 20);
    expect(stats.unheld).toBeGreaterThan(NUM_RUNS / 20);
  });

  const HOLD = 'OneSignal.setConsentRequired(true)';
  const INIT = "OneSignal.initialize('APP_ID')";
  const M = 'Cookiebot.consent.marketing';
  const cases: [string, string, string[]][] = [
    ['before, on every path', `function main(x, xs) {\n  ${HOLD};\n  ${INIT};\n}\n`, []],
    ['after', `function main(x, xs) {\n  ${INIT};\n  ${HOLD};\n}\n`, ['analytics', 'marketing']],
    [
      'in one branch',
      `function main(x, xs) {\n  if (flag()) {\n    ${HOLD};\n  }\n  ${INIT};\n}\n`,
      ['analytics', 'marketing'],
    ],
    [
      'in a try that may throw first',
      `function main(x, xs) {\n  try {\n    work();\n    ${HOLD};\n  } catch (e) {\n  }\n  ${INIT};\n}\n`,
      ['analytics', 'marketing'],
    ],
    [
      'consent on one path, the switch on the other: neither holds on every path',
      `function main(x, xs) {\n  if (!${M}) {\n    ${HOLD};\n  }\n  ${INIT};\n}\n`,
      ['analytics', 'marketing'],
    ],
  ];
  for (const [name, code, expected] of cases) {
    it(`the switch ${name}`, () => {
      const c = compare(programFromSource(code), REAL_JS);
      expect(c.problems).toEqual([]);
      expect(c.sinks.map((s) => s.engine)).toEqual([expected]);
      expect(annotate(c)).not.toContain('DISAGREE');
    });
  }
});
