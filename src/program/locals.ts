/** Locals whose value is fixed by their declaration, for value flow. */
import type * as t from '@babel/types';
import { forEachChild } from './ast.js';
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
