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
  'application/ecmascript', 'application/javascript', 'application/x-ecmascript', 'application/x-javascript',
  'text/ecmascript', 'text/javascript', 'text/javascript1.0', 'text/javascript1.1', 'text/javascript1.2',
  'text/javascript1.3', 'text/javascript1.4', 'text/javascript1.5', 'text/jscript', 'text/livescript',
  'text/x-ecmascript', 'text/x-javascript',
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

export function parseHtml(ctx: EmbedContext): void {
  const doc = loadParse5().parse(ctx.text, { sourceCodeLocationInfo: true, scriptingEnabled: true });
  walk(doc, (el) => {
    if (el.tagName === 'script') extractScript(ctx, el);
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
    if ('tagName' in n && (n.tagName === 'script' || n.tagName === 'style') && loc) skip.push([loc.startOffset, loc.endOffset]);
  }
  const text = ctx.text;
  const re = /\son(?::[\w|]+|[a-z]+)\s*=\s*(["']?)\{/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (skip.some(([a, b]) => m!.index >= a && m!.index < b)) continue;
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
    if (depth === 0 && i - 1 > start) parseSlice(ctx, start, i - 1, { kind: 'handler', sourceType: 'script', language: 'ts', jsx: false });
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
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

function extractScript(ctx: EmbedContext, el: Element): void {
  const opts = classifyScript(el);
  if (!opts) return;
  extractContent(ctx, el, opts); // with `src`, only non-blank inline code is parsed
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
      if (child.nodeName === '#text' && child.sourceCodeLocation) end = Math.max(end, child.sourceCodeLocation.endOffset);
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
        kind: 'handler', sourceType: 'script', language: 'js', jsx: false,
      });
    } else if (URL_ATTRIBUTES.has(a.name) && JAVASCRIPT_URL.test(a.value)) {
      parseAttributeValue(
        ctx, loc.startOffset, loc.endOffset, a.value,
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
