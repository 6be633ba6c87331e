/**
 * Static types as a second resolver: a receiver that value resolution cannot
 * follow but whose declared type says it is the SDK (`d.lp` with
 * `interface Deps { lp: typeof Leanplum }`, `ReturnType<typeof getSdk>`, a
 * `declare function` returning the SDK, generics, `Pick<>`, mapped types).
 *
 * TypeScript's checker answers, in an in-memory ts-morph project that holds
 * only the app's TS files the receiver's file imports (text from the
 * project's discovered files: nothing is read from disk, nothing of the
 * scanned repository runs), those of receivers asked about before and of
 * files parsed near them (foreseen, so that the program is rebuilt a few
 * times per scan, not once per file), and synthesised ambient modules for
 * the SDK packages they import. Each SDK export is declared with a brand type that
 * names its origin and keeps a member path (`typeof Leanplum.notifications`),
 * so the type of a receiver maps back to the same `Value` the Resolver gives
 * the SDK itself. Other packages are `any` (`declare module '*'`): a type the
 * checker cannot resolve carries no brand and yields nothing.
 *
 * ts-morph (hundreds of ms to load) is loaded on the first receiver that
 * needs it: a member whose name is a segment of a sink method, in a TS file
 * whose imports reach an SDK package.
 */
import { createRequire } from 'node:module';
import type * as t from '@babel/types';
import type * as TsMorph from 'ts-morph';
import type { ts as Ts } from 'ts-morph';
import { keyName } from './names.js';
import type { Project } from './project.js';
import type { ScriptIndex } from './script.js';
import { escapeRegExp } from './text.js';
import type { Root, Value } from './values.js';

const TS_FILE = /\.(c|m)?tsx?$/;
const BRAND = ' consent-lint';
/** The brand path segment of an instance of the export before it (`x: Mixpanel`). */
const INSTANCE = '()';
const SYNTHETIC = '/__consent-lint__/sdk.d.ts';
const SYNTHETIC_LIB = '/__consent-lint__/lib.d.ts';
/** Files of one receiver's import closure given to the checker, at most: past that, types from further away stay unknown. */
const MAX_FILES = 400;

/**
 * The part of the standard library through which a type can carry the SDK
 * (utility types, promises, arrays, maps, iteration), instead of lib.es5 and
 * later: parsing and binding those cost several times the rest of a query. A
 * global missing here makes a type unknown, which yields nothing, never a sink.
 */
