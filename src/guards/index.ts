/**
 * Guards: which branch outcome (or call completion) proves which purposes.
 *
 * A guard comes from a policy's CMP pack (`Cookiebot.consent.marketing`),
 * from the user's config (`hasConsent('marketing')`), or is inferred from a
 * wrapper's body (`function canMarket() { return Cookiebot.consent.marketing }`,
 * via the summary the proof computes). Purposes are bits of a mask.
 */
import type * as t from '@babel/types';
import type { Config, ConfigGuard, GuardSpec, PathStep, Policy, Purpose } from '../model.js';
import { constInit, dottedName, patternSteps, propertyName, unwrap, type Resolver, type ScriptIndex, type Step, type Value } from '../program/index.js';
import { originPrefix } from '../sinks/index.js';

/** Purpose names <-> bits. `param:N` pseudo-purposes stand for "the purpose named by parameter N". */
export class Purposes {
  private readonly bits = new Map<string, number>();
  private readonly names: string[] = [];
  static readonly PARAMS = 4;

  constructor(private readonly aliases: Record<string, string> = {}) {
    for (let i = 0; i < Purposes.PARAMS; i++) this.bit(`param:${i}`);
  }

  canonical(p: string): Purpose {
    return this.aliases[p] ?? p;
  }

  bit(p: Purpose): number {
    const name = p.startsWith('param:') ? p : this.canonical(p);
    let i = this.bits.get(name);
    if (i === undefined) {
      i = this.names.length;
      if (i >= 30) throw new Error('more than 26 distinct purposes are not supported');
      this.bits.set(name, i);
      this.names.push(name);
    }
    return 1 << i;
  }

  mask(list: Iterable<Purpose>): number {
    let m = 0;
    for (const p of list) m |= this.bit(p);
    return m;
  }

  list(mask: number): Purpose[] {
    const out: Purpose[] = [];
    for (let i = Purposes.PARAMS; i < this.names.length; i++) if (mask & (1 << i)) out.push(this.names[i]);
    return out;
  }

  /** Bits of `param:N` pseudo-purposes. */
  static readonly PARAM_MASK = (1 << Purposes.PARAMS) - 1;
}

export interface FunctionSummary {
  /** Purposes granted whenever the function returns a truthy value. */
  truthy: number;
  /** Purposes granted whenever the function completes normally (an assertion). */
  normal: number;
  async: boolean;
}

export interface SummaryProvider {
  summary(fn: t.Function, index: ScriptIndex): FunctionSummary;
  /**
   * Purposes granted wherever `fn` calls its parameter `param` (a callback it
   * receives), when that is all it ever does with it; 0 if it may escape.
   */
  callbackParameter(fn: t.Function, index: ScriptIndex, param: number): number;
}

export interface Outcome {
  whenTrue: number;
  whenFalse: number;
}

const NONE: Outcome = { whenTrue: 0, whenFalse: 0 };
const swap = (o: Outcome): Outcome => ({ whenTrue: o.whenFalse, whenFalse: o.whenTrue });

type Literal = string | number | boolean;

export class GuardClassifier {
  private readonly specs: GuardSpec[];
  private readonly configGuards: ConfigGuard[];

  constructor(
    private readonly resolver: Resolver,
    policies: Policy[],
    private readonly config: Config | undefined,
    readonly purposes: Purposes,
    private readonly summaries: SummaryProvider,
  ) {
    this.specs = policies.flatMap((p) => p.guards ?? []);
    this.configGuards = config?.guards ?? [];
  }

  /** What the true/false outcome of a test node proves. */
  test(ast: t.Node, index: ScriptIndex): Outcome {
    if (ast.type === 'SwitchCase') {
      const sw = index.parent.get(ast) as t.SwitchStatement | undefined;
      return sw && ast.test ? this.comparison(sw.discriminant, ast.test, index) : NONE;
    }
    const e = unwrap(ast);
    if (e.type === 'UnaryExpression' && e.operator === '!') return swap(this.test(e.argument, index));
    if (e.type === 'BinaryExpression') {
      if (['===', '==', '!==', '!='].includes(e.operator)) {
        const o = this.comparison(e.left as t.Node, e.right, index);
        return e.operator.startsWith('!') ? swap(o) : o;
      }
      if (['>', '>=', '<', '<='].includes(e.operator)) return this.indexOfComparison(e, index);
      return NONE;
    }
    return { whenTrue: this.truthy(e, index, 0), whenFalse: 0 };
  }

