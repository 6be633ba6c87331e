/**
 * From four tree-sitter grammars to one small intermediate form: functions
 * made of statements (if/else, guard, switch/when, loops, try, jumps) and
 * expressions (calls, member reads, literals, `&&`/`||`/`!`, comparisons,
 * closures). The control-flow graph and the consent analysis work on this
 * form only; everything language-specific is here.
 *
 * A construct the converter does not know becomes `seq` (its sub-expressions,
 * in order, with no control flow and no guard): that can only make the
 * analysis report more, never less. Statements it does not know are recorded
 * in `unknown` so that a sink inside one is reported as not fully analysed.
 */
import { kotlinArgumentLabel, labelsOf, selectorLabels, swiftArgumentLabel } from './labels.js';
import type { NativeLanguage, SyntaxNode } from './parsers.js';

export type Expr =
  | { k: 'name'; name: string; node: SyntaxNode }
  | { k: 'this'; node: SyntaxNode }
  | { k: 'member'; obj: Expr; name: string; node: SyntaxNode }
  | {
      k: 'call';
      recv?: Expr;
      callee?: Expr;
      name: string;
      args: Expr[];
      /** Argument labels by index, where the language writes them: Swift `token:`, Kotlin `optOut =`, Objective-C selector keywords. */
      labels?: (string | undefined)[];
      node: SyntaxNode;
    }
  | { k: 'lit'; value: string | number | boolean | null; node: SyntaxNode }
  | { k: 'enumCase'; name: string; node: SyntaxNode }
  | { k: 'bin'; op: string; l: Expr; r: Expr; node: SyntaxNode }
  | { k: 'not'; e: Expr; node: SyntaxNode }
  | { k: 'cond'; test: Expr; then: Stmt[]; else: Stmt[]; node: SyntaxNode }
  /**
   * `types`: the parameters' declared types, where written (`new Callback() { void done(UAirship airship) {…} }`,
   * `{ airship: UAirship -> … }`, `(UAirship airship) -> …`). `destructured`: a Kotlin destructuring parameter
   * (`{ (k, v) -> … }`) makes `params` (every name bound) no longer line up with the callback's parameters.
   */
  | {
      k: 'lambda';
      params: string[];
      types?: (string | undefined)[];
      destructured?: boolean;
      body: Stmt[];
      node: SyntaxNode;
    }
  | { k: 'jump'; s: Stmt; node: SyntaxNode }
  | { k: 'block'; body: Stmt[]; node: SyntaxNode }
  | { k: 'seq'; items: Expr[]; node: SyntaxNode };

export type Stmt =
  | { k: 'expr'; e: Expr; node: SyntaxNode }
  | { k: 'decl'; name: string; type?: string; init?: Expr; constant: boolean; node: SyntaxNode }
  | { k: 'assign'; target: Expr; value: Expr; node: SyntaxNode }
  | { k: 'if'; cond: Expr[]; then: Stmt[]; else?: Stmt[]; node: SyntaxNode }
  | { k: 'guard'; cond: Expr[]; else: Stmt[]; node: SyntaxNode }
  | { k: 'return'; e?: Expr; node: SyntaxNode }
  | { k: 'throw'; e?: Expr; node: SyntaxNode }
  | { k: 'break'; node: SyntaxNode }
  | { k: 'continue'; node: SyntaxNode }
  | { k: 'loop'; cond?: Expr; body: Stmt[]; init?: Stmt[]; update?: Expr[]; postTest?: boolean; node: SyntaxNode }
  | {
      k: 'switch';
      subject?: Expr;
      cases: { patterns: Expr[] | 'default'; body: Stmt[] }[];
      fallthrough: boolean;
      node: SyntaxNode;
    }
  | { k: 'try'; body: Stmt[]; catches: Stmt[][]; finally?: Stmt[]; node: SyntaxNode }
  | { k: 'block'; body: Stmt[]; node: SyntaxNode };

export interface NativeFunction {
  /** Method/function name (`onCreate`, `application`), or a label for closures. */
  name: string;
  /** Enclosing class, when any. */
  className?: string;
  params: { name: string; type?: string }[];
  body: Stmt[];
  node: SyntaxNode;
  /** Name position (for traces). */
  nameNode: SyntaxNode;
  /**
   * Called from outside the file's own code: overrides a framework method
   * (`override`, `@Override`), or is exported to the platform or React Native
   * (`@objc`, `@IBAction`, `@ReactMethod`, `RCT_EXPORT_METHOD`).
   */
  external: boolean;
  /** Visible only in this file (`private`, `fileprivate`): its callers are all here. */
  private: boolean;
  /** Kotlin/Java: the declared return type, as written (`PermissionState`). */
  returns?: string;
}

export interface NativeUnit {
  language: NativeLanguage;
  /**
   * Kotlin compiled for Apple platforms (Kotlin Multiplatform's `iosMain` and kin, or a file importing the
   * Objective-C interop packages `cocoapods.<Module>` / `platform.<Framework>`): its SDK classes are the
   * Objective-C ones, called by their selectors' first keyword (`Mixpanel.sharedInstanceWithToken(token, true)`),
   * and its platform is iOS. Set by the native stage, which knows the file's path.
   */
  kotlinNative?: boolean;
  /** Imports: JVM qualified names (`com.leanplum.Leanplum`, `com.leanplum.*`, `a.B as C`), Swift modules, Objective-C headers/modules. */
  imports: string[];
  /** Kotlin/Java package of the file. */
  packageName?: string;
  functions: NativeFunction[];
  /**
   * Fields/properties of classes in the file: name -> declared type and constant initialiser; with `inherited`,
   * a field of a superclass in another file, by the fully qualified SDK path of its type or initialiser.
   */
  fields: Map<string, { type?: string; init?: Expr; constant: boolean; inherited?: string }>;
  /**
   * Functions of other files of the app that this file may call by name (imported, or of its package), whose declared
   * return type is an SDK class: name -> that class, fully qualified (`rememberPushPermission(): PermissionState`).
   */
  foreignReturns: Map<string, string>;
  /** Classes, objects, protocols declared in the file (they shadow SDK names). */
  declaredTypes: Set<string>;
  /** Superclasses of the file's JVM classes as written (`class MainApplication : CleverTapApplication()`), with the type node. */
  supertypes: { className: string; type: string; node: SyntaxNode }[];
  /** Statements the converter did not know, by node. */
  unknown: SyntaxNode[];
  /**
   * Functions named as values, not called: `::startSdks`, `this::startSdks`,
   * Java `App::startSdks`, `#selector(startSdks)`, `@selector(startSdks:)`.
   * Whoever receives the reference may call it at any time.
   */
  references: { name: string; node: SyntaxNode }[];
}

/** Named children without comments; memoised per node for one conversion (each access crosses into wasm). */
let namedCache = new Map<number, SyntaxNode[]>();
const named = (n: SyntaxNode): SyntaxNode[] => {
  let kids = namedCache.get(n.id);
  if (!kids) namedCache.set(n.id, (kids = n.namedChildren.filter((c): c is SyntaxNode => !!c && !isComment(c))));
  return kids;
};
const isComment = (n: SyntaxNode) => /comment/.test(n.type);
const field = (n: SyntaxNode, f: string) => n.childForFieldName(f) ?? undefined;

function unquote(text: string): string {
  return text.replace(/^@?"|"$/g, '');
}

/** The JVM setter of a Kotlin property: `consentGiven` -> `setConsentGiven`, `isEnabled` -> `setEnabled`. */
export function setterName(property: string): string {
  const base = /^is[A-Z]/.test(property) ? property.slice(2) : property;
  return `set${base[0].toUpperCase()}${base.slice(1)}`;
}

/** The simple type name of a type node (`ConsentInformation?` -> `ConsentInformation`, `a.b.C` -> `C`). */
function typeName(n: SyntaxNode | undefined): string | undefined {
  if (!n) return undefined;
  const m = /([A-Za-z_][A-Za-z0-9_]*)\s*(?:<[^>]*>)?\s*[?!*]?\s*$/.exec(n.text.trim());
  return m?.[1];
}

/** `a.b.c` as a name followed by member reads (undefined for no segments). */
function qualified(segments: string[], node: SyntaxNode): Expr | undefined {
  let e: Expr | undefined;
  for (const name of segments) e = e ? { k: 'member', obj: e, name, node } : { k: 'name', name, node };
  return e;
}

