/**
 * fast-check arbitraries for random structured programs (model.ts).
 *
 * Generation is context-free (so shrinking is free to cut anything); a
 * deterministic `legalize` pass then makes the program valid JavaScript:
 * `break`/`continue`/`return` that would have no target become `work();`
 * (or a plainer jump), duplicate nested labels are dropped, the statement
 * count and nesting depth are bounded, and sinks get ids in source order.
 */
import fc from 'fast-check';
import {
  type Cond,
  GUARD_FORMS,
  type GuardPurpose,
  type Label,
  type Program,
  SINK_FORMS,
  type SinkKind,
  type Stmt,
  type SwitchCase,
} from './model.js';
import { printProgram } from './print.js';

export const MAX_STATEMENTS = 12;
export const MAX_DEPTH = 4;

const label: fc.Arbitrary<Label> = fc.constantFrom<Label>('outer', 'inner');
const optLabel = fc.option(label, { nil: undefined, freq: 2 });
/** Spelling of a guard / sink: mostly the plain one (form 0), sometimes another (model.ts guardText / sinkText). */
const formArb = (forms: number): fc.Arbitrary<number> =>
  fc.oneof(
    { arbitrary: fc.constant(0), weight: forms },
    { arbitrary: fc.integer({ min: 1, max: forms - 1 }), weight: forms - 1 },
  );
const guardOf = (p: GuardPurpose): fc.Arbitrary<Cond> =>
  formArb(GUARD_FORMS).map((form): Cond => ({ k: 'guard', p, form }));

const sinkForm = formArb(SINK_FORMS);

const sinkKind: fc.Arbitrary<SinkKind> = fc.oneof(
  { arbitrary: fc.constant<SinkKind>('push'), weight: 2 },
  { arbitrary: fc.constant<SinkKind>('start'), weight: 1 },
);

export const condArb: fc.Arbitrary<Cond> = fc.letrec<{ cond: Cond; atom: Cond }>((tie) => ({
  atom: fc.oneof(
    { arbitrary: guardOf('marketing'), weight: 4 },
    { arbitrary: guardOf('analytics'), weight: 3 },
    { arbitrary: fc.constant<Cond>({ k: 'flag' }), weight: 2 },
    { arbitrary: fc.constant<Cond>({ k: 'ready' }), weight: 1 },
  ),
  cond: fc.oneof(
    { maxDepth: 3, depthSize: 'small', withCrossShrink: true },
    { arbitrary: tie('atom'), weight: 6 },
    { arbitrary: tie('cond').map((c): Cond => ({ k: 'not', c })), weight: 2 },
    { arbitrary: fc.tuple(tie('cond'), tie('cond')).map(([a, b]): Cond => ({ k: 'and', a, b })), weight: 2 },
    { arbitrary: fc.tuple(tie('cond'), tie('cond')).map(([a, b]): Cond => ({ k: 'or', a, b })), weight: 2 },
    {
      arbitrary: fc.tuple(tie('cond'), tie('cond'), tie('cond')).map(([c, a, b]): Cond => ({ k: 'tern', c, a, b })),
      weight: 1,
    },
  ),
})).cond;

const guardAtom: fc.Arbitrary<Cond> = fc.constantFrom<GuardPurpose>('marketing', 'analytics').chain(guardOf);

/** Conjunctions of guards (sometimes with an opaque conjunct): the shapes that make sinks compliant. */
const guardConj: fc.Arbitrary<Cond> = fc
  .array(fc.oneof({ arbitrary: guardAtom, weight: 4 }, { arbitrary: condArb, weight: 1 }), {
    minLength: 1,
    maxLength: 3,
  })
  .map((cs) => cs.reduce((a, b): Cond => ({ k: 'and', a, b })));

/** Conditions for statements that carry a sink or guard a block: half of them guard conjunctions. */
const testArb: fc.Arbitrary<Cond> = fc.oneof(guardConj, condArb);

