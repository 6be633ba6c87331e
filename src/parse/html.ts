/**
 * JavaScript in HTML pages: inline `<script>` blocks (classic and module),
 * event-handler attributes (`onload`, `onclick`, ...) and `javascript:` URLs.
 * parse5 gives the exact source offsets of each block and attribute; the
 * code is then parsed by Babel at its real file position.
 */
import { createRequire } from 'node:module';
import type { DefaultTreeAdapterTypes } from 'parse5';
import type { EmbedContext } from './embedded.js';
import { parseAttributeValue, parseSlice, type EmbeddedOptions } from './embedded.js';
import { parseScript } from './babel.js';

// parse5 costs ~40 ms to load: loaded on the first HTML or Svelte file only, synchronously
// (require of its ES module build, which Node >= 20.19 supports).
let parse5: typeof import('parse5') | undefined;
function loadParse5(): typeof import('parse5') {
  return (parse5 ??= createRequire(import.meta.url)('parse5') as typeof import('parse5'));
}

type Element = DefaultTreeAdapterTypes.Element;
type Node = DefaultTreeAdapterTypes.Node;

// https://mimesniff.spec.whatwg.org/#javascript-mime-type
const JS_MIME_TYPES = new Set([
  'application/ecmascript',
  'application/javascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
]);
/** In-browser Babel (`@babel/standalone`) runs these, JSX included. */
const BABEL_TYPES = new Set(['text/babel', 'text/jsx']);

const EVENT_HANDLER = /^on[a-z]+$/;
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction']);
const JAVASCRIPT_URL = /^[\u0000-\u0020]*javascript:/i;

function attr(el: Element, name: string): string | undefined {
  for (const a of el.attrs) if (a.name === name && !a.prefix) return a.value;
  return undefined;
}

/** How a `<script>` element runs, or undefined when it is not JavaScript (JSON, templates, ...). */
export function classifyScript(el: Element): EmbeddedOptions | undefined {
  let type = attr(el, 'type');
  if (type === undefined || type.trim() === '') {
    const language = attr(el, 'language');
    type = language && language.trim() !== '' ? `text/${language}` : 'text/javascript';
  }
  type = type.trim().toLowerCase();
  if (type === 'module') return { kind: 'module', sourceType: 'module', language: 'js', jsx: false };
  if (JS_MIME_TYPES.has(type)) return { kind: 'script', sourceType: 'script', language: 'js', jsx: false };
  if (BABEL_TYPES.has(type)) return { kind: 'script', sourceType: 'unambiguous', language: 'js', jsx: true };
  return undefined;
}

export function parseHtml(ctx: EmbedContext, opts: { bundledScripts?: boolean } = {}): void {
  const doc = loadParse5().parse(ctx.text, { sourceCodeLocationInfo: true, scriptingEnabled: true });
  walk(doc, (el) => {
    // Astro bundles a `<script>` without attributes (or only `lang`) as a TypeScript module.
    if (el.tagName === 'script' && opts.bundledScripts && el.attrs.every((a) => a.name === 'lang'))
      extractContent(ctx, el, { kind: 'module', sourceType: 'module', language: 'ts', jsx: false });
    else if (el.tagName === 'script') extractScript(ctx, el);
    extractAttributes(ctx, el);
  });
}

/**
 * Svelte components: the top-level `<script>` blocks are ES modules
 * (`lang="ts"` for TypeScript, `context="module"` too); a `<script>` nested
 * in markup (`<svelte:head>`) runs as a page script. Event handlers in the
 * markup (`on:click={…}`, Svelte 5 `onclick={…}`) are handler scripts.
 */
export function parseSvelte(ctx: EmbedContext): void {
  const fragment = loadParse5().parseFragment(ctx.text, { sourceCodeLocationInfo: true });
  const topLevel = new Set<Node>(fragment.childNodes);
  walk(fragment, (el) => {
    if (el.tagName !== 'script') return;
    if (!topLevel.has(el)) {
      extractScript(ctx, el);
      return;
    }
    const lang = (attr(el, 'lang') ?? attr(el, 'type') ?? '').trim().toLowerCase();
    const ts = lang === 'ts' || lang === 'typescript' || lang === 'text/typescript';
    if (!ts && lang !== '' && lang !== 'js' && lang !== 'javascript' && !JS_MIME_TYPES.has(lang)) {
      unsupported(ctx, el, `Svelte <script lang="${lang}"> is not analysed`);
      return;
    }
    extractContent(ctx, el, { kind: 'module', sourceType: 'module', language: ts ? 'ts' : 'js', jsx: false });
  });
  svelteHandlers(ctx, fragment);
}

/**
 * `on:click={expr}` / `onclick={expr}` in Svelte markup. parse5 splits an
 * unquoted `{() => go()}` at its spaces, so the markup text is scanned
 * instead, outside the top-level `<script>`/`<style>` blocks, matching braces.
 */