abstract class Converter {
  readonly unit: NativeUnit;
  constructor(language: NativeLanguage) {
    this.unit = {
      language,
      imports: [],
      functions: [],
      fields: new Map(),
      foreignReturns: new Map(),
      declaredTypes: new Set(),
      supertypes: [],
      unknown: [],
      references: [],
    };
  }
  protected seq(n: SyntaxNode): Expr {
    return { k: 'seq', items: named(n).map((c) => this.expr(c)), node: n };
  }
  protected addFunction(
    name: string,
    nameNode: SyntaxNode,
    params: { name: string; type?: string }[],
    body: Stmt[],
    node: SyntaxNode,
    className?: string,
  ): void {
    // Modifiers and annotations come before the name.
    const head = node.text.slice(0, Math.max(0, nameNode.startIndex - node.startIndex));
    const external =
      /\boverride\b|@Override\b|@objc\b|@IBAction\b|@ReactMethod\b|RCT_EXPORT_METHOD|RCT_REMAP_METHOD/.test(head) ||
      name === 'constructor' ||
      name === 'init';
    const isPrivate = /\b(?:private|fileprivate)\b/.test(head);
    // Kotlin `fun f(…): T`, Java `T f(…)`
    const returns =
      node.type === 'method_declaration'
        ? typeName(field(node, 'type'))
        : node.type === 'function_declaration' && this.unit.language === 'kotlin'
          ? typeName(
              named(node)
                .slice(named(node).findIndex((x) => x.type === 'function_value_parameters') + 1)
                .find((x) => x.type === 'user_type' || x.type === 'nullable_type'),
            )
          : undefined;
    this.unit.functions.push({ name, className, params, body, node, nameNode, external, private: isPrivate, returns });
  }
  /**
   * A field or property initialiser (`val ct = CleverTapAPI.getDefaultInstance(this)`,
   * `by lazy { … }`, Swift `static let shared = CleverTap.sharedInstance()`, a
   * Java field) runs when its object or type is created or first read: when it
   * calls anything, it is code of its own, an entry like an initialiser. In
   * Kotlin and Swift reading a property may run its getter (`val analytics =
   * Firebase.analytics`, an extension property), so a member read counts.
   */
  protected fieldInitialiser(init: Expr | undefined, node: SyntaxNode, className: string | undefined): void {
    const getters = this.unit.language === 'kotlin' || this.unit.language === 'swift';
    if (init && callsSomething(init, getters))
      this.addFunction('init', node, [], [{ k: 'expr', e: init, node }], node, className);
  }
  abstract expr(n: SyntaxNode): Expr;
  abstract stmts(n: SyntaxNode | undefined): Stmt[];
}

/** Whether evaluating `e` may call something (a call, a closure, or a construct not looked into; with `getters`, a property read). */
function callsSomething(e: Expr, getters = false): boolean {
  switch (e.k) {
    case 'name':
    case 'this':
    case 'lit':
    case 'enumCase':
      return false;
    case 'member':
      return (getters && e.obj.k !== 'this') || callsSomething(e.obj, getters);
    case 'not':
      return callsSomething(e.e, getters);
    case 'bin':
      return callsSomething(e.l, getters) || callsSomething(e.r, getters);
    case 'seq':
      return e.items.some((x) => callsSomething(x, getters));
    default:
      return true;
  }
}

// ------------------------------------------------------------------ Kotlin

class KotlinConverter extends Converter {
  constructor() {
    super('kotlin');
  }

  file(root: SyntaxNode): NativeUnit {
    for (const c of named(root)) {
      if (c.type === 'package_header')
        this.unit.packageName = named(c).find(
          (x) => x.type === 'qualified_identifier' || x.type === 'identifier',
        )?.text;
      else if (c.type === 'import') {
        const q = named(c).find((x) => x.type === 'qualified_identifier' || x.type === 'identifier')?.text ?? '';
        const star = /\.\*\s*$/.test(c.text) ? '.*' : '';
        const alias = /\bas\s+([A-Za-z_]\w*)\s*$/.exec(c.text)?.[1];
        this.unit.imports.push(q + star + (alias ? ` as ${alias}` : ''));
      } else this.declaration(c, undefined);
    }
    return this.unit;
  }

  private declaration(n: SyntaxNode, className: string | undefined): void {
    switch (n.type) {
      case 'class_declaration':
      case 'object_declaration':
      case 'companion_object': {
        const name =
          field(n, 'name')?.text ?? named(n).find((x) => x.type === 'identifier')?.text ?? className ?? 'companion';
        this.unit.declaredTypes.add(name);
        for (const c of named(n)) {
          if (c.type === 'delegation_specifiers')
            for (const d of named(c)) {
              // `: CleverTapApplication()` (a constructor invocation: the superclass), not an interface
              const inv = named(d).find((x) => x.type === 'constructor_invocation');
              const t = inv && named(inv).find((x) => x.type === 'user_type');
              if (t) this.unit.supertypes.push({ className: name, type: t.text.replace(/<.*$/s, ''), node: t });
            }
          if (c.type === 'class_body' || c.type === 'enum_class_body')
            for (const m of named(c)) this.declaration(m, name);
          if (c.type === 'primary_constructor' || c.type === 'class_parameters') {
            for (const p of c.descendantsOfType('class_parameter')) {
              if (!p) continue;
              const pn = named(p).find((x) => x.type === 'identifier');
              if (pn)
                this.unit.fields.set(pn.text, {
                  type: typeName(named(p).find((x) => /type/.test(x.type))),
                  constant: /^\s*val\b/.test(p.text),
                });
            }
          }
        }
        break;
      }
      case 'function_declaration': {
        const nameNode = field(n, 'name') ?? named(n).find((x) => x.type === 'identifier') ?? n;
        const params = this.params(named(n).find((x) => x.type === 'function_value_parameters'));
        const body = named(n).find((x) => x.type === 'function_body');
        this.addFunction(nameNode.text, nameNode, params, this.functionBody(body), n, className);
        break;
      }
      case 'secondary_constructor':
      case 'anonymous_initializer': {
        const params = this.params(named(n).find((x) => x.type === 'function_value_parameters'));
        const block = named(n).find((x) => x.type === 'block');
        this.addFunction(
          n.type === 'anonymous_initializer' ? 'init' : 'constructor',
          n,
          params,
          this.stmts(block),
          n,
          className,
        );
        break;
      }
      case 'property_declaration': {
        const d = this.propertyDecl(n);
        if (d && d.k === 'decl') this.unit.fields.set(d.name, { type: d.type, init: d.init, constant: d.constant });
        if (d && d.k === 'decl') this.fieldInitialiser(d.init, n, className);
        const delegate = named(n).find((x) => x.type === 'property_delegate');
        if (delegate) this.fieldInitialiser(this.seq(delegate), n, className);
        // A getter body (`val canTrack: Boolean get() = …`) is a function; so is a setter (`set(value) { … }`), run
        // by any assignment of the property.
        for (const acc of named(n).filter((x) => x.type === 'getter' || x.type === 'setter'))
          if (d && d.k === 'decl') {
            const body = named(acc).find((x) => x.type === 'function_body');
            const name = acc.type === 'getter' ? d.name : `${d.name}.set`;
            this.addFunction(name, n, [], this.functionBody(body), acc, className);
          }
        break;
      }
      default:
        break;
    }
  }

  private params(n: SyntaxNode | undefined): { name: string; type?: string }[] {
    if (!n) return [];
    return named(n)
      .filter((p) => p.type === 'parameter')
      .map((p) => ({
        name: named(p).find((x) => x.type === 'identifier')?.text ?? '',
        type: typeName(named(p).find((x) => x.type !== 'identifier')),
      }));
  }

  private functionBody(body: SyntaxNode | undefined): Stmt[] {
    if (!body) return [];
    const block = named(body).find((x) => x.type === 'block');
    if (block) return this.stmts(block);
    const e = named(body)[0];
    return e ? [{ k: 'return', e: this.expr(e), node: e }] : [];
  }

  private propertyDecl(n: SyntaxNode): Stmt | undefined {
    const v = named(n).find((x) => x.type === 'variable_declaration');
    const constant = /^\s*(?:[a-z]+\s+)*val\b/.test(n.text.slice(0, 60)) || n.children.some((c) => c?.type === 'val');
    if (!v) return { k: 'expr', e: this.seq(n), node: n };
    const name = named(v).find((x) => x.type === 'identifier')?.text ?? '';
    const type = typeName(named(v).find((x) => x.type !== 'identifier'));
    const rest = named(n).filter(
      (x) =>
        x.id !== v.id &&
        !['modifiers', 'getter', 'setter', 'property_delegate', 'type_constraints', 'type_parameters'].includes(x.type),
    );
    const init = rest.length ? this.expr(rest[rest.length - 1]) : undefined;
    return { k: 'decl', name, type, init, constant, node: n };
  }

  stmts(n: SyntaxNode | undefined): Stmt[] {
    if (!n) return [];
    if (n.type !== 'block' && n.type !== 'statements' && n.type !== 'lambda_literal') return [this.stmt(n)];
    return named(n)
      .filter((c) => c.type !== 'lambda_parameters' && c.type !== 'label')
      .map((c) => this.stmt(c));
  }

  private stmt(n: SyntaxNode): Stmt {
    switch (n.type) {
      case 'property_declaration':
        return this.propertyDecl(n)!;
      case 'assignment': {
        const l = field(n, 'left') ?? named(n)[0];
        const r = field(n, 'right') ?? named(n)[named(n).length - 1];
        const target = this.expr(l);
        const value = this.expr(r);
        return { k: 'assign', target, value, node: n };
      }
      case 'if_expression': {
        const e = this.ifExpr(n);
        return e.k === 'cond'
          ? { k: 'if', cond: [e.test], then: e.then, else: e.else, node: n }
          : { k: 'expr', e, node: n };
      }
      case 'when_expression':
        return this.when(n);
      case 'for_statement': {
        const kids = named(n);
        const body = kids.find((x) => x.type === 'block') ?? kids[kids.length - 1];
        const coll = kids.filter(
          (x) => x.id !== body?.id && x.type !== 'variable_declaration' && x.type !== 'multi_variable_declaration',
        );
        return {
          k: 'loop',
          init: coll.map((c) => ({ k: 'expr', e: this.expr(c), node: c }) as Stmt),
          body: this.stmts(body),
          node: n,
        };
      }
      case 'while_statement': {
        const cond = field(n, 'condition') ?? named(n)[0];
        const body = named(n).find((x) => x.id !== cond?.id);
        return { k: 'loop', cond: this.expr(cond), body: this.stmts(body), node: n };
      }
      case 'do_while_statement': {
        const cond = field(n, 'condition') ?? named(n)[named(n).length - 1];
        const body = named(n).find((x) => x.id !== cond?.id);
        return { k: 'loop', cond: this.expr(cond), body: this.stmts(body), postTest: true, node: n };
      }
      case 'try_expression':
        return this.tryStmt(n);
      case 'return_expression':
      case 'throw_expression':
        return this.jump(n);
      case 'block':
        return { k: 'block', body: this.stmts(n), node: n };
      default: {
        if (n.type === 'class_declaration' || n.type === 'object_declaration' || n.type === 'function_declaration') {
          this.declaration(n, undefined);
          return { k: 'block', body: [], node: n };
        }
        const e = this.expr(n);
        if (e.k === 'jump') return e.s;
        return { k: 'expr', e, node: n };
      }
    }
  }

