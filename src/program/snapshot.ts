/**
 * Answers over a program snapshot. The analysis never parses: a lookup of a
 * file the snapshot lacks is a miss (`Project.module`), asked for, and the
 * pipeline decides what to parse next. An answer computed while a miss
 * happened is partial: it holds until one of the files it missed is parsed,
 * and reusing it misses them again (they are asked for anew, so an ask is
 * never lost to a remembered answer). An answer that read a fact growing with
 * the snapshot (the calls of a function, the stores into a global, the
 * providers of contexts) holds while that fact stays as it was read (its
 * version). Every cache of facts that depend on what is parsed is a
 * `SnapshotMemo`; `Frames` records, per computation in progress, what it
 * missed and which growing facts it read.
 */

/**
 * A fact that grows with the snapshot: the calls of one function, the stores
 * into one global, the providers of the contexts. `version()` brings it up to
 * date with what is parsed and says how it stands; an answer that read it
 * holds while the version it read stays.
 */
export interface GrowingFact {
  version(): number;
}

/** What one computation depended on beyond the files it read. */
export interface Dependence {
  /** Files it missed: the answer holds until one of them is parsed. */
  missed?: Set<string>;
  /** Growing facts it read, with the version read: the answer holds while each stays at it. */
  facts?: Map<GrowingFact, number>;
}

/** Record `fact` at `version` in `into` (the oldest version read wins: an answer is as old as its oldest read). */
function noteFact(into: Map<GrowingFact, number>, fact: GrowingFact, version: number): void {
  const had = into.get(fact);
  if (had === undefined || version < had) into.set(fact, version);
}

/**
 * One collection per computation in progress, innermost last, copied on write:
 * a slot that holds nothing yet takes over a collection handed to it (an inner
 * computation's, or a reused answer's, which its memo entry keeps) instead of
 * copying it, and copies it only before adding to it. Most computations nest
 * several deep and depend on one or two things: this saves a copy per level.
 */
class CowStack<C> {
  private readonly slots: (C | undefined)[] = [];
  /** Whether a slot's collection is shared (not its own to add to). */
  private readonly shared: boolean[] = [];

  constructor(
    private readonly copy: (c: C | undefined) => C,
    /** Add what `from` holds to `into` (its own). */
    private readonly addAll: (into: C, from: C) => unknown,
  ) {}

  get depth(): number {
    return this.slots.length;
  }

  push(): void {
    this.slots.push(undefined);
    this.shared.push(false);
  }

  pop(): C | undefined {
    this.shared.pop();
    return this.slots.pop();
  }

  at(i: number): C | undefined {
    return this.slots[i];
  }

  /** The innermost slot's collection, its own to add to (undefined: nothing in progress). */
  own(): C | undefined {
    const top = this.slots.length - 1;
    if (top < 0) return undefined;
    const had = this.slots[top];
    if (had && !this.shared[top]) return had;
    this.shared[top] = false;
    return (this.slots[top] = this.copy(had));
  }

  /** The innermost computation depends on all of `c` too (shared when its slot holds nothing yet). */
  handOn(c: C): void {
    const top = this.slots.length - 1;
    if (top < 0 || this.slots[top] === c) return;
    if (!this.slots[top]) {
      this.slots[top] = c;
      this.shared[top] = true;
    } else this.addAll(this.own()!, c);
  }
}

/** The computations in progress, innermost last: what each missed, and the growing facts it read. */
export class Frames {
  private readonly missed = new CowStack<Set<string>>((had) => new Set(had), addFiles);
  private readonly facts = new CowStack<Map<GrowingFact, number>>((had) => new Map(had), addFacts);

  /** Start recording; returns the mark `end` takes. */
  begin(): number {
    this.missed.push();
    this.facts.push();
    return this.missed.depth - 1;
  }

