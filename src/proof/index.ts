/**
 * The proof: is every sink guarded for every purpose it requires, across
 * functions and files?
 *
 * Each function-like unit (function, module top level, static block, class
 * field initialisers) is analysed once on its own FlowGraph with entry state 0.
 * A unit's entry is guarded for X when every reference to it (calls and
 * escapes, resolved across files) sits at a point guarded for X; inline
 * callbacks are referenced where they are created. Entries are the greatest
 * fixpoint over the reference graph; units no unguarded root reaches (a cycle
 * with no outside reference, a function nothing references) are roots
 * themselves, with an unguarded entry.
 */
import type * as t from '@babel/types';
import { Budget } from './budget.js';
import { ALL, computeEntries, knownMissing, referencingClosure } from './entries.js';
import { declarationPath } from './identity.js';
import { entryLabel, errorAt, hop, refLabel } from './labels.js';
import type { AnalysisError, Config, Finding, Policy, RuleSpec, TraceStep } from '../model.js';
import { buildFlowGraph, mustGranted, type FlowGraph, type Grants, type States } from '../flow/index.js';
import {
  GuardClassifier,
  Purposes,
  SCRIPT_HOLDER,
  ScriptBlocking,
  type FunctionSummary,
  type SummaryProvider,
} from '../guards/index.js';
import {
  alternatives,
  classBodiesWithFields,
  dottedName,
  escapeRegExp,
  forEachChild,
  isWrapper,
  propertyName,
  type ModuleInfo,
  type Project,
  type Resolver,
  SnapshotMemo,
  stillHolds,
  type Dependence,
  type ScriptIndex,
  type Value,
  locOf,
} from '../program/index.js';
import {
  exportNames,
  findSinks,
  lastSegment,
  leaves,
  switchesThrown,
  useOf,
  valueUseMatcher,
  type SdkSwitch,
  type Sink,
  type SinkOptions,
} from '../sinks/index.js';

interface Unit {
  node: t.Node;
  index: ScriptIndex;
  /** Built when asked for; dropped once the unit's references are found if no flow state needs it (rebuilt alike). */
  graph?: FlowGraph;
  /** The graph's unsupported constructs, kept when the graph is dropped. */
  unsupported?: FlowGraph['unsupported'];
  states?: States;
  grants?: Grants;
  /** Files of guard wrappers this unit's tests relied on. */
  consulted?: Set<string>;
  outgoing?: Outgoing;
  /** Set when `states` depended on the snapshot (snapshot.ts). */
  partial?: Dependence;
}

/** References made by one unit: to resolved targets, and by method name (unresolved receivers). */
interface Outgoing {
  refs: [Unit, Ref][];
  byName: [string, Ref][];
  /** What the search depended on (a module not parsed yet, call sites): found again when that changed. */
  partial?: Dependence;
}

interface Ref {
  from: Unit;
  ast: t.Node;
  nodeIds: number[];
  /** Purposes a guarded-callback API adds for this reference. */
  extra: number;
}

export interface ProofResult {
  findings: Finding[];
  errors: AnalysisError[];
  /** Files the proof asked for that the snapshot lacks: with them parsed, it may decide more. */
  needs: string[];
}

export class Proof implements SummaryProvider {
  private readonly units = new Map<t.Node, Unit>();
  private readonly summaries: SnapshotMemo<t.Node, FunctionSummary>;
  private readonly summarizing = new Set<t.Node>();
  readonly purposes: Purposes;
  readonly classifier: GuardClassifier;
  private refs = new Map<Unit, Ref[]>();
  private entries = new Map<Unit, number>();
  private roots = new Set<Unit>();
  private current: Unit | undefined;
  private readonly sinkOptions: SinkOptions;

  constructor(
    private readonly project: Project,
    private readonly resolver: Resolver,
    policies: Policy[],
    config: Config | undefined,
    /** Time budgets (--timeout, --total-timeout): files cut short are reported, their sinks become findings. */
    readonly budget: Budget = new Budget(),
  ) {
    this.sinkCache = new SnapshotMemo(project);
    this.summaries = new SnapshotMemo(project);
    this.purposes = new Purposes(config?.purposeAliases ?? {});
    this.sinkOptions = {
      dispatchers: policies.flatMap((p) => p.dispatchers ?? []),
      valueUses: valueUseMatcher(policies),
      codeStrings: new Set(
        policies.flatMap((p) => (p.codeStrings ?? []).flatMap((c) => c.properties.map(lastSegment))),
      ),
      cmpLibraries: policies.flatMap((p) =>
        p.guards.flatMap((g) =>
          g.libraryProperties && 'global' in g.from ? [{ global: g.from.global, properties: g.libraryProperties }] : [],
        ),
      ),
    };
    // Each SDK switch (`unlessDeferredBy`) has a flow bit of its own beside the purposes': set once it has run.
    this.switches = policies.flatMap((p) =>
      p.rules.flatMap((r) =>
        r.sinks.flatMap((spec) => (spec.unlessDeferredBy ?? []).map((deferral) => ({ spec, deferral, bit: 0 }))),
      ),
    );
    this.switches.forEach((s, i) => (s.bit = this.purposes.bit(`${Purposes.SWITCH}${i}`)));
    this.classifier = new GuardClassifier(resolver, policies, config, this.purposes, this);
    this.blocking = new ScriptBlocking(policies, this.purposes, project, resolver);
  }

  /** Markup script blocking: a blocked classic script runs only after consent for its categories. */
  readonly blocking: ScriptBlocking;

  private readonly switches: SdkSwitch[];

  /** The bits of the SDK switches that hold `sink` back (0: none does). */
  private heldBackMask(sink: Sink): number {
    let m = 0;
    if (sink.heldBackBy) for (const s of this.switches) if (s.spec === sink.heldBackBy) m |= s.bit;
    return m;
  }

  /** Entry state of a root: a script's top level is unguarded, unless the CMP blocks it (guards/blocking). */
  private rootEntry(u: Unit): number {
    return u.node.type === 'Program' ? this.blocking.entryOf(u.index) : 0;
  }

  // ------------------------------------------------------------ units and local analysis

  unit(node: t.Node, index: ScriptIndex): Unit {
    let u = this.units.get(node);
    if (!u) {
      u = { node, index };
      this.units.set(node, u);
    }
    return u;
  }

