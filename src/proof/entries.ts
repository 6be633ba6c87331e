/**
 * The interprocedural fixpoints of the proof, as worklists over the reference
 * graph: each unit is recomputed only when the entry of a unit referencing it
 * changed, and an entry (a bit mask of purposes) can only lose bits, at most
 * 30 times. So the cost is O(references × 30), whatever order the units come
 * in — the round-robin passes these replace took one pass per link of a call
 * chain written callee-first (quadratic), and copied an array per reference.
 *
 * Both are exactly the fixpoints the round-robin computed (a monotone function
 * on a finite lattice has one greatest / least fixpoint, whatever the order of
 * chaotic iteration), and the flow states of referencing units are asked for
 * in the same order as before (guard summaries are memoised with a recursion
 * cut, so that order is observable).
 */
import type { States } from '../flow/index.js';

export const ALL = 0x3fffffff;

/** A reference to a unit, from a point (or copies of it) in another unit. */
export interface EntryRef<U> {
  from: U;
  nodeIds: number[];
  /** Purposes a guarded-callback API adds for this reference. */
  extra: number;
}

export interface EntryGraph<U> {
  /** Every unit, in a stable order. */
  units: readonly U[];
  /** Module top levels are always roots. */
  isProgram(u: U): boolean;
  /** Other units entered from outside the program (framework entries): roots too. */
  isRoot?(u: U): boolean;
  /** A root's entry state (a top level the CMP's markup blocks runs after consent); default 0. */
  rootEntry?(u: U): number;
  /** References to a unit. */
  refs(u: U): readonly EntryRef<U>[] | undefined;
  /** Must-granted states of a unit's flow graph (undefined: unreachable node). */
  states(u: U): States;
}

export interface Entries<U> {
  /** Entry state of every unit of `units`: purposes granted on every path into it. */
  entries: Map<U, number>;
  /** Units whose entry is unguarded by construction. */
  roots: Set<U>;
}

/**
 * `targets` and every unit referencing one of them, transitively. An entry
 * depends only on the references into its unit, and a root reaches a unit
 * only through units referencing it, so `computeEntries` over this closure
 * (in the same order) gives every unit of it the entry the whole graph gives.
 */
export function referencingClosure<U>(
  targets: Iterable<U>,
  refs: (u: U) => readonly EntryRef<U>[] | undefined,
): Set<U> {
  const closure = new Set(targets);
  const stack = [...closure];
  while (stack.length) {
    for (const r of refs(stack.pop()!) ?? []) {
      if (closure.has(r.from)) continue;
      closure.add(r.from);
      stack.push(r.from);
    }
  }
  return closure;
}

/**
 * Entries as the greatest fixpoint over the reference graph. Roots: module top
 * levels, units nothing references, and units no root reaches (cycles with no
 * outside caller); their entry is 0. Any other unit's entry is the AND, over
 * every reachable copy of every reference to it, of (entry of the referencing
 * unit | state at the reference | extra purposes of the reference).
 */
