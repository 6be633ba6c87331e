/**
 * Answers over a program snapshot. The analysis never parses: a lookup of a
 * file the snapshot lacks is a miss (`Project.module`), asked for, and the
 * pipeline decides what to parse next. An answer computed while a miss
 * happened is partial: it holds for this snapshot only, and reusing it misses
 * the same files again (they are asked for anew, so an ask is never lost to a
 * remembered answer). Every cache of facts that depend on what is parsed is
 * one of these.
 */

/** What a memo needs of the project: the snapshot's generation, and the record of misses. */
export interface SnapshotClock {
  readonly generation: number;
  beginFrame(): number;
  endFrame(mark: number): Set<string> | undefined;
  replay(missed: Set<string>): void;
}

interface Entry<V> {
  value: V;
  /** Set when the answer is valid for this generation only. */
  generation?: number;
  /** The files the answer missed: reusing it misses them again. */
  missed?: Set<string>;
}

export class SnapshotMemo<K, V> {
  private readonly map = new Map<K, Entry<V>>();

  constructor(private readonly clock: SnapshotClock) {}

  /** The remembered answer, if still valid for this snapshot. */
  get(key: K): { value: V } | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.generation !== undefined && e.generation !== this.clock.generation) {
      this.map.delete(key);
      return undefined;
    }
    if (e.missed) this.clock.replay(e.missed);
    return e;
  }

  /**
   * Remember `value`, computed since `clock.beginFrame()` returned `frame`
   * (this ends the frame). `perGeneration`: the answer read facts that grow
   * with the snapshot (call sites) and holds for this generation only, even
   * without a miss.
   */
  set(key: K, value: V, frame: number, perGeneration = false): V {
    const missed = this.clock.endFrame(frame);
    this.map.set(key, missed || perGeneration ? { value, generation: this.clock.generation, missed } : { value });
    return value;
  }

  /** Compute once per snapshot (or for good, when nothing was missing). */
  compute(key: K, f: () => V): V {
    const known = this.get(key);
    if (known) return known.value;
    const frame = this.clock.beginFrame();
    let value: V;
    try {
      value = f();
    } catch (e) {
      this.clock.endFrame(frame);
      throw e;
    }
    return this.set(key, value, frame);
  }
}
