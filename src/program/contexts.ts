/**
 * Channels: framework objects that carry a value from where it is given to
 * where it is read, anywhere in the project. A React context
 * (`createContext(default)`, `<C.Provider value>`, React 19 `<C value>`; read
 * by `useContext(C)`, `use(C)`, `<C.Consumer>{(v) => …}`, `static contextType
 * = C` + `this.context`) and an Angular `InjectionToken` (`{ provide: T,
 * useValue | useFactory | useExisting }`, the token's own `factory`; read by
 * `inject(T)`, `@Inject(T)`). A read is the union of every value given.
 *
 * A value given to a channel is followed only while the channel is closed:
 * every reference to it (`references.ts`) is one of those forms. Otherwise
 * (the context passed to a library, aliased, a provider of another shape)
 * the point where the value is given stays an escape.
 */
import type * as t from '@babel/types';
import type { CallLike } from './callers.js';
import { keyName } from './names.js';
import type { Project, ScriptIndex } from './project.js';
import { outerParent, referencesOf, visibleReferences } from './references.js';
import type { Resolver } from './resolve.js';
import { unwrap } from './unwrap.js';
import { alternatives, union, type Value } from './values.js';

type Family = 'react' | 'angular';

/** Framework modules (package names as resolved) whose APIs make and read channels. */
const FRAMEWORKS: Record<string, Family> = { react: 'react', preact: 'react', '@angular/core': 'angular' };

export interface Channel {
  family: Family;
  /** The `createContext(…)` call or `new InjectionToken(…)`: the channel's identity. */
  node: CallLike;
  index: ScriptIndex;
}

/** A value given to a channel: an expression, or a factory whose return is the value. */
interface Given {
  expr: t.Node;
  index: ScriptIndex;
  how: 'value' | 'factory' | 'instance' | 'existing';
}

type Role = { kind: 'read' } | { kind: 'gives'; given: Given[] } | { kind: 'other' };

/** `C.displayName = …` (with `child` the context `C`)? */
function isDisplayNameStore(parent: t.Node, child: t.Node, index: ScriptIndex): boolean {
  if (parent.type !== 'MemberExpression' || parent.object !== child || parent.computed) return false;
  const store = index.parent.get(parent);
  return (
    parent.property.type === 'Identifier' &&
    parent.property.name === 'displayName' &&
    store?.type === 'AssignmentExpression' &&
    store.left === parent
  );
}

/** `react:useContext`, `angular:InjectionToken`: the framework API a path names, if any. */
export function frameworkApi(v: Value): string | undefined {
  if (v.kind !== 'path' || !('module' in v.root)) return undefined;
  const family = FRAMEWORKS[v.root.module];
  if (!family) return undefined;
  const names: string[] = v.root.export === 'default' || v.root.export === '*' ? [] : [v.root.export];
  for (const s of v.steps) {
    if (!('prop' in s) || s.prop === null) return undefined;
    names.push(s.prop);
  }
  return names.length === 1 ? `${family}:${names[0]}` : undefined;
}

const READS = new Set(['react:useContext', 'react:use', 'angular:inject']);

export class Channels {
  private readonly scriptOf = new WeakMap<t.Node, ScriptIndex>();
  private readonly active = new Set<t.Node>();
  /** Per channel, what its references give and whether they close it: valid while no module is added. */
  private readonly seen = new Map<t.Node, { parsed: number; given: Given[]; closed?: boolean }>();

  constructor(
    private readonly project: Project,
    private readonly resolver: Resolver,
  ) {}

  /** The channels a value may be (each alternative that is a `createContext(…)` or `new InjectionToken(…)`). */
  channelsOf(v: Value | undefined): Channel[] {
    const out: Channel[] = [];
    for (const a of alternatives(v)) {
      if (a.kind !== 'path' || !a.steps.length) continue;
      const last = a.steps[a.steps.length - 1];
      if (!('call' in last)) continue;
      const api = frameworkApi({ ...a, steps: a.steps.slice(0, -1) });
      const family =
        api === 'react:createContext' && last.call.type !== 'NewExpression'
          ? 'react'
          : api === 'angular:InjectionToken' && last.call.type === 'NewExpression'
            ? 'angular'
            : undefined;
      const index = family && this.indexOf(last.call);
      if (family && index) out.push({ family, node: last.call, index });
    }
    return out;
  }

