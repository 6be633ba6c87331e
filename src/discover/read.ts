/**
 * Reading one candidate file: decoded UTF-8 text, or the reason it is skipped.
 * Sync reads into one reusable buffer: for thousands of small, cached files
 * this beats the thread pool and allocates nothing but the strings.
 */
import { binaryPlistToXml, isBinaryPlist } from './bplist.js';
import { GuardedReadError, guardedReadBytes, guardedReadChunks, utf16Label } from './guarded-read.js';
import { isLineBreak, lexSpans } from '../lexer/index.js';
import { isLinkEvidence, TEMPLATE_EXTENSIONS } from './list.js';

export const MAX_FILE_BYTES = 1024 * 1024;
/** An Xcode project (project.pbxproj) says what the iOS app links: large apps have one over 1 MiB. */
const MAX_PROJECT_BYTES = 16 * 1024 * 1024;

/**
 * Minified script code (as SonarJS, CodeQL and linguist judge it, by line
 * shape, but counting code only: the text of strings, template literals and
 * comments is not code, so a long SVG path, data URI or inline snippet kept in
 * a string does not make a hand-written file "minified"). A line holding more
 * than LONG_CODE_LINE characters of code is long; a file is minified when at
 * least MIN_LONG_SHARE of its code, and at least MIN_LONG_CODE characters,
 * sits on long lines with at most MAX_WHITESPACE of it whitespace (minifiers
 * keep only the spaces the grammar needs: 0-6%; hand-written code has 15% and
 * more), or when its code averages more than MAX_AVERAGE_LINE characters a
 * line over at least MIN_SIZE_FOR_AVERAGE characters (generated code).
 */
const LONG_CODE_LINE = 300;
const MIN_LONG_CODE = 1000;
const MIN_LONG_SHARE = 0.5;
const MAX_WHITESPACE = 0.1;
/** Files of at least this much code whose average line is longer than MAX_AVERAGE_LINE are minified. */
const MIN_SIZE_FOR_AVERAGE = 4096;
const MAX_AVERAGE_LINE = 300;

const MARKUP_RE = new RegExp(`\\.(?:html?|vue|svelte|${TEMPLATE_EXTENSIONS.join('|')})$`);
const MIN_NAME_RE = /[.-]min\.[cm]?js$/;
/** Data URIs, inline SVG paths: long values that hand-written markup has too. */
const LONG_ATTRIBUTE_VALUE = /=\s*(?:"[^"]{200,}"|'[^']{200,}')/g;

/** `AnalysisError.kind` of a minified file that mentions an SDK (`minifiedNamingSdk`): unlike `skipped`, it fails the run. */
export const MINIFIED_SDK_KIND = 'minified';
/** `AnalysisError.kind` of a file over 1 MiB that mentions an SDK (`unreadNamingSdk`): it fails the run. */
export const TOO_LARGE_SDK_KIND = 'too-large';

export type ReadOutcome =
  | { ok: true; text: string }
  | {
      ok: false;
      reason: string;
      /**
       * Skipped as minified, though nothing marks it as vendored or bundled
       * output (`bundleMark`): its text, for the check that it names no SDK.
       */
      minifiedCode?: string;
      /** Over MAX_FILE_BYTES: searched for SDK names in chunks later (`largeFileMention`), never kept. */
      tooLarge?: true;
    }
  /** Listed but gone (deleted-but-tracked, a directory, a dangling link): not a candidate. */
  | undefined;

let scratch: Buffer | undefined;

/** The size cap of a file (project.pbxproj may be larger than source files, and is read without the scratch buffer). */
function sizeOptions(relPath: string): { maxBytes: number; scratch?: Buffer } {
  if (relPath.endsWith('.pbxproj')) return { maxBytes: MAX_PROJECT_BYTES };
  scratch ??= Buffer.allocUnsafe(MAX_FILE_BYTES + 1);
  return { maxBytes: MAX_FILE_BYTES, scratch };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }); // ignoreBOM:false strips a leading BOM

/**
 * Read one listed file through the guarded reader: regular files only (a FIFO
 * or device named `x.js` is skipped, never blocks), at most 1 MiB (project.pbxproj:
 * 16 MiB), and never
 * a symlink whose target leaves `root` (skipped and listed, never read).
 */