const LIB = `/// <reference no-default-lib="true"/>
interface Boolean {}
interface Number {}
interface Object {}
interface RegExp {}
interface String { readonly length: number }
interface Symbol {}
interface Function { apply(this: Function, thisArg: any, argArray?: any): any; call(this: Function, thisArg: any, ...argArray: any[]): any; bind(this: Function, thisArg: any, ...argArray: any[]): any }
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}
interface IArguments { [index: number]: any; length: number }
interface TemplateStringsArray extends ReadonlyArray<string> { readonly raw: readonly string[] }
interface TypedPropertyDescriptor<T> { enumerable?: boolean; configurable?: boolean; writable?: boolean; value?: T; get?: () => T; set?: (value: T) => void }
type PropertyKey = string | number | symbol;
interface SymbolConstructor { readonly iterator: unique symbol; readonly asyncIterator: unique symbol }
declare var Symbol: SymbolConstructor;
interface IteratorYieldResult<T> { done?: false; value: T }
interface IteratorReturnResult<T> { done: true; value: T }
type IteratorResult<T, R = any> = IteratorYieldResult<T> | IteratorReturnResult<R>;
interface Iterator<T, R = any, N = any> { next(...[value]: [] | [N]): IteratorResult<T, R> }
interface Iterable<T, R = any, N = any> { [Symbol.iterator](): Iterator<T, R, N> }
interface IterableIterator<T, R = any, N = any> extends Iterator<T, R, N> { [Symbol.iterator](): IterableIterator<T, R, N> }
interface IteratorObject<T, R = any, N = any> extends Iterator<T, R, N> { [Symbol.iterator](): IteratorObject<T, R, N> }
interface ArrayIterator<T> extends IteratorObject<T, any, any> { [Symbol.iterator](): ArrayIterator<T> }
interface MapIterator<T> extends IteratorObject<T, any, any> { [Symbol.iterator](): MapIterator<T> }
interface SetIterator<T> extends IteratorObject<T, any, any> { [Symbol.iterator](): SetIterator<T> }
type BuiltinIteratorReturn = any;
interface ReadonlyArray<T> {
  readonly length: number; readonly [n: number]: T; [Symbol.iterator](): ArrayIterator<T>;
  at(index: number): T | undefined; find(p: (value: T, index: number, array: readonly T[]) => unknown): T | undefined;
  filter(p: (value: T, index: number, array: readonly T[]) => unknown): T[]; forEach(f: (value: T, index: number, array: readonly T[]) => void): void;
  map<U>(f: (value: T, index: number, array: readonly T[]) => U): U[]; slice(start?: number, end?: number): T[]; values(): ArrayIterator<T>;
}
interface Array<T> {
  length: number; [n: number]: T; [Symbol.iterator](): ArrayIterator<T>;
  at(index: number): T | undefined; find(p: (value: T, index: number, array: T[]) => unknown): T | undefined;
  filter(p: (value: T, index: number, array: T[]) => unknown): T[]; forEach(f: (value: T, index: number, array: T[]) => void): void;
  map<U>(f: (value: T, index: number, array: T[]) => U): U[]; slice(start?: number, end?: number): T[]; values(): ArrayIterator<T>;
  pop(): T | undefined; shift(): T | undefined; push(...items: T[]): number;
}
interface ReadonlyMap<K, V> { get(key: K): V | undefined; has(key: K): boolean; forEach(f: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void; values(): MapIterator<V>; readonly size: number; [Symbol.iterator](): MapIterator<[K, V]> }
interface Map<K, V> extends ReadonlyMap<K, V> { set(key: K, value: V): this; delete(key: K): boolean }
interface MapConstructor { new <K = any, V = any>(entries?: readonly (readonly [K, V])[] | null): Map<K, V> }
declare var Map: MapConstructor;
interface ReadonlySet<T> { has(value: T): boolean; forEach(f: (value: T, value2: T, set: ReadonlySet<T>) => void): void; values(): SetIterator<T>; readonly size: number; [Symbol.iterator](): SetIterator<T> }
interface Set<T> extends ReadonlySet<T> { add(value: T): this; delete(value: T): boolean }
interface WeakMap<K extends object, V> { get(key: K): V | undefined; has(key: K): boolean; set(key: K, value: V): this }
interface PromiseLike<T> { then<A = T, B = never>(onfulfilled?: ((value: T) => A | PromiseLike<A>) | null, onrejected?: ((reason: any) => B | PromiseLike<B>) | null): PromiseLike<A | B> }
interface Promise<T> {
  then<A = T, B = never>(onfulfilled?: ((value: T) => A | PromiseLike<A>) | null, onrejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<A | B>;
  catch<B = never>(onrejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<T | B>;
  finally(onfinally?: (() => void) | null): Promise<T>;
}
interface PromiseConstructor { new <T>(executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: any) => void) => void): Promise<T>; resolve<T>(value: T): Promise<Awaited<T>> }
declare var Promise: PromiseConstructor;
type Awaited<T> = T extends null | undefined ? T : T extends object & { then(onfulfilled: infer F, ...args: infer _): any } ? F extends (value: infer V, ...args: infer _) => any ? Awaited<V> : never : T;
type Partial<T> = { [P in keyof T]?: T[P] };
type Required<T> = { [P in keyof T]-?: T[P] };
type Readonly<T> = { readonly [P in keyof T]: T[P] };
type Pick<T, K extends keyof T> = { [P in K]: T[P] };
type Record<K extends keyof any, T> = { [P in K]: T };
type Exclude<T, U> = T extends U ? never : T;
type Extract<T, U> = T extends U ? T : never;
type Omit<T, K extends keyof any> = Pick<T, Exclude<keyof T, K>>;
type NonNullable<T> = T & {};
type Parameters<T extends (...args: any) => any> = T extends (...args: infer P) => any ? P : never;
type ConstructorParameters<T extends abstract new (...args: any) => any> = T extends abstract new (...args: infer P) => any ? P : never;
type ReturnType<T extends (...args: any) => any> = T extends (...args: any) => infer R ? R : any;
type InstanceType<T extends abstract new (...args: any) => any> = T extends abstract new (...args: any) => infer R ? R : any;
type Uppercase<S extends string> = intrinsic;
type Lowercase<S extends string> = intrinsic;
type Capitalize<S extends string> = intrinsic;
type Uncapitalize<S extends string> = intrinsic;
type NoInfer<T> = intrinsic;
interface ThisType<T> {}
`;