  private jump(n: SyntaxNode): Stmt {
    const value = named(n).find((x) => x.type !== 'label');
    if (n.type === 'throw_expression') return { k: 'throw', e: value ? this.expr(value) : undefined, node: n };
    if (/^break\b/.test(n.text)) return { k: 'break', node: n };
    if (/^continue\b/.test(n.text)) return { k: 'continue', node: n };
    return { k: 'return', e: value ? this.expr(value) : undefined, node: n };
  }

  private tryStmt(n: SyntaxNode): Stmt {
    const kids = named(n);
    const body = this.stmts(kids.find((x) => x.type === 'block'));
    const catches = kids
      .filter((x) => x.type === 'catch_block')
      .map((c) => this.stmts(named(c).find((x) => x.type === 'block')));
    const fin = kids.find((x) => x.type === 'finally_block');
    return {
      k: 'try',
      body,
      catches,
      finally: fin ? this.stmts(named(fin).find((x) => x.type === 'block')) : undefined,
      node: n,
    };
  }

  private when(n: SyntaxNode): Stmt {
    const subj = named(n).find((x) => x.type === 'when_subject');
    const subjExpr = subj
      ? named(subj)
          .filter((x) => x.type !== 'variable_declaration')
          .pop()
      : undefined;
    const cases: { patterns: Expr[] | 'default'; body: Stmt[] }[] = [];
    for (const e of named(n).filter((x) => x.type === 'when_entry')) {
      const conds = e.childrenForFieldName('condition').filter((c): c is SyntaxNode => !!c);
      const isElse = e.children.some((c) => c?.type === 'else');
      const body = named(e)
        .filter((x) => !conds.some((c) => c.id === x.id))
        .pop();
      cases.push({ patterns: isElse ? 'default' : conds.map((c) => this.expr(c)), body: body ? this.stmts(body) : [] });
    }
    return { k: 'switch', subject: subjExpr ? this.expr(subjExpr) : undefined, cases, fallthrough: false, node: n };
  }

  private ifExpr(n: SyntaxNode): Expr {
    const cond = field(n, 'condition');
    if (!cond) return this.seq(n);
    let seenElse = false;
    let thenN: SyntaxNode | undefined;
    let elseN: SyntaxNode | undefined;
    for (const c of n.children) {
      if (!c || c.id === cond.id) continue;
      if (c.type === 'else') seenElse = true;
      else if (c.isNamed && !isComment(c)) {
        if (seenElse) elseN ??= c;
        else thenN ??= c;
      }
    }
    return {
      k: 'cond',
      test: this.expr(cond),
      then: thenN ? this.stmts(thenN) : [],
      else: elseN ? this.stmts(elseN) : [],
      node: n,
    };
  }

  expr(n: SyntaxNode): Expr {
    switch (n.type) {
      case 'identifier': {
        const t = n.text;
        if (t === 'true' || t === 'false') return { k: 'lit', value: t === 'true', node: n };
        if (t === 'null') return { k: 'lit', value: null, node: n };
        return { k: 'name', name: t, node: n };
      }
      case 'this_expression':
      case 'super_expression':
        return { k: 'this', node: n };
      case 'number_literal':
        return { k: 'lit', value: Number(n.text.replace(/[_lLfF]/g, '')), node: n };
      case 'string_literal':
        return named(n).some((c) => c.type === 'interpolation')
          ? this.seq(n)
          : {
              k: 'lit',
              value: named(n)
                .map((c) => c.text)
                .join(''),
              node: n,
            };
      case 'parenthesized_expression':
      case 'annotated_expression':
      case 'labeled_expression':
        return named(n).length ? this.expr(named(n)[named(n).length - 1]) : this.seq(n);
      case 'navigation_expression': {
        const kids = named(n);
        const last = kids[kids.length - 1];
        if (kids.length >= 2 && last.type === 'identifier') {
          const obj = this.expr(kids[0]);
          if (obj.k === 'not') return { k: 'not', e: { k: 'member', obj: obj.e, name: last.text, node: n }, node: n };
          return { k: 'member', obj, name: last.text, node: n };
        }
        return this.seq(n);
      }
      case 'call_expression':
        return this.call(n);
      case 'unary_expression': {
        const op = field(n, 'operator')?.text ?? n.children[0]?.text;
        const arg = field(n, 'argument') ?? named(n)[0];
        if (op === '!' && arg) return { k: 'not', e: this.expr(arg), node: n };
        return this.seq(n);
      }
      case 'binary_expression': {
        const l = field(n, 'left');
        const r = field(n, 'right');
        const op = field(n, 'operator')?.text;
        if (l && r && op) return { k: 'bin', op, l: this.expr(l), r: this.expr(r), node: n };
        return this.seq(n);
      }
      case 'lambda_literal':
      case 'annotated_lambda': {
        const lit = n.type === 'lambda_literal' ? n : named(n).find((x) => x.type === 'lambda_literal');
        if (!lit) return this.seq(n);
        const ps = named(lit).find((x) => x.type === 'lambda_parameters');
        if (!ps) return { k: 'lambda', params: ['it'], body: this.stmts(lit), node: lit };
        // `{ a, b: UAirship -> … }`: each parameter's name and declared type (not the type's identifiers);
        // `{ (k, v) -> … }` binds the destructured names.
        const params: string[] = [];
        const types: (string | undefined)[] = [];
        let destructured = false;
        const declare = (v: SyntaxNode) => {
          params.push(named(v).find((x) => x.type === 'identifier')?.text ?? '_');
          types.push(typeName(named(v).find((x) => x.type !== 'identifier')));
        };
        for (const p of named(ps)) {
          if (p.type === 'variable_declaration') declare(p);
          else if (p.type === 'multi_variable_declaration') {
            destructured = true;
            named(p)
              .filter((x) => x.type === 'variable_declaration')
              .forEach(declare);
          } else if (p.type !== 'line_comment' && p.type !== 'block_comment') destructured = true;
        }
        return { k: 'lambda', params, types, destructured, body: this.stmts(lit), node: lit };
      }
      case 'anonymous_function': {
        const body = named(n).find((x) => x.type === 'function_body');
        return {
          k: 'lambda',
          params: this.params(named(n).find((x) => x.type === 'function_value_parameters')).map((p) => p.name),
          body: this.functionBody(body),
          node: n,
        };
      }
      case 'object_literal': {
        // `object : Callback { override fun onDone() { … } }`: its methods run later, created here.
        const fns: Stmt[] = [];
        for (const b of named(n).filter((x) => x.type === 'class_body')) {
          for (const m of named(b).filter((x) => x.type === 'function_declaration')) {
            const body = named(m).find((x) => x.type === 'function_body');
            const params = this.params(named(m).find((x) => x.type === 'function_value_parameters'));
            fns.push({
              k: 'expr',
              e: {
                k: 'lambda',
                params: params.map((p) => p.name),
                types: params.map((p) => p.type),
                body: this.functionBody(body),
                node: m,
              },
              node: m,
            });
          }
        }
        return { k: 'block', body: fns, node: n };
      }
      case 'if_expression':
        return this.ifExpr(n);
      case 'when_expression':
      case 'try_expression':
        return { k: 'block', body: [this.stmt(n)], node: n };
      case 'return_expression':
      case 'throw_expression':
        return { k: 'jump', s: this.jump(n), node: n };
      default:
        if (/^(break|continue)\b/.test(n.text) && n.childCount <= 2 && !named(n).length)
          return { k: 'jump', s: this.jump(n), node: n };
        return this.seq(n);
    }
  }

  private call(n: SyntaxNode): Expr {
    const kids = named(n);
    const callee = kids[0];
    const args: Expr[] = [];
    const labels: (string | undefined)[] = [];
    for (const k of kids.slice(1)) {
      if (k.type === 'value_arguments') {
        for (const a of named(k).filter((x) => x.type === 'value_argument')) {
          const v = named(a).filter((x) => x.type !== 'value_argument_label' && x.type !== 'simple_identifier');
          const last = v[v.length - 1] ?? named(a)[named(a).length - 1];
          if (!last) continue;
          args.push(this.expr(last));
          labels[args.length - 1] = kotlinArgumentLabel(a, last);
        }
      } else if (k.type === 'annotated_lambda' || k.type === 'lambda_literal') args.push(this.expr(k));
    }
    // The grammar reads `!f()` as `(!f)()`: put the negation back outside.
    if (callee?.type === 'unary_expression') {
      const op = field(callee, 'operator')?.text ?? callee.children[0]?.text;
      const arg = field(callee, 'argument') ?? named(callee)[0];
      if (op === '!' && arg) return { k: 'not', e: this.callOf(arg, args, n, labels), node: n };
    }
    if (!callee) return this.seq(n);
    // The grammar reads `f(x) { … }` as `(f(x)) { … }`: the trailing lambda is f's last argument.
    if (callee.type === 'call_expression' && kids.slice(1).every((k) => k.type === 'annotated_lambda')) {
      const inner = this.call(callee);
      if (inner.k === 'call' && !inner.callee) return { ...inner, args: [...inner.args, ...args], node: n };
    }
    return this.callOf(callee, args, n, labels);
  }

