/**
 * Answers over a program snapshot. The analysis never parses: a lookup of a
 * file the snapshot lacks is a miss (`Project.module`), asked for, and the
 * pipeline decides what to parse next. An answer computed while a miss
 * happened is partial: it holds until one of the files it missed is parsed,
 * and reusing it misses them again (they are asked for anew, so an ask is
 * never lost to a remembered answer). An answer that read facts growing with
 * the snapshot (every call of a function, every store into a global, every
 * provider of a context) holds for the pipeline's current round (epoch) only. Every cache of facts that depend on what is parsed is a
 * `SnapshotMemo`; `Frames` records, per computation in progress, what it
 * missed and whether it read growing facts.
 */

/** What one computation depended on beyond the files it read. */
export interface Dependence {
  /** Files it missed: the answer holds until one of them is parsed. */
  missed?: Set<string>;
  /** It read facts that grow with the snapshot (call sites, stores, providers): it holds for this epoch only. */
  growing?: boolean;
}

/** The computations in progress, innermost last: what each missed, and whether it read growing facts. */
export class Frames {
  private readonly missed: (Set<string> | undefined)[] = [];
  private readonly growing: boolean[] = [];

  /** Start recording; returns the mark `end` takes. */
  begin(): number {
    this.missed.push(undefined);
    this.growing.push(false);
    return this.missed.length - 1;
  }

  /** Stop recording: what the computation depended on (the enclosing one depends on it too). */
  end(mark: number): Dependence | undefined {
    let missed: Set<string> | undefined;
    let growing = false;
    while (this.missed.length > mark) {
      const f = this.missed.pop();
      if (f) for (const rel of f) (missed ??= new Set()).add(rel);
      growing = this.growing.pop()! || growing;
    }
    const top = this.missed.length - 1;
    if (top >= 0) {
      if (missed) {
        const parent = (this.missed[top] ??= new Set());
        for (const rel of missed) parent.add(rel);
      }
      if (growing) this.growing[top] = true;
    }
    return missed || growing ? { missed, growing } : undefined;
  }

  /** The computation in progress missed `relPath`. */
  miss(relPath: string): void {
    const top = this.missed.length - 1;
    if (top >= 0) (this.missed[top] ??= new Set()).add(relPath);
  }

  /** The computation in progress read facts that grow with the snapshot. */
  readGrowing(): void {
    const top = this.growing.length - 1;
    if (top >= 0) this.growing[top] = true;
  }
}

/** What a memo needs of the project. */
export interface SnapshotClock {
  /** The pipeline starts a new epoch at each round: answers that read growing facts are found again then. */
  readonly epoch: number;
  readonly frames: Frames;
  isParsed(relPath: string): boolean;
  /** Miss these files again (they are asked for anew). */
  replay(missed: Set<string>): void;
}

interface Entry<V> extends Dependence {
  value: V;
  /** The epoch it was computed in (set when it depends on something). */
  epoch?: number;
}

/**
 * Does an answer with this dependence, computed in `epoch`, still hold?
 * Reusing it replays the dependence (unless `replay` is false: the caller
 * asks for nothing, as reference search does).
 */
export function stillHolds(clock: SnapshotClock, d: Dependence, epoch: number, replay = true): boolean {
  if (d.growing && epoch !== clock.epoch) return false;
  if (d.missed) {
    for (const rel of d.missed) if (clock.isParsed(rel)) return false;
    if (replay) clock.replay(d.missed);
  }
  if (d.growing && replay) clock.frames.readGrowing();
  return true;
}

export class SnapshotMemo<K, V> {
  private readonly map = new Map<K, Entry<V>>();

  /**
   * `readsGrowing: false`: answers are invalidated by missed files only, not by a new epoch. For
   * the proof's per-module and per-unit results (sinks, flow states, summaries): the resolver's
   * answers under them follow growing facts, but re-searching every module in every round costs
   * more than the whole analysis did.
   */
  constructor(
    private readonly clock: SnapshotClock,
    private readonly readsGrowing = true,
  ) {}

  /** The remembered answer, if it still holds for this snapshot. */
  get(key: K): { value: V } | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.epoch === undefined) return e;
    if (stillHolds(this.clock, e, e.epoch)) return e;
    this.map.delete(key);
    return undefined;
  }

  /**
   * Remember `value`, computed since `clock.frames.begin()` returned `frame`
   * (this ends the frame).
   */
  set(key: K, value: V, frame: number): V {
    let d = this.clock.frames.end(frame);
    if (d && !this.readsGrowing) d = d.missed ? { missed: d.missed } : undefined;
    this.map.set(key, d ? { value, ...d, epoch: this.clock.epoch } : { value });
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
