/**
 * Finding sinks: calls whose callee *is* a policy's SDK method, by resolution.
 */
import type * as t from '@babel/types';
import { forEachChild } from '../ast.js';
import type { AnalysisError, DispatcherSpec, Origin, Purpose, RuleSpec } from '../model.js';
import type { ModuleInfo, ScriptIndex } from './project.js';
import { dottedName, propertyName, unwrap, type Resolver, type Root, type Value } from './resolve.js';

export { isFunctionLike } from '../ast.js';
export { Project, ScriptIndex, type ModuleInfo, type Parser } from './project.js';
export { Resolver, dottedName, propertyName, unwrap, patternSteps, type Value, type Root, type Step } from './resolve.js';

export interface Sink {
  rule: RuleSpec;
  /** The call (or, for an SDK method passed as a callback, the reference). */
  node: t.Node;
  index: ScriptIndex;
  /** The callee as written, e.g. `lp.start`. */
  callee: string;
  /** Purposes required at this call: the rule's, plus argument-sensitive extras. */
  requires: Purpose[];
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
 * unknown member, or undefined.
 */
export function matchMethod(v: Value | undefined, receivers: Origin[], methods: string[]): string | null | undefined {
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
  if (!v || v.kind !== 'path') return false;
  return sources.some((o) => originPrefix(v, o) >= 0);
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
      const b = index.binding(u);
      const d = b?.declaration;
      if (!b || b.violations.length || !d || d.type !== 'VariableDeclarator' || d.id !== b.identifier || !d.init) return false;
      return again(d.init);
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
  const origins: Origin[] = rules.flatMap((r) => [...r.sinks.flatMap((s) => s.receivers), ...(r.argumentRequirements ?? []).flatMap((a) => a.sources)]);
  const sdkish = (value: Value | undefined): boolean => {
    // A loop, not recursion: a chain of functions returning functions (or a cycle
    // of them, across a 1,000-module import cycle) must not exhaust the stack.
    let v = value;
    const seen = new Set<t.Node>();
    while (v && v.kind === 'function') {
      if (seen.has(v.node)) return false;
      seen.add(v.node);
      v = resolver.returned(v.node, v.index);
    }
    if (!v) return false;
    if (v.kind !== 'path') return false;
    return origins.some((o) => {
      const k = originPrefix(v, o);
      return k >= 0 && v.steps.slice(k).every((step) => 'prop' in step);
    });
  };
  for (const name of exportNames(mod, resolver)) {
    // `export * from 'pkg'`: hands out the SDK only if the package is one.
    if (name.startsWith('*')) {
      if (origins.some((o) => 'module' in o && o.module === name.slice(1))) return true;
      continue;
    }
    if (sdkish(resolver.exportValue(mod, name, 0))) return true;
  }
  return false;
}

/**
 * Where a function value escapes, if `n` sits in a position that passes it on
 * (an argument, an element, a property value, a return value, a JSX attribute,
 * a store into an object, a `.bind()`); undefined for calls and for aliases
 * (`const s = Leanplum.start`), whose calls are found by resolution.
 */
function escapePoint(n: t.Node, index: ScriptIndex): t.Node | undefined {
  const p = index.parent.get(n);
  if (!p) return undefined;
  switch (p.type) {
    case 'CallExpression':
    case 'OptionalCallExpression':
    case 'NewExpression':
      return p.callee !== n && p.arguments.includes(n as t.Expression) ? n : undefined;
    case 'ArrayExpression':
    case 'JSXExpressionContainer':
    case 'ReturnStatement':
      return n;
    case 'ArrowFunctionExpression':
      return p.body === n ? n : undefined;
    case 'ObjectProperty':
      return p.value === n && index.parent.get(p)?.type === 'ObjectExpression' ? n : undefined;
    case 'AssignmentExpression':
      return p.right === n && p.left.type !== 'Identifier' && p.left.type !== 'ObjectPattern' && p.left.type !== 'ArrayPattern' ? n : undefined;
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const gp = index.parent.get(p);
      const bound = p.object === n && propertyName(p) === 'bind' && gp && (gp.type === 'CallExpression' || gp.type === 'OptionalCallExpression') && gp.callee === p;
      return bound ? gp : undefined;
    }
    default:
      return undefined;
  }
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
    const b = index.binding(arg);
    const decl = b?.declaration;
    if (b && !b.violations.length && decl?.type === 'VariableDeclarator' && decl.id === b.identifier && decl.init) arg = unwrap(decl.init);
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

/** Every sink in a module; SDK calls that cannot be resolved statically go to `errors`. */
export function findSinks(mod: ModuleInfo, rules: RuleSpec[], resolver: Resolver, errors: AnalysisError[], dispatchers: DispatcherSpec[] = []): Sink[] {
  const sinks: Sink[] = [];
  for (const index of mod.scripts) {
    walk(index.script.ast.program, (n) => {
      let target: t.Node | undefined;
      let report: t.Node = n;
      if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
        target = unwrap(n.callee as t.Node);
        // `Leanplum.start.call(Leanplum)`, `.apply(…)`
        if ((target.type === 'MemberExpression' || target.type === 'OptionalMemberExpression') && ['call', 'apply'].includes(propertyName(target) ?? '')) {
          const inner = resolver.value(target.object, index);
          if (rules.some((r) => r.sinks.some((s) => matchMethod(inner, s.receivers, s.methods)))) target = target.object;
        }
      } else if (n.type === 'NewExpression') {
        const v = resolver.value(n.callee as t.Node, index);
        if (v && v.kind === 'path') dynamicCode(n, v, index, errors);
        return;
      } else if (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression' || n.type === 'Identifier') {
        // An SDK method used as a value (`setTimeout(Leanplum.start)`, `onClick={start}`,
        // `[Leanplum.start]`, `Leanplum.start.bind(Leanplum)`) runs wherever it escapes to.
        const at = escapePoint(n, index);
        if (!at) return;
        target = n;
        report = at;
      } else return;
      const v = resolver.value(target, index);
      if (!v || v.kind !== 'path') return;
      if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
        dynamicCode(n, v, index, errors);
        for (const d of dispatchers) {
          if (matchMethod(v, d.receivers, [d.method]) === d.method) sinks.push(...dispatched(n, d, rules, index, resolver, errors));
        }
      }
      for (const rule of rules) {
        for (const spec of rule.sinks) {
          const m = matchMethod(v, spec.receivers, spec.methods);
          if (m === undefined) continue;
          if (m === null) {
            errors.push(unresolved(index, n, `${calleeText(target)}: a computed SDK member cannot be resolved statically; it may be ${rule.id} (${spec.methods.join(', ')}). Use a literal method name.`));
            return;
          }
          const requires = [...rule.requires];
          if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
            for (const req of rule.argumentRequirements ?? []) {
              const arg = n.arguments[req.argument];
              if (arg && argumentFlows(arg, index, req.sources, resolver)) for (const p of req.requires) if (!requires.includes(p)) requires.push(p);
            }
          }
          sinks.push({ rule, node: report, index, callee: calleeText(target), requires });
          return;
        }
      }
    });
  }
  return sinks;
}