// ------------------------------------------------------------------ syntactic types (TS and Flow)

/** The name a type annotation refers to (`LP` in `lp: LP`), TS or Flow. */
export function typeReferenceName(a: t.Node): string | undefined {
  let n = a;
  while (n.type === 'TSTypeAnnotation' || n.type === 'TypeAnnotation') n = n.typeAnnotation;
  if (n.type === 'TSTypeReference' && n.typeName.type === 'Identifier' && !n.typeParameters) return n.typeName.name;
  if (n.type === 'GenericTypeAnnotation' && n.id.type === 'Identifier' && !n.typeParameters) return n.id.name;
  return undefined;
}

/** The type a declaration names `name` (TS `type`, Flow `type`, `opaque type`, `interface`), if it does. */
export function aliasedType(decl: t.Node, name: string): t.Node | undefined {
  switch (decl.type) {
    case 'TSTypeAliasDeclaration':
      return decl.id.name === name ? decl.typeAnnotation : undefined;
    case 'TypeAlias':
    case 'DeclareTypeAlias':
      return decl.id.name === name ? decl.right : undefined;
    case 'OpaqueType':
      return decl.id.name === name ? decl.impltype : undefined;
    case 'InterfaceDeclaration':
      return decl.id.name === name ? decl.body : undefined;
    default:
      return undefined;
  }
}

/** The annotation of member `name` of an object type literal (TS `{ lp: … }`, Flow `{ lp: … }`). */
export function typeMember(type: t.Node, name: string): t.Node | undefined {
  let n = type;
  while (n.type === 'TSTypeAnnotation' || n.type === 'TypeAnnotation') n = n.typeAnnotation;
  const inner = flowObjectWrapper(n);
  if (inner) return typeMember(inner, name);
  // `A & { lp: … }`: a member of any part.
  if (n.type === 'TSIntersectionType' || n.type === 'IntersectionTypeAnnotation') {
    for (const part of n.types) {
      const m = typeMember(part, name);
      if (m) return m;
    }
  }
  if (n.type === 'TSTypeLiteral') {
    for (const m of n.members)
      if (m.type === 'TSPropertySignature' && !m.computed && keyName(m.key) === name)
        return m.typeAnnotation ?? undefined;
  } else if (n.type === 'ObjectTypeAnnotation') {
    for (const p of n.properties) if (p.type === 'ObjectTypeProperty' && keyName(p.key) === name) return p.value;
  }
  return undefined;
}

/** Flow's `$ReadOnly<{ … }>`, `$Exact<{ … }>`: the object type, whose members they keep. */
function flowObjectWrapper(n: t.Node): t.Node | undefined {
  if (n.type !== 'GenericTypeAnnotation' || n.id.type !== 'Identifier') return undefined;
  if (n.id.name !== '$ReadOnly' && n.id.name !== '$Exact') return undefined;
  return n.typeParameters?.params.length === 1 ? n.typeParameters.params[0] : undefined;
}