function svelteHandlers(ctx: EmbedContext, fragment: Node): void {
  const skip: [number, number][] = [];
  for (const n of (fragment as { childNodes: Node[] }).childNodes) {
    const loc = (n as Element).sourceCodeLocation;
    if ('tagName' in n && (n.tagName === 'script' || n.tagName === 'style') && loc)
      skip.push([loc.startOffset, loc.endOffset]);
  }
  const text = ctx.text;
  const re = /\son(?::[\w|]+|[a-z]+)\s*=\s*(["']?)\{/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (skip.some(([a, b]) => m.index >= a && m.index < b)) continue;
    const start = m.index + m[0].length;
    let depth = 1;
    let i = start;
    let quote = '';
    for (; i < text.length && depth > 0; i++) {
      const c = text[i];
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === "'" || c === '`') quote = c;
      else if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    if (depth === 0 && i - 1 > start)
      parseSlice(ctx, start, i - 1, { kind: 'handler', sourceType: 'script', language: 'ts', jsx: false });
  }
}

function walk(root: Node, visit: (el: Element) => void): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if ('tagName' in node) visit(node);
    const children: Node[] = [];
    if ('childNodes' in node) children.push(...node.childNodes);
    if ('content' in node && node.content) children.push(node.content); // <template> contents
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}

/** An element's own `src` attribute (not a namespaced one). */
function srcAttribute(el: Element): Element['attrs'][number] | undefined {
  return el.attrs.find((a) => a.name === 'src' && !a.prefix);
}

function extractScript(ctx: EmbedContext, el: Element): void {
  const opts = classifyScript(el) ?? blockedScript(el);
  if (!opts) return;
  const before = ctx.scripts.length;
  const errors = ctx.errors.length;
  extractContent(ctx, el, opts); // with `src`, only non-blank inline code is parsed
  // A `<script src>`'s own text never runs (browsers ignore it; a loader reading it can run only
  // JavaScript): text that is not JavaScript is dropped, not an error. It is what a `<script src … />`
  // swallows, since HTML has no self-closing script: the markup up to the next `</script>`.
  if (srcAttribute(el) && ctx.errors.length > errors) {
    ctx.errors.length = errors;
    ctx.scripts.length = before;
  }
  // Keep the element's attributes: a CMP's blocking attributes say when it runs.
  const attributes: Record<string, string> = {};
  for (const a of el.attrs) if (!a.prefix) attributes[a.name] = a.value;
  if (ctx.scripts.length > before) ctx.scripts[ctx.scripts.length - 1].attributes = attributes;
  const loads = ctx.scripts.length;
  scriptElement(ctx, el);
  if (ctx.scripts.length > loads) ctx.scripts[ctx.scripts.length - 1].attributes = attributes;
}

/**
 * A `<script src="https://…">` that runs now (a JavaScript type) loads code
 * from elsewhere: policies may name that URL as a sink (OneSignal v16 opens
 * IndexedDB on load). The start tag is parsed as a JSX element at its file
 * position (`<script src="…" defer></script>`), so the sink finder and guard
 * packs see the element and its attributes like any JSX `<script>`.
 */
