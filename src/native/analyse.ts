/**
 * Consent dominance inside native code: per file, one graph per function and
 * closure, the must-analysis of src/flow on each, then the entries:
 *
 *  - a function called from elsewhere in the same file (`initLeanplum()`,
 *    `self.startSdks()`, `[self startSdks]`, `tracker.start(this)`) is
 *    guarded for X when every call that may reach it is (greatest fixpoint,
 *    as for JavaScript; a call whose target is not known exactly is linked to
 *    every function of that name); one that nobody in the file calls
 *    (`onCreate`, `application(_:didFinishLaunchingWithOptions:)`), that is
 *    named as a value (`::startSdks`, `#selector(startSdks)`) or that another
 *    file may call is an entry: unguarded;
 *  - a Kotlin scope function's lambda (`with(Leanplum) { start(…) }`,
 *    `Leanplum.let { it.start(…) }`) has the object as its receiver or `it`;
 *  - a closure inherits the point where it is created, plus what a guard
 *    callback grants (the ATT completion handler's `status`, a config
 *    `callbackArgument` helper).
 *
 * Guards are policy data (`native.guards`: values of calls/properties compared
 * or tested for truth, callback parameters) and config `guards` with a
 * `function` or a `property` and no `module`; helpers returning a guard (`fun canTrack() =
 * ot.getConsentStatusForGroupId("C0004") == 1`) are inferred.
 */
import type { AnalysisError, Config, ConfigGuard, Finding, Purpose, RuleSpec, TraceStep } from '../model.js';
import { mustGranted, type Grants, type States } from '../flow/dataflow.js';
import { buildNativeGraph, type NativeGraph } from './cfg.js';
import { setterName, type Expr, type NativeFunction, type NativeUnit, type Stmt } from './ir.js';
import type {
  Deferral,
  NativeArgumentMatch,
  NativeGuardSpec,
  NativeSinkSpec,
  NativeStartSpec,
  Platform,
} from './types.js';
import { acceptsArguments, type NativeKnowledge } from './knowledge.js';
import { argumentKey, argumentName } from './labels.js';

export interface CallFact {
  file: string;
  platform: Platform;
  /** Resolved call path (`Leanplum.setDeviceIdMode`), or property path for a property read (`Firebase.analytics`). */
  path: string;
  /** The call, or the member read of a property sink or start. */
  expr: Extract<Expr, { k: 'call' | 'member' }>;
  /**
   * Reads the value of argument i (resolved path or literal), or undefined when not static; a string key may
   * name it by label (Swift `optOutTrackingByDefault:`, Kotlin `optOut =`, an Objective-C keyword): see argumentKey.
   */
  argument(i: number | string): { known: boolean; values: (string | number | boolean | null)[] };
  /** Whether argument i matches (`yes`), does not (`no`), or cannot be read (`unknown`). */
  matches(i: number | string, m: NativeArgumentMatch): 'yes' | 'no' | 'unknown';
  /** The same for argument i of the call the receiver comes from (`unknown` when that call cannot be found). */
  receiverMatches(i: number | string, m: NativeArgumentMatch): 'yes' | 'no' | 'unknown';
  /** Whether any argument mentions one of these resolved paths (`Manifest.permission.POST_NOTIFICATIONS`). */
  mentions(paths: string[]): boolean;
  /** Whether argument i's value flows from an advertising-ID source. */
  fromAdvertisingId(i: number | string): boolean;
  /** Purposes (as names) that hold on every path to this call; `undefined` when unreachable. */
  granted: Purpose[] | undefined;
  /** Whether a call of this deferral has run on every path to this call (see NativeKnowledge.deferralsByCall). */
  deferredBy(d: Extract<Deferral, { call: string }>): boolean;
  trace: TraceStep[];
  scope: string;
}

export interface FileAnalysis {
  findings: Finding[];
  errors: AnalysisError[];
  calls: CallFact[];
  /** Start calls (native-start policies) with their facts; decided after deferrals are known. */
  starts: { spec: NativeStartSpec; fact: CallFact }[];
}

interface Local {
  type?: string;
  init?: Expr;
  count: number;
  assigned: boolean;
  constant: boolean;
}

/** A value known by the expression it is bound to (Kotlin `x?.let { it… }`, `x.apply { … }`). */
interface Bound {
  expr: Expr;
  env: Env;
}

interface Param {
  type?: string;
  /** A written path resolving to the SDK class a policy gives this callback parameter (`native.callbacks`). */
  sdk?: string[];
  guard?: NativeGuardSpec;
  value?: Bound;
}

interface Env {
  locals: Map<string, Local>;
  params: Map<string, Param>;
  parent?: Env;
  /** The implicit receiver of calls written without one (Kotlin `apply`, `run`, `with` blocks). */
  implicit?: Bound;
}

/** Calls that build an array or collection from their arguments (Kotlin, Java `List.of`, `Arrays.asList`). */
const COLLECTION_BUILDERS = new Set([
  'arrayOf',
  'listOf',
  'mutableListOf',
  'arrayListOf',
  'setOf',
  'mutableSetOf',
  'hashSetOf',
  'linkedSetOf',
  'asList',
  'of',
]);

/** Kotlin scope functions: the lambda's parameter is the receiver (`let`, `also`) or its implicit `this` is. */
const SCOPE_PARAM = new Set(['let', 'also', 'takeIf', 'takeUnless']);
const SCOPE_RECEIVER = new Set(['apply', 'run']);

interface FnInfo {
  id: number;
  name: string;
  label: string;
  fn?: NativeFunction;
  lambda?: Extract<Expr, { k: 'lambda' }>;
  body: Stmt[];
  env: Env;
  graph: NativeGraph;
  s0: States;
  parent?: { fn: FnInfo; point: number };
  callbackGrant: number;
  callers: { fn: FnInfo; point: number }[];
  entry: number;
}

type Call = Extract<Expr, { k: 'call' }>;

const ALL = 0x7fffffff;

const position = (n: { startPosition: { row: number; column: number } }) => ({
  line: n.startPosition.row + 1,
  column: n.startPosition.column + 1,
});

export class NativeFileAnalysis {
  private fns: FnInfo[] = [];
  private wrappers = new Map<string, number>();
  private readonly platform: Platform;
  private out: FileAnalysis = { findings: [], errors: [], calls: [], starts: [] };

