/**
 * Guards: which branch outcome (or call completion) proves which purposes.
 *
 * A guard comes from a policy's CMP pack (`Cookiebot.consent.marketing`),
 * from the user's config (`hasConsent('marketing')`), or is inferred from a
 * wrapper's body (`function canMarket() { return Cookiebot.consent.marketing }`,
 * via the summary the proof computes). Purposes are bits of a mask.
 */
import type * as t from '@babel/types';
import type { Config, ConfigGuard, GuardSpec, PathStep, Policy } from '../model.js';
import {
  alternatives,
  constInit,
  holdsProperties,
  ownPropertyName,
  localCalls,
  dottedName,
  escapeRegExp,
  forEachChild,
  isFunctionLike,
  isWrapper,
  patternSteps,
  propertyName,
  SnapshotMemo,
  unwrap,
  type Binding,
  type Resolver,
  type ScriptIndex,
  type Step,
  type Value,
  locOf,
} from '../program/index.js';
import { assignedCallbackSite, objectCallbackSite } from '../program/callbacks.js';
import { GLOBAL_OBJECTS } from '../program/globals.js';
import { SCRIPT_HOLDER } from './writes.js';

type PathValue = Extract<Value, { kind: 'path' }>;
import { originPrefix } from '../sinks/index.js';
import {
  ALL,
  and,
  conditional,
  constant,
  either,
  FALSY,
  NONE,
  nullish,
  or,
  swap,
  TRUTHY,
  type Outcome,
} from './algebra.js';
import { cmpGlobalRoots, Writes } from './writes.js';

export { Purposes } from './purposes.js';
import { Purposes } from './purposes.js';
export { ScriptBlocking } from './blocking.js';
export { SCRIPT_HOLDER } from './writes.js';

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
  /**
   * Purposes granted on every path to `node` within its own function (its
   * entry state not counted); 0 while that function is being analysed.
   */
  stateAt(node: t.Node, index: ScriptIndex): number;
}

export type { Outcome } from './algebra.js';

type Literal = string | number | boolean;
type Call = t.CallExpression | t.OptionalCallExpression | t.NewExpression;

const MAX_DEPTH = 12;

export class GuardClassifier {
  private readonly specs: GuardSpec[];
  private readonly configGuards: ConfigGuard[];
  readonly writes: Writes;
  private readonly packOf = new Map<GuardSpec, string>();
  /** Callback-parameter steps of object-literal callbacks: the property holding the callback. */
  private readonly memo: SnapshotMemo<t.Node, Outcome>;
  private readonly active = new Set<t.Node>();

  constructor(
    private readonly resolver: Resolver,
    policies: Policy[],
    private readonly config: Config | undefined,
    readonly purposes: Purposes,
    private readonly summaries: SummaryProvider,
  ) {
    this.memo = new SnapshotMemo(resolver.project);
    this.specs = policies.flatMap((p) => p.guards ?? []);
    for (const p of policies) for (const g of p.guards ?? []) this.packOf.set(g, p.id);
    this.configGuards = config?.guards ?? [];
    this.writes = new Writes(resolver, cmpGlobalRoots(policies));
  }

  /** What the true/false outcome of a test node proves. */
  test(ast: t.Node, index: ScriptIndex): Outcome {
    if (ast.type === 'SwitchCase') {
      const sw = index.parent.get(ast) as t.SwitchStatement | undefined;
      return sw && ast.test ? this.comparison(sw.discriminant, ast.test, index, 0) : NONE;
    }
    return this.outcome(ast, index, 0);
  }

  /**
   * The outcome of any expression, by the algebra of ./algebra.ts: the same
   * rules for an inline condition, a stored value, a wrapper's return value, a
   * parameter and an awaited promise. Values are memoised per AST node.
   */
  outcome(e0: t.Node, index: ScriptIndex, depth: number): Outcome {
    if (depth > MAX_DEPTH) return NONE;
    const e = unwrap(e0);
    const hit = this.memo.get(e);
    if (hit) return hit.value;
    if (this.active.has(e)) return NONE; // a cycle proves nothing
    this.active.add(e);
    let o: Outcome;
    const frame = this.resolver.project.frames.begin();
    try {
      o = this.compute(e, index, depth + 1);
    } catch (err) {
      this.resolver.project.frames.end(frame);
      throw err;
    } finally {
      this.active.delete(e);
    }
    this.memo.set(e, o, frame);
    return o;
  }

  private compute(e: t.Node, index: ScriptIndex, depth: number): Outcome {
    switch (e.type) {
      case 'BooleanLiteral':
      case 'NumericLiteral':
      case 'StringLiteral':
        return constant(e.value);
      case 'BigIntLiteral':
        return constant(e.value !== '0');
      case 'NullLiteral':
        return FALSY;
      case 'TemplateLiteral':
        return e.expressions.length ? NONE : constant(e.quasis[0].value.cooked);
      case 'ObjectExpression':
      case 'ArrayExpression':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ClassExpression':
      case 'RegExpLiteral':
        return TRUTHY;
      case 'UnaryExpression':
        return this.unary(e, index, depth);
      case 'LogicalExpression': {
        const a = this.outcome(e.left, index, depth);
        const b = this.outcome(e.right, index, depth);
        return e.operator === '&&' ? and(a, b) : e.operator === '||' ? or(a, b) : nullish(a, b);
      }
      case 'ConditionalExpression':
        return conditional(
          this.outcome(e.test, index, depth),
          this.outcome(e.consequent, index, depth),
          this.outcome(e.alternate, index, depth),
        );
      case 'SequenceExpression':
        return this.outcome(e.expressions[e.expressions.length - 1], index, depth);
      case 'AssignmentExpression':
        return e.operator === '=' ? this.outcome(e.right, index, depth) : NONE;
      case 'BinaryExpression':
        return this.binary(e, index, depth);
      case 'AwaitExpression':
        return this.awaited(e.argument, index, depth);
      case 'Identifier':
        return this.identifier(e, index, depth);
      case 'CallExpression':
      case 'OptionalCallExpression': {
        const callee = unwrap(e.callee);
        // Boolean(x) is x.
        if (
          callee.type === 'Identifier' &&
          callee.name === 'Boolean' &&
          !index.binding(callee) &&
          e.arguments.length === 1
        )
          return this.outcome(e.arguments[0], index, depth);
        if (isMemberCall(e, 'every') || isMemberCall(e, 'some')) {
          const q = this.quantifier(e as t.CallExpression, index, depth);
          if (q) return q;
        }
        // A promise (an async guard not awaited) is always truthy: it proves nothing, and is never falsy.
        if (this.returnsPromise(e, index)) return TRUTHY;
        break;
      }
    }
    return { whenTrue: this.leaf(e, index, depth, false), whenFalse: 0 };
  }

  private unary(e: t.UnaryExpression, index: ScriptIndex, depth: number): Outcome {
    if (e.operator === '!') return swap(this.outcome(e.argument, index, depth));
    if (e.operator === 'void') return FALSY;
    // `~list.indexOf(key)`: 0 (falsy) exactly when indexOf says -1, not found.
    const arg = unwrap(e.argument);
    if (e.operator === '~' && isMemberCall(arg, 'indexOf'))
      return { whenTrue: this.includes(arg as t.CallExpression, index), whenFalse: 0 };
    return NONE;
  }

  /**
   * The operands a value may be: `a || b`, `a ?? b`, `c ? a : b` (and `a && b`,
   * whose falsy left operand proves nothing by membership or equality), or
   * undefined for anything else. Never the Resolver's reduction to one side.
   */
  private eitherOperands(x: t.Node): t.Node[] | undefined {
    if (x.type === 'LogicalExpression') return x.operator === '&&' ? [x.right] : [x.left, x.right];
    if (x.type === 'ConditionalExpression') return [x.consequent, x.alternate];
    return undefined;
  }

  /** Is `e` (or the call it awaits) a call of a function defined in the project? */
  private callsProjectFunction(e0: t.Node, index: ScriptIndex): boolean {
    let e = unwrap(e0);
    if (e.type === 'AwaitExpression') e = unwrap(e.argument);
    if (e.type !== 'CallExpression' && e.type !== 'OptionalCallExpression') return false;
    const f = this.resolver.value(e.callee, index);
    return Boolean(f && f.kind === 'function');
  }

  /** Is this call's value certainly a promise: an `"async": true` config predicate, or an `async` project function? */
  private returnsPromise(call: t.CallExpression | t.OptionalCallExpression, index: ScriptIndex): boolean {
    for (const g of this.configGuards) {
      if (g.async && g.function && !g.assert && g.callbackArgument === undefined && this.configCallee(g, call, index))
        return true;
    }
    if (call.type === 'OptionalCallExpression') return false; // may be undefined
    const f = this.resolver.value(call.callee, index);
    return Boolean(f && f.kind === 'function' && f.node.async && !f.node.generator);
  }

  // ------------------------------------------------------------ explanations (consent-lint why)