  /** `useContext(C)`, `use(C)`, `inject(T)`: what the channel may hold; undefined when `call` reads none. */
  read(call: CallLike, index: ScriptIndex, depth: number): { value: Value | undefined } | undefined {
    if (call.type === 'NewExpression' || !call.arguments.length) return undefined;
    const callee = alternatives(this.resolver.value(call.callee, index, depth));
    if (!callee.some((f) => READS.has(frameworkApi(f) ?? ''))) return undefined;
    const channels = this.channelsOf(this.resolver.value(call.arguments[0], index, depth));
    if (!channels.length) return undefined;
    return { value: union(channels.map((c) => this.held(c, depth))) };
  }

  /**
   * A parameter a channel fills: `@Inject(T) lp` (a constructor parameter or
   * parameter property), or a `<C.Consumer>` render function's first parameter.
   */
  param(fn: t.Function, paramIndex: number, index: ScriptIndex, depth: number): Value | undefined {
    const param = fn.params[paramIndex] as t.Node | undefined;
    if (!param) return undefined;
    const injected = this.injected(param, index, depth);
    if (injected) return injected;
    if (paramIndex !== 0) return undefined;
    const { parent: container } = outerParent(fn, index);
    const element = container?.type === 'JSXExpressionContainer' ? index.parent.get(container) : undefined;
    if (element?.type !== 'JSXElement') return undefined;
    const name = element.openingElement.name;
    if (name.type !== 'JSXMemberExpression' || name.property.name !== 'Consumer') return undefined;
    const channels = this.channelsOf(this.resolver.value(name.object, index, depth));
    return union(channels.filter((c) => c.family === 'react').map((c) => this.held(c, depth)));
  }

  /** `@Inject(T)` on a parameter (or parameter property): what T may hold. */
  injected(param: t.Node, index: ScriptIndex, depth: number): Value | undefined {
    const decorators = [
      ...((param as { decorators?: t.Decorator[] | null }).decorators ?? []),
      ...(param.type === 'TSParameterProperty' ? (param.parameter.decorators ?? []) : []),
    ];
    for (const d of decorators) {
      const e = unwrap(d.expression);
      if (e.type !== 'CallExpression' || !e.arguments.length) continue;
      const api = alternatives(this.resolver.value(e.callee, index, depth)).map(frameworkApi);
      if (!api.includes('angular:Inject')) continue;
      const channels = this.channelsOf(this.resolver.value(e.arguments[0], index, depth));
      if (channels.length) return union(channels.map((c) => this.held(c, depth)));
    }
    return undefined;
  }

  /** `this.context` in a class with `static contextType = C`. */
  contextType(cls: t.Class, index: ScriptIndex, depth: number): Value | undefined {
    for (const m of cls.body.body) {
      if (m.type !== 'ClassProperty' || !m.static || m.computed || keyName(m.key) !== 'contextType' || !m.value)
        continue;
      const channels = this.channelsOf(this.resolver.value(m.value, index, depth));
      return union(channels.filter((c) => c.family === 'react').map((c) => this.held(c, depth)));
    }
    return undefined;
  }

  /** Everything given to a channel: its default and every provider the parsed modules hold. */
  held(c: Channel, depth: number): Value | undefined {
    if (this.active.has(c.node)) return undefined; // a provider giving what it reads: nothing new
    this.active.add(c.node);
    try {
      return union(this.given(c).map((g) => this.givenValue(g, depth)));
    } finally {
      this.active.delete(c.node);
    }
  }

  /** Is every reference to the channel one of the forms that give or read it (so nothing given leaves)? */
  closed(c: Channel): boolean {
    const known = this.known(c);
    if (known.closed !== undefined) return known.closed;
    const frame = this.project.frames.begin();
    const refs = referencesOf(this.project, c.node, c.index);
    const closed = refs !== undefined && refs.every((r) => this.role(c.family, r.node, r.index).kind !== 'other');
    // A role judged while a module was missing may be wrong: not remembered.
    if (!this.project.frames.end(frame)?.missed) known.closed = closed;
    return closed;
  }

  /** The channel's facts for the modules parsed so far (found again once a module is added). */
  private known(c: Channel): { parsed: number; given: Given[]; closed?: boolean } {
    let k = this.seen.get(c.node);
    if (!k || k.parsed !== this.project.parsed.length) {
      k = { parsed: this.project.parsed.length, given: this.findGiven(c) };
      this.seen.set(c.node, k);
    }
    return k;
  }