/** Flow's `import typeof LP from 'sdk'` (or `import { typeof X as LP }`): where the value whose type `name` is comes from. */
export function typeofImport(index: ScriptIndex, name: string): { source: t.StringLiteral; name: string } | undefined {
  for (const s of index.script.ast.program.body) {
    if (s.type !== 'ImportDeclaration') continue;
    for (const spec of s.specifiers) {
      if (spec.local.name !== name) continue;
      const kind = spec.type === 'ImportSpecifier' && spec.importKind === 'typeof' ? 'typeof' : s.importKind;
      if (kind !== 'typeof') return undefined;
      if (spec.type === 'ImportDefaultSpecifier') return { source: s.source, name: 'default' };
      if (spec.type === 'ImportNamespaceSpecifier') return { source: s.source, name: '*' };
      const imported = spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value;
      return { source: s.source, name: imported };
    }
  }
  return undefined;
}

/** Global types through which a type can carry the SDK (the rest of the globals are the platform's: `Event`, `Router`…). */
const CARRIER_GLOBALS = new Set([
  'Partial',
  'Required',
  'Readonly',
  'Pick',
  'Record',
  'Omit',
  'NonNullable',
  'ReturnType',
  'InstanceType',
  'Awaited',
  'Promise',
  'PromiseLike',
  'Array',
  'ReadonlyArray',
  'Map',
  'ReadonlyMap',
  'Set',
  'ReadonlySet',
  'WeakMap',
  'Exclude',
  'Extract',
  'Parameters',
  'ConstructorParameters',
  'NoInfer',
]);

/**
 * A declared type that can never be an SDK object, seen without the checker:
 * arrays, tuples, functions, literal types, and what `opaqueType` says. Such a
 * receiver (`items: Item[]`, `router: Router`) needs no checker.
 */
export function cannotBeSdk(type: t.Node, index: ScriptIndex, project: Project): boolean {
  const n = stripType(type);
  if (['TSArrayType', 'TSTupleType', 'TSFunctionType', 'TSConstructorType', 'TSLiteralType'].includes(n.type))
    return true;
  return opaqueType(n, index, project);
}

/**
 * A type neither it nor any member of it can be the SDK: keyword types (`any`
 * names nothing), a type imported from a package that is no SDK (the checker
 * sees those packages as `any`), a platform global (`Event`, `HTMLElement`).
 */
export function opaqueType(type: t.Node, index: ScriptIndex, project: Project): boolean {
  const n = stripType(type);
  if (/^TS\w*Keyword$/.test(n.type)) return true;
  if (n.type !== 'TSTypeReference') return false;
  let root: t.TSEntityName = n.typeName;
  while (root.type === 'TSQualifiedName') root = root.left;
  if (root.type !== 'Identifier') return false;
  const name = root.name;
  for (const s of index.script.ast.program.body) {
    if (s.type === 'ImportDeclaration') {
      if (!s.specifiers.some((x) => x.local.name === name)) continue;
      const target = project.resolveImport(index.script.file, s.source.value);
      return target !== undefined && 'package' in target && !project.options.sdkModules?.known.has(target.package);
    }
    const d = s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration' ? s.declaration : s;
    if (d && 'id' in d && d.id && d.id.type === 'Identifier' && d.id.name === name) return false;
  }
  // Neither imported nor declared at the top level: a global, unless some nested scope declares it.
  return (
    !CARRIER_GLOBALS.has(name) && !new RegExp(`\\b(type|interface|class|enum)\\s+${name}\\b`).test(index.script.code)
  );
}

function stripType(type: t.Node): t.Node {
  let n = type;
  while (n.type === 'TSTypeAnnotation' || n.type === 'TSParenthesizedType') n = n.typeAnnotation;
  return n;
}

/** The declared type of field `name` of a class: a typed property or a constructor parameter property. */
export function fieldType(cls: t.Class, name: string): t.Node | undefined {
  for (const m of cls.body.body) {
    if ((m.type === 'ClassProperty' || m.type === 'ClassAccessorProperty') && !m.computed && keyName(m.key) === name)
      return m.typeAnnotation ?? undefined;
    if (m.type === 'ClassMethod' && m.kind === 'constructor')
      for (const p of m.params) {
        if (p.type !== 'TSParameterProperty') continue;
        const id = p.parameter.type === 'AssignmentPattern' ? p.parameter.left : p.parameter;
        if (id.type === 'Identifier' && id.name === name) return id.typeAnnotation ?? undefined;
      }
  }
  return undefined;
}

