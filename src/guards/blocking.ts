/**
 * Script blocking in markup as a guard. A consent manager leaves
 * `<script type="text/plain" data-cookieconsent="statistics, marketing">`
 * inert and runs it (as a classic script) only once the user accepted every
 * category it names, so the script's top level is guarded for their
 * purposes. Which attribute names the categories, and how, is pack data
 * (`scriptBlocking` in a policy).
 */
import { posix } from 'node:path';
import type { ParsedScript, Policy, ScriptBlockingSpec } from '../model.js';
import { pageLoads } from '../parse/html.js';
import type { Project, ScriptIndex } from '../program/index.js';
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
    private readonly project?: Project,
  ) {
    this.specs = policies.flatMap((p) => p.scriptBlocking ?? []);
  }

  /**
   * What is granted when a script starts: its own `<script type="text/plain"
   * data-…>` element, or, for a file of its own (`tracking.js`, a page shown
   * in an iframe), the tags of the project's HTML pages that load it.
   */
  entryOf(index: ScriptIndex): number {
    return this.entry(index.script) || this.loadedEntry(index.script.file);
  }

  private loads: Map<string, { mask: number; from: string }[]> | undefined;

  /**
   * A file loaded only by blocked tags (`<script type="text/plain"
   * data-cookieconsent="marketing" src="js/tracking.js">`, `<iframe
   * data-cookieblock-src="embed.html" data-cookieconsent="marketing">`) runs
   * only after consent for what every one of them names. Nothing else may
   * load it: no module imports it and no other file mentions its name (a
   * bundler entry, a dynamic `script.src = …`), else nothing is granted.
   */
  loadedEntry(file: string): number {
    if (!this.project || !this.specs.length) return 0;
    if (!this.loads) {
      this.loads = new Map();
      for (const [rel, f] of this.project.files) {
        if (!/\.html?$/i.test(rel)) continue;
        for (const load of pageLoads(f.text)) {
          const target = localTarget(rel, load.src);
          if (!target) continue;
          const blocked = load.tag === 'iframe' ? !load.attributes.src : true;
          const attrs = load.tag === 'iframe' ? { ...load.attributes, type: 'text/plain' } : load.attributes;
          const mask = blocked
            ? this.matches({ attributes: attrs } as ParsedScript).reduce((m, x) => m | x.mask, 0)
            : 0;
          const list = this.loads.get(target) ?? [];
          list.push({ mask, from: rel });
          this.loads.set(target, list);
        }
      }
    }
    const list = this.loads.get(file);
    if (!list || !list.length) return 0;
    if (this.project.importersOf(file).length) return 0;
    const base = posix.basename(file);
    const loaders = new Set(list.map((l) => l.from));
    for (const [rel, f] of this.project.files) {
      if (rel === file || loaders.has(rel)) continue;
      if (f.text.includes(base)) return 0;
    }
    // Every loader page must mention the file only in the tags counted.
    for (const from of loaders) {
      const text = this.project.files.get(from)!.text;
      const mentions = text.split(base).length - 1;
      if (mentions > list.filter((l) => l.from === from).length) return 0;
    }
    return list.reduce((m, l) => m & l.mask, -1 >>> 2);
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

/** A project file a page's `src` names (relative to the page, or `/` to the scan root); undefined for other origins. */
function localTarget(page: string, src: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(src)) return undefined;
  const path = src.replace(/[?#].*$/, '');
  if (!path) return undefined;
  const joined = path.startsWith('/') ? path.slice(1) : posix.join(posix.dirname(page), path);
  const n = posix.normalize(joined);
  return n.startsWith('../') ? undefined : n;
}
