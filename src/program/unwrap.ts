/** Wrappers that change nothing at run time: parentheses, type assertions, casts, instantiation expressions. */
import type * as t from '@babel/types';

const WRAPPERS = new Set([
  'ParenthesizedExpression',
  'TSAsExpression',
  'TSSatisfiesExpression',
  'TSNonNullExpression',
  'TSTypeAssertion',
  'TypeCastExpression',
  'TSInstantiationExpression',
]);

/** Is `n` a wrapper whose value is its `expression` (`(x)`, `x as T`, `<T>x`, `x!`, `(x: T)`, `f<T>`)? */
export function isWrapper(n: t.Node): n is t.Node & { expression: t.Expression } {
  return WRAPPERS.has(n.type);
}

/** The expression inside any number of wrappers. */
export function unwrap(e: t.Node): t.Node {
  while (isWrapper(e)) e = e.expression;
  return e;
}
