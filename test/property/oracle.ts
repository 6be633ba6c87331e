/**
 * Brute-force oracle for "is every sink dominated by consent guards?".
 *
 * It enumerates the executions of a model program (model.ts) one path at a
 * time: every atom evaluation is an independent nondeterministic choice (a
 * guard `Cookiebot.consent.marketing` may be true or false each time it is
 * read, `flag()` / `ready` likewise; the engine treats each test separately,
 * so guards are NOT correlated), loops run a bounded number of iterations,
 * calls may throw (and, in the REAL_JS model the property uses, so may reads
 * of globals and for-of steps), `finally` runs on every kind of exit and
 * `break`/`continue`/`return` pass through it. Along a path the
 * "granted" mask collects the purposes whose guard atom was actually
 * evaluated AND came out truthy (for `!G` that is the false side of `!G`; in
 * `A || G` taken because A was true, G was never evaluated, so nothing is
 * granted). At every sink execution the oracle records
 * `required & ~granted`; a sink's verdict is the union of these over all
 * paths that reach it (i.e. a purpose is missing iff SOME path reaches the
 * sink without having passed its guard), and "unreached" if no path reaches
 * it (dead code).
 *
 * By default, paths that reach the same statement boundary in the same state
 * are merged (mergeEqualStates below); `mergeEqualStates: false` is the
 * literal one-path-at-a-time enumeration. oracle.test.ts checks both against
 * each other and against real JS execution (harness.ts). Programs whose
 * enumeration exceeds `maxWork` steps throw TooManyPaths (the property test
 * skips them with fc.pre; with merging this does not happen in practice).
 *
 * Why bounded unrolling is exact here (and 1 iteration would already do):
 *  - the granted mask only grows along a path (there is no revocation), so the
 *    worst path to a point is one with the fewest guard evaluations;
 *  - every choice is independent of the past (atoms are uncorrelated and the
 *    control flow a statement can take does not depend on the mask), so
 *    whatever iteration k of a loop can do from loop-head state g_k, iteration
 *    1 can do from the loop-entry state g_1 ⊆ g_k, with the same choices;
 *  - hence any path that reaches a sink (or leaves the loop) after k > 1
 *    iterations can be replayed with iterations 1..k-1 cut out, reaching the
 *    same point with a granted mask that is a SUBSET of the original. The
 *    union of "missing" over all paths is therefore already attained by paths
 *    with at most one iteration per loop entry, and reachability is too.
 *  We unroll up to MAX_ITER = 2 iterations anyway: it costs little, and it
 *  makes the oracle's own tests (oracle.test.ts) check that claim against a
 *  real JS execution with more iterations. A path that would start iteration
 *  MAX_ITER+1 is simply cut (its earlier sink hits are already recorded);
 *  cutting only removes paths, and by the argument above removes no verdict.
 */
import { type Cond, HELD, type Label, type Mask, type Program, type Stmt, purposeBit, sinkRequires } from './model.js';

export interface OracleOptions {
  /** Calls (`work()`, `flag()`, the sinks) may throw after they ran. Default true. */
  callsThrow?: boolean;
  /**
   * Implicit exceptions too: reads of globals (`Cookiebot.consent.x` when the
   * CMP script was blocked, `ready`, and `x` at module top level) may throw a
   * ReferenceError/TypeError before yielding a value, and each step of
   * `for (const item of xs)` may throw (xs not iterable). This is what real
   * JavaScript does. Default false (only calls and `throw` raise exceptions).
   */
  readsThrow?: boolean;
  /** Max loop-body executions per loop entry. Default 2. */
  maxIter?: number;
  /** Max number of enumerated path steps before giving up (TooManyPaths). Default 200_000. */
  maxWork?: number;
  /**
   * Merge paths that are in the same state (same program point, same granted
   * mask, same pending completion) after each statement and condition: from
   * then on they are indistinguishable (every later choice is independent of
   * how they got there), so one representative is enumerated. This changes
   * nothing about the verdict (checked in oracle.test.ts against the unmerged
   * enumeration and against real JS execution) but keeps the enumeration
   * polynomial instead of exponential in program length. Default true.
   */
  mergeEqualStates?: boolean;
  /**
   * Stored guard values (`const s0 = C`): true (default) is JavaScript: a path
   * keeps the value it computed, so two reads of `s0` agree. false reads each
   * `s0` as a fresh, independent outcome of C's evaluation (its value AND the
   * purposes that evaluation proved): the path-insensitive view a must-analysis
   * over one CFG takes, in which "s0 is truthy" proves exactly what every
   * truthy evaluation of C proved. The engine must equal the uncorrelated
   * oracle and never miss what the real one reports.
   */
  correlatedStores?: boolean;
}