  /**
   * The channels a value is given to at `site`: the `createContext(…)` call
   * (its argument 0), a `value` attribute of a Provider, `useValue`/`useFactory`
   * of a provider object, a token's `factory`.
   */
  channelsAt(site: t.Node, index: ScriptIndex): Channel[] {
    if (site.type === 'CallExpression' || site.type === 'OptionalCallExpression') {
      const callee = this.resolver.value(site.callee, index);
      return this.channelsOf(
        union(
          alternatives(callee).map((f) =>
            f.kind === 'path' ? { ...f, steps: [...f.steps, { call: site, awaited: false }] } : undefined,
          ),
        ),
      );
    }
    if (site.type === 'JSXAttribute') {
      const element = index.parent.get(site);
      if (element?.type !== 'JSXOpeningElement') return [];
      const name = element.name;
      let channels: Channel[] = [];
      if (name.type === 'JSXMemberExpression' && name.property.name === 'Provider')
        channels = this.channelsOf(this.resolver.value(name.object, index));
      else if (name.type !== 'JSXNamespacedName') channels = this.channelsOf(this.resolver.value(name, index));
      return channels.filter((c) => c.family === 'react');
    }
    if (site.type !== 'ObjectProperty') return [];
    const holder = index.parent.get(site);
    if (holder?.type !== 'ObjectExpression') return [];
    const provide = holder.properties.find(
      (p): p is t.ObjectProperty => p.type === 'ObjectProperty' && !p.computed && keyName(p.key) === 'provide',
    );
    let channels: Channel[] = [];
    if (provide) channels = this.channelsOf(this.resolver.value(provide.value, index));
    else {
      // `new InjectionToken('lp', { factory: () => Leanplum })`
      const { parent } = outerParent(holder, index);
      if (parent?.type === 'NewExpression' && parent.arguments[1] === holder)
        channels = this.channelsOf(this.resolver.value(parent, index));
    }
    return channels.filter((c) => c.family === 'angular');
  }

  /** The one channel `site` gives to, when it is closed (a union of channels, a ternary of contexts, is not followed). */
  closedChannelAt(site: t.Node, index: ScriptIndex): Channel | undefined {
    const channels = this.channelsAt(site, index);
    return channels.length === 1 && this.closed(channels[0]) ? channels[0] : undefined;
  }

  private givenValue(g: Given, depth: number): Value | undefined {
    const v = this.resolver.value(g.expr, g.index, depth);
    if (g.how === 'value') return v;
    // `useExisting: OTHER`: what the other token holds.
    if (g.how === 'existing') return union(this.channelsOf(v).map((c) => this.held(c, depth)));
    if (g.how === 'instance')
      return union(
        alternatives(v).map((c): Value | undefined =>
          c.kind === 'class' ? { kind: 'instance', node: c.node, index: c.index } : undefined,
        ),
      );
    return union(
      alternatives(v).map((f) =>
        f.kind === 'function' && !f.node.async ? this.resolver.returned(f.node, f.index, depth) : undefined,
      ),
    );
  }

  /** The default and the providers, among the references the parsed modules hold. */
  private given(c: Channel): Given[] {
    this.resolver.noteOpenRead(); // providers are found among the modules parsed so far
    return this.known(c).given;
  }

  private findGiven(c: Channel): Given[] {
    const out: Given[] = [];
    const args = c.node.arguments;
    if (c.family === 'react' && args[0] && args[0].type !== 'SpreadElement')
      out.push({ expr: args[0], index: c.index, how: 'value' });
    if (c.family === 'angular' && args[1]?.type === 'ObjectExpression') {
      const factory = args[1].properties.find(
        (p): p is t.ObjectProperty | t.ObjectMethod =>
          (p.type === 'ObjectProperty' || p.type === 'ObjectMethod') && !p.computed && keyName(p.key) === 'factory',
      );
      if (factory)
        out.push({ expr: factory.type === 'ObjectMethod' ? factory : factory.value, index: c.index, how: 'factory' });
    }
    const refs = visibleReferences(this.project, c.node, c.index);
    for (const r of refs) {
      const role = this.role(c.family, r.node, r.index);
      if (role.kind === 'gives') out.push(...role.given);
    }
    return out;
  }