  constructor(
    private readonly file: string,
    private readonly unit: NativeUnit,
    private readonly k: NativeKnowledge,
    private readonly rules: Map<string, RuleSpec>,
    private readonly config: Config | undefined,
    /** Whether another native file mentions this name (a non-private function may be called from there). */
    private readonly mentionedElsewhere: (name: string) => boolean = () => false,
    /**
     * Whether the file's time budget is spent (checked between steps: the
     * analysis then returns `undefined`); `null` means it was spent before:
     * no guard is read, every SDK call is reported with every purpose missing.
     */
    private readonly over: (() => boolean) | null = () => false,
    /** Whether a source file of the project mentions a word (`reportIfMentioned` of an unreadable argument). */
    private readonly projectMentions: (word: string) => boolean = () => true,
  ) {
    this.platform = (unit.language === 'kotlin' && !unit.kotlinNative) || unit.language === 'java' ? 'android' : 'ios';
  }

  run(): FileAnalysis | undefined {
    const cut = this.over === null;
    for (const fn of this.unit.functions) {
      if (this.over?.()) return undefined;
      const env = this.envOf(fn.body, new Map(fn.params.map((p) => [p.name, { type: p.type }])));
      this.addFn({
        name: fn.name,
        label: fn.className ? `${fn.className}.${fn.name}` : fn.name,
        fn,
        body: fn.body,
        env,
      });
    }
    if (cut) {
      // Unproven: every point reachable, nothing granted, every function an entry.
      for (const f of this.fns) f.s0 = [...f.graph.points.keys()].reduce<States>((s, p) => ((s[p] = 0), s), []);
    } else {
      this.inferWrappers();
      for (const f of this.fns) {
        if (this.over?.()) return undefined;
        f.s0 = mustGranted(f.graph, this.grants(f));
      }
      this.linkCalls();
      if (!this.fixpoint()) return undefined;
    }
    this.collect();
    return this.out;
  }

  // ------------------------------------------------------------ functions

  private addFn(init: Pick<FnInfo, 'name' | 'label' | 'fn' | 'lambda' | 'body' | 'env' | 'parent'>): FnInfo {
    const f: FnInfo = {
      ...init,
      id: this.fns.length,
      graph: buildNativeGraph(
        init.body,
        (name) => this.k.memberNames.has(name),
        // Kotlin's `recv.prop = v` calls the JVM setter `setProp` (any of them: a deferral such as
        // `OneSignal.consentRequired = true` counts too); elsewhere, the setter of a property a policy names.
        this.unit.language === 'kotlin' ? setterName : (name) => (this.k.memberNames.has(name) ? name : undefined),
      ),
      s0: [],
      callbackGrant: 0,
      callers: [],
      entry: 0,
    };
    this.fns.push(f);
    // Closures created in this function: their own graphs, linked to the creation point.
    const enclosing = new Map<Expr, { call: Call; index: number }>();
    for (const e of f.graph.points.values())
      if (e.k === 'call') e.args.forEach((a, index) => a.k === 'lambda' && enclosing.set(a, { call: e, index }));
    for (const [point, e] of f.graph.points) {
      if (e.k !== 'lambda') continue;
      const params = new Map<string, Param>(e.params.map((p, i) => [p, e.types?.[i] ? { type: e.types[i] } : {}]));
      const site = enclosing.get(e);
      const scope = site && this.unit.language === 'kotlin' ? this.scopeBinding(site.call, site.index, f.env) : {};
      if (scope.param) params.set(e.params[0] ?? 'it', { value: scope.param });
      const env = this.envOf(e.body, params, f.env);
      if (scope.receiver) env.implicit = scope.receiver;
      const child = this.addFn({
        name: 'closure',
        label: `${f.label} closure`,
        lambda: e,
        body: e.body,
        env,
        parent: { fn: f, point },
      });
      if (site) this.bindCallback(child, site.call, site.index, f.env);
    }
    return f;
  }

  private envOf(body: Stmt[], params: Env['params'], parent?: Env): Env {
    const locals = new Map<string, Local>();
    const visit = (list: Stmt[]) => {
      for (const s of list) {
        switch (s.k) {
          case 'decl': {
            const l = locals.get(s.name);
            if (l) l.count++;
            else locals.set(s.name, { type: s.type, init: s.init, count: 1, assigned: false, constant: s.constant });
            break;
          }
          case 'assign':
            if (s.target.k === 'name') {
              // A local of this function or of an enclosing one (closures); fields are not tracked.
              const l =
                locals.get(s.target.name) ??
                (params.has(s.target.name) ? undefined : parent && this.lookup(s.target.name, parent)?.local);
              if (l) l.assigned = true;
            }
            break;
          case 'if':
            visit(s.then);
            if (s.else) visit(s.else);
            break;
          case 'guard':
            visit(s.else);
            break;
          case 'loop':
            if (s.init) visit(s.init);
            visit(s.body);
            break;
          case 'switch':
            for (const c of s.cases) visit(c.body);
            break;
          case 'try':
            visit(s.body);
            for (const c of s.catches) visit(c);
            if (s.finally) visit(s.finally);
            break;
          case 'block':
            visit(s.body);
            break;
          case 'expr':
            if (s.e.k === 'block') visit(s.e.body);
            if (s.e.k === 'cond') {
              visit(s.e.then);
              visit(s.e.else);
            }
            break;
          default:
            break;
        }
      }
    };
    visit(body);
    return { locals, params, parent };
  }

  /**
   * Kotlin scope functions on an SDK value: `api?.let { it.promptForPushPermission(true) }`,
   * `api?.apply { promptPushPrimer(json) }`, `with(api) { … }` (the last lambda argument).
   */
  private scopeBinding(call: Call, index: number, env: Env): { param?: Bound; receiver?: Bound } {
    if (index !== call.args.length - 1) return {};
    if (call.recv && call.recv.k !== 'this' && SCOPE_PARAM.has(call.name)) return { param: { expr: call.recv, env } };
    if (call.recv && call.recv.k !== 'this' && SCOPE_RECEIVER.has(call.name))
      return { receiver: { expr: call.recv, env } };
    // `with(api) { … }`: the trailing lambda is the second argument of `with`.
    if (!call.recv && !call.callee && call.name === 'with' && call.args.length === 2)
      return { receiver: { expr: call.args[0], env } };
    // (as the grammar gives it when the trailing lambda is not joined to the call: a call of the call `with(api)`)
    const w = call.callee;
    if (!call.recv && w?.k === 'call' && !w.recv && w.name === 'with' && w.args.length === 1)
      return { receiver: { expr: w.args[0], env } };
    return {};
  }

