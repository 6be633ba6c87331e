/**
 * Where an SDK value leaves the analysis.
 *
 * The Resolver follows an SDK value (the SDK object, one of its methods, or a
 * function, object or array that hands one out) through locals, destructuring,
 * parameters of project functions, returns, fields, object and array literals,
 * and module exports. Every other use either cannot call it (a test, a
 * comparison, `typeof`, logging: `valueUses.inspect` in the policies) or takes
 * it where the analysis cannot follow: that point is an escape, reported as if
 * every rule of that SDK ran there. Nothing an SDK value can reach is silent.
 */
import type * as t from '@babel/types';
import {
  alternatives,
  dottedName,
  forEachChild,
  isFunctionLike,
  isWrapper,
  keyName,
  propertyName,
  type CallLike,
  type Resolver,
  type ScriptIndex,
  type Root,
  type Value,
  storedGlobal,
} from '../program/index.js';
import type { Origin, Policy, Purpose, RuleSpec } from '../model.js';
import { matchingModule, receiverPrefix } from './forms.js';

export const SDK_ESCAPES = 'consent-lint/sdk-escapes';

/** The built-in rule for escapes; each finding requires the purposes of the SDK's rules. */
export function sdkEscapesRule(): RuleSpec {
  return {
    id: SDK_ESCAPES,
    description:
      "An SDK value (the SDK object, one of its methods, or something that hands it out) goes where consent-lint cannot follow it: into a library call, a store it does not track, a spread. Whatever receives it may call the SDK, so that point needs every purpose of the SDK's rules.",
    severity: 'error',
    requires: [],
    message: 'The SDK leaves the analysis here',
    legalBasis:
      'ePrivacy Directive Art. 5(3); GDPR Art. 6(1)(a): the SDK calls this value leads to need consent like any other.',
    docs: "Call the SDK directly where consent is checked, or pass it only to your own functions (consent-lint follows parameters, returns, fields, object and array literals and module exports). A library that only inspects values can be listed in a policy's `valueUses.inspect`.",
    sinks: [],
  };
}

/**
 * Callee patterns compiled from every policy's `valueUses`: a callee's name
 * (`console.log`, or `vitest:vi.mocked` for one imported from a package), or
 * `name#N` for its argument N only (`react:useEffect#1`, the dependency list).
 */
export interface ValueUseMatcher {
  /** `argument`: the argument's position, or a JSX prop's name (`PostHogProvider#client`). */
  inspect(callee: string, argument: number | string): boolean;
  calls(callee: string, argument: number | string): boolean;
}

export function valueUseMatcher(policies: Policy[]): ValueUseMatcher {
  const compile = (list: string[]) => {
    const exact = new Set(list.filter((p) => !p.endsWith('.*')));
    const prefixes = list.filter((p) => p.endsWith('.*')).map((p) => p.slice(0, -1));
    return (name: string, argument: number | string) =>
      exact.has(name) || exact.has(`${name}#${argument}`) || prefixes.some((p) => name.startsWith(p));
  };
  return {
    inspect: compile(policies.flatMap((p) => p.valueUses?.inspect ?? [])),
    calls: compile(policies.flatMap((p) => p.valueUses?.call ?? [])),
  };
}

/**
 * Where a use of a value goes: followed or harmless (`kept`), passed to a call
 * (decided by its callee), given to a React context or Angular token at `site`
 * (followed when the Resolver sees all its readers, else `otherwise`), or out.
 */
export type Use =
  /** `inspected`: given to a `valueUses.inspect` callee (`expect(fn)`, `console.log(x)`), only looked at, never called. */
  | { kind: 'kept'; inspected?: boolean }
  | { kind: 'argument'; call: CallLike; argument: number }
  | { kind: 'handoff'; site: t.Node; otherwise: Use }
  | { kind: 'escapes'; how: string; certain?: boolean; store?: t.Node };

/** Provider keys that give a value to an Angular token (`factory`: the token's own default). */
const PROVIDER_KEYS = new Set(['useValue', 'useFactory', 'factory']);

const KEPT: Use = { kind: 'kept' };
const INSPECTED: Use = { kind: 'kept', inspected: true };
const escapes = (how: string, certain = false): Use => ({ kind: 'escapes', how, certain });

/** The root name of a callee, when it is a free global (so `console.log` is the real one). */
/**
 * A callee's name for `valueUses`: its dotted name when it starts at a free
 * global (`console.log`), or `package:name` when it starts at an import of a
 * package (`import { vi } from 'vitest'`: `vitest:vi.mocked`; a namespace or
 * default import is the package itself: `React.useEffect` is `react:useEffect`).
 */