  graph(u: Unit): FlowGraph {
    if (!u.graph) {
      try {
        u.graph = this.budget.charge(u.index.script.file, () =>
          buildFlowGraph(u.node, { isDeclared: (id) => readCannotThrow(id, u.index) }),
        );
      } catch (e) {
        // No graph: an empty one marked unsupported, so its sinks are reported, not trusted.
        u.graph = {
          owner: u.node,
          nodes: [
            { id: 0, kind: 'entry', succ: [] },
            { id: 1, kind: 'exit', succ: [] },
            { id: 2, kind: 'throw', succ: [] },
          ],
          entry: 0,
          exit: 1,
          throwExit: 2,
          pointsOf: new Map(),
          unsupported: [{ node: u.node, message: `could not build the flow graph: ${(e as Error).message}` }],
        };
      }
      u.unsupported = u.graph.unsupported;
    }
    return u.graph;
  }

  private grants(u: Unit): Grants {
    if (!u.grants) {
      const testMemo = new Map<number, { whenTrue: number; whenFalse: number }>();
      const c = this.classifier;
      u.grants = {
        node: (n) =>
          n.kind === 'point' &&
          n.ast &&
          (n.ast.type === 'CallExpression' ||
            n.ast.type === 'OptionalCallExpression' ||
            n.ast.type === 'AwaitExpression')
            ? this.within(
                u,
                () =>
                  c.assertion(n.ast!, u.index) |
                  (n.ast!.type === 'AwaitExpression'
                    ? 0
                    : switchesThrown(n.ast as t.CallExpression, u.index, this.resolver, this.switches)),
              )
            : 0,
        edge: (n, e) => {
          if (n.kind !== 'test' || !n.ast) return 0;
          let o = testMemo.get(n.id);
          if (!o) {
            o = this.within(u, () => c.test(n.ast!, u.index));
            testMemo.set(n.id, o);
          }
          return e.label === 'true' ? o.whenTrue : o.whenFalse;
        },
      };
    }
    return u.grants;
  }

  private within<T>(u: Unit, f: () => T): T {
    const saved = this.current;
    this.current = u;
    try {
      return f();
    } finally {
      this.current = saved;
    }
  }

  states(u: Unit): States {
    // States that met a module missing from the snapshot hold for that snapshot only.
    if (u.states && u.partial && !stillHolds(this.project, u.partial)) u.states = u.grants = u.partial = undefined;
    if (!u.states) {
      const frame = this.project.frames.begin();
      this.inProgress.add(u);
      try {
        const file = u.index.script.file;
        const g = this.graph(u);
        // Over budget: every node reachable, nothing granted (proves nothing; the file's sinks are findings).
        u.states = this.budget.exhausted(file)
          ? new Array<number | undefined>(g.nodes.length).fill(0)
          : this.budget.charge(file, () => mustGranted(g, this.grants(u)));
      } finally {
        this.inProgress.delete(u);
        const d = this.project.frames.end(frame);
        if (d?.missed) u.partial = { missed: d.missed };
      }
    }
    return u.states;
  }

  /** SummaryProvider: what a project function proves when it returns truthy / completes. */
  summary(fn: t.Function, index: ScriptIndex): FunctionSummary {
    const cached = this.summaries.get(fn);
    if (cached) return cached.value;
    const none: FunctionSummary = { truthy: 0, normal: 0, async: Boolean(fn.async) };
    if (this.summarizing.has(fn)) return none; // in progress: recursion proves nothing
    if (this.current) (this.current.consulted ??= new Set()).add(index.script.file);
    this.summarizing.add(fn);
    const frame = this.project.frames.begin();
    try {
      return this.summaries.set(fn, this.summarize(fn, index), frame);
    } catch (err) {
      this.project.frames.end(frame);
      throw err;
    } finally {
      this.summarizing.delete(fn);
    }
  }

  private summarize(fn: t.Function, index: ScriptIndex): FunctionSummary {
    const u = this.unit(fn, index);
    const g = this.graph(u);
    const s = this.states(u);
    let truthy = ALL;
    let any = false;
    for (const n of g.nodes) {
      if (n.kind === 'return' && n.returns === 'truthy' && s[n.id] !== undefined) {
        truthy &= s[n.id]!;
        any = true;
      }
    }
    const exit = s[g.exit];
    return {
      truthy: any && !g.unsupported.length ? truthy : 0,
      normal: exit !== undefined && !g.unsupported.length ? exit : 0,
      async: Boolean(fn.async) || Boolean(fn.generator),
    };
  }

  private readonly inProgress = new Set<Unit>();

  /** SummaryProvider: purposes granted on every path to `node` within its own unit (entry not counted). */
  stateAt(node: t.Node, index: ScriptIndex): number {
    const u = this.unit(index.unitOf(node), index);
    if (this.inProgress.has(u)) return 0;
    {
      const g = this.graph(u);
      const s = this.states(u);
      let m = ALL;
      let any = false;
      for (const id of g.pointsOf.get(node) ?? []) {
        if (g.nodes[id].kind !== 'point' || s[id] === undefined) continue;
        m &= s[id];
        any = true;
      }
      return any && !g.unsupported.length ? m : 0;
    }
  }

  private readonly callbackParams = new Map<t.Node, (number | undefined)[]>();

