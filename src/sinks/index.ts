/**
 * Finding sinks: calls whose callee *is* a policy's SDK method, by resolution.
 */
import type * as t from '@babel/types';
import type {
  AnalysisError,
  DispatcherSpec,
  Origin,
  Purpose,
  Receiver,
  RuleSpec,
  SinkDeferral,
  SinkSpec,
} from '../model.js';
import {
  holdsProperties,
  alternatives,
  constInit,
  unmodifiedInit,
  dottedName,
  forEachChild,
  invocationArguments,
  keyName,
  propertyName,
  unwrap,
  type ModuleInfo,
  type Resolver,
  type Root,
  type ScriptIndex,
  type Value,
  storedGlobal,
  stringScript,
  jsxAsCall,
  lineColumn,
  locOf,
} from '../program/index.js';
import { carried, leaves, SDK_ESCAPES, useOf, type ValueUseMatcher } from './escapes.js';
import {
  certainlyHold,
  codeInString,
  conditionSelectors,
  conditionsAllow,
  configPluginRules,
  dispatcherCalled,
  dispatchTargets,
  fromChosenGlobal,
  fromReceivers,
  globalsInText,
  matchReceiverMethod,
  readDispatch,
  receiverPrefix,
  scriptLoad,
  scriptRules,
  stringValue,
  type CodeInString,
  type Selector,
} from './forms.js';

export { leaves, sdkEscapesRule, useOf, valueUseMatcher, type ValueUseMatcher } from './escapes.js';
export { lastSegment } from './forms.js';

export interface Sink {
  rule: RuleSpec;
  /** The call (or, for an SDK method passed as a callback, the reference). */
  node: t.Node;
  index: ScriptIndex;
  /** The callee as written, e.g. `lp.start`. */
  callee: string;
  /** Purposes required at this call: the rule's, plus argument-sensitive extras. */
  requires: Purpose[];
  /** Set when an SDK value leaves the analysis here, or a member cannot be bounded: how. */
  escape?: string;
  /** Set when the call may or may not reach the SDK (a global chosen at run time): why it counts. */
  uncertain?: string;
  /**
   * The sink spec whose SDK switches (`unlessDeferredBy`) hold this call back once one has run
   * before it on every path (set only when it is the one spec the call is a sink of).
   */
  heldBackBy?: SinkSpec;
  /**
   * Tests that choose the argument making the call a sink (`conditionSelectors`): one list per
   * sink form that applies; the call releases the SDK only when every test of some list comes out so.
   */
  selectedBy?: Selector[][];
  /**
   * A call in script code kept in a constant string, found by this same search in the string's
   * own parsed script (`node` is then the string): that call, its script, and its selectors there.
   * The page runs the string where the host runs it: what holds at the string holds at the call,
   * and so does what the string's own tests prove before it.
   */
  within?: { node: t.Node; index: ScriptIndex; callee: string; selectedBy?: Selector[][] };
  /** The string is a CMP option run as code (`codeStrings`): the CMP runs it when it would run the function form. */
  codeOption?: boolean;
  /** Set when `node` is script code kept in a string (a call in it, or a script it loads). */
  inString?: boolean;
}

/** The selector lists of the sink forms that apply to one call: none at all once a form applies unselected. */
class Selections {
  private all: Selector[][] | undefined = [];

  add(selectors: Selector[]): void {
    if (!this.all) return;
    if (selectors.length) this.all.push(selectors);
    else this.all = undefined;
  }

  lists(): Selector[][] | undefined {
    return this.all?.length ? this.all : undefined;
  }
}

/** An SDK switch that holds back the sinks of its spec once it has run (`unlessDeferredBy`), with its flow bit. */
export interface SdkSwitch {
  spec: SinkSpec;
  deferral: SinkDeferral;
  bit: number;
}

/** The bits of the SDK switches this call throws (`OneSignal.setConsentRequired(true)`). */
export function switchesThrown(
  call: t.CallExpression | t.OptionalCallExpression,
  index: ScriptIndex,
  resolver: Resolver,
  switches: readonly SdkSwitch[],
): number {
  if (!switches.length) return 0;
  const v = resolver.value(unwrap(call.callee), index);
  let bits = 0;
  for (const s of switches)
    if (
      !(bits & s.bit) &&
      matchMethod(v, s.spec.receivers, [s.deferral.method]) &&
      certainlyHold(call, s.deferral.when ?? [], index, resolver)
    )
      bits |= s.bit;
  return bits;
}

/** Does `root` + leading steps name `origin`? Returns how many steps the origin consumed, or -1. */
export function originPrefix(v: Extract<Value, { kind: 'path' }>, origin: Origin): number {
  const r: Root = v.root;
  if ('global' in origin) return 'global' in r && r.global === origin.global ? 0 : -1;
  if (!('module' in r) || r.module !== origin.module) return -1;
  if (r.export === origin.export) return 0;
  // `import * as ns` / `require()` then `ns.default` / `ns.named`.
  const first = v.steps[0];
  if (r.export === '*' && first && 'prop' in first && first.prop === origin.export) return 1;
  return -1;
}

/**
 * Is `v` one of `methods` of one of `receivers`? A method may be a dotted
 * path (`notifications.push`). Returns the method, null for a computed,
 * unknown member, or undefined. (Receivers may have v2 paths: see forms.ts.)
 */
export function matchMethod(v: Value | undefined, receivers: Receiver[], methods: string[]): string | null | undefined {
  // Asked of every callee for every sink spec: a single value needs no array of alternatives.
  if (!v) return undefined;
  if (v.kind !== 'union') return matchReceiverMethod(v, receivers, methods);
  let out: string | null | undefined;
  for (const a of v.values) {
    const m = matchReceiverMethod(a, receivers, methods);
    if (m) return m;
    if (m === null) out = null;
  }
  return out;
}

/** Does the value flow from one of `sources` (any member, call or await of it)? */
export function flowsFrom(v: Value | undefined, sources: Origin[]): boolean {
  return alternatives(v).some((a) => a.kind === 'path' && sources.some((o) => originPrefix(a, o) >= 0));
}