  /** A closure passed to a guard callback: its parameter carries the answer, or its body runs only when granted. */
  private bindCallback(child: FnInfo, call: Call, index: number, env: Env): void {
    const path = this.callPath(call, env);
    const last = index === call.args.length - 1;
    for (const g of this.k.guards) {
      const cp = g.callbackParameter;
      if (cp && path && cp.calls.includes(path) && (cp.argument === index || (cp.argument === -1 && last))) {
        const name = child.lambda?.params[cp.parameter];
        if (name) child.env.params.set(name, { guard: g });
      }
      const gc = g.grantedCallback;
      if (gc && path && gc.calls.includes(path) && (gc.argument === index || (gc.argument === -1 && last)))
        child.callbackGrant |= this.bits(g.purposes ?? []);
    }
    // An SDK instance handed to the callback (`UAirship.takeOff(app, options) { airship -> … }`, `UAirship.shared { it… }`):
    // the parameter is of the SDK class the policy names, unless the closure declares a type of its own.
    for (const cb of this.k.callbacks) {
      if (!path || !cb.calls.includes(path) || (cb.platforms && !cb.platforms.includes(this.platform))) continue;
      if (cb.argument !== index && !(cb.argument === -1 && last)) continue;
      const name = child.lambda && !child.lambda.destructured ? child.lambda.params[cb.parameter] : undefined;
      const param = name ? child.env.params.get(name) : undefined;
      const sdk = this.k.classPath(cb.type, this.unit);
      if (name && param && !param.type && !param.value && !param.guard && sdk) child.env.params.set(name, { sdk });
    }
    for (const cg of this.configGuards()) {
      if (cg.callbackArgument === undefined) continue;
      if (this.matchesConfigGuard(call, cg) && (cg.callbackArgument === index || (cg.callbackArgument === -1 && last)))
        child.callbackGrant |= this.configGuardBits(call, cg, env);
    }
  }

  private inferWrappers(): void {
    for (let round = 0; round < 3; round++) {
      let changed = false;
      for (const f of this.fns) {
        if (!f.fn || f.body.length !== 1 || f.body[0].k !== 'return' || !f.body[0].e) continue;
        const bits = this.testGrant(f.body[0].e, true, f.env, 0);
        if (bits && this.wrappers.get(f.name) !== bits) {
          this.wrappers.set(f.name, bits);
          changed = true;
        }
      }
      if (!changed) break;
    }
  }

  /** The file's functions (not closures) by name. */
  private functionsNamed(): Map<string, FnInfo[]> {
    if (!this.byName) {
      this.byName = new Map();
      for (const f of this.fns) if (f.fn) this.byName.set(f.name, [...(this.byName.get(f.name) ?? []), f]);
    }
    return this.byName;
  }

  private byName: Map<string, FnInfo[]> | undefined;

  /**
   * Calls of the file's own functions. A call is linked to every function it
   * may call: `name()`, `this.name()`, `self.name()`, `[self name]` and a call
   * on a receiver of unknown type (`tracker.start(this)` with `tracker`
   * untyped) to every function of that name in the file; a call on a class or
   * object of this file (`CleverTapInit.start(this)`, a field `Tracker()`) to
   * that class's methods of the name (its overrides are entries anyway); a
   * call on a library or SDK type to none. A function is guarded only when
   * every call linked to it is.
   */
  private linkCalls(): void {
    const byName = this.functionsNamed();
    for (const f of this.fns) {
      for (const [point, e] of f.graph.points) {
        if (e.k !== 'call' || e.callee) continue;
        const named = byName.get(e.name);
        if (!named) continue;
        for (const callee of this.targets(f, e, named)) callee.callers.push({ fn: f, point });
      }
    }
    for (const r of this.unit.references) this.referenced.add(r.name);
    // A function passed by name (`DispatchQueue.main.async(execute: startSdks)`, `execute: self.startSdks`)
    // or named by a string selector (`NSSelectorFromString(@"startSdks")`, `Selector("startSdks:")`) escapes too.
    for (const f of this.fns)
      for (const e of f.graph.points.values()) {
        if (e.k !== 'call') continue;
        if ((e.name === 'NSSelectorFromString' || e.name === 'Selector') && !e.recv && e.args[0]?.k === 'lit') {
          const sel = String(e.args[0].value).split(':')[0];
          if (byName.has(sel)) this.referenced.add(sel);
        }
        for (const a of e.args) {
          const value =
            a.k === 'name' && !this.lookup(a.name, f.env)
              ? a.name
              : a.k === 'member' && a.obj.k === 'this'
                ? a.name
                : '';
          if (byName.has(value) && !this.unit.fields.has(value)) this.referenced.add(value);
        }
      }
  }

  /** Names of functions referenced as values (method references, selectors): whoever holds one may call it. */
  private readonly referenced = new Set<string>();

  private targets(f: FnInfo, e: Call, named: FnInfo[]): FnInfo[] {
    const others = named.filter((c) => c !== f);
    if (!e.recv || (e.recv.k === 'this' && !/^super\b/.test(e.recv.node.text))) {
      // `start()`, `this.start()`: the own class's method when it has one (members come first, and
      // its overrides are entries); else an outer class's, a top-level one, an inherited one: any.
      // Inside a lambda with receiver (`with(x) { start() }`) it may be the receiver's: any.
      const cls = this.classOf(f);
      const candidates = e.recv ? named : others;
      if (cls && this.unit.language !== 'objc' && !this.withReceiver(f.env)) {
        const own = candidates.filter((c) => c.fn?.className === cls);
        if (own.length) return own;
      }
      return candidates;
    }
    // `super.onCreate()`: the parent class's method, perhaps one of this file (not itself)
    if (e.recv.k === 'this') return others;
    const p = this.path(e.recv, f.env, 0);
    if (p?.length === 1 && this.unit.declaredTypes.has(p[0])) {
      const own = named.filter((c) => c.fn?.className === p[0]);
      return own.length ? own : named; // an inherited method: any of them
    }
    if (p && !this.unit.declaredTypes.has(p[0])) {
      // An SDK's or a library's type: its methods are not this file's functions.
      if (this.k.resolve([...p, e.name], this.unit)) return [];
      if (this.imported(p[0])) return [];
    }
    return named;
  }

  /** The class a function or closure belongs to. */
  private classOf(f: FnInfo): string | undefined {
    let cur: FnInfo = f;
    while (cur.parent) cur = cur.parent.fn;
    return cur.fn?.className;
  }

  /** Whether a JVM file imports this simple name explicitly (a library class, not one of the app's). */
  private imported(name: string): boolean {
    if (this.unit.language !== 'kotlin' && this.unit.language !== 'java') return false;
    return this.unit.imports.some((imp) => {
      const m = /^(.*?)(?:\s+as\s+(\w+))?$/.exec(imp)!;
      return !m[1].endsWith('.*') && (m[2] ?? m[1].split('.').pop()) === name;
    });
  }