  /** SummaryProvider: what holds wherever a function calls the callback it got as parameter `param`. */
  callbackParameter(fn: t.Function, index: ScriptIndex, param: number): number {
    let cached = this.callbackParams.get(fn);
    if (!cached) this.callbackParams.set(fn, (cached = []));
    const known = cached[param];
    if (known !== undefined) return known;
    cached[param] = 0; // recursion: nothing
    const p = fn.params[param];
    if (!p || p.type !== 'Identifier') return 0;
    const u = this.unit(fn, index);
    const g = this.graph(u);
    const frame = this.project.frames.begin();
    const s = this.states(u);
    // States that may change with the snapshot: not remembered (asking again replays what they depend on).
    const partial = this.project.frames.end(frame) !== undefined;
    if (partial) cached[param] = undefined;
    // Every use of the parameter must be a direct call; any other use may let it escape.
    let mask = ALL;
    let calls = 0;
    for (const [ast, ids] of g.pointsOf) {
      if (ast.type !== 'Identifier' || ast.name !== p.name || index.binding(ast)?.identifier !== p) continue;
      const parent = index.parent.get(ast);
      if (
        !parent ||
        (parent.type !== 'CallExpression' && parent.type !== 'OptionalCallExpression') ||
        parent.callee !== ast
      )
        return 0;
      for (const id of ids) {
        if (s[id] === undefined) continue;
        mask &= s[id];
        calls++;
      }
    }
    // Nested functions may call it too, where this graph cannot see: then nothing is proven.
    const nestedUse = index.functions.some(
      (f) => f !== fn && f !== u.node && isInside(f, fn, index) && mentions(f, p.name),
    );
    const result = calls && !nestedUse && !g.unsupported.length ? mask : 0;
    if (!partial) cached[param] = result;
    return result;
  }

  // ------------------------------------------------------------ references

  private allUnits(modules: ModuleInfo[]): Unit[] {
    const out: Unit[] = [];
    for (const m of modules) {
      for (const index of m.scripts) {
        for (const fn of index.functions) out.push(this.unit(fn, index));
        // Instance field initialisers of each class: one unit per class body.
        for (const cls of classBodiesWithFields(index)) out.push(this.unit(cls, index));
      }
    }
    return out;
  }

  /**
   * The references *from* one unit, found once and kept unless resolution
   * stopped at a module not parsed yet (then found again next time).
   */
  private outgoing(from: Unit): Outgoing {
    const known = from.outgoing;
    if (known && (!known.partial || stillHolds(this.project, known.partial, false))) return known;
    return this.budget.charge(from.index.script.file, () => this.findOutgoing(from));
  }

