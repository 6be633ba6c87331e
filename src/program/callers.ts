/**
 * Call sites of project functions, for values that flow into parameters
 * (`startEngagement(Leanplum)` makes `sdk` in `startEngagement(sdk)` the SDK).
 *
 * Built from every call in the parsed modules whose callee resolves, without
 * following values into parameters (a second Resolver that does not ask this
 * index: no cycle). A call whose callee cannot be resolved passes its
 * arguments where the analysis cannot follow them: the sinks stage reports an
 * SDK value there as an escape, so a parameter only ever receives the SDK
 * through a call listed here.
 */
import type * as t from '@babel/types';
import type { Project, ScriptIndex } from './project.js';
import type { Resolver } from './resolve.js';
import type { GrowingFact } from './snapshot.js';
import { alternatives, type Value } from './values.js';

export type CallLike = t.CallExpression | t.OptionalCallExpression | t.NewExpression;

export interface CallSite {
  call: CallLike;
  index: ScriptIndex;
}

export class CallSites {
  private indexed = 0;
  private readonly byFunction = new Map<t.Node, CallSite[]>();

  /** `calleeResolver` must not itself follow values into parameters. */
  constructor(
    private readonly project: Project,
    private readonly calleeResolver: Resolver,
  ) {}

  /** How many times a function's call list grew: an answer that read it holds while this stays. */
  private readonly versions = new Map<t.Node, number>();
  private readonly facts = new Map<t.Node, GrowingFact>();

  /** The calls of `fn` as a growing fact (its version moves when a call of it is indexed). */
  fact(fn: t.Node): GrowingFact {
    let f = this.facts.get(fn);
    if (!f)
      this.facts.set(
        fn,
        (f = {
          version: () => {
            this.update();
            return this.versions.get(fn) ?? 0;
          },
        }),
      );
    return f;
  }

  /** Every known call of `fn` (for a class constructor: every `new` of the class). */
  of(fn: t.Node): CallSite[] {
    this.update();
    return this.byFunction.get(fn) ?? [];
  }

  /** The callee's value, as the index resolves it. */
  calleeValue(call: CallLike, index: ScriptIndex): Value | undefined {
    return this.calleeResolver.value(call.callee, index);
  }

  /** The project functions a call may run (what `of` indexes it under). */
  targets(call: CallLike, index: ScriptIndex): t.Node[] {
    const out: t.Node[] = [];
    for (const f of alternatives(this.calleeValue(call, index))) {
      if (f.kind === 'function') out.push(f.node);
      else if (f.kind === 'class' && call.type === 'NewExpression') {
        const ctor = f.node.body.body.find((m) => m.type === 'ClassMethod' && m.kind === 'constructor');
        if (ctor) out.push(ctor);
      }
    }
    return out;
  }

  /** Calls whose callee resolution missed a module: indexed again once the snapshot grows. */
  private pending: CallSite[] = [];
  private pendingAt = 0;

  /** Index the modules parsed since the last look (the snapshot grows while the analysis runs). */
  private update(): void {
    if (this.pending.length && this.pendingAt !== this.project.generation) {
      const again = this.pending;
      this.pending = [];
      for (const site of again) this.add(site, true);
    }
    while (this.indexed < this.project.parsed.length) {
      const mod = this.project.parsed[this.indexed++];
      for (const index of mod.scripts) {
        for (const n of index.nodes) {
          if (
            (n.type === 'CallExpression' || n.type === 'OptionalCallExpression' || n.type === 'NewExpression') &&
            n.arguments.length
          )
            this.add({ call: n, index });
        }
      }
    }
    this.pendingAt = this.project.generation;
  }

  private add(site: CallSite, again = false): void {
    const frame = this.project.frames.begin();
    for (const target of this.targets(site.call, site.index)) {
      const list = this.byFunction.get(target);
      if (!list) this.byFunction.set(target, [site]);
      else if (!again || !list.some((s) => s.call === site.call)) list.push(site);
      else continue;
      this.versions.set(target, (this.versions.get(target) ?? 0) + 1);
    }
    // A callee that met a module not parsed (or declined) may resolve once it is parsed.
    if (this.project.frames.end(frame)?.missed) this.pending.push(site);
  }
}
