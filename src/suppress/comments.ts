/**
 * Comments of a JavaScript/TypeScript source text, found by the shared lexer
 * (src/lexer), which skips strings, template literals and regular expression
 * literals, so that `"// consent-lint-disable-next-line x -- y"` inside a
 * string is not a directive. Used for scripts Babel gave up on, and for whole
 * .html/.vue files without a script block.
 */
import { lexSpans } from '../lexer/index.js';
import { LineIndex } from '../parse/positions.js';

export interface SourceComment {
  /** Comment body without the `//` / `/*` `*\/` delimiters. */
  text: string;
  block: boolean;
  /** 1-based line/column of the comment start; end is exclusive (after `*\/`). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function extractComments(src: string): SourceComment[] {
  // One position model: lines counted as the parser counts them (also U+2028/U+2029).
  const lines = new LineIndex(src);
  const comments: SourceComment[] = [];
  lexSpans(src, (kind, from, to) => {
    if (kind !== 'line-comment' && kind !== 'block-comment') return;
    const block = kind === 'block-comment';
    // An unterminated block comment runs to the end of the text, without a closing `*/`.
    const bodyEnd = block && src.startsWith('*/', to - 2) && to - 2 >= from + 2 ? to - 2 : to;
    const s = lines.pos(from);
    const e = lines.pos(to);
    comments.push({
      text: src.slice(from + 2, bodyEnd),
      block,
      line: s.line,
      column: s.column + 1,
      endLine: e.line,
      endColumn: e.column + 1,
    });
  });
  return comments;
}
