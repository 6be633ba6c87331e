/**
 * Babel parsing of one piece of JavaScript/TypeScript with file positions.
 *
 * Position convention of every `ParsedScript.ast` (all kinds of file):
 *   - `node.loc.start.line` is the 1-based line in the *file*;
 *   - `node.loc.start.column` is Babel's 0-based column in the file (consumers add 1);
 *   - `node.start` / `node.end` / `loc.*.index` are offsets into `ParsedScript.code`,
 *     so `code.slice(node.start, node.end)` is the node's source text.
 * Each AST is compacted after parsing (./compact.ts): `loc` is computed from
 * the offsets when read, and arrays are exact-size.
 */
import { createRequire } from 'node:module';
import type { ParseResult, ParserOptions, ParserPlugin } from '@babel/parser';

// Loaded on first parse: a warm `--cache` run, which parses nothing, never pays for it.
const require = createRequire(import.meta.url);
let babelParse: typeof import('@babel/parser').parse | undefined;
const parse: typeof import('@babel/parser').parse = (code, options) =>
  (babelParse ??= (require('@babel/parser') as typeof import('@babel/parser')).parse)(code, options);
import type { AnalysisError, ParsedScript, ScriptLanguage } from '../model.js';
import { compactAst, scriptPositions } from './compact.js';
import type { BabelPos } from './positions.js';

export type SourceType = 'module' | 'script' | 'unambiguous';

export interface ScriptInput {
  file: string;
  code: string;
  language: ScriptLanguage;
  kind: ParsedScript['kind'];
  sourceType: SourceType;
  /** Enable JSX for `js` (default true; off for browser `<script>` blocks). */
  jsx?: boolean;
  /** File position of `code[0]` (default 1:0). */
  start?: BabelPos;
  /**
   * For decoded text (HTML entities), the file position of each code offset.
   * When given, every loc is rewritten after parsing and `start` is ignored.
   */
  remap?: (index: number) => BabelPos;
}

// Decorators are not valid JavaScript without the plugin, so enabling it changes
// no valid program; TS (Angular, class components) and MobX code use them. Legacy
// decorators first (what `experimentalDecorators` code is written for); the
// standard ones when those fail: Babel's legacy grammar reads `@Dec()` followed by
// `[key]: T` on the next line as one member access, which TypeScript does not.
type Decorators = 'decorators-legacy' | 'decorators';

function pluginsFor(language: ScriptLanguage, jsx: boolean, decorators: Decorators): ParserPlugin[] {
  switch (language) {
    case 'ts':
      return ['typescript', decorators];
    case 'tsx':
      return ['typescript', 'jsx', decorators];
    case 'flow':
      // `all`: `f<T>(x)` is a call with type arguments, as in Flow-typed code.
      return ['jsx', ['flow', { all: true }], decorators];
    case 'js':
      return jsx ? ['jsx', decorators] : [decorators];
  }
}

type Attempt = { ast: ParseResult; error?: undefined } | { ast?: undefined; error: BabelError };

interface BabelError {
  message: string;
  loc?: { line: number; column: number; index?: number };
  /** The parser ran out of stack (absurd nesting), not a syntax error. */
  stackExhausted?: boolean;
}

function attempt(
  input: ScriptInput,
  language: ScriptLanguage,
  sourceType: SourceType,
  decorators: Decorators = 'decorators-legacy',
): Attempt {
  const start = input.remap ? { line: 1, column: 0 } : (input.start ?? { line: 1, column: 0 });
  const options: ParserOptions = {
    sourceType,
    sourceFilename: input.file,
    errorRecovery: true,
    allowReturnOutsideFunction: true,
    // Suppression directives are read from `ast.comments`; no stage reads comments attached to nodes.
    attachComment: false,
    tokens: false,
    startLine: start.line,
    startColumn: start.column,
    // Explicit: on line 1 Babel would otherwise default startIndex to startColumn.
    startIndex: 0,
    plugins: pluginsFor(language, input.jsx ?? true, decorators),
  };
  try {
    return { ast: parse(input.code, options) };
  } catch (err) {
    return { error: toBabelError(err) };
  }
}

function toBabelError(err: unknown): BabelError {
  if (err instanceof Error) {
    // eslint-disable-next-line no-restricted-syntax -- a parse error's position, not a node's
    const loc = (err as { loc?: BabelError['loc'] }).loc;
    // RangeError (stack overflow on absurdly nested code) has no loc
    const stack = isStackExhaustion(err);
    const message = stack ? `too deeply nested to analyse: the parser ran out of stack (${err.message})` : err.message;
    return {
      message,
      loc: loc && typeof loc.line === 'number' ? loc : undefined,
      ...(stack ? { stackExhausted: true } : {}),
    };
  }
  return { message: String(err) };
}