/** Does an argument expression carry a value from `sources`, also through strings built from it? */
function argumentFlows(e: t.Node, index: ScriptIndex, sources: Origin[], resolver: Resolver, depth = 0): boolean {
  if (depth > 10) return false;
  const u = unwrap(e);
  if (flowsFrom(resolver.value(u, index), sources)) return true;
  const again = (x: t.Node) => argumentFlows(x, index, sources, resolver, depth + 1);
  switch (u.type) {
    case 'TemplateLiteral':
      return u.expressions.some(again);
    case 'BinaryExpression':
      return again(u.left) || again(u.right);
    case 'LogicalExpression':
    case 'ConditionalExpression':
      return (u.type === 'ConditionalExpression' ? [u.consequent, u.alternate] : [u.left, u.right]).some(again);
    case 'AwaitExpression':
      return again(u.argument);
    case 'CallExpression': {
      // String(x), x.toString(), x.trim()...: still the identifier.
      const c = unwrap(u.callee);
      if (c.type === 'Identifier' && c.name === 'String') return u.arguments.some(again);
      if (c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression') return again(c.object);
      return false;
    }
    case 'Identifier': {
      const init = constInit(u, index);
      return init ? again(init) : false;
    }
    default:
      return false;
  }
}

/** How a callee reads in reports: `Leanplum.start`, `messaging().getToken`, `sdk[…].track`; `…` for what has no name. */
function calleeText(n: t.Node): string {
  const e = unwrap(n);
  switch (e.type) {
    case 'Identifier':
      return e.name;
    case 'ThisExpression':
      return 'this';
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const p = propertyName(e);
      // `window['@iterable/web-sdk'].initialize`, `queue[0]`: a name that is no identifier keeps its brackets.
      const step =
        p === null ? '[…]' : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : /^\d+$/.test(p) ? `[${p}]` : `['${p}']`;
      return `${calleeText(e.object)}${step}`;
    }
    case 'CallExpression':
    case 'OptionalCallExpression':
      return `${calleeText(e.callee)}()`;
    default:
      return '…';
  }
}

const sdkRulesMemo = new WeakMap<RuleSpec[], RuleSpec[]>();

/** The rules with SDK sinks, one array per rule list (the receiver index of `carried` is kept per array). */
const NO_DISPATCHERS: DispatcherSpec[] = [];

/** What the sink search derives from the rules in force (the same for every module searched). */
interface SinkSearch {
  escapeRule: RuleSpec | undefined;
  sdkRules: RuleSpec[];
  receivers: Receiver[];
  scripted: RuleSpec[];
  /** Rules with framework plugins (`configPlugins`): their package names in a build config are sinks. */
  plugged: RuleSpec[];
  /** Their package names: a literal is tested further only when it is one. */
  pluginNames: Set<string>;
  sdkText: RegExp | undefined;
  /** Components are capitalised (`<PostHogProvider>`); lower-case names are DOM elements. */
  componentNames: Set<string>;
  /** Per project and file: does the file name one of them, or re-export a module that does? */
  componentMentions: WeakMap<object, Map<string, boolean>>;
}

const sinkSearchMemo = new WeakMap<RuleSpec[], WeakMap<DispatcherSpec[], SinkSearch>>();

function sinkSearchOf(rules: RuleSpec[], dispatchers: DispatcherSpec[]): SinkSearch {
  let byDispatchers = sinkSearchMemo.get(rules);
  if (!byDispatchers) sinkSearchMemo.set(rules, (byDispatchers = new WeakMap()));
  let out = byDispatchers.get(dispatchers);
  if (out) return out;
  const sdkRules = sdkRulesOf(rules);
  out = {
    escapeRule: rules.find((r) => r.id === SDK_ESCAPES),
    sdkRules,
    receivers: sdkRules.flatMap((r) => r.sinks.flatMap((s) => s.receivers)),
    scripted: rules.filter((r) => r.scripts?.length),
    plugged: rules.filter((r) => r.configPlugins?.length),
    pluginNames: new Set(rules.flatMap((r) => (r.configPlugins ?? []).map((c) => c.package))),
    sdkText: globalsInText(rules, dispatchers),
    componentNames: new Set(
      sdkRules
        .flatMap((r) => r.sinks.flatMap((s) => s.methods.map((m) => m.split('.').pop()!)))
        .filter((m) => /^[A-Z]/.test(m)),
    ),
    componentMentions: new WeakMap(),
  };
  byDispatchers.set(dispatchers, out);
  return out;
}

function sdkRulesOf(rules: RuleSpec[]): RuleSpec[] {
  let out = sdkRulesMemo.get(rules);
  if (!out) sdkRulesMemo.set(rules, (out = rules.filter((r) => r.sinks.length)));
  return out;
}

/** Names a module exports (ESM, `export *` followed, CommonJS), from its statements. */
export function exportNames(mod: ModuleInfo, resolver: Resolver, seen = new Set<ModuleInfo>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(mod)) return names;
  seen.add(mod);
  for (const index of mod.scripts) {
    for (const s of index.script.ast.program.body) {
      if (s.type === 'ExportDefaultDeclaration') names.add('default');
      else if (s.type === 'ExportNamedDeclaration') {
        const d = s.declaration;
        if (d && (d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) names.add(d.id.name);
        if (d && d.type === 'VariableDeclaration')
          for (const decl of d.declarations) for (const id of bindingNames(decl.id)) names.add(id);
        for (const spec of s.specifiers)
          names.add(spec.exported.type === 'Identifier' ? spec.exported.name : spec.exported.value);
      } else if (s.type === 'ExportAllDeclaration') {
        const target = resolver.project.resolveImport(index.script.file, s.source.value);
        const m = target && 'file' in target ? resolver.project.module(target.file) : undefined;
        if (m)
          for (const n of exportNames(m, resolver, seen))
            if (n !== 'default') names.add(n);
            else if (target && 'package' in target) names.add(`*${target.package}`);
      } else if (s.type === 'ExpressionStatement' && s.expression.type === 'AssignmentExpression') {
        const left = dottedName(s.expression.left) ?? '';
        if (left === 'module.exports') names.add('default');
        const m = /^(?:module\.)?exports\.(\w+)$/.exec(left);
        if (m) names.add(m[1]);
      }
    }
  }
  return names;
}

function bindingNames(p: t.Node): string[] {
  if (p.type === 'Identifier') return [p.name];
  if (p.type === 'ObjectPattern')
    return p.properties.flatMap((x) => bindingNames(x.type === 'RestElement' ? x.argument : x.value));
  if (p.type === 'ArrayPattern') return p.elements.flatMap((x) => (x ? bindingNames(x) : []));
  if (p.type === 'AssignmentPattern') return bindingNames(p.left);
  if (p.type === 'RestElement') return bindingNames(p.argument);
  return [];
}

/**
 * Does a module hand out an SDK value (the SDK object, one of its members, a
 * function returning it) or an advertising-ID source? Its importers may then
 * reach the SDK without ever naming it.
 */