  /** Why a function is an entry whatever its callers in this file: the platform or another file may call it. */
  private outsideCaller(f: FnInfo): string | undefined {
    if (!f.fn) return undefined;
    if (f.fn.external) return 'called by the platform';
    if (this.referenced.has(f.name)) return 'referenced as a value (method reference or selector), called later';
    if (f.fn.private) return undefined;
    let seen = this.elsewhere.get(f.name);
    if (seen === undefined) this.elsewhere.set(f.name, (seen = this.mentionedElsewhere(f.name)));
    return seen ? 'may be called from another file' : undefined;
  }

  private readonly elsewhere = new Map<string, boolean>();

  /** False when the time budget ran out. */
  private fixpoint(): boolean {
    for (const f of this.fns) f.entry = f.parent || this.outsideCaller(f) ? 0 : f.callers.length ? ALL : 0;
    // Descending from ALL, monotone: it ends (at most bits x functions rounds). A round cap would stop
    // above the fixpoint, i.e. claim more consent than proven.
    for (;;) {
      if (this.over?.()) return false;
      let changed = false;
      for (const f of this.fns) {
        let next: number;
        if (f.parent) next = this.stateAt(f.parent.fn, f.parent.point) | f.callbackGrant;
        else if (this.outsideCaller(f)) next = 0;
        else if (f.callers.length) next = f.callers.reduce((acc, c) => acc & this.stateAt(c.fn, c.point), ALL);
        else next = 0;
        if (next !== f.entry) {
          f.entry = next;
          changed = true;
        }
      }
      if (!changed) return true;
    }
  }

  /** Purposes granted at a point (ALL where unreachable: it constrains nothing). */
  private stateAt(f: FnInfo, point: number): number {
    const s = f.s0[point];
    return s === undefined ? ALL : f.entry | s;
  }

  // ------------------------------------------------------------ results

  private collect(): void {
    for (const f of this.fns) {
      for (const [point, e] of f.graph.points) {
        if (e.k === 'member') {
          this.propertyRead(f, point, e);
          continue;
        }
        if (e.k !== 'call') continue;
        this.classValues(e, f.env);
        const path = this.callPath(e, f.env);
        const raw = this.rawPath(e);
        if (!path) {
          const root = raw?.split('.')[0] ?? '';
          const local = !!this.lookup(root, f.env) || this.unit.fields.has(root);
          if (raw && !local && this.k.sinkCalls.has(raw) && this.k.unresolvedRoot(raw, this.unit))
            this.unresolved(e, raw);
          continue;
        }
        const fact = this.fact(f, point, e, path);
        this.out.calls.push(fact);
        for (const spec of this.k.sinksByCall.get(path) ?? []) this.sink(spec, fact);
        for (const spec of this.k.startsByCall.get(path) ?? [])
          if (spec.platform === this.platform) this.out.starts.push({ spec, fact });
      }
    }
    for (const n of this.unit.unknown) {
      const text = n.text;
      if ([...this.k.sinkCalls].some((c) => text.includes(c.split('.').pop()!))) {
        const p = position(n);
        this.out.errors.push({
          file: this.file,
          ...p,
          kind: 'unsupported',
          message: `Native construct \`${n.type}\` is not modelled; SDK calls inside it are not proven`,
        });
      }
    }
  }

  /**
   * A member read that may be a property sink or start (`Firebase.analytics`): as written, not
   * through a value that holds it (`analytics.logEvent(…)` with `val analytics = Firebase.analytics`
   * reads the property once, where it is initialised).
   */
  private propertyRead(f: FnInfo, point: number, e: Extract<Expr, { k: 'member' }>): void {
    if (e.obj.k === 'this') return;
    const path = this.valuePath(e, f.env);
    if (!path) return;
    const sinks = this.k.sinksByProperty.get(path) ?? [];
    const starts = (this.k.startsByProperty.get(path) ?? []).filter((s) => s.platform === this.platform);
    if (!sinks.length && !starts.length) return;
    const fact = this.fact(f, point, e, path);
    this.out.calls.push(fact);
    for (const spec of sinks) this.sink(spec, fact);
    for (const spec of starts) this.out.starts.push({ spec, fact });
  }

  /**
   * An SDK class passed as a value (Swift `FirebaseApp.self`, e.g. injected as
   * `FirebaseAppInterface.Type` through an `extension FirebaseApp: …` conformance):
   * its start and sink calls are then made on a parameter or field of a
   * protocol type, which no path names, so they are reported as not checked.
   */
  private classValues(e: Call, env: Env): void {
    if (this.unit.language !== 'swift') return;
    for (const a of e.args) {
      if (a.k !== 'member' || a.name !== 'self' || a.obj.k !== 'name') continue;
      const cls = this.valuePath(a.obj, env);
      if (!cls || cls.includes('.') || !this.k.classesWithCalls.has(cls)) continue;
      const p = position(a.node);
      this.out.errors.push({
        file: this.file,
        ...p,
        kind: 'unresolved',
        message: `\`${a.obj.name}.self\` passes the SDK class as a value${e.name ? ` to \`${e.name}\`` : ''}: its calls made through that value (${this.k.classesWithCalls.get(cls)!.join(', ')}) are not checked`,
      });
    }
  }

  private unresolved(e: Call, raw: string): void {
    const p = position(e.node);
    this.out.errors.push({
      file: this.file,
      ...p,
      kind: 'unresolved',
      message: `\`${raw}\` looks like an SDK call, but \`${raw.split('.')[0]}\` is not imported from the SDK's package; not checked`,
    });
  }

  private fact(f: FnInfo, point: number, e: Call | Extract<Expr, { k: 'member' }>, path: string): CallFact {
    const s = f.s0[point];
    const state = s === undefined ? undefined : f.entry | s;
    const args = e.k === 'call' ? e.args : [];
    const at = (i: number | string) => (e.k === 'call' ? this.positional(e, i) : undefined);
    return {
      file: this.file,
      platform: this.platform,
      path,
      expr: e,
      argument: (i) => this.argumentValue(at(i), f.env),
      matches: (i, m) => this.matchArgument(at(i), f.env, m),
      receiverMatches: (i, m) => {
        const origin = e.k === 'call' ? this.originCall(e.recv, f.env, 0) : undefined;
        return origin ? this.matchArgument(this.positional(origin, i), f.env, m) : 'unknown';
      },
      mentions: (paths) => args.some((a) => this.mentions(a, f.env, paths, 0)),
      fromAdvertisingId: (i) => {
        const a = at(i);
        return !!a && this.flowsFromAdvertisingId(a, f.env, 0);
      },
      granted: state === undefined ? undefined : this.k.purposesOf(state),
      deferredBy: (d) => state !== undefined && (state & this.k.deferralBit(d)) !== 0,
      trace: this.trace(f, e, path),
      scope: f.label,
    };
  }