export function readSourceFile(
  absPath: string,
  relPath: string,
  root?: string,
  onStat?: (st: import('node:fs').Stats) => void,
): ReadOutcome {
  let bytes: Buffer;
  const size = sizeOptions(relPath);
  const cap = size.maxBytes;
  try {
    bytes = guardedReadBytes(absPath, {
      ...size,
      trustAncestors: true,
      ...(root !== undefined ? { root } : {}),
      ...(onStat ? { onStat } : {}),
    });
  } catch (err) {
    if (!(err instanceof GuardedReadError)) return { ok: false, reason: `unreadable: ${(err as Error).message}` };
    switch (err.problem) {
      case 'missing':
        return undefined;
      case 'not-regular':
        return /directory/.test(err.reason) ? undefined : { ok: false, reason: err.reason };
      case 'too-large':
        return {
          ok: false,
          reason: `larger than ${cap / 1024 / 1024} MiB (${((err.size ?? 0) / 1024 / 1024).toFixed(1)} MiB)`,
          tooLarge: true,
        };
      case 'outside-root':
      case 'symlink-loop':
        return { ok: false, reason: err.reason };
      default:
        return { ok: false, reason: `unreadable: ${err.reason}` };
    }
  }
  if (relPath.endsWith('.plist') && isBinaryPlist(bytes)) {
    // Xcode may store Info.plist in binary form: read as its XML equivalent.
    try {
      return { ok: true, text: binaryPlistToXml(bytes) };
    } catch (e) {
      return { ok: false, reason: `binary property list that could not be read (${(e as Error).message})` };
    }
  }
  const text = decodeText(bytes);
  if (text === undefined) return { ok: false, reason: `binary file (NUL byte at offset ${bytes.indexOf(0)})` };
  const minified = minifiedReason(text, relPath);
  if (minified) {
    const reason = `minified or generated code (${minified})`;
    return bundleMark(text, relPath) ? { ok: false, reason } : { ok: false, reason, minifiedCode: text };
  }
  return { ok: true, text };
}

const utf16le = new TextDecoder('utf-16le', { ignoreBOM: false });
const utf16be = new TextDecoder('utf-16be', { ignoreBOM: false });
const windows1252 = new TextDecoder('windows-1252');

/**
 * A source file's text, whatever its encoding: UTF-8, UTF-16 (a BOM, or NUL
 * in every other byte of ASCII text), else one byte a character (Windows-1252,
 * as browsers read a script served without a charset: ASCII code, and so
 * every SDK call, reads the same in any ASCII-compatible encoding, and columns
 * stay byte columns). Undefined for binary data (a NUL byte).
 */
export function decodeText(bytes: Buffer): string | undefined {
  const utf16 = utf16Label(bytes);
  if (utf16) return (utf16 === 'UTF-16LE' ? utf16le : utf16be).decode(bytes);
  if (bytes.indexOf(0) !== -1) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}

/**
 * Why a file looks minified, or undefined. Script files: a `.min.js` name, or
 * the shape of its code (LONG_CODE_LINE above: strings, template literals and
 * comments do not count). Markup files (HTML, Vue, Svelte) legitimately carry
 * long lines (inline SVG, data URIs, pasted snippets), so for them only the
 * average-line test applies, not counting long quoted attribute values.
 */
export function minifiedReason(text: string, relPath: string): string | undefined {
  if (isLinkEvidence(relPath)) return undefined;
  const markup = MARKUP_RE.test(relPath);
  if (!markup && MIN_NAME_RE.test(relPath)) return 'a .min.js file';
  if (text.length <= LONG_CODE_LINE) return undefined;
  const nl = text.includes('\n') ? '\n' : '\r';
  if (!markup) return hasLongLine(text, nl) ? codeShape(text) : undefined;
  let length = text.length;
  for (const m of text.matchAll(LONG_ATTRIBUTE_VALUE)) length -= m[0].length;
  if (length < MIN_SIZE_FOR_AVERAGE) return undefined;
  // Average line length > MAX_AVERAGE_LINE means fewer lines than this; stop counting once reached.
  const enough = Math.ceil(length / MAX_AVERAGE_LINE);
  let lines = 1;
  for (let p = text.indexOf(nl); p !== -1 && p + 1 < text.length && lines < enough; p = text.indexOf(nl, p + 1))
    lines++;
  if (lines >= enough) return undefined;
  return `average line length ${Math.round(length / lines)} characters`;
}

/** Some line over LONG_CODE_LINE characters (the common case, none, costs one short search per 300 characters). */
function hasLongLine(text: string, nl: string): boolean {
  for (let p = 0; p + LONG_CODE_LINE < text.length;) {
    const k = text.lastIndexOf(nl, p + LONG_CODE_LINE);
    if (k < p) return true;
    p = k + 1;
  }
  return false;
}

/**
 * The minified verdict on a script's code shape (see LONG_CODE_LINE): the
 * shared lexer (src/lexer) finds strings, template text and comments, which
 * are not code; regular expression literals are.
 */