  private callOf(callee: SyntaxNode, args: Expr[], n: SyntaxNode, labels: (string | undefined)[] = []): Expr {
    const l = labelsOf(labels);
    if (callee.type === 'identifier') return { k: 'call', name: callee.text, args, ...l, node: n };
    if (callee.type === 'navigation_expression') {
      const kids = named(callee);
      const last = kids[kids.length - 1];
      if (kids.length >= 2 && last.type === 'identifier') {
        // The grammar binds `!` to the first operand (`!a.b()` as `(!a).b()`); postfix binds tighter.
        const recv = this.expr(kids[0]);
        if (recv.k === 'not')
          return { k: 'not', e: { k: 'call', recv: recv.e, name: last.text, args, ...l, node: n }, node: n };
        return { k: 'call', recv, name: last.text, args, ...l, node: n };
      }
    }
    return { k: 'call', callee: this.expr(callee), name: '', args, ...l, node: n };
  }
}

// ------------------------------------------------------------------ Java

class JavaConverter extends Converter {
  constructor() {
    super('java');
  }

  file(root: SyntaxNode): NativeUnit {
    for (const c of named(root)) {
      if (c.type === 'package_declaration')
        this.unit.packageName = named(c).find((x) => /identifier/.test(x.type))?.text;
      else if (c.type === 'import_declaration') {
        const q = named(c).find((x) => /identifier/.test(x.type))?.text ?? '';
        this.unit.imports.push(q + (c.children.some((x) => x?.type === 'asterisk') ? '.*' : ''));
      } else this.typeDecl(c);
    }
    return this.unit;
  }

  private typeDecl(n: SyntaxNode, outer?: string): void {
    if (!/class_declaration|interface_declaration|enum_declaration|record_declaration/.test(n.type)) return;
    const name = field(n, 'name')?.text ?? outer ?? '';
    this.unit.declaredTypes.add(name);
    const sup = field(n, 'superclass');
    const t = sup && named(sup)[0];
    if (t) this.unit.supertypes.push({ className: name, type: t.text.replace(/<.*$/s, ''), node: t });
    const body = field(n, 'body');
    if (body) this.members(body, name);
  }

  private members(body: SyntaxNode, className: string): void {
    for (const m of named(body)) {
      switch (m.type) {
        case 'method_declaration':
        case 'constructor_declaration': {
          const nameNode = field(m, 'name') ?? m;
          const b = field(m, 'body');
          this.addFunction(
            m.type === 'constructor_declaration' ? 'constructor' : nameNode.text,
            nameNode,
            this.params(field(m, 'parameters')),
            this.stmts(b),
            m,
            className,
          );
          break;
        }
        case 'static_initializer':
        case 'block':
          this.addFunction('init', m, [], this.stmts(named(m).find((x) => x.type === 'block') ?? m), m, className);
          break;
        case 'field_declaration': {
          const type = typeName(field(m, 'type'));
          const constant = /\bfinal\b/.test(named(m).find((x) => x.type === 'modifiers')?.text ?? '');
          for (const d of m.childrenForFieldName('declarator')) {
            if (!d) continue;
            const v = field(d, 'value');
            const init = v ? this.expr(v) : undefined;
            this.unit.fields.set(field(d, 'name')?.text ?? '', { type, init, constant });
            this.fieldInitialiser(init, m, className);
          }
          break;
        }
        default:
          this.typeDecl(m, className);
      }
    }
  }

  private params(n: SyntaxNode | undefined): { name: string; type?: string }[] {
    if (!n) return [];
    return named(n)
      .filter((p) => /parameter/.test(p.type))
      .map((p) => ({ name: field(p, 'name')?.text ?? '', type: typeName(field(p, 'type')) }));
  }

  stmts(n: SyntaxNode | undefined): Stmt[] {
    if (!n) return [];
    if (n.type === 'block' || n.type === 'constructor_body' || n.type === 'switch_block_statement_group')
      return named(n)
        .filter((c) => c.type !== 'switch_label')
        .flatMap((c) => this.stmt(c));
    return this.stmt(n);
  }

  private stmt(n: SyntaxNode): Stmt[] {
    switch (n.type) {
      case 'expression_statement': {
        const e = named(n)[0];
        if (!e) return [];
        if (e.type === 'assignment_expression') {
          const l = field(e, 'left');
          const r = field(e, 'right');
          if (l && r && field(e, 'operator')?.text === '=')
            return [{ k: 'assign', target: this.expr(l), value: this.expr(r), node: e }];
        }
        if (e.type === 'switch_expression') return [this.switchStmt(e)];
        return [{ k: 'expr', e: this.expr(e), node: n }];
      }
      case 'local_variable_declaration': {
        const type = typeName(field(n, 'type'));
        const constant = /\bfinal\b/.test(named(n).find((x) => x.type === 'modifiers')?.text ?? '');
        return n
          .childrenForFieldName('declarator')
          .filter((d): d is SyntaxNode => !!d)
          .map((d) => {
            const v = field(d, 'value');
            return {
              k: 'decl',
              name: field(d, 'name')?.text ?? '',
              type: type === 'var' ? undefined : type,
              init: v ? this.expr(v) : undefined,
              constant,
              node: d,
            } as Stmt;
          });
      }
      case 'if_statement': {
        const c = field(n, 'condition');
        const alt = field(n, 'alternative');
        return [
          {
            k: 'if',
            cond: c ? [this.expr(c)] : [],
            then: this.stmts(field(n, 'consequence')),
            else: alt ? this.stmts(alt) : undefined,
            node: n,
          },
        ];
      }
      case 'return_statement': {
        const v = named(n)[0];
        return [{ k: 'return', e: v ? this.expr(v) : undefined, node: n }];
      }
      case 'throw_statement': {
        const v = named(n)[0];
        return [{ k: 'throw', e: v ? this.expr(v) : undefined, node: n }];
      }
      case 'break_statement':
        return [{ k: 'break', node: n }];
      case 'continue_statement':
        return [{ k: 'continue', node: n }];
      case 'while_statement': {
        const c = field(n, 'condition');
        return [{ k: 'loop', cond: c ? this.expr(c) : undefined, body: this.stmts(field(n, 'body')), node: n }];
      }
      case 'do_statement': {
        const c = field(n, 'condition');
        return [
          {
            k: 'loop',
            cond: c ? this.expr(c) : undefined,
            body: this.stmts(field(n, 'body')),
            postTest: true,
            node: n,
          },
        ];
      }
      case 'for_statement': {
        const init = n
          .childrenForFieldName('init')
          .filter((x): x is SyntaxNode => !!x)
          .flatMap((x) =>
            x.type === 'local_variable_declaration' ? this.stmt(x) : [{ k: 'expr', e: this.expr(x), node: x } as Stmt],
          );
        const c = field(n, 'condition');
        const update = n
          .childrenForFieldName('update')
          .filter((x): x is SyntaxNode => !!x)
          .map((x) => this.expr(x));
        return [
          { k: 'loop', init, cond: c ? this.expr(c) : undefined, update, body: this.stmts(field(n, 'body')), node: n },
        ];
      }
      case 'enhanced_for_statement': {
        const v = field(n, 'value');
        return [
          {
            k: 'loop',
            init: v ? [{ k: 'expr', e: this.expr(v), node: v }] : [],
            body: this.stmts(field(n, 'body')),
            node: n,
          },
        ];
      }
      case 'try_statement':
      case 'try_with_resources_statement': {
        const res = field(n, 'resources');
        const body = [
          ...(res ? [{ k: 'expr', e: this.seq(res), node: res } as Stmt] : []),
          ...this.stmts(field(n, 'body')),
        ];
        const catches = named(n)
          .filter((x) => x.type === 'catch_clause')
          .map((c) => this.stmts(field(c, 'body')));
        const fin = named(n).find((x) => x.type === 'finally_clause');
        return [
          {
            k: 'try',
            body,
            catches,
            finally: fin ? this.stmts(named(fin).find((x) => x.type === 'block')) : undefined,
            node: n,
          },
        ];
      }
      case 'switch_expression':
      case 'switch_statement':
        return [this.switchStmt(n)];
      case 'block':
        return [{ k: 'block', body: this.stmts(n), node: n }];
      case 'synchronized_statement':
        return [
          { k: 'expr', e: this.seq(named(n).find((x) => x.type === 'parenthesized_expression') ?? n), node: n },
          { k: 'block', body: this.stmts(field(n, 'body')), node: n },
        ];
      case 'labeled_statement':
        return named(n)
          .slice(1)
          .flatMap((c) => this.stmt(c));
      case 'local_class_declaration':
      case 'class_declaration':
        this.typeDecl(n);
        return [];
      case 'yield_statement': {
        const v = named(n)[0];
        return v ? [{ k: 'expr', e: this.expr(v), node: n }] : [];
      }
      case 'assert_statement':
      case 'empty_statement':
        return [{ k: 'expr', e: this.seq(n), node: n }];
      default:
        this.unit.unknown.push(n);
        return [{ k: 'expr', e: this.seq(n), node: n }];
    }
  }

