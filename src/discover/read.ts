/**
 * Reading one candidate file: decoded UTF-8 text, or the reason it is skipped.
 * Sync reads into one reusable buffer: for thousands of small, cached files
 * this beats the thread pool and allocates nothing but the strings.
 */
import { binaryPlistToXml, isBinaryPlist } from './bplist.js';
import { GuardedReadError, guardedReadBytes, utf16Label } from './guarded-read.js';

export const MAX_FILE_BYTES = 1024 * 1024;
/** A line longer than this in a script file marks it as minified / generated. */
export const MAX_LINE_LENGTH = 2000;
/** Files of at least this size whose average line is longer than MAX_AVERAGE_LINE are minified. */
const MIN_SIZE_FOR_AVERAGE = 4096;
const MAX_AVERAGE_LINE = 300;

const MARKUP_RE = /\.(?:html?|vue|svelte)$/;
const MIN_NAME_RE = /[.-]min\.[cm]?js$/;
/** Data URIs, inline SVG paths: long values that hand-written markup has too. */
const LONG_ATTRIBUTE_VALUE = /=\s*(?:"[^"]{200,}"|'[^']{200,}')/g;

export type ReadOutcome =
  | { ok: true; text: string }
  | { ok: false; reason: string }
  /** Listed but gone (deleted-but-tracked, a directory, a dangling link): not a candidate. */
  | undefined;

let scratch: Buffer | undefined;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }); // ignoreBOM:false strips a leading BOM

/**
 * Read one listed file through the guarded reader: regular files only (a FIFO
 * or device named `x.js` is skipped, never blocks), at most 1 MiB, and never
 * a symlink whose target leaves `root` (skipped and listed, never read).
 */
export function readSourceFile(
  absPath: string,
  relPath: string,
  root?: string,
  onStat?: (st: import('node:fs').Stats) => void,
): ReadOutcome {
  scratch ??= Buffer.allocUnsafe(MAX_FILE_BYTES + 1);
  let bytes: Buffer;
  try {
    bytes = guardedReadBytes(absPath, {
      maxBytes: MAX_FILE_BYTES,
      scratch,
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
        return { ok: false, reason: `larger than 1 MiB (${((err.size ?? 0) / 1024 / 1024).toFixed(1)} MiB)` };
      case 'outside-root':
      case 'symlink-loop':
        return { ok: false, reason: err.reason };
      default:
        return { ok: false, reason: `unreadable: ${err.reason}` };
    }
  }
  const utf16 = utf16Label(bytes);
  if (utf16) return { ok: false, reason: `${utf16} text (re-encode the file as UTF-8 to analyse it)` };
  if (relPath.endsWith('.plist') && isBinaryPlist(bytes)) {
    // Xcode may store Info.plist in binary form: read as its XML equivalent.
    try {
      return { ok: true, text: binaryPlistToXml(bytes) };
    } catch (e) {
      return { ok: false, reason: `binary property list that could not be read (${(e as Error).message})` };
    }
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { ok: false, reason: `binary file (NUL byte at offset ${nul})` };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: 'not valid UTF-8 (re-encode the file as UTF-8 to analyse it)' };
  }
  const minified = minifiedReason(text, relPath);
  if (minified) return { ok: false, reason: `minified or generated code (${minified})` };
  return { ok: true, text };
}

/**
 * Why a file looks minified, or undefined. Script files: a `.min.js` name, any
 * line over MAX_LINE_LENGTH characters, or a very long average line. Markup
 * files (HTML, Vue, Svelte) legitimately carry long lines (inline SVG, data
 * URIs), so for them only the average-line test applies, not counting long
 * quoted attribute values.
 */
export function minifiedReason(text: string, relPath: string): string | undefined {
  const markup = MARKUP_RE.test(relPath);
  if (!markup && MIN_NAME_RE.test(relPath)) return 'a .min.js file';
  if (text.length <= MAX_LINE_LENGTH) return undefined;
  const nl = text.includes('\n') ? '\n' : '\r';
  if (!markup) {
    // Hop from line break to line break at most MAX_LINE_LENGTH apart: one
    // (short, backwards) search per 2,000 characters instead of one per line.
    for (let p = 0; p + MAX_LINE_LENGTH < text.length;) {
      const k = text.lastIndexOf(nl, p + MAX_LINE_LENGTH);
      if (k < p) {
        const end = text.indexOf(nl, p);
        const len = (end === -1 ? text.length : end) - p;
        return `line ${lineNumber(text, p, nl)} is ${len.toLocaleString('en-US')} characters long`;
      }
      p = k + 1;
    }
  }
  let length = text.length;
  if (markup) for (const m of text.matchAll(LONG_ATTRIBUTE_VALUE)) length -= m[0].length;
  if (length < MIN_SIZE_FOR_AVERAGE) return undefined;
  // Average line length > MAX_AVERAGE_LINE means fewer lines than this; stop counting once reached.
  const enough = Math.ceil(length / MAX_AVERAGE_LINE);
  let lines = 1;
  for (let p = text.indexOf(nl); p !== -1 && p + 1 < text.length && lines < enough; p = text.indexOf(nl, p + 1))
    lines++;
  if (lines >= enough) return undefined;
  return `average line length ${Math.round(length / lines)} characters`;
}

function lineNumber(text: string, offset: number, nl: string): number {
  let line = 1;
  for (let p = text.indexOf(nl); p !== -1 && p < offset; p = text.indexOf(nl, p + 1)) line++;
  return line;
}