export function exportsSdkValue(
  mod: ModuleInfo,
  rules: RuleSpec[],
  resolver: Resolver,
  queues: { global: string; method: string }[] = [],
): boolean {
  const receivers: Receiver[] = rules.flatMap((r) => r.sinks.flatMap((s) => s.receivers));
  const origins: Origin[] = rules.flatMap((r) => (r.argumentRequirements ?? []).flatMap((a) => a.sources ?? []));
  const sdkRules = sdkRulesOf(rules);
  const sdkish = (value: Value | undefined, seen = new Set<t.Node>()): boolean => {
    // A loop, not recursion: a chain of functions returning functions (or a cycle
    // of them, across a 1,000-module import cycle) must not exhaust the stack.
    let v = value;
    while (v && v.kind === 'function') {
      if (carried(v, sdkRules, resolver)) return true;
      // `export function track() { dataLayer.push(arguments); }`: a stand-in for an SDK global (gtag).
      const fn0 = v;
      if (queues.some((q) => pushesArguments(fn0.node, fn0.index, q, resolver))) return true;
      // `export function withLp(f) { f(Leanplum) }`: its callers' callbacks receive the SDK.
      const fn = v;
      if (invocationArguments(fn.node, fn.index).some((a) => carried(resolver.value(a, fn.index), sdkRules, resolver)))
        return true;
      if (seen.has(v.node)) return false;
      seen.add(v.node);
      v = resolver.returned(v.node, v.index);
    }
    if (!v) return false;
    if (v.kind === 'union') return v.values.some((a) => sdkish(a, seen));
    if (carried(v, sdkRules, resolver)) return true;
    // A React context or Angular token holding the SDK: its readers get it without naming it.
    if (carried(resolver.channelContents(v), sdkRules, resolver)) return true;
    if (v.kind !== 'path') return false;
    const fromReceiver = receivers.some((r) => {
      const m = receiverPrefix(v, r, true);
      return m !== undefined && m.steps.slice(m.k).every((step) => 'prop' in step);
    });
    return (
      fromReceiver ||
      origins.some((o) => {
        const k = originPrefix(v, o);
        return k >= 0 && v.steps.slice(k).every((step) => 'prop' in step);
      })
    );
  };
  for (const name of exportNames(mod, resolver)) {
    // `export * from 'pkg'`: hands out the SDK only if the package is one.
    if (name.startsWith('*')) {
      if ([...receivers, ...origins].some((o) => 'module' in o && o.module === name.slice(1))) return true;
      continue;
    }
    if (sdkish(resolver.exportValue(mod, name, 0))) return true;
  }
  return exportsSdkType(mod, resolver, (v) => sdkish(v));
}

/** Declarations whose types an importer can use without naming the SDK. */
const TYPE_CARRIERS = new Set([
  'TSInterfaceDeclaration',
  'TSTypeAliasDeclaration',
  'TSDeclareFunction',
  'ClassDeclaration',
  'TypeAlias',
  'OpaqueType',
  'InterfaceDeclaration',
]);

/**
 * Does a module export a type that carries the SDK (`interface Deps { lp: typeof
 * Leanplum }`, `declare function getSdk(): typeof Leanplum`, Flow `export type LP
 * = typeof Leanplum`), itself or through a type imported from such a module? An
 * importer may reach the SDK through that type alone (`d.lp.start()`, see
 * program/types.ts).
 */
function exportsSdkType(
  mod: ModuleInfo,
  resolver: Resolver,
  sdkish: (v: Value | undefined) => boolean,
  seen = new Set<string>(),
): boolean {
  if (seen.has(mod.file)) return false;
  seen.add(mod.file);
  const project = resolver.project;
  for (const index of mod.scripts) {
    for (const s of index.script.ast.program.body) {
      const d = s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration' ? s.declaration : null;
      if (!d || !TYPE_CARRIERS.has(d.type)) continue;
      let found = false;
      walkTypes(d, (n) => {
        if (found) return;
        const query = n.type === 'TSTypeQuery' || n.type === 'TypeofTypeAnnotation';
        const name =
          n.type === 'TSTypeQuery'
            ? n.exprName
            : n.type === 'TypeofTypeAnnotation'
              ? (typeName(n.argument) ?? n.argument)
              : typeName(n);
        let root: t.Node | undefined = name ?? undefined;
        while (root && (root.type === 'TSQualifiedName' || root.type === 'QualifiedTypeIdentifier'))
          root = root.type === 'TSQualifiedName' ? root.left : root.qualification;
        if (!root || root.type !== 'Identifier') return;
        if (query && sdkish(resolver.value(root, index))) found = true;
        // A type imported from another app module (`Deps` in `interface Services { deps: Deps }`).
        const b = index.binding(root);
        const source = b?.kind === 'module' ? b.importDeclaration?.source.value : undefined;
        const target = source === undefined ? undefined : project.resolveImport(index.script.file, source);
        if (!found && target && 'file' in target) {
          const other = project.module(target.file);
          if (other && exportsSdkType(other, resolver, sdkish, seen)) found = true;
        }
      });
      if (found) return true;
    }
  }
  return false;
}

function walkTypes(n: t.Node, visit: (n: t.Node) => void): void {
  visit(n);
  forEachChild(n, (c) => walkTypes(c, visit), true);
}

function typeName(n: t.Node): t.Node | undefined {
  if (n.type === 'TSTypeReference') return n.typeName;
  if (n.type === 'GenericTypeAnnotation') return n.id;
  return undefined;
}

const CODE_FROM_STRINGS: Record<string, number> = { eval: 0, Function: -1, setTimeout: 0, setInterval: 0 };

/**
 * Text of the calls that run code from any value (`eval(`, `Function(`): a file holding one is worth
 * parsing when the analysis needs it, so the call is reported (`setTimeout` runs code only from a
 * string written in place, whose own text names what it calls).
 */
export const DYNAMIC_CODE_TOKENS: readonly string[] = Object.keys(CODE_FROM_STRINGS)
  .filter((name) => !name.startsWith('set'))
  .map((name) => `${name}(`);

/**
 * Code built from strings (`eval`, `Function`, `setTimeout("…")`) cannot be
 * analysed: say so where it could hide an SDK call, never assume it is safe.
 */
function dynamicCode(
  call: t.CallExpression | t.OptionalCallExpression | t.NewExpression,
  v: Extract<Value, { kind: 'path' }>,
  index: ScriptIndex,
  errors: AnalysisError[],
): void {
  if (!('global' in v.root) || v.steps.length || !(v.root.global in CODE_FROM_STRINGS)) return;
  const at = CODE_FROM_STRINGS[v.root.global];
  const arg = at < 0 ? call.arguments[call.arguments.length - 1] : call.arguments[at];
  if (!arg) return;
  const u = unwrap(arg);
  // setTimeout(fn) is ordinary; only a string (or something unknown) for eval/Function is code.
  if (v.root.global.startsWith('set') && u.type !== 'StringLiteral' && u.type !== 'TemplateLiteral') return;
  errors.push(
    unresolved(
      index,
      call,
      `${v.root.global}(…) runs code built from a string, which consent-lint cannot analyse; an SDK call inside it would not be checked`,
    ),
  );
}

/** Something at `node` that could not be resolved statically (reported, never trusted). */
/**
 * The sinks of script code kept in a string (`codeInString`). A snippet that only loads an SDK's
 * script: a load of that script where the page runs the string. Fully static text: the sinks this
 * search finds in it, parsed as the classic script the page runs there, each a sink at the string
 * (`Sink.within`: the call in that script). Text built at run time, or that does not parse: an error.
 */