/**
 * The exception model of real JavaScript, used by the property test: calls
 * and `throw` raise exceptions, and so do reads of globals (see OracleOptions).
 */
export const REAL_JS: OracleOptions = { callsThrow: true, readsThrow: true };

export class TooManyPaths extends Error {
  constructor() {
    super('oracle: too many paths');
  }
}

export interface SinkVerdict {
  reached: boolean;
  /**
   * Required purposes not granted on at least one path reaching the sink (bit mask). An `init`
   * sink that the switch (`hold`) holds back on every path reaching it misses nothing; one that
   * some path reaches unheld misses what is not granted on SOME path (held or not): the engine's
   * must-analysis keeps "granted" and "held" apart, and this is the verdict it must give.
   */
  missing: Mask;
  /** Some path reaches the sink before the switch has run. */
  unheld?: boolean;
}

type Kind = 'normal' | 'break' | 'continue' | 'return' | 'throw';
interface Outcome {
  k: Kind;
  label?: Label;
  g: Mask;
}

type CondOut = { v: boolean | 'throw'; g: Mask };

export interface OracleResult {
  verdicts: SinkVerdict[];
  /** Number of complete executions (paths) enumerated; distinct final states when merging. */
  paths: number;
  /** Path steps spent. */
  work: number;
}

