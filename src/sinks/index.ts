/**
 * Finding sinks: calls whose callee *is* a policy's SDK method, by resolution.
 */
import type * as t from '@babel/types';
import type { AnalysisError, DispatcherSpec, Origin, Purpose, RuleSpec } from '../model.js';
import { alternatives, constInit, union, dottedName, forEachChild, propertyName, unwrap, type ModuleInfo, type Resolver, type ScriptIndex, type Value } from '../program/index.js';
import { carried, leaves, originPrefix, SDK_ESCAPES, useOf, type ValueUseMatcher } from './escapes.js';

export { carried, leaves, originPrefix, SDK_ESCAPES, sdkEscapesRule, useOf, valueUseMatcher, type ValueUseMatcher } from './escapes.js';

export interface Sink {
  rule: RuleSpec;
  /** The call (or, for an SDK method passed as a callback, the reference). */
  node: t.Node;
  index: ScriptIndex;
  /** The callee as written, e.g. `lp.start`. */
  callee: string;
  /** Purposes required at this call: the rule's, plus argument-sensitive extras. */
  requires: Purpose[];
  /** Set when an SDK value leaves the analysis here: how (`passed to \`register\``). */
  escape?: string;
}

/**
 * Is `v` one of `methods` of one of `receivers`? A method may be a dotted
 * path (`notifications.push`). Returns the method, null for a computed,
 * unknown member, or undefined.
 */
