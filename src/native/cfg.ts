/**
 * A control-flow graph per native function (or closure) over the
 * intermediate form of ir.ts, in the node/edge vocabulary of src/flow
 * (`test` nodes whose `true`/`false` edges may grant, `point`s for calls and
 * closures created, `join`s), so src/flow/dataflow.ts's must-analysis runs on
 * it unchanged.
 *
 * `&&`, `||` and `!` in conditions become chains of tests; Swift's comma
 * conditions are conjunctions; `guard … else` continues on the true side;
 * `switch`/`when` cases are tests `subject == pattern`; a `try` body may jump
 * to its handlers from its first point on (the handler's state is at most the
 * state at the `try`); `finally` runs after the normal path and is also
 * reachable from the `try`'s start (so it never claims more than held there).
 *
 * Member reads that `memberPoint` selects (property paths of sinks and starts,
 * `Firebase.analytics`) are points too; an assignment to a member that
 * `setterCall` names a setter of is the point of that call, made up here:
 * Kotlin's `OneSignal.consentGiven = true` calls the JVM setter
 * `OneSignal.setConsentGiven(true)`, Swift's
 * `pushManager.userNotificationsEnabled = true` the property's setter,
 * `pushManager.userNotificationsEnabled(true)`.
 */
import type { EdgeLabel, FlowNode } from '../flow/graph.js';
import type { Expr, Stmt } from './ir.js';

export interface NativeGraph {
  nodes: FlowNode[];
  entry: number;
  exit: number;
  throwExit: number;
  /** Test node id -> the leaf condition tested. */
  tests: Map<number, Expr>;
  /** Point node id -> the call or closure evaluated there. */
  points: Map<number, Expr>;
}

interface Target {
  kind: 'loop' | 'switch';
  breakTo: number;
  continueTo?: number;
}

export function buildNativeGraph(
  body: Stmt[],
  memberPoint: (name: string) => boolean = () => false,
  setterCall: (name: string) => string | undefined = () => undefined,
): NativeGraph {
  return new GraphBuilder(memberPoint, setterCall).build(body);
}

class GraphBuilder {
  private g: NativeGraph = { nodes: [], entry: 0, exit: 0, throwExit: 0, tests: new Map(), points: new Map() };
  private cur: number | null = null;
  private targets: Target[] = [];
  private handlers: number[] = [];

  constructor(
    private readonly memberPoint: (name: string) => boolean,
    private readonly setterCall: (name: string) => string | undefined,
  ) {}

  build(body: Stmt[]): NativeGraph {
    this.g.entry = this.node('entry');
    this.g.exit = this.node('exit');
    this.g.throwExit = this.node('throw');
    this.cur = this.g.entry;
    this.stmts(body);
    this.goto(this.g.exit);
    return this.g;
  }

  private node(kind: FlowNode['kind']): number {
    const id = this.g.nodes.length;
    this.g.nodes.push({ id, kind, succ: [] });
    return id;
  }

  private edge(from: number | null, to: number, label: EdgeLabel = 'normal'): void {
    if (from === null) return;
    this.g.nodes[from].succ.push({ to, label });
  }

  private goto(to: number): void {
    this.edge(this.cur, to);
    this.cur = null;
  }

  /** Continue at a fresh node after `from` (null: unreachable). */
  private step(kind: FlowNode['kind']): number {
    const n = this.node(kind);
    this.edge(this.cur, n);
    this.cur = n;
    return n;
  }

  private stmts(list: Stmt[]): void {
    for (const s of list) this.stmt(s);
  }

