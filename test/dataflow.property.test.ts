/**
 * The must-analysis on arbitrary graphs (not just the ones the builder makes),
 * against the definition: X is granted at P iff every path from the entry to P
 * crosses an edge or node that grants X, i.e. iff P is unreachable once those
 * are removed. The oracle is a plain reachability search per purpose.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mustGranted, type FlowGraph, type FlowNode, type Grants } from '../src/flow/index.js';

interface RandomGraph {
  n: number;
  edges: { from: number; to: number; label: 'normal' | 'true' | 'false' | 'exception'; gen: number }[];
  nodeGen: number[];
}

const graphArb = fc.integer({ min: 2, max: 12 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc.array(
      fc.record({
        from: fc.integer({ min: 0, max: n - 1 }),
        to: fc.integer({ min: 1, max: n - 1 }),
        label: fc.constantFrom('normal' as const, 'true' as const, 'false' as const, 'exception' as const),
        gen: fc.integer({ min: 0, max: 7 }),
      }),
      { maxLength: n * 3 },
    ),
    nodeGen: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: n, maxLength: n }),
  }),
);

function toFlowGraph(r: RandomGraph): { g: FlowGraph; grants: Grants } {
  const nodes: FlowNode[] = Array.from({ length: r.n }, (_, id) => ({
    id,
    kind: id === 0 ? 'entry' : 'point',
    succ: [],
  }));
  const edgeGen = new Map<string, number>();
  r.edges.forEach((e, i) => {
    nodes[e.from].succ.push({ to: e.to, label: e.label });
    edgeGen.set(`${e.from}:${nodes[e.from].succ.length - 1}`, i);
  });
  const g: FlowGraph = {
    owner: { type: 'Program' } as never,
    nodes,
    entry: 0,
    exit: 1,
    throwExit: 1,
    pointsOf: new Map(),
    unsupported: [],
  };
  const grants: Grants = {
    node: (n) => r.nodeGen[n.id],
    edge: (n, e) => {
      const i = edgeGen.get(`${n.id}:${n.succ.indexOf(e)}`)!;
      return e.label === 'true' || e.label === 'false' ? r.edges[i].gen : 0;
    },
  };
  return { g, grants };
}

/** Oracle: can `target` be reached from 0 without passing anything that grants `bit`? */
function reachableWithout(r: RandomGraph, target: number, bit: number): boolean {
  const seen = new Set([0]);
  const stack = [0];
  while (stack.length) {
    const v = stack.pop()!;
    if (v === target) return true;
    for (const e of r.edges) {
      if (e.from !== v || seen.has(e.to)) continue;
      // A node's own grant holds on its normal and branch edges, not when it throws.
      if (e.label !== 'exception' && r.nodeGen[v] & bit) continue;
      if ((e.label === 'true' || e.label === 'false') && e.gen & bit) continue;
      seen.add(e.to);
      stack.push(e.to);
    }
  }
  return false;
}

function reachable(r: RandomGraph, target: number): boolean {
  return reachableWithout(r, target, 0);
}

describe('must-analysis == "every path passes a grant" (random graphs)', () => {
  it('agrees with reachability for every node and purpose', () => {
    fc.assert(
      fc.property(graphArb, (r) => {
        const { g, grants } = toFlowGraph(r);
        const states = mustGranted(g, grants);
        for (let p = 0; p < r.n; p++) {
          expect(states[p] !== undefined).toBe(reachable(r, p));
          if (states[p] === undefined) continue;
          for (const bit of [1, 2, 4]) {
            const granted = (states[p]! & bit) !== 0;
            expect(granted).toBe(!reachableWithout(r, p, bit));
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});
