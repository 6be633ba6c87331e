/**
 * Comments of a JavaScript/TypeScript source text, found by a small lexer that
 * skips strings, template literals (with nested `${}` code) and regular
 * expression literals, so that `"// consent-lint-disable-next-line x -- y"`
 * inside a string is not a directive.
 *
 * It works on whole .html/.vue files too: quote strings end at a line break
 * (JavaScript strings cannot span lines), so an apostrophe in markup text
 * ("don't") cannot swallow the rest of the file.
 */
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

const REGEX_AFTER_KEYWORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

const isIdentChar = (c: string) => /[\w$\u00a0-\uffff]/.test(c);
const isNewline = (c: string | undefined) => c === '\n' || c === '\r';

export function extractComments(src: string): SourceComment[] {
  // One position model: lines counted as the parser counts them (also U+2028/U+2029).
  const lines = new LineIndex(src);
  const comments: SourceComment[] = [];
  /** Brace depth of each open `${` (innermost last). */
  const templateStack: number[] = [];
  /** Whether a `/` here starts a regex (true after operators / at start). */
  let regexAllowed = true;
  let i = 0;
  const n = src.length;

  const push = (from: number, to: number, text: string, block: boolean) => {
    const s = lines.pos(from);
    const e = lines.pos(to);
    comments.push({ text, block, line: s.line, column: s.column + 1, endLine: e.line, endColumn: e.column + 1 });
  };

  /** Scan a template literal body starting after the backtick; returns the index after it ends or after `${`. */
  const scanTemplate = (j: number): number => {
    while (j < n) {
      const c = src[j];
      if (c === '\\') j += 2;
      else if (c === '`') return j + 1;
      else if (c === '$' && src[j + 1] === '{') {
        templateStack.push(0);
        return j + 2;
      } else j++;
    }
    return j;
  };

  while (i < n) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      let j = i + 2;
      while (j < n && !isNewline(src[j])) j++;
      push(i, j, src.slice(i + 2, j), false);
      i = j;
      continue;
    }
    if (c === '/' && next === '*') {
      const close = src.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      push(i, end, src.slice(i + 2, close < 0 ? n : close), true);
      i = end;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n && src[j] !== c && !isNewline(src[j])) j += src[j] === '\\' && !isNewline(src[j + 1]) ? 2 : 1;
      i = j + 1;
      regexAllowed = false;
      continue;
    }
    if (c === '`') {
      i = scanTemplate(i + 1);
      regexAllowed = templateStack.length > 0 && src[i - 1] === '{';
      continue;
    }
    if (c === '{') {
      if (templateStack.length) templateStack[templateStack.length - 1]++;
      regexAllowed = true;
      i++;
      continue;
    }
    if (c === '}') {
      if (templateStack.length) {
        if (templateStack[templateStack.length - 1] === 0) {
          templateStack.pop();
          i = scanTemplate(i + 1);
          regexAllowed = templateStack.length > 0 && src[i - 1] === '{';
          continue;
        }
        templateStack[templateStack.length - 1]--;
      }
      regexAllowed = true;
      i++;
      continue;
    }
    if (c === '/') {
      if (regexAllowed) {
        let j = i + 1;
        let inClass = false;
        while (j < n && !isNewline(src[j])) {
          const d = src[j];
          if (d === '\\') j += 2;
          else {
            if (d === '[') inClass = true;
            else if (d === ']') inClass = false;
            else if (d === '/' && !inClass) break;
            j++;
          }
        }
        i = j + 1;
        while (i < n && /[a-z]/i.test(src[i])) i++;
        regexAllowed = false;
      } else {
        i++;
        regexAllowed = true;
      }
      continue;
    }
    if (isIdentChar(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(src[j])) j++;
      const word = src.slice(i, j);
      regexAllowed = REGEX_AFTER_KEYWORDS.has(word);
      i = j;
      continue;
    }
    if (c === ')' || c === ']') regexAllowed = false;
    else if (!/\s/.test(c)) regexAllowed = true;
    i++;
  }
  return comments;
}