function scriptElement(ctx: EmbedContext, el: Element): void {
  const src = srcAttribute(el);
  const tag = el.sourceCodeLocation?.startTag;
  if (!src || !tag || !/^\s*(?:https?:)?\/\//i.test(src.value)) return;
  const start = ctx.lines.pos(tag.startOffset);
  const raw = ctx.text.slice(tag.startOffset, tag.endOffset);
  const input = {
    file: ctx.file,
    language: 'js' as const,
    kind: 'script' as const,
    sourceType: 'script' as const,
    jsx: true,
    start,
  };
  const scratch: typeof ctx.errors = [];
  let script = parseScript({ ...input, code: raw.endsWith('/>') ? raw : `${raw}</script>` }, scratch);
  if (!script) {
    // Not JSX-shaped (`src=x.js`, `data-x=1`): the same element rebuilt with quoted
    // values; the tag name keeps its position, the attributes follow it.
    const attrs = el.attrs
      .filter((a) => /^[A-Za-z_][\w.:-]*$/.test(a.name))
      .map((a) => `${a.name}=${JSON.stringify(a.value)}`);
    script = parseScript({ ...input, code: `<script ${attrs.join(' ')}></script>` }, []);
  }
  if (script) ctx.scripts.push(script);
}

/**
 * A script a consent manager blocked: `type="text/plain"` (or Klaro's
 * `data-type`) with a CMP's category attribute (`data-cookieconsent`,
 * `data-category`, `data-usercentrics`, `data-name`, `data-cookieyes`,
 * `class="optanon-category-…"`, …). It is JavaScript the CMP runs later, so it
 * is parsed like a classic script; which categories it waits for is the guard
 * packs' business (src/guards/blocking.ts).
 */
/** Attributes by which consent managers mark the scripts they hold back (packs say what each value means). */
const CMP_ATTRIBUTE =
  /^data-(?:cookieconsent|category|categories|usercentrics|cookieyes|consent[\w-]*|[\w-]*-consent|cookie-?category|cookiecategory|service)$/;

export function blockedScript(el: Element): EmbeddedOptions | undefined {
  const type = (attr(el, 'type') ?? '').trim().toLowerCase();
  if (type !== 'text/plain') return undefined;
  const dataType = (attr(el, 'data-type') ?? '').trim().toLowerCase();
  if (dataType && !JS_MIME_TYPES.has(dataType) && dataType !== 'module') return undefined;
  // Only a CMP's marks: other text/plain blocks (templates, data) are not JavaScript.
  const cmp =
    el.attrs.some((a) => !a.prefix && CMP_ATTRIBUTE.test(a.name)) ||
    (dataType !== '' && attr(el, 'data-name') !== undefined) ||
    /(^|\s)(optanon-category-|cmplz-)/.test(attr(el, 'class') ?? '');
  if (!cmp) return undefined;
  return dataType === 'module'
    ? { kind: 'module', sourceType: 'module', language: 'js', jsx: false }
    : { kind: 'script', sourceType: 'script', language: 'js', jsx: false };
}

function extractContent(ctx: EmbedContext, el: Element, opts: EmbeddedOptions): void {
  const loc = el.sourceCodeLocation;
  if (!loc?.startTag) return;
  const start = loc.startTag.endOffset;
  let end = start;
  if (loc.endTag) {
    end = loc.endTag.startOffset;
  } else {
    // Unclosed at end of file: the element's own end offset is not reliable
    // there, its text is. (A self-closing SVG `<script/>` has no text.)
    for (const child of el.childNodes) {
      if (child.nodeName === '#text' && child.sourceCodeLocation)
        end = Math.max(end, child.sourceCodeLocation.endOffset);
    }
  }
  if (end > start) parseSlice(ctx, start, end, opts);
}

function extractAttributes(ctx: EmbedContext, el: Element): void {
  const locs = el.sourceCodeLocation?.attrs;
  if (!locs) return;
  for (const a of el.attrs) {
    const loc = locs[a.name];
    if (!loc || a.prefix) continue;
    if (EVENT_HANDLER.test(a.name)) {
      // A handler's body runs as a function body: `return false` is allowed.
      parseAttributeValue(ctx, loc.startOffset, loc.endOffset, a.value, {
        kind: 'handler',
        sourceType: 'script',
        language: 'js',
        jsx: false,
      });
    } else if (URL_ATTRIBUTES.has(a.name) && JAVASCRIPT_URL.test(a.value)) {
      parseAttributeValue(
        ctx,
        loc.startOffset,
        loc.endOffset,
        a.value,
        { kind: 'handler', sourceType: 'script', language: 'js', jsx: false },
        JAVASCRIPT_URL,
      );
    }
  }
}

function unsupported(ctx: EmbedContext, el: Element, message: string): void {
  const loc = el.sourceCodeLocation;
  const p = ctx.lines.pos(loc?.startOffset ?? 0);
  ctx.errors.push({ file: ctx.file, line: p.line, column: p.column + 1, message, kind: 'unsupported' });
}

/** A resource a page loads that a CMP may block: `<script src>`, `<iframe src|data-src|data-cookieblock-src>`. */
export interface PageLoad {
  tag: 'script' | 'iframe';
  src: string;
  /** The element's attributes (lower-case names). */
  attributes: Record<string, string>;
  line: number;
}

/**
 * Every external script and iframe of an HTML page, with its attributes: the
 * guard layer decides whether a CMP blocks it (a `text/plain` script, an
 * iframe whose real address waits in `data-src` / `data-cookieblock-src`).
 */
export function pageLoads(text: string): PageLoad[] {
  const out: PageLoad[] = [];
  const doc = loadParse5().parse(text, { sourceCodeLocationInfo: true, scriptingEnabled: true });
  walk(doc, (el) => {
    if (el.tagName !== 'script' && el.tagName !== 'iframe') return;
    const attributes: Record<string, string> = {};
    for (const a of el.attrs) if (!a.prefix) attributes[a.name] = a.value;
    const src =
      el.tagName === 'script'
        ? attributes.src
        : (attributes['data-cookieblock-src'] ?? attributes['data-src'] ?? attributes.src);
    if (src && src.trim())
      out.push({ tag: el.tagName, src: src.trim(), attributes, line: el.sourceCodeLocation?.startLine ?? 0 });
  });
  return out;
}