/** `!G` for a guard G: the early-exit shape `if (!G) return;`. */
const negGuard: fc.Arbitrary<Cond> = guardAtom.map((c): Cond => ({ k: 'not', c }));

/** Statements that evaluate nothing that can throw (in a function, `x` is a parameter). */
const quietArb: fc.Arbitrary<Stmt> = fc.constantFrom<Stmt>(
  { k: 'block', body: [] },
  { k: 'labelled', label: 'inner', body: [{ k: 'break', label: 'inner' }] },
  { k: 'switch', cases: [{ test: 1, body: [{ k: 'break' }] }] },
  { k: 'for', body: [{ k: 'break' }] },
  { k: 'doWhile', body: [{ k: 'break' }] },
);

/** Statements whose only throwing evaluation is the read of an undeclared global (`ready`). */
const globalReadArb: fc.Arbitrary<Stmt> = fc.constantFrom<Stmt>(
  { k: 'if', c: { k: 'ready' }, then: [] },
  { k: 'while', c: { k: 'not', c: { k: 'ready' } }, body: [{ k: 'break' }] },
);

const leafArb: fc.Arbitrary<Stmt> = fc.oneof(
  { arbitrary: fc.constant<Stmt>({ k: 'work' }), weight: 3 },
  { arbitrary: fc.tuple(sinkKind, sinkForm).map(([sink, form]): Stmt => ({ k: 'sink', sink, form })), weight: 6 },
  {
    arbitrary: fc.tuple(testArb, sinkKind, sinkForm).map(([c, sink, form]): Stmt => ({ k: 'andSink', c, sink, form })),
    weight: 2,
  },
  {
    // !G || Leanplum.x();  (the sink runs when the left side is falsy)
    arbitrary: fc
      .tuple(
        fc.oneof(
          negGuard,
          condArb,
          testArb.map((c): Cond => ({ k: 'not', c })),
        ),
        sinkKind,
        sinkForm,
      )
      .map(([c, sink, form]): Stmt => ({ k: 'orSink', c, sink, form })),
    weight: 1,
  },
  {
    arbitrary: fc
      .tuple(testArb, sinkKind, fc.boolean(), sinkForm)
      .map(([c, sink, onTrue, form]): Stmt => ({ k: 'ternSink', c, sink, onTrue, form })),
    weight: 2,
  },
  {
    // if (!G) return;  /  if (!G) throw new Error();  /  if (C) return;
    arbitrary: fc
      .tuple(
        fc.oneof({ arbitrary: negGuard, weight: 3 }, { arbitrary: condArb, weight: 1 }),
        fc.constantFrom<'return' | 'throw'>('return', 'throw'),
      )
      .map(([c, how]): Stmt => ({ k: 'if', c, then: [{ k: how }] })),
    weight: 4,
  },
  {
    // Early exit with clean-up: if (!G) { try { return; } catch (e) { ... } }  (the catch is dead code)
    arbitrary: fc
      .tuple(
        negGuard,
        fc.constantFrom<'return' | 'throw'>('return', 'throw'),
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.oneof(quietArb, globalReadArb), { nil: undefined }),
      )
      .map(([c, how, withCatch, withFinally, quiet]): Stmt => {
        const t: Stmt = { k: 'try', block: quiet ? [quiet, { k: how }] : [{ k: how }] };
        if (withCatch || !withFinally) t.handler = [{ k: 'work' }];
        if (withFinally) t.finalizer = [{ k: 'work' }];
        return { k: 'if', c, then: [t] };
      }),
    weight: 1,
  },
  { arbitrary: optLabel.map((l): Stmt => ({ k: 'break', label: l })), weight: 1 },
  { arbitrary: optLabel.map((l): Stmt => ({ k: 'continue', label: l })), weight: 1 },
  { arbitrary: fc.constantFrom<Stmt>({ k: 'return' }, { k: 'throw' }), weight: 1 },
);