  /**
   * The argument a policy key names (argumentKey): the one written with its label, else the one at its
   * position. A Kotlin named argument (`f(b = 1, a = 2)`) may stand anywhere, so its position says nothing
   * about which parameter it is: unknown (an unreadable argument), never a guess.
   */
  private positional(c: Call, key: number | string): Expr | undefined {
    const { index, label } = argumentKey(key);
    const byLabel = label === undefined ? -1 : (c.labels?.indexOf(label) ?? -1);
    if (byLabel >= 0) return c.args[byLabel];
    if (index === undefined) return undefined;
    return this.unit.language === 'kotlin' && c.labels?.[index] !== undefined ? undefined : c.args[index];
  }

  private sink(spec: NativeSinkSpec, fact: CallFact): void {
    if (spec.platforms && !spec.platforms.includes(fact.platform)) return;
    const rule = this.rules.get(spec.rule);
    if (!rule || !fact.granted) return;
    let extra: Purpose[] = [];
    const unread: string[] = [];
    // The receiver made by a call with other arguments (a launcher for another activity-result contract): no sink.
    for (const [i, m] of Object.entries(spec.receiverArguments ?? {})) {
      const r = fact.receiverMatches(i, m);
      if (r === 'no') return;
      // Unreadable, with `reportIfMentioned`: a sink only when the project names what it looks for.
      const words = r === 'unknown' && !Array.isArray(m) ? m.unreadable?.reportIfMentioned : undefined;
      if (words && !words.some((w) => this.projectMentions(w))) return;
    }
    if (spec.arguments) {
      for (const [i, m] of Object.entries(spec.arguments)) {
        const r = fact.matches(i, m);
        if (r === 'no') return;
        if (r === 'yes') continue;
        // Unreadable: with `reportIfMentioned`, a sink when the project names what it looks for; else "not checked".
        const words = Array.isArray(m) ? undefined : m.unreadable?.reportIfMentioned;
        if (words) {
          const named = words.find((w) => this.projectMentions(w));
          if (!named) return;
          unread.push(`${argumentName(i)} cannot be read statically and the project mentions ${named}`);
          continue;
        }
        const p = position(fact.expr.node);
        this.out.errors.push({
          file: this.file,
          ...p,
          kind: 'unresolved',
          message: `${argumentName(i, true)} of \`${fact.path}\` cannot be read statically; whether it is a ${rule.id} sink is not checked`,
        });
        return;
      }
      extra = spec.requires ?? [];
    }
    if (spec.advertisingIdArgument !== undefined && fact.fromAdvertisingId(spec.advertisingIdArgument))
      extra = [...extra, ...(spec.advertisingRequires ?? [])];
    const requires = [...new Set([...rule.requires, ...extra])];
    const missing = requires.filter((p) => !fact.granted!.includes(p));
    if (!missing.length) return;
    const finding = makeFinding(rule, this.file, fact, requires, missing);
    if (unread.length) finding.message += ` (${unread.join('; ')})`;
    this.out.findings.push(finding);
  }

  // ------------------------------------------------------------ traces

  private trace(f: FnInfo, e: Call | Extract<Expr, { k: 'member' }>, path: string): TraceStep[] {
    const steps: TraceStep[] = [];
    const seen = new Set<FnInfo>();
    let cur: FnInfo | undefined = f;
    const chain: TraceStep[] = [{ file: this.file, ...position(e.node), label: e.k === 'call' ? `${path}()` : path }];
    while (cur && !seen.has(cur)) {
      seen.add(cur);
      if (cur.parent) {
        chain.unshift({ file: this.file, ...position(cur.lambda!.node), label: 'closure' });
        cur = cur.parent.fn;
        continue;
      }
      const outside = this.outsideCaller(cur);
      const c: { fn: FnInfo; point: number } | undefined = outside
        ? undefined
        : (cur.callers.find((x) => this.stateAt(x.fn, x.point) !== ALL) ?? cur.callers[0]);
      if (!c || seen.has(c.fn)) {
        chain.unshift({
          file: this.file,
          ...position(cur.fn!.nameNode),
          label: `${cur.label} (entry: ${outside ?? (cur.callers.length ? 'called only in a cycle' : 'called by the platform')})`,
        });
        break;
      }
      const callExpr = c.fn.graph.points.get(c.point)!;
      chain.unshift({ file: this.file, ...position(callExpr.node), label: `${cur.name}()` });
      cur = c.fn;
    }
    steps.push(...chain);
    return steps;
  }

  // ------------------------------------------------------------ values and paths

  private lookup(name: string, env: Env): { local?: Local; param?: Param } | undefined {
    for (let e: Env | undefined = env; e; e = e.parent) {
      const p = e.params.get(name);
      if (p) return { param: p };
      const l = e.locals.get(name);
      if (l) return { local: l };
    }
    return undefined;
  }

  /** The path of a value: its origin's path through constants and declared types; `undefined` when unknown. */
  private path(e: Expr, env: Env, depth: number): string[] | undefined {
    if (depth > 12) return undefined;
    switch (e.k) {
      case 'name': {
        const found = this.lookup(e.name, env);
        if (found?.param?.value) return this.path(found.param.value.expr, found.param.value.env, depth + 1);
        if (found?.param?.sdk) return found.param.sdk;
        if (found?.param) return found.param.type ? [found.param.type] : undefined;
        if (found?.local) {
          const l = found.local;
          if (l.init && l.count === 1 && !l.assigned) return this.path(l.init, env, depth + 1);
          return l.type ? [l.type] : undefined;
        }
        const fld = this.unit.fields.get(e.name);
        if (fld) {
          if (fld.inherited) return fld.inherited.split('.');
          if (fld.init && fld.constant) return this.path(fld.init, env, depth + 1);
          return fld.type ? [fld.type] : undefined;
        }
        return [e.name];
      }
      case 'member': {
        if (e.obj.k === 'this')
          return this.path(
            { k: 'name', name: e.name, node: e.node },
            { locals: new Map(), params: new Map() },
            depth + 1,
          );
        const base = this.path(e.obj, env, depth + 1);
        return base && [...base, e.name];
      }
      case 'call': {
        if (!e.recv) {
          if (e.callee) return undefined;
          const implicit = this.implicitReceiver(e.name, env);
          if (implicit) {
            const base = this.path(implicit.expr, implicit.env, depth + 1);
            return base && [...base, e.name];
          }
          // A function of another file returning an SDK type: its value is of that type.
          const foreign = this.unit.foreignReturns.get(e.name);
          if (foreign) return foreign.split('.');
          return [e.name];
        }
        // `this.requestPermissions(…)` in an Activity: the inherited platform method
        if (e.recv.k === 'this')
          return this.jvm() && this.k.inheritedClass(e.name) && !/^super\b/.test(e.recv.node.text)
            ? [e.name]
            : undefined;
        const base = this.path(e.recv, env, depth + 1);
        return base && [...base, e.name];
      }
      default:
        return undefined;
    }
  }

