/** Locals whose value is fixed by their declaration, for value flow. */
import type * as t from '@babel/types';
import { forEachChild } from './ast.js';
import { dottedName } from './names.js';
import type { ScriptIndex } from './project.js';
import type { Binding } from './scope.js';
import { unwrap } from './unwrap.js';

/**
 * The initialiser of a never-reassigned local declared as a plain identifier
 * (`const x = init`, or a `let`/`var` nothing writes again), else undefined.
 */
export function constInit(id: t.Identifier, index: ScriptIndex): t.Node | undefined {
  const b = index.binding(id);
  if (!b || !['const', 'let', 'var'].includes(b.kind) || b.declaration.type !== 'VariableDeclarator') return undefined;
  if (b.violations.length) return undefined;
  const d = b.declaration;
  return d.id === b.identifier ? (d.init ?? undefined) : undefined;
}

/**
 * The calls of a local function whose every reference is a direct call in
 * its script (not exported, not a classic-script global, never passed on):
 * all the calls it can have, else undefined.
 */
export function localCalls(
  fn: t.Function,
  index: ScriptIndex,
): (t.CallExpression | t.OptionalCallExpression)[] | undefined {
  const name = localName(fn, index);
  if (!name) return undefined;
  let b: Binding | undefined;
  const calls: (t.CallExpression | t.OptionalCallExpression)[] = [];
  let ok = true;
  const visit = (n: t.Node): void => {
    if (!ok) return;
    if (n.type === 'Identifier' && n !== name && n.name === name.name && index.binding(n)?.identifier === name) {
      b = index.binding(n);
      const p = index.parent.get(n);
      if (p && (p.type === 'CallExpression' || p.type === 'OptionalCallExpression') && unwrap(p.callee) === n)
        calls.push(p);
      else ok = false;
      return;
    }
    forEachChild(n, visit);
  };
  visit(index.script.ast.program);
  return ok && calls.length && b && !b.violations.length ? calls : undefined;
}

/** The name a function is declared with, when only its own script can call it. */
function localName(fn: t.Function, index: ScriptIndex): t.Identifier | undefined {
  let id: t.Identifier | undefined;
  const parent = index.parent.get(fn);
  if (fn.type === 'FunctionDeclaration' && fn.id) {
    if (parent && (parent.type === 'ExportNamedDeclaration' || parent.type === 'ExportDefaultDeclaration'))
      return undefined;
    id = fn.id;
  } else if (parent && parent.type === 'VariableDeclarator' && parent.init === fn && parent.id.type === 'Identifier') {
    // `export const f = (x) => …`: other modules call it too, with any value.
    if (index.parent.get(index.parent.get(parent)!)?.type === 'ExportNamedDeclaration') return undefined;
    id = parent.id;
  }
  if (!id) return undefined;
  // A classic script's top-level function is a global other scripts may call.
  if (
    index.script.kind === 'script' &&
    index.parent.get(fn.type === 'FunctionDeclaration' ? fn : index.parent.get(index.parent.get(fn)!)!)?.type ===
      'Program'
  )
    return undefined;
  return id;
}

/**
 * The initialiser of a never-reassigned local that holds an object or array
 * nothing can change after its declaration, else undefined: every reference
 * other than `via` (the use being judged) only reads a property of it. An
 * object's properties are written without reassigning the name
 * (`consent[category] = 'granted'`, `Object.assign(opts, …)`, `list.push(x)`,
 * an alias, a helper it is passed to), so its literal alone does not tell
 * what a later call receives. Exported locals and a classic script's
 * top-level ones are reachable from other files: never fixed.
 */
export function unmodifiedInit(id: t.Identifier, index: ScriptIndex, via: t.Node = id): t.Node | undefined {
  // Other calls of the callee `via` is an argument of (`gtag('consent', 'default', s)` then
  // `gtag('consent', 'update', s)`) hand it to the same code: they change it no more than this one.
  const viaCall = index.parent.get(via);
  const callee =
    viaCall && (viaCall.type === 'CallExpression' || viaCall.type === 'OptionalCallExpression')
      ? calleeKey(viaCall.callee, index)
      : undefined;
  const sameCallee = (ref: t.Node): boolean => {
    const c = index.parent.get(ref);
    return (
      callee !== undefined &&
      !!c &&
      (c.type === 'CallExpression' || c.type === 'OptionalCallExpression') &&
      c.arguments.includes(ref as t.Expression) &&
      calleeKey(c.callee, index) === callee
    );
  };
  const init = constInit(id, index);
  const b = index.binding(id);
  if (!init || !b) return undefined;
  if (index.script.kind !== 'module' && b.scopeBlock.type === 'Program') return undefined;
  const decl = index.parent.get(b.declaration);
  if (decl && index.parent.get(decl)?.type === 'ExportNamedDeclaration') return undefined;
  return referencesOf(b, index).every((n) => n === via || sameCallee(n) || onlyReads(n, index)) ? init : undefined;
}