  private switchStmt(n: SyntaxNode): Stmt {
    const c = field(n, 'condition');
    const body = field(n, 'body');
    const cases: { patterns: Expr[] | 'default'; body: Stmt[] }[] = [];
    let rules = false;
    for (const g of body ? named(body) : []) {
      const labels = named(g).filter((x) => x.type === 'switch_label');
      const isDefault = labels.some((l) => /^default\b/.test(l.text));
      const patterns = labels.flatMap((l) => named(l).map((x) => this.expr(x)));
      if (g.type === 'switch_rule') {
        rules = true;
        const b = named(g).filter((x) => x.type !== 'switch_label');
        cases.push({
          patterns: isDefault ? 'default' : patterns,
          body: b.flatMap((x) => (x.type === 'block' ? this.stmts(x) : this.stmt(x))),
        });
      } else cases.push({ patterns: isDefault ? 'default' : patterns, body: this.stmts(g) });
    }
    return { k: 'switch', subject: c ? this.expr(c) : undefined, cases, fallthrough: !rules, node: n };
  }

  expr(n: SyntaxNode): Expr {
    switch (n.type) {
      case 'identifier':
        return { k: 'name', name: n.text, node: n };
      case 'this':
      case 'super':
        return { k: 'this', node: n };
      case 'true':
      case 'false':
        return { k: 'lit', value: n.type === 'true', node: n };
      case 'null_literal':
        return { k: 'lit', value: null, node: n };
      case 'decimal_integer_literal':
      case 'hex_integer_literal':
      case 'decimal_floating_point_literal':
        return { k: 'lit', value: Number(n.text.replace(/[_lLfFdD]$/g, '')), node: n };
      case 'string_literal':
        return {
          k: 'lit',
          value: named(n)
            .map((c) => c.text)
            .join(''),
          node: n,
        };
      case 'parenthesized_expression':
        return named(n)[0] ? this.expr(named(n)[0]) : this.seq(n);
      case 'field_access': {
        const o = field(n, 'object');
        const f = field(n, 'field');
        return o && f ? { k: 'member', obj: this.expr(o), name: f.text, node: n } : this.seq(n);
      }
      case 'scoped_identifier': {
        const s = field(n, 'scope');
        const f = field(n, 'name');
        return s && f ? { k: 'member', obj: this.expr(s), name: f.text, node: n } : this.seq(n);
      }
      case 'method_invocation': {
        const o = field(n, 'object');
        const name = field(n, 'name')?.text ?? '';
        const args = field(n, 'arguments');
        return {
          k: 'call',
          recv: o ? this.expr(o) : undefined,
          name,
          args: args ? named(args).map((a) => this.expr(a)) : [],
          node: n,
        };
      }
      case 'object_creation_expression': {
        const type = typeName(field(n, 'type')) ?? '';
        const args = field(n, 'arguments');
        const argList = args ? named(args).map((a) => this.expr(a)) : [];
        // An anonymous class: its methods are closures created here.
        const body = named(n).find((x) => x.type === 'class_body');
        if (body) {
          for (const m of named(body).filter((x) => x.type === 'method_declaration')) {
            const params = this.params(field(m, 'parameters'));
            argList.push({
              k: 'lambda',
              params: params.map((p) => p.name),
              types: params.map((p) => p.type),
              body: this.stmts(field(m, 'body')),
              node: m,
            });
          }
        }
        // `new Analytics.Builder(…)`: the nested class's constructor, called on its outer class (as Kotlin writes it).
        const t = field(n, 'type');
        const qualifiers =
          t?.type === 'scoped_type_identifier' || t?.type === 'generic_type'
            ? t.text
                .replace(/<[^>]*>/g, '')
                .split('.')
                .map((x) => x.trim())
                .slice(0, -1)
            : [];
        const recv = t && qualifiers.every((q) => /^[A-Za-z_$][\w$]*$/.test(q)) ? qualified(qualifiers, t) : undefined;
        return { k: 'call', recv, name: type, args: argList, node: n };
      }
      case 'unary_expression': {
        const op = field(n, 'operator')?.text;
        const a = field(n, 'operand');
        return op === '!' && a ? { k: 'not', e: this.expr(a), node: n } : this.seq(n);
      }
      case 'binary_expression': {
        const l = field(n, 'left');
        const r = field(n, 'right');
        const op = field(n, 'operator')?.text;
        return l && r && op ? { k: 'bin', op, l: this.expr(l), r: this.expr(r), node: n } : this.seq(n);
      }
      case 'ternary_expression': {
        const c = field(n, 'condition');
        const a = field(n, 'consequence');
        const b = field(n, 'alternative');
        if (!c || !a || !b) return this.seq(n);
        return {
          k: 'cond',
          test: this.expr(c),
          then: [{ k: 'expr', e: this.expr(a), node: a }],
          else: [{ k: 'expr', e: this.expr(b), node: b }],
          node: n,
        };
      }
      case 'lambda_expression': {
        const ps = field(n, 'parameters');
        // `(UAirship airship) -> …`: declared types, as for a method's parameters
        const formal = ps?.type === 'formal_parameters' ? this.params(ps) : undefined;
        const params = formal
          ? formal.map((p) => p.name)
          : ps
            ? ps.type === 'identifier'
              ? [ps.text]
              : ps
                  .descendantsOfType('identifier')
                  .filter((x): x is SyntaxNode => !!x)
                  .map((x) => x.text)
            : [];
        const b = field(n, 'body');
        const body = !b ? [] : b.type === 'block' ? this.stmts(b) : [{ k: 'expr', e: this.expr(b), node: b } as Stmt];
        return { k: 'lambda', params, types: formal?.map((p) => p.type), body, node: n };
      }
      case 'switch_expression':
        return { k: 'block', body: [this.switchStmt(n)], node: n };
      case 'cast_expression': {
        const v = field(n, 'value');
        return v ? this.expr(v) : this.seq(n);
      }
      default:
        return this.seq(n);
    }
  }
}

// ------------------------------------------------------------------ Swift

/** Binary operators the Swift grammar nests to the right whatever their precedence (SwiftConverter.binaryChain). */
const SWIFT_CHAIN = new Set([
  'equality_expression',
  'comparison_expression',
  'conjunction_expression',
  'disjunction_expression',
  'nil_coalescing_expression',
  'infix_expression',
]);

/** Swift's standard precedence groups of those operators, higher binds tighter. */
const SWIFT_PRECEDENCE: Record<string, number | undefined> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '===': 3,
  '!==': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '~=': 3,
  '??': 4,
};

class SwiftConverter extends Converter {
  constructor() {
    super('swift');
  }

  file(root: SyntaxNode): NativeUnit {
    for (const c of named(root)) {
      if (c.type === 'import_declaration')
        this.unit.imports.push(
          named(c)
            .map((x) => x.text)
            .pop() ?? '',
        );
      else this.declaration(c, undefined);
    }
    return this.unit;
  }

  private declaration(n: SyntaxNode, className: string | undefined): void {
    switch (n.type) {
      case 'class_declaration':
      case 'protocol_declaration': {
        const nameNode = field(n, 'name');
        const name = nameNode ? (typeName(nameNode) ?? nameNode.text) : className;
        const isExtension = n.children.some((c) => c?.type === 'extension');
        if (name && !isExtension) this.unit.declaredTypes.add(name);
        const body = field(n, 'body') ?? named(n).find((x) => /class_body|protocol_body/.test(x.type));
        if (body) for (const m of named(body)) this.declaration(m, name);
        break;
      }
      case 'function_declaration':
      case 'init_declaration': {
        const nameNode = field(n, 'name') ?? n;
        const params = named(n)
          .filter((p) => p.type === 'parameter')
          .map((p) => {
            const names = p.childrenForFieldName('name').filter((x): x is SyntaxNode => !!x);
            return {
              name: names.find((x) => x.type === 'simple_identifier')?.text ?? '',
              type: typeName(names.find((x) => x.type !== 'simple_identifier')),
            };
          });
        const body = field(n, 'body') ?? named(n).find((x) => x.type === 'function_body');
        const stmts = body ? named(body).find((x) => x.type === 'statements') : undefined;
        this.addFunction(
          n.type === 'init_declaration' ? 'init' : nameNode.text,
          nameNode,
          params,
          this.stmts(stmts),
          n,
          className,
        );
        break;
      }
      case 'property_declaration': {
        for (const d of this.propertyDecls(n))
          if (d.k === 'decl') {
            this.unit.fields.set(d.name, { type: d.type, init: d.init, constant: d.constant });
            this.fieldInitialiser(d.init, n, className);
          }
        // Accessors are functions: the getter (or the body of a read-only computed property) by the property's name;
        // the setter and the observers (`didSet`, `willSet`), run by any assignment of the property, by their own.
        const name = n.descendantsOfType('simple_identifier')[0]?.text ?? 'property';
        const computed = named(n).find((x) => x.type === 'computed_property');
        const own = computed && named(computed).find((x) => x.type === 'statements');
        if (own) this.addFunction(name, n, [], this.stmts(own), n, className);
        const accessors = [computed, named(n).find((x) => x.type === 'willset_didset_block')].flatMap((b) =>
          b
            ? named(b).filter((x) =>
                /^(?:computed_(?:getter|setter|modify)|willset_clause|didset_clause)$/.test(x.type),
              )
            : [],
        );
        for (const acc of accessors) {
          const st = named(acc).find((x) => x.type === 'statements');
          const label = {
            computed_getter: '',
            computed_setter: '.set',
            computed_modify: '.modify',
            willset_clause: '.willSet',
          }[acc.type];
          this.addFunction(`${name}${label ?? '.didSet'}`, n, [], this.stmts(st), acc, className);
        }
        break;
      }
      default:
        break;
    }
  }

