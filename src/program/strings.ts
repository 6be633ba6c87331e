/**
 * Script code kept in a constant string (`script.text = "gtag('consent', 'update', …)"`, Klaro's
 * `onAccept: "gtag(…)"`): the page runs that text as a classic script where it runs the string,
 * so the string's text is parsed as one (the parse stage's Babel options for an inline `<script>`)
 * and analysed like any script. Its positions start at the string's, so its lines are the host
 * file's (a one-line string's exactly).
 */
import { locOf } from '../parse/compact.js';
import type * as t from '@babel/types';
import type { AnalysisError } from '../model.js';
import { lexSpans } from '../lexer/index.js';
import { parseScript } from '../parse/babel.js';
import { ScriptIndex, type ModuleInfo } from './script.js';

export interface StringScript {
  /** The parsed text, as a script of its own (a module of one script, named by the host file); none when it does not parse. */
  index?: ScriptIndex;
  /** The parser's errors (a recovered parse counts as a failure too). */
  errors: AnalysisError[];
}

/**
 * The name a whole quoted string filled by a template's `${…}` stands as in the parsed code
 * (`'${GA_ID}'` is `__consent_lint_value_0`): an undeclared global, a value the analysis does not know.
 */
export const STRING_HOLE = '__consent_lint_value_';

/** Does every placeholder of `text` stand as a whole identifier of the parsed code (none in a string, a comment, a name)? */
function holesAreValues(text: string, index: ScriptIndex): boolean {
  const holes = text.split(STRING_HOLE).length - 1;
  if (!holes) return true;
  let ids = 0;
  index.nodes.forEach((n) => {
    if (n.type === 'Identifier' && n.name.startsWith(STRING_HOLE) && /^\d+$/.test(n.name.slice(STRING_HOLE.length)))
      ids++;
  });
  return ids === holes;
}

// Per string node: the same AST (and so the same units for the proof) every time the sinks are searched.
const parsed = new WeakMap<t.Node, StringScript>();

/** The code in the string `node` (whose static text is `text`), in the host script `host`. */
export function stringScript(node: t.Node, text: string, host: ScriptIndex): StringScript {
  const known = parsed.get(node);
  if (known) return known;
  const errors: AnalysisError[] = [];
  const start = locOf(node)?.start;
  const script = parseScript(
    {
      file: host.script.file,
      code: text,
      language: 'js',
      kind: 'script',
      sourceType: 'script',
      jsx: false,
      start: start ? { line: start.line, column: start.column } : undefined,
    },
    errors,
  );
  const out: StringScript = { errors };
  if (script && !errors.length) {
    const mod: ModuleInfo = { file: host.script.file, scripts: [], errors: [], frameworkEntries: new Map() };
    const index = new ScriptIndex(script, mod);
    if (holesAreValues(text, index)) {
      out.index = index;
      mod.scripts.push(index);
    } else
      errors.push({
        file: host.script.file,
        line: start?.line ?? 1,
        column: (start?.column ?? 0) + 1,
        kind: 'unresolved',
        message: 'a `${…}` of the template fills more than a whole quoted string of the code',
      });
  }
  parsed.set(node, out);
  return out;
}

/**
 * A template whose every `${…}` lies inside a quoted string of the code (`gtag('config', '${GA_ID}')`,
 * `'G-${id}'`: the Next.js and Nuxt snippets): its text with each such string a placeholder name
 * (STRING_HOLE), which the parsed script reads as a value it does not know. A `${…}` anywhere else (code,
 * a comment, a template of the code) is not static: undefined. `stringScript` checks that each
 * placeholder is an identifier of the parsed code.
 */
export function templateCode(u: t.TemplateLiteral): string | undefined {
  let out = '';
  /** The quote of the string a hole left open (the next chunk continues it), if any. */
  let open: string | undefined;
  for (let i = 0; i < u.quasis.length; i++) {
    let q = u.quasis[i].value.cooked;
    if (q === undefined || q === null) return undefined;
    if (open) {
      const close = closingQuote(q, open);
      // Another hole in the same string (`'${a}-${b}'`): the chunk is all inside it.
      if (close < 0) {
        if (i === u.expressions.length) return undefined;
        continue;
      }
      q = q.slice(close + 1);
      open = undefined;
    }
    out += q;
    if (i === u.expressions.length) break;
    const string = openString(out);
    if (!string) return undefined;
    out = `${out.slice(0, string.start)}${STRING_HOLE}${i}`;
    open = string.quote;
  }
  return open ? undefined : out;
}

/** The quoted string `text` ends inside (its opening quote's offset and the quote), if it does. */
function openString(text: string): { start: number; quote: string } | undefined {
  let last: { kind: string; start: number; end: number } | undefined;
  lexSpans(text, (kind, start, end) => (last = { kind, start, end }));
  if (!last || last.kind !== 'string' || last.end !== text.length) return undefined;
  const quote = text[last.start];
  const body = text.slice(last.start + 1);
  // Cut by a line break, or closed at the very end (an unescaped quote last): not open.
  if (/[\n\r]/.test(body)) return undefined;
  if (body.endsWith(quote)) {
    let slashes = 0;
    for (let k = body.length - 2; k >= 0 && body[k] === '\\'; k--) slashes++;
    if (slashes % 2 === 0) return undefined;
  }
  return { start: last.start, quote };
}

/** Where the string continued at the start of `text` closes with `quote` (-1: not on this line of it). */
function closingQuote(text: string, quote: string): number {
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (c === '\\') k++;
    else if (c === quote) return k;
    else if (c === '\n' || c === '\r') return -1;
  }
  return -1;
}
