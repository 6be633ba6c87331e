/**
 * Sink forms of policy language v2, matched on resolved values:
 *
 * - receivers with a path: instances from a constructor or factory
 *   (`new Mixpanel(token)`, `amplitude.getInstance()`), the SDK handed to a
 *   callback (`OneSignalDeferred.push(async (OneSignal) => …)`);
 * - named function exports: a namespace receiver (`export: '*'`) also covers
 *   `import { initialize } from '@braze/web-sdk'; initialize(…)`;
 * - module names with `*` wildcards (Firebase imported by URL);
 * - argument-value conditions (`setOptOut(false)` is a sink, `setOptOut(true)`
 *   is not; an undecidable value is a sink) and option objects that make a
 *   call harmless (`init({ requiresUserPrivacyConsent: true })`);
 * - command dispatch (`batchSDK('setup', …)`, `OneSignal.push(['init', …])`,
 *   `AF('pba', 'event', …)`);
 * - script loads (`<script src>`, `el.src = url`, `setAttribute('src', url)`).
 */
import type * as t from '@babel/types';
import type { ArgumentCondition, DispatcherSpec, Receiver, ReceiverStep, RuleSpec, SinkSpec } from '../model.js';
import {
  alternatives,
  constInit,
  unmodifiedInit,
  dottedName,
  GLOBAL_OBJECTS,
  isFunctionLike,
  keyName,
  localCalls,
  templateCode,
  propertyName,
  unwrap,
  type Binding,
  type Resolver,
  type ScriptIndex,
  type Value,
} from '../program/index.js';
import { objectPropertyPath } from '../program/callbacks.js';

type PathValue = Extract<Value, { kind: 'path' }>;
type Step = PathValue['steps'][number];
type Call = t.CallExpression | t.OptionalCallExpression | t.NewExpression;

/** `pattern` with `*` wildcards (module names, script URLs) against `text`. */
export function wildcardMatch(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern === text;
  let re = WILDCARDS.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    WILDCARDS.set(pattern, re);
  }
  return re.test(text);
}
// Compiled once per pattern: sinks are matched against every resolved value.
const WILDCARDS = new Map<string, RegExp>();

/**
 * A module value in canonical form: an export `{module, export: 'x'}` (also
 * `default`) is the namespace `{module, export: '*'}` then `.x`, as ESM and
 * CommonJS interop both mean. `virtual` says one leading step was added.
 */
/**
 * A receiver's module: a package name matches every import of the package
 * (`leanplum-sdk/dist/x` too); a subpath or URL (`firebase/analytics`,
 * `https://www.gstatic.com/firebasejs/<version>/…`) matches the import as written.
 */
function moduleMatches(pattern: string, root: { module: string; specifier?: string }): boolean {
  if (wildcardMatch(pattern, root.module)) return true;
  return root.specifier !== undefined && wildcardMatch(pattern, root.specifier);
}

function canonical(v: PathValue): { root: PathValue['root']; steps: Step[]; virtual: number } {
  const r = v.root;
  if ('module' in r && r.export !== '*')
    return { root: { ...r, export: '*' }, steps: [{ prop: r.export }, ...v.steps], virtual: 1 };
  return { root: r, steps: v.steps, virtual: 0 };
}

function canonicalReceiver(r: Receiver): { root: Receiver; path: ReceiverStep[] } {
  const path = r.path ?? [];
  if ('module' in r && r.export !== '*') return { root: { module: r.module, export: '*' }, path: [r.export, ...path] };
  return { root: r, path };
}

function stepMatches(want: ReceiverStep, have: Step): boolean {
  if (typeof want === 'string') return 'prop' in have && have.prop === want;
  if ('call' in want) return 'call' in have;
  if ('anyProperty' in want) return 'prop' in have;
  return (
    'param' in have &&
    have.param.argument === want.callbackParameter.argument &&
    have.param.parameter === want.callbackParameter.parameter &&
    have.param.property === want.callbackParameter.property
  );
}

/**
 * How many canonical steps of `v` the receiver consumes (undefined: not this
 * receiver). The steps returned are the canonical ones (named exports expanded).
 */
export function receiverPrefix(
  v: Value | undefined,
  receiver: Receiver,
  partial = false,
  interop = false,
): { k: number; steps: Step[] } | undefined {
  if (!v || v.kind !== 'path') return undefined;
  // The root decides most values (allocation-free): only then are both put in canonical form.
  if ('global' in receiver) {
    if (!('global' in v.root) || v.root.global !== receiver.global) return undefined;
  } else if (!('module' in v.root) || !moduleMatches(receiver.module, v.root)) return undefined;
  // Both canonical: `import x from` is `ns.default`, so `ns.default.x` matches a default receiver.
  const c = canonical(v);
  const rc = canonicalReceiver(receiver);
  // `interop`: a namespace receiver read through the module's default import. A bundler's
  // interop makes `import appboy from 'm'` (or `require('m').default`) the whole module when it
  // is CommonJS or has no default of its own (`@braze/web-sdk` 3.x): `appboy.initialize` is then
  // `m.initialize`. (Without it, `default` is a member of the namespace: `new PostHog()` is `m.default`.)
  const from = interop ? 1 : 0;
  if (interop && !('module' in receiver && receiver.export === '*' && isProp(c.steps[0], 'default'))) return undefined;
  const k = pathPrefix(rc.path, c.steps, from, partial);
  return k === undefined ? undefined : { k, steps: c.steps };
}

function isProp(s: Step | undefined, name: string): boolean {
  return s !== undefined && 'prop' in s && s.prop === name;
}

/** How far `path` matches `steps` from `from` (the index after it), or undefined. */
function pathPrefix(path: ReceiverStep[], steps: Step[], from: number, partial: boolean): number | undefined {
  let k = from;
  for (const want of path) {
    const have = steps[k];
    // `partial`: a value on the way to the receiver (the `Mixpanel` class before `new`).
    if (!have && partial) return k;
    if (!have || !stepMatches(want, have)) return undefined;
    k++;
  }
  return k;
}

/**
 * A member of a global chosen at run time (`window[name].start`, `const sdk =
 * globalThis[key]; sdk.init`): the same path from each SDK global `receivers`
 * name (undefined when `v` is no such member). Which global it is cannot be
 * known, so each is a candidate: a sink of any of them is reported, never none.
 */