// ------------------------------------------------------------------ TypeScript's checker

/** Loads, per scan, only what a typed receiver needs. */
const perProject = new WeakMap<Project, SdkTypes>();

/** The SDK value a member expression's receiver (or the member itself) has by its static type, if any. */
export function typedMember(
  project: Project,
  e: t.MemberExpression | t.OptionalMemberExpression,
  name: string | null,
  index: ScriptIndex,
): { receiver: Value } | { member: Value } | undefined {
  // Only where a sink may be called: a member named like a segment of a sink method, in a TS file.
  if (name === null || !project.options.sdkModules?.methods.has(name) || !TS_FILE.test(index.script.file))
    return undefined;
  let types = perProject.get(project);
  if (!types) perProject.set(project, (types = new SdkTypes(project)));
  const receiver = types.valueOf(e.object, index.script.file);
  if (receiver) return { receiver };
  // `p.start` with `p: Pick<typeof Leanplum, 'start'>`: the member keeps its brand where the object lost it.
  const member = types.valueOf(e, index.script.file);
  return member ? { member } : undefined;
}

/** `CONSENT_LINT_TIMING=1`: what the checker cost, on stderr (as the pipeline's phases). */
const timing = process.env.CONSENT_LINT_TIMING
  ? (label: string, since: number) =>
      process.stderr.write(`[timing] ${label}: ${Math.round(performance.now() - since)} ms\n`)
  : () => {};

let loads = 0;
let builds = 0;

/** How many scans in this process loaded ts-morph (a scan that needs no types loads it never). */
export function typeCheckerLoads(): number {
  return loads;
}

/** How many checker programs scans in this process built (each costs time linear in the files it holds). */
export function typeProgramBuilds(): number {
  return builds;
}

class SdkTypes {
  private tm: typeof TsMorph | undefined;
  private morph: TsMorph.Project | undefined;
  /** Files in the in-memory project (relative paths), and each receiver file's closure once computed. */
  private readonly included = new Set<string>();
  private readonly closures = new Map<string, { files: string[]; sdk: boolean }>();
  /** Files whose receivers asked (their closures are inputs of the result), and the files of those closures. */
  private readonly asked = new Set<string>();
  private readonly needed = new Set<string>();
  /** Each parsed file's place in `Project.parsed` (of the first `ordered`), and the places whose closures were foreseen. */
  private readonly order = new Map<string, number>();
  private ordered = 0;
  private readonly foreseen = new Set<number>();
  /** A file whose text names no sink method segment never asks the checker (`typedMember`). */
  private readonly asks: RegExp;
  /** SDK import specifiers as written -> the names imported from them. */
  private readonly specifiers = new Map<string, { root: { module: string; specifier: string }; names: Set<string> }>();
  private readonly roots: Root[] = [];
  private readonly rootIds = new Map<string, number>();
  private readonly names = new Set<string>();
  private checker: Ts.TypeChecker | undefined;
  private program: Ts.Program | undefined;

  constructor(private readonly project: Project) {
    for (const m of project.options.sdkModules?.methods ?? []) this.names.add(m);
    this.asks = new RegExp([...this.names].map(escapeRegExp).join('|') || '(?!)');
  }

  /** The SDK value `e` (in TS file `file`) has by its static type. */
  valueOf(e: t.Node, file: string): Value | undefined {
    if (e.start == null || e.end == null) return undefined;
    const closure = this.closure(file);
    if (!this.asked.has(file)) {
      this.asked.add(file);
      // What the answer read: inputs of the result for the cache, like parsed files.
      for (const f of closure.files) this.project.templatesRead.add(f);
      if (closure.sdk) for (const f of closure.files) this.needed.add(f);
    }
    if (!closure.sdk) return undefined;
    if (closure.files.some((f) => !this.included.has(f))) this.include(this.withForeseen(file, closure.files));
    const checker = this.typeChecker();
    const sf = this.program!.getSourceFile(`/${file}`);
    const node = sf && nodeAt(this.tm!.ts, sf, e.start, e.end);
    if (!node) return undefined;
    const type = checker.getTypeAtLocation(node);
    const out: Value[] = [];
    for (const ty of type.isUnion() ? type.types : [type]) {
      const v = this.branded(ty);
      if (v) out.push(v);
    }
    if (out.length <= 1) return out[0];
    return { kind: 'union', values: out };
  }