const jumpArb: fc.Arbitrary<Stmt> = fc.oneof(
  fc.constantFrom<Stmt>({ k: 'return' }, { k: 'break' }, { k: 'continue' }),
  fc.tuple(fc.constantFrom<'break' | 'continue'>('break', 'continue'), label).map(([k, l]): Stmt => ({ k, label: l })),
);

export const stmtArb: fc.Arbitrary<Stmt> = fc.letrec<{ stmt: Stmt; block: Stmt[] }>((tie) => {
  const block = tie('block');
  // A try block that cannot throw (`try { return; }`, `try {}`): its catch is dead code.
  const tryBlock = fc.oneof(
    { arbitrary: fc.array(tie('stmt'), { minLength: 1, maxLength: 3 }), weight: 6 },
    {
      arbitrary: fc.tuple(jumpArb, fc.array(tie('stmt'), { maxLength: 1 })).map(([j, rest]) => [j, ...rest]),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(fc.array(fc.oneof(quietArb, globalReadArb), { minLength: 1, maxLength: 2 }), jumpArb)
        .map(([q, j]) => [...q, j]),
      weight: 1,
    },
    { arbitrary: fc.constant<Stmt[]>([]), weight: 1 },
  );
  return {
    block: fc.array(tie('stmt'), { maxLength: 3 }),
    stmt: fc.oneof(
      { maxDepth: MAX_DEPTH, depthSize: 'small', withCrossShrink: true },
      { arbitrary: leafArb, weight: 10 },
      {
        arbitrary: fc
          .tuple(testArb, block, fc.option(block, { nil: undefined, freq: 3 }))
          .map(([c, then, els]): Stmt => (els ? { k: 'if', c, then, else: els } : { k: 'if', c, then })),
        weight: 4,
      },
      {
        arbitrary: fc
          .tuple(
            fc.constantFrom<'while' | 'doWhile' | 'for'>('while', 'doWhile', 'for'),
            fc.option(condArb, { nil: undefined, freq: 6 }), // none: while (true) / for (;;)
            block,
            optLabel,
          )
          .map(([k, c, body, l]): Stmt => (c ? { k, c, body, label: l } : { k, body, label: l })),
        weight: 3,
      },
      { arbitrary: fc.tuple(block, optLabel).map(([body, l]): Stmt => ({ k: 'forOf', body, label: l })), weight: 1 },
      { arbitrary: fc.tuple(label, block).map(([l, body]): Stmt => ({ k: 'labelled', label: l, body })), weight: 1 },
      {
        arbitrary: fc
          .tuple(tryBlock, fc.option(block, { nil: undefined }), fc.option(block, { nil: undefined }))
          .map(([b, h, f]): Stmt => {
            if (!h && !f) return { k: 'try', block: b, handler: [] }; // try needs catch or finally
            const t: Stmt = { k: 'try', block: b };
            if (h) t.handler = h;
            if (f) t.finalizer = f;
            return t;
          }),
        weight: 3,
      },
      {
        arbitrary: fc
          .tuple(
            fc.array(fc.tuple(block, fc.boolean()), { minLength: 1, maxLength: 3 }),
            // where `default:` is (usually last, as people write it), if anywhere
            fc.option(fc.oneof({ arbitrary: fc.constant(-1), weight: 3 }, { arbitrary: fc.nat(2), weight: 1 }), {
              nil: undefined,
            }),
          )
          .map(([cs, def]): Stmt => {
            const defaultAt = def === undefined ? -2 : def === -1 ? cs.length - 1 : def % cs.length;
            const cases: SwitchCase[] = cs.map(([body, brk], i) => ({
              test: i === defaultAt ? null : i + 1,
              body: brk ? [...body, { k: 'break' }] : body,
            }));
            return { k: 'switch', cases };
          }),
        weight: 2,
      },
      { arbitrary: block.map((body): Stmt => ({ k: 'block', body })), weight: 1 },
    ),
  };
}).stmt;

// ------------------------------------------------------------------ legalize