export function fromChosenGlobal(v: Value | undefined, receivers: Receiver[]): Value | undefined {
  const out: Value[] = [];
  for (const a of alternatives(v)) {
    if (a.kind !== 'path' || !('global' in a.root) || !GLOBAL_OBJECTS.has(a.root.global)) continue;
    const first = a.steps[0];
    if (!first || !('prop' in first) || first.prop !== null || a.steps.length < 2) continue;
    for (const g of new Set(receivers.flatMap((r) => ('global' in r ? [r.global] : []))))
      out.push({ kind: 'path', root: { global: g }, steps: a.steps.slice(1) });
  }
  return out.length ? (out.length === 1 ? out[0] : { kind: 'union', values: out }) : undefined;
}

/** Does `v` start with one of the receivers (any member, call or await of it)? */
export function fromReceivers(v: Value | undefined, receivers: Receiver[]): boolean {
  return candidates(v, receivers).some((r) => receiverPrefix(v, r) !== undefined);
}

/** Is `v` exactly one of the receivers (the SDK object itself, no member)? */
export function isReceiver(v: Value | undefined, receivers: Receiver[]): boolean {
  for (const r of candidates(v, receivers))
    for (const interop of INTEROP) {
      const m = receiverPrefix(v, r, false, interop);
      if (m !== undefined && m.k === m.steps.length) return true;
    }
  return false;
}

/** Direct, then through a bundler's default-import interop (see `receiverPrefix`). */
const INTEROP = [false, true] as const;

interface RootIndex {
  byGlobal: Map<string, Receiver[]>;
  modules: Receiver[];
  /** Per module root (and specifier): the module receivers that match it, in order. */
  byModule: Map<string, Receiver[]>;
}

const rootIndexes = new WeakMap<Receiver[], RootIndex>();
const NO_CANDIDATES: Receiver[] = [];

/**
 * The receivers whose root can match `v`'s, in their order: a path from
 * `react` or `useState` is matched against no receiver at all, rather than
 * every module pattern of every rule (the sink search asks this of every callee).
 */
function candidates(v: Value | undefined, receivers: Receiver[]): Receiver[] {
  if (!v || v.kind !== 'path') return NO_CANDIDATES;
  let index = rootIndexes.get(receivers);
  if (!index) {
    index = { byGlobal: new Map(), modules: [], byModule: new Map() };
    for (const r of receivers) {
      if ('global' in r) {
        const list = index.byGlobal.get(r.global);
        if (list) list.push(r);
        else index.byGlobal.set(r.global, [r]);
      } else index.modules.push(r);
    }
    rootIndexes.set(receivers, index);
  }
  const root = v.root;
  if ('global' in root) return index.byGlobal.get(root.global) ?? NO_CANDIDATES;
  return matchingModule(index.modules, (r) => ('module' in r ? r.module : undefined), root, index.byModule);
}

/**
 * The items whose module pattern matches a module root, in their order,
 * remembered per root (and specifier) in `memo`: pattern matching runs once
 * per root met, not once per value.
 */
export function matchingModule<T>(
  items: T[],
  patternOf: (item: T) => string | undefined,
  root: { module: string; specifier?: string },
  memo: Map<string, T[]>,
): T[] {
  const key = root.specifier === undefined ? root.module : `${root.module}\0${root.specifier}`;
  let list = memo.get(key);
  if (!list) {
    list = items.filter((item) => {
      const pattern = patternOf(item);
      return pattern !== undefined && moduleMatches(pattern, root);
    });
    memo.set(key, list);
  }
  return list;
}

/**
 * Is `v` one of `methods` of one of `receivers`? A method may be a dotted
 * path (`notifications.push`). Returns the method, null for a computed,
 * unknown member that may be one, or undefined.
 */
export function matchReceiverMethod(
  v: Value | undefined,
  receivers: Receiver[],
  methods: string[],
): string | null | undefined {
  for (const r of candidates(v, receivers))
    for (const interop of INTEROP) {
      const m = receiverPrefix(v, r, false, interop);
      const found = m && methodAfter(m, methods);
      if (found !== undefined) return found;
    }
  return undefined;
}

/** The method of `methods` the steps after the receiver name; null for a computed member that may be one. */
function methodAfter(m: { k: number; steps: Step[] }, methods: string[]): string | null | undefined {
  if (m.k >= m.steps.length) return undefined;
  // The common case, one known member after the receiver (`Leanplum.start`), builds no list.
  if (m.k === m.steps.length - 1) {
    const step = m.steps[m.k];
    if (!('prop' in step)) return undefined;
    if (step.prop !== null) return methods.includes(step.prop) ? step.prop : undefined;
  }
  const names: string[] = [];
  let unknown = false;
  for (let i = m.k; i < m.steps.length; i++) {
    const step = m.steps[i];
    if (!('prop' in step)) return undefined;
    if (step.prop === null) unknown = true;
    names.push(step.prop ?? '?');
  }
  if (unknown)
    return methods.some(
      (x) =>
        x.split('.').length === names.length && x.split('.').every((part, i) => names[i] === '?' || names[i] === part),
    )
      ? null
      : undefined;
  const dotted = names.join('.');
  return methods.includes(dotted) ? dotted : undefined;
}

// ------------------------------------------------------------------ argument conditions

/** What an argument (or a property of it) is: a known literal, `undefined` (absent), or unknown. */
type Known = { known: true; value: string | number | boolean | null | undefined } | { known: false };
const UNKNOWN: Known = { known: false };

function literalOf(e: t.Node, index: ScriptIndex, resolver: Resolver, depth = 0): Known {
  const u = unwrap(e);
  if (depth > 8) return UNKNOWN;
  switch (u.type) {
    case 'NullLiteral':
      return { known: true, value: null };
    case 'StringLiteral':
    case 'NumericLiteral':
    case 'BooleanLiteral':
      return { known: true, value: u.value };
    case 'UnaryExpression':
      if (u.operator === '!') {
        const inner = literalOf(u.argument, index, resolver, depth + 1);
        return inner.known ? { known: true, value: !inner.value } : UNKNOWN;
      }
      if (u.operator === '-') {
        const inner = literalOf(u.argument, index, resolver, depth + 1);
        return inner.known && typeof inner.value === 'number' ? { known: true, value: -inner.value } : UNKNOWN;
      }
      if (u.operator === 'void') return { known: true, value: undefined };
      return UNKNOWN;
    case 'Identifier':
      return identifierLiteral(u, index, resolver, depth);
    case 'TemplateLiteral': {
      const text = templateText(u, index, resolver);
      return text === undefined ? UNKNOWN : { known: true, value: text };
    }
    default:
      return UNKNOWN;
  }
}