export function computeEntries<U>(graph: EntryGraph<U>): Entries<U> {
  const { units } = graph;
  const roots = new Set<U>();
  for (const u of units) {
    if (graph.isProgram(u) || graph.isRoot?.(u) || !graph.refs(u)?.length) roots.add(u);
  }
  // Callees of each unit (one push per reference, no copies), for reachability.
  const callees = new Map<U, U[]>();
  for (const u of units) {
    for (const r of graph.refs(u) ?? []) {
      const list = callees.get(r.from);
      if (list) list.push(u);
      else callees.set(r.from, [u]);
    }
  }
  const reached = new Set<U>(roots);
  const stack = [...roots];
  while (stack.length) {
    const u = stack.pop()!;
    for (const v of callees.get(u) ?? []) {
      if (!reached.has(v)) {
        reached.add(v);
        stack.push(v);
      }
    }
  }
  for (const u of units) if (!reached.has(u)) roots.add(u);

  const entries = new Map<U, number>();
  for (const u of units) entries.set(u, roots.has(u) ? (graph.rootEntry?.(u) ?? 0) : ALL);

  // Per non-root unit: its terms (referencing unit, local mask), flattened, and
  // who depends on whom. States are asked for in unit order, reference order.
  const termFrom: U[][] = [];
  const termMask: number[][] = [];
  const work: U[] = [];
  const dependents = new Map<U, number[]>();
  for (const u of units) {
    if (roots.has(u)) continue;
    work.push(u);
    const froms: U[] = [];
    const masks: number[] = [];
    for (const r of graph.refs(u) ?? []) {
      const s = graph.states(r.from);
      for (const id of r.nodeIds) {
        const local = s[id];
        if (local === undefined) continue;
        froms.push(r.from);
        masks.push(local | r.extra);
      }
    }
    termFrom.push(froms);
    termMask.push(masks);
  }
  for (let k = 0; k < work.length; k++) {
    const seen = new Set<U>();
    for (const from of termFrom[k]) {
      if (seen.has(from)) continue;
      seen.add(from);
      const list = dependents.get(from);
      if (list) list.push(k);
      else dependents.set(from, [k]);
    }
  }

  // Worklist (FIFO ring over slot numbers; each slot queued at most once at a time).
  const queued = new Uint8Array(work.length).fill(1);
  const ring = new Int32Array(work.length + 1);
  let head = 0;
  let tail = 0;
  const push = (k: number) => {
    ring[tail] = k;
    tail = tail === work.length ? 0 : tail + 1;
  };
  for (let k = 0; k < work.length; k++) push(k);
  let pending = work.length;
  while (pending > 0) {
    const k = ring[head];
    head = head === work.length ? 0 : head + 1;
    pending--;
    queued[k] = 0;
    const froms = termFrom[k];
    const masks = termMask[k];
    let e = ALL;
    for (let i = 0; i < froms.length; i++) e &= (entries.get(froms[i]) ?? 0) | masks[i];
    const u = work[k];
    if (e === entries.get(u)) continue;
    entries.set(u, e);
    for (const d of dependents.get(u) ?? []) {
      if (queued[d]) continue;
      queued[d] = 1;
      push(d);
      pending++;
    }
  }
  return { entries, roots };
}

export interface KnownGraph<U> {
  /** The units whose known-missing purposes are wanted (the needed chains), in a stable order. */
  units: Iterable<U>;
  isProgram(u: U): boolean;
  refs(u: U): readonly EntryRef<U>[] | undefined;
  /** Purposes guaranteed at a reference's points in the referencing unit (ALL when none is reachable). */
  local(from: U, nodeIds: number[]): number;
}

/**
 * Purposes known to be missing at each unit's entry whatever else is found
 * later (least fixpoint): a module top level misses everything; a unit misses
 * what any referencing unit misses and its reference does not add. Only units
 * of `units` are computed; others count as missing nothing (top levels: all).
 */
export function knownMissing<U>(graph: KnownGraph<U>): Map<U, number> {
  const known = new Map<U, number>();
  const knownOf = (u: U) => (graph.isProgram(u) ? ALL : (known.get(u) ?? 0));
  const list = [...graph.units];
  const inSet = new Set(list);
  const termFrom: U[][] = [];
  const termMask: number[][] = [];
  const dependents = new Map<U, number[]>();
  for (let k = 0; k < list.length; k++) {
    const froms: U[] = [];
    const masks: number[] = [];
    for (const r of graph.refs(list[k]) ?? []) {
      froms.push(r.from);
      masks.push(~(graph.local(r.from, r.nodeIds) | r.extra));
      if (inSet.has(r.from)) {
        const d = dependents.get(r.from);
        if (d) d.push(k);
        else dependents.set(r.from, [k]);
      }
    }
    termFrom.push(froms);
    termMask.push(masks);
  }
  const queued = new Uint8Array(list.length).fill(1);
  const stack: number[] = [];
  for (let k = list.length - 1; k >= 0; k--) stack.push(k);
  while (stack.length) {
    const k = stack.pop()!;
    queued[k] = 0;
    const u = list[k];
    let m = knownOf(u);
    const froms = termFrom[k];
    const masks = termMask[k];
    for (let i = 0; i < froms.length; i++) m |= knownOf(froms[i]) & masks[i];
    if (m === knownOf(u)) continue;
    known.set(u, m);
    for (const d of dependents.get(u) ?? []) {
      if (queued[d]) continue;
      queued[d] = 1;
      stack.push(d);
    }
  }
  return known;
}