  private stmt(s: Stmt): void {
    switch (s.k) {
      case 'expr':
        this.expr(s.e);
        break;
      case 'decl':
        if (s.init) this.expr(s.init);
        break;
      case 'assign': {
        this.expr(s.value);
        const setter = s.target.k === 'member' ? this.setterCall(s.target.name) : undefined;
        if (s.target.k === 'member' && setter) {
          // a property setter: the call `obj.setter(value)`
          this.expr(s.target.obj);
          const p = this.step('point');
          this.g.points.set(p, { k: 'call', recv: s.target.obj, name: setter, args: [s.value], node: s.node });
        } else this.expr(s.target);
        break;
      }
      case 'block':
        this.stmts(s.body);
        break;
      case 'if': {
        const t = this.node('join');
        const f = this.node('join');
        const after = this.node('join');
        this.condition(this.conj(s.cond, s.node), t, f);
        this.cur = t;
        this.stmts(s.then);
        this.goto(after);
        this.cur = f;
        if (s.else) this.stmts(s.else);
        this.goto(after);
        this.cur = after;
        break;
      }
      case 'guard': {
        const t = this.node('join');
        const f = this.node('join');
        this.condition(this.conj(s.cond, s.node), t, f);
        this.cur = f;
        this.stmts(s.else);
        this.goto(t); // Swift requires the else branch to exit; if it does not, it rejoins
        this.cur = t;
        break;
      }
      case 'return':
        if (s.e) this.expr(s.e);
        this.goto(this.g.exit);
        break;
      case 'throw':
        if (s.e) this.expr(s.e);
        this.goto(this.handlers.length ? this.handlers[this.handlers.length - 1] : this.g.throwExit);
        break;
      case 'break': {
        const t = this.targets[this.targets.length - 1];
        this.goto(t ? t.breakTo : this.g.exit);
        break;
      }
      case 'continue': {
        const t = [...this.targets].reverse().find((x) => x.kind === 'loop');
        this.goto(t?.continueTo ?? this.g.exit);
        break;
      }
      case 'loop': {
        if (s.init) this.stmts(s.init);
        const head = this.step('join');
        const body = this.node('join');
        const after = this.node('join');
        const cont = this.node('join');
        if (s.postTest) {
          this.goto(body);
        } else if (s.cond) {
          this.condition(s.cond, body, after);
        } else {
          // for-each / unknown condition: may run zero or more times
          const f = this.step('fork');
          this.edge(f, body);
          this.edge(f, after);
          this.cur = null;
        }
        this.cur = body;
        this.targets.push({ kind: 'loop', breakTo: after, continueTo: cont });
        this.stmts(s.body);
        this.targets.pop();
        this.goto(cont);
        this.cur = cont;
        for (const u of s.update ?? []) this.expr(u);
        if (s.postTest && s.cond) this.condition(s.cond, head, after);
        else this.goto(head);
        this.cur = after;
        break;
      }
      case 'switch': {
        if (s.subject) this.expr(s.subject);
        const after = this.node('join');
        const entries = s.cases.map(() => this.node('join'));
        let defaultIdx = -1;
        s.cases.forEach((c, i) => {
          if (c.patterns === 'default') {
            defaultIdx = i;
            return;
          }
          for (const p of c.patterns) {
            const next = this.node('join');
            const test: Expr = s.subject ? { k: 'bin', op: '==', l: s.subject, r: p, node: p.node } : p;
            this.condition(test, entries[i], next);
            this.cur = next;
          }
        });
        if (defaultIdx >= 0) this.goto(entries[defaultIdx]);
        else this.goto(after);
        this.targets.push({ kind: 'switch', breakTo: after });
        s.cases.forEach((c, i) => {
          this.cur = entries[i];
          this.stmts(c.body);
          this.goto(s.fallthrough && i + 1 < entries.length ? entries[i + 1] : after);
        });
        this.targets.pop();
        this.cur = after;
        break;
      }
      case 'try': {
        const start = this.step('join');
        const handler = this.node('join');
        const after = this.node('join');
        const fin = s.finally ? this.node('join') : after;
        this.edge(start, handler);
        this.handlers.push(handler);
        this.stmts(s.body);
        this.handlers.pop();
        this.goto(fin);
        if (s.catches.length) {
          for (const c of s.catches) {
            this.cur = handler;
            this.stmts(c);
            this.goto(fin);
          }
        } else {
          // no catch: the exception propagates (after finally)
          this.cur = handler;
          this.goto(
            s.finally ? fin : this.handlers.length ? this.handlers[this.handlers.length - 1] : this.g.throwExit,
          );
        }
        if (s.finally) {
          this.edge(start, fin);
          this.cur = fin;
          this.stmts(s.finally);
          this.goto(after);
        }
        this.cur = after;
        break;
      }
    }
  }

