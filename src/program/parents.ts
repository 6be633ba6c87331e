/**
 * Parent links of one script's nodes, with a `Map`'s behaviour (`get` is
 * undefined for a node of another script; iteration in first-`set` order)
 * at a fraction of its memory: the links live on the nodes themselves, under
 * two symbols (about 8 bytes a node, where a Map entry took about 35; parent
 * links were a tenth of what a parsed file kept).
 *
 * A node can belong to one `ParentLinks` only; should one be linked by a
 * second (the same AST indexed twice), that second one keeps its links in a
 * plain Map instead, so neither answers for the other's nodes.
 */
import type * as t from '@babel/types';

const PARENT = Symbol('parent');
const OWNER = Symbol('owner');

interface Linked {
  [PARENT]?: t.Node;
  [OWNER]?: number;
}

let owners = 0;

export class ParentLinks implements Iterable<[t.Node, t.Node]> {
  private readonly owner = ++owners;
  /** Linked nodes, in first-link order. */
  private nodes: t.Node[] = [];
  /** When a node already belonged to another `ParentLinks`: every link, as a Map. */
  private map: Map<t.Node, t.Node> | undefined;

  get(n: t.Node): t.Node | undefined {
    if (this.map) return this.map.get(n);
    const x = n as Linked | undefined;
    return x?.[OWNER] === this.owner ? x[PARENT] : undefined;
  }

  has(n: t.Node): boolean {
    if (this.map) return this.map.has(n);
    return (n as Linked | undefined)?.[OWNER] === this.owner;
  }

  set(n: t.Node, parent: t.Node): this {
    if (this.map) {
      this.map.set(n, parent);
      return this;
    }
    const x = n as Linked;
    if (x[OWNER] !== this.owner) {
      if (x[OWNER] !== undefined) {
        this.map = new Map(this);
        this.nodes = [];
        this.map.set(n, parent);
        return this;
      }
      x[OWNER] = this.owner;
      this.nodes.push(n);
    }
    x[PARENT] = parent;
    return this;
  }

  get size(): number {
    return this.map ? this.map.size : this.nodes.length;
  }

  *[Symbol.iterator](): IterableIterator<[t.Node, t.Node]> {
    if (this.map) {
      yield* this.map;
      return;
    }
    for (const n of this.nodes) yield [n, (n as Linked)[PARENT]!];
  }

  /** Done linking for now: the order list at its exact size (a pushed array keeps room to grow). */
  trim(): void {
    this.nodes = this.nodes.slice();
  }
}