  /**
   * Why an expression proves less than it seems: one sentence per fail-open
   * construct, untrusted value or unknown check inside it (for `why`).
   */
  explain(e0: t.Node, index: ScriptIndex, depth = 0): string[] {
    if (depth > 6) return [];
    const e = unwrap(e0);
    const text = (n: t.Node) => sourceText(n, index);
    const out: string[] = [];
    const o = (n: t.Node) => this.outcome(n, index, 0);
    switch (e.type) {
      case 'UnaryExpression':
        return e.operator === '!' ? this.explain(e.argument, index, depth + 1) : out;
      case 'LogicalExpression': {
        const l = o(e.left);
        const r = o(e.right);
        if (e.operator === '??' && l.whenTrue & ~r.whenTrue & ~l.whenFalse)
          out.push(
            `\`${text(e)}\`: when ${text(e.left)} is null or undefined (the CMP is absent or not loaded yet) the value is ${text(e.right)}, which proves nothing`,
          );
        if (e.operator === '||' && (l.whenTrue | r.whenTrue) & ~(l.whenTrue & (l.whenFalse | r.whenTrue)))
          out.push(`\`${text(e)}\` is truthy when either side is: it proves only what both sides prove`);
        return [...out, ...this.explain(e.left, index, depth + 1), ...this.explain(e.right, index, depth + 1)];
      }
      case 'ConditionalExpression': {
        const y = o(e.consequent);
        const n = o(e.alternate);
        if (y.whenTrue & ~n.whenTrue)
          out.push(`\`${text(e)}\`: the ${text(e.alternate)} branch proves nothing that ${text(e.consequent)} proves`);
        else if (n.whenTrue & ~y.whenTrue)
          out.push(`\`${text(e)}\`: the ${text(e.consequent)} branch proves nothing that ${text(e.alternate)} proves`);
        return [
          ...out,
          ...this.explain(e.consequent, index, depth + 1),
          ...this.explain(e.alternate, index, depth + 1),
        ];
      }
      case 'Identifier': {
        const b = index.binding(e);
        if (
          b &&
          (b.kind === 'const' || b.kind === 'let' || b.kind === 'var') &&
          b.declaration.type === 'VariableDeclarator' &&
          b.declaration.id === b.identifier
        ) {
          if (
            index.script.kind === 'script' &&
            b.scopeBlock.type === 'Program' &&
            this.writes.writtenElsewhere(e.name, index)
          )
            return [`\`${e.name}\` is a global of a classic script that another script writes: it proves nothing`];
          if (b.violations.length && !o(e).whenTrue) {
            const w = b.violations.find(
              (v) =>
                v.type !== 'AssignmentExpression' || v.operator !== '=' || !this.outcome(v.right, index, 0).whenTrue,
            );
            return [
              `\`${e.name}\` is reassigned${w && locOf(w) ? ` (line ${locOf(w)!.start.line})` : ''} with a value that proves nothing, or was not falsy at first`,
            ];
          }
          if (b.declaration.init) return this.explain(b.declaration.init, index, depth + 1);
          return out;
        }
        if (b && b.kind === 'param' && !o(e).whenTrue)
          return [
            `\`${e.name}\` is a parameter: it proves consent only when every call (all of them visible, none passing it on) passes a value that does`,
          ];
        break;
      }
      case 'CallExpression':
      case 'OptionalCallExpression':
        if (this.returnsPromise(e, index))
          return [
            `\`${text(e)}\` returns a promise, which is always truthy: only \`await ${text(e)}\` (or \`.then(ok => …)\`) is a guard`,
          ];
        break;
      case 'AwaitExpression':
        if (!o(e).whenTrue) return [`\`${text(e)}\`: the awaited value is not known to prove consent`];
        return out;
    }
    const v = e.type === 'BinaryExpression' ? undefined : this.pathOf(e, index);
    if (v) {
      const w = this.writes.killer(v);
      if (w)
        return [
          `\`${text(e)}\` is written by the app (${w.file}:${w.line}): its value may be the app's own, not the CMP's`,
        ];
      for (const spec of this.specs) {
        const key = this.matchPath(v, spec, index);
        if (key !== undefined && this.written(spec, key))
          return [
            `\`${text(e)}\` (${spec.id}) is written by the app under another name of the same CMP: it proves nothing`,
          ];
        // Only a value read without its await proves nothing for being asynchronous.
        if (key !== undefined && spec.async && !o(e).whenTrue)
          return [`\`${text(e)}\` (${spec.id}) is asynchronous: await it`];
        if (key !== undefined && 'equals' in spec.test && !('truthy' in spec.test))
          return [
            `\`${text(e)}\` (${spec.id}) is granted only when it equals ${spec.test.equals.map((x) => JSON.stringify(x)).join(' or ')}`,
          ];
      }
    }
    if (e.type === 'BinaryExpression' && ['!==', '!='].includes(e.operator))
      return [
        `\`${text(e)}\`: a value different from the refused one may still be undefined or any other status: compare with the granted value`,
      ];
    if (!o(e).whenTrue && !o(e).whenFalse && e.type !== 'BinaryExpression')
      return [`\`${text(e)}\` is not a consent check known to any policy or to the config`];
    return out;
  }

  private binary(e: t.BinaryExpression, index: ScriptIndex, depth: number): Outcome {
    if (['===', '==', '!==', '!='].includes(e.operator)) {
      const o = this.comparison(e.left, e.right, index, depth, e.operator.length === 3);
      return e.operator.startsWith('!') ? swap(o) : o;
    }
    if (['>', '>=', '<', '<='].includes(e.operator)) return this.indexOfComparison(e, index);
    return NONE;
  }

  /**
   * `[p1, p2].every(p => guard(p))`: the union of what the callback proves for
   * each purpose; `some` the intersection. Only over a non-empty array literal
   * of constants (an empty `every` is true and proves nothing).
   */
  private quantifier(call: t.CallExpression, index: ScriptIndex, depth: number): Outcome | undefined {
    const callee = unwrap(call.callee) as t.MemberExpression;
    const list = unwrap(this.followConst(callee.object, index));
    const fnArg = call.arguments[0];
    if (list.type !== 'ArrayExpression' || !list.elements.length || !fnArg) return undefined;
    // A stored list must not be emptied or changed (`needed.length = 0`, `needed.pop()`): only read.
    const obj = unwrap(callee.object);
    if (obj.type === 'Identifier' && !onlyRead(obj, index)) return undefined;
    const f = this.functionOf(fnArg, index);
    // `purposes.every(hasConsent)`: the config predicate itself, its first argument the purpose.
    const name = f ? undefined : dottedName(unwrap(fnArg));
    const direct = name
      ? this.configGuards.filter(
          (g) =>
            g.function &&
            stripGlobal(g.function) === stripGlobal(name) &&
            g.purposeArgument === 0 &&
            !g.assert &&
            !g.async &&
            g.callbackArgument === undefined &&
            !g.module,
        )
      : [];
    if (!f && !direct.length) return undefined;
    const every = propertyName(callee) === 'every';
    const per: Outcome[] = [];
    for (const el of list.elements) {
      if (!el || el.type === 'SpreadElement') return undefined;
      const lit = this.literal(el, index);
      if (typeof lit !== 'string') return undefined;
      if (!f) {
        per.push({
          whenTrue: direct.reduce((m, g) => m | this.purposes.bit(lit) | this.purposes.mask(g.purposes ?? []), 0),
          whenFalse: 0,
        });
        continue;
      }
      const r = this.returnOutcome(f.node, f.index, depth);
      per.push({
        whenTrue: this.instantiateWith(r.whenTrue, [lit]),
        whenFalse: this.instantiateWith(r.whenFalse, [lit]),
      });
    }
    // every: all true => each element's truthy outcome; some: one true => one of them.
    if (every)
      return {
        whenTrue: per.reduce((m, o) => m | o.whenTrue, 0),
        whenFalse: per.reduce((m, o) => m & o.whenFalse, ALL),
      };
    return { whenTrue: per.reduce((m, o) => m & o.whenTrue, ALL), whenFalse: per.reduce((m, o) => m | o.whenFalse, 0) };
  }

  /** A function value: an inline function or a never-reassigned local bound to one. */
  private functionOf(e: t.Node, index: ScriptIndex): { node: t.Function; index: ScriptIndex } | undefined {
    const u = unwrap(e);
    if (u.type === 'ArrowFunctionExpression' || u.type === 'FunctionExpression') return { node: u, index };
    const v = this.resolver.value(u, index);
    return v && v.kind === 'function' ? { node: v.node, index: v.index } : undefined;
  }

  /** Follow never-reassigned locals to their initialiser. */
  private followConst(e: t.Node, index: ScriptIndex): t.Node {
    let cur = unwrap(e);
    for (let i = 0; i < 8 && cur.type === 'Identifier'; i++) {
      const init = constInit(cur, index);
      if (!init) break;
      cur = unwrap(init);
    }
    return cur;
  }

  /**
   * What a function's returned value proves (truthy/falsy). An expression body
   * by the algebra; a block body by the proof's summary of its `return`s.
   */
  private returnOutcome(fn: t.Function, index: ScriptIndex, depth: number): Outcome {
    if (fn.body.type !== 'BlockStatement' && !fn.async) return this.outcome(fn.body, index, depth);
    const s = this.summaries.summary(fn, index);
    return { whenTrue: s.truthy, whenFalse: 0 };
  }

  private literal(e: t.Node, index: ScriptIndex): Literal | undefined {
    const u = unwrap(e);
    if (u.type === 'UnaryExpression' && u.operator === '-' && u.argument.type === 'NumericLiteral')
      return -u.argument.value;
    const f = this.followConst(u, index);
    if (f.type === 'StringLiteral' || f.type === 'NumericLiteral' || f.type === 'BooleanLiteral') return f.value;
    if (f.type === 'TemplateLiteral') {
      // `${group}%3A1` with `group` a constant: the text it always is.
      let text = f.quasis[0].value.cooked ?? '';
      for (let i = 0; i < f.expressions.length; i++) {
        const part = this.literal(f.expressions[i], index);
        if (part === undefined || typeof part === 'object') return undefined;
        text += String(part) + (f.quasis[i + 1].value.cooked ?? '');
      }
      return text;
    }
    // An imported constant; a parameter is not one (its value differs per call: see `parameter`).
    const imported = f.type === 'Identifier' && index.binding(f)?.kind === 'module';
    if (f.type === 'MemberExpression' || f.type === 'OptionalMemberExpression' || imported) {
      // Enum members, frozen constants and imported constants the resolver knows (`CONFIG.CONSENT.GROUP`):
      // the module holding one is parsed whatever its text names, since it decides what the check proves.
      const v = this.resolver.project.insist(() => this.resolver.value(f, index));
      return v && v.kind === 'literal' ? v.value : undefined;
    }
    return undefined;
  }

  /** `x === literal` (either side). `strict`: `===`/`!==` (else `==`/`!=`). */
  private comparison(a: t.Node, b: t.Node, index: ScriptIndex, depth: number, strict = true): Outcome {
    let x = a;
    let lit = this.literal(b, index);
    if (lit === undefined) {
      lit = this.literal(a, index);
      x = b;
    }
    if (lit === undefined) return NONE;
    if (lit === true) return { whenTrue: this.truthyOf(x, index, depth, true), whenFalse: 0 };
    // `x === false`: x is falsy. `x !== false` says nothing (x may be undefined). `x == false` holds for '0' too.
    if (lit === false) return strict ? { whenTrue: this.outcome(x, index, depth).whenFalse, whenFalse: 0 } : NONE;
    const ux = unwrap(x);
    if (lit === -1 && isMemberCall(ux, 'indexOf'))
      return swap({ whenTrue: this.includes(ux as t.CallExpression, index), whenFalse: 0 });
    return { whenTrue: this.equals(x, lit, index, depth), whenFalse: 0 };
  }

  private indexOfComparison(e: t.BinaryExpression, index: ScriptIndex): Outcome {
    const l = unwrap(e.left);
    const r = this.literal(e.right, index);
    if (!isMemberCall(l, 'indexOf') || typeof r !== 'number') return NONE;
    const found = this.includes(l as t.CallExpression, index);
    // found  <=> indexOf(...) >= 0
    if ((e.operator === '>' && r === -1) || (e.operator === '>=' && r === 0)) return { whenTrue: found, whenFalse: 0 };
    if ((e.operator === '<' && r === 0) || (e.operator === '<=' && r === -1)) return { whenTrue: 0, whenFalse: found };
    return NONE;
  }

