/**
 * Script blocking in markup as a guard. A consent manager leaves
 * `<script type="text/plain" data-cookieconsent="statistics, marketing">`
 * inert and runs it (as a classic script) only once the user accepted every
 * category it names, so the script's top level is guarded for their
 * purposes. Which attribute names the categories, and how, is pack data
 * (`scriptBlocking` in a policy).
 */
import type { ParsedScript, Policy, ScriptBlockingSpec } from '../model.js';
import type { Purposes } from './purposes.js';

export interface BlockingMatch {
  spec: ScriptBlockingSpec;
  categories: string[];
  /** Purposes granted at the script's entry. */
  mask: number;
}

export class ScriptBlocking {
  private readonly specs: ScriptBlockingSpec[];

  constructor(
    policies: Policy[],
    private readonly purposes: Purposes,
  ) {
    this.specs = policies.flatMap((p) => p.scriptBlocking ?? []);
  }

  /** What the CMP proves before it runs this script (0 for a script that is not blocked). */
  entry(script: ParsedScript): number {
    return this.matches(script).reduce((m, x) => m | x.mask, 0);
  }

  matches(script: ParsedScript): BlockingMatch[] {
    const attrs = script.attributes;
    if (!attrs) return [];
    const type = (attrs.type ?? '').trim().toLowerCase();
    const out: BlockingMatch[] = [];
    for (const spec of this.specs) {
      if (!(spec.types ?? ['text/plain']).includes(type)) continue;
      let value = attrs[spec.attribute];
      if (value === undefined) continue;
      if (spec.prefix !== undefined) {
        const token = value.split(/\s+/).find((t) => t.startsWith(spec.prefix!));
        if (token === undefined) continue;
        value = token.slice(spec.prefix.length);
      }
      const seps = spec.separator ?? ',';
      const categories = value
        .split(new RegExp(`[${seps.replace(/[\\\]^-]/g, '\\$&')}]`))
        .map((c) => c.trim())
        .filter(Boolean);
      if (!categories.length) continue;
      let mask = this.purposes.mask(spec.purposes ?? []);
      for (const c of categories) {
        if (spec.keys?.[c]) mask |= this.purposes.mask(spec.keys[c]);
        if (spec.keyIsPurpose) mask |= this.purposes.bit(c);
      }
      out.push({ spec, categories, mask });
    }
    return out;
  }
}