export function matchMethod(v: Value | undefined, receivers: Origin[], methods: string[]): string | null | undefined {
  if (v && v.kind === 'union') {
    let out: string | null | undefined;
    for (const a of v.values) {
      const m = matchMethod(a, receivers, methods);
      if (m) return m;
      if (m === null) out = null;
    }
    return out;
  }
  if (!v || v.kind !== 'path') return undefined;
  for (const origin of receivers) {
    const k = originPrefix(v, origin);
    if (k < 0 || k >= v.steps.length) continue;
    const names: string[] = [];
    let unknown = false;
    for (const step of v.steps.slice(k)) {
      if (!('prop' in step)) {
        names.length = 0;
        break;
      }
      if (step.prop === null) unknown = true;
      names.push(step.prop ?? '?');
    }
    if (!names.length) continue;
    if (unknown) {
      // `sdk[name]()` / `sdk.notifications[name]()`: could it be one of the methods?
      if (methods.some((m) => m.split('.').length === names.length && m.split('.').every((part, i) => names[i] === '?' || names[i] === part))) return null;
      continue;
    }
    const dotted = names.join('.');
    if (methods.includes(dotted)) return dotted;
  }
  return undefined;
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
      const c = unwrap(u.callee as t.Node);
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

function calleeText(n: t.Node): string {
  return dottedName(n) ?? (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression' ? `${dottedName(n.object) ?? '…'}[…]` : '…');
}

function walk(n: t.Node, visit: (n: t.Node) => void): void {
  visit(n);
  forEachChild(n, (c) => walk(c, visit));
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
        if (d && d.type === 'VariableDeclaration') for (const decl of d.declarations) for (const id of bindingNames(decl.id)) names.add(id);
        for (const spec of s.specifiers) names.add(spec.exported.type === 'Identifier' ? spec.exported.name : spec.exported.value);
      } else if (s.type === 'ExportAllDeclaration') {
        const target = resolver.project.resolveImport(index.script.file, s.source.value);
        const m = target && 'file' in target ? resolver.project.module(target.file) : undefined;
        if (m) for (const n of exportNames(m, resolver, seen)) if (n !== 'default') names.add(n);
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
  if (p.type === 'ObjectPattern') return p.properties.flatMap((x) => bindingNames(x.type === 'RestElement' ? x.argument : x.value));
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
export function exportsSdkValue(mod: ModuleInfo, rules: RuleSpec[], resolver: Resolver): boolean {
  const sdkRules = rules.filter((r) => r.sinks.length);
  const origins: Origin[] = rules.flatMap((r) => [...r.sinks.flatMap((s) => s.receivers), ...(r.argumentRequirements ?? []).flatMap((a) => a.sources)]);
  const sources: Origin[] = rules.flatMap((r) => (r.argumentRequirements ?? []).flatMap((a) => a.sources));
  for (const name of exportNames(mod, resolver)) {
    // `export * from 'pkg'`: hands out the SDK only if the package is one.
    if (name.startsWith('*')) {
      if (origins.some((o) => 'module' in o && o.module === name.slice(1))) return true;
      continue;
    }
    const v = resolver.exportValue(mod, name, 0);
    if (carried(v, sdkRules, resolver)) return true;
    // An advertising-ID source handed out (or a function returning one).
    const returned = alternatives(v).flatMap((a) => (a.kind === 'function' ? alternatives(resolver.returned(a.node, a.index)) : [a]));
    if (sources.length && flowsFrom(union(returned), sources)) return true;
  }
  return false;
}

const CODE_FROM_STRINGS: Record<string, number> = { eval: 0, Function: -1, setTimeout: 0, setInterval: 0 };

/**
 * Code built from strings (`eval`, `Function`, `setTimeout("…")`) cannot be
 * analysed: say so where it could hide an SDK call, never assume it is safe.
 */
function dynamicCode(call: t.CallExpression | t.OptionalCallExpression | t.NewExpression, v: Extract<Value, { kind: 'path' }>, index: ScriptIndex, errors: AnalysisError[]): void {
  if (!('global' in v.root) || v.steps.length || !(v.root.global in CODE_FROM_STRINGS)) return;
  const at = CODE_FROM_STRINGS[v.root.global];
  const arg = at < 0 ? call.arguments[call.arguments.length - 1] : call.arguments[at];
  if (!arg) return;
  const u = unwrap(arg);
  // setTimeout(fn) is ordinary; only a string (or something unknown) for eval/Function is code.
  if (v.root.global.startsWith('set') && u.type !== 'StringLiteral' && u.type !== 'TemplateLiteral') return;
  errors.push(unresolved(index, call, `${v.root.global}(…) runs code built from a string, which consent-lint cannot analyse; an SDK call inside it would not be checked`));
}

/** Something at `node` that could not be resolved statically (reported, never trusted). */
function unresolved(index: ScriptIndex, node: t.Node, message: string): AnalysisError {
  const loc = node.loc!.start;
  return { file: index.script.file, line: loc.line, column: loc.column + 1, kind: 'unresolved', message };
}

/**
 * A dispatcher call (`Leanplum.applyQueue([{ name: 'start', args: [] }])`)
 * is a call of every method its queue names, at the dispatcher's call site.
 * A queue or name that cannot be read statically is reported, not trusted.
 */
function dispatched(call: t.CallExpression | t.OptionalCallExpression, d: DispatcherSpec, rules: RuleSpec[], index: ScriptIndex, resolver: Resolver, errors: AnalysisError[]): Sink[] {
  let arg: t.Node | undefined = call.arguments[d.argument];
  if (arg) arg = unwrap(arg);
  if (arg && arg.type === 'Identifier') {
    const init = constInit(arg, index);
    if (init) arg = unwrap(init);
  }
  const callee = calleeText(unwrap(call.callee as t.Node));
  if (!arg || arg.type !== 'ArrayExpression') {
    errors.push(unresolved(index, call, `${callee}(…) calls SDK methods by name from a queue that cannot be read statically; list the calls literally`));
    return [];
  }
  const out: Sink[] = [];
  for (const el of arg.elements) {
    const prop = el && el.type === 'ObjectExpression' ? el.properties.find((p): p is t.ObjectProperty => p.type === 'ObjectProperty' && !p.computed && ((p.key.type === 'Identifier' && p.key.name === d.nameProperty) || (p.key.type === 'StringLiteral' && p.key.value === d.nameProperty))) : undefined;
    const name = prop ? resolver.value(prop.value, index) : undefined;
    if (!name || name.kind !== 'literal' || typeof name.value !== 'string') {
      errors.push(unresolved(index, el ?? call, `${callee}(…) queues a call whose method name cannot be read statically`));
      continue;
    }
    const method = name.value;
    for (const rule of rules) {
      if (rule.sinks.some((s) => s.methods.includes(method) && s.receivers.some((r) => d.receivers.some((x) => JSON.stringify(x) === JSON.stringify(r))))) {
        out.push({ rule, node: call, index, callee: `${callee}→${method}`, requires: [...rule.requires] });
      }
    }
  }
  return out;
}

export interface SinkOptions {
  dispatchers?: DispatcherSpec[];
  valueUses?: ValueUseMatcher;
}

/** Every sink in a module: SDK calls, SDK values that leave the analysis, and what cannot be resolved. */
export function findSinks(mod: ModuleInfo, rules: RuleSpec[], resolver: Resolver, errors: AnalysisError[], options: SinkOptions = {}): Sink[] {
  const dispatchers = options.dispatchers ?? [];
  const escapeRule = rules.find((r) => r.id === SDK_ESCAPES);
  const sdkRules = rules.filter((r) => r.sinks.length);
  const sinks: Sink[] = [];
  for (const index of mod.scripts) {
    walk(index.script.ast.program, (n) => {
      if (n.type === 'NewExpression') {
        const v = resolver.value(n.callee as t.Node, index);
        if (v && v.kind === 'path') dynamicCode(n, v, index, errors);
      }
      if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
        sinks.push(...callSinks(n, index));
        return;
      }
      if (options.valueUses && (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression' || n.type === 'Identifier' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression')) {
        sinks.push(...escapeSinks(n, index, options.valueUses));
      }
    });
  }
  return sinks;

  function callSinks(n: t.CallExpression | t.OptionalCallExpression, index: ScriptIndex): Sink[] {
    let target = unwrap(n.callee as t.Node);
    // `Leanplum.start.call(Leanplum)`, `.apply(…)`
    if ((target.type === 'MemberExpression' || target.type === 'OptionalMemberExpression') && ['call', 'apply'].includes(propertyName(target) ?? '')) {
      const inner = resolver.value(target.object, index);
      if (sdkRules.some((r) => r.sinks.some((s) => matchMethod(inner, s.receivers, s.methods)))) target = target.object;
    }
    const v = resolver.value(target, index);
    const out: Sink[] = [];
    for (const a of alternatives(v)) {
      if (a.kind !== 'path') continue;
      dynamicCode(n, a, index, errors);
      for (const d of dispatchers) {
        if (matchMethod(a, d.receivers, [d.method]) === d.method) out.push(...dispatched(n, d, rules, index, resolver, errors));
      }
    }
    for (const rule of sdkRules) {
      const requires = new Set<Purpose>();
      let unknownMember = false;
      for (const spec of rule.sinks) {
        const m = matchMethod(v, spec.receivers, spec.methods);
        if (m === null) unknownMember = true;
        if (!m) continue;
        for (const p of rule.requires) requires.add(p);
        for (const req of rule.argumentRequirements ?? []) {
          const arg = n.arguments[req.argument];
          if (arg && argumentFlows(arg, index, req.sources, resolver)) for (const p of req.requires) requires.add(p);
        }
      }
      if (requires.size) out.push({ rule, node: n, index, callee: calleeText(target), requires: [...requires] });
      else if (unknownMember) {
        // `sdk[name]()` with a name no finite set of strings bounds: it may be this rule's method.
        out.push({ rule, node: n, index, callee: calleeText(target), requires: [...rule.requires], escape: `calls an SDK member whose name cannot be bounded statically (it may be ${rule.sinks.flatMap((s) => s.methods).join(', ')})` });
      }
    }
    return out;
  }

  function isSdkPath(v: Value | undefined): boolean {
    return alternatives(v).some((a) => a.kind === 'path' && sdkRules.some((r) => r.sinks.some((s) => s.receivers.some((o) => originPrefix(a, o) >= 0))));
  }

  function escapeSinks(n: t.Node, index: ScriptIndex, uses: ValueUseMatcher): Sink[] {
    const use = useOf(n, index, uses);
    if (use.kind === 'kept') return [];
    // Passed to the SDK itself (`Leanplum.start.call(Leanplum)`): it already has it.
    if (use.kind === 'argument' && isSdkPath(resolver.value(use.call.callee as t.Node, index))) return [];
    const how = leaves(use, index, resolver);
    if (!how) return [];
    const what = carried(resolver.value(n, index), sdkRules, resolver);
    if (!what) return [];
    const at = n;
    const out: Sink[] = what.methods.map((rule) => ({ rule, node: at, index, callee: calleeText(n), requires: [...rule.requires], escape: how }));
    if (!what.methods.length && escapeRule && what.purposes.length) out.push({ rule: escapeRule, node: at, index, callee: calleeText(n), requires: what.purposes, escape: how });
    return out;
  }
}
