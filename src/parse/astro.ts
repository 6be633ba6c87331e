/**
 * Astro components: the frontmatter (between the leading `---` fences) is a
 * TypeScript module run on the server for every render; `<script>` blocks
 * are browser code (bundled as TypeScript modules, or as written with
 * `is:inline` or other attributes); `on*` attributes are page handlers. The
 * markup's `{expressions}` are not parsed: frontmatter functions they mention
 * are framework entries (see src/program/components.ts).
 */
import type { EmbedContext } from './embedded.js';
import { parseSlice } from './embedded.js';
import { parseHtml } from './html.js';

/** Offsets of the frontmatter code (between the fences), when the file has one. */
export function astroFrontmatter(text: string): { start: number; end: number; close: number } | undefined {
  const open = /^\s*---[ \t]*\r?\n/.exec(text);
  if (!open) return undefined;
  const start = open[0].length;
  const close = /^---[ \t]*$/m;
  close.lastIndex = 0;
  const rest = text.slice(start);
  const m = close.exec(rest);
  if (!m) return undefined;
  return { start, end: start + m.index, close: start + m.index + m[0].length };
}

export function parseAstro(ctx: EmbedContext): void {
  const fm = astroFrontmatter(ctx.text);
  if (fm) parseSlice(ctx, fm.start, fm.end, { kind: 'module', sourceType: 'module', language: 'ts', jsx: false });
  // The markup, with the frontmatter blanked (offsets, lines and columns unchanged).
  const markup = fm ? ctx.text.slice(0, fm.close).replace(/[^\r\n]/g, ' ') + ctx.text.slice(fm.close) : ctx.text;
  parseHtml({ ...ctx, text: markup }, { bundledScripts: true });
}
