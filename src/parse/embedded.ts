/**
 * Shared helpers for JavaScript embedded in markup (HTML, Vue, Svelte):
 * a script given as a slice of the file text, or as an attribute value whose
 * HTML references were decoded.
 */
import type { AnalysisError, ParsedScript } from '../model.js';
import { parseScript, type ScriptInput } from './babel.js';
import { decodeAttributeWithMap } from './entities.js';
import type { LineIndex } from './positions.js';

export type EmbeddedOptions = Pick<ScriptInput, 'language' | 'kind' | 'sourceType' | 'jsx'>;

export interface EmbedContext {
  file: string;
  text: string;
  lines: LineIndex;
  scripts: ParsedScript[];
  errors: AnalysisError[];
}

/** Parse `text.slice(start, end)` in place: positions are native Babel positions from startLine/startColumn. */
export function parseSlice(ctx: EmbedContext, start: number, end: number, opts: EmbeddedOptions): void {
  const code = ctx.text.slice(start, end);
  if (code.trim() === '') return;
  const script = parseScript({ ...opts, file: ctx.file, code, start: ctx.lines.pos(start) }, ctx.errors);
  if (script) ctx.scripts.push(script);
}

/**
 * Parse the value of an attribute occupying `text.slice(attrStart, attrEnd)`
 * (as parse5 locates it: `name="value"`), given parse5's decoded value.
 * `strip` removes a prefix (e.g. `javascript:`) from the decoded value.
 */
export function parseAttributeValue(
  ctx: EmbedContext,
  attrStart: number,
  attrEnd: number,
  decodedByParser: string,
  opts: EmbeddedOptions,
  strip?: RegExp,
): void {
  const range = attributeValueRange(ctx.text, attrStart, attrEnd);
  if (!range) return;
  const raw = ctx.text.slice(range.start, range.end);
  const mine = decodeAttributeWithMap(raw);
  let code = decodedByParser;
  let from = 0;
  if (strip) {
    const m = strip.exec(code);
    if (!m) return;
    from = m[0].length;
    code = code.slice(from);
  }
  if (code.trim() === '') return;

  const input: ScriptInput = { ...opts, file: ctx.file, code };
  if (mine.text === decodedByParser && !(strip && code.includes('%'))) {
    if (raw === decodedByParser) {
      // The common case: no references, no CR. Native positions are exact.
      input.start = ctx.lines.pos(range.start + from);
    } else {
      // References (`&quot;`) or CR LF: decoded offsets map back to raw ones.
      const map = mine.map;
      input.remap = (index: number) => ctx.lines.pos(range.start + map[Math.min(from + index, map.length - 1)]);
    }
  } else {
    // Either a reference this module does not know (parse5 decoded it
    // differently) or a percent-encoded `javascript:` URL. Positions are exact
    // up to the first such reference and shifted after it.
    if (strip && code.includes('%')) {
      try {
        code = decodeURIComponent(code);
        input.code = code;
      } catch {
        // not valid percent-encoding: the browser would not decode it either
      }
    }
    input.start = ctx.lines.pos(range.start + Math.min(from, raw.length));
  }
  const script = parseScript(input, ctx.errors);
  if (script) ctx.scripts.push(script);
}

/** The value part of `name = "value"` / `name='value'` / `name=value`. */
export function attributeValueRange(
  text: string,
  attrStart: number,
  attrEnd: number,
): { start: number; end: number } | undefined {
  const m = /^[^\s=]+[ \t\n\f\r]*=[ \t\n\f\r]*/.exec(text.slice(attrStart, attrEnd));
  if (!m) return undefined; // a boolean attribute
  let start = attrStart + m[0].length;
  let end = attrEnd;
  const q = text[start];
  if (q === '"' || q === "'") {
    start++;
    if (end - 1 >= start && text[end - 1] === q) end--;
  }
  return { start, end };
}
