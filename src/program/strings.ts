/**
 * Script code kept in a constant string (`script.text = "gtag('consent', 'update', …)"`, Klaro's
 * `onAccept: "gtag(…)"`): the page runs that text as a classic script where it runs the string,
 * so the string's text is parsed as one (the parse stage's Babel options for an inline `<script>`)
 * and analysed like any script. Its positions start at the string's, so its lines are the host
 * file's (a one-line string's exactly).
 */
import type * as t from '@babel/types';
import type { AnalysisError } from '../model.js';
import { parseScript } from '../parse/babel.js';
import { ScriptIndex, type ModuleInfo } from './script.js';

export interface StringScript {
  /** The parsed text, as a script of its own (a module of one script, named by the host file); none when it does not parse. */
  index?: ScriptIndex;
  /** The parser's errors (a recovered parse counts as a failure too). */
  errors: AnalysisError[];
}

// Per string node: the same AST (and so the same units for the proof) every time the sinks are searched.
const parsed = new WeakMap<t.Node, StringScript>();

/** The code in the string `node` (whose static text is `text`), in the host script `host`. */
export function stringScript(node: t.Node, text: string, host: ScriptIndex): StringScript {
  const known = parsed.get(node);
  if (known) return known;
  const errors: AnalysisError[] = [];
  const start = node.loc?.start;
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
    out.index = new ScriptIndex(script, mod);
    mod.scripts.push(out.index);
  }
  parsed.set(node, out);
  return out;
}
