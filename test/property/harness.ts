/**
 * A second, independent oracle used only to check the first one
 * (oracle.test.ts): it prints the program in harness mode and RUNS it as real
 * JavaScript (V8 does try/finally, labels, switch fall-through, ...),
 * enumerating every sequence of nondeterministic choices depth-first:
 *
 *  - `__g(site, p)`: a guard read, true (grants p) or false (or throws, when reads may throw);
 *  - `__f(site)`: `flag()`, true / false / throws (when calls may throw);
 *  - `__r(site)`: `ready`, true / false;
 *  - `__w(site)`: `work()`, returns / throws;
 *  - `__s(sink, site)`: a sink call: records the granted mask, then returns / throws;
 *  - `__x(site, n)`: switch discriminant, 0..n (0 matches no case);
 *  - `__it(site)`: an iterable whose `next()` chooses done / another item;
 *  - `__t(site)`: `true` of `while (true)` / `for (;;)`, counted like any site.
 *
 * Loops are bounded differently from oracle.ts on purpose: every static site
 * may run at most `maxPerSite` times per execution; the next evaluation
 * aborts the execution (sinks hit after an abort are ignored; every site keeps
 * throwing so the run ends). Each loop iteration evaluates at least one site,
 * so runs terminate.
 */
import { type Mask, type Program, purposeBit, sinkRequires, type GuardPurpose } from './model.js';
import { TooManyPaths, type SinkVerdict } from './oracle.js';
import { printProgram } from './print.js';

/** Thrown to cut a run short (never caught by the generated program, which has no try over it). */
const ABORT = new Error('abort');

export interface HarnessOptions {
  callsThrow?: boolean;
  readsThrow?: boolean;
  /** Max evaluations of one static site per execution. Default 3. */
  maxPerSite?: number;
  /** Max executions. Default 20_000. */
  maxRuns?: number;
}

export function runHarness(program: Program, options: HarnessOptions = {}): { verdicts: SinkVerdict[]; runs: number } {
  const callsThrow = options.callsThrow ?? true;
  const readsThrow = options.readsThrow ?? false;
  const maxPerSite = options.maxPerSite ?? 3;
  const maxRuns = options.maxRuns ?? 20_000;
  const { code } = printProgram(program, { harness: true });
  const verdicts: SinkVerdict[] = program.sinkKinds.map(() => ({ reached: false, missing: 0 }));

  // Per-run state.
  let prefix: number[] = [];
  let arities: number[] = [];
  let pos = 0;
  let granted: Mask = 0;
  let aborted = false;
  let counts = new Map<number, number>();

  const abort = (): never => {
    aborted = true;
    throw ABORT;
  };
  const visit = (site: number) => {
    if (aborted) throw ABORT;
    const n = (counts.get(site) ?? 0) + 1;
    counts.set(site, n);
    if (n > maxPerSite) abort();
  };
  const choose = (arity: number): number => {
    if (pos < prefix.length) {
      if (arities[pos] !== arity) throw new Error('harness: nondeterministic replay');
      return prefix[pos++];
    }
    prefix.push(0);
    arities.push(arity);
    pos++;
    return 0;
  };

  const rt = {
    __g(site: number, p: GuardPurpose): boolean {
      visit(site);
      const c = choose(readsThrow ? 3 : 2);
      if (c === 2) throw new ReferenceError('Cookiebot is not defined');
      if (c === 0) {
        granted |= purposeBit[p];
        return true;
      }
      return false;
    },
    __f(site: number): boolean {
      visit(site);
      const c = choose(callsThrow ? 3 : 2);
      if (c === 2) throw new Error('flag threw');
      return c === 0;
    },
    __r(site: number): boolean {
      visit(site);
      const c = choose(readsThrow ? 3 : 2);
      if (c === 2) throw new ReferenceError('ready is not defined');
      return c === 0;
    },
    __w(site: number): void {
      visit(site);
      if (callsThrow && choose(2) === 1) throw new Error('work threw');
    },
    __s(sink: number, site: number): void {
      visit(site);
      const v = verdicts[sink];
      v.reached = true;
      v.missing |= sinkRequires[program.sinkKinds[sink]] & ~granted;
      if (callsThrow && choose(2) === 1) throw new Error('sink threw');
    },
    __t(site: number): boolean {
      visit(site); // `while (true)`: counted, so infinite loops abort
      return true;
    },
    __x(site: number, n: number): number {
      visit(site);
      const c = choose(readsThrow && program.topLevel ? n + 2 : n + 1);
      if (c === n + 1) throw new ReferenceError('x is not defined');
      return c;
    },
    __it(site: number): Iterable<number> {
      if (aborted) throw ABORT;
      return {
        [Symbol.iterator]: () => ({
          next: (): IteratorResult<number> => {
            visit(site);
            const c = choose(readsThrow ? 3 : 2);
            if (c === 2) throw new TypeError('xs is not iterable');
            return c === 0 ? { done: true, value: undefined } : { done: false, value: 1 };
          },
        }),
      };
    },
  };

  const names = Object.keys(rt) as (keyof typeof rt)[];
  // Running the generated program is the point of the harness (it is our own generated code).
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fn = new Function(...names, `'use strict';\n${code}\n${program.topLevel ? '' : 'main();'}`) as (
    ...args: unknown[]
  ) => void;
  // The runtime's methods use no `this`; they become the program's free functions.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const args = names.map((n) => rt[n]);

  let runs = 0;
  for (;;) {
    if (++runs > maxRuns) throw new TooManyPaths();
    pos = 0;
    granted = 0;
    aborted = false;
    counts = new Map();
    try {
      fn(...args);
    } catch {
      // uncaught throw (or abort): the execution ends
    }
    prefix = prefix.slice(0, pos);
    arities = arities.slice(0, pos);
    // backtrack to the next choice sequence
    while (prefix.length > 0 && prefix[prefix.length - 1] + 1 >= arities[arities.length - 1]) {
      prefix.pop();
      arities.pop();
    }
    if (prefix.length === 0) break;
    prefix[prefix.length - 1] = prefix[prefix.length - 1] + 1;
  }
  return { verdicts, runs };
}
