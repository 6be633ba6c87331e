/**
 * Callbacks through the app's own helpers: `function run(x, f) { f(x) }` then
 * `run(Leanplum, (lp) => lp.start())`. A parameter that is called (`f(x)`,
 * `f.call(t, x)`, `setTimeout(f, ms, x)`) runs every function passed for it,
 * whose parameters receive the arguments.
 *
 * Two directions, kept consistent by construction: `targets` (is `f(x)` a
 * call of known functions, so the SDK in `x` is followed, not an escape?)
 * holds only when every reference to the helper is a direct call the
 * call-site index lists and each passes, for `f`, a function written there
 * (inline, declared in that script, or a parameter forwarded from another such
 * helper); `passed` (what does the callback's parameter receive?) walks from
 * each place a function is passed to the same calls.
 */
import type * as t from '@babel/types';
import { isFunctionLike } from './ast.js';
import type { CallLike, CallSites } from './callers.js';
import type { Project, ScriptIndex } from './project.js';
import { bindingReferences, declarationBinding, outerParent, referencesOf } from './references.js';
import type { Binding } from './scope.js';
import { unwrap } from './unwrap.js';
import { alternatives, union, type Value } from './values.js';

/** Deferral APIs that call their first argument with the arguments after the delay. */
const DEFERRALS = new Set(['setTimeout', 'setInterval']);
const MAX_HOPS = 4;

export interface Invocation {
  call: CallLike;
  /** Where the arguments the callee receives start (1 after `.call(thisArg, …)`, 2 in `setTimeout(f, ms, …)`). */
  offset: number;
}