  private findOutgoing(from: Unit): Outgoing {
    const out: Outgoing = { refs: [], byName: [] };
    const g = this.graph(from);
    const index = from.index;
    const frame = this.project.frames.begin();
    // References are sought among parsed units: a file not parsed holds no unit on a chain yet,
    // and the expansion brings in the files whose references matter (importers), so these
    // lookups ask for nothing.
    const mark = this.project.asksMark();
    // forEach, not for-of: a Map's entries would each be allocated, for every point of every unit.
    g.pointsOf.forEach((nodeIds, ast) => {
      const ids = pointIds(nodeIds, g);
      if (!ids) return;
      switch (ast.type) {
        case 'Identifier':
        case 'JSXIdentifier':
        case 'MemberExpression':
        case 'OptionalMemberExpression':
        case 'JSXMemberExpression': {
          const v = this.resolver.value(ast, index);
          const ref: Ref = { from, ast, nodeIds: ids, extra: 0 };
          // A function reached through a parameter is referenced where it was passed (with what the
          // callee proves for its callback parameters): the call inside the callee adds nothing.
          const viaParameter = rootBinding(ast, index)?.kind === 'param';
          let alts = viaParameter ? [] : alternatives(v);
          // Only looked at there (`expect(fn).toHaveBeenCalled()`, `console.log(fn)`: valueUses.inspect), not called.
          if (alts.some((a) => a.kind === 'function' || a.kind === 'class')) {
            const use = useOf(ast, index, this.sinkOptions.valueUses!);
            if (use.kind === 'kept' && use.inspected) alts = [];
          }
          for (const a of alts) {
            if (a.kind === 'function') {
              out.refs.push([this.unit(a.node, a.index), ref]);
              // `this.mayPrompt()` may run any override in a subclass.
              for (const o of this.overrides(a.node, a.index)) out.refs.push([o, ref]);
            } else if (a.kind === 'class') {
              for (const target of this.classUnits(a.node, a.index)) out.refs.push([target, ref]);
            }
          }
          // `this.js()` in a tarteaucitron service's `fallback`: that service's own `js` (see below), no other.
          const ownHeld =
            ast.type === 'MemberExpression' || ast.type === 'OptionalMemberExpression'
              ? this.classifier.thisHeldKeys(ast, index)
              : undefined;
          if (
            (!v || callbackThisMember(ast, v)) &&
            !ownHeld &&
            (ast.type === 'MemberExpression' || ast.type === 'OptionalMemberExpression')
          ) {
            // A method called on a receiver we cannot resolve may be any method of that name; so may one
            // of an option callback's `this`, which the library may have given the app's methods.
            const name = propertyName(ast);
            if (name) out.byName.push([name, ref]);
            // `commands[e.data.command]()`: any function the object (or namespace) holds.
            else
              for (const target of this.functionsHeld(this.resolver.value(ast.object, index)))
                out.refs.push([target, ref]);
          }
          // `tarteaucitron.services.x.js()`: the app reading back a callback it stored for the CMP
          // (which the Resolver does not follow into a global's properties) may run it without consent.
          if (ast.type === 'MemberExpression' || ast.type === 'OptionalMemberExpression') {
            const name = propertyName(ast);
            const keys = ownHeld ?? (name ? this.classifier.readKeys(v, name, index) : []);
            for (const key of keys) out.byName.push([key, ref]);
          }
          // An object or namespace handed where the analysis cannot follow (spread, a library,
          // `Object.values`): whatever receives it may call every function it holds, here.
          if (
            alternatives(v).some((a) => a.kind === 'object' || a.kind === 'namespace') &&
            leaves(useOf(ast, index, this.sinkOptions.valueUses!), index, this.resolver)
          ) {
            for (const target of this.functionsHeld(v))
              out.refs.push([target, this.withObjectCallbackGrants(ref, target)]);
          }
          break;
        }
        case 'ObjectMethod': {
          // A method of an object literal created where it leaves the analysis is called from there.
          const holder = index.parent.get(ast);
          if (holder && holder.type === 'ObjectExpression') {
            const left = leaves(useOf(holder, index, this.sinkOptions.valueUses!), index, this.resolver);
            // A CMP option's callback (`onAccept` beside `name: 'analytics'`) runs only once granted.
            const extra = this.within(from, () => this.classifier.objectCallbackGrants(ast, index));
            // Kept in an object the CMP reads (`window.klaroConfig = {…}`): the CMP calls it, from here.
            if (left || extra) out.refs.push([this.unit(ast, index), { from, ast, nodeIds: ids, extra }]);
          }
          break;
        }
        case 'FunctionExpression':
        case 'ArrowFunctionExpression': {
          const prop = index.parent.get(ast);
          const holder = prop?.type === 'ObjectProperty' && prop.value === ast ? index.parent.get(prop) : undefined;
          const leavesInObject =
            holder?.type === 'ObjectExpression' &&
            leaves(useOf(holder, index, this.sinkOptions.valueUses!), index, this.resolver);
          if (!escapes(ast, index) && !leavesInObject) {
            // Kept in an object the CMP reads (`window.klaroConfig = {…}`): the CMP calls it, from here.
            const extra =
              holder?.type === 'ObjectExpression'
                ? this.within(from, () => this.classifier.objectCallbackGrants(ast, index))
                : 0;
            if (extra) out.refs.push([this.unit(ast, index), { from, ast, nodeIds: ids, extra }]);
            break;
          }
          const parent = index.parent.get(ast);
          let extra = 0;
          if (parent && (parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression')) {
            const i = parent.arguments.indexOf(ast);
            extra = this.within(from, () => this.classifier.callbackGrants(parent, index))?.get(i) ?? 0;
          } else if (leavesInObject) extra = this.within(from, () => this.classifier.objectCallbackGrants(ast, index));
          out.refs.push([this.unit(ast, index), { from, ast, nodeIds: ids, extra }]);
          break;
        }
        case 'ClassDeclaration':
        case 'ClassExpression':
          for (const m of ast.body.body)
            if (m.type === 'StaticBlock') out.refs.push([this.unit(m, index), { from, ast, nodeIds: ids, extra: 0 }]);
          break;
      }
    });
    this.project.forgetAsksSince(mark);
    const d = this.project.frames.end(frame);
    if (d) out.partial = d;
    from.outgoing = out;
    // Most units are on no chain to a sink: their flow states are never asked for, and their graph
    // (as large as their AST) would stay for nothing. One that missed a file is searched again once it
    // is parsed and keeps it (one that read a growing fact rarely is searched again, and many read one).
    if (!from.states && !out.partial?.missed) from.graph = undefined;
    return out;
  }

  private computeReferences(units: Unit[]): void {
    const refs = new Map<Unit, Ref[]>();
    const add = (target: Unit, ref: Ref) => {
      const list = refs.get(target);
      if (list) list.push(ref);
      else refs.set(target, [ref]);
    };
    const methodsByName = new Map<string, Unit[]>();
    const held = this.classifier.assignedCallbackNames;
    for (const u of units) {
      const heldKeys =
        held.size &&
        (u.node.type === 'FunctionExpression' ||
          u.node.type === 'ArrowFunctionExpression' ||
          u.node.type === 'ObjectMethod')
          ? this.classifier.heldKeys(u.node, u.index)
          : [];
      if (heldKeys.length) this.wantHeldReaders();
      for (const name of [methodName(u.node), ...heldKeys]) {
        if (!name) continue;
        const l = methodsByName.get(name) ?? [];
        l.push(u);
        methodsByName.set(name, l);
      }
    }
    for (const from of units) {
      const out = this.outgoing(from);
      for (const [target, ref] of out.refs) add(target, ref);
      for (const [name, ref] of out.byName) for (const target of methodsByName.get(name) ?? []) add(target, ref);
    }
    this.refs = refs;
  }

  private heldReaders: string[] | undefined;

  /**
   * A callback stored for a CMP (`tarteaucitron.services.x = { js() {…} }`) is referenced by any
   * file reading it back, which names the CMP's global but maybe no SDK: parse those files too.
   */
  private wantHeldReaders(): void {
    if (!this.heldReaders) {
      const names = this.classifier.assignedCallbackRoots;
      const re = names.length ? new RegExp(`\\b(?:${names.map(escapeRegExp).join('|')})\\b`) : undefined;
      this.heldReaders = re ? this.project.filesMatching(re, names).filter((rel) => SCRIPT_HOLDER.test(rel)) : [];
    }
    for (const rel of this.heldReaders) if (!this.project.isParsed(rel)) this.project.want(rel);
  }

  /** Functions an object literal or module namespace holds (nested objects too, to a small depth). */
  /**
   * A function held by an object that reaches a CMP call as a callback option
   * (`optionalCookies[].onAccept`, see GuardClassifier.objectCallbackGrants):
   * where the object is handed over, the function runs only once granted.
   */
  private withObjectCallbackGrants(ref: Ref, target: Unit): Ref {
    const fn = target.node;
    if (fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression' && fn.type !== 'ObjectMethod')
      return ref;
    const extra = this.within(ref.from, () => this.classifier.objectCallbackGrants(fn, target.index));
    return extra ? { ...ref, extra } : ref;
  }

  private functionsHeld(v: Value | undefined, depth = 0): Unit[] {
    const out: Unit[] = [];
    if (depth > 3) return out;
    for (const a of alternatives(v)) {
      if (a.kind === 'object') {
        for (const p of a.node.properties) {
          if (p.type === 'ObjectMethod') out.push(this.unit(p, a.index));
          else if (p.type === 'ObjectProperty')
            out.push(...this.functionsHeld(this.resolver.value(p.value, a.index), depth + 1));
        }
      } else if (a.kind === 'function') out.push(this.unit(a.node, a.index));
      // `{ optionalCookies: [{ onAccept() {} }] }`: the functions its elements hold.
      else if (a.kind === 'array') {
        for (const el of a.node.elements)
          if (el && el.type !== 'SpreadElement')
            out.push(...this.functionsHeld(this.resolver.value(el, a.index), depth + 1));
      } else if (a.kind === 'namespace') {
        for (const name of exportNames(a.module, this.resolver))
          out.push(...this.functionsHeld(this.resolver.exportValue(a.module, name, 0), depth + 1));
      }
    }
    return out;
  }

  private subclassIndex: { parsed: number; byClass: Map<t.Node, { node: t.Class; index: ScriptIndex }[]> } | undefined;

  /** Methods overriding `fn` (a class method) in the subclasses known so far, transitively. */
  private overrides(fn: t.Node, index: ScriptIndex): Unit[] {
    const name = methodName(fn);
    const cls = name ? index.parent.get(index.parent.get(fn) ?? fn) : undefined;
    if (
      !name ||
      !cls ||
      (cls.type !== 'ClassDeclaration' && cls.type !== 'ClassExpression') ||
      (fn as t.ClassMethod).static
    )
      return [];
    if (!this.subclassIndex || this.subclassIndex.parsed !== this.project.parsed.length) {
      const byClass = new Map<t.Node, { node: t.Class; index: ScriptIndex }[]>();
      for (const m of this.project.parsed) {
        for (const s of m.scripts) {
          for (const node of [...s.nodesOfType('ClassDeclaration'), ...s.nodesOfType('ClassExpression')]) {
            if ((node.type !== 'ClassDeclaration' && node.type !== 'ClassExpression') || !node.superClass) continue;
            for (const sup of alternatives(this.resolver.value(node.superClass, s))) {
              if (sup.kind !== 'class') continue;
              const list = byClass.get(sup.node) ?? [];
              list.push({ node, index: s });
              byClass.set(sup.node, list);
            }
          }
        }
      }
      this.subclassIndex = { parsed: this.project.parsed.length, byClass };
    }
    const out: Unit[] = [];
    const seen = new Set<t.Node>();
    const queue = [cls];
    while (queue.length) {
      const c = queue.pop()!;
      for (const sub of this.subclassIndex.byClass.get(c) ?? []) {
        if (seen.has(sub.node)) continue;
        seen.add(sub.node);
        queue.push(sub.node);
        for (const m of sub.node.body.body)
          if (m.type === 'ClassMethod' && !m.static && methodName(m) === name) out.push(this.unit(m, sub.index));
      }
    }
    return out;
  }

  /** Units that run when a class is constructed: its constructor and field initialisers. */
  private classUnits(cls: t.Class, index: ScriptIndex): Unit[] {
    const out: Unit[] = [this.unit(cls.body, index)];
    for (const m of cls.body.body)
      if (m.type === 'ClassMethod' && m.kind === 'constructor') out.push(this.unit(m, index));
    return out;
  }

  /**
   * Entries of the units the findings read: those holding a sink and every unit
   * referencing them, transitively. An entry depends only on the references into
   * its unit (backward), and a root reaching a unit reaches it through that
   * closure, so the fixpoint over the closure equals the whole program's there;
   * units outside it need no flow states at all.
   */
  private computeEntries(units: Unit[], sinkUnits: Set<Unit>): void {
    const closure = referencingClosure(sinkUnits, (u) => this.refs.get(u));
    const { entries, roots } = computeEntries<Unit>({
      // In program order, as before the restriction (guard summaries are memoised as first asked).
      units: units.filter((u) => closure.has(u)),
      isProgram: (u) => u.node.type === 'Program',
      isRoot: (u) => u.index.module.frameworkEntries.has(u.node),
      rootEntry: (u) => this.rootEntry(u),
      refs: (u) => this.refs.get(u),
      states: (u) => this.states(u),
    });
    this.entries = entries;
    this.roots = roots;
  }

  // ------------------------------------------------------------ findings

  prove(modules: ModuleInfo[], rules: RuleSpec[]): ProofResult {
    const errors: AnalysisError[] = [];
    // The run's budget ran out before the proof (while following references): nothing is proven.
    if (this.budget.runOver) for (const m of modules) this.budget.cutFile(m.file);
    const units = this.allUnits(modules);
    this.computeReferences(units);
    const sinkUnits = new Set<Unit>();
    for (const m of modules)
      for (const sink of this.sinks(m, rules).sinks) sinkUnits.add(this.unit(sink.index.unitOf(sink.node), sink.index));
    this.computeEntries(units, sinkUnits);
    for (const u of units) {
      for (const bad of u.unsupported ?? this.graph(u).unsupported)
        errors.push(errorAt(u.index, bad.node, bad.message, 'unsupported'));
    }
    const byModule = new Map<ModuleInfo, Finding[]>();
    for (const m of modules) {
      const found = this.sinks(m, rules);
      errors.push(...found.errors);
      const list: Finding[] = [];
      for (const sink of found.sinks) {
        const f = this.check(sink, errors);
        if (f) list.push(f);
      }
      byModule.set(m, list);
    }
    // A file cut short while its sinks were being checked: all of them are findings, not just the later ones.
    for (const m of modules) {
      if (!this.budget.isCut(m.file)) continue;
      byModule.set(
        m,
        this.sinks(m, rules)
          .sinks.map((sink) => this.check(sink, []))
          .filter((f): f is Finding => f !== undefined),
      );
    }
    const findings = [...byModule.values()].flat();
    errors.push(...this.budget.errors());
    return { findings, errors, needs: this.project.takeWanted() };
  }

  private readonly sinkCache: SnapshotMemo<ModuleInfo, { sinks: Sink[]; errors: AnalysisError[] }>;

  private sinks(m: ModuleInfo, rules: RuleSpec[]): { sinks: Sink[]; errors: AnalysisError[] } {
    return this.sinkCache.compute(m, () => {
      const errors: AnalysisError[] = [];
      let sinks: Sink[] = [];
      try {
        sinks = this.budget.charge(m.file, () => findSinks(m, rules, this.resolver, errors, this.sinkOptions));
      } catch (e) {
        errors.push({
          file: m.file,
          line: 1,
          column: 1,
          kind: 'unsupported',
          message: `could not search for SDK calls: ${(e as Error).message}`,
        });
      }
      return { sinks, errors };
    });
  }

  /**
   * Search `modules` for sinks (remembered per snapshot). The sinks stage asks
   * for most of the files the analysis misses: the pipeline settles it first,
   * so the rest of the proof runs on a snapshot that asks for little more.
   */
  searchSinks(modules: ModuleInfo[], rules: RuleSpec[]): string[] {
    for (const m of modules) this.sinks(m, rules);
    return this.project.takeWanted();
  }

  /**
   * Modules whose importers must be parsed next: those holding a unit whose
   * entry state is still needed to decide some sink, for some purpose not
   * already known to be missing. A chain stops where its reference is guarded
   * locally, or where it is known unguarded (reached from a module top level),
   * so cost follows the unguarded chains, not the import graph.
   */
  expansionFrontier(
    modules: ModuleInfo[],
    rules: RuleSpec[],
  ): { frontier: { module: ModuleInfo; names: Set<string> | 'all' }[]; needs: string[] } {
    const units = this.allUnits(modules);
    this.computeReferences(units);
    const local = (u: Unit, ids: number[]): number => this.localState(u, ids);
    // Purposes known missing at each entry, whatever else is found later (references only ever add paths).
    const need = new Map<Unit, number>();
    const queue: Unit[] = [];
    const addNeed = (u: Unit, m: number) => {
      const next = (need.get(u) ?? 0) | m;
      if (u.node.type === 'Program' || next === (need.get(u) ?? 0)) return;
      need.set(u, next);
      queue.push(u);
    };
    const sinkUnits: [Unit, number][] = [];
    for (const m of modules) {
      for (const sink of this.sinks(m, rules).sinks) {
        const u = this.unit(sink.index.unitOf(sink.node), sink.index);
        const l = local(u, this.sinkIds(u, sink)) | this.stringGrants(u, sink);
        // Held back by an SDK switch on every path here: decided. Else its bits are needed too (a
        // purpose known missing does not decide a sink a switch may yet hold back).
        const held = this.heldBackMask(sink);
        sinkUnits.push([u, held & l ? 0 : (this.purposes.mask(sink.requires) | held) & ~l]);
      }
    }
    for (const [u, m] of sinkUnits) addNeed(u, m);
    while (queue.length) {
      const u = queue.pop()!;
      for (const r of this.refs.get(u) ?? [])
        addNeed(r.from, (need.get(u) ?? 0) & ~(local(r.from, r.nodeIds) | r.extra));
    }
    // Known-missing purposes along the needed chains (least fixpoint, worklist: ./entries.ts).
    const known = knownMissing<Unit>({
      units: need.keys(),
      isProgram: (u) => u.node.type === 'Program',
      refs: (u) => this.refs.get(u),
      local,
    });
    const knownOf = (u: Unit) => (u.node.type === 'Program' ? ALL : (known.get(u) ?? 0));
    const out = new Map<ModuleInfo, Set<string> | 'all'>();
    for (const [u, m] of need) {
      if (!(m & ~knownOf(u))) continue;
      const names = exportedAs(u.node, u.index);
      const prev = out.get(u.index.module);
      if (prev === 'all' || names === 'all') out.set(u.index.module, 'all');
      else out.set(u.index.module, new Set([...(prev ?? []), ...names]));
    }
    return { frontier: [...out].map(([module, names]) => ({ module, names })), needs: this.project.takeWanted() };
  }

  /**
   * For `consent-lint why`: each sink of a module with the flow graph of its
   * unit, the local must-states, the grants, and its entry state (call after
   * `prove`).
   */
  sinkContexts(
    m: ModuleInfo,
    rules: RuleSpec[],
  ): {
    sink: Sink;
    unit: t.Node;
    graph: FlowGraph;
    states: States;
    grants: Grants;
    entry: number;
    /** For script code kept in a string: what its own checks, the CMP running it or its blocking prove (stringGrants). */
    inString: number;
    /** The bits of the SDK switches that hold this sink back once they have run (`unlessDeferredBy`). */
    held: number;
    root: boolean;
    ids: number[];
    references: { hop: TraceStep; granted: number }[];
  }[] {
    return this.sinks(m, rules).sinks.map((sink) => {
      const u = this.unit(sink.index.unitOf(sink.node), sink.index);
      const graph = this.graph(u);
      const ids = this.sinkIds(u, sink);
      // Each reference entering the unit, with what holds there (its unit's entry, the local state, a guarded-callback API).
      const references = (this.refs.get(u) ?? []).map((r) => {
        const s = this.states(r.from);
        let granted = ALL;
        for (const id of r.nodeIds)
          if (s[id] !== undefined) granted &= (this.entries.get(r.from) ?? 0) | s[id] | r.extra;
        return { hop: hop(r.from.index, r.ast, refLabel(r.ast, r.from.index)), granted };
      });
      return {
        sink,
        unit: u.node,
        graph,
        states: this.states(u),
        grants: this.grants(u),
        entry: this.entries.get(u) ?? 0,
        inString: this.stringGrants(u, sink),
        held: this.heldBackMask(sink),
        root: this.roots.has(u),
        ids,
        references,
      };
    });
  }

  /** What holds on every path to the copies `ids` of a point in `u` (its entry not counted); ALL when none is reached. */
  private localState(u: Unit, ids: number[]): number {
    const s = this.states(u);
    let m = ALL;
    for (const id of ids) if (s[id] !== undefined) m &= s[id];
    return m;
  }

  /** The flow nodes where a sink is evaluated in its unit's graph (copies of it inside `finally` included). */
  private sinkIds(container: Unit, sink: Pick<Sink, 'node' | 'index'>): number[] {
    const g = this.graph(container);
    const pointsAt = (n: t.Node, kinds: readonly string[] = ['point']) =>
      (g.pointsOf.get(n) ?? []).filter((id) => kinds.includes(g.nodes[id].kind));
    let ids = pointsAt(sink.node);
    // A literal is no flow point (a plugin named in a build config's list, script code in a string):
    // it counts where the nearest point around it in its own function is (the `return` of a config
    // factory too), never an earlier (better guarded) one.
    if (!ids.length)
      for (
        let up = sink.index.parent.get(sink.node);
        !ids.length && up && up !== container.node;
        up = sink.index.parent.get(up)
      )
        ids = pointsAt(up, ['point', 'return']);
    return ids;
  }

  private check(sink: Sink, errors: AnalysisError[]): Finding | undefined {
    const { index } = sink;
    const container = this.unit(index.unitOf(sink.node), index);
    const g = this.graph(container);
    const s = this.states(container);
    const ids = this.sinkIds(container, sink);
    const required = this.purposes.mask(sink.requires);
    let state = ALL;
    let placed = false;
    const entry = this.entries.get(container) ?? 0;
    for (const id of ids) {
      if (s[id] === undefined) continue; // unreachable copy
      state &= entry | s[id];
      placed = true;
    }
    // The call releases the SDK only when the tests choosing its argument come out so: what they prove holds at it.
    if (placed && sink.selectedBy) state |= this.selectedGrants(sink.selectedBy, index);
    if (placed) state |= this.stringGrants(container, sink);
    if (!ids.length || g.unsupported.length || this.budget.isCut(index.script.file)) {
      // Never "compliant because we gave up": report with every purpose missing.
      if (!ids.length)
        errors.push(
          errorAt(
            index,
            sink.node,
            `could not place ${sink.callee} in a flow graph; reported as unguarded`,
            'unsupported',
          ),
        );
      state = 0;
      placed = true;
    }
    if (!placed) return undefined; // dead code
    // The SDK's own switch has run before it on every path (`setConsentRequired(true)`): held back.
    if (state & this.heldBackMask(sink)) return undefined;
    const missingMask = required & ~state;
    if (!missingMask) return undefined;
    const missing = sink.requires.filter((p) => missingMask & this.purposes.bit(p));
    const loc = locOf(sink.node)!;
    const { hops: trace, units } = this.trace(container, sink, missingMask & -missingMask);
    const dependsOn = new Set<string>(trace.map((h) => h.file));
    for (const u of units) for (const f of u.consulted ?? []) dependsOn.add(f);
    dependsOn.add(index.script.file);
    return {
      ruleId: sink.rule.id,
      severity: sink.rule.severity,
      file: index.script.file,
      line: loc.start.line,
      column: loc.start.column + 1,
      endLine: loc.end.line,
      endColumn: loc.end.column + 1,
      message: sink.escape
        ? `${sink.rule.message}: \`${sink.callee}\` ${sink.escape}, where consent-lint cannot follow it, without ${missing.map((p) => `'${p}'`).join(' and ')} consent; whatever receives it may call the SDK`
        : `${sink.rule.message}: \`${sink.callee}\` ${sink.uncertain ? `${sink.uncertain}; it ` : ''}is reachable without ${missing.map((p) => `'${p}'`).join(' and ')} consent`,
      requires: [...sink.requires],
      missing,
      trace,
      suppressed: false,
      identity: { path: declarationPath(sink.node, index), callee: sink.callee, ordinal: 0 },
      dependsOn: [...dependsOn].sort(),
    };
  }

  /** Purposes proven wherever a call is a sink: on each of its forms, every test that selects it, as it must come out. */
  private selectedGrants(selectedBy: Sink['selectedBy'], index: ScriptIndex): number {
    let grants = ALL;
    for (const list of selectedBy ?? []) {
      let form = 0;
      for (const { test, truthy } of list) {
        const o = this.classifier.outcome(test, index, 0);
        form |= truthy ? o.whenTrue : o.whenFalse;
      }
      grants &= form;
    }
    return selectedBy?.length ? grants : 0;
  }

  /**
   * For a call in script code kept in a string (`sink.within`), what holds at the call besides what
   * holds where the string runs: what the string's own code proves on every path to it (its guards,
   * by the same flow analysis: ownGrants), what selects its argument there, and, for a CMP option run as code,
   * what the CMP grants before running it (the function form's grant, GuardClassifier.objectCallbackGrants);
   * for the inline code of a JSX script element, what the CMP's script blocking proves (guards/blocking).
   */
  private stringGrants(container: Unit, sink: Sink): number {
    if (!sink.inString) return 0;
    // The inline code of a JSX `<script type="text/plain" data-cookieconsent="…">`: run by the CMP once granted.
    let grants = this.blocking.inlineJsxEntry(sink.node, sink.index);
    if (sink.codeOption)
      grants |= this.within(container, () =>
        this.classifier.objectCallbackGrants(sink.node as t.Expression, sink.index),
      );
    const w = sink.within;
    if (!w) return grants;
    grants |= this.ownGrants(w.node, w.index);
    if (w.selectedBy) grants |= this.selectedGrants(w.selectedBy, w.index);
    return grants;
  }

  /**
   * What a string's own script proves at `node` before it runs: the must-state there in its unit
   * (entry not counted), and, while that unit is an inline callback (`setTimeout(function () {…})`,
   * an IIFE: created where it is, never bound to a name), what holds where it is created, as the
   * proof reads inline callbacks. A function the string binds to a name may be called from anywhere
   * (a classic script's function is a page global): nothing more. Unplaced, or a graph with what it
   * cannot follow: nothing; a point never reached is never run.
   */
  private ownGrants(node: t.Node, index: ScriptIndex): number {
    let grants = 0;
    let at = node;
    for (let hops = 0; hops < 8; hops++) {
      const u = this.unit(index.unitOf(at), index);
      const g = this.graph(u);
      const ids = this.sinkIds(u, { node: at, index });
      if (!ids.length || g.unsupported.length) return grants;
      const m = this.localState(u, ids);
      if (m === ALL) return ALL;
      grants |= m;
      if (
        (u.node.type !== 'FunctionExpression' && u.node.type !== 'ArrowFunctionExpression') ||
        !escapes(u.node, index)
      )
        return grants;
      at = u.node;
    }
    return grants;
  }

  /** Hops from an unguarded entry to the sink, for one missing purpose. */
  private trace(container: Unit, sink: Sink, bit: number): { hops: TraceStep[]; units: Unit[] } {
    const hops: TraceStep[] = [
      hop(
        sink.index,
        sink.node,
        sink.within ? `${sink.within.callee}() in script code kept in a string` : `${sink.callee}()`,
      ),
    ];
    const seen = new Set<Unit>([container]);
    const units = [container];
    let u = container;
    for (;;) {
      const entry = this.entries.get(u) ?? 0;
      if (this.roots.has(u) || entry & bit) break;
      const s = (r: Ref) => this.states(r.from);
      const bad = (this.refs.get(u) ?? []).find(
        (r) =>
          !seen.has(r.from) &&
          r.nodeIds.some(
            (id) => s(r)[id] !== undefined && !(((this.entries.get(r.from) ?? 0) | s(r)[id]! | r.extra) & bit),
          ),
      );
      if (!bad) break;
      hops.push(hop(bad.from.index, bad.ast, refLabel(bad.ast, bad.from.index)));
      seen.add(bad.from);
      units.push(bad.from);
      u = bad.from;
    }
    hops.push(hop(u.index, u.node, entryLabel(u.node, u.index, this.roots.has(u), (this.refs.get(u) ?? []).length)));
    return { hops: hops.reverse(), units };
  }
}

// ------------------------------------------------------------ helpers

function isInside(inner: t.Node, outer: t.Node, index: ScriptIndex): boolean {
  for (let p = index.parent.get(inner); p; p = index.parent.get(p)) if (p === outer) return true;
  return false;
}

/** Does a function's source mention a name (cheap, conservative)? */
function mentions(fn: t.Node, name: string): boolean {
  let found = false;
  const visit = (n: t.Node): void => {
    if (found) return;
    if (n.type === 'Identifier' && n.name === name) found = true;
    else forEachChild(n, visit);
  };
  visit(fn);
  return found;
}

/**
 * The names under which other modules can import a unit: those of the
 * top-level declaration holding it, as exported. `all` when that cannot be
 * told from names alone (default exports, CommonJS, methods, classic scripts).
 */
function exportedAs(unit: t.Node, index: ScriptIndex): Set<string> | 'all' {
  if (index.script.kind !== 'module') return 'all';
  let stmt: t.Node = unit;
  for (let p = index.parent.get(stmt); p && p.type !== 'Program'; p = index.parent.get(stmt)) {
    if (p.type === 'ClassBody' || p.type === 'ObjectExpression') return 'all'; // a method: reached through its object
    stmt = p;
  }
  const declared = new Set<string>();
  let decl: t.Node = stmt;
  if (stmt.type === 'ExportDefaultDeclaration') return 'all';
  if (stmt.type === 'ExportNamedDeclaration') {
    if (!stmt.declaration) return 'all';
    decl = stmt.declaration;
  }
  if ((decl.type === 'FunctionDeclaration' || decl.type === 'ClassDeclaration') && decl.id) declared.add(decl.id.name);
  else if (decl.type === 'VariableDeclaration') {
    for (const d of decl.declarations)
      if (d.id.type === 'Identifier') declared.add(d.id.name);
      else return 'all';
  } else return 'all';
  const names = new Set<string>();
  if (stmt.type === 'ExportNamedDeclaration') for (const n of declared) names.add(n);
  for (const s of index.script.ast.program.body) {
    if (s.type === 'ExportNamedDeclaration' && !s.source) {
      for (const spec of s.specifiers) {
        if (spec.type !== 'ExportSpecifier' || spec.local.type !== 'Identifier' || !declared.has(spec.local.name))
          continue;
        const exported = spec.exported.type === 'Identifier' ? spec.exported.name : spec.exported.value;
        if (exported === 'default') return 'all';
        names.add(exported);
      }
    }
    if (
      s.type === 'ExportDefaultDeclaration' &&
      s.declaration.type === 'Identifier' &&
      declared.has(s.declaration.name)
    )
      return 'all';
    if (
      s.type === 'ExpressionStatement' &&
      /\b(module\.)?exports\b/.test(dottedName((s.expression as t.AssignmentExpression).left ?? s.expression) ?? '')
    )
      return 'all';
  }
  // Not exported: only its own module can refer to it, unless it also escapes into
  // an exported value, which resolution through that value finds.
  return names.size || declared.size ? names : 'all';
}

/**
 * Reading a declared name cannot throw, except a `let`/`const`/`class` read
 * before its declaration ran (the temporal dead zone): only names declared
 * earlier in the source are exempt.
 */
function readCannotThrow(id: t.Identifier, index: ScriptIndex): boolean {
  const b = index.binding(id);
  if (!b) return false;
  if (b.kind !== 'let' && b.kind !== 'const') return true;
  return (b.declaration.end ?? Infinity) <= (id.start ?? 0);
}

function methodName(n: t.Node): string | undefined {
  if ((n.type === 'ClassMethod' || n.type === 'ObjectMethod') && !n.computed && n.kind !== 'constructor') {
    return n.key.type === 'Identifier' ? n.key.name : n.key.type === 'StringLiteral' ? n.key.value : undefined;
  }
  return undefined;
}

/** Does a function expression escape where it is created (rather than being bound to a name we track)? */
function escapes(fn: t.Node, index: ScriptIndex): boolean {
  let p = index.parent.get(fn);
  let child: t.Node = fn;
  while (p && isWrapper(p)) {
    child = p;
    p = index.parent.get(p);
  }
  if (!p) return true;
  if (p.type === 'VariableDeclarator' && p.init === child && p.id.type === 'Identifier') return false;
  if (p.type === 'ObjectProperty' && p.value === child) return false;
  if ((p.type === 'ClassProperty' || p.type === 'ClassPrivateProperty') && p.value === child) return false;
  if (p.type === 'ExportDefaultDeclaration') return false;
  if (
    p.type === 'AssignmentExpression' &&
    p.right === child &&
    p.operator === '=' &&
    (p.left.type === 'Identifier' ||
      dottedName(p.left)?.startsWith('module.exports') ||
      dottedName(p.left)?.startsWith('exports.'))
  )
    return false;
  return true;
}

/** The binding of the identifier a member chain starts from (`cb` in `cb.call`), if any. */
function rootBinding(n: t.Node, index: ScriptIndex) {
  let root = n;
  while (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression' || isWrapper(root))
    root = isWrapper(root) ? root.expression : root.object;
  return root.type === 'Identifier' ? index.binding(root) : undefined;
}

/** The ids among `nodeIds` that are points (undefined when none): most lists hold exactly one, kept as is. */
function pointIds(nodeIds: number[], g: FlowGraph): number[] | undefined {
  let all = true;
  let any = false;
  for (const id of nodeIds) {
    if (g.nodes[id].kind === 'point') any = true;
    else all = false;
  }
  if (all) return any ? nodeIds : undefined;
  return any ? nodeIds.filter((id) => g.nodes[id].kind === 'point') : undefined;
}

/** `this.x` inside a function given as an option of a library call (its `this` is what the library calls it on). */
function callbackThisMember(e: t.Node, v: Value): boolean {
  if (e.type !== 'MemberExpression' && e.type !== 'OptionalMemberExpression') return false;
  if (e.object.type !== 'ThisExpression') return false;
  return alternatives(v).some(
    (a) => a.kind === 'path' && a.steps.some((s) => 'param' in s && s.param.parameter === -1),
  );
}