  /** Is `env` inside a lambda with a receiver (`apply`/`run`/`with`)? Its bare calls may be the receiver's. */
  private withReceiver(env: Env): boolean {
    for (let e: Env | undefined = env; e; e = e.parent) if (e.implicit) return true;
    return false;
  }

  /** The receiver of a call written without one inside an `apply`/`run`/`with` block, unless a function of this file has its name. */
  private implicitReceiver(name: string, env: Env): Bound | undefined {
    if (this.unit.functions.some((f) => f.name === name)) return undefined;
    for (let e: Env | undefined = env; e; e = e.parent) if (e.implicit) return e.implicit;
    return undefined;
  }

  private callPath(e: Call, env: Env): string | undefined {
    const p = this.path(e, env, 0);
    const resolved = p ? this.k.resolve(p, this.unit) : undefined;
    if (resolved || !e.recv || this.unit.language !== 'kotlin') return resolved;
    // An imported Kotlin extension function called on a receiver (`import com.braze.support.requestPushPermissionPrompt`,
    // `activity.requestPushPermissionPrompt()`): the function of its package, whatever the receiver.
    if (!this.unit.imports.some((i) => !i.endsWith('.*') && i.split('.').pop() === e.name)) return undefined;
    return this.k.resolve([e.name], this.unit);
  }

  private jvm(): boolean {
    return (this.unit.language === 'kotlin' && !this.unit.kotlinNative) || this.unit.language === 'java';
  }

  /** The call as written, for "looks like an SDK call" diagnostics. */
  private rawPath(e: Expr): string | undefined {
    if (e.k === 'name') return e.name;
    if (e.k === 'member') {
      const b = this.rawPath(e.obj);
      return b && `${b}.${e.name}`;
    }
    if (e.k === 'call') {
      if (!e.recv) return e.name;
      const b = this.rawPath(e.recv);
      return b && `${b}.${e.name}`;
    }
    return undefined;
  }

  private valuePath(e: Expr, env: Env): string | undefined {
    const p = this.path(e, env, 0);
    return p ? this.k.resolve(p, this.unit) : undefined;
  }

  /**
   * What a name stands for when it is a constant: the initialiser of a local
   * assigned once or of a constant field; `declared` for a local, parameter or
   * field that is not one; undefined when it names none of them.
   */
  private constantOf(name: string, env: Env): Expr | 'declared' | undefined {
    const found = this.lookup(name, env);
    const l = found?.local;
    if (l?.init && l.count === 1 && !l.assigned) return l.init;
    if (found) return 'declared';
    const fld = this.unit.fields.get(name);
    if (fld) return fld.init && fld.constant ? fld.init : 'declared';
    return undefined;
  }

  private literal(e: Expr, env: Env, depth = 0): (string | number | boolean | null)[] | undefined {
    if (depth > 8) return undefined;
    switch (e.k) {
      case 'lit':
        return [e.value];
      case 'enumCase':
        return [e.name];
      case 'name': {
        const c = this.constantOf(e.name, env);
        if (c === 'declared') return undefined;
        if (c) return this.literal(c, env, depth + 1);
        const resolved = this.valuePath(e, env);
        return resolved ? [resolved, e.name] : [e.name];
      }
      case 'member': {
        const resolved = this.valuePath(e, env);
        return resolved ? [resolved, e.name] : undefined;
      }
      default:
        return undefined;
    }
  }

  private argumentValue(
    e: Expr | undefined,
    env: Env,
  ): { known: boolean; values: (string | number | boolean | null)[] } {
    if (!e) return { known: false, values: [] };
    const v = this.literal(e, env);
    return v ? { known: true, values: v } : { known: false, values: [] };
  }

  /** Whether argument `e` matches `m`: its value, or with `elements` an element of the array or collection it is. */
  private matchArgument(e: Expr | undefined, env: Env, m: NativeArgumentMatch): 'yes' | 'no' | 'unknown' {
    if (!e) return 'unknown';
    const spec = Array.isArray(m) ? { values: m, elements: false } : m;
    return this.matchValue(e, env, spec.values.map(String), !!spec.elements, 0);
  }

  /** The call a receiver's value comes from, through single-assignment locals and fields (`val launcher = registerFor…(…)`). */
  private originCall(e: Expr | undefined, env: Env, depth: number): Call | undefined {
    if (!e || depth > 8) return undefined;
    // A function of another file returning an SDK value: the SDK call is in there, its arguments are not these.
    if (e.k === 'call') return !e.recv && this.unit.foreignReturns.has(e.name) ? undefined : e;
    const name = e.k === 'name' ? e.name : e.k === 'member' && e.obj.k === 'this' ? e.name : undefined;
    if (name === undefined) return undefined;
    const found = e.k === 'name' ? this.lookup(name, env) : undefined;
    const l = found?.local;
    if (l?.init && l.count === 1 && !l.assigned) return this.originCall(l.init, env, depth + 1);
    if (found) return undefined;
    const fld = this.unit.fields.get(name);
    return fld?.init && fld.constant ? this.originCall(fld.init, env, depth + 1) : undefined;
  }

