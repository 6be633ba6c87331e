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
 * The computations in progress, innermost last: what each missed, and the
 * growing facts it read. A frame that has recorded nothing yet takes over the
 * set or map an inner frame (or a reused answer) hands it instead of copying
 * it: the object is then shared with that answer's memo entry, so it is copied
 * before the frame adds to it (copy on write). Most computations nest several
 * deep and depend on one or two things, so this saves a copy per level.
 */
export class Frames {
  private readonly missed: (Set<string> | undefined)[] = [];
  private readonly facts: (Map<GrowingFact, number> | undefined)[] = [];
  /** Whether a frame's set / map is shared (not its own to add to). */
  private readonly missedShared: boolean[] = [];
  private readonly factsShared: boolean[] = [];

  /** Start recording; returns the mark `end` takes. */
  begin(): number {
    this.missed.push(undefined);
    this.facts.push(undefined);
    this.missedShared.push(false);
    this.factsShared.push(false);
    return this.missed.length - 1;
  }

  /** Stop recording: what the computation depended on (the enclosing one depends on it too). */
  end(mark: number): Dependence | undefined {
    // The common case: the innermost frame depended on nothing.
    if (mark === this.missed.length - 1 && this.missed[mark] === undefined && this.facts[mark] === undefined) {
      this.pop();
      return undefined;
    }
    let missed: Set<string> | undefined;
    let facts: Map<GrowingFact, number> | undefined;
    while (this.missed.length > mark) {
      // Frames left open inside this one (an exception unwound them) are merged into it.
      const f = this.missed[this.missed.length - 1];
      if (f) missed = missed ? union(missed, f) : f;
      const g = this.facts[this.facts.length - 1];
      if (g) facts = facts ? mergeFacts(facts, g) : g;
      this.pop();
    }
    const top = this.missed.length - 1;
    if (top >= 0) {
      if (missed) this.missAll(missed);
      if (facts) this.readAll(facts);
    }
    return missed || facts ? { missed, facts } : undefined;
  }

  private pop(): void {
    this.missed.pop();
    this.facts.pop();
    this.missedShared.pop();
    this.factsShared.pop();
  }

  /** The computation in progress missed `relPath`. */
  miss(relPath: string): void {
    const top = this.missed.length - 1;
    if (top < 0) return;
    const own = this.ownMissed(top);
    own.add(relPath);
  }

  /** The computation in progress missed every file of `files` (shared, not copied, when it missed nothing yet). */
  missAll(files: Set<string>): void {
    const top = this.missed.length - 1;
    if (top < 0) return;
    if (!this.missed[top]) {
      this.missed[top] = files;
      this.missedShared[top] = true;
    } else if (this.missed[top] !== files) {
      const own = this.ownMissed(top);
      for (const rel of files) own.add(rel);
    }
  }

  /** The computation in progress reads `fact` (brought up to date first); returns the version read. */
  read(fact: GrowingFact, version = fact.version()): number {
    const top = this.facts.length - 1;
    if (top >= 0) noteFact(this.ownFacts(top), fact, version);
    return version;
  }

  /** The computation in progress reads every fact of `facts` at the version given (shared when it read none yet). */
  readAll(facts: Map<GrowingFact, number>): void {
    const top = this.facts.length - 1;
    if (top < 0) return;
    if (!this.facts[top]) {
      this.facts[top] = facts;
      this.factsShared[top] = true;
    } else if (this.facts[top] !== facts) {
      const own = this.ownFacts(top);
      for (const [fact, v] of facts) noteFact(own, fact, v);
    }
  }

  private ownMissed(top: number): Set<string> {
    const had = this.missed[top];
    if (had && !this.missedShared[top]) return had;
    this.missedShared[top] = false;
    return (this.missed[top] = new Set(had));
  }

  private ownFacts(top: number): Map<GrowingFact, number> {
    const had = this.facts[top];
    if (had && !this.factsShared[top]) return had;
    this.factsShared[top] = false;
    return (this.facts[top] = new Map(had));
  }
}

/** A new set holding both (neither is changed: either may be shared). */
function union(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set(a);
  for (const x of b) out.add(x);
  return out;
}

/** A new map holding both, the oldest version of each fact winning (neither is changed). */
function mergeFacts(a: Map<GrowingFact, number>, b: Map<GrowingFact, number>): Map<GrowingFact, number> {
  const out = new Map(a);
  for (const [fact, v] of b) noteFact(out, fact, v);
  return out;
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