  private literal(e: t.Node, index: ScriptIndex): Literal | undefined {
    const u = unwrap(e);
    if (u.type === 'UnaryExpression' && u.operator === '-' && u.argument.type === 'NumericLiteral') return -u.argument.value;
    const v = this.resolver.value(u, index);
    return v && v.kind === 'literal' ? v.value : undefined;
  }

  /** `x === literal` (either side). */
  private comparison(a: t.Node, b: t.Node, index: ScriptIndex): Outcome {
    let x = a;
    let lit = this.literal(b, index);
    if (lit === undefined) {
      lit = this.literal(a, index);
      x = b;
    }
    if (lit === undefined) return NONE;
    if (lit === true) return { whenTrue: this.truthy(x, index, 0, true), whenFalse: 0 };
    if (lit === false) return { whenTrue: 0, whenFalse: 0 }; // `x === false` being false does not make x true
    const ux = unwrap(x);
    if (lit === -1 && isMemberCall(ux, 'indexOf')) return swap({ whenTrue: this.includes(ux as t.CallExpression, index), whenFalse: 0 });
    return { whenTrue: this.equals(x, lit, index), whenFalse: 0 };
  }

  private indexOfComparison(e: t.BinaryExpression, index: ScriptIndex): Outcome {
    const l = unwrap(e.left as t.Node);
    const r = this.literal(e.right, index);
    if (!isMemberCall(l, 'indexOf') || typeof r !== 'number') return NONE;
    const found = this.includes(l as t.CallExpression, index);
    // found  <=> indexOf(...) >= 0
    if ((e.operator === '>' && r === -1) || (e.operator === '>=' && r === 0)) return { whenTrue: found, whenFalse: 0 };
    if ((e.operator === '<' && r === 0) || (e.operator === '<=' && r === -1)) return { whenTrue: 0, whenFalse: found };
    return NONE;
  }

  /** Purposes proven when `e` is truthy. `strictTrue`: compared `=== true`. */
  truthy(e0: t.Node, index: ScriptIndex, depth: number, strictTrue = false): number {
    if (depth > 8) return 0;
    const e = unwrap(e0);
    let mask = this.configValue(e, index);
    if (isMemberCall(e, 'includes') || isMemberCall(e, 'has')) mask |= this.includes(e as t.CallExpression, index);
    const v = this.resolver.value(e, index);
    if (v && v.kind === 'path') {
      mask |= this.policyValue(v, index, (test) => 'truthy' in test || (strictTrue && 'equals' in test && test.equals.includes(true)));
    }
    mask |= this.wrapper(e, index);
    // Value flow: `const ok = hasConsent('x'); if (ok)` — only for never-reassigned locals.
    if (e.type === 'Identifier') {
      const init = constInit(e, index);
      if (init) mask |= this.truthy(init, index, depth + 1, strictTrue);
    }
    return mask;
  }

  /** `x === lit` */
  private equals(x: t.Node, lit: Literal, index: ScriptIndex): number {
    const v = this.resolver.value(unwrap(x), index);
    if (!v || v.kind !== 'path') return 0;
    return this.policyValue(v, index, (test) => 'equals' in test && test.equals.includes(lit));
  }

  /** `list.includes(key)` / `list.indexOf(key) >= 0` on a policy membership guard. */
  private includes(call: t.CallExpression, index: ScriptIndex): number {
    const callee = unwrap(call.callee) as t.MemberExpression;
    const v = this.resolver.value(callee.object, index);
    const arg = call.arguments[0];
    const key = arg ? this.literal(arg, index) : undefined;
    if (!v || v.kind !== 'path' || typeof key !== 'string') return 0;
    let mask = 0;
    for (const spec of this.specs) {
      if (!('includes' in spec.test) || spec.kind === 'callback' || spec.kind === 'assert') continue;
      if (this.matchPath(v, spec, index) === undefined) continue;
      mask |= this.keyPurposes(spec, normaliseKey(key));
    }
    return mask;
  }