  private matchValue(e: Expr, env: Env, values: string[], elements: boolean, depth: number): 'yes' | 'no' | 'unknown' {
    if (depth > 8) return 'unknown';
    if (elements) {
      const items = this.elementsOf(e, env, 0);
      if (items) {
        let unknown = false;
        for (const x of items) {
          const r = this.matchValue(x.e, x.env, values, false, depth + 1);
          if (r === 'yes') return 'yes';
          if (r === 'unknown') unknown = true;
        }
        return unknown ? 'unknown' : 'no';
      }
    }
    const accepted = (vs: (string | number | boolean | null)[]) => vs.some((v) => values.includes(String(v)));
    // A name that is no local, parameter or field of this file (a constant of another file, a static import):
    // it matches by name or resolved path; otherwise its value is not known.
    if (e.k === 'name' && !this.lookup(e.name, env) && !this.unit.fields.has(e.name))
      return accepted(this.literal(e, env) ?? []) ? 'yes' : 'unknown';
    const v = this.literal(e, env);
    if (v) return accepted(v) ? 'yes' : 'no';
    // Known not to be such a value: a closure, an object constructed in place (`Intent(…)`, `new Intent(…)`).
    if (e.k === 'lambda') return 'no';
    if (e.k === 'call' && !e.callee && /^[A-Z]/.test(e.name) && !COLLECTION_BUILDERS.has(e.name)) {
      if (!e.recv) return 'no';
      // `ActivityResultContracts.RequestPermission()`: a nested class constructed in place, named by its path.
      const path = this.rawPath(e);
      if (path && /^[A-Z]/.test(path)) return values.includes(path) ? 'yes' : 'no';
    }
    if (e.k === 'name') {
      const l = this.lookup(e.name, env)?.local;
      if (l?.init && l.count === 1 && !l.assigned) return this.matchValue(l.init, env, values, elements, depth + 1);
    }
    return 'unknown';
  }

  /** The elements of an array or collection literal (through locals and constants), or undefined when `e` is none. */
  private elementsOf(e: Expr, env: Env, depth: number): { e: Expr; env: Env }[] | undefined {
    if (depth > 8) return undefined;
    switch (e.k) {
      case 'call':
        // `arrayOf(…)`, `listOf(…)`, Java `List.of(…)`, `Arrays.asList(…)`
        if (!e.callee && COLLECTION_BUILDERS.has(e.name) && (!e.recv || e.name === 'of' || e.name === 'asList'))
          return e.args.map((a) => ({ e: a, env }));
        return undefined;
      case 'seq':
        // Java `new String[]{…}` / `{…}`, Swift and Objective-C array literals: the nested items (a type is an empty seq)
        return e.items.flatMap((x) => (x.k === 'seq' ? (this.elementsOf(x, env, depth + 1) ?? []) : [{ e: x, env }]));
      case 'name': {
        const c = this.constantOf(e.name, env);
        return c && c !== 'declared' ? this.elementsOf(c, env, depth + 1) : undefined;
      }
      default:
        return undefined;
    }
  }

  private mentions(e: Expr, env: Env, paths: string[], depth: number): boolean {
    if (depth > 8) return false;
    const p = e.k === 'name' || e.k === 'member' ? this.valuePath(e, env) : undefined;
    if (p && paths.includes(p)) return true;
    if (e.k === 'lit' && typeof e.value === 'string' && paths.includes(e.value)) return true;
    switch (e.k) {
      case 'name': {
        const l = this.lookup(e.name, env)?.local;
        return !!l?.init && l.count === 1 && this.mentions(l.init, env, paths, depth + 1);
      }
      case 'call':
        return e.args.some((a) => this.mentions(a, env, paths, depth + 1));
      case 'seq':
        return e.items.some((a) => this.mentions(a, env, paths, depth + 1));
      default:
        return false;
    }
  }

  private flowsFromAdvertisingId(e: Expr, env: Env, depth: number): boolean {
    if (depth > 10) return false;
    const p = this.valuePath(e, env);
    if (p && this.k.advertisingIdSources.some((s) => p === s || p.startsWith(`${s}.`))) return true;
    switch (e.k) {
      case 'name': {
        const l = this.lookup(e.name, env)?.local;
        return !!l?.init && this.flowsFromAdvertisingId(l.init, env, depth + 1);
      }
      case 'member':
        return this.flowsFromAdvertisingId(e.obj, env, depth + 1);
      case 'call':
        return (
          (!!e.recv && this.flowsFromAdvertisingId(e.recv, env, depth + 1)) ||
          e.args.some((a) => this.flowsFromAdvertisingId(a, env, depth + 1))
        );
      case 'seq':
        return e.items.some((a) => this.flowsFromAdvertisingId(a, env, depth + 1));
      case 'bin':
        return this.flowsFromAdvertisingId(e.l, env, depth + 1) || this.flowsFromAdvertisingId(e.r, env, depth + 1);
      default:
        return false;
    }
  }

  // ------------------------------------------------------------ guards

  private grants(f: FnInfo): Grants {
    const { env, graph } = f;
    return {
      // A deferral call holds the start back once it has run (normal completion).
      node: (n) => {
        const e = this.k.deferralsByCall.size ? graph.points.get(n.id) : undefined;
        return e?.k === 'call' ? this.deferralBits(e, f) : 0;
      },
      edge: (n, e) => {
        if (n.kind !== 'test' || (e.label !== 'true' && e.label !== 'false')) return 0;
        const test = graph.tests.get(n.id);
        return test ? this.testGrant(test, e.label === 'true', env, 0) : 0;
      },
    };
  }

  /**
   * The bits of the deferrals a call makes: `OneSignal.setConsentRequired(true)` (its argument must read
   * as accepted), or a call of this file's own functions that each make them on every path to their end.
   */
  private deferralBits(e: Call, f: FnInfo): number {
    // Most calls are neither: their path is not resolved for this (it is, once, where facts are collected).
    if (!this.k.deferralNames.has(e.name) && !this.functionsNamed().has(e.name)) return 0;
    const path = this.callPath(e, f.env);
    let bits = 0;
    for (const d of (path && this.k.deferralsByCall.get(path)) || [])
      if (d.platform === this.platform && acceptsArguments(d, (i) => this.argumentValue(this.positional(e, i), f.env)))
        bits |= d.bit;
    if (bits || path || e.callee) return bits;
    const named = this.functionsNamed().get(e.name);
    const targets = named ? this.targets(f, e, named) : [];
    return targets.length ? targets.reduce((m, c) => m & this.deferralsMade(c), ALL) : 0;
  }

  /** Deferral bits that hold where a function of this file returns, on every path (0 while it is being asked: recursion). */
  private deferralsMade(f: FnInfo): number {
    let made = this.made.get(f);
    if (made === undefined) {
      this.made.set(f, 0);
      const exit = mustGranted(f.graph, this.grants(f))[f.graph.exit];
      made = exit === undefined ? 0 : exit & this.k.deferralMask;
      this.made.set(f, made);
    }
    return made;
  }

  private readonly made = new Map<FnInfo, number>();

