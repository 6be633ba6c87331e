/**
 * Values the program stores into globals (`window.lp = Leanplum`,
 * `globalThis.sdk = …`, an assignment to an undeclared name): a later read of
 * that global, in any file, may be one of them. Indexed over the parsed
 * modules as they grow; the pipeline parses every file naming a global that
 * receives an SDK value, so its readers are seen.
 */
import type * as t from '@babel/types';
import { propertyName } from './names.js';
import type { Project } from './project.js';
import type { ScriptIndex } from './script.js';
import type { GrowingFact } from './snapshot.js';
import { unwrap } from './unwrap.js';

/** Names through which a script reaches the global object. */
export const GLOBAL_OBJECTS = new Set(['window', 'globalThis', 'self', 'global']);

export interface GlobalStore {
  value: t.Node;
  index: ScriptIndex;
}

/** The global an assignment target names (`window.lp`, an undeclared `lp`), if any. */
export function storedGlobal(left: t.Node, index: ScriptIndex): string | undefined {
  const l = unwrap(left);
  if (l.type === 'Identifier') return index.binding(l) ? undefined : l.name;
  if (l.type !== 'MemberExpression' && l.type !== 'OptionalMemberExpression') return undefined;
  const obj = unwrap(l.object);
  if (obj.type !== 'Identifier' || !GLOBAL_OBJECTS.has(obj.name) || index.binding(obj)) return undefined;
  return propertyName(l) ?? undefined;
}

export class GlobalStores {
  private indexed = 0;
  private readonly byName = new Map<string, GlobalStore[]>();

  constructor(private readonly project: Project) {}

  private readonly facts = new Map<string, GrowingFact>();

  /** The stores into global `name` as a growing fact (its version is how many are known). */
  fact(name: string): GrowingFact {
    let f = this.facts.get(name);
    if (!f) this.facts.set(name, (f = { version: () => this.of(name).length }));
    return f;
  }

  /** Every value stored into global `name` in the modules parsed so far. */
  of(name: string): GlobalStore[] {
    while (this.indexed < this.project.parsed.length) {
      for (const index of this.project.parsed[this.indexed++].scripts) {
        for (const n of index.nodesOfType('AssignmentExpression')) {
          if (n.type === 'AssignmentExpression' && n.operator === '=') {
            const g = storedGlobal(n.left, index);
            if (g) this.add(g, n.right, index);
          }
        }
        // A classic script's top-level `var x = …` and `function x() {}` define the global `x`.
        if (index.script.kind !== 'script') continue;
        for (const s of index.script.ast.program.body) {
          if (s.type === 'FunctionDeclaration' && s.id) this.add(s.id.name, s, index);
          else if (s.type === 'VariableDeclaration' && s.kind === 'var')
            for (const d of s.declarations)
              if (d.id.type === 'Identifier' && d.init) this.add(d.id.name, d.init, index);
        }
      }
    }
    return this.byName.get(name) ?? [];
  }

  private add(name: string, value: t.Node, index: ScriptIndex): void {
    const list = this.byName.get(name);
    if (list) list.push({ value, index });
    else this.byName.set(name, [{ value, index }]);
  }
}
