/**
 * The one small JavaScript lexer of consent-lint: where a source text holds
 * something other than code (comments, string literals, template literal
 * text, regular expression literals), without parsing it.
 *
 * Two stages need this before (or without) a parse: discovery judges whether
 * a file's *code* is minified (strings and comments do not count), and the
 * suppression stage reads directive comments of a script Babel gave up on.
 *
 * It skips strings, template literals (with nested `${}` code) and regular
 * expression literals (told from division by the token before the `/`), so a
 * `//` inside a string is not a comment. It works on whole .html/.vue files
 * too: a quoted string ends at a line break (JavaScript strings cannot span
 * lines), so an apostrophe in markup text ("don't") cannot swallow the rest of
 * the file.
 */

/** What a span of a source text is, when it is not code. */
export type SpanKind = 'line-comment' | 'block-comment' | 'string' | 'template' | 'regex';

/**
 * Report each span of `src` that is not plain code, in text order, as
 * `[start, end)` offsets (delimiters included: `//`, `/* *\/`, the quotes, a
 * template chunk from its opening `` ` `` or `}` to its closing `` ` `` or `${`,
 * a regex with its flags). A string cut short by its line's end, an
 * unterminated comment or template, ends at that line's end or the text's end.
 */
export function lexSpans(src: string, visit: (kind: SpanKind, start: number, end: number) => void): void {
  /** Brace depth of each open `${` (innermost last). */
  const templateStack: number[] = [];
  /** Whether a `/` here starts a regex (true after operators / at start). */
  let regexAllowed = true;
  const n = src.length;
  // A hashbang line (`#!/usr/bin/env node`) is neither code nor a comment to JavaScript.
  let i = src.startsWith('#!') ? lineEnd(src, 2) : 0;

  /** A template chunk from `from` (its `` ` `` or `}`), body from `j`: the index after its `` ` `` or `${`. */
  const template = (from: number, j: number): number => {
    while (j < n) {
      const c = src.charCodeAt(j);
      if (c === BACKSLASH) j += 2;
      else if (c === BACKTICK) {
        j++;
        break;
      } else if (c === DOLLAR && src.charCodeAt(j + 1) === OPEN_BRACE) {
        templateStack.push(0);
        j += 2;
        break;
      } else j++;
    }
    const end = Math.min(j, n);
    visit('template', from, end);
    regexAllowed = templateStack.length > 0 && src.charCodeAt(end - 1) === OPEN_BRACE;
    return end;
  };

  while (i < n) {
    const c = src.charCodeAt(i);
    const next = src.charCodeAt(i + 1);
    if (c === SLASH && next === SLASH) {
      const j = lineEnd(src, i + 2);
      visit('line-comment', i, j);
      i = j;
      continue;
    }
    if (c === SLASH && next === STAR) {
      const close = src.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      visit('block-comment', i, end);
      i = end;
      continue;
    }
    if (c === QUOTE || c === DOUBLE_QUOTE) {
      let j = i + 1;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (d === c || isLineBreak(d)) break;
        j += d === BACKSLASH && !isLineBreak(src.charCodeAt(j + 1)) ? 2 : 1;
      }
      const end = Math.min(j < n && src.charCodeAt(j) === c ? j + 1 : j, n);
      visit('string', i, end);
      i = end;
      regexAllowed = false;
      continue;
    }
    if (c === BACKTICK) {
      i = template(i, i + 1);
      continue;
    }
    if (c === OPEN_BRACE) {
      if (templateStack.length) templateStack[templateStack.length - 1]++;
      regexAllowed = true;
      i++;
      continue;
    }
    if (c === CLOSE_BRACE) {
      if (templateStack.length) {
        if (templateStack[templateStack.length - 1] === 0) {
          templateStack.pop();
          i = template(i, i + 1);
          continue;
        }
        templateStack[templateStack.length - 1]--;
      }
      regexAllowed = true;
      i++;
      continue;
    }
    if (c === SLASH) {
      if (regexAllowed) {
        let j = i + 1;
        let inClass = false;
        while (j < n && !isLineBreak(src.charCodeAt(j))) {
          const d = src.charCodeAt(j);
          if (d === BACKSLASH) j += 2;
          else {
            if (d === OPEN_BRACKET) inClass = true;
            else if (d === CLOSE_BRACKET) inClass = false;
            else if (d === SLASH && !inClass) break;
            j++;
          }
        }
        if (j < n && src.charCodeAt(j) === SLASH) {
          j++;
          while (j < n && isAsciiLetter(src.charCodeAt(j))) j++;
        }
        j = Math.min(j, n);
        visit('regex', i, j);
        i = j;
        regexAllowed = false;
      } else {
        i++;
        regexAllowed = true;
      }
      continue;
    }
    if (isIdentChar(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(src.charCodeAt(j))) j++;
      regexAllowed = REGEX_AFTER_KEYWORDS.has(src.slice(i, j));
      i = j;
      continue;
    }
    if (c === CLOSE_PAREN || c === CLOSE_BRACKET) regexAllowed = false;
    else if (!isSpace(c)) regexAllowed = true;
    i++;
  }
}

/** The offset of the line break ending the line that holds `from` (or the text's end). */
function lineEnd(src: string, from: number): number {
  let j = from;
  while (j < src.length && !isLineBreak(src.charCodeAt(j))) j++;
  return j;
}

/** Keywords after which a `/` starts a regular expression, not a division. */
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

const SLASH = 47;
const STAR = 42;
const BACKSLASH = 92;
const QUOTE = 39;
const DOUBLE_QUOTE = 34;
const BACKTICK = 96;
const DOLLAR = 36;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const CLOSE_PAREN = 41;

/** LF or CR: where a string or line comment ends. */
export const isLineBreak = (c: number): boolean => c === 10 || c === 13;
const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** `[\w$]` and everything from U+00A0 up (identifier characters as far as telling a keyword goes). */
const isIdentChar = (c: number) =>
  (c >= 48 && c <= 57) || isAsciiLetter(c) || c === 95 || c === DOLLAR || (c >= 0xa0 && c <= 0xffff);
/** JavaScript's `\s` for the characters that matter here (ASCII whitespace, NBSP and the Unicode spaces). */
const isSpace = (c: number) =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;
