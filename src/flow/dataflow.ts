/**
 * The must-analysis on a FlowGraph: for each node, the purposes granted on
 * *every* path from the entry to it. Granting happens on edges (a guard's
 * granted outcome) and after nodes (an assertion call completing normally).
 *
 * This is the spec's "every path that reaches P has passed a guard for X and
 * taken its granted side": the set of granted edges for X dominates P. It is
 * more precise than asking for a single dominating guard edge (two guards on
 * two branches both count), and equal to it whenever one edge suffices.
 *
 * The analysis only adds purposes (nothing revokes a grant within a run), so
 * its transfer functions are x -> x | g: the result for entry state E is
 * E | (result for entry 0). The proof exploits this to analyse each function
 * once, whatever its callers grant.
 */
import type { FlowEdge, FlowGraph, FlowNode } from './graph.js';

export interface Grants {
  /** Purposes granted after `node` completes (assertion calls). */
  node(node: FlowNode): number;
  /** Purposes granted when leaving `node` along `edge` (a test's outcome). */
  edge(node: FlowNode, edge: FlowEdge): number;
}

/** IN state per node id; `undefined` for nodes no path from the entry reaches. */
export type States = (number | undefined)[];

export function mustGranted(g: Pick<FlowGraph, 'nodes' | 'entry'>, grants: Grants, entryState = 0): States {
  const states: States = new Array<number | undefined>(g.nodes.length);
  const nodeGen = new Array<number | undefined>(g.nodes.length);
  states[g.entry] = entryState;
  const work: number[] = [g.entry];
  const queued = new Uint8Array(g.nodes.length);
  queued[g.entry] = 1;
  while (work.length) {
    const id = work.pop()!;
    queued[id] = 0;
    const n = g.nodes[id];
    let gen = nodeGen[id];
    if (gen === undefined) gen = nodeGen[id] = grants.node(n);
    const out = states[id]! | gen;
    for (const e of n.succ) {
      const v = e.label === 'normal' ? out : e.label === 'exception' ? states[id]! : out | grants.edge(n, e);
      const old = states[e.to];
      const next = old === undefined ? v : old & v;
      if (next !== old) {
        states[e.to] = next;
        if (!queued[e.to]) {
          queued[e.to] = 1;
          work.push(e.to);
        }
      }
    }
  }
  return states;
}