  private conj(conds: Expr[], node: Expr['node']): Expr {
    if (!conds.length) return { k: 'seq', items: [], node };
    return conds.reduce((a, b) => ({ k: 'bin', op: '&&', l: a, r: b, node }));
  }

  /** Branch on `e`: its true outcomes go to `t`, false ones to `f`. */
  private condition(e: Expr, t: number, f: number): void {
    if (e.k === 'not') return this.condition(e.e, f, t);
    if (e.k === 'bin' && (e.op === '&&' || e.op === '||')) {
      const mid = this.node('join');
      if (e.op === '&&') this.condition(e.l, mid, f);
      else this.condition(e.l, t, mid);
      this.cur = mid;
      this.condition(e.r, t, f);
      return;
    }
    if (e.k === 'bin' && (e.op === '==' || e.op === '===') && e.r.k === 'lit' && typeof e.r.value === 'boolean') {
      return e.r.value ? this.condition(e.l, t, f) : this.condition(e.l, f, t);
    }
    // Evaluate the calls inside the condition, then test it.
    this.subexpressions(e);
    const n = this.step('test');
    this.g.tests.set(n, e);
    this.edge(n, t, 'true');
    this.edge(n, f, 'false');
    this.cur = null;
  }

  private subexpressions(e: Expr): void {
    switch (e.k) {
      case 'bin':
        this.expr(e.l);
        this.expr(e.r);
        break;
      case 'seq':
        for (const x of e.items) this.expr(x);
        break;
      default:
        this.expr(e);
    }
  }

  private expr(e: Expr): void {
    switch (e.k) {
      case 'name':
      case 'this':
      case 'lit':
      case 'enumCase':
        return;
      case 'member': {
        this.expr(e.obj);
        if (this.memberPoint(e.name)) this.g.points.set(this.step('point'), e);
        return;
      }
      case 'call': {
        if (e.recv) this.expr(e.recv);
        if (e.callee) this.expr(e.callee);
        for (const a of e.args) this.expr(a);
        const p = this.step('point');
        this.g.points.set(p, e);
        return;
      }
      case 'lambda': {
        const p = this.step('point');
        this.g.points.set(p, e);
        return;
      }
      case 'not':
        return this.expr(e.e);
      case 'bin': {
        if (e.op === '&&' || e.op === '||') {
          const t = this.node('join');
          const f = this.node('join');
          this.condition(e, t, f);
          const after = this.node('join');
          this.edge(t, after);
          this.edge(f, after);
          this.cur = after;
          return;
        }
        if (e.op === '?:' || e.op === '??') {
          this.expr(e.l);
          const fork = this.step('fork');
          const after = this.node('join');
          this.edge(fork, after);
          this.expr(e.r);
          this.goto(after);
          this.cur = after;
          return;
        }
        this.expr(e.l);
        this.expr(e.r);
        return;
      }
      case 'cond': {
        const t = this.node('join');
        const f = this.node('join');
        const after = this.node('join');
        this.condition(e.test, t, f);
        this.cur = t;
        this.stmts(e.then);
        this.goto(after);
        this.cur = f;
        this.stmts(e.else);
        this.goto(after);
        this.cur = after;
        return;
      }
      case 'jump':
        return this.stmt(e.s);
      case 'block':
        return this.stmts(e.body);
      case 'seq':
        for (const x of e.items) this.expr(x);
        return;
    }
  }
}