function codeStringSinks(
  hidden: CodeInString,
  index: ScriptIndex,
  rules: RuleSpec[],
  resolver: Resolver,
  errors: AnalysisError[],
  options: SinkOptions,
): Sink[] {
  if (hidden.loads)
    return hidden.loads.map((rule) => ({
      rule,
      node: hidden.node,
      index,
      callee: 'script code in a string',
      requires: [...rule.requires],
      uncertain: `${hidden.mention.replace(/^loads /, 'loads `')}\``,
      inString: true,
    }));
  const code = hidden.code !== undefined ? stringScript(hidden.node, hidden.code, index) : undefined;
  if (!code?.index) {
    errors.push(
      unresolved(
        index,
        hidden.node,
        code
          ? `script code kept in a string ${hidden.mention} but does not parse (${code.errors[0]?.message ?? 'parse error'}); consent-lint cannot analyse it, so this SDK call is unchecked. Call the SDK from code instead.`
          : `script code kept in a string ${hidden.mention}; consent-lint cannot analyse code built at run time in strings, so this SDK call is unchecked. Call the SDK from code instead, or keep the string constant.`,
      ),
    );
    return [];
  }
  return findSinks(code.index.module, rules, resolver, errors, options).map((s) => ({
    ...s,
    node: hidden.node,
    index,
    callee: `${s.callee} (in script code kept in a string)`,
    // A string in a string: the innermost call (what the strings between prove is not counted).
    within: s.within ?? { node: s.node, index: s.index, callee: s.callee, selectedBy: s.selectedBy },
    selectedBy: undefined,
    codeOption: hidden.option,
    inString: true,
  }));
}

function unresolved(index: ScriptIndex, node: t.Node, message: string): AnalysisError {
  const loc = locOf(node)!.start;
  return { file: index.script.file, line: loc.line, column: loc.column + 1, kind: 'unresolved', message };
}

/**
 * A dispatcher call (`Leanplum.applyQueue([{ name: 'start', args: [] }])`)
 * is a call of every method its queue names, at the dispatcher's call site.
 * A queue or name that cannot be read statically is reported, not trusted.
 */
function dispatched(
  call: t.CallExpression | t.OptionalCallExpression,
  d: DispatcherSpec,
  rules: RuleSpec[],
  index: ScriptIndex,
  resolver: Resolver,
  errors: AnalysisError[],
  at: t.Node = call,
): Sink[] {
  let arg: t.Node | undefined = call.arguments[Array.isArray(d.argument) ? d.argument[0] : d.argument];
  if (arg) arg = unwrap(arg);
  if (arg && arg.type === 'Identifier') {
    // A queued array written after its declaration (`cmd[0] = …`, `cmd.push(…)`) is not its literal.
    const init = unmodifiedInit(arg, index);
    if (init) arg = unwrap(init);
  }
  const callee = calleeText(unwrap(call.callee));
  if (!arg || arg.type !== 'ArrayExpression') {
    errors.push(
      unresolved(
        index,
        at,
        `${callee}(…) calls SDK methods by name from a queue that cannot be read statically; list the calls literally`,
      ),
    );
    return [];
  }
  const out: Sink[] = [];
  for (const el of arg.elements) {
    const prop =
      el && el.type === 'ObjectExpression'
        ? el.properties.find(
            (p): p is t.ObjectProperty =>
              p.type === 'ObjectProperty' &&
              !p.computed &&
              ((p.key.type === 'Identifier' && p.key.name === d.nameProperty) ||
                (p.key.type === 'StringLiteral' && p.key.value === d.nameProperty)),
          )
        : undefined;
    const name = prop ? resolver.value(prop.value, index) : undefined;
    if (!name || name.kind !== 'literal' || typeof name.value !== 'string') {
      errors.push(
        unresolved(index, el ?? at, `${callee}(…) queues a call whose method name cannot be read statically`),
      );
      continue;
    }
    const method = name.value;
    for (const rule of rules) {
      if (
        rule.sinks.some(
          (s) =>
            s.methods.includes(method) &&
            s.receivers.some((r) => d.receivers.some((x) => JSON.stringify(x) === JSON.stringify(r))),
        )
      ) {
        out.push({ rule, node: at, index, callee: `${callee}→${method}`, requires: [...rule.requires] });
      }
    }
  }
  return out;
}

export interface SinkOptions {
  dispatchers?: DispatcherSpec[];
  valueUses?: ValueUseMatcher;
  /** Last names of config options run as code when given a string (policies' `codeStrings`): `onAccept`. */
  codeStrings?: Set<string>;
  /** CMP libraries a site hosts itself: the global each declares and properties its object always has (guards' `libraryProperties`). */
  cmpLibraries?: { global: string; properties: string[] }[];
}

/**
 * Is this module a CMP's own library, hosted by the site (tarteaucitron.js:
 * `var tarteaucitron = { init, services, addService, … }`)? Its `eval` of the
 * page's script elements runs what the page holds, which the page's own
 * analysis sees: not code of the app's to report.
 */
function declaresCmpLibrary(mod: ModuleInfo, libraries: { global: string; properties: string[] }[]): boolean {
  for (const index of mod.scripts) {
    if (index.script.kind !== 'script') continue;
    for (const st of index.script.ast.program.body) {
      const declared =
        st.type === 'VariableDeclaration'
          ? st.declarations.map((d) => [d.id, d.init] as const)
          : st.type === 'ExpressionStatement' && st.expression.type === 'AssignmentExpression'
            ? [[st.expression.left, st.expression.right] as const]
            : [];
      for (const [target, init] of declared) {
        const name =
          target.type === 'Identifier'
            ? target.name
            : target.type === 'MemberExpression'
              ? storedGlobal(target, index)
              : undefined;
        if (!name || init?.type !== 'ObjectExpression') continue;
        if (libraries.some((l) => l.global === name && holdsProperties(init, l.properties))) return true;
      }
    }
  }
  return false;
}

const NO_SINKS: readonly Sink[] = [];