interface LCtx {
  inFunction: boolean;
  inLoop: boolean;
  inBreakable: boolean;
  /** Enclosing labels: label -> labels a loop (continue allowed)? */
  labels: Map<Label, boolean>;
  depth: number;
}

interface LState {
  budget: number;
  maxDepth: number;
  sinkKinds: SinkKind[];
}

function legalizeList(list: Stmt[], ctx: LCtx, st: LState): Stmt[] {
  const out: Stmt[] = [];
  for (const s of list) {
    if (st.budget <= 0) break;
    const t = legalizeStmt(s, ctx, st);
    if (t) out.push(t);
  }
  return out;
}

function inner(ctx: LCtx, patch: Partial<LCtx>): LCtx {
  return { ...ctx, depth: ctx.depth + 1, ...patch };
}

function loopLabels(ctx: LCtx, l: Label | undefined): { label: Label | undefined; labels: Map<Label, boolean> } {
  if (!l || ctx.labels.has(l)) return { label: undefined, labels: ctx.labels };
  const labels = new Map(ctx.labels);
  labels.set(l, true);
  return { label: l, labels };
}

const WORK: Stmt = { k: 'work' };

function legalizeStmt(s: Stmt, ctx: LCtx, st: LState): Stmt | undefined {
  st.budget--;
  const compound = (): boolean => ctx.depth < st.maxDepth;
  switch (s.k) {
    case 'work':
    case 'hold':
    case 'throw':
      return { ...s };
    case 'sink':
    case 'andSink':
    case 'orSink':
    case 'ternSink': {
      const id = st.sinkKinds.length;
      st.sinkKinds.push(s.sink);
      return { ...s, id };
    }
    case 'return':
      return ctx.inFunction ? { k: 'return' } : { k: 'throw' }; // no `return` at module top level
    case 'break':
      if (s.label && ctx.labels.has(s.label)) return { k: 'break', label: s.label };
      return ctx.inBreakable ? { k: 'break' } : WORK;
    case 'continue':
      if (s.label && ctx.labels.get(s.label) === true) return { k: 'continue', label: s.label };
      return ctx.inLoop ? { k: 'continue' } : WORK;
    case 'block':
      if (!compound()) return WORK;
      return { k: 'block', body: legalizeList(s.body, inner(ctx, {}), st) };
    case 'if': {
      // The early-exit shape `if (C) return;` is a leaf: allowed at any depth.
      const earlyExit = !s.else && s.then.length === 1 && (s.then[0].k === 'return' || s.then[0].k === 'throw');
      if (!compound() && !earlyExit) return WORK;
      const c = inner(ctx, {});
      const then = legalizeList(s.then, c, st);
      if (s.else) return { k: 'if', c: s.c, then, else: legalizeList(s.else, c, st) };
      return { k: 'if', c: s.c, then };
    }
    case 'while':
    case 'doWhile':
    case 'for':
    case 'forOf': {
      if (!compound()) return WORK;
      const { label, labels } = loopLabels(ctx, s.label);
      const body = legalizeList(s.body, inner(ctx, { inLoop: true, inBreakable: true, labels }), st);
      const out: Stmt = { ...s, body };
      if (label) out.label = label;
      else delete out.label;
      return out;
    }
    case 'labelled': {
      if (!compound()) return WORK;
      if (ctx.labels.has(s.label)) return { k: 'block', body: legalizeList(s.body, inner(ctx, {}), st) };
      const labels = new Map(ctx.labels);
      labels.set(s.label, false);
      return { k: 'labelled', label: s.label, body: legalizeList(s.body, inner(ctx, { labels }), st) };
    }
    case 'try': {
      if (!compound()) return WORK;
      const c = inner(ctx, {});
      const t: Stmt = { k: 'try', block: legalizeList(s.block, c, st) };
      if (s.handler) t.handler = legalizeList(s.handler, c, st);
      if (s.finalizer) t.finalizer = legalizeList(s.finalizer, c, st);
      return t;
    }
    case 'switch': {
      if (!compound()) return WORK;
      const c = inner(ctx, { inBreakable: true });
      return { k: 'switch', cases: s.cases.map((cs) => ({ test: cs.test, body: legalizeList(cs.body, c, st) })) };
    }
  }
}