/**
 * A parameter of a local function whose every call is known (not exported,
 * never passed on): the value when every call passes the same known one.
 */
function paramLiteral(b: Binding, index: ScriptIndex, resolver: Resolver, depth: number): Known {
  const fn = b.scopeBlock;
  if (b.violations.length || !isFunctionLike(fn)) return UNKNOWN;
  const i = fn.params.findIndex((p) => p === b.identifier);
  const calls = i < 0 ? undefined : localCalls(fn, index);
  if (!calls) return UNKNOWN;
  let out: Known | undefined;
  for (const c of calls) {
    if (c.arguments.slice(0, i + 1).some((a) => a.type === 'SpreadElement')) return UNKNOWN;
    const a = c.arguments[i];
    const k: Known = a ? literalOf(a, index, resolver, depth + 1) : { known: true, value: undefined };
    if (!k.known || (out && (!out.known || out.value !== k.value))) return UNKNOWN;
    out = k;
  }
  return out ?? UNKNOWN;
}

/** An identifier's literal: a local through its one value, else what the resolver says. */
function identifierLiteral(u: t.Identifier, index: ScriptIndex, resolver: Resolver, depth: number): Known {
  const b = index.binding(u);
  if (u.name === 'undefined' && !b) return { known: true, value: undefined };
  // The resolver's value of a local is what it may hold, its unknown alternatives dropped
  // (a parameter: what every call passes, `f(false)` and `f(pref)` read as `false`): read a
  // local only through its one value, a never-reassigned declaration, an IIFE's argument or
  // what every call of a local function passes (when all of them are known and agree).
  if (b && b.kind === 'param') {
    const arg = iifeArgument(u, index);
    if (arg) return literalOf(arg, index, resolver, depth + 1);
    return paramLiteral(b, index, resolver, depth);
  }
  if (b && (b.kind === 'const' || b.kind === 'let' || b.kind === 'var')) {
    // A classic script's top-level `var` is a global other scripts may write.
    if (b.kind === 'var' && index.script.kind !== 'module' && b.scopeBlock.type === 'Program') return UNKNOWN;
    const init = constInit(u, index);
    return init ? literalOf(init, index, resolver, depth + 1) : UNKNOWN;
  }
  const v = resolver.value(u, index);
  return v && v.kind === 'literal' ? { known: true, value: v.value } : UNKNOWN;
}

/** A template literal's text when every part is a constant (`optanon-category-${GROUP}`). */
function templateText(u: t.TemplateLiteral, index: ScriptIndex, resolver: Resolver): string | undefined {
  if (u.expressions.length === 0) return u.quasis[0].value.cooked ?? '';
  const v = resolver.value(u, index);
  return v?.kind === 'literal' ? String(v.value) : undefined;
}

/**
 * A parameter of an immediately invoked function (vendor snippets:
 * `!function (w, d, url) { s.src = url }(window, document, 'https://…')`):
 * the argument at its position, when the parameter is never reassigned.
 */
