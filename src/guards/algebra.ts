/**
 * The algebra of guard values. Every expression the guard layer looks at —
 * an inline condition, a stored value, a wrapper's return value, a parameter,
 * an awaited promise — has an Outcome: the purposes proven when it is truthy
 * and when it is falsy. Operators combine outcomes exactly as their truth
 * tables say, so a value proves X only when its *whole* expression does:
 *
 *   a && b   truthy: T(a) | T(b)             falsy: F(a) & (T(a) | F(b))
 *   a || b   truthy: T(a) & (F(a) | T(b))    falsy: F(a) | F(b)
 *   a ?? b   truthy: T(a) & (F(a) | T(b))    falsy: F(a)
 *
 * (`b` is only evaluated after `a` took the other side, so that side's proof
 * holds too: `!G || x` being truthy through `x` means G held.)
 *   c ? x : y  truthy: (T(c)|T(x)) & (F(c)|T(y))   (and the same for falsy)
 *   !a       swaps;  !!a, Boolean(a) are a
 *
 * A constant that can never be truthy proves everything when truthy (that
 * outcome is impossible), so `x ?? true` and `c ? g : true` prove nothing while
 * `c ? g : false` proves T(c) | T(g).
 */
export interface Outcome {
  whenTrue: number;
  whenFalse: number;
}

/** Every purpose bit (an impossible outcome proves everything). */
export const ALL = 0x3fffffff;

export const NONE: Outcome = Object.freeze({ whenTrue: 0, whenFalse: 0 });
/** A value that is always truthy: its falsy outcome is impossible. */
export const TRUTHY: Outcome = Object.freeze({ whenTrue: 0, whenFalse: ALL });
/** A value that is always falsy: its truthy outcome is impossible. */
export const FALSY: Outcome = Object.freeze({ whenTrue: ALL, whenFalse: 0 });

export const swap = (o: Outcome): Outcome => ({ whenTrue: o.whenFalse, whenFalse: o.whenTrue });

export const and = (a: Outcome, b: Outcome): Outcome => ({
  whenTrue: a.whenTrue | b.whenTrue,
  whenFalse: a.whenFalse & (a.whenTrue | b.whenFalse),
});

export const or = (a: Outcome, b: Outcome): Outcome => ({
  whenTrue: a.whenTrue & (a.whenFalse | b.whenTrue),
  whenFalse: a.whenFalse | b.whenFalse,
});

/** `a ?? b`: a non-nullish `a` decides by its own truthiness; a nullish one (falsy) hands over to `b`. */
export const nullish = (a: Outcome, b: Outcome): Outcome => ({
  whenTrue: a.whenTrue & (a.whenFalse | b.whenTrue),
  whenFalse: a.whenFalse,
});

export const conditional = (c: Outcome, x: Outcome, y: Outcome): Outcome => ({
  whenTrue: (c.whenTrue | x.whenTrue) & (c.whenFalse | y.whenTrue),
  whenFalse: (c.whenTrue | x.whenFalse) & (c.whenFalse | y.whenFalse),
});

/**
 * One of several values, not known which (every write of a flag, every call's
 * argument, every `resolve(v)`): what all of them prove, on each side. Over no
 * values at all, the value cannot exist: everything.
 */
export const either = (list: Outcome[]): Outcome =>
  list.reduce((a, b) => ({ whenTrue: a.whenTrue & b.whenTrue, whenFalse: a.whenFalse & b.whenFalse }), {
    whenTrue: ALL,
    whenFalse: ALL,
  });

/** Outcome of a constant by its truthiness. */
export const constant = (value: unknown): Outcome => (value ? TRUTHY : FALSY);