  /** Purposes proven when `e` is truthy (`strictTrue`: when `e === true`). */
  private truthyOf(e0: t.Node, index: ScriptIndex, depth: number, strictTrue: boolean): number {
    const o = this.outcome(e0, index, depth).whenTrue;
    return strictTrue ? o | this.leaf(unwrap(e0), index, depth, true) : o;
  }

  /**
   * A leaf value: a CMP read (pack), the app's helper (config), a membership
   * test, or a wrapper call. Identifiers, operators and literals are the
   * algebra's (see `compute`).
   */
  private leaf(e: t.Node, index: ScriptIndex, depth: number, strictTrue: boolean): number {
    if (depth > MAX_DEPTH) return 0;
    let mask = this.configValue(e, index);
    if (isMemberCall(e, 'includes') || isMemberCall(e, 'has')) mask |= this.includes(e as t.CallExpression, index);
    // A call of the app's own function is a wrapper: what it returns is judged by its summary
    // (the same algebra), never by the Resolver's guess at one returned value.
    if (
      (e.type !== 'Identifier' ||
        !index.binding(e) ||
        index.binding(e)!.declaration.type !== 'VariableDeclarator' ||
        (index.binding(e)!.declaration as t.VariableDeclarator).id !== index.binding(e)!.identifier) &&
      !this.callsProjectFunction(e, index)
    ) {
      const v = this.pathOf(e, index);
      if (v) {
        mask |= this.policyValue(
          v,
          index,
          (test) => 'truthy' in test || (strictTrue && 'equals' in test && test.equals.includes(true)),
        );
      }
    }
    mask |= this.wrapper(e, index);
    return mask;
  }

  /**
   * The access path of a value, as the Resolver sees it, plus parameters of
   * callbacks passed inside an object literal
   * (`cookieconsent.initialise({ onInitialise(status) {…} })`).
   */
  private pathOf(e: t.Node, index: ScriptIndex): Extract<Value, { kind: 'path' }> | undefined {
    const u = unwrap(e);
    if (u.type === 'Identifier') {
      const b = index.binding(u);
      if (b && b.kind === 'param' && !b.violations.length) {
        const fn = b.scopeBlock as t.Function;
        const i = fn.params.indexOf(b.identifier);
        const site = i >= 0 ? objectCallbackSite(fn, index) : undefined;
        if (site) {
          const callee = this.resolver.value(site.call.callee, index);
          if (callee && callee.kind === 'path') {
            const step: Step = {
              param: { argument: site.argument, parameter: i, call: site.call, property: site.property },
            };
            return { kind: 'path', root: callee.root, steps: [...callee.steps, step] };
          }
        }
      }
    }
    const v = this.resolver.value(u, index);
    return v && v.kind === 'path' ? v : undefined;
  }

  // ------------------------------------------------------------ stored values, flags, parameters

  private identifier(id: t.Identifier, index: ScriptIndex, depth: number): Outcome {
    if (id.name === 'undefined' && !index.binding(id)) return FALSY;
    const b = index.binding(id);
    if (b && b.kind === 'param') return this.parameter(id, b, index, depth);
    if (
      b &&
      (b.kind === 'const' || b.kind === 'let' || b.kind === 'var') &&
      b.declaration.type === 'VariableDeclarator' &&
      b.declaration.id === b.identifier
    ) {
      const d = b.declaration;
      // A classic script's top-level variable is a global any other script may write.
      if (
        index.script.kind === 'script' &&
        b.scopeBlock.type === 'Program' &&
        this.writes.writtenElsewhere(id.name, index)
      )
        return NONE;
      if (!b.violations.length) return d.init ? this.outcome(d.init, index, depth) : FALSY;
      return this.flag(b, index, depth);
    }
    return { whenTrue: this.leaf(id, index, depth, false), whenFalse: 0 };
  }

  /**
   * A `let` flag: falsy at first, and every write assigns a guard value or
   * happens where the purposes are already granted
   * (`let allowed = false; onConsent(s => { allowed = s.marketing })`).
   * Truthy, it proves what every write proves.
   */
  private flag(b: Binding, index: ScriptIndex, depth: number): Outcome {
    const d = b.declaration as t.VariableDeclarator;
    if (d.init && this.outcome(d.init, index, depth).whenTrue !== ALL) return NONE; // not initially falsy
    let mask = ALL;
    for (const w of b.violations) {
      if (
        w.type !== 'AssignmentExpression' ||
        w.operator !== '=' ||
        (unwrap(w.left) !== b.identifier && !(w.left.type === 'Identifier' && index.binding(w.left) === b))
      )
        return NONE;
      mask &= this.outcome(w.right, index, depth).whenTrue | this.summaries.stateAt(w, index);
      if (!mask) return NONE;
    }
    return { whenTrue: mask, whenFalse: 0 };
  }

