/**
 * The worklist fixpoints (src/proof/entries.ts) against the round-robin ones
 * they replaced, on random reference graphs (cycles, self references, units
 * nothing references, unreachable points, extra purposes); and their cost on
 * the shape that made the round-robin quadratic.
 */
import { describe, expect, it } from 'vitest';
import { ALL, computeEntries, knownMissing, referencingClosure, type EntryRef } from '../../src/proof/entries.js';

interface U {
  id: number;
  program: boolean;
  states: (number | undefined)[];
}

/** The previous implementation, verbatim in substance (round-robin, copies). */
function roundRobinEntries(units: U[], refs: Map<U, EntryRef<U>[]>): { entries: Map<U, number>; roots: Set<U> } {
  const roots = new Set<U>();
  for (const u of units) if (u.program || !refs.get(u)?.length) roots.add(u);
  const reached = new Set<U>(roots);
  const callees = new Map<U, U[]>();
  for (const [target, list] of refs)
    for (const r of list) callees.set(r.from, [...(callees.get(r.from) ?? []), target]);
  const queue = [...roots];
  while (queue.length) {
    const u = queue.pop()!;
    for (const v of callees.get(u) ?? []) if (!reached.has(v)) (reached.add(v), queue.push(v));
  }
  for (const u of units) if (!reached.has(u)) roots.add(u);
  const entries = new Map<U, number>();
  for (const u of units) entries.set(u, roots.has(u) ? 0 : ALL);
  let changed = true;
  while (changed) {
    changed = false;
    for (const u of units) {
      if (roots.has(u)) continue;
      let e = ALL;
      for (const r of refs.get(u) ?? []) {
        const s = r.from.states;
        const fromEntry = entries.get(r.from) ?? 0;
        for (const id of r.nodeIds) if (s[id] !== undefined) e &= fromEntry | s[id] | r.extra;
      }
      if (e !== entries.get(u)) (entries.set(u, e), (changed = true));
    }
  }
  return { entries, roots };
}

function roundRobinKnown(
  need: U[],
  refs: Map<U, EntryRef<U>[]>,
  local: (from: U, ids: number[]) => number,
): Map<U, number> {
  const known = new Map<U, number>();
  const knownOf = (u: U) => (u.program ? ALL : (known.get(u) ?? 0));
  let changed = true;
  while (changed) {
    changed = false;
    for (const u of need) {
      let k = knownOf(u);
      for (const r of refs.get(u) ?? []) k |= knownOf(r.from) & ~(local(r.from, r.nodeIds) | r.extra);
      if (k !== knownOf(u)) (known.set(u, k), (changed = true));
    }
  }
  return known;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function randomGraph(seed: number) {
  const r = rng(seed);
  const n = 1 + Math.floor(r() * 25);
  const units: U[] = Array.from({ length: n }, (_, id) => ({
    id,
    program: r() < 0.15,
    states: Array.from({ length: 4 }, () => (r() < 0.2 ? undefined : Math.floor(r() * 16))),
  }));
  const refs = new Map<U, EntryRef<U>[]>();
  const m = Math.floor(r() * n * 2.5);
  for (let i = 0; i < m; i++) {
    const from = units[Math.floor(r() * n)];
    const to = units[Math.floor(r() * n)];
    const ids = Array.from({ length: 1 + Math.floor(r() * 2) }, () => Math.floor(r() * 4));
    const list = refs.get(to) ?? [];
    list.push({ from, nodeIds: ids, extra: r() < 0.2 ? 1 << Math.floor(r() * 4) : 0 });
    refs.set(to, list);
  }
  return { units, refs };
}

describe('worklist fixpoints equal the round-robin ones', () => {
  it('entries, on 2,000 random reference graphs', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const { units, refs } = randomGraph(seed);
      const want = roundRobinEntries(units, refs);
      const got = computeEntries<U>({
        units,
        isProgram: (u) => u.program,
        refs: (u) => refs.get(u),
        states: (u) => u.states,
      });
      expect(
        [...got.entries].map(([u, e]) => [u.id, e]),
        `seed ${seed}`,
      ).toEqual([...want.entries].map(([u, e]) => [u.id, e]));
      expect([...got.roots].map((u) => u.id).sort(), `seed ${seed}`).toEqual([...want.roots].map((u) => u.id).sort());
    }
  });

  it("entries over the referencing closure of any units are the whole graph's, on 2,000 random graphs", () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const { units, refs } = randomGraph(seed);
      const r = rng(seed * 7919);
      const targets = units.filter(() => r() < 0.2);
      const graph = { isProgram: (u: U) => u.program, refs: (u: U) => refs.get(u), states: (u: U) => u.states };
      const whole = computeEntries<U>({ units, ...graph });
      const closure = referencingClosure(targets, graph.refs);
      for (const t of targets) expect(closure.has(t)).toBe(true);
      const part = computeEntries<U>({ units: units.filter((u) => closure.has(u)), ...graph });
      for (const u of closure) {
        expect(part.entries.get(u), `seed ${seed} unit ${u.id}`).toBe(whole.entries.get(u));
        expect(part.roots.has(u), `seed ${seed} unit ${u.id}`).toBe(whole.roots.has(u));
      }
    }
  });

  it('known-missing purposes, on 2,000 random reference graphs', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const { units, refs } = randomGraph(seed);
      const local = (from: U, ids: number[]) => {
        let m = ALL;
        let any = false;
        for (const id of ids) if (from.states[id] !== undefined) ((m &= from.states[id]), (any = true));
        return any ? m : ALL;
      };
      const need = units.filter((u, i) => !u.program && i % 3 !== 1);
      const want = roundRobinKnown(need, refs, local);
      const got = knownMissing<U>({ units: need, isProgram: (u) => u.program, refs: (u) => refs.get(u), local });
      const norm = (m: Map<U, number>) => [...m].map(([u, k]) => [u.id, k]).sort((a, b) => a[0] - b[0]);
      expect(norm(got), `seed ${seed}`).toEqual(norm(want));
    }
  });

  it('a 200,000-unit chain written callee-first costs one pass', () => {
    const n = 200_000;
    const units: U[] = Array.from({ length: n }, (_, id) => ({ id, program: id === n - 1, states: [0] }));
    const refs = new Map<U, EntryRef<U>[]>();
    // unit i is referenced by unit i+1; the program (last) references the one before it
    for (let i = 0; i < n - 1; i++) refs.set(units[i], [{ from: units[i + 1], nodeIds: [0], extra: 0 }]);
    let statesAsked = 0;
    const t0 = performance.now();
    const got = computeEntries<U>({
      units,
      isProgram: (u) => u.program,
      refs: (u) => refs.get(u),
      states: (u) => (statesAsked++, u.states),
    });
    expect(performance.now() - t0).toBeLessThan(60_000);
    expect(statesAsked).toBe(n - 1);
    expect(got.entries.get(units[0])).toBe(0);
  });
});