export function isStackExhaustion(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}

function errorCount(a: Attempt): number {
  return a.ast ? (a.ast.errors?.length ?? 0) : Number.POSITIVE_INFINITY;
}

/** Parse with Babel; a sloppy-mode script that `unambiguous` parsed as strict gets a second, script-mode try. */
function attemptBest(input: ScriptInput, language: ScriptLanguage): Attempt {
  let result = attempt(input, language, input.sourceType);
  // Stack exhaustion is not a syntax error: a script-mode retry would only report a misleading one.
  if (result.error?.stackExhausted) return result;
  if (input.sourceType === 'unambiguous' && errorCount(result) > 0 && result.ast?.program.sourceType !== 'module') {
    const asScript = attempt(input, language, 'script');
    if (errorCount(asScript) < errorCount(result)) result = asScript;
  }
  // Standard decorators, for what the legacy grammar cannot read (see pluginsFor); only when it failed.
  if (errorCount(result) > 0 && input.code.includes('@')) {
    const standard = attempt(input, language, result.ast?.program.sourceType ?? input.sourceType, 'decorators');
    if (errorCount(standard) < errorCount(result)) result = standard;
  }
  return result;
}

/**
 * Parse one script. Recovered errors are reported and the recovered AST is
 * returned; when Babel gives up, the error is reported and nothing returned.
 */
export function parseScript(input: ScriptInput, errors: AnalysisError[]): ParsedScript | undefined {
  return finish(input, input.language, attemptBest(input, input.language), errors);
}

// A Flow pragma must sit in a comment before the first token (as Babel's flow plugin checks).
const LEADING_COMMENTS = /^(?:#![^\n\r]*)?(?:\s+|\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?\*\/)*/;
const FLOW_PRAGMA = /@(?:no)?flow\b/;

export function hasFlowPragma(code: string): boolean {
  const header = LEADING_COMMENTS.exec(code)?.[0] ?? '';
  return FLOW_PRAGMA.test(header);
}

/**
 * A standalone `.js`-family file. Flow is decided per file:
 *   - a `@flow` / `@noflow` pragma: parse with the flow plugin;
 *   - otherwise parse as plain JS (+JSX) first, and only if that reports
 *     errors, try the flow plugin and keep whichever parse has fewer errors.
 * Plain JS first because the flow plugin gives a few valid JS programs a
 * different AST (`f<T>(x)` becomes a call instead of two comparisons), and
 * React Native files with Flow annotations but no pragma fail as plain JS,
 * so the second try finds them. Well-formed plain JS is parsed exactly once.
 */
export function parseJsFile(input: ScriptInput, errors: AnalysisError[]): ParsedScript | undefined {
  if (hasFlowPragma(input.code)) return finish(input, 'flow', attemptBest(input, 'flow'), errors);
  const plain = attemptBest(input, 'js');
  if (errorCount(plain) === 0) return finish(input, 'js', plain, errors);
  const flow = attemptBest(input, 'flow');
  return errorCount(flow) < errorCount(plain)
    ? finish(input, 'flow', flow, errors)
    : finish(input, 'js', plain, errors);
}

function finish(
  input: ScriptInput,
  language: ScriptLanguage,
  result: Attempt,
  errors: AnalysisError[],
): ParsedScript | undefined {
  if (!result.ast) {
    errors.push(toAnalysisError(input, result.error));
    return undefined;
  }
  const ast = result.ast;
  for (const e of ast.errors ?? []) errors.push(toAnalysisError(input, toBabelError(e)));
  const first = input.remap ? { line: 1, column: 0 } : (input.start ?? { line: 1, column: 0 });
  compactAst(ast, scriptPositions(input.code, input.file, first, input.remap));
  return { file: input.file, ast, language, kind: input.kind, code: input.code };
}

function toAnalysisError(input: ScriptInput, e: BabelError): AnalysisError {
  let pos: BabelPos = input.remap ? input.remap(0) : (input.start ?? { line: 1, column: 0 });
  // A parse error's position, not a node's.
  // eslint-disable-next-line no-restricted-syntax
  const at = e.loc;
  if (at) pos = input.remap && at.index !== undefined ? input.remap(at.index) : { line: at.line, column: at.column };
  return {
    file: input.file,
    line: pos.line,
    column: pos.column + 1,
    // Babel appends "(line:column)" with a 0-based column; the report has its own position.
    message: e.message.replace(/\s\(\d+:\d+\)$/, ''),
    kind: 'parse',
  };
}