  private propertyDecls(n: SyntaxNode): Stmt[] {
    const constant = /^\s*(?:[a-z@()]+\s+)*let\b/.test(n.text.slice(0, 80));
    const out: Stmt[] = [];
    const names = n.childrenForFieldName('name').filter((x): x is SyntaxNode => !!x);
    const values = n.childrenForFieldName('value').filter((x): x is SyntaxNode => !!x);
    names.forEach((pn, i) => {
      const id = pn.descendantsOfType('simple_identifier')[0]?.text ?? pn.text;
      const ann = named(n).filter((x) => x.type === 'type_annotation')[i];
      const v = values[i];
      out.push({ k: 'decl', name: id, type: typeName(ann), init: v ? this.expr(v) : undefined, constant, node: n });
    });
    return out.length ? out : [{ k: 'expr', e: this.seq(n), node: n }];
  }

  stmts(n: SyntaxNode | undefined): Stmt[] {
    if (!n) return [];
    if (n.type !== 'statements') return this.stmt(n);
    return named(n).flatMap((c) => this.stmt(c));
  }

  /** Conditions of if/guard/while: comma-separated; optional bindings (`let x = y`) test only non-nil. */
  private conditions(n: SyntaxNode): Expr[] {
    const out: Expr[] = [];
    let binding = false;
    // `if case .authorized = status`: the pattern's tokens, then the value after `=`
    let casePattern: SyntaxNode[] | undefined;
    let caseValue = false;
    for (let i = 0; i < n.childCount; i++) {
      const c = n.child(i);
      if (!c) continue;
      const f = n.fieldNameForChild(i);
      if (c.type === 'value_binding_pattern') binding = true;
      if (f !== 'condition') continue;
      if (c.type === 'case' && !casePattern) {
        casePattern = [];
        continue;
      }
      if (casePattern && !caseValue) {
        if (c.type === '=') caseValue = true;
        else casePattern.push(c);
        continue;
      }
      if (casePattern) {
        out.push(this.casePattern(casePattern, c));
        casePattern = undefined;
        caseValue = false;
        binding = false;
        continue;
      }
      if (c.type === 'value_binding_pattern') continue;
      if (binding) {
        out.push({ k: 'seq', items: [this.expr(c)], node: c });
        binding = false;
      } else out.push(this.expr(c));
    }
    return out;
  }

  /**
   * `case .authorized = value` is `value == .authorized`; any other pattern (bindings,
   * payloads, ranges) tests something else: the value is evaluated, nothing is granted.
   */
  private casePattern(pattern: SyntaxNode[], value: SyntaxNode): Expr {
    const v = this.expr(value);
    const [dot, id, ...rest] = pattern;
    if (dot?.type === '.' && id?.type === 'simple_identifier' && !rest.length)
      return { k: 'bin', op: '==', l: v, r: { k: 'enumCase', name: id.text, node: id }, node: value };
    return { k: 'seq', items: [v], node: value };
  }

  /** The statement lists of `{ … }` blocks among the children, in order; `else if` yields its if_statement. */
  private blocks(n: SyntaxNode): {
    then: SyntaxNode | undefined;
    thenSeen: boolean;
    elseNode: SyntaxNode | undefined;
    elseSeen: boolean;
  } {
    let thenSeen = false;
    let then: SyntaxNode | undefined;
    let elseSeen = false;
    let elseNode: SyntaxNode | undefined;
    let afterElse = false;
    let depth = 0;
    for (const c of n.children) {
      if (!c) continue;
      if (c.type === 'else') afterElse = true;
      else if (c.type === '{') {
        depth++;
        if (afterElse) elseSeen = true;
        else thenSeen = true;
      } else if (c.type === '}') depth--;
      else if (c.type === 'statements' && depth > 0) {
        if (afterElse) elseNode = c;
        else then ??= c;
      } else if (c.type === 'if_statement' && afterElse) {
        elseNode = c;
        elseSeen = true;
      }
    }
    return { then, thenSeen, elseNode, elseSeen };
  }

  private stmt(n: SyntaxNode): Stmt[] {
    switch (n.type) {
      case 'property_declaration':
        return this.propertyDecls(n);
      case 'assignment': {
        const t = field(n, 'target');
        const r = field(n, 'result');
        const target = t ? (named(t)[0] ?? t) : undefined;
        if (!target || !r) return [{ k: 'expr', e: this.seq(n), node: n }];
        return [{ k: 'assign', target: this.expr(target), value: this.expr(r), node: n }];
      }
      case 'if_statement': {
        const b = this.blocks(n);
        return [
          {
            k: 'if',
            cond: this.conditions(n),
            then: this.stmts(b.then),
            else: b.elseSeen ? this.stmts(b.elseNode) : undefined,
            node: n,
          },
        ];
      }
      case 'guard_statement': {
        const b = this.blocks(n);
        return [{ k: 'guard', cond: this.conditions(n), else: this.stmts(b.elseNode), node: n }];
      }
      case 'switch_statement': {
        const subject = field(n, 'expr');
        const cases: { patterns: Expr[] | 'default'; body: Stmt[] }[] = [];
        for (const e of named(n).filter((x) => x.type === 'switch_entry')) {
          const isDefault = named(e).some((x) => x.type === 'default_keyword');
          const patterns = named(e)
            .filter((x) => x.type === 'switch_pattern')
            .map((p) => {
              const inner = named(p)[0];
              const leaf = inner && inner.type === 'pattern' && named(inner).length === 1 ? named(inner)[0] : inner;
              if (leaf && leaf.type === 'simple_identifier' && /^\s*\./.test(inner!.text))
                return { k: 'enumCase', name: leaf.text, node: leaf } as Expr;
              return leaf ? this.expr(leaf) : this.seq(p);
            });
          cases.push({
            patterns: isDefault ? 'default' : patterns,
            body: this.stmts(named(e).find((x) => x.type === 'statements')),
          });
        }
        return [{ k: 'switch', subject: subject ? this.expr(subject) : undefined, cases, fallthrough: false, node: n }];
      }
      case 'while_statement': {
        const c = this.conditions(n);
        return [
          {
            k: 'loop',
            cond: c.length ? c.reduce((a, b) => ({ k: 'bin', op: '&&', l: a, r: b, node: n })) : undefined,
            body: this.stmts(named(n).find((x) => x.type === 'statements')),
            node: n,
          },
        ];
      }
      case 'repeat_while_statement': {
        const c = this.conditions(n);
        return [
          {
            k: 'loop',
            cond: c[0],
            body: this.stmts(named(n).find((x) => x.type === 'statements')),
            postTest: true,
            node: n,
          },
        ];
      }
      case 'for_statement': {
        const coll = field(n, 'collection');
        return [
          {
            k: 'loop',
            init: coll ? [{ k: 'expr', e: this.expr(coll), node: coll }] : [],
            body: this.stmts(named(n).find((x) => x.type === 'statements')),
            node: n,
          },
        ];
      }
      case 'do_statement': {
        const body = this.stmts(named(n).find((x) => x.type === 'statements'));
        const catches = named(n)
          .filter((x) => x.type === 'catch_block')
          .map((c) => this.stmts(named(c).find((x) => x.type === 'statements')));
        return [{ k: 'try', body, catches, node: n }];
      }
      case 'control_transfer_statement':
        return [this.jump(n)];
      case 'statements':
        return [{ k: 'block', body: this.stmts(n), node: n }];
      case 'class_declaration':
      case 'function_declaration':
        this.declaration(n, undefined);
        return [];
      default: {
        if (/_statement$|_declaration$/.test(n.type)) this.unit.unknown.push(n);
        const e = this.expr(n);
        return [{ k: 'expr', e, node: n }];
      }
    }
  }

  private jump(n: SyntaxNode): Stmt {
    const word = n.children[0]?.text ?? '';
    const value = named(n)
      .filter((x) => x.type !== 'throw_keyword')
      .pop();
    if (word === 'throw' || n.children[0]?.type === 'throw_keyword')
      return { k: 'throw', e: value ? this.expr(value) : undefined, node: n };
    if (word === 'break') return { k: 'break', node: n };
    if (word === 'continue') return { k: 'continue', node: n };
    return { k: 'return', e: value ? this.expr(value) : undefined, node: n };
  }