/** Every sink in a module: SDK calls and loads, SDK values that leave the analysis, and what cannot be resolved. */
export function findSinks(
  mod: ModuleInfo,
  rules: RuleSpec[],
  resolver: Resolver,
  errors: AnalysisError[],
  options: SinkOptions = {},
): Sink[] {
  const dispatchers = options.dispatchers ?? NO_DISPATCHERS;
  const {
    escapeRule,
    sdkRules,
    receivers,
    scripted,
    plugged,
    pluginNames,
    sdkText,
    componentNames,
    componentMentions,
  } = sinkSearchOf(rules, dispatchers);
  const sinks: Sink[] = [];
  // Asked only where code runs from a string (most modules have none).
  let ownLibrary: boolean | undefined;
  const jsxComponentCandidate = (name: t.JSXIdentifier | t.JSXMemberExpression, index: ScriptIndex): boolean => {
    let root: t.JSXIdentifier | t.JSXMemberExpression = name;
    while (root.type === 'JSXMemberExpression') root = root.object;
    const last = name.type === 'JSXIdentifier' ? name.name : name.property.name;
    if (componentNames.has(last)) return true;
    if (!componentNames.size) return false;
    const b = index.binding(root);
    const source = b?.kind === 'module' ? b.importDeclaration?.source.value : undefined;
    // A local (`const P = PostHogProvider`) or a global resolves without parsing other modules.
    if (source === undefined) return true;
    // An app module handing the component on under another name names it in its text (a barrel, a wrapper).
    const target = resolver.project.resolveImport(index.script.file, source);
    return !target || 'package' in target || mentionsComponent(target.file);
  };
  // Asked for every element imported from an app module: remembered per file for the run.
  let mentions = componentMentions.get(resolver.project);
  if (!mentions) componentMentions.set(resolver.project, (mentions = new Map<string, boolean>()));
  const mentionsComponent = (file: string, depth = 0): boolean => {
    const known = depth === 0 ? mentions.get(file) : undefined;
    if (known !== undefined) return known;
    const text = resolver.project.files.get(file)?.text ?? '';
    const found =
      [...componentNames].some((c) => text.includes(c)) ||
      // `export … from './x'`: the name may be one more module away.
      (depth <= 3 &&
        /\bexport\b[^;]*\bfrom\b/.test(text) &&
        resolver.project.specifiers(file).some((spec) => {
          const next = resolver.project.resolveImport(file, spec);
          return next !== undefined && 'file' in next && mentionsComponent(next.file, depth + 1);
        }));
    if (depth === 0) mentions.set(file, found);
    return found;
  };
  // A server-side template tag that prints an SDK call (`<?php echo "<script>Leanplum.start()</script>"; ?>`):
  // the page runs it, the analysis never sees it (the tags are blanked before parsing).
  if (sdkText && mod.templateTags) {
    const text = resolver.project.files.get(mod.file)?.text ?? '';
    for (const tag of mod.templateTags) {
      const m = sdkText.exec(text.slice(tag.start, tag.end));
      if (!m) continue;
      const at = lineColumn(text, tag.start + m.index);
      errors.push({
        file: mod.file,
        ...at,
        kind: 'unresolved',
        message: `template code calls ${m[0].replace(/\s*[.(]$/, '')}; consent-lint cannot analyse what a template tag prints, so this SDK call is unchecked. Keep the call in the page's own <script>.`,
      });
    }
  }
  for (const index of mod.scripts) {
    index.nodes.forEach((n) => {
      if (
        (sdkText || scripted.length) &&
        (n.type === 'AssignmentExpression' ||
          n.type === 'JSXAttribute' ||
          n.type === 'JSXElement' ||
          n.type === 'ObjectProperty')
      ) {
        const hidden = codeInString(n, index, resolver, sdkText, scripted, options.codeStrings);
        if (hidden) sinks.push(...codeStringSinks(hidden, index, rules, resolver, errors, options));
      }
      if (
        scripted.length &&
        (n.type === 'JSXOpeningElement' ||
          n.type === 'AssignmentExpression' ||
          n.type === 'CallExpression' ||
          n.type === 'OptionalCallExpression' ||
          n.type === 'ObjectProperty' ||
          n.type === 'StringLiteral')
      ) {
        const load = scriptLoad(n, index, resolver);
        if (load)
          for (const rule of scriptRules(load.url, scripted))
            sinks.push({ rule, node: load.node, index, callee: load.callee, requires: [...rule.requires] });
      }
      if ((n.type === 'StringLiteral' || n.type === 'TemplateLiteral') && pluginNames.has(keyName(n) ?? ''))
        for (const rule of configPluginRules(n, plugged, index, resolver))
          sinks.push({ rule, node: n, index, callee: `plugin '${keyName(n)}'`, requires: [...rule.requires] });
      let target: t.Node;
      // The call whose arguments the SDK receives: `n` itself, or what `.call`/`.apply` forward.
      let args: t.CallExpression | t.OptionalCallExpression | t.NewExpression | undefined;
      if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
        target = unwrap(n.callee);
        args = n;
        // `Leanplum.start.call(Leanplum)`, `.apply(…)`; a dispatcher too (`gtag.apply(this, args)`, `batchSDK.call(null, 'setup', …)`)
        const how =
          target.type === 'MemberExpression' || target.type === 'OptionalMemberExpression'
            ? propertyName(target)
            : null;
        if (
          (how === 'call' || how === 'apply') &&
          (target.type === 'MemberExpression' || target.type === 'OptionalMemberExpression')
        ) {
          const inner = resolver.value(target.object, index);
          if (
            sdkRules.some((r) => r.sinks.some((s) => matchMethod(inner, s.receivers, s.methods))) ||
            dispatches(inner)
          ) {
            target = target.object;
            args = forwarded(n, target, how);
          }
        }
      } else if (
        n.type === 'AssignmentExpression' &&
        n.operator === '=' &&
        (n.left.type === 'MemberExpression' || n.left.type === 'OptionalMemberExpression')
      ) {
        // `sdk.dataCollectionEnabled = true` (Airship web): a property store as a call with the value as argument 0.
        const v = resolver.value(n.left, index);
        const asCall = {
          ...n,
          type: 'CallExpression',
          callee: n.left,
          arguments: [n.right],
        } as unknown as t.CallExpression;
        for (const rule of sdkRules) {
          for (const spec of rule.sinks) {
            // Only a property's store is a sink; storing over a method replaces it (`sdk.init = vi.fn()`).
            if (
              !spec.property ||
              !matchMethod(v, spec.receivers, spec.methods) ||
              !conditionsAllow(asCall, spec, index, resolver)
            )
              continue;
            const selectors = conditionSelectors(asCall, spec, index, resolver);
            sinks.push({
              rule,
              node: n,
              index,
              callee: `${calleeText(n.left)} =`,
              requires: [...rule.requires],
              selectedBy: selectors.length ? [selectors] : undefined,
            });
            return;
          }
        }
        return;
      } else if (n.type === 'JSXOpeningElement') {
        // `<PostHogProvider apiKey="…">`: a component that is an SDK entry point.
        if (n.name.type === 'JSXNamespacedName') return;
        // Resolving every element would parse every component's module: only a name an SDK rule
        // names, or one imported from a package (an alias of the SDK's component), can be one.
        if (!jsxComponentCandidate(n.name, index)) return;
        const v = resolver.value(n.name, index);
        for (const rule of sdkRules) {
          for (const spec of rule.sinks) {
            if (!matchMethod(v, spec.receivers, spec.methods) || !conditionsAllow(jsxAsCall(n), spec, index, resolver))
              continue;
            const name =
              n.name.type === 'JSXIdentifier'
                ? n.name.name
                : `${n.name.object.type === 'JSXIdentifier' ? n.name.object.name : '…'}.${n.name.property.name}`;
            sinks.push({ rule, node: n.name, index, callee: `<${name}>`, requires: [...rule.requires] });
            return;
          }
        }
        return;
      } else if (n.type === 'NewExpression') {
        // `new PostHog(key, options)`: a constructor may itself be the sink.
        target = unwrap(n.callee);
        args = n;
      } else {
        // An SDK value (the SDK, one of its methods, something handing it out) used where the analysis cannot follow it.
        if (
          options.valueUses &&
          (n.type === 'MemberExpression' ||
            n.type === 'OptionalMemberExpression' ||
            n.type === 'Identifier' ||
            n.type === 'FunctionExpression' ||
            n.type === 'ArrowFunctionExpression')
        ) {
          const escaped = escapeSinks(n, index, options.valueUses);
          if (escaped.length) sinks.push(...escaped);
        }
        return;
      }
      const v = resolver.value(target, index);
      // Made when a dispatcher is first called (most callees call none).
      let called: Set<DispatcherSpec> | undefined;
      const alts = alternatives(v);
      for (const a of alts) {
        if (a.kind !== 'path') continue;
        if (!(ownLibrary ??= declaresCmpLibrary(mod, options.cmpLibraries ?? []))) dynamicCode(n, a, index, errors);
        if (n.type === 'NewExpression') continue;
        for (const d of dispatchers) {
          if (!dispatcherCalled(a, d) || called?.has(d)) continue;
          (called ??= new Set()).add(d);
          if (d.nameProperty) sinks.push(...dispatched(args as t.CallExpression, d, rules, index, resolver, errors, n));
          else sinks.push(...commanded(args as t.CallExpression, d, rules, index, resolver, n));
        }
      }
      // `function gtag() { dataLayer.push(arguments); }` of the app's own: a call of it is a call of the global.
      if (n.type !== 'NewExpression')
        for (const a of alts) {
          if (a.kind !== 'function') continue;
          for (const d of dispatchers) {
            if (!d.argumentsQueue || called?.has(d) || !pushesArguments(a.node, a.index, d.argumentsQueue, resolver))
              continue;
            (called ??= new Set()).add(d);
            sinks.push(...commanded(args as t.CallExpression, d, rules, index, resolver, n));
          }
        }
      // Most callees are no SDK member at all: the rules are matched only for one that starts at an SDK receiver.
      const chosen = isSdkPath(v) ? undefined : fromChosenGlobal(v, receivers);
      if (!chosen && !isSdkPath(v)) return;
      const callee = chosen ?? v;
      for (const rule of sdkRules) {
        const requires = new Set<Purpose>();
        let unbounded = false;
        const selected = new Selections();
        // The specs it is a sink of (the SDK switches of the one spec hold it back).
        const specs: SinkSpec[] = [];
        for (const spec of rule.sinks) {
          const m = matchMethod(callee, spec.receivers, spec.methods);
          if (m === null) unbounded = true;
          // `setOptOut(true)`, `init({ requiresUserPrivacyConsent: true })`: not a sink.
          if (!m || !conditionsAllow(args, spec, index, resolver)) continue;
          selected.add(conditionSelectors(args, spec, index, resolver));
          specs.push(spec);
          for (const p of rule.requires) requires.add(p);
          for (const p of argumentPurposes(rule, args, index, resolver)) requires.add(p);
        }
        if (requires.size)
          sinks.push({
            rule,
            node: n,
            index,
            callee: calleeText(target),
            requires: [...requires],
            selectedBy: selected.lists(),
            ...(specs.length === 1 && specs[0].unlessDeferredBy && { heldBackBy: specs[0] }),
            ...(chosen && {
              uncertain: `calls a member of a global chosen at run time, which may be ${globalsOf(rule)}`,
            }),
          });
        else if (unbounded) {
          // `sdk[name]()` with a name no finite set of strings bounds: it may be this rule's method.
          sinks.push({
            rule,
            node: n,
            index,
            callee: calleeText(target),
            requires: [...rule.requires],
            escape: `calls an SDK member whose name cannot be bounded statically (it may be ${rule.sinks.flatMap((s) => s.methods).join(', ')})`,
          });
        }
      }
    });
  }
  return sinks;

  /** Is `v` (one of) a dispatcher's receivers, or the app's own function queuing its `arguments` for one? */
  function dispatches(v: Value | undefined): boolean {
    return alternatives(v).some(
      (a) =>
        (a.kind === 'path' && dispatchers.some((d) => dispatcherCalled(a, d))) ||
        (a.kind === 'function' &&
          dispatchers.some((d) => d.argumentsQueue && pushesArguments(a.node, a.index, d.argumentsQueue, resolver))),
    );
  }

  function isSdkPath(v: Value | undefined): boolean {
    if (v?.kind !== 'union') return fromReceivers(v, receivers);
    return v.values.some((a) => fromReceivers(a, receivers));
  }

  function escapeSinks(n: t.Node, index: ScriptIndex, uses: ValueUseMatcher): readonly Sink[] {
    const use = useOf(n, index, uses);
    if (use.kind === 'kept') return NO_SINKS;
    // Passed to the SDK itself (`Leanplum.start.call(Leanplum)`): it already has it.
    if (use.kind === 'argument' && isSdkPath(resolver.value(use.call.callee, index))) return NO_SINKS;
    const how = leaves(use, index, resolver);
    if (!how) return NO_SINKS;
    const value = resolver.value(n, index);
    const what = carried(value, sdkRules, resolver);
    if (!what) return NO_SINKS;
    if (use.kind === 'escapes' && use.store && storedInItself(resolver.value(use.store, index), value, resolver))
      return NO_SINKS;
    const out: Sink[] = what.methods.map((rule) => ({
      rule,
      node: n,
      index,
      callee: calleeText(n),
      requires: [...rule.requires],
      escape: how,
    }));
    if (!what.methods.length && escapeRule && what.purposes.length)
      out.push({ rule: escapeRule, node: n, index, callee: calleeText(n), requires: what.purposes, escape: how });
    return out;
  }
}