  /** The origin a type's brand (or a synthesised module's namespace) names. */
  private branded(ty: Ts.Type): Value | undefined {
    const checker = this.checker!;
    const ts = this.tm!.ts;
    const brand = checker.getPropertyOfType(ty, BRAND);
    if (brand) {
      const lit = checker.getTypeOfSymbol(brand);
      if (!lit.isStringLiteral()) return undefined;
      const [id, ...path] = lit.value.split('.');
      const root = this.roots[Number(id)];
      // `()`: an instance of the export (`mp: Mixpanel`, an injected `CleverTap`), as `new Mixpanel(…)` is.
      return root
        ? {
            kind: 'path',
            root,
            steps: path.map((prop, i) =>
              prop === INSTANCE
                ? { call: this.instanceCall(`${id}.${path.slice(0, i).join('.')}`), awaited: false }
                : { prop },
            ),
          }
        : undefined;
    }
    // `typeof ns` after `import * as ns from 'sdk'`: the synthesised module itself.
    const decl = ty.symbol?.declarations?.[0];
    if (
      ty.symbol &&
      ty.symbol.flags & ts.SymbolFlags.ValueModule &&
      decl &&
      ts.isModuleDeclaration(decl) &&
      decl.getSourceFile().fileName === SYNTHETIC &&
      ts.isStringLiteral(decl.name)
    ) {
      const s = this.specifiers.get(decl.name.text);
      return s ? { kind: 'path', root: rootOf(s.root, '*'), steps: [] } : undefined;
    }
    return undefined;
  }

  /**
   * `closure` (of the receiver asked about in `file`), and the closures of
   * other parsed files that may ask (a TS file naming a sink method segment,
   * whose closure reaches an SDK package), nearest `file` in the order files
   * were parsed first (the analysis goes through the files parsed in order,
   * one way or the other): each receiver of a file parsed since the last
   * program adds a file or a few to it, and a program per receiver cost time
   * quadratic in the files. Files only foreseen are about as many as the
   * files asked for, at most (a scan parsing every file, where few receivers
   * ask, keeps its program small). A file's answer depends on its own closure, whatever
   * else the program holds: imports resolve only to files of the program, and
   * the closure holds every relevant TS file its imports reach (up to MAX_FILES).
   */
  private withForeseen(file: string, closure: string[]): string[] {
    const out = new Set(closure);
    const parsed = this.project.parsed;
    for (; this.ordered < parsed.length; this.ordered++) this.order.set(parsed[this.ordered].file, this.ordered);
    // Files the program holds (or will) that no receiver asked for yet.
    let foreseen = this.included.size + closure.filter((f) => !this.included.has(f)).length - this.needed.size;
    const at = this.order.get(file) ?? parsed.length;
    for (let d = 1; foreseen < this.needed.size && (at - d >= 0 || at + d < parsed.length); d++)
      for (const i of [at + d, at - d]) {
        if (i < 0 || i >= parsed.length || this.foreseen.has(i)) continue;
        this.foreseen.add(i);
        const rel = parsed[i].file;
        if (!TS_FILE.test(rel) || !this.asks.test(this.project.files.get(rel)?.text ?? '')) continue;
        const next = this.closure(rel);
        if (!next.sdk) continue;
        for (const f of next.files)
          if (!this.included.has(f) && !out.has(f)) {
            out.add(f);
            foreseen++;
          }
      }
    return [...out];
  }