  /**
   * A parameter: of a `.then(onFulfilled)` callback, the promise's value; of a
   * local function every reference to which is a direct call, what every
   * call's argument proves.
   */
  private parameter(id: t.Identifier, b: Binding, index: ScriptIndex, depth: number): Outcome {
    if (b.violations.length) return NONE;
    const fn = b.scopeBlock as t.Function;
    const i = fn.params.indexOf(b.identifier);
    if (i < 0) return { whenTrue: this.leaf(id, index, depth, false), whenFalse: 0 };
    // A CMP option's parameter that is truthy only once granted (Klaro's `callback(consent, service)`).
    const fromPath = this.leaf(id, index, depth, false) | this.objectCallbackGrants(fn, index, i);
    const parent = index.parent.get(fn);
    // `p.then(ok => …)`: ok is p's value.
    if (
      parent &&
      (parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression') &&
      parent.arguments[0] === fn &&
      i === 0 &&
      isMemberCall(parent, 'then')
    ) {
      const recv = (unwrap(parent.callee) as t.MemberExpression).object;
      const o = this.awaited(recv, index, depth);
      return { whenTrue: o.whenTrue | fromPath, whenFalse: o.whenFalse };
    }
    const calls = this.callSites(fn, index);
    if (!calls) return { whenTrue: fromPath, whenFalse: 0 };
    const per: Outcome[] = [];
    for (const c of calls) {
      if (c.arguments.slice(0, i + 1).some((a) => a.type === 'SpreadElement'))
        return { whenTrue: fromPath, whenFalse: 0 };
      const a = c.arguments[i];
      const o = a ? this.outcome(a, index, depth) : FALSY;
      const here = this.summaries.stateAt(c, index);
      per.push({ whenTrue: o.whenTrue | here, whenFalse: o.whenFalse | here });
    }
    const o = either(per);
    return { whenTrue: o.whenTrue | fromPath, whenFalse: o.whenFalse };
  }

  /**
   * The calls of a local function whose every reference is a direct call in
   * this script (not exported, not a classic-script global, never passed on).
   */
  private readonly callSiteMemo = new Map<t.Function, Call[] | undefined>();

  private callSites(fn: t.Function, index: ScriptIndex): Call[] | undefined {
    if (!this.callSiteMemo.has(fn)) this.callSiteMemo.set(fn, localCalls(fn, index));
    return this.callSiteMemo.get(fn);
  }

  // ------------------------------------------------------------ promises

  /**
   * The value of `await x` (or of `x.then(v => …)`'s `v`). A promise is always
   * truthy, so an async guard proves something only here.
   */
  private awaited(x0: t.Node, index: ScriptIndex, depth: number): Outcome {
    const x = this.followConst(x0, index);
    if (
      x.type === 'NewExpression' &&
      x.callee.type === 'Identifier' &&
      x.callee.name === 'Promise' &&
      !index.binding(x.callee)
    )
      return this.executor(x, index, depth);
    if (
      (x.type === 'CallExpression' || x.type === 'OptionalCallExpression') &&
      isMemberCall(x, 'catch') &&
      x.arguments.length === 1
    ) {
      // `p.catch(h)`: either p's value or h's return value.
      const p = (unwrap(x.callee) as t.MemberExpression).object;
      const h = this.functionOf(x.arguments[0], index);
      if (!h) return NONE;
      return or(this.awaited(p, index, depth), this.returnOutcome(h.node, h.index, depth));
    }
    if (
      (x.type === 'CallExpression' || x.type === 'OptionalCallExpression') &&
      isMemberCall(x, 'then') &&
      x.arguments.length === 1
    ) {
      const f = this.functionOf(x.arguments[0], index);
      return f ? this.returnOutcome(f.node, f.index, depth) : NONE;
    }
    if (x.type === 'CallExpression' || x.type === 'OptionalCallExpression') {
      // An async predicate's value: config guards and async wrappers, awaited.
      let mask = this.configValue(x, index, true);
      const f = this.resolver.value(x.callee, index);
      if (f && f.kind === 'function') {
        const s = this.summaries.summary(f.node, f.index);
        mask |= this.instantiate(s.truthy, x, index, f);
      }
      const v = f && f.kind === 'function' ? undefined : this.resolver.value(x, index);
      if (v && v.kind === 'path') {
        const last = v.steps[v.steps.length - 1];
        const av: Value =
          last && 'call' in last ? { ...v, steps: [...v.steps.slice(0, -1), { ...last, awaited: true }] } : v;
        mask |= this.policyValue(av, index, (test) => 'truthy' in test);
      }
      return { whenTrue: mask, whenFalse: 0 };
    }
    // Awaiting a non-promise yields the value itself.
    return this.outcome(x, index, depth);
  }

  /**
   * `new Promise((resolve) => … resolve(v) …)`: its value is one of the `v`s,
   * each proving what it proves or what was granted where resolve was called.
   * If `resolve` is used other than called, nothing.
   */
  private executor(x: t.NewExpression, index: ScriptIndex, depth: number): Outcome {
    const calls = this.resolveCalls(x, index);
    if (!calls || !calls.length) return NONE;
    return either(
      calls.map((c) => {
        const a = c.arguments[0];
        const o = a ? this.outcome(a, index, depth) : FALSY;
        const here = this.summaries.stateAt(c, index);
        return { whenTrue: o.whenTrue | here, whenFalse: o.whenFalse | here };
      }),
    );
  }

  /** `x === lit` */
  private equals(x0: t.Node, lit: Literal, index: ScriptIndex, depth: number): number {
    const x = unwrap(x0);
    if (depth > MAX_DEPTH) return 0;
    // `(a ?? 'granted') === 'granted'`: the value is one of the operands; each must prove it.
    // (`a && b` is `a` when `a` is falsy: that can equal a falsy literal.)
    const either =
      x.type === 'LogicalExpression' && x.operator === '&&' && !lit ? [x.left, x.right] : this.eitherOperands(x);
    if (either) return either.reduce((m, o) => m & this.equals(o, lit, index, depth + 1), ALL);
    const own = this.literal(x, index);
    if (own !== undefined && x.type !== 'MemberExpression' && x.type !== 'OptionalMemberExpression')
      return own === lit ? 0 : ALL;
    if (this.callsProjectFunction(x, index)) return this.configEquals(x, lit, index);
    let mask = this.configEquals(x, lit, index);
    // A stored comparison operand: `const s = await getStatus(); if (s === 'granted')`.
    const f = this.followConst(x, index);
    if (f !== x && depth < MAX_DEPTH) return mask | this.equals(f, lit, index, depth + 1);
    if (f.type === 'AwaitExpression') {
      const v = this.resolver.value(f, index);
      if (v && v.kind === 'path')
        mask |= this.policyValue(v, index, (test) => 'equals' in test && test.equals.includes(lit));
      return mask;
    }
    const v = this.pathOf(x, index);
    if (!v) return mask;
    return mask | this.policyValue(v, index, (test) => 'equals' in test && test.equals.includes(lit));
  }

  /** `list.includes(key)` / `list.indexOf(key) >= 0` on a policy membership guard. */
  private includes(call: t.CallExpression, index: ScriptIndex): number {
    // `OnetrustActiveGroups.split(',').includes('C0004')`, `decodeURIComponent(document.cookie).includes(…)`:
    // the whole text is what `membership` judges (see `wholeText`).
    const recv = (unwrap(call.callee) as t.MemberExpression).object;
    const arg = call.arguments[0];
    const lit = arg ? this.literal(arg, index) : undefined;
    if (typeof lit !== 'string' && typeof lit !== 'number') {
      // `OnetrustActiveGroups.split(',').includes(group)` in `function hasConsentedTo(group)`:
      // proves what each caller's key is listed for (see `keyed`), told apart by `key:N`.
      const p = arg ? paramIndex(unwrap(arg), index) : undefined;
      return p !== undefined && p < Purposes.PARAMS && this.membershipSpecs(recv, index).length
        ? Purposes.keyBit(p)
        : 0;
    }
    const key = String(lit);
    return this.membership(recv, key, index, 0);
  }

  /**
   * The membership guards whose list `recv` is, whatever key is looked up
   * (none when the app writes the list, or it is anything but one CMP value).
   */
  private membershipSpecs(recv0: t.Node, index: ScriptIndex): GuardSpec[] {
    const recv = this.wholeText(this.followConst(recv0, index), index);
    if (this.callsProjectFunction(recv, index)) return [];
    const v = this.resolver.value(recv, index);
    if (!v || v.kind !== 'path' || this.writes.killer(v)) return [];
    return this.specs.filter(
      (spec) =>
        'includes' in spec.test &&
        spec.kind !== 'callback' &&
        spec.kind !== 'assert' &&
        this.matchPath(v, spec, index) !== undefined &&
        !this.written(spec, null),
    );
  }

  /**
   * The membership guards a function's parameter `param` may be looked up in:
   * directly (`list.includes(param)`), or by the functions it is passed to.
   * A superset of those that can give the function's `key:param` bit.
   */
  private keySpecs(fn: t.Function, fnIndex: ScriptIndex, param: number, depth = 0): Set<GuardSpec> {
    const out = new Set<GuardSpec>();
    const p = fn.params[param];
    const id = p?.type === 'AssignmentPattern' ? p.left : p;
    if (depth > MAX_DEPTH || !id || id.type !== 'Identifier') return out;
    const b = fnIndex.binding(id);
    const visit = (n: t.Node): void => {
      if (n.type === 'Identifier' && n !== id && n.name === id.name && fnIndex.binding(n) === b) {
        const call = fnIndex.parent.get(n);
        if (!call || (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression')) return;
        const at = call.arguments.indexOf(n);
        if (at === 0 && (isMemberCall(call, 'includes') || isMemberCall(call, 'has') || isMemberCall(call, 'indexOf')))
          for (const s of this.membershipSpecs((unwrap(call.callee) as t.MemberExpression).object, fnIndex)) out.add(s);
        const f = at >= 0 ? this.resolver.value(call.callee, fnIndex) : undefined;
        for (const g of f?.kind === 'union' ? f.values : f ? [f] : [])
          if (g.kind === 'function') for (const s of this.keySpecs(g.node, g.index, at, depth + 1)) out.add(s);
        return;
      }
      forEachChild(n, visit);
    };
    visit(fn.body);
    return out;
  }

  /** What a literal `key` looked up by `fn`'s parameter `param` proves: what every list it may be looked up in says. */
  private keyed(fn: t.Function, fnIndex: ScriptIndex, param: number, key: string): number {
    const specs = this.keySpecs(fn, fnIndex, param);
    if (!specs.size) return 0;
    let mask = ALL;
    for (const spec of specs) mask &= this.written(spec, key) ? 0 : this.keyPurposes(spec, normaliseKey(key));
    return mask;
  }

  /** Purposes proven when the list or string `recv` contains `key`. */
  private membership(recv0: t.Node, key: string, index: ScriptIndex, depth: number): number {
    if (depth > MAX_DEPTH) return 0;
    const recv = this.wholeText(this.followConst(recv0, index), index);
    const either = this.eitherOperands(recv);
    if (either) return either.reduce((m, o) => m & this.membership(o, key, index, depth + 1), ALL);
    // A constant list or text: it contains the key or it never does.
    if (recv.type === 'StringLiteral') return recv.value.includes(key) ? 0 : ALL;
    if (
      recv.type === 'ArrayExpression' &&
      recv.elements.every((el) => el && (el.type === 'StringLiteral' || el.type === 'NumericLiteral'))
    ) {
      return recv.elements.some((el) => String((el as t.StringLiteral | t.NumericLiteral).value) === key) ? 0 : ALL;
    }
    if (this.callsProjectFunction(recv, index)) return 0;
    let mask = this.configIncludes(recv, key, index);
    const v = this.resolver.value(recv, index);
    if (!v || v.kind !== 'path' || this.writes.killer(v)) return mask;
    for (const spec of this.specs) {
      if (!('includes' in spec.test) || spec.kind === 'callback' || spec.kind === 'assert') continue;
      if (this.matchPath(v, spec, index) === undefined || this.written(spec, null)) continue;
      mask |= this.keyPurposes(spec, normaliseKey(key));
    }
    return mask;
  }

  /**
   * The text a part of it was cut from: what contains a key in the part contains
   * it in the whole (`document.cookie.split('; ').find((c) => c.startsWith('OptanonConsent='))`,
   * `s.slice(i)`, `s.trim()`, `parts[0]`); and the text a decoded copy was made of
   * (`decodeURIComponent(document.cookie)`: keys are listed in both forms). Anything else is itself.
   */
  private wholeText(e: t.Node, index: ScriptIndex): t.Node {
    let cur = e;
    for (let i = 0; i < 8; i++) {
      const u = unwrap(cur);
      let next: t.Node | undefined;
      const receiver = (c: t.Node) => unwrap((unwrap((c as t.CallExpression).callee) as t.MemberExpression).object);
      if (PART_OF_TEXT.some((name) => isMemberCall(u, name))) next = receiver(u);
      else if (ELEMENT.some((name) => isMemberCall(u, name))) {
        // An element of the parts a text was split into (of another list, an element may hold the key
        // as a part while no element equals it).
        const parts = this.followConst(receiver(u), index);
        if (isMemberCall(parts, 'split')) next = parts;
      } else if ((u.type === 'MemberExpression' || u.type === 'OptionalMemberExpression') && u.computed) {
        const parts = this.followConst(u.object, index);
        if (isMemberCall(parts, 'split') && u.property.type === 'NumericLiteral') next = parts;
      } else if (
        u.type === 'CallExpression' &&
        u.callee.type === 'Identifier' &&
        DECODE.includes(u.callee.name) &&
        !index.binding(u.callee) &&
        u.arguments[0]
      )
        next = u.arguments[0];
      if (!next) return cur;
      cur = this.followConst(next, index);
    }
    return cur;
  }

  private policyValue(
    v: Extract<Value, { kind: 'path' }>,
    index: ScriptIndex,
    testOk: (t: GuardSpec['test']) => boolean,
  ): number {
    let mask = 0;
    // A CMP value the app itself writes (directly, through an alias, or by
    // redeclaring the global in a classic script) proves nothing.
    if (this.writes.killer(v)) return 0;
    for (const spec of this.specs) {
      if (spec.kind === 'callback' || spec.kind === 'assert' || !testOk(spec.test)) continue;
      const key = this.matchPath(v, spec, index);
      if (key === undefined || this.written(spec, key)) continue;
      mask |= this.keyPurposes(spec, key);
    }
    return mask;
  }

  private writtenMemo: { at: number; dead: Map<string, Set<string | null>> } | undefined;

  /**
   * Has the app written this CMP value under any of its pack's names
   * (`Cookiebot.consent.marketing = true` also changes
   * `CookieConsent.consent.marketing`: the same object)? Keys are per pack;
   * `null` in the set: every key.
   */
  written(spec: GuardSpec, key: string | null): boolean {
    const { paths, globals } = this.writes.all();
    const at = paths.length * 100003 + globals.size;
    if (!this.writtenMemo || this.writtenMemo.at !== at) {
      const dead = new Map<string, Set<string | null>>();
      const kill = (s: GuardSpec, k: string | null) => {
        const pack = this.packOf.get(s) ?? s.id;
        const set = dead.get(pack) ?? new Set();
        set.add(k);
        dead.set(pack, set);
      };
      for (const s of this.specs) {
        const from = s.from;
        const rootName =
          'global' in from ? from.global : 'function' in from && !from.module ? from.function : undefined;
        if (rootName !== undefined && globals.has(rootName)) kill(s, null);
        for (const w of paths) {
          const k =
            'function' in from
              ? from.module
                ? originPrefix(w.path!, { module: from.module, export: from.function })
                : 'global' in w.path!.root && w.path!.root.global === from.function
                  ? 0
                  : -1
              : originPrefix(w.path!, from);
          if (k < 0) continue;
          const r = writtenKey(w.path!.steps.slice(k), s.path);
          if (r !== undefined) kill(s, r);
        }
      }
      this.writtenMemo = { at, dead };
    }
    const set = this.writtenMemo.dead.get(this.packOf.get(spec) ?? spec.id);
    return Boolean(set && (set.has(null) || (key !== null && set.has(key))));
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
  private matchPath(
    v: Extract<Value, { kind: 'path' }>,
    spec: GuardSpec,
    index: ScriptIndex,
  ): string | null | undefined {
    const from = spec.from;
    let k: number;
    if ('function' in from) {
      if (from.module) k = originPrefix(v, { module: from.module, export: from.function });
      else k = 'global' in v.root && v.root.global === from.function ? 0 : -1;
    } else k = originPrefix(v, from);
    const path = expandPath(spec.path);
    if (k < 0 || v.steps.length - k !== path.length) return undefined;
    let key: string | null = null;
    let lastCall: Step | undefined;
    for (let i = 0; i < path.length; i++) {
      const want = path[i];
      const got = v.steps[k + i];
      if (typeof want === 'object' && 'findBy' in want) {
        if (!('call' in got)) return undefined;
        const found = findKey(got.call, want.findBy);
        if (found === undefined) return undefined;
        key = found;
        continue;
      }
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
        if (
          got.param.argument !== want.callbackParameter.argument ||
          got.param.parameter !== want.callbackParameter.parameter
        )
          return undefined;
        if (got.param.property !== want.callbackParameter.property) return undefined;
        if (!this.argumentsMatch(got.param.call, want.argumentEquals, index)) return undefined;
      } else if ('callbackThis' in want) {
        // The option's `this` (parameter -1 of its callback), never an arrow function's.
        if (!('param' in got) || got.param.parameter !== -1) return undefined;
        if (got.param.argument !== want.callbackThis.argument || got.param.property !== want.callbackThis.property)
          return undefined;
        if (!this.argumentsMatch(got.param.call, want.argumentEquals, index)) return undefined;
      }
    }
    // A promise is always truthy: an async guard counts only when awaited.
    if (spec.async && lastCall && 'call' in lastCall && !lastCall.awaited) return undefined;
    return key;
  }

  private argumentsMatch(
    call: t.CallExpression | t.OptionalCallExpression | t.NewExpression,
    want: Record<string, (string | number)[]> | undefined,
    index: ScriptIndex,
  ): boolean {
    if (!want) return true;
    for (const [i, values] of Object.entries(want)) {
      const a = call.arguments[Number(i)];
      const lit = a ? this.literal(a, index) : undefined;
      if (lit === undefined || !values.includes(lit as string | number)) return false;
    }
    return true;
  }

  // ------------------------------------------------------------ config guards

  /**
   * The app's own predicates and properties (config). An `"async": true`
   * predicate's value is a promise: it proves something only awaited.
   */
  private configValue(e: t.Node, index: ScriptIndex, awaited = false): number {
    let mask = 0;
    const call = unwrap(e.type === 'AwaitExpression' ? e.argument : e);
    if (e.type === 'AwaitExpression') awaited = true;
    for (const g of this.configGuards) {
      // A helper returning a status (`equals`) proves something only compared: 'denied' is truthy.
      if (g.assert || g.callbackArgument !== undefined || g.storage || g.cookie || g.equals) continue;
      if (g.function && (call.type === 'CallExpression' || call.type === 'OptionalCallExpression')) {
        if (g.async && !awaited) continue;
        if (this.configCallee(g, call, index)) mask |= this.configPurposes(g, call, index);
      } else if (g.property) {
        const name = chainText(e, index);
        if (name && stripGlobal(name) === stripGlobal(g.property)) mask |= this.purposes.mask(g.purposes ?? []);
      }
    }
    return mask;
  }

  /** Storage forms: `localStorage.getItem('consent') === 'granted'` (config `storage`, `key`, `equals`). */
  private configEquals(x: t.Node, lit: Literal, index: ScriptIndex): number {
    let mask = 0;
    const call = unwrap(this.followConst(x, index));
    // `getConsent('marketing') === 'granted'` (config `function` with `equals`), awaited when `async`.
    const inner = call.type === 'AwaitExpression' ? unwrap(call.argument) : call;
    if (inner.type === 'CallExpression' || inner.type === 'OptionalCallExpression') {
      for (const g of this.configGuards) {
        if (!g.function || !g.equals || g.assert || g.callbackArgument !== undefined) continue;
        if (g.async && call.type !== 'AwaitExpression') continue;
        if (g.equals.includes(lit as string) && this.configCallee(g, inner, index))
          mask |= this.configPurposes(g, inner, index);
      }
    }
    if (!isMemberCall(call, 'getItem')) return mask;
    const c = call as t.CallExpression;
    const store = chainText((unwrap(c.callee) as t.MemberExpression).object, index);
    const key = c.arguments[0] ? this.literal(c.arguments[0], index) : undefined;
    for (const g of this.configGuards) {
      if (!g.storage || !store || stripGlobal(store) !== g.storage || key !== g.key) continue;
      if ((g.equals ?? []).includes(lit as string)) mask |= this.purposes.mask(g.purposes ?? []);
    }
    return mask;
  }

  /** Cookie forms: `document.cookie.includes('consent=granted')` (config `cookie`, `equals`). */
  private configIncludes(recv: t.Node, key: string, index: ScriptIndex): number {
    let mask = 0;
    const name = chainText(recv, index);
    if (!name || stripGlobal(name) !== 'document.cookie') return 0;
    for (const g of this.configGuards) {
      if (!g.cookie) continue;
      const values = g.equals ?? [];
      // The whole `name=value` pair must be tested: `includes('granted')` could match any cookie.
      if (values.some((v) => key === `${g.cookie}=${v}` || key === `${g.cookie}=${v};`))
        mask |= this.purposes.mask(g.purposes ?? []);
    }
    return mask;
  }

  private configCallee(
    g: ConfigGuard,
    call: t.CallExpression | t.OptionalCallExpression | t.NewExpression,
    index: ScriptIndex,
  ): boolean {
    const name = dottedName(call.callee);
    if (!name || stripGlobal(name) !== stripGlobal(g.function!)) return false;
    if (!g.module) return true;
    // Restricted to the binding imported from `module`.
    let root: t.Node = unwrap(call.callee);
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
    return 'file' in got && 'file' in want
      ? got.file === want.file
      : 'package' in got && 'package' in want && got.specifier === want.specifier;
  }

  private configPurposes(
    g: ConfigGuard,
    call: t.CallExpression | t.OptionalCallExpression | t.NewExpression,
    index: ScriptIndex,
  ): number {
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
    const call = unwrap(awaited ? e.argument : e);
    if (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') return 0;
    const f = this.resolver.value(call.callee, index);
    // One of several project functions (`check()` where callers pass different checks): what all of them prove.
    const fns = f?.kind === 'union' ? f.values : f ? [f] : [];
    if (!fns.length || fns.some((x) => x.kind !== 'function')) return 0;
    let mask = ALL;
    for (const x of fns) {
      if (x.kind !== 'function') return 0;
      const s = this.summaries.summary(x.node, x.index);
      if (s.async && !awaited) return 0;
      mask &= this.instantiate(s.truthy, call, index, x);
    }
    return mask;
  }

  /**
   * Map `param:N` bits of a summary of `fn` to the purposes the call's arguments name, and
   * `key:N` bits to what the key the call passes is listed for (see `keyed`).
   */
  private instantiate(
    mask: number,
    call: t.CallExpression | t.OptionalCallExpression,
    index: ScriptIndex,
    fn: { node: t.Function; index: ScriptIndex },
  ): number {
    let out = mask & ~Purposes.PARAM_MASK & ~Purposes.KEY_MASK;
    for (let i = 0; i < Purposes.PARAMS; i++) {
      const param = Boolean(mask & (1 << i));
      const key = Boolean(mask & Purposes.keyBit(i));
      if (!param && !key) continue;
      const a = call.arguments[i];
      if (call.arguments.slice(0, i + 1).some((x) => x.type === 'SpreadElement')) continue;
      const lit = a ? this.literal(a, index) : undefined;
      if (param && typeof lit === 'string') out |= this.purposes.bit(lit);
      if (key && (typeof lit === 'string' || typeof lit === 'number'))
        out |= this.keyed(fn.node, fn.index, i, String(lit));
      if (lit === undefined) {
        const p = a ? paramIndex(unwrap(a), index) : undefined;
        if (p !== undefined && p < Purposes.PARAMS) out |= (param ? 1 << p : 0) | (key ? Purposes.keyBit(p) : 0);
      }
    }
    return out;
  }

  /** Map `param:N` bits of a mask to the given literal purposes (`key:N` bits to none). */
  private instantiateWith(mask: number, args: string[]): number {
    if (mask === ALL) return ALL;
    let out = mask & ~Purposes.PARAM_MASK & ~Purposes.KEY_MASK;
    for (let i = 0; i < Purposes.PARAMS; i++)
      if (mask & (1 << i) && args[i] !== undefined) out |= this.purposes.bit(args[i]);
    return out;
  }

  /**
   * Purposes proven once this node completes normally. A synchronous assertion
   * grants after its call; an asynchronous one (an `async` function, a pack's
   * or config's `"async": true`, or any assertion whose result is chained)
   * only after `await` of exactly that call, so a rejection caught by
   * `.catch(h)` or by a `try/catch` that swallows it grants nothing.
   */
  assertion(node: t.Node, index: ScriptIndex): number {
    if (node.type === 'AwaitExpression') {
      const call = unwrap(node.argument);
      if (call.type === 'NewExpression') return this.promiseAssertion(call, index);
      if (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') return 0;
      const a = this.assertionOf(call, index);
      return a.async ? a.mask : 0;
    }
    if (node.type !== 'CallExpression' && node.type !== 'OptionalCallExpression') return 0;
    const a = this.assertionOf(node, index);
    if (a.async) return 0;
    // A result used as a promise (`requireConsent().catch(log)`) is one: its failure is not a throw here.
    let parent = index.parent.get(node);
    let child: t.Node = node;
    while (parent && isWrapper(parent)) {
      child = parent;
      parent = index.parent.get(parent);
    }
    if (
      parent &&
      (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') &&
      parent.object === child
    )
      return 0;
    if (
      parent &&
      (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') &&
      parent.object === node
    )
      return 0;
    if (parent && parent.type === 'AwaitExpression') return 0; // granted at the await
    return a.mask;
  }

  /**
   * `await new Promise((resolve) => { … resolve() … })`: completes only after a
   * `resolve` call, so it proves what holds at every one of them.
   */
  private promiseAssertion(x: t.NewExpression, index: ScriptIndex): number {
    if (x.callee.type !== 'Identifier' || x.callee.name !== 'Promise' || index.binding(x.callee)) return 0;
    const calls = this.resolveCalls(x, index);
    if (!calls || !calls.length) return 0;
    return calls.reduce((m, c) => m & this.summaries.stateAt(c, index), ALL);
  }

  /** The calls of a `new Promise` executor's `resolve`; undefined if it is used any other way. */
  private resolveCalls(x: t.NewExpression, index: ScriptIndex): Call[] | undefined {
    const ex = x.arguments[0] ? unwrap(x.arguments[0]) : undefined;
    if (!ex || (ex.type !== 'ArrowFunctionExpression' && ex.type !== 'FunctionExpression')) return undefined;
    const r = ex.params[0];
    if (!r || r.type !== 'Identifier') return undefined;
    const b = index.binding(r);
    if (!b || b.violations.length) return undefined;
    const calls: Call[] = [];
    let ok = true;
    const visit = (n: t.Node): void => {
      if (!ok) return;
      if (n.type === 'Identifier' && n !== r && n.name === r.name && index.binding(n) === b) {
        const p = index.parent.get(n);
        if (
          !p ||
          (p.type !== 'CallExpression' && p.type !== 'OptionalCallExpression') ||
          unwrap(p.callee) !== n ||
          p.arguments.some((a) => a.type === 'SpreadElement')
        )
          ok = false;
        else calls.push(p);
        return;
      }
      forEachChild(n, visit);
    };
    visit(ex.body);
    return ok ? calls : undefined;
  }

  /** Why an assertion call on the way grants nothing (for `why`), if it is one. */
  assertionNote(node: t.Node, index: ScriptIndex): string | undefined {
    if (node.type !== 'CallExpression' && node.type !== 'OptionalCallExpression') return undefined;
    const a = this.assertionOf(node, index);
    if (!a.mask || this.assertion(node, index)) return undefined;
    let parent = index.parent.get(node);
    let child: t.Node = node;
    while (parent && isWrapper(parent)) {
      child = parent;
      parent = index.parent.get(parent);
    }
    const text = sourceText(node, index);
    if (parent && parent.type === 'AwaitExpression') return undefined; // granted at the await
    if (
      parent &&
      (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') &&
      parent.object === child
    ) {
      const name = propertyName(parent);
      return `\`${text}\` is a promise whose ${name === 'catch' ? 'rejection is handled by `.catch(…)`' : `result goes to \`.${name}(…)\``}: code after it runs whether or not consent was given`;
    }
    return `\`${text}\` is asynchronous and not awaited: code after it runs before it settles`;
  }

  /** What an assertion call proves, and whether it is asynchronous. */
  private assertionOf(
    call: t.CallExpression | t.OptionalCallExpression,
    index: ScriptIndex,
  ): { mask: number; async: boolean } {
    let mask = 0;
    let async = false;
    const awaitedNow = index.parent.get(call)?.type === 'AwaitExpression';
    for (const g of this.configGuards) {
      if (g.assert && g.function && this.configCallee(g, call, index)) {
        mask |= this.configPurposes(g, call, index);
        if (g.async) async = true;
      }
    }
    const callee = this.resolver.value(call.callee, index);
    if (callee && callee.kind === 'path') {
      const v: Value = { kind: 'path', root: callee.root, steps: [...callee.steps, { call, awaited: awaitedNow }] };
      for (const spec of this.specs) {
        if (spec.kind !== 'assert') continue;
        const key = this.matchPath(v, spec, index);
        if (key !== undefined) {
          mask |= this.keyPurposes(spec, key);
          if (spec.async) async = true;
        }
      }
    }
    if (callee && callee.kind === 'function') {
      const s = this.summaries.summary(callee.node, callee.index);
      if (s.normal) {
        mask |= this.instantiate(s.normal, call, index, callee);
        if (s.async) async = true;
      }
    }
    // Awaited: it resolves or rejects at the await, whatever its declaration says.
    if (mask && awaitedNow) async = true;
    return { mask, async };
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
      if (g.callbackArgument !== undefined && g.function && this.configCallee(g, call, index))
        add(g.callbackArgument, this.configPurposes(g, call, index));
    }
    const callee = this.resolver.value(call.callee, index);
    if (callee && callee.kind === 'path') {
      const v: Value = { kind: 'path', root: callee.root, steps: [...callee.steps, { call, awaited: false }] };
      for (const spec of this.specs) {
        if (spec.kind !== 'callback' || spec.callbackArgument === undefined || spec.callbackProperty !== undefined)
          continue;
        const key = this.matchPath(v, spec, index);
        if (key !== undefined) add(spec.callbackArgument, this.keyPurposes(spec, key));
      }
    }
    // `requireConsent('m').then(ok, fail)`: ok runs only once the assertion resolved; fail never is guarded.
    if (isMemberCall(call, 'then')) {
      const recv = unwrap((unwrap(call.callee) as t.MemberExpression).object);
      if (recv.type === 'CallExpression' || recv.type === 'OptionalCallExpression')
        add(0, this.assertionOf(recv, index).mask);
    }
    // The app's own gate: `function whenAllowed(run) { if (!hasConsent('m')) return; run(); }`.
    if (callee && callee.kind === 'function') {
      call.arguments.forEach((a, i) => {
        const arg = unwrap(a);
        if (arg.type === 'ArrowFunctionExpression' || arg.type === 'FunctionExpression')
          add(i, this.instantiate(this.summaries.callbackParameter(callee.node, callee.index, i), call, index, callee));
      });
    }
    return out;
  }

  /**
   * Purposes proven where a function held by an object literal runs, when that
   * object reaches a CMP call as the property a `callbackProperty` guard names
   * (`CookieControl.load({ optionalCookies: [{ name: 'analytics', onAccept() {…} }] })`),
   * inline or through a never-reassigned local passed only there, or is stored
   * where the CMP reads it (`callbackAssigned`: `tarteaucitron.services.x = { js() {…} }`).
   * With `keyProperty`, the key is the literal of that sibling property (`name`).
   */
  /** The last property names of `callbackAssigned` guards' callbacks (`js`, `onAccept`): reading one back may run it. */
  get assignedCallbackNames(): ReadonlySet<string> {
    this.heldNames ??= new Set(
      this.specs
        .filter((s) => s.kind === 'callback' && s.callbackAssigned && s.callbackProperty)
        .map((s) =>
          s
            .callbackProperty!.split(/\.|\[\]/)
            .filter(Boolean)
            .pop()!,
        ),
    );
    return this.heldNames;
  }

  private heldNames: Set<string> | undefined;

  /** The globals `callbackAssigned` guards store at (`tarteaucitron`, `klaroConfig`). */
  get assignedCallbackRoots(): string[] {
    return [
      ...new Set(
        this.specs.flatMap((s) =>
          s.kind === 'callback' && s.callbackAssigned && 'global' in s.from ? [s.from.global] : [],
        ),
      ),
    ];
  }

  /**
   * By-name keys of a function stored for a CMP (`callbackAssigned`): `held:js`, and the
   * location it is stored at (`held:tarteaucitron.services.x.js`), which a read of exactly
   * that location (`tarteaucitron.services.x.js()`) references.
   */
  heldKeys(fn: t.Function, index: ScriptIndex): string[] {
    const site = assignedCallbackSite(fn, index);
    if (!site) return [];
    const segments = site.property.split(/\.|(?=\[\])/).map((x) => (x === '[]' ? '[]' : x.replace('[]', '')));
    const last = segments[segments.length - 1];
    if (!this.assignedCallbackNames.has(last)) return [];
    const out = [`held:${last}`];
    for (const v of this.storedPaths(site.target, index)) {
      const at = v.kind === 'path' ? locationKey(v) : undefined;
      if (at !== undefined) out.push(`held:${at}.${segments.join('.')}`);
    }
    return out;
  }

  /**
   * `this.js` inside a function stored for a CMP in the same object (a tarteaucitron service's
   * `fallback() { this.js(); }`, which the CMP calls as `service.fallback()`): the by-name key of
   * that object's own `js`. Undefined when `this` is no such object.
   */
  thisHeldKeys(member: t.MemberExpression | t.OptionalMemberExpression, index: ScriptIndex): string[] | undefined {
    if (unwrap(member.object).type !== 'ThisExpression') return undefined;
    const name = propertyName(member);
    if (name === null || !this.assignedCallbackNames.has(name)) return undefined;
    let fn: t.Node | undefined = index.parent.get(member);
    while (fn && (!isFunctionNode(fn) || fn.type === 'ArrowFunctionExpression')) fn = index.parent.get(fn);
    if (!fn || (fn.type !== 'FunctionExpression' && fn.type !== 'ObjectMethod')) return undefined;
    const site = assignedCallbackSite(fn, index);
    if (!site) return undefined;
    const segments = site.property.split('.');
    // Only a function held directly by the stored object (`services.x.fallback`, not nested deeper).
    if (segments.length !== 1) return undefined;
    const out: string[] = [];
    for (const v of this.storedPaths(site.target, index)) {
      const at = v.kind === 'path' ? locationKey(v) : undefined;
      if (at === undefined) return undefined;
      out.push(`held:${at}.${name}`);
    }
    return out.length ? out : undefined;
  }

  /**
   * The by-name keys a read of property `name` references (see heldKeys): its exact
   * location when known, else every stored callback of that name, in a script naming
   * the CMP's global (`tarteaucitron.services[k].js()`, `Object.values(tarteaucitron.services)`):
   * as for methods called on a receiver the analysis cannot resolve, a function held in an
   * object is otherwise referenced where the object is handed over, not where it is read back.
   */
  readKeys(v: Value | undefined, name: string, index: ScriptIndex): string[] {
    if (!this.assignedCallbackNames.has(name)) return [];
    const out = new Set<string>();
    let unknown = !v;
    for (const a of alternatives(v)) {
      const at = a.kind === 'path' ? locationKey(a) : undefined;
      if (at !== undefined) out.add(`held:${at}`);
      else if (a.kind === 'path') unknown = true;
    }
    if (unknown && this.namesHeldRoot(index)) out.add(`held:${name}`);
    return [...out];
  }

  private readonly rootMentions = new WeakMap<ScriptIndex, boolean>();

  /**
   * Does the script's code (its strings too, not its comments) name a global `callbackAssigned`
   * guards store at? A comment runs nothing: `// .js('resources/js/tarteaucitron.js')` in a
   * webpack.mix.js made its `mix.js(…)` a read-back of every service's `js` (capetrel/Wordplate-starter).
   * Not the CMP's own library (a self-hosted tarteaucitron.js declares `var tarteaucitron = {…}` and
   * runs each allowed service's `tarteaucitron.services[key].js()`): that is the CMP calling it.
   */
  private namesHeldRoot(index: ScriptIndex): boolean {
    let known = this.rootMentions.get(index);
    if (known === undefined) {
      const roots = this.assignedCallbackRoots;
      known =
        roots.length > 0 &&
        mentionedInCode(index, new RegExp(`\\b(?:${roots.map(escapeRegExp).join('|')})\\b`, 'g')) &&
        !declaresGlobal(index, roots);
      this.rootMentions.set(index, known);
    }
    return known;
  }

  /** `fn` is a function held by an object literal, or a string of code a CMP runs in its place (`codeStrings`). */
  objectCallbackGrants(fn: t.Function | t.Expression, index: ScriptIndex, parameter?: number): number {
    const site = objectCallbackSite(fn, index);
    if (!site) return this.assignedCallbackGrants(fn, index, parameter);
    if (site.call.type === 'NewExpression') return 0;
    const specs = this.specs.filter(
      (s) =>
        s.kind === 'callback' &&
        !s.callbackAssigned &&
        s.callbackProperty === site.property &&
        s.grantedParameter === parameter,
    );
    if (!specs.length) return 0;
    const holders = site.holders ?? [];
    const callees = alternatives(this.resolver.value(site.call.callee, index));
    let mask = callees.length ? ~0 : 0;
    // Every function the call may be must prove it: one that is no CMP path proves nothing.
    for (const callee of callees) {
      if (callee.kind !== 'path') return 0;
      const v: Value = {
        kind: 'path',
        root: callee.root,
        steps: [...callee.steps, { call: site.call, awaited: false }],
      };
      let here = 0;
      for (const spec of specs) {
        if (spec.callbackArgument !== site.argument) continue;
        const key = this.matchPath(v, spec, index);
        if (key !== undefined) here |= this.holderGrants(spec, key, fn, holders, index);
      }
      mask &= here;
    }
    return mask;
  }

  /**
   * `callbackAssigned` guards: the object holding `fn` is stored at the guard's
   * path (`tarteaucitron.services.<any>`, the page global `klaroConfig`).
   * Every location the store may name must match: one that is no CMP path proves nothing.
   */
  private assignedCallbackGrants(
    fn: t.Function | t.Expression,
    index: ScriptIndex,
    parameter: number | undefined,
  ): number {
    const site = assignedCallbackSite(fn, index);
    if (!site) return 0;
    const specs = this.specs.filter(
      (s) =>
        s.kind === 'callback' &&
        s.callbackAssigned &&
        s.callbackProperty === site.property &&
        s.grantedParameter === parameter,
    );
    if (!specs.length) return 0;
    const places = this.storedPaths(site.target, index);
    let mask = places.length ? ~0 : 0;
    for (const v of places) {
      if (v.kind !== 'path') return 0;
      let here = 0;
      for (const spec of specs) {
        const key = this.matchPath(v, spec, index);
        if (key !== undefined) here |= this.holderGrants(spec, key, fn, site.holders, index);
      }
      mask &= here;
    }
    // A parameter is the CMP's answer only while the app never calls the callback itself.
    if (mask && parameter !== undefined && (!isFunctionLike(fn) || this.readBack(fn, index))) return 0;
    return mask;
  }

  /**
   * Does the app read a stored callback back (`klaroConfig.services[0].callback(true)`), in a file
   * naming the CMP's global (all of which are read; one not parsed yet may)?
   */
  private readBack(fn: t.Function, index: ScriptIndex): boolean {
    const keys = new Set(this.heldKeys(fn, index));
    const names = this.assignedCallbackNames;
    for (const root of this.assignedCallbackRoots) {
      for (const rel of this.filesNaming(root)) {
        const mod = this.resolver.project.module(rel);
        if (!mod) return true;
        for (const script of mod.scripts)
          for (const n of script.nodes) {
            if (n.type !== 'MemberExpression' && n.type !== 'OptionalMemberExpression') continue;
            const name = propertyName(n);
            if (name === null || !names.has(name)) continue;
            const v = this.resolver.value(n, script);
            if (alternatives(v).some((a) => a.kind === 'function' && a.node === fn)) return true;
            if (this.readKeys(v, name, script).some((k) => keys.has(k))) return true;
          }
      }
    }
    return false;
  }

  /** The script files whose text names a global (`tarteaucitron`, `klaroConfig`). */
  private filesNaming(root: string): string[] {
    let files = this.rootFiles.get(root);
    if (!files) {
      files = this.resolver.project
        .filesMatching(new RegExp(`\\b${escapeRegExp(root)}\\b`), [root])
        .filter((rel) => SCRIPT_HOLDER.test(rel));
      this.rootFiles.set(root, files);
    }
    return files;
  }

  /** The CMP locations an assignment target names (`tarteaucitron.services.x`, `window.klaroConfig`, a page global). */
  private storedPaths(target: t.Node, index: ScriptIndex): readonly Value[] {
    if (target.type === 'Identifier') return [{ kind: 'path', root: { global: target.name }, steps: [] }];
    if (target.type !== 'MemberExpression') return [];
    const name = propertyName(target);
    // A computed key that is no literal may name any service: it proves nothing.
    if (name === null) return [];
    const obj = unwrap(target.object);
    if (obj.type === 'Identifier' && GLOBAL_OBJECTS.has(obj.name) && !index.binding(obj))
      return [{ kind: 'path', root: { global: name }, steps: [] }];
    const library = this.libraryChain(target, index);
    if (library) return [library];
    return alternatives(this.resolver.value(target.object, index)).map((base): Value =>
      base.kind === 'path' ? { ...base, steps: [...base.steps, { prop: name }] } : base,
    );
  }

  private readonly rootFiles = new Map<string, string[]>();
  private readonly scriptVoids = new WeakMap<ScriptIndex, Map<GuardSpec, boolean>>();

  /**
   * `callbackVoidedBy`: somewhere in the project, a call or a write lets the CMP run the callback
   * without an answer (`tarteaucitron.init({ highPrivacy: false })`, `tarteaucitron.user.bypass = true`).
   * Every file naming the CMP's global is read; one not parsed yet is asked for, and until then
   * the callback proves nothing.
   */
  private voidedByProject(spec: GuardSpec): boolean {
    if (!('global' in spec.from)) return true;
    for (const rel of this.filesNaming(spec.from.global)) {
      const mod = this.resolver.project.module(rel);
      if (!mod) return true;
      for (const index of mod.scripts) if (this.scriptVoidsSpec(spec, index)) return true;
    }
    return false;
  }

  private scriptVoidsSpec(spec: GuardSpec, index: ScriptIndex): boolean {
    let memo = this.scriptVoids.get(index);
    if (!memo) this.scriptVoids.set(index, (memo = new Map<GuardSpec, boolean>()));
    const known = memo.get(spec);
    if (known !== undefined) return known;
    let found = false;
    for (const n of index.nodes) {
      if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') found = this.callVoids(spec, n, index);
      else if (n.type === 'AssignmentExpression') found = this.writeVoids(spec, n.left, index);
      else if (n.type === 'UpdateExpression') found = this.writeVoids(spec, n.argument, index);
      if (found) break;
    }
    memo.set(spec, found);
    return found;
  }

  /** A call of a `callbackVoidedBy.calls` path whose options are not harmless (`tarteaucitron.init({ highPrivacy: false })`). */
  private callVoids(spec: GuardSpec, n: t.CallExpression | t.OptionalCallExpression, index: ScriptIndex): boolean {
    const calls = spec.callbackVoidedBy?.calls ?? [];
    if (!calls.length) return false;
    for (const callee of alternatives(this.resolver.value(n.callee, index))) {
      if (callee.kind !== 'path') continue;
      const v: PathValue = { ...callee, steps: [...callee.steps, { call: n, awaited: false }] };
      for (const c of calls) {
        if (this.matchPath(v, { ...spec, path: c.path, async: undefined }, index) === undefined) continue;
        const arg = n.arguments[c.argument];
        // No options: the CMP's defaults.
        if (!arg) continue;
        const options = alternatives(this.resolver.value(arg, index));
        // Options the analysis cannot see may say anything.
        if (arg.type === 'SpreadElement' || !options.length) return true;
        for (const o of options) {
          if (o.kind !== 'object') return true;
          for (const [name, harmless] of Object.entries(c.harmless)) {
            const lit = this.propertyLiteral(o.node, name, o.index);
            if (lit !== ABSENT && (lit === undefined || !harmless.includes(lit))) return true;
          }
        }
      }
    }
    return false;
  }

  /** A write of a `callbackVoidedBy.writes` path, an object holding it, or the global itself (`tarteaucitron.user.bypass = true`). */
  private writeVoids(spec: GuardSpec, left: t.Node, index: ScriptIndex): boolean {
    const writes = spec.callbackVoidedBy?.writes ?? [];
    const root = 'global' in spec.from ? spec.from.global : undefined;
    if (!writes.length || root === undefined) return false;
    for (const v of alternatives(this.resolver.value(left, index))) {
      if (v.kind !== 'path' || !('global' in v.root) || v.root.global !== root) continue;
      const props = v.steps.map((st) => ('prop' in st ? st.prop : undefined));
      // A computed key (null) may be any of them.
      if (writes.some((w) => props.every((p, i) => i < w.length && (p === null || p === w[i])))) return true;
    }
    return false;
  }

  /**
   * `tarteaucitron.services.x` where `tarteaucitron` is the page global a self-hosted copy of the
   * CMP declares (`var tarteaucitron = { init, services, addService, … }` in tarteaucitron.js, an
   * object literal holding every `libraryProperties` of a guard storing at that global): still the
   * CMP's global, not an app object. Undefined for any other target.
   */
  private libraryChain(target: t.MemberExpression, index: ScriptIndex): PathValue | undefined {
    const props: string[] = [];
    const nodes: t.Node[] = [];
    let e: t.Node = target;
    while (e.type === 'MemberExpression') {
      const p = propertyName(e);
      if (p === null) return undefined;
      props.unshift(p);
      nodes.unshift(e);
      e = unwrap(e.object);
    }
    if (e.type !== 'Identifier') return undefined;
    let root = e.name;
    let rootNode: t.Node = e;
    if (GLOBAL_OBJECTS.has(root) && !index.binding(e)) {
      root = props.shift() ?? '';
      rootNode = nodes[0];
    }
    // A local of this script is no page global (a classic script's own top-level `var` is: the library's).
    const b = rootNode.type === 'Identifier' ? index.binding(rootNode) : undefined;
    if (b && !(index.script.kind === 'script' && b.scopeBlock.type === 'Program')) return undefined;
    const wanted = this.specs.filter(
      (s) => s.callbackAssigned && s.libraryProperties && 'global' in s.from && s.from.global === root,
    );
    if (!wanted.length) return undefined;
    const held = alternatives(this.resolver.value(rootNode, index));
    const isLibrary =
      held.length > 0 &&
      held.every(
        (a) =>
          // The global itself (the library loaded from elsewhere), or the library's own declaration.
          (a.kind === 'path' && 'global' in a.root && a.root.global === root && !a.steps.length) ||
          (a.kind === 'object' && wanted.some((s) => holdsProperties(a.node, s.libraryProperties!))),
      );
    return isLibrary ? { kind: 'path', root: { global: root }, steps: props.map((prop) => ({ prop })) } : undefined;
  }

  /**
   * What a matched callback proves given the object literals around it: its key
   * from `keyProperty` (an array literal proves what all its elements prove), and
   * nothing unless `callbackRequires` / `callbackUnless` hold (a Klaro service
   * marked `required` runs `onAccept` without consent; a tarteaucitron service
   * without `needConsent: true` runs `js` on load).
   */
  private holderGrants(
    spec: GuardSpec,
    key: string | null,
    fn: t.Function | t.Expression,
    holders: t.ObjectExpression[],
    index: ScriptIndex,
  ): number {
    if (spec.callbackVoidedBy && this.voidedByProject(spec)) return 0;
    for (const [name, allowed] of Object.entries(spec.callbackRequires ?? {})) {
      const v = holders[0] ? this.propertyLiteral(holders[0], name, index) : undefined;
      if (v === undefined || v === ABSENT || !allowed.includes(v)) return 0;
    }
    for (const [name, harmless] of Object.entries(spec.callbackUnless ?? {})) {
      for (const holder of holders) {
        const v = this.propertyLiteral(holder, name, index);
        if (v !== ABSENT && (v === undefined || !harmless.includes(v))) return 0;
      }
    }
    if (spec.keyProperty === undefined) return this.keyPurposes(spec, key);
    // Several key properties (Klaro's `name` and `purposes`): each is true of the callback's consent.
    let mask = 0;
    for (const prop of [spec.keyProperty].flat()) {
      const sibling = this.siblingValue(fn, prop, index);
      if (sibling === undefined) continue;
      if (!Array.isArray(sibling)) {
        mask |= this.keyPurposes(spec, String(sibling));
        continue;
      }
      // `purposes: ['analytics', 'marketing']`: consent for the service may come from either purpose.
      let all = sibling.length ? ~0 : 0;
      for (const k of sibling) all &= this.keyPurposes(spec, String(k));
      mask |= all;
    }
    return mask;
  }

  /**
   * Property `name` of an object literal: its literal, ABSENT when no property
   * (nor spread, which may hold it) is there, undefined when it may be anything.
   */
  private propertyLiteral(
    holder: t.ObjectExpression,
    name: string,
    index: ScriptIndex,
  ): Literal | typeof ABSENT | undefined {
    let found: Literal | typeof ABSENT | undefined = ABSENT;
    for (const p of holder.properties) {
      if (p.type === 'SpreadElement') found = undefined;
      else if (ownPropertyName(p) === name)
        found = p.type === 'ObjectProperty' ? this.literal(p.value, index) : undefined;
      else if (p.computed && p.key.type !== 'StringLiteral') found = undefined;
    }
    return found;
  }

  /** The literal (or array literal of literals) of property `name` of the object literal holding `fn`. */
  private siblingValue(
    fn: t.Function | t.Expression,
    name: string,
    index: ScriptIndex,
  ): Literal | Literal[] | undefined {
    const prop = fn.type === 'ObjectMethod' ? fn : index.parent.get(fn);
    const holder = prop && index.parent.get(prop);
    if (!holder || holder.type !== 'ObjectExpression') return undefined;
    let found: t.Node | undefined;
    for (const p of holder.properties) {
      if (p.type === 'SpreadElement') found = undefined;
      else if (ownPropertyName(p) === name) found = p.type === 'ObjectProperty' ? p.value : undefined;
    }
    if (!found) return undefined;
    const u = unwrap(found);
    if (u.type !== 'ArrayExpression') return this.literal(u, index);
    const out: Literal[] = [];
    for (const el of u.elements) {
      const lit = el && el.type !== 'SpreadElement' ? this.literal(el, index) : undefined;
      if (lit === undefined) return undefined;
      out.push(lit);
    }
    return out;
  }
}

/** `tarteaucitron.services.x`, `klaroConfig.services.[]` (array indexes as `[]`); undefined when a step is no known property. */
function locationKey(v: PathValue): string | undefined {
  const root = 'global' in v.root ? v.root.global : `${v.root.module}:${v.root.export}`;
  const parts = [root];
  for (const s of v.steps) {
    if (!('prop' in s) || s.prop === null) return undefined;
    parts.push(/^\d+$/.test(s.prop) ? '[]' : s.prop);
  }
  return parts.join('.');
}

/** Does a classic script declare one of these globals at its top level (`var tarteaucitron = {…}`)? */
function declaresGlobal(index: ScriptIndex, names: string[]): boolean {
  if (index.script.kind !== 'script') return false;
  return index.script.ast.program.body.some(
    (st) =>
      st.type === 'VariableDeclaration' &&
      st.declarations.some(
        (d) => d.id.type === 'Identifier' && names.includes(d.id.name) && d.init?.type === 'ObjectExpression',
      ),
  );
}

function isFunctionNode(n: t.Node): n is t.Function {
  return (
    n.type === 'FunctionExpression' ||
    n.type === 'FunctionDeclaration' ||
    n.type === 'ArrowFunctionExpression' ||
    n.type === 'ObjectMethod' ||
    n.type === 'ClassMethod' ||
    n.type === 'ClassPrivateMethod'
  );
}

/** A property no object literal around a callback has. */
const ABSENT = Symbol('absent');

/** A non-computed (or string-literal computed) property key's name. */
function isMemberCall(e: t.Node, name: string): boolean {
  if (e.type !== 'CallExpression' && e.type !== 'OptionalCallExpression') return false;
  const c = unwrap(e.callee);
  return (c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression') && propertyName(c) === name;
}

/** Calls whose result is a part of the text (or the list) they are called on. */
const PART_OF_TEXT = ['split', 'slice', 'substring', 'substr', 'trim', 'trimStart', 'trimEnd'];
/** Calls whose result is one element of the list they are called on. */
const ELEMENT = ['find', 'at'];
/** Global functions returning their argument's text decoded. */
const DECODE = ['decodeURIComponent', 'decodeURI', 'unescape'];

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
      const base = chainText(e.callee, index, depth + 1);
      return base !== undefined ? `${base}()` : undefined;
    }
    case 'AwaitExpression':
      return chainText(e.argument, index, depth + 1);
    default:
      return undefined;
  }
}

/**
 * If `e` is a parameter of its enclosing function, never reassigned (else what the
 * caller passed need not be what `e` holds here), its position.
 */
function paramIndex(e: t.Node, index: ScriptIndex): number | undefined {
  if (e.type !== 'Identifier') return undefined;
  const b = index.binding(e);
  if (!b || b.kind !== 'param' || b.violations.length) return undefined;
  const fn = b.scopeBlock as t.Function;
  const i = fn.params.findIndex(
    (p) => p === b.identifier || (p.type === 'AssignmentPattern' && p.left === b.identifier),
  );
  return i >= 0 ? i : undefined;
}

/**
 * Does a write of `steps` (after the root) reach into a guard path `path`?
 * Returns the key it overwrites (null: every key, the write is above the
 * key), or undefined when it writes elsewhere or only below the guard value.
 */
function writtenKey(steps: Step[], path0: PathStep[]): string | null | undefined {
  const path = expandPath(path0);
  let key: string | null = null;
  if (steps.length > path.length) return undefined; // writes a property of the consent value itself
  for (let i = 0; i < steps.length; i++) {
    const got = steps[i];
    const want = path[i];
    if (typeof want === 'object' && 'findBy' in want) {
      if (!('call' in got)) return undefined;
      return null; // writes into a found element: any key
    }
    if (typeof want === 'string') {
      if (!('prop' in got)) return undefined;
      if (got.prop !== null && got.prop !== want) return undefined;
    } else if ('anyProperty' in want) {
      if (!('prop' in got)) return undefined;
      key = got.prop;
      if (key === null) return null;
    } else if ('call' in want) {
      if (!('call' in got)) return undefined;
    } else if (!('param' in got)) return undefined;
  }
  return key;
}

/** The source text of a node (one line, shortened), for explanations. */
export function sourceText(n: t.Node, index: ScriptIndex): string {
  const code = index.script.code;
  let s =
    n.start !== undefined && n.start !== null && n.end !== undefined && n.end !== null && n.end <= code.length
      ? code.slice(n.start, n.end)
      : n.type;
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const READ_ONLY_METHODS = new Set([
  'every',
  'some',
  'includes',
  'indexOf',
  'forEach',
  'map',
  'filter',
  'find',
  'join',
  'slice',
  'concat',
  'at',
]);

/** Is every use of this local array a read (a call of a non-mutating method on it)? */
function onlyRead(id: t.Identifier, index: ScriptIndex): boolean {
  const b = index.binding(id);
  if (!b) return false;
  let ok = true;
  const visit = (n: t.Node): void => {
    if (!ok) return;
    if (n.type === 'Identifier' && n !== b.identifier && n.name === id.name && index.binding(n) === b) {
      const p = index.parent.get(n);
      const call = p ? index.parent.get(p) : undefined;
      const method =
        p && (p.type === 'MemberExpression' || p.type === 'OptionalMemberExpression') && p.object === n
          ? propertyName(p)
          : null;
      if (
        !method ||
        !READ_ONLY_METHODS.has(method) ||
        !call ||
        (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') ||
        call.callee !== p
      )
        ok = false;
      return;
    }
    forEachChild(n, visit);
  };
  visit(index.script.ast.program);
  return ok;
}

type Want = Exclude<PathStep, { find: unknown }> | { findBy: string };

/** A `{ find: { property } }` step is two steps of a value's path: `.find` and its call. */
function expandPath(path: PathStep[]): Want[] {
  const out: Want[] = [];
  for (const p of path) {
    if (typeof p === 'object' && 'find' in p) out.push('find', { findBy: p.find.property });
    else out.push(p);
  }
  return out;
}

/** `list.find((s) => s.name === 'Leanplum')`: the literal the element's property is compared with. */
function findKey(
  call: t.CallExpression | t.OptionalCallExpression | t.NewExpression,
  property: string,
): string | undefined {
  const fn = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
  if (!fn || (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression')) return undefined;
  const p = fn.params[0];
  if (!p || p.type !== 'Identifier') return undefined;
  let body: t.Node = fn.body;
  if (body.type === 'BlockStatement') {
    const only = body.body.length === 1 ? body.body[0] : undefined;
    if (!only || only.type !== 'ReturnStatement' || !only.argument) return undefined;
    body = only.argument;
  }
  const e = unwrap(body);
  if (e.type !== 'BinaryExpression' || (e.operator !== '===' && e.operator !== '==')) return undefined;
  const side = (a: t.Node, b: t.Node): string | undefined => {
    const m = unwrap(a);
    const lit = unwrap(b);
    if (
      (m.type === 'MemberExpression' || m.type === 'OptionalMemberExpression') &&
      m.object.type === 'Identifier' &&
      m.object.name === p.name &&
      propertyName(m) === property &&
      lit.type === 'StringLiteral'
    )
      return lit.value;
    return undefined;
  };
  return side(e.left, e.right) ?? side(e.right, e.left);
}

/** Does `re` (global) match the script's code outside its comments (offsets into `code`, as the AST's)? */
function mentionedInCode(index: ScriptIndex, re: RegExp): boolean {
  const comments = index.script.ast.comments ?? [];
  for (const m of index.script.code.matchAll(re))
    if (!comments.some((c) => c.start! <= m.index && m.index < c.end!)) return true;
  return false;
}