/**
 * A store of an SDK global into itself: `window.OneSignalDeferred = window.OneSignalDeferred || []`
 * (stored back where it came from), or a member of the global given a function that hands out
 * only that global (Segment's snippet: `analytics.factory = (e) => function () { …; return analytics }`).
 * Every read of it goes through the global, which the analysis follows: no escape.
 */
function storedInItself(place: Value | undefined, value: Value | undefined, resolver: Resolver): boolean {
  if (place?.kind !== 'path' || !('global' in place.root)) return false;
  const global = place.root.global;
  // The snippet's stand-in before the SDK loads (`window.analytics || []`) is the same global.
  const isGlobal = (a: Value) =>
    (a.kind === 'path' && 'global' in a.root && a.root.global === global && !a.steps.length) || emptyLiteral(a);
  if (!place.steps.length) return alternatives(value).every((a) => a.kind !== 'path' || isGlobal(a));
  return alternatives(value).every((a) => a.kind === 'function' && handsOutOnly(a, isGlobal, resolver, 0));
}

/** An empty array or object literal: it holds nothing yet. */
function emptyLiteral(a: Value): boolean {
  return (a.kind === 'array' && !a.node.elements.length) || (a.kind === 'object' && !a.node.properties.length);
}

/** Does a function hand out (return, or return a function returning) only values `ok` accepts, and something? */
function handsOutOnly(
  f: Extract<Value, { kind: 'function' }>,
  ok: (a: Value) => boolean,
  resolver: Resolver,
  depth: number,
): boolean {
  if (depth > 2 || f.node.generator || f.node.async) return false;
  const out = alternatives(resolver.returned(f.node, f.index));
  return (
    out.length > 0 && out.every((a) => ok(a) || (a.kind === 'function' && handsOutOnly(a, ok, resolver, depth + 1)))
  );
}