  expr(n: SyntaxNode): Expr {
    switch (n.type) {
      case 'simple_identifier':
        return { k: 'name', name: n.text, node: n };
      case 'self_expression':
      case 'super_expression':
        return { k: 'this', node: n };
      case 'boolean_literal':
        return { k: 'lit', value: n.text === 'true', node: n };
      case 'integer_literal':
      case 'real_literal':
        return { k: 'lit', value: Number(n.text.replace(/_/g, '')), node: n };
      case 'line_string_literal':
      case 'multi_line_string_literal':
        return named(n).some((c) => c.type === 'interpolated_expression')
          ? this.seq(n)
          : {
              k: 'lit',
              value: named(n)
                .map((c) => c.text)
                .join(''),
              node: n,
            };
      case 'navigation_expression': {
        const target = field(n, 'target');
        const suffix = field(n, 'suffix');
        const name = suffix ? (field(suffix, 'suffix')?.text ?? named(suffix)[0]?.text) : undefined;
        if (!target && name) return { k: 'enumCase', name, node: n };
        if (target && name) return { k: 'member', obj: this.expr(target), name, node: n };
        return this.seq(n);
      }
      case 'prefix_expression': {
        const op = field(n, 'operation');
        const target = field(n, 'target');
        if (op?.type === 'bang' || op?.text === '!')
          return target ? { k: 'not', e: this.expr(target), node: n } : this.seq(n);
        if ((!op || op.text === '.') && target && target.type === 'simple_identifier' && /^\s*\./.test(n.text))
          return { k: 'enumCase', name: target.text, node: n };
        return this.seq(n);
      }
      case 'equality_expression':
      case 'comparison_expression':
      case 'conjunction_expression':
      case 'disjunction_expression':
      case 'nil_coalescing_expression':
      case 'infix_expression':
        return this.binaryChain(n);
      case 'tuple_expression':
        return named(n).length === 1 ? this.expr(named(n)[0]) : this.seq(n);
      case 'try_expression':
      case 'await_expression': {
        const e =
          field(n, 'expr') ??
          named(n)
            .filter((x) => x.type !== 'try_operator')
            .pop();
        return e ? this.expr(e) : this.seq(n);
      }
      case 'ternary_expression': {
        const c = field(n, 'condition');
        const a = field(n, 'if_true');
        const b = field(n, 'if_false');
        if (!c || !a || !b) return this.seq(n);
        return {
          k: 'cond',
          test: this.expr(c),
          then: [{ k: 'expr', e: this.expr(a), node: a }],
          else: [{ k: 'expr', e: this.expr(b), node: b }],
          node: n,
        };
      }
      case 'call_expression':
        return this.call(n);
      case 'lambda_literal': {
        const type = field(n, 'type');
        const plist = type ? named(type).find((x) => x.type === 'lambda_function_type_parameters') : undefined;
        const params = plist
          ? named(plist)
              .filter((p) => p.type === 'lambda_parameter')
              .map((p) => field(p, 'name')?.text ?? p.text)
          : [];
        return { k: 'lambda', params, body: this.stmts(named(n).find((x) => x.type === 'statements')), node: n };
      }
      default:
        return this.seq(n);
    }
  }

  /**
   * A chain of binary operators, by Swift's precedence. The Swift grammar
   * build nests these operators to the right whatever they are:
   * `a == 1 && b == 1` comes as `a == (1 && (b == 1))`, `a && b || c` as
   * `a && (b || c)`. The chain is flattened in source order (parentheses are
   * `tuple_expression`, an operand) and rebuilt: `??` over comparisons over
   * `&&` over `||`, each left-associative (`??` to the right). An operator of
   * no known precedence (a custom one, which the app may have declared with
   * any) leaves the chain unordered: `seq`, its operands evaluated, no guard.
   */
  private binaryChain(n: SyntaxNode): Expr {
    const operands: SyntaxNode[] = [];
    const ops: string[] = [];
    const flatten = (x: SyntaxNode): boolean => {
      if (!SWIFT_CHAIN.has(x.type)) {
        operands.push(x);
        return true;
      }
      const l = field(x, 'lhs') ?? field(x, 'value');
      const r = field(x, 'rhs') ?? field(x, 'if_nil');
      if (!l || !r) return false;
      const op = x.children
        .filter(
          (c): c is SyntaxNode => !!c && c.startIndex >= l.endIndex && c.endIndex <= r.startIndex && !isComment(c),
        )
        .map((c) => c.text)
        .join('')
        .trim();
      if (!flatten(l)) return false;
      ops.push(op);
      return flatten(r);
    };
    if (!flatten(n) || ops.some((op) => SWIFT_PRECEDENCE[op] === undefined)) return this.seq(n);
    const exprs = operands.map((o) => this.expr(o));
    let next = 0;
    // Precedence climbing over exprs[0] ops[0] exprs[1] ... .
    const climb = (min: number): Expr => {
      let left = exprs[next]!;
      while (next < ops.length) {
        const op = ops[next]!;
        const prec = SWIFT_PRECEDENCE[op]!;
        if (prec < min) break;
        next++;
        const right = climb(op === '??' ? prec : prec + 1);
        left = { k: 'bin', op, l: left, r: right, node: n };
      }
      return left;
    };
    return climb(0);
  }

  private call(n: SyntaxNode): Expr {
    const callee = named(n)[0];
    const suffix = named(n).find((x) => x.type === 'call_suffix');
    const args: Expr[] = [];
    const labels: (string | undefined)[] = [];
    if (suffix) {
      for (const c of named(suffix)) {
        if (c.type === 'value_arguments') {
          for (const a of named(c).filter((x) => x.type === 'value_argument')) {
            const v =
              field(a, 'value') ??
              named(a)
                .filter((x) => x.type !== 'value_argument_label')
                .pop();
            if (!v) continue;
            args.push(this.expr(v));
            labels[args.length - 1] = swiftArgumentLabel(a);
          }
        } else if (c.type === 'lambda_literal') args.push(this.expr(c));
        else if (c.type === 'annotated_lambda')
          args.push(
            ...named(c)
              .filter((x) => x.type === 'lambda_literal')
              .map((x) => this.expr(x)),
          );
      }
    }
    if (!callee) return this.seq(n);
    // The grammar reads `!(a == b)` as a call of `!`.
    if (callee.type === 'bang' && args.length === 1) return { k: 'not', e: args[0], node: n };
    const withLabels = labelsOf(labels);
    if (callee.type === 'simple_identifier') return { k: 'call', name: callee.text, args, ...withLabels, node: n };
    if (callee.type === 'navigation_expression') {
      const target = field(callee, 'target');
      const s = field(callee, 'suffix');
      const name = s ? (field(s, 'suffix')?.text ?? named(s)[0]?.text) : undefined;
      if (target && name) return { k: 'call', recv: this.expr(target), name, args, ...withLabels, node: n };
      if (!target && name) return { k: 'call', recv: undefined, name, args, ...withLabels, node: n };
    }
    return { k: 'call', callee: this.expr(callee), name: '', args, ...withLabels, node: n };
  }
}

// ------------------------------------------------------------------ Objective-C

class ObjcConverter extends Converter {
  constructor() {
    super('objc');
  }

  file(root: SyntaxNode): NativeUnit {
    for (const c of named(root)) this.top(c, undefined);
    return this.unit;
  }