  private policyValue(v: Extract<Value, { kind: 'path' }>, index: ScriptIndex, testOk: (t: GuardSpec['test']) => boolean): number {
    let mask = 0;
    for (const spec of this.specs) {
      if (spec.kind === 'callback' || spec.kind === 'assert' || !testOk(spec.test)) continue;
      const key = this.matchPath(v, spec, index);
      if (key === undefined) continue;
      mask |= this.keyPurposes(spec, key);
    }
    return mask;
  }

  private keyPurposes(spec: GuardSpec, key: string | null): number {
    let mask = this.purposes.mask(spec.purposes ?? []);
    if (key !== null) {
      if (spec.keys && spec.keys[key]) mask |= this.purposes.mask(spec.keys[key]);
      if (spec.keyIsPurpose) mask |= this.purposes.bit(key);
    }
    return mask;
  }

  /**
   * Match a value's access path against a guard spec. Returns the captured key
   * (null when the spec captures none), or undefined when it does not match.
   */
  private matchPath(v: Extract<Value, { kind: 'path' }>, spec: GuardSpec, index: ScriptIndex): string | null | undefined {
    const from = spec.from;
    let k: number;
    if ('function' in from) {
      if (from.module) k = originPrefix(v, { module: from.module, export: from.function });
      else k = 'global' in v.root && v.root.global === from.function ? 0 : -1;
    } else k = originPrefix(v, from);
    if (k < 0 || v.steps.length - k !== spec.path.length) return undefined;
    let key: string | null = null;
    let lastCall: Step | undefined;
    for (let i = 0; i < spec.path.length; i++) {
      const want: PathStep = spec.path[i];
      const got = v.steps[k + i];
      if (typeof want === 'string') {
        if (!('prop' in got) || got.prop !== want) return undefined;
      } else if ('anyProperty' in want) {
        if (!('prop' in got) || got.prop === null) return undefined;
        key = got.prop;
      } else if ('call' in want) {
        if (!('call' in got)) return undefined;
        if (!this.argumentsMatch(got.call, want.argumentEquals, index)) return undefined;
        if (want.keyArgument !== undefined) {
          const a = got.call.arguments[want.keyArgument];
          const lit = a ? this.literal(a, index) : undefined;
          if (lit === undefined) return undefined;
          key = String(lit);
        }
        lastCall = got;
      } else if ('callbackParameter' in want) {
        if (!('param' in got)) return undefined;
        if (got.param.argument !== want.callbackParameter.argument || got.param.parameter !== want.callbackParameter.parameter) return undefined;
        if (!this.argumentsMatch(got.param.call, want.argumentEquals, index)) return undefined;
      }
    }
    // A promise is always truthy: an async guard counts only when awaited.
    if (spec.async && lastCall && 'call' in lastCall && !lastCall.awaited) return undefined;
    return key;
  }

  private argumentsMatch(call: t.CallExpression | t.OptionalCallExpression | t.NewExpression, want: Record<string, (string | number)[]> | undefined, index: ScriptIndex): boolean {
    if (!want) return true;
    for (const [i, values] of Object.entries(want)) {
      const a = call.arguments[Number(i)];
      const lit = a ? this.literal(a, index) : undefined;
      if (lit === undefined || !values.includes(lit as string | number)) return false;
    }
    return true;
  }

  // ------------------------------------------------------------ config guards

  private configValue(e: t.Node, index: ScriptIndex): number {
    let mask = 0;
    const call = unwrap(e.type === 'AwaitExpression' ? e.argument : e);
    for (const g of this.configGuards) {
      if (g.assert || g.callbackArgument !== undefined) continue;
      if (g.function && (call.type === 'CallExpression' || call.type === 'OptionalCallExpression')) {
        if (this.configCallee(g, call, index)) mask |= this.configPurposes(g, call, index);
      } else if (g.property) {
        const name = chainText(e, index);
        if (name && stripGlobal(name) === stripGlobal(g.property)) mask |= this.purposes.mask(g.purposes ?? []);
      }
    }
    return mask;
  }

