/** Locals whose value is fixed by their declaration, for value flow. */
import type * as t from '@babel/types';
import type { ScriptIndex } from './project.js';

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