/** The identifiers referring to a binding (its declaration excepted), found once per binding. */
const references = new WeakMap<Binding, t.Identifier[]>();

function referencesOf(b: Binding, index: ScriptIndex): t.Identifier[] {
  let out = references.get(b);
  if (out) return out;
  const found: t.Identifier[] = [];
  const name = b.identifier.name;
  const visit = (n: t.Node): void => {
    if (n.type === 'Identifier' && n !== b.identifier && n.name === name && index.binding(n) === b) {
      found.push(n);
      return;
    }
    forEachChild(n, visit);
  };
  visit(index.script.ast.program);
  references.set(b, (out = found));
  return out;
}

/** A callee's dotted name and the declaration of its root (a global: none), to tell two calls of one function. */
function calleeKey(callee: t.Node, index: ScriptIndex): string | undefined {
  const name = dottedName(callee);
  if (name === undefined) return undefined;
  let root = unwrap(callee);
  while (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression') root = unwrap(root.object);
  if (root.type !== 'Identifier') return undefined;
  const b = index.binding(root);
  return b ? `${name}@${b.identifier.start ?? -1}` : `${name}@global`;
}

/**
 * Is `ref`, or the member read it is the object of (`o.k`, `o[k]`, `o.a.b`),
 * used without being written, called as a method (which may change its
 * receiver), stored or passed on (an alias through which it may be changed)?
 */
function onlyReads(ref: t.Node, index: ScriptIndex): boolean {
  let top: t.Node = ref;
  for (;;) {
    const p = index.parent.get(top);
    if (!p) return false;
    if ((p.type === 'MemberExpression' || p.type === 'OptionalMemberExpression') && p.object === top) {
      top = p;
      continue;
    }
    if (p.type === 'ConditionalExpression') return p.test === top;
    if (p.type === 'UnaryExpression') return p.operator !== 'delete';
    if (p.type === 'CallExpression' && p.callee !== top && readsOnly(p.callee, index)) return true;
    return !WRITES_OR_PASSES_ON.has(p.type);
  }
}

/** Globals that only read what they are given: logging it or serialising it changes nothing. */
const READING_GLOBALS = new Set([
  'console.log',
  'console.info',
  'console.warn',
  'console.error',
  'console.debug',
  'JSON.stringify',
]);

function readsOnly(callee: t.Node, index: ScriptIndex): boolean {
  const name = dottedName(callee);
  if (!name || !READING_GLOBALS.has(name)) return false;
  let root = unwrap(callee);
  while (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression') root = unwrap(root.object);
  return root.type === 'Identifier' && !index.binding(root);
}

/** Parents through which a value is written, called as a method, or flows on as the same object. */
const WRITES_OR_PASSES_ON = new Set<string>([
  'AssignmentExpression',
  'UpdateExpression',
  'ForInStatement',
  'ForOfStatement',
  'ArrayPattern',
  'ObjectProperty',
  'RestElement',
  'AssignmentPattern',
  'VariableDeclarator',
  'CallExpression',
  'OptionalCallExpression',
  'NewExpression',
  'ArrayExpression',
  'SpreadElement',
  'ReturnStatement',
  'ArrowFunctionExpression',
  'ClassProperty',
  'TaggedTemplateExpression',
  'YieldExpression',
  'AwaitExpression',
  'LogicalExpression',
  'SequenceExpression',
  'TSAsExpression',
  'TSNonNullExpression',
  'TSSatisfiesExpression',
  'TSTypeAssertion',
  'ParenthesizedExpression',
  'TypeCastExpression',
  'JSXExpressionContainer',
  'JSXSpreadAttribute',
  'ExportDefaultDeclaration',
  'ThrowStatement',
  'ExportSpecifier',
]);