  /**
   * The TS files `file` imports, transitively, that can lead to an SDK (the
   * project's token closure), and whether one imports an SDK package: if
   * none does, no type there can be the SDK, and the checker is not needed.
   */
  private closure(file: string): { files: string[]; sdk: boolean } {
    const known = this.closures.get(file);
    if (known) return known;
    const sdks = this.project.options.sdkModules?.known ?? new Set<string>();
    const seen = new Set([file]);
    const queue = [file];
    let sdk = false;
    for (let i = 0; i < queue.length && seen.size < MAX_FILES; i++) {
      const rel = queue[i];
      for (const spec of this.project.specifiers(rel)) {
        const r = this.project.resolveImport(rel, spec);
        if (!r) continue;
        if ('package' in r) {
          if (sdks.has(r.package)) sdk = true;
        } else if (!seen.has(r.file) && TS_FILE.test(r.file) && this.project.relevant(r.file)) {
          seen.add(r.file);
          queue.push(r.file);
        }
      }
    }
    const out = { files: [...seen], sdk };
    this.closures.set(file, out);
    return out;
  }

  /** Adds files (and the SDK modules and names they import) to the in-memory project. */
  private include(files: string[]): void {
    const fresh = files.filter((f) => !this.included.has(f));
    if (!fresh.length) return;
    const morph = this.load();
    const sdks = this.project.options.sdkModules?.known ?? new Set<string>();
    for (const rel of fresh) {
      this.included.add(rel);
      // What the answers read: inputs of the result for the cache, like parsed files.
      this.project.templatesRead.add(rel);
      const text = this.project.files.get(rel)?.text ?? '';
      for (const spec of this.project.specifiers(rel)) {
        const r = this.project.resolveImport(rel, spec);
        if (!r || !('package' in r) || !sdks.has(r.package)) continue;
        let s = this.specifiers.get(spec);
        if (!s)
          this.specifiers.set(spec, (s = { root: { module: r.package, specifier: r.specifier }, names: new Set() }));
        for (const n of importedNames(text, spec)) s.names.add(n);
      }
      // `typeof Leanplum.notifications`, `(typeof Leanplum)['push']`: members the brand must keep.
      for (const m of text.matchAll(/\btypeof\s+[\w$]+((?:\s*\.\s*[\w$]+)+)/g))
        for (const n of m[1].split('.')) if (n.trim()) this.names.add(n.trim());
      for (const m of text.matchAll(/\[\s*['"]([\w$]+)['"]\s*\]/g)) this.names.add(m[1]);
      morph.createSourceFile(`/${rel}`, text, { overwrite: true });
    }
    morph.createSourceFile(SYNTHETIC, this.declarations(), { overwrite: true });
    this.checker = undefined;
  }

  private typeChecker(): Ts.TypeChecker {
    if (!this.checker) {
      const t0 = performance.now();
      this.program = this.morph!.getProgram().compilerObject;
      this.checker = this.program.getTypeChecker();
      builds++;
      timing(`types: program of ${this.included.size} files`, t0);
    }
    return this.checker;
  }

  /** One stand-in construction per typed origin, so two receivers of one instance type are one value. */
  private readonly instances = new Map<string, t.NewExpression>();

  private instanceCall(key: string): t.NewExpression {
    let call = this.instances.get(key);
    if (!call) {
      call = {
        type: 'NewExpression',
        callee: { type: 'Identifier', name: key },
        arguments: [],
      } as unknown as t.NewExpression;
      this.instances.set(key, call);
    }
    return call;
  }

  private rootId(root: Root): number {
    const key = JSON.stringify(root);
    let id = this.rootIds.get(key);
    if (id === undefined) {
      id = this.roots.push(root) - 1;
      this.rootIds.set(key, id);
    }
    return id;
  }

  /**
   * The ambient SDK modules: each export a brand type `__CL<'id'>` whose
   * members (the names sinks and type queries use) are brands with the member
   * path appended. `then` is left out so `Awaited<>` leaves the SDK as it is.
   */
  private declarations(): string {
    const names = [...this.names].filter((n) => n !== 'then' && /^[\w$]+$/.test(n));
    const lines = [
      `type __CL_Names = ${names.length ? names.map((n) => JSON.stringify(n)).join(' | ') : 'never'};`,
      `type __CL<P extends string> = { readonly ${JSON.stringify(BRAND)}: P } & { readonly [K in __CL_Names]: __CL<\`\${P}.\${K}\`> } & { (...args: any[]): any; new (...args: any[]): any };`,
    ];
    for (const [spec, s] of this.specifiers) {
      lines.push(`declare module ${JSON.stringify(spec)} {`);
      lines.push(
        `  const __default: __CL<'${this.rootId(rootOf(s.root, 'default'))}'>;`,
        `  export default __default;`,
      );
      for (const n of s.names)
        if (n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n)) {
          const id = this.rootId(rootOf(s.root, n));
          // The name as a type is an instance of the export (a class's instance type).
          lines.push(`  export const ${n}: __CL<'${id}'>;`, `  export type ${n} = __CL<'${id}.${INSTANCE}'>;`);
        }
      lines.push('}');
    }
    lines.push(`declare module '*';`);
    return lines.join('\n');
  }

  private load(): TsMorph.Project {
    if (this.morph) return this.morph;
    loads++;
    const t0 = performance.now();
    // Synchronous, because resolution is; ts-morph is CommonJS.
    const tm = createRequire(import.meta.url)('ts-morph') as typeof TsMorph;
    timing('types: load ts-morph', t0);
    this.tm = tm;
    const ts = tm.ts;
    const included = this.included;
    const project = this.project;
    this.morph = new tm.Project({
      useInMemoryFileSystem: true,
      skipLoadingLibFiles: true,
      skipAddingFilesFromTsConfig: true,
      compilerOptions: {
        noLib: true,
        types: [],
        skipLibCheck: true,
        strict: false,
        target: ts.ScriptTarget.ES2020,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        esModuleInterop: true,
        allowSyntheticDefaultImports: true,
        experimentalDecorators: true,
        jsx: ts.JsxEmit.Preserve,
        noEmit: true,
      },
      // The project's own module resolution (relative, index files, tsconfig `paths`, `moduleAliases`):
      // a file of the closure, or nothing (a package: the synthesised module; any other file: `any`).
      resolutionHost: () => ({
        resolveModuleNames: (moduleNames: string[], containingFile: string) =>
          moduleNames.map((spec) => {
            const r = project.resolveImport(containingFile.replace(/^\//, ''), spec);
            if (!r || !('file' in r) || !included.has(r.file)) return undefined;
            return {
              resolvedFileName: `/${r.file}`,
              extension: extensionOf(ts, r.file),
              isExternalLibraryImport: false,
            };
          }),
      }),
    });
    this.morph.createSourceFile(SYNTHETIC_LIB, LIB);
    return this.morph;
  }
}

function rootOf(s: { module: string; specifier: string }, name: string): Root {
  return { module: s.module, export: name, ...(s.specifier !== s.module ? { specifier: s.specifier } : {}) };
}

function extensionOf(ts: typeof Ts, file: string): Ts.Extension {
  if (file.endsWith('.d.ts')) return ts.Extension.Dts;
  if (file.endsWith('.tsx')) return ts.Extension.Tsx;
  if (file.endsWith('.mts')) return ts.Extension.Mts;
  if (file.endsWith('.cts')) return ts.Extension.Cts;
  return ts.Extension.Ts;
}

/** Names imported (or re-exported) from `spec` in `text`: `import { a, b as c } from 'spec'`. */
function importedNames(text: string, spec: string): string[] {
  const out: string[] = [];
  const quoted = spec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const re = new RegExp(`\\{([^}]*)\\}\\s*from\\s*['"]${quoted}['"]`, 'g');
  for (const m of text.matchAll(re))
    for (const part of m[1].split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]
        .trim();
      if (name) out.push(name);
    }
  return out;
}

/** The innermost node spanning exactly [start, end). */
function nodeAt(ts: typeof Ts, sf: Ts.SourceFile, start: number, end: number): Ts.Node | undefined {
  let found: Ts.Node | undefined;
  const visit = (n: Ts.Node): void => {
    if (n.pos > start || n.end < end) return;
    if (n.end === end && n.getStart(sf) === start) found = n;
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(sf, visit);
  return found;
}