  /** Stop recording: what the computation depended on (the enclosing one depends on it too). */
  end(mark: number): Dependence | undefined {
    // The common case: the innermost frame depended on nothing.
    if (mark === this.missed.depth - 1 && this.missed.at(mark) === undefined && this.facts.at(mark) === undefined) {
      this.missed.pop();
      this.facts.pop();
      return undefined;
    }
    let missed: Set<string> | undefined;
    let facts: Map<GrowingFact, number> | undefined;
    while (this.missed.depth > mark) {
      // Frames left open inside this one (an exception unwound them) are merged into it.
      const f = this.missed.pop();
      if (f) missed = missed ? addFiles(new Set(missed), f) : f;
      const g = this.facts.pop();
      if (g) facts = facts ? addFacts(new Map(facts), g) : g;
    }
    if (missed) this.missAll(missed);
    if (facts) this.readAll(facts);
    return missed || facts ? { missed, facts } : undefined;
  }

  /** The computation in progress missed `relPath`. */
  miss(relPath: string): void {
    this.missed.own()?.add(relPath);
  }

  /** The computation in progress missed every file of `files` (shared, not copied, when it missed nothing yet). */
  missAll(files: Set<string>): void {
    this.missed.handOn(files);
  }

  /** The computation in progress reads `fact` (brought up to date first); returns the version read. */
  read(fact: GrowingFact, version = fact.version()): number {
    const own = this.facts.own();
    if (own) noteFact(own, fact, version);
    return version;
  }

  /** The computation in progress reads every fact of `facts` at the version given (shared when it read none yet). */
  readAll(facts: Map<GrowingFact, number>): void {
    this.facts.handOn(facts);
  }
}

/** `into` with the files of `from` added. */
function addFiles(into: Set<string>, from: Set<string>): Set<string> {
  for (const rel of from) into.add(rel);
  return into;
}

/** `into` with the facts of `from` added, the oldest version of each winning. */
function addFacts(into: Map<GrowingFact, number>, from: Map<GrowingFact, number>): Map<GrowingFact, number> {
  for (const [fact, v] of from) noteFact(into, fact, v);
  return into;
}

/** What a memo needs of the project. */
export interface SnapshotClock {
  /** Moves whenever a module is parsed or a round begins: the only moments a dependence can stop holding. */
  readonly stamp: number;
  readonly frames: Frames;
  isParsed(relPath: string): boolean;
  /** Miss these files again (they are asked for anew). */
  replay(missed: Set<string>): void;
}

interface Entry<V> extends Dependence {
  value: V;
  /** The clock's stamp when the dependence was last found to hold. */
  held: number;
}

/**
 * Does an answer with this dependence still hold? Reusing it replays the
 * dependence (unless `replay` is false: the caller asks for nothing, as
 * reference search does).
 */
export function stillHolds(clock: SnapshotClock, d: Dependence, replay = true, checked = false): boolean {
  if (!checked) {
    if (d.facts) for (const [fact, v] of d.facts) if (fact.version() !== v) return false;
    if (d.missed) for (const rel of d.missed) if (clock.isParsed(rel)) return false;
  }
  if (replay) {
    if (d.missed) clock.replay(d.missed);
    if (d.facts) clock.frames.readAll(d.facts);
  }
  return true;
}

export class SnapshotMemo<K, V> {
  private readonly map = new Map<K, Entry<V>>();

  constructor(private readonly clock: SnapshotClock) {}

  /** The remembered answer, if it still holds for this snapshot. */
  get(key: K): { value: V } | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (!e.missed && !e.facts) return e;
    // Nothing parsed and no new round since it last held: it holds (only what it depends on is handed on).
    const stamp = this.clock.stamp;
    if (stillHolds(this.clock, e, true, e.held === stamp)) {
      e.held = stamp;
      return e;
    }
    this.map.delete(key);
    return undefined;
  }

  /**
   * Remember `value`, computed since `clock.frames.begin()` returned `frame`
   * (this ends the frame).
   */
  set(key: K, value: V, frame: number): V {
    const d = this.clock.frames.end(frame);
    // One object shape for every entry (a spread of `d` would give each combination its own).
    this.map.set(key, { value, missed: d?.missed, facts: d?.facts, held: this.clock.stamp });
    return value;
  }

  /** Compute once, for as long as the answer holds. */
  compute(key: K, f: () => V): V {
    const known = this.get(key);
    if (known) return known.value;
    const frame = this.clock.frames.begin();
    let value: V;
    try {
      value = f();
    } catch (e) {
      this.clock.frames.end(frame);
      throw e;
    }
    return this.set(key, value, frame);
  }
}
