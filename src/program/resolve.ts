/**
 * Value resolution: what an expression *is*, by origin, not by name.
 *
 * `Leanplum.start`, `lp.start` (after `import lp from 'leanplum-sdk'`),
 * `start` (after `const { start } = Leanplum`), `window.Leanplum['start']`,
 * `this.lp.start` (a field typed `typeof Leanplum`) all resolve to the same
 * access path: module `leanplum-sdk`, export `default`, then `.start`.
 * Local look-alikes (`const Leanplum = makeFake()`) resolve to something else.
 */
import type { Binding } from './scope.js';
import type * as t from '@babel/types';
import { forEachChild, isFunctionLike } from './ast.js';
import { dottedName, keyName, propertyName } from './names.js';
import { isWrapper, unwrap } from './unwrap.js';
import { isInstanceField } from './classes.js';
import { constInit } from './locals.js';
import type { ModuleInfo, Project, ScriptIndex } from './project.js';
import { CallSites, type CallLike } from './callers.js';
import { GLOBAL_OBJECTS, GlobalStores } from './globals.js';
import { contextCallPrefix, globCallPrefix, globLoadPrefix, loadPrefix, specifierPrefix } from './specifiers.js';
import {
  aliasedType,
  cannotBeSdk,
  fieldType,
  opaqueType,
  typedMember,
  typeMember,
  typeofImport,
  typeReferenceName,
} from './types.js';
import { Channels } from './contexts.js';
import { HelperCallbacks, objectCallbackSite } from './callbacks.js';

/** `specifier`: the import as written when it is more than the package name (`firebase/analytics`, a URL); policies may name it. */
import { alternatives, finiteStrings, union, type Value } from './values.js';
import { SnapshotMemo, stillHolds, type Dependence } from './snapshot.js';

export { alternatives, type Root, type Step, type Value } from './values.js';

/** Array methods whose callback receives each element first. */
const ARRAY_CALLBACKS = new Set(['forEach', 'map', 'filter', 'some', 'every', 'find', 'findIndex', 'flatMap']);
const MAX_DEPTH = 40;

export interface ResolverOptions {
  /**
   * Follow values into parameters through every known call (default true).
   * The call-site index resolves callees with a resolver that does not.
   */
  followCallers?: boolean;
}

export class Resolver {
  private readonly memo: SnapshotMemo<t.Node, Value | undefined>;
  private readonly active = new Set<t.Node>();
  private readonly callSites: CallSites | undefined;
  private readonly globalStores: GlobalStores | undefined;
  /** React contexts and Angular injection tokens (`contexts.ts`). */
  private readonly channels: Channels | undefined;
  /** Callbacks called through the app's helpers (`callbacks.ts`). */
  private readonly helperCallbacks: HelperCallbacks | undefined;
  private cycleHits = 0;
  private readonly passedMemo = new Map<
    t.Node,
    ({ value: Value | undefined; dependence: Dependence } | 'active' | undefined)[]
  >();

  constructor(
    readonly project: Project,
    options: ResolverOptions = {},
  ) {
    this.memo = new SnapshotMemo(project);
    this.exportMemo = new SnapshotMemo(project);
    if (options.followCallers !== false) {
      this.callSites = new CallSites(project, new Resolver(project, { followCallers: false }));
      this.globalStores = new GlobalStores(project);
      this.channels = new Channels(project, this);
      this.helperCallbacks = new HelperCallbacks(project, this.callSites);
    }
  }

  /** An answer being computed read facts that grow as modules are parsed (for helpers outside this class). */
  noteOpenRead(): void {
    this.project.frames.read(this.project.roundFact);
  }

  /**
   * A call through a parameter (`f(x)`, `f.call(t, x)`, `setTimeout(f, ms, x)`)
   * whose every possible callee is a function the analysis sees, and where the
   * arguments those functions receive start (`callbacks.ts`).
   */
  invocationTargets(call: CallLike, index: ScriptIndex): { targets: t.Function[]; offset: number } | undefined {
    if (!this.helperCallbacks) return undefined;
    return this.helperCallbacks.targets(call, index);
  }

  /**
   * Does `site` give a value to a React context or Angular token whose every
   * reference the analysis sees (`contexts.ts`)? The value is then followed to
   * its readers, not an escape.
   */
  givesToClosedChannel(site: t.Node, index: ScriptIndex): boolean {
    if (!this.channels) return false;
    return this.channels.closedChannelAt(site, index) !== undefined;
  }

  /** The files declaring the React contexts or Angular tokens `site` gives a value to. */
  channelFilesAt(site: t.Node, index: ScriptIndex): string[] {
    return (this.channels?.channelsAt(site, index) ?? []).map((c) => c.index.module.file);
  }

  /** What the React contexts or Angular tokens a value may be hold (undefined when it is none). */
  channelContents(v: Value | undefined): Value | undefined {
    if (!this.channels) return undefined;
    return union(this.channels.channelsOf(v).map((c) => this.channels!.held(c, 0)));
  }

  /**
   * The project functions a call runs, as the call-site index sees it: a value
   * passed to one of them reaches its parameter. Undefined when some callee is
   * not a project function (or this resolver does not follow parameters).
   */
  callTargets(call: CallLike, index: ScriptIndex): t.Node[] | undefined {
    if (!this.callSites) return undefined;
    const callees = alternatives(this.callSites.calleeValue(call, index));
    const targets = this.callSites.targets(call, index);
    return callees.length && targets.length === callees.length ? targets : undefined;
  }

