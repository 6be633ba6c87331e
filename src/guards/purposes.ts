import type { Purpose } from '../model.js';

/**
 * Purpose names <-> bits. `param:N` pseudo-purposes stand for "the purpose named by parameter N";
 * `key:N` for "what parameter N, a CMP list's key (a OneTrust group id), is found in that list for".
 */
export class Purposes {
  private readonly bits = new Map<string, number>();
  private readonly names: string[] = [];
  static readonly PARAMS = 4;
  /** Prefix of the bits of SDK switches (`switch:N`, see Proof): flow facts, never listed as purposes. */
  static readonly SWITCH = 'switch:';

  constructor(private readonly aliases: Record<string, string> = {}) {
    for (let i = 0; i < Purposes.PARAMS; i++) this.bit(`param:${i}`);
    for (let i = 0; i < Purposes.PARAMS; i++) this.bit(`key:${i}`);
  }

  canonical(p: string): Purpose {
    return this.aliases[p] ?? p;
  }

  bit(p: Purpose): number {
    const name =
      p.startsWith('param:') || p.startsWith('key:') || p.startsWith(Purposes.SWITCH) ? p : this.canonical(p);
    let i = this.bits.get(name);
    if (i === undefined) {
      i = this.names.length;
      if (i >= 30) throw new Error('more than 22 distinct purposes are not supported');
      this.bits.set(name, i);
      this.names.push(name);
    }
    return 1 << i;
  }

  mask(list: Iterable<Purpose>): number {
    let m = 0;
    for (const p of list) m |= this.bit(p);
    return m;
  }

  list(mask: number): Purpose[] {
    const out: Purpose[] = [];
    for (let i = 2 * Purposes.PARAMS; i < this.names.length; i++)
      if (mask & (1 << i) && !this.names[i].startsWith(Purposes.SWITCH)) out.push(this.names[i]);
    return out;
  }

  /** Bits of `param:N` pseudo-purposes. */
  static readonly PARAM_MASK = (1 << Purposes.PARAMS) - 1;

  /** The bit of the `key:N` pseudo-purpose. */
  static keyBit(n: number): number {
    return 1 << (Purposes.PARAMS + n);
  }

  /** Bits of `key:N` pseudo-purposes. */
  static readonly KEY_MASK = Purposes.PARAM_MASK << Purposes.PARAMS;
}