  private top(c: SyntaxNode, className: string | undefined): void {
    switch (c.type) {
      case 'preproc_include':
        this.unit.imports.push(unquote(field(c, 'path')?.text ?? '').replace(/^<|>$/g, ''));
        break;
      case 'module_import':
        this.unit.imports.push(field(c, 'path')?.text ?? named(c)[0]?.text ?? '');
        break;
      case 'class_implementation':
      case 'category_implementation': {
        const name = named(c).find((x) => x.type === 'identifier')?.text;
        for (const d of named(c))
          if (d.type === 'implementation_definition') for (const m of named(d)) this.top(m, name);
        break;
      }
      case 'class_interface':
        this.unit.declaredTypes.add(named(c).find((x) => x.type === 'identifier')?.text ?? '');
        break;
      case 'method_definition': {
        const ids = c.children.filter((x): x is SyntaxNode => !!x && x.type === 'identifier');
        const nameNode = ids[0] ?? c;
        const params = named(c)
          .filter((x) => x.type === 'method_parameter')
          .map((p) => ({
            name:
              named(p)
                .filter((x) => x.type === 'identifier')
                .pop()?.text ?? '',
            type: typeName(named(p).find((x) => x.type === 'method_type')),
          }));
        this.addFunction(
          nameNode.text,
          nameNode,
          params,
          this.stmts(named(c).find((x) => x.type === 'compound_statement')),
          c,
          className,
        );
        break;
      }
      case 'function_definition': {
        const decl = field(c, 'declarator');
        const nameNode = decl?.descendantsOfType('identifier')[0] ?? c;
        this.addFunction(nameNode.text, nameNode, [], this.stmts(field(c, 'body')), c, className);
        break;
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_else':
      case 'linkage_specification':
      case 'declaration_list':
        for (const x of named(c)) this.top(x, className);
        break;
      default:
        break;
    }
  }

  stmts(n: SyntaxNode | undefined): Stmt[] {
    if (!n) return [];
    if (n.type === 'compound_statement') return named(n).flatMap((c) => this.stmt(c));
    return this.stmt(n);
  }

  private stmt(n: SyntaxNode): Stmt[] {
    switch (n.type) {
      case 'expression_statement': {
        const e = named(n)[0];
        if (!e) return [];
        if (e.type === 'assignment_expression' && field(e, 'operator')?.text === '=') {
          const l = field(e, 'left');
          const r = field(e, 'right');
          if (l && r) return [{ k: 'assign', target: this.expr(l), value: this.expr(r), node: e }];
        }
        return [{ k: 'expr', e: this.expr(e), node: n }];
      }
      case 'declaration': {
        const type = typeName(field(n, 'type'));
        const constant = /\bconst\b/.test(n.text.split('=')[0] ?? '');
        return n
          .childrenForFieldName('declarator')
          .filter((d): d is SyntaxNode => !!d)
          .map((d) => {
            const v = field(d, 'value');
            const id = (d.type === 'identifier' ? d : d.descendantsOfType('identifier')[0]) ?? d;
            return { k: 'decl', name: id.text, type, init: v ? this.expr(v) : undefined, constant, node: d } as Stmt;
          });
      }
      case 'if_statement': {
        const c = field(n, 'condition');
        const alt = field(n, 'alternative');
        const altBody = alt ? (alt.type === 'else_clause' ? named(alt)[0] : alt) : undefined;
        return [
          {
            k: 'if',
            cond: c ? [this.expr(c)] : [],
            then: this.stmts(field(n, 'consequence')),
            else: alt ? this.stmts(altBody) : undefined,
            node: n,
          },
        ];
      }
      case 'return_statement': {
        const v = named(n)[0];
        return [{ k: 'return', e: v ? this.expr(v) : undefined, node: n }];
      }
      case 'throw_statement': {
        const v = named(n)[0];
        return [{ k: 'throw', e: v ? this.expr(v) : undefined, node: n }];
      }
      case 'break_statement':
        return [{ k: 'break', node: n }];
      case 'continue_statement':
        return [{ k: 'continue', node: n }];
      case 'while_statement': {
        const c = field(n, 'condition');
        return [{ k: 'loop', cond: c ? this.expr(c) : undefined, body: this.stmts(field(n, 'body')), node: n }];
      }
      case 'do_statement': {
        const c = field(n, 'condition');
        return [
          {
            k: 'loop',
            cond: c ? this.expr(c) : undefined,
            body: this.stmts(field(n, 'body')),
            postTest: true,
            node: n,
          },
        ];
      }
      case 'for_statement':
      case 'for_in_statement': {
        const body =
          field(n, 'body') ??
          named(n)
            .filter((x) => /statement/.test(x.type))
            .pop();
        const init = named(n)
          .filter((x) => x.id !== body?.id)
          .map((x) => ({ k: 'expr', e: this.expr(x), node: x }) as Stmt);
        return [{ k: 'loop', init, body: this.stmts(body), node: n }];
      }
      case 'switch_statement': {
        const c = field(n, 'condition');
        const cases: { patterns: Expr[] | 'default'; body: Stmt[] }[] = [];
        for (const k of named(field(n, 'body') ?? n).filter((x) => x.type === 'case_statement')) {
          const v = field(k, 'value');
          cases.push({
            patterns: v ? [this.expr(v)] : 'default',
            body: named(k)
              .filter((x) => x.id !== v?.id)
              .flatMap((x) => this.stmt(x)),
          });
        }
        return [{ k: 'switch', subject: c ? this.expr(c) : undefined, cases, fallthrough: true, node: n }];
      }
      case 'try_statement': {
        const blocks = named(n);
        const body = this.stmts(blocks.find((x) => x.type === 'compound_statement'));
        const catches = blocks
          .filter((x) => x.type === 'catch_clause')
          .map((c) => this.stmts(named(c).find((x) => x.type === 'compound_statement')));
        const fin = blocks.find((x) => x.type === 'finally_clause');
        return [
          {
            k: 'try',
            body,
            catches,
            finally: fin ? this.stmts(named(fin).find((x) => x.type === 'compound_statement')) : undefined,
            node: n,
          },
        ];
      }
      case 'compound_statement':
        return [{ k: 'block', body: this.stmts(n), node: n }];
      case 'synchronized_statement':
      case 'autoreleasepool_statement':
      case 'attributed_statement':
      case 'labeled_statement':
        return named(n).flatMap((c) =>
          /statement/.test(c.type) ? this.stmt(c) : [{ k: 'expr', e: this.expr(c), node: c } as Stmt],
        );
      default:
        if (/statement/.test(n.type)) this.unit.unknown.push(n);
        return [{ k: 'expr', e: this.expr(n), node: n }];
    }
  }

  expr(n: SyntaxNode): Expr {
    switch (n.type) {
      case 'identifier': {
        const t = n.text;
        if (t === 'self' || t === 'super') return { k: 'this', node: n };
        if (t === 'YES' || t === 'true' || t === 'NO' || t === 'false')
          return { k: 'lit', value: t === 'YES' || t === 'true', node: n };
        if (t === 'nil' || t === 'NULL') return { k: 'lit', value: null, node: n };
        return { k: 'name', name: t, node: n };
      }
      case 'true':
      case 'false':
        return { k: 'lit', value: n.type === 'true', node: n };
      case 'null':
        return { k: 'lit', value: null, node: n };
      case 'number_literal':
        return { k: 'lit', value: Number(n.text.replace(/[uUlLfF]+$/, '')), node: n };
      case 'string_literal':
        return {
          k: 'lit',
          value: named(n)
            .map((c) => c.text)
            .join(''),
          node: n,
        };
      case 'parenthesized_expression':
        return named(n)[0] ? this.expr(named(n)[0]) : this.seq(n);
      case 'field_expression': {
        const a = field(n, 'argument');
        const f = field(n, 'field');
        return a && f ? { k: 'member', obj: this.expr(a), name: f.text, node: n } : this.seq(n);
      }
      case 'message_expression': {
        const recv = field(n, 'receiver');
        const methods = n.childrenForFieldName('method').filter((x): x is SyntaxNode => !!x);
        const args = named(n)
          .filter((x) => x.id !== recv?.id && !methods.some((m) => m.id === x.id))
          .map((x) => this.expr(x));
        return {
          k: 'call',
          recv: recv ? this.expr(recv) : undefined,
          name: methods[0]?.text ?? '',
          args,
          ...selectorLabels(methods, args.length),
          node: n,
        };
      }
      case 'call_expression': {
        const f = field(n, 'function');
        const a = field(n, 'arguments');
        const args = a ? named(a).map((x) => this.expr(x)) : [];
        if (f?.type === 'identifier') return { k: 'call', name: f.text, args, node: n };
        if (f?.type === 'field_expression') {
          const obj = field(f, 'argument');
          const name = field(f, 'field')?.text ?? '';
          return { k: 'call', recv: obj ? this.expr(obj) : undefined, name, args, node: n };
        }
        return { k: 'call', callee: f ? this.expr(f) : undefined, name: '', args, node: n };
      }
      case 'unary_expression': {
        const op = field(n, 'operator')?.text;
        const a = field(n, 'argument');
        return op === '!' && a ? { k: 'not', e: this.expr(a), node: n } : this.seq(n);
      }
      case 'binary_expression': {
        const l = field(n, 'left');
        const r = field(n, 'right');
        const op = field(n, 'operator')?.text;
        return l && r && op ? { k: 'bin', op, l: this.expr(l), r: this.expr(r), node: n } : this.seq(n);
      }
      case 'conditional_expression': {
        const c = field(n, 'condition');
        const a = field(n, 'consequence');
        const b = field(n, 'alternative');
        if (!c || !a || !b) return this.seq(n);
        return {
          k: 'cond',
          test: this.expr(c),
          then: [{ k: 'expr', e: this.expr(a), node: a }],
          else: [{ k: 'expr', e: this.expr(b), node: b }],
          node: n,
        };
      }
      case 'block_literal': {
        const params = (
          named(n)
            .find((x) => x.type === 'parameter_list')
            ?.descendantsOfType('parameter_declaration') ?? []
        )
          .filter((p): p is SyntaxNode => !!p)
          .map((p) => field(p, 'declarator')?.text ?? '');
        return {
          k: 'lambda',
          params,
          body: this.stmts(named(n).find((x) => x.type === 'compound_statement')),
          node: n,
        };
      }
      case 'cast_expression': {
        const v = field(n, 'value');
        return v ? this.expr(v) : this.seq(n);
      }
      default:
        return this.seq(n);
    }
  }
}

export function toUnit(language: NativeLanguage, root: SyntaxNode): NativeUnit {
  namedCache = new Map();
  const unit = convert(language, root);
  unit.references = references(language, root);
  return unit;
}

function convert(language: NativeLanguage, root: SyntaxNode): NativeUnit {
  switch (language) {
    case 'kotlin':
      return new KotlinConverter().file(root);
    case 'java':
      return new JavaConverter().file(root);
    case 'swift':
      return new SwiftConverter().file(root);
    case 'objc':
      return new ObjcConverter().file(root);
  }
}

/** Node types that name a function without calling it, per language. */
const REFERENCE_TYPES: Record<NativeLanguage, string[]> = {
  kotlin: ['callable_reference', 'navigation_expression'],
  java: ['method_reference'],
  swift: ['selector_expression'],
  objc: ['selector_expression'],
};

/**
 * Method references and selectors: `::f`, `this::f`, `App::f` (Kotlin, Java),
 * `#selector(f)`, `#selector(A.f(_:))` (Swift), `@selector(f:)` (Objective-C,
 * whose functions are named by their first selector part).
 */
function references(language: NativeLanguage, root: SyntaxNode): { name: string; node: SyntaxNode }[] {
  const out: { name: string; node: SyntaxNode }[] = [];
  for (const n of root.descendantsOfType(REFERENCE_TYPES[language])) {
    if (!n) continue;
    const text = n.text;
    let m: RegExpExecArray | null;
    if (language === 'kotlin' || language === 'java') {
      if (!text.includes('::')) continue;
      m = /::\s*([A-Za-z_]\w*)\s*$/.exec(text);
    } else if (language === 'swift') {
      m = /([A-Za-z_]\w*)\s*(?:\([^()]*\))?\s*\)\s*$/.exec(text);
    } else {
      m = /\(\s*([A-Za-z_]\w*)/.exec(text);
    }
    if (m && m[1] !== 'new' && m[1] !== 'class') out.push({ name: m[1], node: n });
  }
  return out;
}
