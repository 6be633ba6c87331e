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
import { forEachChild } from './ast.js';
import type { Project, ScriptIndex } from './project.js';
import type { Resolver } from './resolve.js';
import { alternatives, type Value } from './values.js';

export type CallLike = t.CallExpression | t.OptionalCallExpression | t.NewExpression;

export interface CallSite {
  call: CallLike;
  index: ScriptIndex;
}

export class CallSites {
  private indexed = 0;
  private readonly byFunction = new Map<t.Node, CallSite[]>();
  /** Calls whose callee stopped at a module not parsed then, by that module: looked at again once it is parsed. */
  private readonly pending = new Map<string, CallSite[]>();
  private retried = 0;

  /** `calleeResolver` must not itself follow values into parameters. */
  constructor(
    private readonly project: Project,
    private readonly calleeResolver: Resolver,
  ) {}

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

  /**
   * Index the modules parsed since the last look (parsing never stops while the analysis grows),
   * and again the calls whose callee lives in a module refused then and parsed since
   * (`run(Leanplum)` indexed before the module of `run` was parsed must still make `run`'s
   * parameter the SDK).
   */
  private update(): void {
    while (this.retried < this.project.refusedThenParsed.length) {
      const file = this.project.refusedThenParsed[this.retried++];
      const retry = this.pending.get(file) ?? [];
      this.pending.delete(file);
      for (const site of retry) this.add(site.call, site.index, true);
    }
    while (this.indexed < this.project.parsed.length) {
      const mod = this.project.parsed[this.indexed++];
      for (const index of mod.scripts) {
        const visit = (n: t.Node): void => {
          if (
            (n.type === 'CallExpression' || n.type === 'OptionalCallExpression' || n.type === 'NewExpression') &&
            n.arguments.length
          )
            this.add(n, index);
          forEachChild(n, visit);
        };
        visit(index.script.ast.program);
      }
    }
  }

  /** Index one call under the functions it may run (`again`: it may be listed under some already). */
  private add(call: CallLike, index: ScriptIndex, again = false): void {
    const refused = new Set<string>();
    const outer = this.project.onRefuse;
    this.project.onRefuse = (file) => refused.add(file);
    let targets;
    try {
      targets = this.targets(call, index);
    } finally {
      this.project.onRefuse = outer;
    }
    for (const target of targets) {
      const list = this.byFunction.get(target);
      if (!list) this.byFunction.set(target, [{ call, index }]);
      else if (!again || !list.some((c) => c.call === call)) list.push({ call, index });
    }
    for (const file of refused) {
      const list = this.pending.get(file);
      if (list) list.push({ call, index });
      else this.pending.set(file, [{ call, index }]);
    }
  }
}