/**
 * Does function `fn` pass its own `arguments` to `queue.global`'s `queue.method`
 * (`dataLayer.push(arguments)`, `window.dataLayer.push(arguments)`)? Arrow
 * functions have no `arguments` of their own; nested functions have theirs.
 */
export function pushesArguments(
  fn: t.Function,
  index: ScriptIndex,
  queue: { global: string; method: string },
  resolver: Resolver,
): boolean {
  return argumentsHandedOn(fn).some(
    (callee) =>
      propertyName(callee) === queue.method &&
      alternatives(resolver.value(callee.object, index)).some(
        (h) => h.kind === 'path' && 'global' in h.root && h.root.global === queue.global && !h.steps.length,
      ),
  );
}

const argumentsCallees = new WeakMap<t.Function, (t.MemberExpression | t.OptionalMemberExpression)[]>();

/**
 * The callees of the method calls in `fn`'s own body given exactly its
 * `arguments` (`q.push` of `q.push(arguments)`): found once per function
 * (every call of it asks).
 */
function argumentsHandedOn(fn: t.Function): (t.MemberExpression | t.OptionalMemberExpression)[] {
  let out = argumentsCallees.get(fn);
  if (out) return out;
  out = [];
  argumentsCallees.set(fn, out);
  if (fn.type === 'ArrowFunctionExpression' || !fn.body) return out;
  const found = out;
  const visit = (x: t.Node): void => {
    if (
      x !== fn.body &&
      (x.type === 'FunctionDeclaration' ||
        x.type === 'FunctionExpression' ||
        x.type === 'ObjectMethod' ||
        x.type === 'ClassMethod')
    )
      return;
    if ((x.type === 'CallExpression' || x.type === 'OptionalCallExpression') && x.arguments.length === 1) {
      const arg = x.arguments[0];
      const callee = unwrap(x.callee);
      if (
        arg.type === 'Identifier' &&
        arg.name === 'arguments' &&
        (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression')
      )
        found.push(callee);
    }
    forEachChild(x, visit);
  };
  visit(fn.body);
  return out;
}

/**
 * A command dispatch (`batchSDK('setup', …)`, `OneSignal.push(['init', …])`,
 * `AF('pba', 'event', …)`) is a call of the method it names. A command that
 * cannot be read statically may be any of them: it is a sink of every rule
 * the dispatcher can reach (a finding unless guarded for all), never silence.
 */
function commanded(
  call: t.CallExpression | t.OptionalCallExpression,
  d: DispatcherSpec,
  rules: RuleSpec[],
  index: ScriptIndex,
  resolver: Resolver,
  at: t.Node = call,
): Sink[] {
  const cmd = readDispatch(call, d, index, resolver);
  if (!cmd) return [];
  const callee = calleeText(unwrap(call.callee));
  const out: Sink[] = [];
  for (const { rule, spec, method } of dispatchTargets(d, rules, cmd.command, cmd.prefix)) {
    // `OneSignal.push(['init', { requiresUserPrivacyConsent: true }])`: the command's own arguments decide.
    if (cmd.args && !conditionsAllow(cmd.args, spec, index, resolver)) continue;
    const selectors = cmd.args ? conditionSelectors(cmd.args, spec, index, resolver) : [];
    out.push({
      rule,
      node: at,
      index,
      selectedBy: selectors.length ? [selectors] : undefined,
      callee:
        cmd.command !== null ? `${callee}('${cmd.command}')` : `${callee}(<computed command, may be '${method}'>)`,
      // `gtag('config', 'AW-…')`: the command's own arguments decide the extra purposes.
      requires: [
        ...new Set([...rule.requires, ...(cmd.args ? argumentPurposes(rule, cmd.args, index, resolver) : [])]),
      ],
    });
  }
  return out;
}

/**
 * The purposes a rule's `argumentRequirements` add for this call: an argument flowing from one
 * of their sources (an advertising identifier), or whose static text starts with one of their
 * prefixes (a Google Ads `AW-` tag id). Text that cannot be read adds nothing.
 */
function argumentPurposes(
  rule: RuleSpec,
  call: t.CallExpression | t.OptionalCallExpression | t.NewExpression,
  index: ScriptIndex,
  resolver: Resolver,
): Purpose[] {
  const out: Purpose[] = [];
  for (const req of rule.argumentRequirements ?? []) {
    const arg = call.arguments[req.argument];
    if (!arg || call.arguments.slice(0, req.argument + 1).some((a) => a.type === 'SpreadElement')) continue;
    const text = req.startsWith?.length ? stringValue(arg, index, resolver) : undefined;
    if (
      (req.sources?.length && argumentFlows(arg, index, req.sources, resolver)) ||
      (text && req.startsWith!.some((p) => text.text.length >= p.length && text.text.startsWith(p)))
    )
      out.push(...req.requires);
  }
  return out;
}

/**
 * The call `f.call(self, …args)` / `f.apply(self, list)` makes of `f` (`callee`): its arguments
 * after `self`, the elements of an array literal, or (any other list: `arguments`, a rest
 * parameter) one spread whose contents cannot be read.
 */
function forwarded(
  call: t.CallExpression | t.OptionalCallExpression,
  callee: t.Node,
  how: 'call' | 'apply',
): t.CallExpression {
  let list: (t.Expression | t.SpreadElement | t.ArgumentPlaceholder)[];
  if (how === 'call') list = call.arguments.slice(1);
  else {
    const given = call.arguments[1];
    const arr = given && given.type !== 'SpreadElement' ? unwrap(given) : undefined;
    if (!given) list = [];
    else if (arr?.type === 'ArrayExpression' && arr.elements.every((e) => e !== null)) list = arr.elements;
    else
      list = [
        { type: 'SpreadElement', argument: given.type === 'SpreadElement' ? given.argument : given } as t.SpreadElement,
      ];
  }
  // A spread before `self` hides where the forwarded arguments start.
  if (call.arguments[0]?.type === 'SpreadElement')
    list = [{ type: 'SpreadElement', argument: call.arguments[0].argument }];
  return { ...call, type: 'CallExpression', callee: callee as t.Expression, arguments: list };
}

/**
 * Globals a module stores an SDK value into (`window.lp = Leanplum`): files
 * that name them may read it back, so the pipeline parses them.
 */
export function sdkGlobalStores(mod: ModuleInfo, rules: RuleSpec[], resolver: Resolver): string[] {
  const sdkRules = sdkRulesOf(rules);
  const out = new Set<string>();
  for (const index of mod.scripts) {
    index.nodesOfType('AssignmentExpression').forEach((n) => {
      if (n.type !== 'AssignmentExpression' || n.operator !== '=') return;
      const name = storedGlobal(n.left, index);
      if (name && !out.has(name) && carried(resolver.value(n.right, index), sdkRules, resolver)) out.add(name);
    });
  }
  return [...out];
}

/** Keys of an Angular provider object that give the token a value. */
const PROVIDED = new Set(['useValue', 'useFactory']);

/**
 * Modules declaring a React context or Angular token this module gives an SDK
 * value to (`<LpContext.Provider value={Leanplum}>`, `{ provide: LP, useValue:
 * Leanplum }`). They hand the SDK out to every reader, so the pipeline treats
 * them as SDK exporters, even when their own text never names the SDK (the
 * relevance filter would decline them): `needs` lists the modules to parse
 * whatever their text, to find the channel (the import naming it, then the
 * modules it re-exports from, one hop per call).
 */
export function sdkChannelModules(
  mod: ModuleInfo,
  rules: RuleSpec[],
  resolver: Resolver,
): { modules: string[]; needs: string[] } {
  const sdkRules = sdkRulesOf(rules);
  const out = new Set<string>();
  const needs = new Set<string>();
  for (const index of mod.scripts) {
    index.nodes.forEach((n) => {
      let given: t.Node | undefined;
      if (n.type === 'JSXAttribute' && n.name.type === 'JSXIdentifier' && n.name.name === 'value')
        given = n.value?.type === 'JSXExpressionContainer' ? n.value.expression : undefined;
      else if (n.type === 'ObjectProperty' && !n.computed && PROVIDED.has(keyName(n.key) ?? '')) given = n.value;
      if (!given || given.type === 'JSXEmptyExpression') return;
      if (!carried(resolver.value(given, index), sdkRules, resolver)) return;
      for (const f of channelFiles(n, index, resolver, needs)) out.add(f);
    });
  }
  return { modules: [...out], needs: [...needs] };
}

/** The files declaring the channels `site` gives to; the import that names it (then its re-exports) joins `needs` while not parsed. */
function channelFiles(site: t.Node, index: ScriptIndex, resolver: Resolver, needs: Set<string>): string[] {
  const project = resolver.project;
  let files = resolver.channelFilesAt(site, index);
  let frontier = importsNaming(site, index, resolver);
  for (let hop = 0; !files.length && frontier.length && hop < 4; hop++) {
    const next: string[] = [];
    for (const f of frontier) {
      if (project.isParsed(f)) continue;
      const m = project.module(f);
      if (!m) needs.add(f);
      // A barrel passes the name on: the module it re-exports from may be the next one needed.
      for (const s of m?.scripts.flatMap((x) => x.script.ast.program.body) ?? []) {
        if ((s.type === 'ExportNamedDeclaration' || s.type === 'ExportAllDeclaration') && s.source) {
          const r = project.resolveImport(f, s.source.value);
          if (r && 'file' in r) next.push(r.file);
        }
      }
    }
    files = resolver.channelFilesAt(site, index);
    frontier = next;
  }
  return files;
}

/** The project file whose import binds the name a provider site uses (`LpContext` in `<LpContext.Provider>`, `provide: LP`). */
function importsNaming(site: t.Node, index: ScriptIndex, resolver: Resolver): string[] {
  let name: t.Node | undefined;
  if (site.type === 'JSXAttribute') {
    const element = index.parent.get(site);
    name = element?.type === 'JSXOpeningElement' ? element.name : undefined;
    while (name?.type === 'JSXMemberExpression') name = name.object;
  } else {
    const holder = index.parent.get(site);
    const provide =
      holder?.type === 'ObjectExpression'
        ? holder.properties.find((p) => p.type === 'ObjectProperty' && !p.computed && keyName(p.key) === 'provide')
        : undefined;
    name = provide?.type === 'ObjectProperty' ? unwrap(provide.value) : undefined;
    while (name?.type === 'MemberExpression') name = name.object;
  }
  if (name?.type !== 'Identifier' && name?.type !== 'JSXIdentifier') return [];
  const b = index.binding(name);
  const source = b?.kind === 'module' ? b.importDeclaration?.source.value : undefined;
  const r = source === undefined ? undefined : resolver.project.resolveImport(index.script.file, source);
  return r && 'file' in r ? [r.file] : [];
}

/**
 * A function written inline as an argument whose code names an SDK or a
 * consent check (`gate(canMarket, () => Leanplum.start())`): whether it runs
 * with consent is decided by the function it is given to, which is then read.
 */
function relevantCallback(a: t.Node, index: ScriptIndex, resolver: Resolver): boolean {
  if (a.type !== 'ArrowFunctionExpression' && a.type !== 'FunctionExpression') return false;
  const tokens = resolver.project.options.relevantTokens;
  return tokens !== undefined && tokens.test(index.script.code.slice(a.start ?? 0, a.end ?? 0));
}

/** Arguments that hold no value the analysis follows. */
const LITERALS = new Set(['StringLiteral', 'NumericLiteral', 'BooleanLiteral', 'NullLiteral', 'TemplateLiteral']);

/**
 * The modules, not parsed yet, that resolving a callee met, for the calls of
 * a module that hand a function an SDK value (or something holding one, or a
 * callback naming an SDK or a consent check): `run(Leanplum)`, `gate(check, ()
 * => Leanplum.start())`. The function they run may live in a module that names
 * no SDK, which the pipeline then parses, so the value is followed into it
 * rather than reported as escaping.
 */
export function sdkCalleeModules(mod: ModuleInfo, rules: RuleSpec[], resolver: Resolver): Set<string> {
  const sdkRules = sdkRulesOf(rules);
  const out = new Set<string>();
  for (const index of mod.scripts) {
    index.nodes.forEach((n) => {
      if (n.type !== 'CallExpression' && n.type !== 'OptionalCallExpression' && n.type !== 'NewExpression') return;
      if (n.callee.type === 'Super' || n.callee.type === 'V8IntrinsicIdentifier') return;
      // Only an argument that is not a literal can carry the SDK or a callback (most calls have none).
      const args = n.arguments.filter((a) => !LITERALS.has(a.type));
      if (!args.length) return;
      // Only a callee whose resolution met a module not parsed can lead the pipeline anywhere new:
      // the arguments (the costly part) are looked at for those calls alone.
      const frame = resolver.project.frames.begin();
      resolver.value(n.callee, index);
      const missed = resolver.project.frames.end(frame)?.missed;
      if (
        missed &&
        args.some(
          (a) =>
            carried(resolver.value(a.type === 'SpreadElement' ? a.argument : a, index), sdkRules, resolver) ||
            relevantCallback(a, index, resolver),
        )
      )
        for (const rel of missed) out.add(rel);
    });
  }
  return out;
}

/** The SDK globals a rule's sinks are called on (`Leanplum`): what a member of a run-time-chosen global may be. */
function globalsOf(rule: RuleSpec): string {
  const names = rule.sinks.flatMap((s) => s.receivers.flatMap((r) => ('global' in r ? [r.global] : [])));
  return [...new Set(names)].map((g) => `\`${g}\``).join(' or ');
}