  private configCallee(g: ConfigGuard, call: t.CallExpression | t.OptionalCallExpression | t.NewExpression, index: ScriptIndex): boolean {
    const name = dottedName(call.callee as t.Node);
    if (!name || stripGlobal(name) !== stripGlobal(g.function!)) return false;
    if (!g.module) return true;
    // Restricted to the binding imported from `module`.
    let root: t.Node = unwrap(call.callee as t.Node);
    while (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression') root = unwrap(root.object);
    if (root.type !== 'Identifier') return false;
    const b = index.binding(root);
    if (!b || b.kind !== 'module') return false;
    const source = b.importDeclaration!.source.value;
    const project = this.resolver.project;
    const got = project.resolveImport(index.script.file, source);
    const cfgDir = this.config?.dir;
    const wantSpec = g.module.startsWith('.') && cfgDir ? relativeTo(project.root, cfgDir, g.module) : g.module;
    const want = project.resolveImport('', wantSpec);
    if (!got || !want) return false;
    return 'file' in got && 'file' in want ? got.file === want.file : 'package' in got && 'package' in want && got.specifier === want.specifier;
  }

  private configPurposes(g: ConfigGuard, call: t.CallExpression | t.OptionalCallExpression | t.NewExpression, index: ScriptIndex): number {
    let mask = this.purposes.mask(g.purposes ?? []);
    if (g.purposeArgument !== undefined) {
      const a = call.arguments[g.purposeArgument];
      if (a) {
        const lit = this.literal(a, index);
        if (typeof lit === 'string') mask |= this.purposes.bit(lit);
        else {
          const p = paramIndex(unwrap(a), index);
          if (p !== undefined && p < Purposes.PARAMS) mask |= 1 << p;
        }
      }
    }
    return mask;
  }

  // ------------------------------------------------------------ wrappers, assertions, callbacks

  /** A call to a project function whose summary proves purposes when it returns truthy. */
  private wrapper(e: t.Node, index: ScriptIndex): number {
    const awaited = e.type === 'AwaitExpression';
    const call = unwrap(awaited ? (e as t.AwaitExpression).argument : e);
    if (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') return 0;
    const f = this.resolver.value(call.callee as t.Node, index);
    if (!f || f.kind !== 'function') return 0;
    const s = this.summaries.summary(f.node, f.index);
    if (s.async && !awaited) return 0;
    return this.instantiate(s.truthy, call, index);
  }

  /** Map `param:N` bits of a summary to the purposes the call's arguments name. */
  private instantiate(mask: number, call: t.CallExpression | t.OptionalCallExpression, index: ScriptIndex): number {
    let out = mask & ~Purposes.PARAM_MASK;
    for (let i = 0; i < Purposes.PARAMS; i++) {
      if (!(mask & (1 << i))) continue;
      const a = call.arguments[i];
      const lit = a ? this.literal(a, index) : undefined;
      if (typeof lit === 'string') out |= this.purposes.bit(lit);
      else {
        const p = a ? paramIndex(unwrap(a), index) : undefined;
        if (p !== undefined && p < Purposes.PARAMS) out |= 1 << p;
      }
    }
    return out;
  }

  /** Purposes proven once this call completes normally (assertion calls). */
  assertion(call: t.Node, index: ScriptIndex): number {
    if (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') return 0;
    const awaited = index.parent.get(call)?.type === 'AwaitExpression';
    let mask = 0;
    for (const g of this.configGuards) {
      if (g.assert && g.function && this.configCallee(g, call, index)) mask |= this.configPurposes(g, call, index);
    }
    const callee = this.resolver.value(call.callee as t.Node, index);
    if (callee && callee.kind === 'path') {
      const v: Value = { kind: 'path', root: callee.root, steps: [...callee.steps, { call, awaited }] };
      for (const spec of this.specs) {
        if (spec.kind !== 'assert') continue;
        const key = this.matchPath(v, spec, index);
        if (key !== undefined) mask |= this.keyPurposes(spec, key);
      }
    }
    if (callee && callee.kind === 'function') {
      const s = this.summaries.summary(callee.node, callee.index);
      if (s.normal && (!s.async || awaited)) mask |= this.instantiate(s.normal, call, index);
    }
    return mask;
  }

  /** Guarded callbacks: argument position -> purposes proven when that callback runs. */
  callbackGrants(call: t.Node, index: ScriptIndex): Map<number, number> | undefined {
    if (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') return undefined;
    let out: Map<number, number> | undefined;
    const add = (i: number, m: number) => {
      if (!m) return;
      out ??= new Map();
      out.set(i, (out.get(i) ?? 0) | m);
    };
    for (const g of this.configGuards) {
      if (g.callbackArgument !== undefined && g.function && this.configCallee(g, call, index)) add(g.callbackArgument, this.configPurposes(g, call, index));
    }
    const callee = this.resolver.value(call.callee as t.Node, index);
    if (callee && callee.kind === 'path') {
      const v: Value = { kind: 'path', root: callee.root, steps: [...callee.steps, { call, awaited: false }] };
      for (const spec of this.specs) {
        if (spec.kind !== 'callback' || spec.callbackArgument === undefined) continue;
        const key = this.matchPath(v, spec, index);
        if (key !== undefined) add(spec.callbackArgument, this.keyPurposes(spec, key));
      }
    }
    // The app's own gate: `function whenAllowed(run) { if (!hasConsent('m')) return; run(); }`.
    if (callee && callee.kind === 'function') {
      call.arguments.forEach((a, i) => {
        const arg = unwrap(a);
        if (arg.type === 'ArrowFunctionExpression' || arg.type === 'FunctionExpression') add(i, this.instantiate(this.summaries.callbackParameter(callee.node, callee.index, i), call, index));
      });
    }
    return out;
  }
}

function isMemberCall(e: t.Node, name: string): boolean {
  if (e.type !== 'CallExpression' && e.type !== 'OptionalCallExpression') return false;
  const c = unwrap(e.callee as t.Node);
  return (c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression') && propertyName(c) === name;
}

/** `",C0004,"` -> `C0004` (OneTrust's comma-wrapped group list). */
function normaliseKey(k: string): string {
  return k.replace(/^[\s,]+|[\s,]+$/g, '');
}

function stripGlobal(name: string): string {
  return name.replace(/^(window|globalThis|self|this)\./, '');
}

function relativeTo(root: string, dir: string, spec: string): string {
  const abs = `${dir}/${spec}`.replace(/\\/g, '/');
  const r = root.replace(/\\/g, '/');
  const rel = abs.startsWith(`${r}/`) ? abs.slice(r.length + 1) : abs;
  return `./${rel}`;
}

/**
 * The access chain an expression reads, as written, following never-reassigned
 * locals and destructuring: `const { marketing } = useConsent(); marketing`
 * reads `useConsent().marketing`. Undefined when it is not such a chain.
 */
function chainText(e0: t.Node, index: ScriptIndex, depth = 0): string | undefined {
  if (depth > 10) return undefined;
  const e = unwrap(e0);
  switch (e.type) {
    case 'Identifier': {
      const b = index.binding(e);
      const d = b?.declaration;
      if (!b || b.violations.length || d?.type !== 'VariableDeclarator' || !d.init) return e.name;
      const steps = patternSteps(d.id, b.identifier);
      const base = steps ? chainText(d.init, index, depth + 1) : undefined;
      return base !== undefined && steps ? [base, ...steps].join('.') : e.name;
    }
    case 'ThisExpression':
      return 'this';
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const base = chainText(e.object, index, depth + 1);
      const p = propertyName(e);
      return base !== undefined && p !== null ? `${base}.${p}` : undefined;
    }
    case 'CallExpression':
    case 'OptionalCallExpression': {
      const base = chainText(e.callee as t.Node, index, depth + 1);
      return base !== undefined ? `${base}()` : undefined;
    }
    case 'AwaitExpression':
      return chainText(e.argument, index, depth + 1);
    default:
      return undefined;
  }
}

/** If `e` is a parameter of its enclosing function, its position. */
function paramIndex(e: t.Node, index: ScriptIndex): number | undefined {
  if (e.type !== 'Identifier') return undefined;
  const b = index.binding(e);
  if (!b || b.kind !== 'param') return undefined;
  const fn = b.scopeBlock as t.Function;
  const i = fn.params.findIndex((p) => p === b.identifier || (p.type === 'AssignmentPattern' && p.left === b.identifier));
  return i >= 0 ? i : undefined;
}
