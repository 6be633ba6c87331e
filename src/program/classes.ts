/** Class members that run when an instance is constructed. */
import type * as t from '@babel/types';
import type { ScriptIndex } from './project.js';

/** An instance field (`x = …`, `#x = …`, `accessor x = …`): initialised with the constructor. */
export function isInstanceField(m: t.Node): m is t.ClassProperty | t.ClassPrivateProperty | t.ClassAccessorProperty {
  return (
    (m.type === 'ClassProperty' || m.type === 'ClassPrivateProperty' || m.type === 'ClassAccessorProperty') && !m.static
  );
}

const classBodiesOf = new WeakMap<ScriptIndex, t.ClassBody[]>();

/** Class bodies with instance field initialisers (found once per script). */
export function classBodiesWithFields(index: ScriptIndex): t.ClassBody[] {
  const known = classBodiesOf.get(index);
  if (known) return known;
  const out: t.ClassBody[] = [];
  classBodiesOf.set(index, out);
  for (const node of index.nodesOfType('ClassBody')) {
    if (node.type === 'ClassBody' && node.body.some((m) => isInstanceField(m) && m.value)) out.push(node);
  }
  return out;
}