/** How a reference to a function invokes it, if it does: `f(…)`, `f?.(…)`, `f.call(t, …)`, `setTimeout(f, ms, …)`. */
export function invocationAt(ref: t.Node, index: ScriptIndex): Invocation | undefined {
  const { parent, child } = outerParent(ref, index);
  if (!parent) return undefined;
  if ((parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression') && parent.callee === child)
    return { call: parent, offset: 0 };
  const dotCall = dotCallOf(parent, child, index);
  if (dotCall) return { call: dotCall, offset: 1 };
  if ((parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression') && parent.arguments[0] === child) {
    const callee = unwrap(parent.callee);
    if (callee.type === 'Identifier' && DEFERRALS.has(callee.name) && !index.binding(callee))
      return { call: parent, offset: 2 };
  }
  return undefined;
}

/** `f.call(thisArg, …)`: the call, when `parent` is `f.call` (with `child`, `f`, its object) in callee position. */
function dotCallOf(parent: t.Node, child: t.Node, index: ScriptIndex): CallLike | undefined {
  if (
    (parent.type !== 'MemberExpression' && parent.type !== 'OptionalMemberExpression') ||
    parent.object !== child ||
    parent.computed ||
    parent.property.type !== 'Identifier' ||
    parent.property.name !== 'call'
  )
    return undefined;
  const { parent: call, child: callee } = outerParent(parent, index);
  return (call?.type === 'CallExpression' || call?.type === 'OptionalCallExpression') && call.callee === callee
    ? call
    : undefined;
}

/** The binding of a plain parameter (an identifier, no default, never reassigned) and its position. */
function plainParam(b: Binding | undefined): { fn: t.Function; position: number } | undefined {
  if (!b || b.kind !== 'param' || b.violations.length || !isFunctionLike(b.scopeBlock)) return undefined;
  const fn = b.scopeBlock;
  const position = fn.params.indexOf(b.identifier);
  return position >= 0 ? { fn, position } : undefined;
}

/** A function value and the script it is written in. */
interface Fn {
  node: t.Function;
  index: ScriptIndex;
}

export class HelperCallbacks {
  constructor(
    private readonly project: Project,
    private readonly callSites: CallSites,
  ) {}

  /**
   * The functions a call through a parameter runs (see the module comment),
   * or undefined when some may be a function the analysis does not see.
   */
  targets(call: CallLike, index: ScriptIndex): { targets: t.Function[]; offset: number } | undefined {
    const callee = unwrap(call.callee);
    let f: t.Node | undefined;
    let offset = 0;
    if (callee.type === 'Identifier' && !DEFERRALS.has(callee.name)) f = callee;
    else if (
      (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') &&
      !callee.computed &&
      callee.property.type === 'Identifier' &&
      callee.property.name === 'call'
    ) {
      f = unwrap(callee.object);
      offset = 1;
    } else if (callee.type === 'Identifier' && !index.binding(callee) && call.arguments[0]) {
      f = unwrap(call.arguments[0]);
      offset = 2;
    }
    if (f?.type !== 'Identifier') return undefined;
    const out = this.paramTargets(index.binding(f), index, 0, new Set());
    return out ? { targets: out.map((x) => x.node), offset } : undefined;
  }

  /** Every function a plain parameter may hold, when all of them are known. */
  private paramTargets(b: Binding | undefined, index: ScriptIndex, hops: number, seen: Set<t.Node>): Fn[] | undefined {
    const param = plainParam(b);
    if (!param || hops > MAX_HOPS) return undefined;
    if (seen.has(param.fn)) return []; // forwarded around a cycle: its sites are collected by the outer walk
    seen.add(param.fn);
    // Every reference to the helper is a direct call, and the call-site index lists each.
    this.project.frames.read(this.callSites.fact(param.fn));
    const refs = referencesOf(this.project, param.fn, index);
    if (!refs) return undefined;
    const sites = this.callSites.of(param.fn);
    const listed = new Set(sites.map((s) => s.call));
    for (const r of refs) {
      const { parent, child } = outerParent(r.node, r.index);
      if (
        !parent ||
        (parent.type !== 'CallExpression' && parent.type !== 'OptionalCallExpression') ||
        parent.callee !== child ||
        !listed.has(parent)
      )
        return undefined;
    }
    const out: Fn[] = [];
    for (const site of sites) {
      const args = site.call.arguments;
      if (args.slice(0, param.position + 1).some((a) => a.type === 'SpreadElement')) return undefined;
      const arg = args[param.position];
      if (!arg) continue; // nothing passed: calling it throws, it runs no function
      const a = unwrap(arg);
      if (a.type === 'FunctionExpression' || a.type === 'ArrowFunctionExpression') {
        out.push({ node: a, index: site.index });
        continue;
      }
      if (a.type !== 'Identifier') return undefined;
      const ab = site.index.binding(a);
      const declared = ab && declaredFunction(ab);
      if (declared) {
        out.push({ node: declared, index: site.index });
        continue;
      }
      // `function outer(x, cb) { run(x, cb) }`: whatever outer's callers pass.
      const forwarded = this.paramTargets(ab, site.index, hops + 1, seen);
      if (!forwarded) return undefined;
      out.push(...forwarded);
    }
    return out;
  }

  /** What the helpers a function is passed to give its parameter `i` when they call it. */
  passed(
    fn: t.Function,
    i: number,
    index: ScriptIndex,
    valueOf: (e: t.Node, index: ScriptIndex) => Value | undefined,
  ): Value | undefined {
    const values: (Value | undefined)[] = [];
    const seen = new Set<t.Node>();
    const visitPassed = (call: CallLike, argument: number, at: ScriptIndex, hops: number): void => {
      if (hops > MAX_HOPS) return;
      for (const g of alternatives(this.callSites.calleeValue(call, at))) {
        // Passed by name to an SDK or CMP (`__tcfapi('addEventListener', 2, onTcf)`): what it calls it with,
        // as for a callback written inline (Resolver.callbackParam).
        if (g.kind === 'path') {
          values.push({ kind: 'path', root: g.root, steps: [...g.steps, { param: { argument, parameter: i, call } }] });
          continue;
        }
        if (g.kind !== 'function' || seen.has(g.node)) continue;
        seen.add(g.node);
        const p = g.node.params[argument];
        if (!p || p.type !== 'Identifier') continue;
        const b = g.index.binding(p);
        if (!b || b.identifier !== p) continue;
        for (const ref of bindingReferences(g.index, b)) {
          const inv = invocationAt(ref, g.index);
          if (inv) {
            const arg = inv.call.arguments[inv.offset + i];
            if (arg && arg.type !== 'SpreadElement') values.push(valueOf(arg, g.index));
            continue;
          }
          const onward = argumentOf(ref, g.index);
          if (onward) visitPassed(onward.call, onward.argument, g.index, hops + 1);
        }
      }
    };
    for (const place of placesPassed(fn, index)) visitPassed(place.call, place.argument, place.index, 0);
    return union(values);
  }
}

/** A function declared into a binding: `function cb() {}`, `const cb = () => …` (never reassigned). */
function declaredFunction(b: Binding): t.Function | undefined {
  if (b.violations.length) return undefined;
  if (b.kind === 'hoisted' && isFunctionLike(b.declaration)) return b.declaration;
  if (b.kind === 'const' && b.declaration.type === 'VariableDeclarator' && b.declaration.id === b.identifier) {
    const init = b.declaration.init && unwrap(b.declaration.init);
    if (init && (init.type === 'FunctionExpression' || init.type === 'ArrowFunctionExpression')) return init;
  }
  return undefined;
}

/** The call a node is an argument of (through wrappers), and its position. */
function argumentOf(n: t.Node, index: ScriptIndex): { call: CallLike; argument: number } | undefined {
  const { parent, child } = outerParent(n, index);
  if (
    parent?.type !== 'CallExpression' &&
    parent?.type !== 'OptionalCallExpression' &&
    parent?.type !== 'NewExpression'
  )
    return undefined;
  const argument = parent.arguments.indexOf(child as t.Expression);
  return argument >= 0 ? { call: parent, argument } : undefined;
}

/** Where a function is passed as an argument: written inline there, or named in its own script. */
function placesPassed(fn: t.Function, index: ScriptIndex): { call: CallLike; argument: number; index: ScriptIndex }[] {
  const out: { call: CallLike; argument: number; index: ScriptIndex }[] = [];
  const inline = argumentOf(fn, index);
  if (inline) out.push({ ...inline, index });
  let b: Binding | undefined;
  if (fn.type === 'FunctionDeclaration') b = declarationBinding(fn, index);
  else {
    const { parent, child } = outerParent(fn, index);
    if (parent?.type === 'VariableDeclarator' && parent.init === child && parent.id.type === 'Identifier')
      b = index.binding(parent.id);
  }
  if (b && declaredFunction(b) === fn)
    for (const ref of bindingReferences(index, b)) {
      const at = argumentOf(ref, index);
      if (at) out.push({ ...at, index });
    }
  return out;
}

/** The arguments a function passes when it calls one of its plain parameters (`f(x)`: `x`). */
export function invocationArguments(fn: t.Function, index: ScriptIndex): t.Node[] {
  const out: t.Node[] = [];
  for (const p of fn.params) {
    if (p.type !== 'Identifier') continue;
    const b = index.binding(p);
    if (!b || b.identifier !== p) continue;
    for (const ref of bindingReferences(index, b)) {
      const inv = invocationAt(ref, index);
      if (inv) out.push(...inv.call.arguments.slice(inv.offset));
    }
  }
  return out;
}

/** A call an object-literal callback reaches: the call, which argument holds the object, and the callback's property path in it. */
export interface ObjectCallbackSite {
  call: t.CallExpression | t.OptionalCallExpression | t.NewExpression;
  argument: number;
  /** `onReady`, `callbacks.onReady`, `services[].callback`. */
  property: string;
  /** The object literals from the function's own out to the argument (none for a JSX prop). */
  holders?: t.ObjectExpression[];
}

/**
 * A JSX element as a call of its component with one props object
 * (`<PostHogProvider apiKey="…" options={{ … }}>` initialises PostHog), so
 * component sinks and their argument conditions use the call machinery.
 */
export function jsxAsCall(el: t.JSXOpeningElement): t.CallExpression {
  const properties: (t.ObjectProperty | t.SpreadElement)[] = el.attributes.map((a) => {
    if (a.type === 'JSXSpreadAttribute') return { type: 'SpreadElement', argument: a.argument };
    const name = a.name.type === 'JSXIdentifier' ? a.name.name : `${a.name.namespace.name}:${a.name.name.name}`;
    const value =
      a.value === null || a.value === undefined
        ? ({ type: 'BooleanLiteral', value: true } as t.BooleanLiteral)
        : a.value.type === 'JSXExpressionContainer'
          ? a.value.expression
          : a.value;
    return {
      type: 'ObjectProperty',
      key: { type: 'StringLiteral', value: name },
      value,
      computed: false,
      shorthand: false,
    } as t.ObjectProperty;
  });
  return {
    ...el,
    type: 'CallExpression',
    callee: el.name,
    arguments: [{ type: 'ObjectExpression', properties } as t.ObjectExpression],
  } as unknown as t.CallExpression;
}

const jsxCalls = new WeakMap<t.JSXOpeningElement, t.CallExpression>();

/** A JSX element as the call of its component with one props object (one node per element, so steps compare). */
function jsxCall(el: t.JSXOpeningElement): t.CallExpression {
  let c = jsxCalls.get(el);
  if (!c) jsxCalls.set(el, (c = jsxAsCall(el)));
  return c;
}

/**
 * The call a function reaches as a property (or method) of an object literal
 * that is one of the call's arguments: written inline
 * (`initialise({ onStatusChange(status) {…} })`), nested
 * (`{ callbacks: { onX() {} } }`, `{ services: [{ callback() {} }] }`), a JSX
 * prop (`<DidomiSDK onReady={(d) => …} />`, argument 0), or through a `const`
 * (never reassigned, not exported, not a page-script global) whose only
 * reference is that argument (`const settings = {…}; initialise(settings)`; a
 * never-reassigned `var` or `let` too).
 * Undefined when the object may go anywhere else, where its function could be
 * called with other values.
 */
export function objectCallbackSite(fn: t.Node, index: ScriptIndex): ObjectCallbackSite | undefined {
  const root = objectRoot(fn, index);
  if (!root) return undefined;
  if ('call' in root) return root;
  const { property, parent, child, holders } = root;
  const at = argumentOf(child, index);
  if (at) return { ...at, property, holders };
  const b = onlyLocal(parent, child, index);
  if (!b) return undefined;
  const refs = bindingReferences(index, b);
  if (refs.length !== 1) return undefined;
  const passed = argumentOf(refs[0], index);
  return passed ? { ...passed, property, holders } : undefined;
}

/**
 * Where a function held by an object literal is stored into an object the
 * CMP reads instead of being passed to a call:
 * `tarteaucitron.services.x = { js() {…} }` (target: the assigned member
 * expression, property `js`), a classic script's top-level
 * `var klaroConfig = { services: [{ onAccept() {…} }] }` (the page global),
 * or a never-reassigned local assigned there once and used nowhere else.
 * `holders`: the object literals from the function's own out to the stored one.
 */
export interface AssignedCallbackSite {
  /** The assigned member expression, a free identifier, or a classic script's top-level `var` name. */
  target: t.Node;
  property: string;
  holders: t.ObjectExpression[];
}

export function assignedCallbackSite(fn: t.Node, index: ScriptIndex): AssignedCallbackSite | undefined {
  const root = objectRoot(fn, index);
  if (!root || 'call' in root) return undefined;
  const { property, parent, child, holders } = root;
  const stored = assignmentTarget(child, index);
  if (stored) return { target: stored, property, holders };
  if (parent.type !== 'VariableDeclarator' || parent.init !== child || parent.id.type !== 'Identifier')
    return undefined;
  const b = index.binding(parent.id);
  // A classic script's top-level `var` is the page global of that name (what Klaro reads as `window.klaroConfig`).
  if (
    b &&
    b.kind === 'var' &&
    b.identifier === parent.id &&
    !b.violations.length &&
    index.script.kind === 'script' &&
    b.scopeBlock.type === 'Program'
  )
    return { target: parent.id, property, holders };
  const local = onlyLocal(parent, child, index);
  if (!local) return undefined;
  const refs = bindingReferences(index, local);
  const target = refs.length === 1 ? assignmentTarget(refs[0], index) : undefined;
  return target ? { target, property, holders } : undefined;
}

/** The left side of `left = n` when it is a member expression or a free name. */
function assignmentTarget(n: t.Node, index: ScriptIndex): t.Node | undefined {
  const { parent, child } = outerParent(n, index);
  if (parent?.type !== 'AssignmentExpression' || parent.operator !== '=' || parent.right !== child) return undefined;
  const left = parent.left;
  if (left.type === 'MemberExpression') return left;
  if (left.type === 'Identifier' && !index.binding(left)) return left;
  return undefined;
}

/**
 * The binding a `const`/`let`/`var` declarator holding the object introduces,
 * when it is never reassigned, not exported and no page-script global.
 */
function onlyLocal(parent: t.Node, child: t.Node, index: ScriptIndex): Binding | undefined {
  if (parent.type !== 'VariableDeclarator' || parent.init !== child || parent.id.type !== 'Identifier')
    return undefined;
  const b = index.binding(parent.id);
  // Never reassigned: a `var` or `let` (`var config = {…}; CookieControl.load(config)`) as a `const`.
  if (
    !b ||
    b.identifier !== parent.id ||
    (b.kind !== 'const' && b.kind !== 'let' && b.kind !== 'var') ||
    b.violations.length
  )
    return undefined;
  // A classic script's top-level `const` is shared with every other script of the page.
  if (index.script.kind === 'script' && b.scopeBlock.type === 'Program') return undefined;
  const declaration = index.parent.get(parent);
  if (declaration && index.parent.get(declaration)?.type === 'ExportNamedDeclaration') return undefined;
  return b;
}

/** `services[].onAccept` for the value of a property of an object literal (nested in object and array literals). */
export function objectPropertyPath(value: t.Node, index: ScriptIndex): string | undefined {
  const root = objectRoot(value, index);
  return root && !('call' in root) ? root.property : undefined;
}

/**
 * Climb from a function held by an object literal (nested in object and array
 * literals) to the outermost literal: its property path and what holds it.
 * A JSX prop is a site already (argument 0 of the element's call).
 */
function objectRoot(
  fn: t.Node,
  index: ScriptIndex,
): ObjectCallbackSite | { property: string; parent: t.Node; child: t.Node; holders: t.ObjectExpression[] } | undefined {
  const segments: string[] = [];
  const holders: t.ObjectExpression[] = [];
  let n: t.Node = fn;
  if (fn.type !== 'ObjectMethod') {
    const { parent, child } = outerParent(fn, index);
    // `<C onReady={(d) => …} />`: a prop of argument 0.
    if (parent?.type === 'JSXExpressionContainer') {
      const attr = index.parent.get(parent);
      const el = attr && index.parent.get(attr);
      if (attr?.type !== 'JSXAttribute' || attr.name.type !== 'JSXIdentifier' || el?.type !== 'JSXOpeningElement')
        return undefined;
      return { call: jsxCall(el), argument: 0, property: attr.name.name };
    }
    if (parent?.type !== 'ObjectProperty' || parent.value !== child) return undefined;
    n = parent;
  }
  for (let hops = 0; hops < 8; hops++) {
    // `n` is a property (or method) of an object literal, or an element of an array literal.
    let container: t.Node | undefined;
    if (n.type === 'ObjectProperty' || n.type === 'ObjectMethod') {
      const name = keyOf(n);
      if (name === undefined) return undefined;
      segments.unshift(name);
      container = index.parent.get(n);
      if (container?.type !== 'ObjectExpression') return undefined;
      holders.push(container);
    } else {
      segments.unshift('[]');
      container = n;
    }
    const { parent, child } = outerParent(container, index);
    if (!parent) return undefined;
    if (parent.type === 'ObjectProperty' && parent.value === child) {
      n = parent;
      continue;
    }
    if (parent.type === 'ArrayExpression') {
      n = parent;
      continue;
    }
    return { property: segments.join('.').replace(/\.\[\]/g, '[]'), parent, child, holders };
  }
  return undefined;
}

function keyOf(p: t.ObjectMethod | t.ObjectProperty): string | undefined {
  if (p.computed) return p.key.type === 'StringLiteral' ? p.key.value : undefined;
  return p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : undefined;
}
