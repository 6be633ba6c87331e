/**
 * Script blocking in markup as a guard. A consent manager leaves
 * `<script type="text/plain" data-cookieconsent="statistics, marketing">`
 * inert and runs it (as a classic script) only once the user accepted every
 * category it names, so the script's top level is guarded for their
 * purposes. Which attribute names the categories, and how, is pack data
 * (`scriptBlocking` in a policy).
 */
import { posix } from 'node:path';
import type * as t from '@babel/types';
import type { ParsedScript, Policy, ScriptBlockingSpec } from '../model.js';
import { pageLoads } from '../parse/html.js';
import { pageHtml } from '../parse/index.js';
import { forEachChild, keyName, type Project, type Resolver, type ScriptIndex } from '../program/index.js';
import { stringValue } from '../sinks/forms.js';
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
    private readonly resolver?: Resolver,
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
  /** Script elements of JSX components (`<Script type="text/plain" className="optanon-category-C0002" src="/x.js">`), per parsed module count. */
  private jsx: { parsed: number; loads: Map<string, { mask: number; from: string }[]> } | undefined;

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
        const html = pageHtml(rel, f.text);
        if (html === undefined) continue;
        for (const load of pageLoads(html)) {
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
    const list = [...(this.loads.get(file) ?? []), ...(this.jsxLoads().get(file) ?? [])];
    if (!list.length) return 0;
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

  /**
   * `<script>`/`<Script>` elements of the parsed JSX modules with a static `src`: what
   * their attributes block (`className` is `class`). A `type` whose value is not a known
   * string, or a spread, leaves the load unblocked. A root-absolute `src` names
   * the file under the scan root or a `public/` folder (Next.js, Vite, Create React App
   * serve `public/x.js` as `/x.js`). A module with a script element not parsed yet is
   * asked for; until then its text mentions the file, which is granted nothing.
   */
  private jsxLoads(): Map<string, { mask: number; from: string }[]> {
    const project = this.project;
    const resolver = this.resolver;
    if (!project || !resolver) return new Map();
    if (this.jsx && this.jsx.parsed === project.parsed.length) return this.jsx.loads;
    const loads = new Map<string, { mask: number; from: string }[]>();
    const publicFiles = new Map<string, string[]>();
    for (const rel of project.files.keys()) {
      const m = /(?:^|\/)public\/(.+)$/.exec(rel);
      if (m) publicFiles.set(m[1], [...(publicFiles.get(m[1]) ?? []), rel]);
    }
    for (const [rel, f] of project.files) {
      // A script element with a `src` attribute, and a blocking type somewhere in the file: not every
      // module whose strings mention `<script` (jQuery) is parsed for this.
      if (!/\.[cm]?[jt]sx?$/.test(rel) || !JSX_SCRIPT_SRC.test(f.text) || !f.text.includes('text/plain')) continue;
      // Asked for when not parsed yet: the pipeline parses it, and this answer is computed again.
      const mod = project.module(rel);
      if (!mod) continue;
      for (const index of mod.scripts) {
        const visit = (n: t.Node): void => {
          // The attributes decide a grant: the modules their constants come from are parsed whatever they name.
          if (n.type === 'JSXOpeningElement')
            project.insist(() => this.jsxLoad(n, index, resolver, mod.file, publicFiles, loads));
          forEachChild(n, visit);
        };
        visit(index.script.ast.program);
      }
    }
    this.jsx = { parsed: project.parsed.length, loads };
    return loads;
  }

  private jsxLoad(
    n: t.JSXOpeningElement,
    index: ScriptIndex,
    resolver: Resolver,
    from: string,
    publicFiles: Map<string, string[]>,
    loads: Map<string, { mask: number; from: string }[]>,
  ): void {
    if (n.name.type !== 'JSXIdentifier' || (n.name.name !== 'script' && n.name.name !== 'Script')) return;
    const { attributes, known } = jsxAttributes(n, index, resolver);
    const path = rootPath(attributes.src);
    if (!path) return;
    const mask = known ? this.matches({ attributes } as ParsedScript).reduce((m, x) => m | x.mask, 0) : 0;
    const targets = [...(this.project!.files.has(path) ? [path] : []), ...(publicFiles.get(path) ?? [])];
    for (const target of targets) {
      const list = loads.get(target) ?? [];
      list.push({ mask, from });
      loads.set(target, list);
    }
  }

  /**
   * Script code kept in a string that is the inline code of a JSX `<script>`/`<Script>` element
   * (`dangerouslySetInnerHTML={{ __html: code }}`, or a child): what the element's attributes block,
   * as for a page's `<script type="text/plain" data-…>` (nothing when a spread or a `type` that is no
   * known string may make it JavaScript at once).
   */
  inlineJsxEntry(code: t.Node, index: ScriptIndex): number {
    if (!this.resolver || !this.specs.length) return 0;
    const el = inlineScriptElement(code, index);
    if (!el) return 0;
    const { attributes, known } = jsxAttributes(el, index, this.resolver);
    return known ? this.entry({ attributes } as ParsedScript) : 0;
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

/** The `<script>`/`<Script>` element whose inline code `code` is: its `dangerouslySetInnerHTML` `__html`, or a child. */
function inlineScriptElement(code: t.Node, index: ScriptIndex): t.JSXOpeningElement | undefined {
  const up = index.parent.get(code);
  const el = up?.type === 'ObjectProperty' ? innerHtmlOf(up, code, index) : parentElement(up, index);
  return el?.name.type === 'JSXIdentifier' && (el.name.name === 'script' || el.name.name === 'Script') ? el : undefined;
}

/** The element whose `dangerouslySetInnerHTML={{ __html: code }}` is the property `prop`. */
function innerHtmlOf(prop: t.ObjectProperty, code: t.Node, index: ScriptIndex): t.JSXOpeningElement | undefined {
  if (prop.value !== code || prop.computed || keyName(prop.key) !== '__html') return undefined;
  const obj = index.parent.get(prop);
  const container = obj?.type === 'ObjectExpression' ? index.parent.get(obj) : undefined;
  const attr = container?.type === 'JSXExpressionContainer' ? index.parent.get(container) : undefined;
  if (attr?.type !== 'JSXAttribute' || attr.name.type !== 'JSXIdentifier') return undefined;
  const el = attr.name.name === 'dangerouslySetInnerHTML' ? index.parent.get(attr) : undefined;
  return el?.type === 'JSXOpeningElement' ? el : undefined;
}

/** The element a child (text, or the expression of a `{…}` child) is in. */
function parentElement(up: t.Node | undefined, index: ScriptIndex): t.JSXOpeningElement | undefined {
  const el = up?.type === 'JSXExpressionContainer' ? index.parent.get(up) : up;
  return el?.type === 'JSXElement' ? el.openingElement : undefined;
}

/**
 * A JSX element's attributes with known string values (`className` is `class`). `known` is
 * false when a spread or an unknown `type` may make the script JavaScript (it runs at once);
 * an unknown category attribute only drops what that attribute would have granted.
 */
function jsxAttributes(
  n: t.JSXOpeningElement,
  index: ScriptIndex,
  resolver: Resolver,
): { attributes: Record<string, string>; known: boolean } {
  const attributes: Record<string, string> = {};
  let known = true;
  for (const a of n.attributes) {
    if (a.type !== 'JSXAttribute' || a.name.type !== 'JSXIdentifier') {
      known = false;
      continue;
    }
    const name = a.name.name === 'className' ? 'class' : a.name.name.toLowerCase();
    const v = a.value ? stringValue(a.value, index, resolver) : { text: '', open: false };
    if (v && !v.open) attributes[name] = v.text;
    else if (name === 'type') known = false;
  }
  return { attributes, known };
}

/** The scan-root path a root-absolute `src` (`/x.js?v=1`) names; undefined for other origins and relative ones. */
function rootPath(src: string | undefined): string | undefined {
  const s = src?.trim();
  if (!s || !s.startsWith('/') || s.startsWith('//')) return undefined;
  const path = s.replace(/[?#].*$/, '').slice(1);
  const n = posix.normalize(path);
  return path && !n.startsWith('../') ? n : undefined;
}

/** `<Script … src=` / `<script src={…}` as JSX writes it (an element name, attributes, no `>` before `src`). */
const JSX_SCRIPT_SRC = /<(?:script|Script)\s[^<>]*?\bsrc=[{'"]/;

/** A project file a page's `src` names (relative to the page, or `/` to the scan root); undefined for other origins. */
function localTarget(page: string, src: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(src)) return undefined;
  const path = src.replace(/[?#].*$/, '');
  if (!path) return undefined;
  const joined = path.startsWith('/') ? path.slice(1) : posix.join(posix.dirname(page), path);
  const n = posix.normalize(joined);
  return n.startsWith('../') ? undefined : n;
}
