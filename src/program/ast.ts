/** Small helpers over Babel ASTs shared by the stages (no stage owns the AST shape). */
import type * as t from '@babel/types';

/** Keys that hold type annotations only, never evaluated code. */
export const TYPE_KEYS: ReadonlySet<string> = new Set([
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'superTypeParameters',
  'typeArguments',
  'predicate',
  'implements',
]);

/** Keys that hold no evaluated code: positions, comments, type annotations (and decorators, walked apart). */
const NOT_CODE = new Set([
  'loc',
  'extra',
  'leadingComments',
  'trailingComments',
  'innerComments',
  'decorators',
  ...TYPE_KEYS,
]);

const isNode = (v: unknown): v is t.Node =>
  typeof v === 'object' && v !== null && typeof (v as t.Node).type === 'string';

/** Calls `visit` on each child node of `n` holding code (types skipped unless `withTypes`), in key order. */
export function forEachChild(n: t.Node, visit: (child: t.Node, key: string) => void, withTypes = false): void {
  for (const key of Object.keys(n)) {
    if (key === 'loc' || key === 'extra' || key.endsWith('Comments') || (!withTypes && NOT_CODE.has(key))) continue;
    const v = (n as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) {
      for (const x of v) if (isNode(x)) visit(x, key);
    } else if (isNode(v)) visit(v, key);
  }
}

const FUNCTION_TYPES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ObjectMethod',
  'ClassMethod',
  'ClassPrivateMethod',
]);

/** Functions of every syntax: declarations, expressions, arrows, object and class methods. */
export function isFunctionLike(n: t.Node): n is t.Function {
  return FUNCTION_TYPES.has(n.type);
}