function iifeArgument(id: t.Identifier, index: ScriptIndex): t.Node | undefined {
  const b = index.binding(id);
  if (!b || b.kind !== 'param' || b.violations.length) return undefined;
  const fn = b.scopeBlock;
  if (fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression') return undefined;
  const i = fn.params.findIndex((p) => p === b.identifier);
  if (i < 0) return undefined;
  let call: t.Node | undefined = index.parent.get(fn);
  while (call && (call.type === 'ParenthesizedExpression' || call.type === 'TSAsExpression'))
    call = index.parent.get(call);
  if (!call || (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') || unwrap(call.callee) !== fn)
    return undefined;
  if (call.arguments.slice(0, i + 1).some((a) => a.type === 'SpreadElement')) return undefined;
  return call.arguments[i];
}

/**
 * The object literal an expression denotes (through `const`s nothing changes
 * after their declaration: `consent[k] = 'granted'` makes the literal stale), if any.
 */
function objectOf(e: t.Node, index: ScriptIndex): t.ObjectExpression | undefined {
  let u = unwrap(e);
  for (let i = 0; i < 8 && u.type === 'Identifier'; i++) {
    const init = unmodifiedInit(u, index);
    if (!init) return undefined;
    u = unwrap(init);
  }
  return u.type === 'ObjectExpression' ? u : undefined;
}

/**
 * The node of argument `cond.argument`, then `cond.path` properties, of a
 * call; `UNKNOWN` when it cannot be read, `ABSENT` for a property not given.
 */
function conditionNode(call: Call, cond: ArgumentCondition, index: ScriptIndex): t.Node | Known {
  const args = call.arguments;
  for (let i = 0; i <= cond.argument && i < args.length; i++) if (args[i].type === 'SpreadElement') return UNKNOWN;
  const arg = args[cond.argument];
  // A missing argument is the SDK's default, which the policy cannot know: undecidable.
  if (!arg) return UNKNOWN;
  let cur: t.Node = arg;
  for (const prop of cond.path ?? []) {
    const obj = objectOf(cur, index);
    if (!obj) return UNKNOWN;
    let found: t.Node | undefined;
    let spreadAfter = false;
    for (const p of obj.properties) {
      if (p.type === 'SpreadElement') {
        spreadAfter = true;
        continue;
      }
      if (p.computed) {
        // `{ [key]: v }`: may be this property.
        spreadAfter = true;
        continue;
      }
      if (keyName(p.key) !== prop) continue;
      if (p.type === 'ObjectMethod') return UNKNOWN;
      found = p.value;
      spreadAfter = false;
    }
    if (spreadAfter) return UNKNOWN;
    if (!found) return ABSENT;
    cur = found;
  }
  return cur;
}

const ABSENT: Known = { known: true, value: undefined };

/** The value of argument `cond.argument`, then `cond.path` properties, of a call. */
export function conditionValue(call: Call, cond: ArgumentCondition, index: ScriptIndex, resolver: Resolver): Known {
  const cur = conditionNode(call, cond, index);
  return 'known' in cur ? cur : nodeCondition(cur, cond, index, resolver);
}

/** What `cond` reads of one node: an array's length, or its literal value. */
function nodeCondition(cur: t.Node, cond: ArgumentCondition, index: ScriptIndex, resolver: Resolver): Known {
  if (cond.length !== undefined) {
    let a = unwrap(cur);
    // `list.push(x)` after `const list = []`: the literal's length is not what the call gets.
    if (a.type === 'Identifier') a = unwrap(unmodifiedInit(a, index) ?? a);
    if (a.type !== 'ArrayExpression' || a.elements.some((x) => x?.type === 'SpreadElement')) return UNKNOWN;
    return { known: true, value: a.elements.length };
  }
  return literalOf(cur, index, resolver);
}

/**
 * A test that decides whether the call is a sink: the condition's value is
 * chosen by it (`analytics_storage: Cookiebot.consent.statistics ? 'granted' :
 * 'denied'`, also through a `const`), so the call releases the SDK only when
 * the test is `truthy` (or falsy): what the test proves then holds at the call.
 */
export interface Selector {
  test: t.Expression;
  truthy: boolean;
}

/**
 * The tests that must come out a certain way for this call to be a sink under
 * `spec`'s argument conditions (empty when none selects it).
 */
export function conditionSelectors(call: t.Node, spec: SinkSpec, index: ScriptIndex, resolver: Resolver): Selector[] {
  if (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression' && call.type !== 'NewExpression')
    return [];
  const out: Selector[] = [];
  const read = (c: ArgumentCondition, sinkWhenHolds: boolean) => {
    const cur = conditionNode(call, c, index);
    if ('known' in cur) return;
    let u = unwrap(cur);
    if (u.type === 'Identifier') u = unwrap(constInit(u, index) ?? u);
    // `optOut: !check`: a boolean is `true` exactly when it is truthy.
    const only = c.equals?.length === 1 && c.length === undefined ? c.equals[0] : undefined;
    if (typeof only === 'boolean' && certainlyBoolean(u, index)) {
      out.push({ test: u as t.Expression, truthy: only === sinkWhenHolds });
      return;
    }
    if (u.type !== 'ConditionalExpression') return;
    const yes = holds(nodeCondition(u.consequent, c, index, resolver), c);
    const no = holds(nodeCondition(u.alternate, c, index, resolver), c);
    // Only a test between a value that certainly makes the call a sink and one that certainly does not.
    if (yes === undefined || no === undefined || yes === no) return;
    out.push({ test: u.test, truthy: yes === sinkWhenHolds });
  };
  for (const c of spec.when ?? []) read(c, true);
  for (const c of spec.unless ?? []) read(c, false);
  return out;
}

function holds(k: Known, cond: ArgumentCondition): boolean | undefined {
  if (!k.known) return undefined;
  if (cond.length !== undefined) return k.value === cond.length;
  return (cond.equals ?? []).some((x) => (x === null ? k.value === null || k.value === undefined : x === k.value));
}

const COMPARISONS = new Set(['===', '!==', '==', '!=', '<', '<=', '>', '>=', 'instanceof', 'in']);

/** An expression whose value is `true` or `false` whatever it reads: a negation, a comparison, `Boolean(x)`. */
function certainlyBoolean(e: t.Node, index: ScriptIndex): boolean {
  if (e.type === 'UnaryExpression') return e.operator === '!';
  if (e.type === 'BinaryExpression') return COMPARISONS.has(e.operator);
  return (
    e.type === 'CallExpression' &&
    e.callee.type === 'Identifier' &&
    e.callee.name === 'Boolean' &&
    !index.binding(e.callee) &&
    e.arguments.length === 1
  );
}

/** Does every condition certainly hold of this call (an SDK switch's `when`: `setConsentRequired(true)`)? */
export function certainlyHold(call: Call, conds: ArgumentCondition[], index: ScriptIndex, resolver: Resolver): boolean {
  return conds.every((c) => holds(conditionValue(call, c, index, resolver), c) === true);
}

/**
 * Is this call of a sink method a sink, given the spec's argument
 * conditions? Undecidable `when` conditions count as a sink; `unless`
 * excuses the call only when it certainly holds.
 */
export function conditionsAllow(call: t.Node, spec: SinkSpec, index: ScriptIndex, resolver: Resolver): boolean {
  if (!spec.when?.length && !spec.unless?.length) return true;
  if (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression' && call.type !== 'NewExpression')
    return true; // escaped reference: arguments unknown
  for (const c of spec.when ?? []) if (holds(conditionValue(call, c, index, resolver), c) === false) return false;
  for (const c of spec.unless ?? []) if (holds(conditionValue(call, c, index, resolver), c) === true) return false;
  return true;
}

// ------------------------------------------------------------------ command dispatch

export interface Dispatch {
  /** The command named (`setup`, `pba.event`), or null when it cannot be read statically. */
  command: string | null;
  /** Known leading parts when the command is partly computed (`AF('pba', x)` → `pba`). */
  prefix: string[];
  /** The command's own arguments (after the name), for the sink's argument conditions. */
  args?: t.CallExpression;
}

/** A call-shaped view of a command's arguments, so argument conditions apply to dispatched commands too. */
function commandArgs(call: Call, args: (t.Node | null)[]): t.CallExpression {
  return {
    ...call,
    type: 'CallExpression',
    arguments: args.filter((a): a is t.Expression | t.SpreadElement => a !== null),
  } as t.CallExpression;
}

/** The command(s) a dispatcher call names; undefined when the call is not a dispatch (a callback, say). */
export function readDispatch(
  call: Call,
  d: DispatcherSpec,
  index: ScriptIndex,
  resolver: Resolver,
): Dispatch | undefined {
  if (d.nameProperty) return undefined; // the object-queue form is read by sinks/index.ts
  const positions = Array.isArray(d.argument) ? d.argument : [d.argument];
  const args = call.arguments;
  if (d.nameElement !== undefined) {
    const first = args[positions[0]];
    if (!first) return undefined;
    const u = unwrap(first);
    const fn = resolver.value(u, index);
    if (fn && fn.kind === 'function') return undefined; // `OneSignal.push(function () { … })`: a callback
    let arr: t.Node = u;
    // `cmd[0] = '_trackPageview'` after `const cmd = ['_setCustomVar', …]`: the literal is not what is queued.
    if (arr.type === 'Identifier') arr = unwrap(unmodifiedInit(arr, index) ?? arr);
    if (arr.type !== 'ArrayExpression') return { command: null, prefix: [] };
    const el = arr.elements[d.nameElement];
    if (!el || el.type === 'SpreadElement') return { command: null, prefix: [] };
    const k = literalOf(el, index, resolver);
    return k.known && typeof k.value === 'string'
      ? { command: k.value, prefix: [k.value], args: commandArgs(call, arr.elements.slice(d.nameElement + 1)) }
      : { command: null, prefix: [] };
  }
  const parts: string[] = [];
  for (const p of positions) {
    const a = args[p];
    if (!a) return parts.length ? { command: null, prefix: parts } : undefined;
    if (a.type === 'SpreadElement') return { command: null, prefix: parts };
    const fn = resolver.value(a, index);
    if (p === positions[0] && fn && (fn.kind === 'function' || fn.kind === 'object')) return undefined; // `batchSDK((api) => …)`
    const k = literalOf(a, index, resolver);
    if (!k.known || typeof k.value !== 'string') return { command: null, prefix: parts };
    // `ga('t1.send')`: the tracker named before the separator is not part of the command.
    const at = d.qualifier === undefined || p !== positions[0] ? -1 : k.value.indexOf(d.qualifier);
    parts.push(at < 0 ? k.value : k.value.slice(at + d.qualifier!.length));
  }
  return { command: parts.join('.'), prefix: parts, args: commandArgs(call, args.slice(Math.max(...positions) + 1)) };
}

/** Is the dispatcher's call site this call? `method` absent: the receiver itself is called. */
export function dispatcherCalled(v: Value | undefined, d: DispatcherSpec): boolean {
  if (d.method) return matchReceiverMethod(v, d.receivers, [d.method]) === d.method;
  return isReceiver(v, d.receivers);
}

/** Rules (with the matching sink spec) that a dispatched command reaches through the dispatcher's receivers. */
export function dispatchTargets(
  d: DispatcherSpec,
  rules: RuleSpec[],
  command: string | null,
  prefix: string[],
): { rule: RuleSpec; spec: SinkSpec; method: string }[] {
  const same = (a: Receiver, b: Receiver) => JSON.stringify(a) === JSON.stringify(b);
  const out: { rule: RuleSpec; spec: SinkSpec; method: string }[] = [];
  for (const rule of rules) {
    for (const spec of rule.sinks) {
      if (!spec.receivers.some((r) => d.receivers.some((x) => same(x, r)))) continue;
      const method =
        command !== null
          ? spec.methods.find((m) => m === command)
          : spec.methods.find((m) => prefix.every((p, i) => m.split('.')[i] === p));
      if (method) {
        out.push({ rule, spec, method });
        break;
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ script loads

/**
 * A script URL as written (`//cdn…` counts as https). A URL with an unknown
 * tail matches a pattern whose text before its first `*` it already contains.
 */
function scriptUrlMatches(patterns: string[], url: { text: string; open: boolean }): boolean {
  const u = url.text.trim();
  const full = u.startsWith('//') ? `https:${u}` : u;
  return patterns.some((p) => {
    if (!url.open) return wildcardMatch(p, full) || wildcardMatch(p, u);
    const star = p.indexOf('*');
    return star >= 0 && full.length >= star && wildcardMatch(p.slice(0, star + 1), full.slice(0, star) + 'x');
  });
}

/** A string expression: its text, and whether more unknown text follows (`'https://host/?' + query`). */
export function stringValue(
  e: t.Node | null | undefined,
  index: ScriptIndex,
  resolver: Resolver,
  depth = 0,
): { text: string; open: boolean } | undefined {
  if (!e || depth > 8) return undefined;
  const u = unwrap(e);
  if (u.type === 'JSXExpressionContainer')
    return u.expression.type === 'JSXEmptyExpression'
      ? undefined
      : stringValue(u.expression, index, resolver, depth + 1);
  if (u.type === 'BinaryExpression' && u.operator === '+') {
    const left = stringValue(u.left, index, resolver, depth + 1);
    if (!left) return undefined;
    if (left.open) return left;
    const right = stringValue(u.right, index, resolver, depth + 1);
    return right ? { text: left.text + right.text, open: right.open } : { text: left.text, open: true };
  }
  if (u.type === 'TemplateLiteral' && u.expressions.length) {
    const text = templateText(u, index, resolver);
    return text !== undefined ? { text, open: false } : { text: u.quasis[0].value.cooked ?? '', open: true };
  }
  if (u.type === 'Identifier') {
    const init = constInit(u, index) ?? iifeArgument(u, index);
    if (init) return stringValue(init, index, resolver, depth + 1);
  }
  const k = literalOf(u, index, resolver);
  return k.known && typeof k.value === 'string' ? { text: k.value, open: false } : undefined;
}

/**
 * A script load at `n`: `<script src="…">` (HTML, parsed as JSX) and JSX
 * `<script>`/`<Script>` elements, `el.src = url`, `el.setAttribute('src', url)`.
 * Not `importScripts(url)`: it exists only in a worker, which runs once the page
 * registered it (a push SDK's service worker, registered by the SDK's gated
 * init or push opt-in); an SDK call the worker makes is a sink of its own.
 * Returns the node to report (a flow point) and the URL.
 */
export function scriptLoad(
  n: t.Node,
  index: ScriptIndex,
  resolver: Resolver,
): { node: t.Node; url: { text: string; open: boolean }; callee: string } | undefined {
  if (n.type === 'JSXOpeningElement') {
    const src = n.attributes.find(
      (a): a is t.JSXAttribute => a.type === 'JSXAttribute' && a.name.type === 'JSXIdentifier' && a.name.name === 'src',
    );
    if (!src) return undefined;
    const url = stringValue(src.value, index, resolver);
    const name =
      n.name.type === 'JSXIdentifier'
        ? n.name.name
        : n.name.type === 'JSXMemberExpression'
          ? (dottedName(n.name) ?? 'element')
          : 'element';
    return url !== undefined ? { node: n.name, url, callee: `<${name} src>` } : undefined;
  }
  if (
    n.type === 'AssignmentExpression' &&
    n.operator === '=' &&
    (n.left.type === 'MemberExpression' || n.left.type === 'OptionalMemberExpression') &&
    propertyName(n.left) === 'src'
  ) {
    const url = stringValue(n.right, index, resolver);
    return url !== undefined ? { node: n, url, callee: `${dottedName(n.left) ?? 'script.src'} =` } : undefined;
  }
  if (
    (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') &&
    (n.callee.type === 'MemberExpression' || n.callee.type === 'OptionalMemberExpression') &&
    propertyName(n.callee) === 'setAttribute'
  ) {
    const [name, value] = n.arguments;
    const attr = name && stringValue(name, index, resolver);
    if (!attr || attr.open || attr.text !== 'src') return undefined;
    const url = stringValue(value, index, resolver);
    return url !== undefined ? { node: n, url, callee: `${dottedName(n.callee) ?? 'setAttribute'}('src')` } : undefined;
  }
  return headScript(n, index, resolver);
}

/**
 * A script a framework's head config declares: `{ src: url }` in a `script` /
 * `scripts` list (Nuxt `app.head.script`, `useHead({ script })`, Docusaurus
 * `scripts`), a VuePress head tag `['script', { src: url }]`, or a plain URL in a
 * `scripts` list. The page loads it before any app code runs.
 */
function headScript(
  n: t.Node,
  index: ScriptIndex,
  resolver: Resolver,
): { node: t.Node; url: { text: string; open: boolean }; callee: string } | undefined {
  const listedIn = (el: t.Node): boolean => {
    const list = index.parent.get(el);
    if (list?.type !== 'ArrayExpression') return false;
    const held = index.parent.get(list);
    if (held?.type === 'ObjectProperty' && held.value === list)
      return ['script', 'scripts'].includes(keyName(held.key) ?? '');
    return list.elements[0] !== el && list.elements[0]?.type === 'StringLiteral' && list.elements[0].value === 'script';
  };
  if (n.type === 'ObjectProperty' && !n.computed && keyName(n.key) === 'src') {
    const holder = index.parent.get(n);
    if (holder?.type !== 'ObjectExpression' || !listedIn(holder)) return undefined;
    const url = stringValue(n.value, index, resolver);
    return url !== undefined ? { node: n.value, url, callee: 'head script src' } : undefined;
  }
  if (n.type === 'StringLiteral' && /^(?:https?:)?\/\//.test(n.value) && listedIn(n)) {
    return { node: n, url: { text: n.value, open: false }, callee: 'head script' };
  }
  return undefined;
}

// ------------------------------------------------------------------ framework config plugins

/**
 * The rules whose `configPlugins` the literal `n` names as a plugin of a
 * build config: an array element (`plugins: ['gatsby-plugin-google-gtag']`,
 * Nuxt `modules: [['nuxt-gtag', { … }]]`) or a plugin entry's `resolve`/`src`
 * (`{ resolve: 'gatsby-plugin-google-gtag', options: { … } }`). The plugin's
 * options (the entry's, or the config's `optionsKey`) decide its `unless`.
 */
export function configPluginRules(n: t.Node, plugged: RuleSpec[], index: ScriptIndex, resolver: Resolver): RuleSpec[] {
  const name = keyName(n);
  const named = plugged.flatMap((rule) =>
    (rule.configPlugins ?? []).filter((p) => p.package === name).map((plugin) => ({ rule, plugin })),
  );
  const options = named.length ? pluginEntryOptions(n, index) : undefined;
  if (!options) return [];
  const out: RuleSpec[] = [];
  for (const { rule, plugin } of named) {
    if (plugin.list && listKey(n, index) !== plugin.list) continue;
    const own = [...options];
    const held = plugin.optionsKey ? configOptions(n, plugin.optionsKey, index) : undefined;
    if (held) own.push(held);
    // A preset bundling the SDK's plugin (`option`): none without options, nor where that option is certainly absent.
    if (plugin.option && !own.length) continue;
    const absent = plugin.option ? [{ argument: 0, path: [plugin.option], equals: [null] }] : [];
    const spec: SinkSpec = { receivers: [], methods: [], unless: [...(plugin.unless ?? []), ...absent] };
    const asCall = (o: t.Node) =>
      ({ ...n, type: 'CallExpression', callee: n, arguments: [o] }) as unknown as t.CallExpression;
    if (!own.some((o) => !conditionsAllow(asCall(o), spec, index, resolver)) && !out.includes(rule)) out.push(rule);
  }
  return out;
}

/**
 * The options given with a plugin named by the literal `n` in a plugin position
 * (`['nuxt-gtag', { … }]`: the next element; `{ resolve, options }`: `options`),
 * none when it names a plugin without options; undefined when `n` is in no plugin position.
 */
function pluginEntryOptions(n: t.Node, index: ScriptIndex): t.Node[] | undefined {
  const parent = index.parent.get(n);
  if (parent?.type === 'ArrayExpression') {
    const pair = parent.elements[0] === n && index.parent.get(parent)?.type === 'ArrayExpression';
    return pair && parent.elements[1] ? [parent.elements[1]] : [];
  }
  if (
    parent?.type !== 'ObjectProperty' ||
    parent.value !== n ||
    !['resolve', 'src'].includes(keyName(parent.key) ?? '')
  )
    return undefined;
  const entry = index.parent.get(parent);
  const opts =
    entry?.type === 'ObjectExpression'
      ? entry.properties.find((p) => p.type === 'ObjectProperty' && keyName(p.key) === 'options')
      : undefined;
  return opts?.type === 'ObjectProperty' ? [opts.value] : [];
}

/** The config key whose list names the plugin `n`: `presets` of `presets: ['x']` and of `presets: [['x', {…}]]`. */
function listKey(n: t.Node, index: ScriptIndex): string | undefined {
  let list = index.parent.get(n);
  const outer = list && index.parent.get(list);
  if (list?.type === 'ArrayExpression' && outer?.type === 'ArrayExpression') list = outer;
  const held = list && index.parent.get(list);
  return held?.type === 'ObjectProperty' && held.value === list ? keyName(held.key) : undefined;
}

/** Nuxt `modules: ['nuxt-gtag'], gtag: { … }`: the `key` property of the nearest object around `n`. */
function configOptions(n: t.Node, key: string, index: ScriptIndex): t.Node | undefined {
  for (let up = index.parent.get(n); up; up = index.parent.get(up)) {
    if (up.type !== 'ObjectExpression') continue;
    const held = up.properties.find((p) => p.type === 'ObjectProperty' && keyName(p.key) === key);
    return held?.type === 'ObjectProperty' ? held.value : undefined;
  }
  return undefined;
}

/** Rules whose `scripts` name this URL. */
export function scriptRules(url: { text: string; open: boolean }, rules: RuleSpec[]): RuleSpec[] {
  return rules.filter((r) => r.scripts?.length && scriptUrlMatches(r.scripts, url));
}

// ------------------------------------------------------------------ code kept in strings

const SCRIPT_TEXT_PROPS = new Set(['innerHTML', 'outerHTML', 'text', 'textContent', 'innerText']);

/** A regular expression for SDK globals used in code text (`exponea.start(`), from the rules' receivers and dispatchers. */
export function globalsInText(rules: RuleSpec[], dispatchers: DispatcherSpec[]): RegExp | undefined {
  const names = new Set<string>();
  for (const r of rules) for (const s of r.sinks) for (const x of s.receivers) if ('global' in x) names.add(x.global);
  for (const d of dispatchers) for (const x of d.receivers) if ('global' in x) names.add(x.global);
  if (!names.size) return undefined;
  return new RegExp(`(?<![\\w$])(?:${[...names].map((n) => n.replace(/[$.]/g, '\\$&')).join('|')})\\s*[.(]`);
}

/** Absolute and protocol-relative URLs written in code text. */
const URL_IN_TEXT = /(?:https?:)?\/\/[^\s'"`<>()\\]+/g;

/** `<script>` and Next.js's `<Script>`: elements whose children are script code. */
const SCRIPT_ELEMENTS = new Set(['script', 'Script']);

export interface CodeInString {
  /** The string (or JSX text) holding the code. */
  node: t.Node;
  /** `calls exponea`, `loads https://…`. */
  mention: string;
  /** For a snippet that only loads an SDK's script: the rules of that script. */
  loads?: RuleSpec[];
  /** The exact text when it is fully static (`staticText`): code the analysis can parse. */
  code?: string;
  /** Set for a CMP option run as code (`codeStrings`): the CMP decides when it runs, as for the function form. */
  option?: boolean;
}

/**
 * Script text kept in a string and handed to the page (`script.text = "exponea.start({…})"`,
 * `dangerouslySetInnerHTML={{ __html: snippet }}`, the children of a `<script>` or
 * `<Script>` element: text, a string, a template literal or a constant holding one), or a CMP
 * option run as code (`codeStrings`), that names an SDK. Returns the string node, the SDK name it
 * mentions and its exact text when fully static (which the sink search then parses and searches:
 * sinks/index.ts codeStringSinks); for a snippet that only loads an SDK's script, the rules of that
 * script too (it loads no earlier than the page runs the string, so that is a load of the script there).
 */
export function codeInString(
  n: t.Node,
  index: ScriptIndex,
  resolver: Resolver,
  sdkText: RegExp | undefined,
  scripted: RuleSpec[] = [],
  codeStrings?: Set<string>,
): CodeInString | undefined {
  const find = (text: string): { mention: string; loads?: RuleSpec[] } | undefined => {
    const m = sdkText?.exec(text);
    if (m) return { mention: `calls ${m[0].replace(/\s*[.(]$/, '')}` };
    // A snippet that only injects an SDK's script (`t.src = 'https://assets.customer.io/assets/track.js'`).
    for (const u of text.matchAll(URL_IN_TEXT)) {
      const loads = scriptRules({ text: u[0], open: false }, scripted);
      if (loads.length) return { mention: `loads ${u[0]}`, loads };
    }
    return undefined;
  };
  let value: t.Node | undefined;
  // Set to `value` when it is a CMP option run as code.
  let option: t.Node | undefined;
  if (
    n.type === 'JSXElement' &&
    n.openingElement.name.type === 'JSXIdentifier' &&
    SCRIPT_ELEMENTS.has(n.openingElement.name.name)
  ) {
    for (const c of n.children) {
      const code =
        c.type === 'JSXText'
          ? c
          : c.type === 'JSXExpressionContainer' && c.expression.type !== 'JSXEmptyExpression'
            ? c.expression
            : undefined;
      const text = code?.type === 'JSXText' ? code.value : code && stringText(code, index);
      const found = text !== undefined ? find(text) : undefined;
      if (found) return { node: code!, ...found, code: staticText(code!, index) };
    }
    return undefined;
  }
  if (
    n.type === 'AssignmentExpression' &&
    (n.left.type === 'MemberExpression' || n.left.type === 'OptionalMemberExpression') &&
    SCRIPT_TEXT_PROPS.has(propertyName(n.left) ?? '')
  )
    value = n.right;
  // A head manager's script entry (`useHead({ script: [{ children: "…" }] })`): the page runs its text.
  else if (n.type === 'ObjectProperty' && headScriptText(n, index)) value = n.value;
  // A CMP option the CMP runs as code when it is a string (Klaro's `onAccept: "gtag(…)"`), matched by its
  // last name: an object written apart from the config (`klaroConfig.services.push({ onAccept: "…" })`) too.
  else if (n.type === 'ObjectProperty' && codeStrings?.size) {
    const at = objectPropertyPath(n.value, index);
    if (at !== undefined && codeStrings.has(lastSegment(at))) value = option = n.value;
  } else if (
    n.type === 'JSXAttribute' &&
    n.name.type === 'JSXIdentifier' &&
    n.name.name === 'dangerouslySetInnerHTML' &&
    n.value?.type === 'JSXExpressionContainer'
  ) {
    const obj = n.value.expression.type === 'ObjectExpression' ? n.value.expression : undefined;
    const html = obj?.properties.find(
      (p): p is t.ObjectProperty => p.type === 'ObjectProperty' && !p.computed && keyName(p.key) === '__html',
    );
    value = html?.value;
  }
  if (!value) return undefined;
  const text = stringText(value, index);
  const found = text !== undefined ? find(text) : undefined;
  return found ? { node: value, ...found, code: staticText(value, index), option: option === value } : undefined;
}

/**
 * The exact text of a fully static string expression: a literal (JSX text too), a template without
 * expressions, `+` of such, a constant holding one (not a classic script's top-level
 * name, which another script may assign). Undefined for anything else.
 */
function staticText(e: t.Node, index: ScriptIndex, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  const u = unwrap(e);
  if (u.type === 'StringLiteral' || u.type === 'JSXText') return u.value;
  if (u.type === 'TemplateLiteral')
    return u.expressions.length ? templateCode(u) : (u.quasis[0].value.cooked ?? undefined);
  if (u.type === 'BinaryExpression' && u.operator === '+') {
    const left = staticText(u.left, index, depth + 1);
    const right = left === undefined ? undefined : staticText(u.right, index, depth + 1);
    return right === undefined ? undefined : left! + right;
  }
  if (u.type === 'Identifier') {
    const b = index.binding(u);
    if (!b || (b.kind !== 'const' && index.script.kind === 'script' && b.scopeBlock.type === 'Program'))
      return undefined;
    const init = constInit(u, index);
    return init ? staticText(init, index, depth + 1) : undefined;
  }
  return undefined;
}

/** Keys of a head manager's script entry that hold the script's text (unhead's `children`, vue-meta's `innerHTML`). */
const HEAD_SCRIPT_TEXT = new Set(['children', 'innerHTML', 'textContent']);

/**
 * Is `n` the text of a `<script>` a head manager writes into the page: a `children`, `innerHTML` or
 * `textContent` property of an element of a `script` array (unhead's and Nuxt's `useHead({ script: [{
 * children }] })`, `app.head.script` of nuxt.config, vue-meta's `head() { return { script: [{ innerHTML }] } }`)?
 */
function headScriptText(n: t.ObjectProperty, index: ScriptIndex): boolean {
  if (n.computed || !HEAD_SCRIPT_TEXT.has(keyName(n.key) ?? '')) return false;
  const entry = index.parent.get(n);
  const list = entry?.type === 'ObjectExpression' ? index.parent.get(entry) : undefined;
  const held = list?.type === 'ArrayExpression' ? index.parent.get(list) : undefined;
  if (held?.type !== 'ObjectProperty' || held.value !== list || keyName(held.key) !== 'script') return false;
  // Data the browser never runs (`type: 'application/ld+json'`, an import map): no code.
  const type = (entry as t.ObjectExpression).properties.find(
    (p): p is t.ObjectProperty => p.type === 'ObjectProperty' && !p.computed && keyName(p.key) === 'type',
  );
  const value = type && unwrap(type.value);
  return !(value?.type === 'StringLiteral' && /json$|^importmap$|^speculationrules$/i.test(value.value.trim()));
}

/** `onAccept` of `services[].onAccept`. */
export function lastSegment(path: string): string {
  return (
    path
      .split(/\.|\[\]/)
      .filter(Boolean)
      .pop() ?? path
  );
}

/** The static text of a string expression (template quasis, `+` parts, `const`s); undefined when none. */
function stringText(e: t.Node, index: ScriptIndex, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  const u = unwrap(e);
  if (u.type === 'StringLiteral') return u.value;
  if (u.type === 'TemplateLiteral') return u.quasis.map((q) => q.value.cooked ?? q.value.raw).join(' ');
  if (u.type === 'BinaryExpression' && u.operator === '+')
    return (
      [stringText(u.left, index, depth + 1), stringText(u.right, index, depth + 1)]
        .filter((x) => x !== undefined)
        .join(' ') || undefined
    );
  if (u.type === 'Identifier') {
    const init = constInit(u, index);
    return init ? stringText(init, index, depth + 1) : undefined;
  }
  if (
    u.type === 'CallExpression' &&
    u.callee.type === 'Identifier' &&
    u.callee.name === 'useMemo' &&
    u.arguments[0] &&
    u.arguments[0].type === 'ArrowFunctionExpression' &&
    u.arguments[0].body.type !== 'BlockStatement'
  ) {
    return stringText(u.arguments[0].body, index, depth + 1);
  }
  return undefined;
}

// ------------------------------------------------------------------ descriptions (explain, policies)

/** `default export of react-onesignal`, `global OneSignalDeferred .push(callback parameter 0)`. */
export function describeReceiver(r: Receiver): string {
  const base =
    'global' in r
      ? `global ${r.global}`
      : `${r.export === 'default' ? 'default export' : r.export === '*' ? 'namespace' : r.export} of ${r.module}`;
  const steps = (r.path ?? []).map((s) =>
    typeof s === 'string'
      ? `.${s}`
      : 'call' in s
        ? '()'
        : 'anyProperty' in s
          ? '.*'
          : `(callback parameter ${s.callbackParameter.parameter} of argument ${s.callbackParameter.argument}${s.callbackParameter.property ? ` property ${s.callbackParameter.property}` : ''})`,
  );
  return steps.length ? `${base} ${steps.join('')}` : base;
}

function describeCondition(c: ArgumentCondition): string {
  const at = `argument ${c.argument}${(c.path ?? []).map((p) => `.${p}`).join('')}`;
  if (c.length !== undefined) return `${at} is an array of ${c.length}`;
  return `${at} is ${(c.equals ?? []).map((v) => JSON.stringify(v)).join(' or ')}`;
}

/** One line per sink spec: methods, receivers, argument conditions. */
export function describeSink(s: SinkSpec): string {
  const parts = [`${s.methods.join(', ')} on ${[...new Set(s.receivers.map(describeReceiver))].join('; ')}`];
  if (s.when?.length)
    parts.push(`only when ${s.when.map(describeCondition).join(' and ')} (or cannot be told statically)`);
  if (s.unless?.length) parts.push(`not when ${s.unless.map(describeCondition).join(' or ')}`);
  return parts.join(', ');
}