  /** What a reference to a channel does with it. */
  private role(family: Family, node: t.Node, index: ScriptIndex): Role {
    const { parent, child } = outerParent(node, index);
    if (!parent) return { kind: 'other' };
    if (
      (parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression') &&
      parent.arguments[0] === child
    ) {
      const api = alternatives(this.resolver.value(parent.callee, index)).map(frameworkApi);
      if (family === 'react' && (api.includes('react:useContext') || api.includes('react:use')))
        return { kind: 'read' };
      if (family === 'angular' && api.includes('angular:inject')) return { kind: 'read' };
      // `@Inject(T)` on a constructor parameter
      if (family === 'angular' && api.includes('angular:Inject') && index.parent.get(parent)?.type === 'Decorator')
        return { kind: 'read' };
      return { kind: 'other' };
    }
    return family === 'react' ? this.reactRole(parent, child, index) : this.angularRole(parent, child, index);
  }

  private reactRole(parent: t.Node, child: t.Node, index: ScriptIndex): Role {
    // React 19: `<C value={…}>` provides.
    if (parent.type === 'JSXOpeningElement' && parent.name === child) return this.providerValue(parent, index);
    if (parent.type === 'JSXMemberExpression' && parent.object === child) {
      const element = index.parent.get(parent);
      if (element?.type !== 'JSXOpeningElement' || element.name !== parent) return { kind: 'other' };
      if (parent.property.name === 'Provider') return this.providerValue(element, index);
      if (parent.property.name === 'Consumer') return { kind: 'read' };
      return { kind: 'other' };
    }
    if (
      parent.type === 'ClassProperty' &&
      parent.static &&
      parent.value === child &&
      !parent.computed &&
      keyName(parent.key) === 'contextType'
    )
      return { kind: 'read' };
    // `C.displayName = 'Lp'`: a label for dev tools.
    if (isDisplayNameStore(parent, child, index)) return { kind: 'read' };
    return { kind: 'other' };
  }

  private providerValue(element: t.JSXOpeningElement, index: ScriptIndex): Role {
    const given: Given[] = [];
    for (const a of element.attributes) {
      // `{...props}`: whatever it holds was reported where it was spread.
      if (a.type !== 'JSXAttribute' || a.name.type !== 'JSXIdentifier' || a.name.name !== 'value') continue;
      if (a.value?.type === 'JSXExpressionContainer' && a.value.expression.type !== 'JSXEmptyExpression')
        given.push({ expr: a.value.expression, index, how: 'value' });
    }
    return { kind: 'gives', given };
  }

  private angularRole(parent: t.Node, child: t.Node, index: ScriptIndex): Role {
    if (parent.type !== 'ObjectProperty' || parent.value !== child || parent.computed) return { kind: 'other' };
    const key = keyName(parent.key);
    // `{ provide: A, useExisting: T }`: A's readers read T.
    if (key === 'useExisting') return { kind: 'read' };
    if (key !== 'provide') return { kind: 'other' };
    const holder = index.parent.get(parent);
    if (holder?.type !== 'ObjectExpression') return { kind: 'other' };
    const given: Given[] = [];
    for (const p of holder.properties) {
      if (p.type === 'SpreadElement' || p.computed) return { kind: 'other' };
      const k = keyName(p.key);
      if (k === 'provide' || k === 'deps') continue;
      // `multi: true` makes the read an array of every provider: not followed.
      if (k === 'multi' || p.type === 'ObjectMethod') return { kind: 'other' };
      if (k === 'useValue') given.push({ expr: p.value, index, how: 'value' });
      else if (k === 'useFactory') given.push({ expr: p.value, index, how: 'factory' });
      else if (k === 'useExisting') given.push({ expr: p.value, index, how: 'existing' });
      else if (k === 'useClass') given.push({ expr: p.value, index, how: 'instance' });
      else return { kind: 'other' };
    }
    return given.length ? { kind: 'gives', given } : { kind: 'other' };
  }

  /** The parsed script holding a node (a channel's identity is its node). */
  private indexOf(node: t.Node): ScriptIndex | undefined {
    const known = this.scriptOf.get(node);
    if (known) return known;
    for (const mod of this.project.parsed) {
      for (const s of mod.scripts) {
        if (!s.parent.has(node)) continue;
        this.scriptOf.set(node, s);
        return s;
      }
    }
    return undefined;
  }
}