export function legalize(
  body: Stmt[],
  topLevel: boolean,
  limits: { maxStatements?: number; maxDepth?: number } = {},
): Program {
  const st: LState = {
    budget: limits.maxStatements ?? MAX_STATEMENTS,
    maxDepth: limits.maxDepth ?? MAX_DEPTH,
    sinkKinds: [],
  };
  const ctx: LCtx = { inFunction: !topLevel, inLoop: false, inBreakable: false, labels: new Map(), depth: 0 };
  const out = legalizeList(body, ctx, st);
  return { topLevel, body: out, sinks: st.sinkKinds.length, sinkKinds: st.sinkKinds };
}

export const programArb: fc.Arbitrary<Program> = fc
  .tuple(
    fc.array(stmtArb, { minLength: 1, maxLength: 6 }),
    // one program in four at module top level, the others in an unreferenced function
    fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  )
  .map(([body, top]) => withSourceToString(legalize(body, top)))
  .filter((p) => p.sinks > 0);

/** fast-check prints counterexamples with this: show the program as source (plus its JSON). */
export function withSourceToString(p: Program): Program {
  Object.defineProperty(p, fc.toStringMethod, {
    enumerable: false,
    value: () => `\n${printProgram(p).code}\n${JSON.stringify(p)}`,
  });
  return p;
}

// ------------------------------------------------------------------ misc

/** Count statements (for statistics). */
export function countStatements(list: Stmt[]): number {
  let n = 0;
  for (const s of list) {
    n++;
    switch (s.k) {
      case 'block':
      case 'labelled':
      case 'while':
      case 'doWhile':
      case 'for':
      case 'forOf':
        n += countStatements(s.body);
        break;
      case 'if':
        n += countStatements(s.then) + countStatements(s.else ?? []);
        break;
      case 'try':
        n += countStatements(s.block) + countStatements(s.handler ?? []) + countStatements(s.finalizer ?? []);
        break;
      case 'switch':
        for (const c of s.cases) n += countStatements(c.body);
        break;
      default:
    }
  }
  return n;
}

// ------------------------------------------------------------------ guard values

/**
 * Conditions with the guard-value atoms too: fail-open `?? true` next to
 * `?? false`, and the async predicate awaited or not.
 */
const valueAtom: fc.Arbitrary<Cond> = fc.oneof(
  { arbitrary: guardAtom, weight: 4 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom<GuardPurpose>('marketing', 'analytics'), fc.boolean())
      .map(([p, dflt]): Cond => ({ k: 'nullish', p, dflt })),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(fc.constantFrom<GuardPurpose>('marketing', 'analytics'), fc.boolean())
      .map(([p, awaited]): Cond => ({ k: 'async', p, awaited })),
    weight: 2,
  },
  { arbitrary: fc.constant<Cond>({ k: 'flag' }), weight: 1 },
);

export const valueCondArb: fc.Arbitrary<Cond> = fc.letrec<{ cond: Cond }>((tie) => ({
  cond: fc.oneof(
    { maxDepth: 3, depthSize: 'small', withCrossShrink: true },
    { arbitrary: valueAtom, weight: 5 },
    { arbitrary: tie('cond').map((c): Cond => ({ k: 'not', c })), weight: 2 },
    { arbitrary: fc.tuple(tie('cond'), tie('cond')).map(([a, b]): Cond => ({ k: 'and', a, b })), weight: 3 },
    { arbitrary: fc.tuple(tie('cond'), tie('cond')).map(([a, b]): Cond => ({ k: 'or', a, b })), weight: 2 },
    {
      arbitrary: fc.tuple(tie('cond'), tie('cond'), tie('cond')).map(([c, a, b]): Cond => ({ k: 'tern', c, a, b })),
      weight: 1,
    },
  ),
})).cond;

