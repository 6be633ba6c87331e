/** What the Resolver says an expression is: an access path from an origin, a project function, class, object, … or a union of those. */
import type * as t from '@babel/types';
import type { ModuleInfo, ScriptIndex } from './project.js';

export type Root = { module: string; export: string; specifier?: string } | { global: string };

export type Step =
  | { prop: string | null }
  | { call: t.CallExpression | t.OptionalCallExpression | t.NewExpression; awaited: boolean }
  | {
      param: {
        argument: number;
        /** The callback's parameter; -1: its `this` (`onInitialise: function () { this.getStatus() }`). */
        parameter: number;
        call: t.CallExpression | t.OptionalCallExpression | t.NewExpression;
        /** The callback is this property of the object-literal argument (`onReady`, `callbacks.onX`, `services[].callback`). */
        property?: string;
      };
    };

export type Value =
  | { kind: 'path'; root: Root; steps: Step[] }
  | { kind: 'function'; node: t.Function; index: ScriptIndex }
  | { kind: 'class'; node: t.Class; index: ScriptIndex }
  | { kind: 'instance'; node: t.Class; index: ScriptIndex }
  | { kind: 'object'; node: t.ObjectExpression; index: ScriptIndex }
  | { kind: 'namespace'; module: ModuleInfo }
  | { kind: 'array'; node: t.ArrayExpression; index: ScriptIndex }
  | { kind: 'literal'; value: string | number | boolean }
  /** A promise settling to `value`: the call of an async project function (`await`, `.then` read it). */
  | { kind: 'promise'; value: Value }
  /** May be any of these (a value chosen at run time: `a || b`, `c ? x : y`, several assignments, returns or callers). */
  | { kind: 'union'; values: Value[] };

const NO_VALUES: readonly Value[] = Object.freeze([]);

/** The strings a value may be, when it is one of finitely many string literals (`'a'`, `c ? 'a' : 'b'`). */
export function finiteStrings(v: Value | undefined): string[] | undefined {
  const alts = alternatives(v);
  const out: string[] = [];
  for (const a of alts) {
    if (a.kind !== 'literal' || typeof a.value !== 'string') return undefined;
    out.push(a.value);
  }
  return out.length ? out : undefined;
}

/** The alternatives a value may be: a union's members, or the value alone. */
export function alternatives(v: Value | undefined): readonly Value[] {
  if (!v) return NO_VALUES;
  return v.kind === 'union' ? v.values : [v];
}

const nodeIds = new WeakMap<t.Node, number>();
let nextNodeId = 0;
const nodeId = (n: t.Node): number => {
  let id = nodeIds.get(n);
  if (id === undefined) {
    id = ++nextNodeId;
    nodeIds.set(n, id);
  }
  return id;
};

/** Two paths are the same value when they name the same origin and the same steps (calls by their node). */
function pathKey(v: Extract<Value, { kind: 'path' }>): string {
  const root = 'global' in v.root ? `g:${v.root.global}` : `m:${v.root.module}:${v.root.export}`;
  const steps = v.steps.map((s) =>
    'prop' in s
      ? `.${s.prop ?? '?'}`
      : 'call' in s
        ? `()${nodeId(s.call)}${s.awaited ? 'a' : ''}`
        : `(${s.param.argument},${s.param.parameter}${s.param.property === undefined ? '' : `:${s.param.property}`})${nodeId(s.param.call)}`,
  );
  return root + steps.join('');
}

function valueKey(v: Value): unknown {
  switch (v.kind) {
    case 'path':
      return pathKey(v);
    case 'literal':
      return `literal:${typeof v.value}:${String(v.value)}`;
    case 'namespace':
      return v.module;
    case 'union':
    case 'promise':
      return v;
    default:
      return v.node;
  }
}

/** One value that may be any of `values` (unknown members dropped: they are not the SDK, or its escape was reported). */
export function union(values: (Value | undefined)[]): Value | undefined {
  // Nothing or one plain value (most calls): itself, without computing keys.
  let only: Value | undefined;
  let several = false;
  for (const v of values) {
    if (!v) continue;
    if (only || v.kind === 'union') {
      several = true;
      break;
    }
    only = v;
  }
  if (!several) return only;
  const out: Value[] = [];
  const seen = new Map<string, Set<unknown>>();
  for (const v of values) {
    for (const a of alternatives(v)) {
      const key = valueKey(a) ?? a;
      let ofKind = seen.get(a.kind);
      if (!ofKind) seen.set(a.kind, (ofKind = new Set()));
      if (ofKind.has(key)) continue;
      ofKind.add(key);
      out.push(a);
    }
  }
  if (out.length <= 1) return out[0];
  return { kind: 'union', values: out };
}
