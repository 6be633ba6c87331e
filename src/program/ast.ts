/** Small helpers over Babel ASTs shared by the stages (no stage owns the AST shape). */
import type * as t from '@babel/types';
import { VISITOR_KEYS } from '../parse/visitor-keys.js';

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

/** Per node type, its child keys holding code (Babel's visitor keys less NOT_CODE). */
const CODE_KEYS = new Map<string, readonly string[]>();
for (const [type, keys] of Object.entries(VISITOR_KEYS))
  CODE_KEYS.set(
    type,
    keys.filter((k) => !NOT_CODE.has(k)),
  );

/**
 * Calls `visit` on each child node of `n` holding code (types skipped unless
 * `withTypes`), in Babel's visitor-key order. The keys come from a table (no
 * key array per node: this runs for every node, several times); a node type
 * the table lacks is walked by its own keys.
 */
export function forEachChild(n: t.Node, visit: (child: t.Node, key: string) => void, withTypes = false): void {
  const node = n as unknown as Record<string, unknown>;
  const known = withTypes ? VISITOR_KEYS[n.type] : CODE_KEYS.get(n.type);
  if (known) {
    for (let i = 0; i < known.length; i++) visitValue(node[known[i]], known[i], visit);
    return;
  }
  for (const key of Object.keys(n)) {
    if (key === 'loc' || key === 'extra' || key.endsWith('Comments') || (!withTypes && NOT_CODE.has(key))) continue;
    visitValue(node[key], key, visit);
  }
}

/** Visit what a node holds under `key`: a node, or the nodes of an array. */
function visitValue(v: unknown, key: string, visit: (child: t.Node, key: string) => void): void {
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (let j = 0; j < v.length; j++) {
      const x: unknown = v[j];
      if (isNode(x)) visit(x, key);
    }
  } else if (isNode(v)) visit(v, key);
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