export function runOracle(program: Program, options: OracleOptions = {}): OracleResult {
  const callsThrow = options.callsThrow ?? true;
  const readsThrow = options.readsThrow ?? false;
  const maxIter = options.maxIter ?? 2;
  const discriminantThrows = readsThrow && program.topLevel;
  const maxWork = options.maxWork ?? 200_000;
  const merge = options.mergeEqualStates ?? true;
  const dedupe = <T extends { g: Mask }>(xs: T[], key: (x: T) => string): T[] => {
    if (!merge || xs.length < 2) return xs;
    const seen = new Set<string>();
    return xs.filter((x) => {
      const k = key(x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  const outKey = (o: Outcome) => `${o.k}:${o.label ?? ''}:${o.g}`;
  const condKey = (o: CondOut) => `${o.v}:${o.g}`;
  const verdicts: SinkVerdict[] = program.sinkKinds.map(() => ({ reached: false, missing: 0 }));
  let work = 0;

  const tick = (n: number) => {
    work += n;
    if (work > maxWork) throw new TooManyPaths();
  };

  /** Values of the stored guard values on the current path (see the end of runOracle). */
  let stored: boolean[] = [];
  const correlated = options.correlatedStores ?? true;
  /** For uncorrelated reads: every way each store's evaluation can complete, from nothing granted. */
  let storeOutcomes: { v: boolean; g: Mask }[][] = [];
  /** Cookiebot purposes the program overwrites: their reads prove nothing (the value may be the app's). */
  const mutated = new Set(program.mutated ?? []);

  // ------------------------------------------------------------ conditions
  function cond(c: Cond | undefined, g: Mask): CondOut[] {
    if (c === undefined) return [{ v: true, g }]; // `while (true)`, `for (;;)`
    return dedupe(condRaw(c, g), condKey);
  }

  function condRaw(c: Cond, g: Mask): CondOut[] {
    tick(1);
    switch (c.k) {
      case 'stored': {
        if (!correlated) {
          const outs = storeOutcomes[c.i];
          if (!outs) throw new Error(`oracle: s${c.i} is not stored`);
          return outs.map((o) => ({ v: o.v, g: g | o.g }));
        }
        const v = stored[c.i];
        if (v === undefined) throw new Error(`oracle: s${c.i} read before it is stored`);
        return [{ v, g }]; // reading a declared const cannot throw and proves nothing by itself
      }
      case 'nullish': {
        // (Cookiebot?.consent?.x ?? dflt): the CMP absent (nullish) gives dflt, granting nothing.
        const out: CondOut[] = [
          { v: true, g: mutated.has(c.p) ? g : g | purposeBit[c.p] },
          { v: false, g },
          { v: c.dflt, g },
        ];
        if (readsThrow) out.push({ v: 'throw', g });
        return out;
      }
      case 'async': {
        // hasConsentAsync('p'): the call may throw; awaited, the promise may reject and its value is the verdict.
        const out: CondOut[] = c.awaited
          ? [
              { v: true, g: g | purposeBit[c.p] },
              { v: false, g },
            ]
          : [{ v: true, g }]; // a promise is always truthy
        if (callsThrow || readsThrow) out.push({ v: 'throw', g });
        return out;
      }
      case 'guard': {
        // Evaluated: truthy grants the purpose, falsy grants nothing.
        const out: CondOut[] = [
          { v: true, g: mutated.has(c.p) ? g : g | purposeBit[c.p] },
          { v: false, g },
        ];
        if (readsThrow) out.push({ v: 'throw', g });
        return out;
      }
      case 'flag':
        return callsThrow
          ? [
              { v: true, g },
              { v: false, g },
              { v: 'throw', g },
            ]
          : [
              { v: true, g },
              { v: false, g },
            ];
      case 'ready': {
        const out: CondOut[] = [
          { v: true, g },
          { v: false, g },
        ];
        if (readsThrow) out.push({ v: 'throw', g });
        return out;
      }
      case 'not':
        return cond(c.c, g).map((o) => (o.v === 'throw' ? o : { v: !o.v, g: o.g }));
      case 'and': {
        const out: CondOut[] = [];
        for (const o of cond(c.a, g)) {
          if (o.v === true) out.push(...cond(c.b, o.g));
          else out.push(o); // false (b not evaluated) or throw
        }
        return out;
      }
      case 'or': {
        const out: CondOut[] = [];
        for (const o of cond(c.a, g)) {
          if (o.v === false) out.push(...cond(c.b, o.g));
          else out.push(o); // true (b not evaluated) or throw
        }
        return out;
      }
      case 'tern': {
        const out: CondOut[] = [];
        for (const o of cond(c.c, g)) {
          if (o.v === 'throw') out.push(o);
          else out.push(...cond(o.v ? c.a : c.b, o.g));
        }
        return out;
      }
    }
  }

  // ------------------------------------------------------------ calls
  function call(g: Mask): Outcome[] {
    return callsThrow
      ? [
          { k: 'normal', g },
          { k: 'throw', g },
        ]
      : [{ k: 'normal', g }];
  }

  function sink(id: number, g: Mask): Outcome[] {
    const v = verdicts[id];
    v.reached = true;
    v.missing |= sinkRequires[program.sinkKinds[id]] & ~g;
    if (!(g & HELD)) v.unheld = true;
    return call(g); // the sink itself may throw after it ran
  }

  /** The switch takes effect when the call returns; one that throws threw before it took effect. */
  function hold(g: Mask): Outcome[] {
    return callsThrow
      ? [
          { k: 'normal', g: g | HELD },
          { k: 'throw', g },
        ]
      : [{ k: 'normal', g: g | HELD }];
  }

  function sinkId(s: { id?: number }): number {
    if (s.id === undefined) throw new Error('oracle: sink without id (program not legalized)');
    return s.id;
  }

  // ------------------------------------------------------------ statements
  function list(body: Stmt[], g: Mask): Outcome[] {
    let outs: Outcome[] = [{ k: 'normal', g }];
    for (const s of body) {
      const next: Outcome[] = [];
      for (const o of outs) {
        if (o.k === 'normal') next.push(...stmt(s, o.g));
        else next.push(o);
      }
      tick(next.length);
      outs = dedupe(next, outKey);
    }
    return outs;
  }

  /** Does a break/continue completion target this loop? */
  const targets = (o: Outcome, label: Label | undefined) => o.label === undefined || o.label === label;

  /** Run a loop body once and route its completions; `again(g)` continues with the next iteration. */
  function loopBody(body: Stmt[], label: Label | undefined, g: Mask, again: (g: Mask) => Outcome[]): Outcome[] {
    const out: Outcome[] = [];
    for (const r of list(body, g)) {
      if (r.k === 'normal' || (r.k === 'continue' && targets(r, label))) out.push(...again(r.g));
      else if (r.k === 'break' && targets(r, label)) out.push({ k: 'normal', g: r.g });
      else out.push(r); // return, throw, break/continue of an outer label
    }
    return out;
  }

  function stmt(s: Stmt, g: Mask): Outcome[] {
    return dedupe(stmtRaw(s, g), outKey);
  }

  function stmtRaw(s: Stmt, g: Mask): Outcome[] {
    tick(1);
    switch (s.k) {
      case 'block':
        return list(s.body, g);
      case 'if': {
        const out: Outcome[] = [];
        for (const o of cond(s.c, g)) {
          if (o.v === 'throw') out.push({ k: 'throw', g: o.g });
          else if (o.v) out.push(...list(s.then, o.g));
          else if (s.else) out.push(...list(s.else, o.g));
          else out.push({ k: 'normal', g: o.g });
        }
        return out;
      }
      case 'while':
      case 'for': {
        // n = body executions so far
        const head = (n: number, g0: Mask): Outcome[] => {
          const out: Outcome[] = [];
          for (const o of cond(s.c, g0)) {
            if (o.v === 'throw') out.push({ k: 'throw', g: o.g });
            else if (!o.v) out.push({ k: 'normal', g: o.g });
            else if (n < maxIter) out.push(...loopBody(s.body, s.label, o.g, (g1) => head(n + 1, g1)));
            // else: path cut (see header comment)
          }
          return out;
        };
        return head(0, g);
      }
      case 'doWhile': {
        const body = (n: number, g0: Mask): Outcome[] =>
          loopBody(s.body, s.label, g0, (g1) => {
            const out: Outcome[] = [];
            for (const o of cond(s.c, g1)) {
              if (o.v === 'throw') out.push({ k: 'throw', g: o.g });
              else if (!o.v) out.push({ k: 'normal', g: o.g });
              else if (n + 1 < maxIter) out.push(...body(n + 1, o.g));
            }
            return out;
          });
        return body(0, g);
      }
      case 'forOf': {
        // The array may have any length: at each head, leave or run the body.
        const head = (n: number, g0: Mask): Outcome[] => {
          const out: Outcome[] = [{ k: 'normal', g: g0 }];
          if (readsThrow) out.push({ k: 'throw', g: g0 });
          if (n < maxIter) out.push(...loopBody(s.body, s.label, g0, (g1) => head(n + 1, g1)));
          return out;
        };
        return head(0, g);
      }
      case 'labelled':
        return list(s.body, g).map((o) => (o.k === 'break' && o.label === s.label ? { k: 'normal', g: o.g } : o));
      case 'break':
        return [{ k: 'break', label: s.label, g }];
      case 'continue':
        return [{ k: 'continue', label: s.label, g }];
      case 'return':
        return [{ k: 'return', g }];
      case 'throw':
        return [{ k: 'throw', g }];
      case 'try': {
        let outs = list(s.block, g);
        if (s.handler) {
          const handler = s.handler;
          outs = outs.flatMap((o) => (o.k === 'throw' ? list(handler, o.g) : [o]));
        }
        if (s.finalizer) {
          const fin = s.finalizer;
          // finally runs on every completion; if it completes normally the original completion
          // resumes (with the mask as it is at the end of finally), otherwise its own wins.
          outs = outs.flatMap((o) => list(fin, o.g).map((f) => (f.k === 'normal' ? { ...o, g: f.g } : f)));
        }
        return outs;
      }
      case 'switch': {
        // `x` is opaque: control may enter at any clause (x === 1, 2, ... or anything else -> default),
        // and skip the whole switch when there is no default clause.
        const out: Outcome[] = [];
        // At module top level `x` is a global (ReferenceError when undefined); in main(x, xs) a parameter.
        if (discriminantThrows) out.push({ k: 'throw', g });
        for (let i = 0; i < s.cases.length; i++) {
          const fallThrough = s.cases.slice(i).flatMap((c) => c.body);
          for (const o of list(fallThrough, g)) {
            out.push(o.k === 'break' && o.label === undefined ? { k: 'normal', g: o.g } : o);
          }
        }
        if (!s.cases.some((c) => c.test === null)) out.push({ k: 'normal', g });
        return out;
      }
      case 'work':
        return call(g);
      case 'hold':
        return hold(g);
      case 'sink':
        return sink(sinkId(s), g);
      case 'orSink': {
        const out: Outcome[] = [];
        for (const o of cond(s.c, g)) {
          if (o.v === 'throw') out.push({ k: 'throw', g: o.g });
          else if (!o.v) out.push(...sink(sinkId(s), o.g));
          else out.push({ k: 'normal', g: o.g });
        }
        return out;
      }
      case 'andSink': {
        const out: Outcome[] = [];
        for (const o of cond(s.c, g)) {
          if (o.v === 'throw') out.push({ k: 'throw', g: o.g });
          else if (o.v) out.push(...sink(sinkId(s), o.g));
          else out.push({ k: 'normal', g: o.g });
        }
        return out;
      }
      case 'ternSink': {
        const out: Outcome[] = [];
        for (const o of cond(s.c, g)) {
          if (o.v === 'throw') out.push({ k: 'throw', g: o.g });
          else if (o.v === s.onTrue) out.push(...sink(sinkId(s), o.g));
          else out.push(...call(o.g)); // work()
        }
        return out;
      }
    }
  }

  // Stored guard values: `const s<i> = C;` evaluated once, in order, at the start.
  // Each combination of their outcomes is a separate start state; a path keeps
  // its stored values for good (nothing reassigns a const).
  let starts: { values: boolean[]; g: Mask }[] = [{ values: [], g: 0 }];
  for (const c of program.stores ?? []) {
    const next: { values: boolean[]; g: Mask }[] = [];
    for (const st of starts) {
      stored = st.values;
      for (const o of cond(c, st.g)) if (o.v !== 'throw') next.push({ values: [...st.values, o.v], g: o.g });
    }
    starts = merge ? dedupe(next, (x) => `${x.values.join()}:${x.g}`) : next;
  }
  if (!correlated)
    storeOutcomes = (program.stores ?? []).map((c) =>
      dedupe(cond(c, 0), condKey).filter((o): o is { v: boolean; g: Mask } => o.v !== 'throw'),
    );
  let paths = 0;
  for (const st of starts) {
    stored = st.values;
    paths += list(program.body, st.g).length;
  }
  // Held back on every path that reaches it: nothing missing.
  program.sinkKinds.forEach((kind, id) => {
    if (kind === 'init' && !verdicts[id].unheld) verdicts[id].missing = 0;
  });
  return { verdicts, paths, work };
}