  /** Purposes granted when `e` evaluates to `outcome`. */
  private testGrant(e: Expr, outcome: boolean, env: Env, depth: number): number {
    if (depth > 10) return 0;
    switch (e.k) {
      case 'not':
        return this.testGrant(e.e, !outcome, env, depth + 1);
      case 'bin': {
        if (e.op === '&&')
          return outcome
            ? this.testGrant(e.l, true, env, depth + 1) | this.testGrant(e.r, true, env, depth + 1)
            : this.testGrant(e.l, false, env, depth + 1) & this.testGrant(e.r, false, env, depth + 1);
        if (e.op === '||')
          return outcome
            ? this.testGrant(e.l, true, env, depth + 1) & this.testGrant(e.r, true, env, depth + 1)
            : this.testGrant(e.l, false, env, depth + 1) | this.testGrant(e.r, false, env, depth + 1);
        const eq = e.op === '==' || e.op === '===';
        const ne = e.op === '!=' || e.op === '!==';
        if (!eq && !ne) return 0;
        const equal = eq ? outcome : !outcome;
        let bits = 0;
        for (const [v, other] of [
          [e.l, e.r],
          [e.r, e.l],
        ] as const) {
          if (other.k === 'lit' && typeof other.value === 'boolean') {
            bits |= this.testGrant(v, equal ? other.value : !other.value, env, depth + 1);
            continue;
          }
          if (!equal) continue;
          const gv = this.guardValue(v, env, depth + 1);
          if (!gv || !('equals' in gv.spec.test)) continue;
          const lit = this.literal(other, env);
          if (!lit) continue;
          const accepted = gv.spec.test.equals.map(String);
          if (lit.some((x) => accepted.includes(String(x)))) bits |= gv.bits;
        }
        return bits;
      }
      case 'name': {
        const found = this.lookup(e.name, env);
        if (found?.param?.guard)
          return outcome && 'truthy' in found.param.guard.test ? this.bits(found.param.guard.purposes ?? []) : 0;
        const l = found?.local;
        if (l?.init && l.count === 1 && !l.assigned) return this.testGrant(l.init, outcome, env, depth + 1);
        if (!found) {
          const fld = this.unit.fields.get(e.name);
          if (fld?.init && fld.constant) return this.testGrant(fld.init, outcome, env, depth + 1);
        }
        return outcome ? this.truthyGuard(e, env, depth) : 0;
      }
      case 'call':
      case 'member':
        return outcome ? this.truthyGuard(e, env, depth) : 0;
      default:
        return 0;
    }
  }

  private truthyGuard(e: Expr, env: Env, depth: number): number {
    let bits = 0;
    const gv = this.guardValue(e, env, depth + 1);
    if (gv && 'truthy' in gv.spec.test) bits |= gv.bits;
    if (e.k === 'call' && (!e.recv || e.recv.k === 'this')) bits |= this.wrappers.get(e.name) ?? 0;
    if (e.k === 'call')
      for (const cg of this.configGuards())
        if (!cg.assert && cg.callbackArgument === undefined && this.matchesConfigGuard(e, cg))
          bits |= this.configGuardBits(e, cg, env);
    if (e.k === 'member' || e.k === 'name') {
      const raw = this.rawPath(e);
      for (const cg of this.configGuards())
        if (cg.property && raw && (raw === cg.property || raw.endsWith(`.${cg.property}`)))
          bits |= this.bits(cg.purposes ?? []);
    }
    return bits;
  }

  private guardValue(e: Expr, env: Env, depth: number): { spec: NativeGuardSpec; bits: number } | undefined {
    if (depth > 10) return undefined;
    if (e.k === 'name') {
      const found = this.lookup(e.name, env);
      if (found?.param?.guard) return { spec: found.param.guard, bits: this.bits(found.param.guard.purposes ?? []) };
      const l = found?.local;
      if (l?.init && l.count === 1 && !l.assigned) return this.guardValue(l.init, env, depth + 1);
    }
    const path = this.valuePath(e, env);
    if (!path) return undefined;
    for (const g of this.k.guards) {
      if (!g.values?.includes(path)) continue;
      let bits = this.bits(g.purposes ?? []);
      if (g.keys) {
        const call = e.k === 'call' ? e : undefined;
        const arg = call && g.keyArgument !== undefined ? this.positional(call, g.keyArgument) : undefined;
        const key = arg ? this.literal(arg, env)?.find((x) => typeof x === 'string') : undefined;
        if (typeof key !== 'string') continue;
        const ps = g.keys[key] ?? (g.keys['*'] ? [key] : undefined);
        if (!ps) continue;
        bits |= this.bits(ps);
      }
      if (bits) return { spec: g, bits };
    }
    return undefined;
  }

  /**
   * Config guards that can hold in native code: a `function` or a `property`
   * (`ConsentState.marketingAllowed`), not tied to a JavaScript `module`, not
   * a storage or cookie read.
   */
  private configGuards(): ConfigGuard[] {
    return (this.config?.guards ?? []).filter(
      (g) => (g.function || g.property) && !g.module && !g.storage && g.cookie === undefined,
    );
  }

  private matchesConfigGuard(e: Call, g: ConfigGuard): boolean {
    const raw = this.rawPath(e);
    if (!raw || !g.function) return false;
    const want = g.function;
    if (raw === want || raw.endsWith(`.${want}`)) return true;
    // `self.hasConsent` / `[self hasConsent:]` / `this.hasConsent`
    return e.recv?.k === 'this' && e.name === want;
  }

  private configGuardBits(e: Call, g: ConfigGuard, env: Env): number {
    let ps = g.purposes ?? [];
    if (g.purposeArgument !== undefined) {
      const arg = this.positional(e, g.purposeArgument);
      const v = arg ? this.literal(arg, env)?.find((x) => typeof x === 'string') : undefined;
      if (typeof v !== 'string') return 0;
      ps = [...ps, this.config?.purposeAliases?.[v] ?? v];
    }
    return this.bits(ps);
  }

  private bits(ps: Purpose[]): number {
    return this.k.bits(ps);
  }
}

export function makeFinding(
  rule: RuleSpec,
  file: string,
  fact: CallFact,
  requires: Purpose[],
  missing: Purpose[],
): Finding {
  const n = fact.expr.node;
  return {
    ruleId: rule.id,
    severity: rule.severity,
    file,
    line: n.startPosition.row + 1,
    column: n.startPosition.column + 1,
    endLine: n.endPosition.row + 1,
    endColumn: n.endPosition.column + 1,
    message: `${rule.message}: \`${fact.path}\` is reachable without ${missing.map((p) => `'${p}'`).join(' and ')} consent`,
    requires,
    missing,
    trace: fact.trace,
    suppressed: false,
    identity: { path: fact.scope ? fact.scope.split('/') : [], callee: fact.path, ordinal: 0 },
    dependsOn: [file],
  };
}
