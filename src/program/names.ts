/** Static names written in the source: member properties, object keys, dotted chains. */
import type * as t from '@babel/types';
import { unwrap } from './unwrap.js';

/** The property name of a member expression, when it is static (`a.b`, `a['b']`, `a[0]`, ``a[`b`]``, `a.#b`). */
export function propertyName(m: t.MemberExpression | t.OptionalMemberExpression): string | null {
  if (m.computed && m.property.type === 'Identifier') return null; // `a[b]`: b's value, not its name
  return keyName(m.property) ?? null;
}

/**
 * The static name of a key or computed property: an identifier (only where
 * not computed: callers pass computed keys as literals), a string, number or
 * expression-free template literal, or a private name.
 */
export function keyName(k: t.Node): string | undefined {
  if (k.type === 'Identifier') return k.name;
  if (k.type === 'StringLiteral') return k.value;
  if (k.type === 'NumericLiteral') return String(k.value);
  if (k.type === 'TemplateLiteral' && k.expressions.length === 0) return k.quasis[0].value.cooked ?? undefined;
  if (k.type === 'PrivateName') return `#${k.id.name}`;
  return undefined;
}

/** Dotted text of a callee/member chain (`consent.has`, `window.Leanplum.start`), or undefined. */
export function dottedName(e: t.Node): string | undefined {
  e = unwrap(e);
  if (e.type === 'Identifier') return e.name;
  if (e.type === 'ThisExpression') return 'this';
  if (e.type === 'MemberExpression' || e.type === 'OptionalMemberExpression') {
    const obj = dottedName(e.object);
    const p = propertyName(e);
    return obj !== undefined && p !== null ? `${obj}.${p}` : undefined;
  }
  return undefined;
}

/** The static name of an object literal's own property (`a`, `'a'`, `['a']`); undefined for any other computed key. */
export function ownPropertyName(p: t.ObjectProperty | t.ObjectMethod): string | undefined {
  if (p.computed) return p.key.type === 'StringLiteral' ? p.key.value : undefined;
  return p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : undefined;
}

/** Does an object literal hold a property of each of `names` (a CMP library's declaration: `{ init, services, addService }`)? */
export function holdsProperties(obj: t.ObjectExpression, names: readonly string[]): boolean {
  return names.every((name) => obj.properties.some((p) => p.type !== 'SpreadElement' && ownPropertyName(p) === name));
}