  /** What `e` (an expression in `index`'s script) evaluates to, when known. */
  value(e: t.Node, index: ScriptIndex, depth = 0): Value | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const known = this.memo.get(e);
    if (known) return known.value;
    if (this.active.has(e)) return undefined; // a cycle: nothing definite
    this.active.add(e);
    let v: Value | undefined;
    const frame = this.project.frames.begin();
    try {
      v = this.compute(e, index, depth + 1);
    } catch (err) {
      this.project.frames.end(frame);
      throw err;
    } finally {
      this.active.delete(e);
    }
    // An answer that read the call-site index holds while no module is added (snapshot.ts).
    return this.memo.set(e, v, frame);
  }

  private compute(e0: t.Node, index: ScriptIndex, depth: number): Value | undefined {
    const e = unwrap(e0);
    if (e !== e0) return this.value(e, index, depth);
    switch (e.type) {
      case 'AwaitExpression':
        // Awaiting a call to an async project function yields what it returns.
        return this.settled(e.argument, index, depth);
      case 'Identifier':
        return this.identifier(e, index, depth);
      case 'ThisExpression':
        return this.thisValue(e, index, depth);
      case 'JSXIdentifier':
        // `<App />` refers to the binding `App`; lower-case names are DOM elements.
        return /^[A-Z]/.test(e.name) ? this.identifier(e as unknown as t.Identifier, index, depth) : undefined;
      case 'JSXMemberExpression': {
        // `<ctx.Lp.Consumer>`: the root of a member name is a binding whatever its case.
        const base =
          e.object.type === 'JSXIdentifier'
            ? this.identifier(e.object as unknown as t.Identifier, index, depth)
            : this.value(e.object, index, depth);
        return base ? this.member(base, e.property.name, depth) : undefined;
      }
      case 'StringLiteral':
      case 'NumericLiteral':
      case 'BooleanLiteral':
        return { kind: 'literal', value: e.value };
      case 'TemplateLiteral': {
        // `optanon-category-${GROUP}` with constant parts is a constant string.
        let text = e.quasis[0].value.cooked ?? '';
        for (let i = 0; i < e.expressions.length; i++) {
          const part = this.value(e.expressions[i], index, depth);
          if (part?.kind !== 'literal' || part.value === null || part.value === undefined) return undefined;
          text += String(part.value) + (e.quasis[i + 1].value.cooked ?? '');
        }
        return { kind: 'literal', value: text };
      }
      case 'MemberExpression':
      case 'OptionalMemberExpression': {
        const name = propertyName(e);
        const obj = unwrap(e.object);
        if (obj.type === 'Identifier' && GLOBAL_OBJECTS.has(obj.name) && !index.binding(obj)) {
          if (name !== null) return this.globalValue(name, depth);
          // `window[key]` where `key` is one of finitely many strings (`var i = "cioanalytics"`): each of those globals.
          const keys = e.computed ? finiteStrings(this.value(e.property, index, depth)) : undefined;
          if (keys) return union(keys.map((k) => this.globalValue(k, depth)));
          // Any global at all (as `const w = window; w[key]`): the sink search matches what follows against every SDK global.
          return { kind: 'path', root: { global: obj.name }, steps: [{ prop: null }] };
        }
        const base = this.value(e.object, index, depth);
        if (!base) return this.typed(e, name, index, depth);
        if (name === null && e.computed) {
          // `sdk[m]` where `m` is one of finitely many strings: each of those members.
          const keys = alternatives(this.value(e.property, index, depth));
          if (keys.length && keys.every((k) => k.kind === 'literal' && typeof k.value !== 'boolean')) {
            return union(keys.map((k) => this.member(base, String((k as { value: string | number }).value), depth)));
          }
        }
        return this.member(base, name, depth);
      }
      case 'CallExpression':
      case 'OptionalCallExpression':
      case 'NewExpression':
        return this.call(e, index, depth);
      case 'ImportExpression':
        return this.importValue(index, e.source, '*');
      case 'ConditionalExpression':
        return union([this.value(e.consequent, index, depth), this.value(e.alternate, index, depth)]);
      case 'LogicalExpression':
        return union([this.value(e.left, index, depth), this.value(e.right, index, depth)]);
      case 'ArrayExpression':
        return { kind: 'array', node: e, index };
      case 'AssignmentExpression':
        return e.operator === '=' ? this.value(e.right, index, depth) : undefined;
      case 'SequenceExpression':
        return this.value(e.expressions[e.expressions.length - 1], index, depth);
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ObjectMethod':
      case 'ClassMethod':
      case 'ClassPrivateMethod':
      case 'FunctionDeclaration':
        return { kind: 'function', node: e, index };
      case 'ClassExpression':
      case 'ClassDeclaration':
        return { kind: 'class', node: e, index };
      case 'ObjectExpression':
        return { kind: 'object', node: e, index };
      default:
        return undefined;
    }
  }

  /**
   * Any property of an object literal, its spreads' too (`{ ...defaults, ...overrides }`), each
   * object once: a reducer's `state = { ...state, x }` spreads the object into itself.
   */
  private anyProperty(obj: Extract<Value, { kind: 'object' }>, depth: number, seen: Set<t.Node>): Value | undefined {
    if (seen.has(obj.node) || depth > MAX_DEPTH) return undefined;
    seen.add(obj.node);
    return union(
      obj.node.properties.map((p) => {
        if (p.type === 'ObjectMethod')
          return p.kind === 'get'
            ? this.returned(p, obj.index, depth)
            : { kind: 'function' as const, node: p, index: obj.index };
        if (p.type === 'ObjectProperty') return this.value(p.value, obj.index, depth);
        return union(
          alternatives(this.value(p.argument, obj.index, depth + 1)).map((a) =>
            a.kind === 'object' ? this.anyProperty(a, depth + 1, seen) : this.member(a, null, depth + 1),
          ),
        );
      }),
    );
  }

  member(base: Value, name: string | null, depth: number): Value | undefined {
    switch (base.kind) {
      case 'union':
        return union(base.values.map((v) => this.member(v, name, depth)));
      case 'array': {
        if (name !== null && !/^\d+$/.test(name)) return undefined;
        const elements = name === null ? base.node.elements : [base.node.elements[Number(name)]];
        return union(
          elements.map((el) => (el && el.type !== 'SpreadElement' ? this.value(el, base.index, depth) : undefined)),
        );
      }
      case 'path':
        // `const w = window; w.Leanplum`, `const { Leanplum } = window`: a global.
        if ('global' in base.root && GLOBAL_OBJECTS.has(base.root.global) && !base.steps.length && name !== null)
          return { kind: 'path', root: { global: name }, steps: [] };
        return { kind: 'path', root: base.root, steps: [...base.steps, { prop: name }] };
      case 'namespace':
        if (name === null) return undefined;
        return this.exportValue(base.module, name, depth);
      case 'object': {
        // `obj[key]` with a key no finite set of strings bounds: any of its properties (as an array's elements).
        if (name === null) return this.anyProperty(base, depth, new Set());
        for (const p of base.node.properties) {
          if (p.type === 'SpreadElement') continue;
          if (p.computed || keyName(p.key) !== name) continue;
          if (p.type === 'ObjectMethod')
            return p.kind === 'get'
              ? this.returned(p, base.index, depth)
              : { kind: 'function', node: p, index: base.index };
          return this.value(p.value, base.index, depth);
        }
        return undefined;
      }
      case 'class':
      case 'instance':
        return name === null ? undefined : this.classMember(base.node, base.index, name, base.kind === 'class', depth);
      default:
        return undefined;
    }
  }

  private classMember(
    cls: t.Class,
    index: ScriptIndex,
    name: string,
    isStatic: boolean,
    depth: number,
  ): Value | undefined {
    for (const m of cls.body.body) {
      if (!('key' in m) || ('computed' in m && m.computed)) continue;
      if (keyName(m.key) !== name) continue;
      if (Boolean((m as { static?: boolean }).static) !== isStatic) continue;
      if (m.type === 'ClassMethod' || m.type === 'ClassPrivateMethod') {
        if (m.kind === 'get' && m.body.body.length) return this.returned(m, index, depth);
        return { kind: 'function', node: m, index };
      }
      if (m.type === 'ClassProperty' || m.type === 'ClassPrivateProperty' || m.type === 'ClassAccessorProperty') {
        if (m.value) return this.value(m.value, index, depth);
        const typed = this.fromType((m as { typeAnnotation?: t.Node | null }).typeAnnotation, index, depth);
        if (typed) return typed;
      }
    }
    if (!isStatic) {
      // `constructor(private lp: typeof Leanplum)`: a parameter property, typed or passed in.
      const ctor = cls.body.body.find((m): m is t.ClassMethod => m.type === 'ClassMethod' && m.kind === 'constructor');
      const values: (Value | undefined)[] = [];
      ctor?.params.forEach((p, i) => {
        if (p.type !== 'TSParameterProperty') return;
        const id = p.parameter.type === 'AssignmentPattern' ? p.parameter.left : p.parameter;
        if (id.type !== 'Identifier' || id.name !== name) return;
        // `@Inject(TOKEN) private lp`: what the token holds, besides what an explicit `new` passes.
        values.push(this.channels?.injected(p, index, depth));
        values.push(this.fromType(id.typeAnnotation, index, depth) ?? this.passedIn(ctor, i, index, depth));
      });
      // `this.lp = Leanplum` in any method: the field may hold each value stored.
      for (const right of thisStores(cls, name)) values.push(this.value(right, index, depth));
      const stored = union(values);
      if (stored) return stored;
    }
    // `this.context` of a class component with `static contextType = C`.
    if (!isStatic && name === 'context') {
      const held = this.channels?.contextType(cls, index, depth);
      if (held) return held;
    }
    const sup = cls.superClass ? this.value(cls.superClass, index, depth) : undefined;
    if (sup && sup.kind === 'class') return this.classMember(sup.node, sup.index, name, isStatic, depth);
    return undefined;
  }

  /**
   * A receiver only its declared type says is the SDK: a member of an object
   * type (`d.lp` with `d: { lp: typeof Leanplum }`, TS or Flow, through
   * aliases), read syntactically; else TypeScript's checker (types.ts).
   */
  private typed(
    e: t.MemberExpression | t.OptionalMemberExpression,
    name: string | null,
    index: ScriptIndex,
    depth: number,
  ): Value | undefined {
    const declared = this.declaredType(e.object, index, depth);
    const base = declared && this.fromType(declared.type, declared.index, depth);
    if (base) return this.member(base, name, depth);
    if (declared && cannotBeSdk(declared.type, declared.index, this.project)) return undefined;
    const found = typedMember(this.project, e, name, index);
    if (!found) return undefined;
    return 'member' in found ? found.member : this.member(found.receiver, name, depth);
  }

  /** The type an expression is declared with: a typed parameter or variable, or a member of its object type. */
  private declaredType(e: t.Node, index: ScriptIndex, depth: number): { type: t.Node; index: ScriptIndex } | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const u = unwrap(e);
    let declared: { type: t.Node | null | undefined; index: ScriptIndex } | undefined;
    if (u.type === 'Identifier') {
      const b = index.binding(u);
      if (b && b.kind !== 'module')
        declared = { type: (b.identifier as { typeAnnotation?: t.Node | null }).typeAnnotation, index };
    } else if (u.type === 'MemberExpression' || u.type === 'OptionalMemberExpression') {
      const name = propertyName(u);
      const self = unwrap(u.object).type === 'ThisExpression' ? this.thisValue(u.object, index) : undefined;
      const outer = name === null ? undefined : self ? undefined : this.declaredType(u.object, index, depth + 1);
      if (self && name !== null && (self.kind === 'instance' || self.kind === 'class'))
        declared = { type: fieldType(self.node, name), index: self.index };
      // A member of a type from a package that is no SDK is no SDK either (`this.route.params`).
      else if (outer && opaqueType(outer.type, outer.index, this.project)) declared = outer;
      else if (outer) declared = { type: typeMember(outer.type, name!), index: outer.index };
    }
    // Through aliases (`type Deps = { … }`) to the type itself.
    for (let i = 0; declared?.type && i < 8; i++) {
      const ref = typeReferenceName(declared.type);
      const alias = ref === undefined ? undefined : this.typeAlias(ref, declared.index, depth + 1);
      if (!alias) break;
      declared = alias;
    }
    return declared?.type ? { type: declared.type, index: declared.index } : undefined;
  }

  /** A receiver typed as the SDK: `lp: typeof Leanplum`. */
  private fromType(annotation: t.Node | null | undefined, index: ScriptIndex, depth: number): Value | undefined {
    let a = annotation;
    while (a && (a.type === 'TSTypeAnnotation' || a.type === 'TypeAnnotation')) a = a.typeAnnotation;
    if (!a) return undefined;
    if (a.type === 'TSTypeQuery' && a.exprName.type !== 'TSImportType')
      return this.entityName(a.exprName, index, depth);
    if (a.type === 'TypeofTypeAnnotation')
      // Flow's `typeof Leanplum.x`: the argument is a type reference naming the value.
      return a.argument.type === 'GenericTypeAnnotation'
        ? this.flowEntity(a.argument.id, index, depth)
        : this.value(a.argument, index, depth);
    const ref = typeReferenceName(a);
    if (ref !== undefined) {
      // Flow's `import typeof LP from 'leanplum-sdk'`: the type of that import's value.
      const imported = typeofImport(index, ref);
      if (imported) return this.importValue(index, imported.source, imported.name, depth);
      // `type LP = typeof Leanplum` then `lp: LP`
      const alias = this.typeAlias(ref, index, depth);
      if (alias) return this.fromType(alias.type, alias.index, depth + 1);
    }
    return undefined;
  }

  /** A type alias by name (TS, Flow `type`/`opaque type`/`interface`): declared in this module, or imported (`import type { LP } from './types'`). */
  private typeAlias(name: string, index: ScriptIndex, depth: number): { type: t.Node; index: ScriptIndex } | undefined {
    if (depth > MAX_DEPTH) return undefined;
    for (const s of index.script.ast.program.body) {
      const decl = s.type === 'ExportNamedDeclaration' ? s.declaration : s;
      const type = decl ? aliasedType(decl, name) : undefined;
      if (type) return { type, index };
      if (s.type === 'ImportDeclaration') {
        for (const spec of s.specifiers) {
          if (spec.type !== 'ImportSpecifier' || spec.local.name !== name) continue;
          const imported = spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value;
          const target = this.project.resolveImport(index.script.file, s.source.value);
          const mod = target && 'file' in target ? this.project.module(target.file) : undefined;
          for (const other of mod?.scripts ?? []) {
            const found = this.typeAlias(imported, other, depth + 1);
            if (found) return found;
          }
        }
      }
    }
    return undefined;
  }

  private flowEntity(
    n: t.Identifier | t.QualifiedTypeIdentifier,
    index: ScriptIndex,
    depth: number,
  ): Value | undefined {
    if (n.type === 'Identifier') return this.value(n, index, depth);
    const base = this.flowEntity(n.qualification, index, depth);
    return base ? this.member(base, n.id.name, depth) : undefined;
  }

  private entityName(n: t.TSEntityName, index: ScriptIndex, depth: number): Value | undefined {
    if (n.type === 'Identifier') return this.value(n, index, depth);
    if (n.type === 'TSQualifiedName') {
      const base = this.entityName(n.left, index, depth);
      return base ? this.member(base, n.right.name, depth) : undefined;
    }
    return undefined;
  }

  private thisValue(e: t.Node, index: ScriptIndex, depth = 0): Value | undefined {
    for (let p = index.parent.get(e); p; p = index.parent.get(p)) {
      if (p.type === 'FunctionDeclaration') return undefined;
      // `initialise({ onInitialise: function () { this.… } })`: what the SDK or CMP calls the option with
      // as `this` (parameter -1); an arrow function's `this` is the enclosing one.
      if (p.type === 'FunctionExpression' || p.type === 'ObjectMethod')
        return p.type === 'ObjectMethod' && (p.kind === 'get' || p.kind === 'set')
          ? undefined
          : this.objectCallbackParam(p, -1, index, depth);
      if (
        p.type === 'ClassMethod' ||
        p.type === 'ClassPrivateMethod' ||
        p.type === 'ClassProperty' ||
        p.type === 'ClassPrivateProperty' ||
        p.type === 'StaticBlock'
      ) {
        const body = index.parent.get(p);
        const cls = body && index.parent.get(body);
        if (!cls || (cls.type !== 'ClassDeclaration' && cls.type !== 'ClassExpression')) return undefined;
        const isStatic = p.type === 'StaticBlock' || Boolean((p as { static?: boolean }).static);
        return { kind: isStatic ? 'class' : 'instance', node: cls, index };
      }
    }
    return undefined;
  }

  private call(
    e: t.CallExpression | t.OptionalCallExpression | t.NewExpression,
    index: ScriptIndex,
    depth: number,
  ): Value | undefined {
    const callee = unwrap(e.callee);
    if (
      e.type !== 'NewExpression' &&
      callee.type === 'Identifier' &&
      callee.name === 'require' &&
      !index.binding(callee)
    ) {
      return this.loaded(e.arguments[0], index, depth);
    }
    if (callee.type === 'Import') return this.loaded(e.arguments[0], index, depth);
    // `import.meta.glob('./modules/*.ts')`: a map of the matching modules (or of functions importing them).
    const glob = globCallPrefix(e);
    if (glob !== undefined) return this.admitted(globLoadPrefix(index.script.file, glob), depth);
    // `ctx(key)` of webpack's `const ctx = require.context('./modules', …)`: any module of that folder.
    const context = contextCallPrefix(callee.type === 'Identifier' ? (constInit(callee, index) ?? callee) : callee);
    if (context !== undefined)
      return this.admitted(context === null ? undefined : loadPrefix(index.script.file, context), depth);
    // `useContext(C)`, `inject(T)`: what the context or token holds.
    const read = this.channels?.read(e, index, depth);
    if (read) return read.value;
    // `promise.then(x => ...)` is handled at the parameter; `.then()` itself is the promise.
    return union(alternatives(this.value(callee, index, depth)).map((f) => this.callOf(f, e, depth)));
  }

  private callOf(
    f: Value,
    e: t.CallExpression | t.OptionalCallExpression | t.NewExpression,
    depth: number,
  ): Value | undefined {
    if (f.kind === 'path') return { kind: 'path', root: f.root, steps: [...f.steps, { call: e, awaited: false }] };
    if (e.type === 'NewExpression' && f.kind === 'class') return { kind: 'instance', node: f.node, index: f.index };
    // An async function's call is a promise of what it returns (read by `settled`: `await`, `.then`).
    if (f.kind === 'function') {
      if (f.node.generator) return undefined;
      const returned = this.returned(f.node, f.index, depth);
      return f.node.async && returned ? { kind: 'promise', value: returned } : returned;
    }
    return undefined;
  }

  /** What a promise-valued expression settles to: `await e`, `e.then(x => …)`'s `x`. */
  settled(e: t.Node, index: ScriptIndex, depth: number): Value | undefined {
    const v = this.value(e, index, depth);
    return v ? awaited(v) : undefined;
  }

  /** The value a function returns, when all its returns agree on one resolvable value. */
  returned(fn: t.Function, index: ScriptIndex, depth = 0): Value | undefined {
    if (fn.body.type !== 'BlockStatement') return this.value(fn.body, index, depth);
    return union(returnedExpressions(fn).map((r) => this.value(r, index, depth)));
  }

  /** A global: itself (a script-tag SDK such as `Leanplum`), or any value the program stored into it. */
  private globalValue(name: string, depth: number): Value | undefined {
    const self: Value = { kind: 'path', root: { global: name }, steps: [] };
    if (!this.globalStores) return self;
    this.project.frames.read(this.globalStores.fact(name));
    const stores = this.globalStores.of(name);
    if (!stores.length) return self;
    // Strings, numbers and booleans stored there are never the SDK (and guard values judge their own writes).
    const stored = stores
      .flatMap((s) => alternatives(this.value(s.value, s.index, depth)))
      .filter((v) => v.kind !== 'literal');
    return union([self, ...stored]);
  }

  private identifier(id: t.Identifier, index: ScriptIndex, depth: number): Value | undefined {
    if (id.name === 'undefined') return undefined;
    const b = index.binding(id);
    if (!b)
      return (
        this.pageGlobal(id.name, index, depth) ??
        this.autoImported(id.name, index, depth) ??
        this.globalValue(id.name, depth)
      );
    return this.bindingValue(b, id, index, depth);
  }

  /**
   * A free name of a Nuxt app that Nuxt auto-imports (`useTracking()` of `composables/`): the
   * export it names (what each candidate source exports, when Nuxt's scan finds it in several).
   * Undefined when it is none; a source not parsed yet is missed, as an import's module is.
   */
  private autoImported(name: string, index: ScriptIndex, depth: number): Value | undefined {
    const sources = this.project.autoImports.sources(index.script.file, name);
    if (!sources.length) return undefined;
    const values = sources.map((s): Value | undefined => {
      if ('module' in s) return { kind: 'path', root: { module: s.module, export: s.name }, steps: [] };
      const mod = this.project.module(s.file);
      return mod ? this.exportValue(mod, s.name, depth) : undefined;
    });
    // Auto-imported but not resolved (yet): an unknown value, not the global of that name.
    return union(values) ?? { kind: 'path', root: { module: '#imports', export: name }, steps: [] };
  }

  /**
   * Classic `<script>`s and `on*` handlers of one HTML page share the global
   * scope: a free name may be a function another script of the page declares.
   */
  private pageGlobal(name: string, index: ScriptIndex, depth: number): Value | undefined {
    if (index.script.kind === 'module') return undefined;
    // A Vue/Svelte template handler sees the component's `<script setup>` / `<script>` top level.
    if (index.script.file.endsWith('.vue') || index.script.file.endsWith('.svelte')) {
      for (const other of index.module.scripts) {
        if (other === index || other.script.kind !== 'module') continue;
        const b = other.topLevel(name);
        if (b) return this.bindingValue(b, b.identifier, other, depth);
      }
    }
    // A component template's handler sees the component's members: `x` is `this.x` (Angular class, Vue Options API methods).
    const comp = index.component;
    const cls =
      comp && (comp.node.type === 'ClassDeclaration' || comp.node.type === 'ClassExpression') ? comp.node : undefined;
    const member = cls ? this.member({ kind: 'instance', node: cls, index: comp!.index }, name, depth) : undefined;
    if (member) return member;
    const fn = comp?.members.get(name);
    if (fn) return { kind: 'function', node: fn, index: comp!.index };
    const field = comp?.fields.get(name);
    if (field) return this.value(field, comp!.index, depth);
    for (const other of index.module.scripts) {
      if (other === index || other.script.kind !== 'script') continue;
      for (const s of other.script.ast.program.body) {
        if (s.type === 'FunctionDeclaration' && s.id?.name === name) return { kind: 'function', node: s, index: other };
        if (s.type === 'VariableDeclaration' && s.kind === 'var') {
          for (const d of s.declarations)
            if (d.id.type === 'Identifier' && d.id.name === name && d.init) return this.value(d.init, other, depth);
        }
      }
    }
    return undefined;
  }

  bindingValue(b: Binding, id: t.Identifier, index: ScriptIndex, depth: number): Value | undefined {
    const node = b.declaration;
    switch (b.kind) {
      case 'module': {
        const decl = b.importDeclaration!;
        if (decl.importKind === 'type' || decl.importKind === 'typeof') return undefined;
        if (node.type === 'ImportDefaultSpecifier') return this.importValue(index, decl.source, 'default');
        if (node.type === 'ImportNamespaceSpecifier') return this.importValue(index, decl.source, '*');
        if (node.type === 'ImportSpecifier') {
          const imported = node.imported.type === 'Identifier' ? node.imported.name : node.imported.value;
          return this.importValue(index, decl.source, imported);
        }
        return undefined;
      }
      case 'hoisted': {
        if (!isFunctionLike(node)) return undefined;
        const fn: Value = { kind: 'function', node, index };
        // A classic script's top-level `function gtag() {…}` is the global `gtag` too (the GA4
        // snippet): a call of it is a call of that global, whatever else its body does.
        if (index.script.kind !== 'module' && b.scopeBlock.type === 'Program')
          return union([this.globalValue(id.name, depth), fn]);
        return fn;
      }
      case 'local':
        if (isFunctionLike(node)) return { kind: 'function', node, index };
        if (node.type === 'ClassExpression' || node.type === 'ClassDeclaration') return { kind: 'class', node, index };
        return undefined;
      case 'param':
        return this.paramValue(b, index, depth);
      case 'const':
      case 'let':
      case 'var': {
        // TypeScript's `import LP = require('leanplum-sdk')`.
        if (node.type === 'TSImportEqualsDeclaration') {
          const ref = node.moduleReference;
          return ref.type === 'TSExternalModuleReference' ? this.importValue(index, ref.expression, '*') : undefined;
        }
        // A top-level `var` of a classic script *is* a property of window: what it is
        // given here, and whatever the global is or other scripts store into it.
        if (b.kind === 'var' && index.script.kind !== 'module' && b.scopeBlock.type === 'Program') {
          return union([this.globalValue(id.name, depth), this.declaredValue(b, node, index, depth)]);
        }
        return this.declaredValue(b, node, index, depth);
      }
      default:
        return undefined;
    }
  }

  /** What a variable (or class or function declaration) holds: its declaration and every later `=`. */
  private declaredValue(b: Binding, node: t.Node, index: ScriptIndex, depth: number): Value | undefined {
    if (node.type === 'ClassDeclaration') return { kind: 'class', node, index };
    if (node.type === 'FunctionDeclaration') return { kind: 'function', node, index };
    if (node.type !== 'VariableDeclarator') return undefined;
    // The local may hold what its declaration and every later `=` put in it
    // (compound assignments and updates only make numbers and strings).
    const sources: [t.Node, t.Node, 'init' | 'element'][] = [];
    const declaration = index.parent.get(node);
    const loop = declaration && index.parent.get(declaration);
    if (node.init) sources.push([node.id, node.init, 'init']);
    // `for (const x of list)`: each element of the list.
    else if (loop && loop.type === 'ForOfStatement' && loop.left === declaration)
      sources.push([node.id, loop.right, 'element']);
    for (const w of b.violations) {
      if (w === node || w.type !== 'AssignmentExpression' || w.operator !== '=') continue;
      sources.push([w.left, w.right, 'init']);
    }
    return union(
      sources.map(([pattern, source, how]) => {
        // In a declaration the binding identifier itself; in an assignment the name written in the pattern.
        const target = pattern === node.id ? b.identifier : findBindingIdentifier(pattern, b.identifier.name);
        const steps = target && patternSteps(pattern, target);
        if (!steps) return undefined;
        let v = this.value(source, index, depth);
        if (how === 'element') v = v ? this.member(v, null, depth) : undefined;
        for (const s of steps) v = v ? this.member(v, s, depth) : undefined;
        return v;
      }),
    );
  }

  /** A parameter: typed as the SDK, or a callback parameter whose value the callee defines. */
  private paramValue(b: Binding, index: ScriptIndex, depth: number): Value | undefined {
    const fn = b.scopeBlock;
    if (!isFunctionLike(fn)) return undefined;
    const paramIndex = fn.params.findIndex((p) => patternSteps(p, b.identifier) !== undefined);
    if (paramIndex < 0) return undefined;
    const param = fn.params[paramIndex];
    const steps = patternSteps(param, b.identifier)!;
    const annotated = param.type === 'TSParameterProperty' ? param.parameter : param;
    const typed = this.fromType((annotated as { typeAnnotation?: t.Node | null }).typeAnnotation, index, depth);
    if (typed) return typed;
    const passed = this.passedIn(fn, paramIndex, index, depth);
    const fromCallback = this.callbackParam(fn, paramIndex, index, depth);
    // `run(Leanplum, (lp) => …)` where `run` calls its parameter with the SDK (the places `fn` is passed
    // are in its own script, the helpers' calls of it in theirs: nothing here grows with the snapshot).
    const fromHelpers = this.helperCallbacks?.passed(fn, paramIndex, index, (arg, at) => this.value(arg, at, depth));
    // `@Inject(TOKEN) lp`, `<C.Consumer>{(lp) => …}`: what the token or context holds.
    const provided = this.channels?.param(fn, paramIndex, index, depth);
    const v = union([passed, fromCallback, fromHelpers, provided]);
    return union(
      steps.length
        ? alternatives(v).map((x) =>
            steps.reduce<Value | undefined>((acc, s) => (acc ? this.member(acc, s, depth) : undefined), x),
          )
        : [v],
    );
  }

  /**
   * What the calls of `fn` pass as parameter `paramIndex` (its default value
   * included): every call the call-site index knows, IIFEs among them.
   */
  private passedIn(fn: t.Function, paramIndex: number, index: ScriptIndex, depth: number): Value | undefined {
    if (!this.callSites) return undefined;
    const param = fn.params[paramIndex];
    if (param.type === 'RestElement') return undefined; // a rest array: its elements are reported where passed
    // One answer per parameter (every reference to it asks), for as long as what it read holds.
    let memo = this.passedMemo.get(fn);
    if (!memo) this.passedMemo.set(fn, (memo = []));
    const known = memo[paramIndex];
    if (known === 'active') {
      this.cycleHits++; // recursion: the outer evaluation collects every call; inner answers are partial
      // A partial answer holds for this round only (the next finds the outer one complete).
      this.project.frames.read(this.project.roundFact);
      return undefined;
    }
    if (known && stillHolds(this.project, known.dependence)) return known.value;
    memo[paramIndex] = 'active';
    const hits = this.cycleHits;
    const values: (Value | undefined)[] = [];
    const frame = this.project.frames.begin();
    let dependence: Dependence | undefined;
    try {
      this.project.frames.read(this.callSites.fact(fn));
      if (param.type === 'AssignmentPattern') values.push(this.value(param.right, index, depth));
      for (const site of this.callSites.of(fn)) {
        const arg = site.call.arguments[paramIndex];
        if (!arg || site.call.arguments.slice(0, paramIndex + 1).some((a) => a.type === 'SpreadElement')) continue;
        values.push(this.value(arg, site.index, depth));
      }
    } finally {
      memo[paramIndex] = undefined;
      dependence = this.project.frames.end(frame);
    }
    const v = union(values);
    // Only an answer that met no other parameter still being evaluated is complete.
    if (this.cycleHits === hits) memo[paramIndex] = { value: v, dependence: dependence ?? {} };
    return v;
  }

  /** A callback's parameter whose value the callee defines: `p.then(m => …)`, an SDK's `onReady(sdk => …)`. */
  private callbackParam(fn: t.Function, paramIndex: number, index: ScriptIndex, depth: number): Value | undefined {
    let call: t.Node | undefined = index.parent.get(fn);
    let child: t.Node = fn;
    while (call && isWrapper(call)) {
      child = call;
      call = index.parent.get(call);
    }
    if (
      !call ||
      (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression' && call.type !== 'NewExpression') ||
      !call.arguments.includes(child as t.Expression)
    ) {
      // `initialise({ onStatusChange(status) {…} })`, `<DidomiSDK onReady={(d) => …} />`, or the object in a
      // `const` passed once: what the SDK or CMP calls that property with.
      return this.objectCallbackParam(fn, paramIndex, index, depth);
    }
    const argument = call.arguments.indexOf(child as t.Expression);
    const callee = unwrap(call.callee);
    let v: Value | undefined;
    // `p.then(m => …)`: `m` is what the promise resolves to.
    if (
      (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') &&
      propertyName(callee) === 'then' &&
      argument === 0 &&
      paramIndex === 0
    ) {
      v = this.settled(callee.object, index, depth);
    } else {
      // `[Leanplum, Braze].forEach(sdk => …)`: each element.
      if (
        (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') &&
        argument === 0 &&
        paramIndex === 0 &&
        ARRAY_CALLBACKS.has(propertyName(callee) ?? '')
      ) {
        const list = union(alternatives(this.value(callee.object, index, depth)).filter((x) => x.kind === 'array'));
        if (list) return this.member(list, null, depth);
      }
      // An SDK's callback (`OneSignalDeferred.push(async (OneSignal) => …)`): the parameter the SDK passes.
      v = union(
        alternatives(this.value(callee, index, depth)).map((f): Value | undefined =>
          f.kind === 'path'
            ? { kind: 'path', root: f.root, steps: [...f.steps, { param: { argument, parameter: paramIndex, call } }] }
            : undefined,
        ),
      );
    }
    return v;
  }

  /** Parameter `paramIndex` (-1: `this`) of a function given as an option of an SDK or CMP call's object argument. */
  private objectCallbackParam(
    fn: t.Function,
    paramIndex: number,
    index: ScriptIndex,
    depth: number,
  ): Value | undefined {
    const site = objectCallbackSite(fn, index);
    if (!site) return undefined;
    const { call: at, argument, property } = site;
    return union(
      alternatives(this.value(at.callee, index, depth)).map((f): Value | undefined =>
        f.kind === 'path'
          ? {
              kind: 'path',
              root: f.root,
              steps: [...f.steps, { param: { argument, parameter: paramIndex, call: at, property } }],
            }
          : undefined,
      ),
    );
  }

  /** The value of `import … from source` (name: `default`, a named export, or `*`). */
  /**
   * What `require(x)` / `import(x)` loads: the module a literal names; for a
   * computed specifier, each of finitely many strings it can be, else every
   * parsed module its static prefix admits (`./plugins/${name}`: the plugins
   * folder), so a function called through it is referenced there (the
   * importer index reads the same prefixes: specifiers.ts).
   */
  private loaded(arg: t.Node | undefined, index: ScriptIndex, depth: number): Value | undefined {
    if (!arg || arg.type === 'SpreadElement' || arg.type === 'ArgumentPlaceholder') return undefined;
    // A literal, or one of finitely many strings (`cond ? './a' : './b'`).
    const specifiers = finiteStrings(this.value(arg, index, depth));
    if (specifiers) return union(specifiers.map((spec) => this.importSpecifier(index, spec, '*', 0)));
    return this.admitted(loadPrefix(index.script.file, specifierPrefix(arg)), depth);
  }

  /** Every parsed module a computed load may name (`at`: root-relative, see specifiers.ts), as it loads it. */
  private admitted(at: string | undefined, depth: number): Value | undefined {
    return union(
      this.project
        .modulesAdmitted(at)
        .map((mod): Value => this.exportValue(mod, '*', depth) ?? { kind: 'namespace', module: mod }),
    );
  }

  importValue(index: ScriptIndex, source: t.Node, name: string, depth = 0): Value | undefined {
    return source.type === 'StringLiteral' ? this.importSpecifier(index, source.value, name, depth) : undefined;
  }

  /** What `name` of the module `specifier` names from this script is (`*`: the module itself). */
  private importSpecifier(index: ScriptIndex, specifier: string, name: string, depth: number): Value | undefined {
    // Nuxt's virtual module of every auto-import (`import { useGtag } from '#imports'`).
    if (specifier === '#imports' && name !== '*' && name !== 'default') {
      const auto = this.autoImported(name, index, depth);
      if (auto) return auto;
    }
    const target = this.project.resolveImport(index.script.file, specifier);
    if (!target) return undefined;
    if ('package' in target)
      return {
        kind: 'path',
        root: {
          module: target.package,
          export: name,
          ...(target.specifier !== target.package ? { specifier: target.specifier } : {}),
        },
        steps: [],
      };
    // Any platform variant of the module may be the one that runs (`lp.native.ts` beside `lp.ts`).
    return union(
      [target.file, ...this.project.platformVariants(target.file)].map((file) => {
        const mod = this.project.module(file);
        if (!mod) return undefined;
        // `require('./lp')` of a module that sets `module.exports = X` is X itself.
        if (name === '*') return this.exportValue(mod, '*', depth) ?? { kind: 'namespace', module: mod };
        return this.exportValue(mod, name, depth);
      }),
    );
  }

  private readonly exportMemo: SnapshotMemo<string, Value | undefined>;
  private readonly exportActive = new Set<string>();

  /** What a module exports under `name`: ESM exports, re-exports, `export *`, CommonJS. */
  exportValue(mod: ModuleInfo, name: string, depth: number): Value | undefined {
    const key = `${mod.file}\0${name}`;
    const known = this.exportMemo.get(key);
    if (known) return known.value;
    if (this.exportActive.has(key) || depth > MAX_DEPTH) return undefined;
    this.exportActive.add(key);
    let v: Value | undefined;
    const frame = this.project.frames.begin();
    try {
      for (const index of mod.scripts) {
        v = this.findExport(index, name, depth + 1);
        if (v) break;
      }
    } catch (err) {
      this.project.frames.end(frame);
      throw err;
    } finally {
      this.exportActive.delete(key);
    }
    return this.exportMemo.set(key, v, frame);
  }

  private findExport(index: ScriptIndex, name: string, depth: number): Value | undefined {
    const body = index.script.ast.program.body;
    const stars: t.ExportAllDeclaration[] = [];
    for (const s of body) {
      if (s.type === 'ExportDefaultDeclaration' && name === 'default') {
        const d = s.declaration;
        if (d.type === 'Identifier') return this.value(d, index, depth);
        return this.value(d, index, depth);
      }
      if (s.type === 'ExportNamedDeclaration') {
        if (s.exportKind === 'type') continue;
        const d = s.declaration;
        if (d) {
          if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id?.name === name)
            return this.value(d, index, depth);
          if (d.type === 'VariableDeclaration') {
            for (const decl of d.declarations) {
              const id = findBindingIdentifier(decl.id, name);
              if (id) {
                const b = index.binding(id);
                return b ? this.bindingValue(b, id, index, depth) : undefined;
              }
            }
          }
          if (d.type === 'TSEnumDeclaration' || d.type === 'TSModuleDeclaration') continue;
        }
        for (const spec of s.specifiers) {
          const exported = spec.exported.type === 'Identifier' ? spec.exported.name : spec.exported.value;
          if (exported !== name) continue;
          if (s.source) {
            if (spec.type === 'ExportNamespaceSpecifier') return this.importValue(index, s.source, '*', depth);
            if (spec.type === 'ExportDefaultSpecifier') return this.importValue(index, s.source, 'default', depth);
            const local =
              spec.local.type === 'Identifier' ? spec.local.name : (spec.local as unknown as t.StringLiteral).value;
            return this.importValue(index, s.source, local, depth);
          }
          if (spec.type === 'ExportSpecifier' && spec.local.type === 'Identifier')
            return this.value(spec.local, index, depth);
        }
      }
      if (s.type === 'ExportAllDeclaration' && name !== 'default' && name !== '*') stars.push(s);
      // CommonJS: module.exports = X / module.exports.name = X / exports.name = X
      if (
        s.type === 'ExpressionStatement' &&
        s.expression.type === 'AssignmentExpression' &&
        s.expression.operator === '='
      ) {
        const target = dottedName(s.expression.left);
        if (target === 'module.exports' && (name === 'default' || name === '*'))
          return this.value(s.expression.right, index, depth);
        if (target === 'module.exports' && s.expression.right.type === 'ObjectExpression') {
          const v = this.member({ kind: 'object', node: s.expression.right, index }, name, depth);
          if (v) return v;
        }
        if (target === `module.exports.${name}` || target === `exports.${name}`)
          return this.value(s.expression.right, index, depth);
      }
    }
    for (const s of stars) {
      const v = this.importValue(index, s.source, name, depth);
      if (v) return v;
    }
    return undefined;
  }
}

function awaited(v: Value): Value {
  if (v.kind === 'union') return union(v.values.map(awaited))!;
  if (v.kind === 'promise') return awaited(v.value);
  if (v.kind !== 'path' || v.steps.length === 0) return v;
  const last = v.steps[v.steps.length - 1];
  if ('call' in last) return { ...v, steps: [...v.steps.slice(0, -1), { ...last, awaited: true }] };
  return v;
}

/** Property steps from the root of a destructuring pattern to `target`, or undefined if absent. */
export function patternSteps(p: t.Node, target: t.Node): string[] | undefined {
  if (p === target) return [];
  switch (p.type) {
    case 'Identifier':
      return undefined;
    case 'AssignmentPattern':
      return patternSteps(p.left, target);
    case 'TSParameterProperty':
      return patternSteps(p.parameter, target);
    case 'ObjectPattern':
      for (const prop of p.properties) {
        if (prop.type === 'RestElement') continue;
        const inner = patternSteps(prop.value, target);
        if (inner) {
          const k = prop.computed ? undefined : keyName(prop.key);
          if (k === undefined) return undefined;
          return [k, ...inner];
        }
      }
      return undefined;
    case 'ArrayPattern':
      for (let i = 0; i < p.elements.length; i++) {
        const el = p.elements[i];
        const inner = el ? patternSteps(el, target) : undefined;
        if (inner) return [String(i), ...inner];
      }
      return undefined;
    default:
      return undefined;
  }
}

function findBindingIdentifier(p: t.Node, name: string): t.Identifier | undefined {
  switch (p.type) {
    case 'Identifier':
      return p.name === name ? p : undefined;
    case 'AssignmentPattern':
      return findBindingIdentifier(p.left, name);
    case 'ObjectPattern':
      for (const prop of p.properties) {
        const r = findBindingIdentifier(prop.type === 'RestElement' ? prop.argument : prop.value, name);
        if (r) return r;
      }
      return undefined;
    case 'ArrayPattern':
      for (const el of p.elements) {
        const r = el ? findBindingIdentifier(el, name) : undefined;
        if (r) return r;
      }
      return undefined;
    case 'RestElement':
      return findBindingIdentifier(p.argument, name);
    default:
      return undefined;
  }
}

/** Right-hand sides of `this.<name> = …` in the instance methods of a class (arrows keep `this`; other functions do not). */
function thisStores(cls: t.Class, name: string): t.Node[] {
  const out: t.Node[] = [];
  const visit = (n: t.Node): void => {
    if (
      n.type === 'AssignmentExpression' &&
      n.operator === '=' &&
      (n.left.type === 'MemberExpression' || n.left.type === 'OptionalMemberExpression') &&
      n.left.object.type === 'ThisExpression' &&
      propertyName(n.left) === name
    )
      out.push(n.right);
    if (
      n.type === 'FunctionExpression' ||
      n.type === 'FunctionDeclaration' ||
      n.type === 'ObjectMethod' ||
      n.type === 'ClassExpression' ||
      n.type === 'ClassDeclaration'
    )
      return;
    forEachChild(n, visit);
  };
  for (const m of cls.body.body) {
    if ((m.type === 'ClassMethod' || m.type === 'ClassPrivateMethod') && !m.static) visit(m.body);
    else if (isInstanceField(m) && m.value) visit(m.value);
  }
  return out;
}

const returnsOf = new WeakMap<t.Function, t.Node[]>();

/** The expressions a function body returns (nested functions and classes excluded), found once. */
function returnedExpressions(fn: t.Function): t.Node[] {
  let out = returnsOf.get(fn);
  if (out) return out;
  out = [];
  const found = out;
  const visit = (n: t.Node): void => {
    if (n.type === 'ReturnStatement') {
      if (n.argument) found.push(n.argument);
      return;
    }
    if (isFunctionLike(n) || n.type === 'ClassDeclaration' || n.type === 'ClassExpression') return;
    forEachChild(n, visit);
  };
  visit(fn.body);
  returnsOf.set(fn, out);
  return out;
}