/** Async atoms need an `async function main`: at module top level they become `?? false` reads. */
function noAwait(c: Cond): Cond {
  switch (c.k) {
    case 'async':
      return { k: 'nullish', p: c.p, dflt: false };
    case 'not':
      return { k: 'not', c: noAwait(c.c) };
    case 'and':
    case 'or':
      return { k: c.k, a: noAwait(c.a), b: noAwait(c.b) };
    case 'tern':
      return { k: 'tern', c: noAwait(c.c), a: noAwait(c.a), b: noAwait(c.b) };
    default:
      return c;
  }
}

/**
 * Programs whose conditions use stored guard values (`const s0 = …` at the
 * start, read later, alone or in a conjunction), fail-open operators, async
 * predicates and overwritten CMP values: a deterministic rewrite of a random
 * program driven by `choices`, so shrinking still works on every part.
 */
export const guardValueProgramArb: fc.Arbitrary<Program> = fc
  .record({
    base: programArb,
    stores: fc.array(valueCondArb, { minLength: 1, maxLength: 3 }),
    choices: fc.array(fc.nat(9), { minLength: 16, maxLength: 16 }),
    mutated: fc.oneof(
      { arbitrary: fc.constant<GuardPurpose[]>([]), weight: 4 },
      { arbitrary: fc.subarray<GuardPurpose>(['marketing', 'analytics'], { minLength: 1 }), weight: 1 },
    ),
  })
  .map(({ base, stores, choices, mutated }) => {
    let k = 0;
    const top = base.topLevel;
    const fix = (c: Cond) => (top ? noAwait(c) : c);
    const atoms = (c: Cond, pick: number): Cond => {
      switch (c.k) {
        case 'guard':
          return pick % 2
            ? { k: 'nullish', p: c.p, dflt: pick % 4 === 1 }
            : fix({ k: 'async', p: c.p, awaited: pick % 4 === 0 });
        case 'not':
          return { k: 'not', c: atoms(c.c, pick) };
        case 'and':
        case 'or':
          return { k: c.k, a: atoms(c.a, pick), b: atoms(c.b, pick + 1) };
        case 'tern':
          return { k: 'tern', c: atoms(c.c, pick), a: atoms(c.a, pick + 1), b: atoms(c.b, pick + 2) };
        default:
          return c;
      }
    };
    const rewrite = (c: Cond): Cond => {
      const pick = choices[k++ % choices.length];
      const read: Cond = { k: 'stored', i: pick % stores.length };
      if (pick <= 2) return read;
      if (pick === 3) return { k: 'and', a: read, b: c };
      if (pick === 4) return { k: 'not', c: read };
      if (pick === 5) return atoms(c, k);
      return c;
    };
    const stmts = (list: Stmt[]): Stmt[] =>
      list.map((s): Stmt => {
        switch (s.k) {
          case 'if':
            return { ...s, c: rewrite(s.c), then: stmts(s.then), ...(s.else ? { else: stmts(s.else) } : {}) };
          case 'while':
          case 'doWhile':
          case 'for':
            return { ...s, ...(s.c ? { c: rewrite(s.c) } : {}), body: stmts(s.body) };
          case 'forOf':
          case 'labelled':
          case 'block':
            return { ...s, body: stmts(s.body) };
          case 'try': {
            const t: Stmt = { k: 'try', block: stmts(s.block) };
            if (s.handler) t.handler = stmts(s.handler);
            if (s.finalizer) t.finalizer = stmts(s.finalizer);
            return t;
          }
          case 'switch':
            return { ...s, cases: s.cases.map((c) => ({ test: c.test, body: stmts(c.body) })) };
          case 'andSink':
          case 'orSink':
          case 'ternSink':
            return { ...s, c: rewrite(s.c) };
          default:
            return s;
        }
      });
    const p: Program = { ...base, body: stmts(base.body), stores: stores.map(fix) };
    if (mutated.length) p.mutated = mutated;
    return withSourceToString(p);
  });