function codeShape(text: string): string | undefined {
  // Offsets of the non-code spans, as start/end pairs in text order.
  const spans: number[] = [];
  lexSpans(text, (kind, start, end) => {
    if (kind !== 'regex') spans.push(start, end);
  });
  let span = 0;
  let code = 0; // code characters in the file
  let lines = 1;
  let lineCode = 0;
  let lineSpace = 0;
  let longCode = 0;
  let longSpace = 0;
  let longest = 0;
  let longestLine = 0;
  const endLine = () => {
    code += lineCode;
    if (lineCode > LONG_CODE_LINE) {
      longCode += lineCode;
      longSpace += lineSpace;
      if (lineCode > longest) [longest, longestLine] = [lineCode, lines];
    }
    lineCode = lineSpace = 0;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      // A line ends at LF, or a CR not followed by LF (old Mac line ends); CRLF's CR is counted as space.
      endLine();
      lines++;
      continue;
    }
    while (span < spans.length && spans[span + 1] <= i) span += 2;
    if (span < spans.length && spans[span] <= i) continue; // inside a string, template text or comment
    lineCode++;
    if (c === 32 || c === 9 || c === 13) lineSpace++;
  }
  endLine();
  if (longCode >= MIN_LONG_CODE && longCode >= MIN_LONG_SHARE * code && longSpace <= MAX_WHITESPACE * longCode) {
    const pct = (n: number) => `${Math.round(n * 100)}%`;
    return (
      `line ${longestLine} holds ${longest.toLocaleString('en-US')} characters of code, ` +
      `${pct(longCode / code)} of the code is on lines over ${LONG_CODE_LINE} characters, ${pct(longSpace / longCode)} of it whitespace`
    );
  }
  if (isLineBreak(text.charCodeAt(text.length - 1))) lines--; // no line after the last line break
  if (code >= MIN_SIZE_FOR_AVERAGE && code > MAX_AVERAGE_LINE * lines)
    return `average line length ${Math.round(code / lines)} characters of code`;
  return undefined;
}

/**
 * What marks a minified file as vendored or bundled output rather than the
 * app's own code: a `.min.js` name, a `vendor`/`third_party` folder, a source
 * map reference, a `/*!` or `@license` banner, or a bundler's runtime. Such a
 * file stays a `skipped` entry even when it names an SDK (it usually is the
 * SDK); any other minified file naming one is an analysis error.
 */
export function bundleMark(text: string, relPath: string): string | undefined {
  const byPath = pathMark(relPath);
  if (byPath) return byPath;
  if (BANNER_RE.test(text.slice(0, 1000))) return 'a license banner';
  if (SOURCE_MAP_RE.test(text.slice(-2000))) return 'a source map reference';
  if (BUNDLER_RUNTIME_RE.test(text)) return "a bundler's runtime";
  return undefined;
}

/** What a file's path alone says of it: a `.min.js` name, a vendored folder (`bundleMark`). */
function pathMark(relPath: string): string | undefined {
  if (MIN_NAME_RE.test(relPath)) return 'a .min.js file';
  if (VENDOR_DIR_RE.test(relPath)) return 'a vendored file';
  return undefined;
}

/** A license banner at the head of a file: `/*!`, `@license`, `@preserve` (`bundleMark`). */
const BANNER_RE = /^\s*\/\*!|@license|@preserve/;

// Spelt in two parts: the shipped code must not look as if it carried a source map comment (test/package.test.ts).
const SOURCE_MAP_RE = new RegExp(['[#@] source', 'MappingURL='].join(''));
const VENDOR_DIR_RE = /(?:^|\/)(?:vendors?|third[-_]party|bower_components|lib\/external)\//i;
const BUNDLER_RUNTIME_RE =
  /__webpack_require__|webpackChunk|webpackJsonp|__vitePreload|System\.register\(|parcelRequire|define\.amd/;

/** What a file too large to read (over MAX_FILE_BYTES) says about itself, searched chunk by chunk. */
export interface LargeFileMention {
  /** The first match of the searched names. */
  token?: string;
  /** What marks it as vendored or bundled output (`bundleMark`), or binary data. */
  mark?: string;
  /** Only the first MAX_SCANNED_BYTES were searched. */
  capped?: boolean;
}

/**
 * Search a file too large to read for `names` (their longest match at most
 * `longest` characters), and for what marks it as vendored or bundled output:
 * a file over 1 MiB that the app wrote and that names an SDK is unchecked code.
 * Read through the guarded reader, one chunk at a time (never kept whole).
 */
export function largeFileMention(
  absPath: string,
  relPath: string,
  root: string,
  names: RegExp,
  longest: number,
): LargeFileMention {
  const byPath = pathMark(relPath);
  if (byPath) return { mark: byPath };
  const out: LargeFileMention = {};
  let decoder: InstanceType<typeof TextDecoder> | undefined;
  let carry = '';
  let first = true;
  const keep = Math.max(longest, 64);
  const ended = guardedReadChunks(absPath, { root, trustAncestors: true }, (chunk) => {
    if (first) {
      const utf16 = utf16Label(chunk);
      if (!utf16 && chunk.indexOf(0) !== -1) {
        out.mark = 'binary data';
        return true;
      }
      // ASCII names read the same in every ASCII-compatible encoding: one byte a character is enough.
      decoder = new TextDecoder(utf16 === 'UTF-16LE' ? 'utf-16le' : utf16 === 'UTF-16BE' ? 'utf-16be' : 'latin1');
    }
    const text = carry + decoder!.decode(chunk, { stream: true });
    if (first && BANNER_RE.test(text.slice(0, 1000))) out.mark ??= 'a license banner';
    first = false;
    if (BUNDLER_RUNTIME_RE.test(text)) out.mark ??= "a bundler's runtime";
    if (SOURCE_MAP_RE.test(text)) out.mark ??= 'a source map reference';
    if (out.token === undefined) {
      const m = names.exec(text);
      if (m) out.token = m[0];
    }
    carry = text.slice(-keep);
    return false;
  });
  if (ended === 'capped') out.capped = true;
  return out;
}
