/**
 * Angular component templates (an inline `template:` string or a
 * `templateUrl` file): parsed with parse5, a real HTML parser, at their exact
 * file offsets. Event bindings (`(click)="enablePush()"`, `on-click="…"`)
 * become handler scripts parsed by Babel, as Vue's `@click` handlers are; what
 * the template evaluates elsewhere (property bindings, `*ngIf`,
 * interpolations, `@if (…)` blocks) is returned as text, with the names the
 * template itself declares (`let item of items`, `#box`, `@for (x of …)`),
 * so the program model can tell which component members the template uses.
 */
import { createRequire } from 'node:module';
import type { DefaultTreeAdapterTypes } from 'parse5';

// parse5 costs ~40 ms to load: only when an Angular template is read.
const loadParse5 = (): typeof import('parse5') => createRequire(import.meta.url)('parse5') as typeof import('parse5');
import type { ParsedScript } from '../model.js';
import { parseAttributeValue, type EmbedContext } from './embedded.js';

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

export interface TemplateUses {
  /** Handler scripts, in template order. */
  handlers: ParsedScript[];
  /** Source text of every other expression the template evaluates. */
  expressions: string[];
  /** Names the template declares for itself (loop variables, template references, `@let`). */
  locals: Set<string>;
  /** Handlers that did not parse (their errors are in the context). */
  failed: number;
}

const EVENT = /^\((.+)\)$|^on-(.+)$/;
const BOUND = /^\[.+\]$|^bind(?:on)?-|^\*/;
const IDENT = /[A-Za-z_$][\w$]*/g;

/** Parse `ctx.text.slice(start, end)` as an Angular template. */
export function parseAngularTemplate(ctx: EmbedContext, start: number, end: number): TemplateUses {
  const source = ctx.text.slice(start, end);
  const uses: TemplateUses = { handlers: [], expressions: [], locals: new Set(), failed: 0 };
  const fragment = loadParse5().parseFragment(source, { sourceCodeLocationInfo: true });
  const stack: Node[] = [fragment];
  while (stack.length) {
    const node = stack.pop()!;
    if ('tagName' in node) element(ctx, node, start, uses);
    const children: Node[] = 'childNodes' in node ? [...node.childNodes] : [];
    if ('content' in node && node.content) children.push(node.content);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  // Interpolations (in text and in attribute values) and control-flow block headers.
  for (const m of source.matchAll(/\{\{([\s\S]*?)\}\}/g)) uses.expressions.push(m[1]);
  for (const m of source.matchAll(/@(?:if|else\s+if|for|switch|case|defer|let)\b([^{;\n]*(?:;[^{\n]*)?)/g)) {
    uses.expressions.push(m[1]);
    const header = m[1];
    const loop = /^\s*\(\s*([A-Za-z_$][\w$]*)\s+of\b/.exec(header);
    if (loop) uses.locals.add(loop[1]);
    for (const l of header.matchAll(/\b(?:let|as)\s+([A-Za-z_$][\w$]*)/g)) uses.locals.add(l[1]);
    const letDecl = /^\s*([A-Za-z_$][\w$]*)\s*=/.exec(header);
    if (m[0].startsWith('@let') && letDecl) uses.locals.add(letDecl[1]);
  }
  return uses;
}

function element(ctx: EmbedContext, el: Element, base: number, uses: TemplateUses): void {
  const locs = el.sourceCodeLocation?.attrs;
  for (const a of el.attrs) {
    const name = a.name;
    if (name.startsWith('#') || name.startsWith('ref-') || name.startsWith('let-')) {
      uses.locals.add(name.replace(/^#|^ref-|^let-/, ''));
      continue;
    }
    if (EVENT.test(name)) {
      const loc = locs?.[name];
      if (!loc) {
        uses.failed++;
        continue;
      }
      const before = ctx.scripts.length;
      const errors = ctx.errors.length;
      // `(click)="delete.emit(true)"`: a member named by a reserved word; renamed in place (same length) so Babel parses it.
      const start = base + loc.startOffset;
      const end = base + loc.endOffset;
      const renamed = renameReserved(ctx.text.slice(start, end));
      const at =
        renamed === ctx.text.slice(start, end)
          ? ctx
          : { ...ctx, text: ctx.text.slice(0, start) + renamed + ctx.text.slice(end) };
      parseAttributeValue(at, start, end, renameReserved(a.value), {
        kind: 'handler',
        sourceType: 'script',
        language: 'ts',
        jsx: false,
      });
      if (ctx.errors.length > errors) uses.failed++;
      uses.handlers.push(...ctx.scripts.slice(before));
      continue;
    }
    if (BOUND.test(name)) {
      uses.expressions.push(a.value);
      if (name.startsWith('*')) {
        // Microsyntax: `let item of items; index as i; trackBy: byId`.
        for (const l of a.value.matchAll(/\b(?:let|as)\s+([A-Za-z_$][\w$]*)/g)) uses.locals.add(l[1]);
      }
    }
  }
}

/** Reserved words Angular reads as component members when they start a receiver chain (`delete.emit()`). */
const RESERVED = [
  'delete',
  'default',
  'new',
  'class',
  'import',
  'export',
  'function',
  'switch',
  'case',
  'do',
  'if',
  'else',
  'for',
  'while',
  'return',
  'continue',
  'break',
  'with',
  'try',
  'catch',
  'finally',
  'throw',
  'var',
  'const',
  'enum',
  'extends',
  'super',
  'debugger',
  'in',
  'instanceof',
];
const RESERVED_MEMBER = new RegExp(
  `(^|[^.\\w$\\s]|^\\s+|[^.\\w$]\\s+)(${RESERVED.join('|')})(?=\\s*(?:[.[(;)]|\\?\\.|=(?!=)|$))`,
  'g',
);

/** The same-length stand-in for a reserved-word member name: `delete` -> `$elete`. */
export function reservedAlias(name: string): string | undefined {
  return RESERVED.includes(name) ? `$${name.slice(1)}` : undefined;
}

/** Rename reserved-word members of an Angular expression to their stand-ins (offsets unchanged). */
export function renameReserved(text: string): string {
  return text.replace(RESERVED_MEMBER, (_m, pre: string, word: string) => pre + reservedAlias(word)!);
}

/** Identifier-like words of an expression's text (a conservative superset of the names it uses). */
export function wordsOf(text: string): string[] {
  return text.match(IDENT) ?? [];
}