function calleeName(callee: t.Node, index: ScriptIndex): string | undefined {
  const name = dottedName(callee);
  if (!name) return undefined;
  let root: t.Node = callee;
  while (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression' || isWrapper(root))
    root = isWrapper(root) ? root.expression : root.object;
  if (root.type !== 'Identifier') return undefined;
  const b = index.binding(root);
  if (!b) return name;
  const from = b.kind === 'module' ? b.importDeclaration?.source.value : undefined;
  if (from === undefined || from.startsWith('.') || from.startsWith('/')) return undefined;
  const rest = name.slice(root.name.length);
  const spec = b.declaration;
  if (spec.type === 'ImportSpecifier') {
    const imported = spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value;
    return `${from}:${imported}${rest}`;
  }
  return rest ? `${from}:${rest.slice(1)}` : undefined;
}

/**
 * How the value of expression `n` is used, climbing through what passes a
 * value on unchanged (wrappers, `await`, `&&`/`||`/`??`, `?:` branches, the
 * last of a sequence, object and array literals).
 */
export function useOf(n: t.Node, index: ScriptIndex, uses: ValueUseMatcher): Use {
  let child = n;
  for (let p = index.parent.get(child); p; child = p, p = index.parent.get(p)) {
    switch (p.type) {
      case 'ParenthesizedExpression':
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'TypeCastExpression':
      case 'TSInstantiationExpression':
      case 'AwaitExpression':
      case 'LogicalExpression':
      case 'ArrayExpression':
        continue;
      case 'ConditionalExpression':
        if (p.test === child) return KEPT;
        continue;
      case 'SequenceExpression':
        if (p.expressions[p.expressions.length - 1] !== child) return KEPT;
        continue;
      case 'ObjectProperty': {
        const holder = index.parent.get(p);
        if (!holder || holder.type !== 'ObjectExpression') return KEPT; // a pattern: a binding target
        if (p.key === child) return KEPT; // a key: a name, or converted to a string
        if (isProviderProperty(p)) return { kind: 'handoff', site: p, otherwise: useOf(holder, index, uses) };
        p = holder; // the loop's step makes the object literal the value whose use is judged next
        continue;
      }
      case 'MemberExpression':
      case 'OptionalMemberExpression': {
        if (p.object !== child) return KEPT; // a property name or computed key
        // `Leanplum.start.bind(Leanplum)`: the bound function is the method, used where the call result goes.
        const call = index.parent.get(p);
        if (
          propertyName(p) === 'bind' &&
          call &&
          (call.type === 'CallExpression' || call.type === 'OptionalCallExpression') &&
          call.callee === p
        )
          return escapes('bound with `.bind()`');
        return KEPT;
      }
      case 'CallExpression':
      case 'OptionalCallExpression':
      case 'NewExpression': {
        if (p.callee === child) return KEPT;
        const argument = p.arguments.indexOf(child as t.Expression);
        if (argument < 0) return KEPT;
        const name = calleeName(p.callee, index);
        if (name && uses.inspect(name, argument)) return INSPECTED;
        if (name && uses.calls(name, argument)) return escapes(`passed to \`${name}\`, which calls it`, true);
        return { kind: 'argument', call: p, argument };
      }
      case 'VariableDeclarator':
        if (p.init !== child) return KEPT;
        return p.id.type === 'Identifier' || !hasRest(p.id) ? KEPT : escapes('collected by a rest element');
      case 'AssignmentExpression': {
        if (p.right !== child) return KEPT;
        if (p.operator !== '=') return KEPT; // `+=` and friends make numbers and strings
        return assignedTo(p.left, index);
      }
      case 'AssignmentPattern':
        // A parameter default is what calls that omit the argument pass.
        return p.right === child && isFunctionLike(index.parent.get(p) ?? p)
          ? KEPT
          : p.right === child
            ? escapes('a destructuring default')
            : KEPT;
      case 'ReturnStatement':
      case 'ExportDefaultDeclaration':
      case 'ClassProperty':
      case 'ClassPrivateProperty':
      case 'ClassAccessorProperty':
        return KEPT; // followed through the function's calls, the module's importers, the field's reads
      case 'ArrowFunctionExpression':
        return KEPT; // an expression body is the return value; params are bindings
      case 'SpreadElement':
        return escapes('spread');
      case 'JSXExpressionContainer':
        return jsxUse(p, index, uses);
      case 'JSXSpreadAttribute':
        return escapes('passed to a JSX element');
      case 'ThrowStatement':
        return escapes('thrown');
      case 'YieldExpression':
        return escapes('yielded');
      case 'TaggedTemplateExpression':
        return p.tag === child ? KEPT : escapes('passed to a template tag');
      case 'ForOfStatement':
      case 'ForInStatement':
        return KEPT; // `for…of` elements are followed into the loop variable; `for…in` gives keys
      default:
        // Tests, comparisons, `typeof`, `!`, string templates, statements: the value is not passed on.
        return KEPT;
    }
  }
  return KEPT;
}

/** `{ provide: TOKEN, useValue: Leanplum }`, `new InjectionToken('lp', { factory: () => Leanplum })`: gives a token a value. */
function isProviderProperty(p: t.ObjectProperty): boolean {
  return !p.computed && PROVIDER_KEYS.has(keyName(p.key) ?? '');
}

/**
 * A JSX attribute's value leaves, unless it is a Provider's `value`
 * (`<C.Provider value={…}>`, React 19 `<C value>`), or a prop a policy's
 * `valueUses` names for a component imported from a package
 * (`posthog-js/react:PostHogProvider#client`).
 */
function jsxUse(container: t.JSXExpressionContainer, index: ScriptIndex, uses: ValueUseMatcher): Use {
  const attribute = index.parent.get(container);
  const out = escapes('passed to a JSX element');
  if (attribute?.type !== 'JSXAttribute' || attribute.name.type !== 'JSXIdentifier') return out;
  const prop = attribute.name.name;
  const element = index.parent.get(attribute);
  const name = element?.type === 'JSXOpeningElement' ? packageComponentName(element, index) : undefined;
  if (name && uses.inspect(name, prop)) return KEPT;
  if (name && uses.calls(name, prop)) return escapes(`passed to \`${name}\`, which calls it`, true);
  if (prop === 'value') return { kind: 'handoff', site: attribute, otherwise: out };
  return out;
}

/** `<PostHogProvider …>` with `import { PostHogProvider } from 'posthog-js/react'`: `posthog-js/react:PostHogProvider`. */
function packageComponentName(element: t.JSXOpeningElement, index: ScriptIndex): string | undefined {
  if (element.name.type !== 'JSXIdentifier') return undefined;
  const b = index.binding(element.name);
  const from = b?.kind === 'module' ? b.importDeclaration?.source.value : undefined;
  if (from === undefined || from.startsWith('.') || from.startsWith('/')) return undefined;
  const spec = b!.declaration;
  if (spec.type !== 'ImportSpecifier') return undefined;
  return `${from}:${spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value}`;
}

/** Does `fn` take argument `i` into a parameter the Resolver follows (not a rest element, not `arguments`)? */
function takesArgument(fn: t.Node, i: number): boolean {
  if (!isFunctionLike(fn)) return false;
  const param = fn.params[i];
  if (param) return param.type !== 'RestElement';
  let readsArguments = false;
  const visit = (n: t.Node): void => {
    if (readsArguments) return;
    if (n.type === 'Identifier' && n.name === 'arguments') readsArguments = true;
    else if (n === fn || !isFunctionLike(n) || n.type === 'ArrowFunctionExpression') forEachChild(n, visit);
  };
  visit(fn);
  return !readsArguments;
}

/**
 * How a use takes a value out of the analysis, or undefined when it does not:
 * an argument is followed when every function the call may run is a project
 * function that takes it into a parameter.
 */
export function leaves(use: Use, index: ScriptIndex, resolver: Resolver): string | undefined {
  if (use.kind === 'kept') return undefined;
  if (use.kind === 'escapes') return use.how;
  if (use.kind === 'handoff')
    return resolver.givesToClosedChannel(use.site, index) ? undefined : leaves(use.otherwise, index, resolver);
  const targets = resolver.callTargets(use.call, index);
  if (targets && targets.every((fn) => takesArgument(fn, use.argument))) return undefined;
  // `createContext(Leanplum)`: the context's readers are followed.
  if (use.argument === 0 && resolver.givesToClosedChannel(use.call, index)) return undefined;
  // `f(x)` with `f` a parameter every caller fills with a function the analysis sees.
  const via = resolver.invocationTargets(use.call, index);
  if (
    via?.targets.length &&
    use.argument >= via.offset &&
    via.targets.every((fn) => takesArgument(fn, use.argument - via.offset))
  )
    return undefined;
  return `passed to \`${dottedName(use.call.callee) ?? 'a computed callee'}\``;
}

function hasRest(pattern: t.Node): boolean {
  switch (pattern.type) {
    case 'RestElement':
      return true;
    case 'ObjectPattern':
      return pattern.properties.some((p) => p.type === 'RestElement' || hasRest(p.value));
    case 'ArrayPattern':
      return pattern.elements.some((e) => e !== null && hasRest(e));
    case 'AssignmentPattern':
      return hasRest(pattern.left);
    default:
      return false;
  }
}

/** A store `left = value`: followed into locals, `this` fields and module exports; anything else escapes. */
function assignedTo(left: t.Node, index: ScriptIndex): Use {
  // A global (`window.lp = Leanplum`): its readers are followed (the pipeline parses every file naming it).
  if (storedGlobal(left, index)) return KEPT;
  if (left.type === 'Identifier') {
    const b = index.binding(left);
    if (b && (b.kind === 'const' || b.kind === 'let' || b.kind === 'var')) return KEPT;
    return {
      kind: 'escapes',
      how: b ? `stored in the parameter \`${left.name}\`` : `stored in the global \`${left.name}\``,
      store: b ? undefined : left,
    };
  }
  if (left.type === 'ObjectPattern' || left.type === 'ArrayPattern')
    return hasRest(left) ? escapes('collected by a rest element') : KEPT;
  const target = dottedName(left);
  if (target && /^(?:module\.exports|exports)(?:\.[^.]+)?$|^module\.exports\.[^.]+$/.test(target)) return KEPT;
  if (
    (left.type === 'MemberExpression' || left.type === 'OptionalMemberExpression') &&
    left.object.type === 'ThisExpression' &&
    propertyName(left) !== null &&
    inClassMember(left, index)
  )
    return KEPT;
  return { kind: 'escapes', how: target ? `stored in \`${target}\`` : 'stored in a computed property', store: left };
}

/** Is `n` inside an instance method or field of a class, where `this` is the instance (arrows keep it)? */
function inClassMember(n: t.Node, index: ScriptIndex): boolean {
  for (let p = index.parent.get(n); p; p = index.parent.get(p)) {
    if (p.type === 'ClassMethod' || p.type === 'ClassPrivateMethod') return !p.static;
    if (p.type === 'ClassProperty' || p.type === 'ClassPrivateProperty' || p.type === 'ClassAccessorProperty')
      return !p.static;
    if (p.type === 'FunctionExpression' || p.type === 'FunctionDeclaration' || p.type === 'ObjectMethod') return false;
  }
  return false;
}

/** The SDK rules a value carries, if it is (or hands out) an SDK object or method. */
export interface Carried {
  /** Rules whose sink method this value is (a method used as a value). */
  methods: RuleSpec[];
  /** Every purpose of the rules of the SDK objects it is or hands out. */
  purposes: Purpose[];
  /** How to name it in a message. */
  what: string;
}

/** Does `steps` (property names after the origin) lead towards one of `methods` (dotted) without reaching it? */
function towardsMethod(steps: string[], methods: string[], origin: Origin): boolean {
  // A receiver whose methods are all nested (`NativeModules` with `Leanplum.start`) is a host object, not the SDK itself.
  if (!steps.length && methods.every((m) => m.includes('.'))) return false;
  return (
    methods.some((m) => {
      const parts = m.split('.');
      return parts.length > steps.length && steps.every((s, i) => parts[i] === s);
    }) && Boolean(origin)
  );
}

interface RuleReceiver {
  rule: RuleSpec;
  spec: RuleSpec['sinks'][number];
  origin: Origin;
}

/**
 * Every (rule, sink, receiver) of a rule list, by receiver global; module
 * receivers apart (their names may hold `*`), and those matching each module
 * root met so far.
 */
type ReceiverIndex = {
  byGlobal: Map<string, RuleReceiver[]>;
  modules: RuleReceiver[];
  byModule: Map<string, RuleReceiver[]>;
};
const receiverIndex = new WeakMap<RuleSpec[], ReceiverIndex>();
const NO_RECEIVERS: RuleReceiver[] = [];

/** The receivers a path from `root` may start at, in rule order: a global's own, or the module receivers matching it. */
function receiversFor(rules: RuleSpec[], root: Root): RuleReceiver[] {
  let index = receiverIndex.get(rules);
  if (!index) {
    index = { byGlobal: new Map(), modules: [], byModule: new Map() };
    for (const rule of rules)
      for (const spec of rule.sinks)
        for (const origin of spec.receivers) {
          // A wildcard member (`mixpanel.<name>`, a named instance) is the SDK where a sink method is
          // called on it; as a value, every member of the global (the snippet's stubs, `people`) would be one.
          if (origin.path?.some((s) => typeof s === 'object' && 'anyProperty' in s)) continue;
          if (!('global' in origin)) index.modules.push({ rule, spec, origin });
          else {
            const list = index.byGlobal.get(origin.global);
            if (list) list.push({ rule, spec, origin });
            else index.byGlobal.set(origin.global, [{ rule, spec, origin }]);
          }
        }
    receiverIndex.set(rules, index);
  }
  if ('global' in root) return index.byGlobal.get(root.global) ?? NO_RECEIVERS;
  return matchingModule(
    index.modules,
    (r) => ('module' in r.origin ? r.origin.module : undefined),
    root,
    index.byModule,
  );
}

/**
 * What SDK a value is or hands out: a path to an SDK object or method, a
 * function returning one, an object or array literal holding one (to a small
 * depth), any member of a union.
 */
export function carried(
  v: Value | undefined,
  rules: RuleSpec[],
  resolver: Resolver,
  depth = 0,
  seen?: Set<unknown>,
): Carried | undefined {
  if (!v || depth > 6) return undefined;
  // Created on the first hit only: almost every value checked carries nothing.
  let methods: Set<RuleSpec> | undefined;
  let purposes: Set<Purpose> | undefined;
  let what = '';
  for (const a of alternatives(v)) {
    if (a.kind === 'path') {
      for (const { rule, spec, origin } of receiversFor(rules, a.root)) {
        // Partial: on the way to the receiver (the class before `new`, the factory before its call).
        // Also through a default import of a namespace-only SDK (bundler interop: see receiverPrefix).
        for (const interop of [false, true]) {
          const m = receiverPrefix(a, origin, false, interop) ?? receiverPrefix(a, origin, true, interop);
          if (!m) continue;
          const rest = m.steps.slice(m.k);
          if (!rest.every((s) => 'prop' in s && s.prop !== null)) continue;
          const names = rest.map((s) => (s as { prop: string }).prop);
          if (spec.methods.includes(names.join('.'))) (methods ??= new Set()).add(rule);
          else if (towardsMethod(names, spec.methods, origin)) {
            for (const p of rule.requires) (purposes ??= new Set()).add(p);
            what ||= 'global' in origin ? origin.global : origin.module;
          }
        }
      }
      continue;
    }
    const key = 'node' in a ? a.node : a;
    seen ??= new Set();
    if (seen.has(key)) continue;
    seen.add(key);
    let inner: Value | undefined;
    // What a function returns (an async one: what its promise settles to), or a promise settles to, is handed on with it.
    if (a.kind === 'function') inner = a.node.generator ? undefined : resolver.returned(a.node, a.index);
    else if (a.kind === 'promise') inner = a.value;
    else if (a.kind === 'object') {
      for (const p of a.node.properties) {
        const x: Value | undefined =
          p.type === 'ObjectProperty'
            ? // A provider's `useValue` for a token whose readers are all followed: Angular's DI takes it there.
              isProviderProperty(p) && resolver.givesToClosedChannel(p, a.index)
              ? undefined
              : resolver.value(p.value, a.index)
            : p.type === 'ObjectMethod'
              ? { kind: 'function' as const, node: p, index: a.index }
              : undefined;
        const c = carried(x, rules, resolver, depth + 1, seen);
        if (c) merge(c);
      }
      continue;
    } else if (a.kind === 'array') {
      // Element by element, not as one union of them all: a large literal (a token list, an ABI)
      // nested in others made that union, rebuilt with every key, most of a scan's time.
      for (const el of a.node.elements) {
        if (!el || el.type === 'SpreadElement') continue;
        const c = carried(resolver.value(el, a.index), rules, resolver, depth + 1, seen);
        if (c) merge(c);
      }
      continue;
    }
    const c = carried(inner, rules, resolver, depth + 1, seen);
    if (c) merge(c);
  }
  function merge(c: Carried): void {
    for (const r of c.methods) for (const p of r.requires) (purposes ??= new Set()).add(p);
    for (const p of c.purposes) (purposes ??= new Set()).add(p);
    what ||= c.what;
  }
  if (!methods?.size && !purposes?.size) return undefined;
  return { methods: [...(methods ?? [])], purposes: [...(purposes ?? [])], what };
}
