/**
 * Tree-sitter grammars for the native languages, as WebAssembly shipped in npm
 * packages (nothing is downloaded or compiled at run time):
 *
 *   Kotlin       @tree-sitter-grammars/tree-sitter-kotlin  tree-sitter-kotlin.wasm
 *   Java         tree-sitter-java                          tree-sitter-java.wasm
 *   Objective-C  tree-sitter-objc                          tree-sitter-objc.wasm
 *   Swift        @repomix/tree-sitter-wasms                out/tree-sitter-swift.wasm
 *
 * (tree-sitter-swift itself ships no wasm, and `tree-sitter-wasms` 0.1.13 is
 * built for an older runtime that web-tree-sitter 0.27 refuses; the repomix
 * build is ABI 14 and loads.) The runtime and each grammar are loaded on first
 * use only, so a scan without native files pays nothing.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { dirname, join } from 'node:path';
import type { Language as TsLanguage, Node as TsNode, Tree as TsTree } from 'web-tree-sitter';

export type NativeLanguage = 'kotlin' | 'java' | 'swift' | 'objc';
export type SyntaxNode = TsNode;

const require = createRequire(import.meta.url);

function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

const GRAMMARS: Record<NativeLanguage, () => string> = {
  kotlin: () => packageFile('@tree-sitter-grammars/tree-sitter-kotlin', 'tree-sitter-kotlin.wasm'),
  java: () => packageFile('tree-sitter-java', 'tree-sitter-java.wasm'),
  objc: () => packageFile('tree-sitter-objc', 'tree-sitter-objc.wasm'),
  swift: () => packageFile('@repomix/tree-sitter-wasms', 'out/tree-sitter-swift.wasm'),
};

export function languageOf(relPath: string): NativeLanguage | undefined {
  // Called for every discovered file: the extension without a regular expression (or its match array).
  const dot = relPath.lastIndexOf('.');
  if (dot === -1 || relPath.includes('/', dot)) return undefined;
  switch (relPath.slice(dot + 1)) {
    case 'kt':
    case 'kts':
      return 'kotlin';
    case 'java':
      return 'java';
    case 'swift':
      return 'swift';
    case 'm':
    case 'mm':
      return 'objc';
    default:
      return undefined;
  }
}

let runtime: Promise<typeof import('web-tree-sitter')> | undefined;
const languages = new Map<NativeLanguage, Promise<TsLanguage>>();

/** The grammar of `lang`, loading the runtime and the grammar the first time. */
export function languageFor(lang: NativeLanguage): Promise<TsLanguage> {
  let p = languages.get(lang);
  if (!p) {
    p = (async () => {
      // The Swift and Kotlin grammars are megabytes of wasm with huge lexer
      // functions: V8's optimising tier compiles them in the background for
      // tens of seconds and holds up process exit. The baseline compiler
      // (Liftoff) alone parses an app's few native files in milliseconds.
      if (!runtime) setFlagsFromString('--liftoff-only');
      runtime ??= import('web-tree-sitter').then(async (m) => {
        await m.Parser.init();
        return m;
      });
      const { Language } = await runtime;
      const wasm = await readFile(GRAMMARS[lang]());
      return Language.load(lang === 'swift' ? patchSwiftScannerCreate(wasm) : wasm);
    })();
    languages.set(lang, p);
  }
  return p;
}

/**
 * Parses `text` with a parser of its own: nothing of an earlier parse (an
 * external scanner's state, which some grammars do not reset when a parse
 * starts) reaches this one. A parser costs a few microseconds; it is deleted
 * here, the tree is the caller's to delete.
 */
export async function parseNative(lang: NativeLanguage, text: string): Promise<TsTree | null> {
  const language = await languageFor(lang);
  const { Parser } = await runtime!;
  const parser = new Parser();
  try {
    parser.setLanguage(language);
    const tree = parser.parse(text);
    if ((lang !== 'swift' && lang !== 'kotlin') || !tree?.rootNode.hasError) return tree;
    const blanked = lang === 'swift' ? swiftWorkarounds(text) : kotlinWorkarounds(text);
    if (blanked === text) return tree;
    const again = parser.parse(blanked);
    const before = firstSyntaxError(tree.rootNode)!.startIndex;
    const after = again ? (firstSyntaxError(again.rootNode)?.startIndex ?? Infinity) : -1;
    if (again && after > before) {
      tree.delete();
      return again;
    }
    again?.delete();
    return tree;
  } finally {
    parser.delete();
  }
}

/** `case name(…)` in an enum declaration: its parentheses hold types, not values. */
const ENUM_CASE_DECLARATION = /^[ \t]*(?:indirect[ \t]+)?case[ \t]+[A-Za-z_`]/;
/**
 * `()` as an argument: right after a call's `(` or after a comma, before `,` or `)`, unless that
 * `)` closes a function type (`(Int, ()) -> Void`).
 */
const SWIFT_EMPTY_TUPLE_ARGUMENT = /([\w)\]?!]\([ \t]*|,[ \t]*)\(\)(?=[ \t]*(?:,|\)(?![ \t]*->)))/g;

/**
 * Valid Swift that tree-sitter-swift cannot parse, made parseable without moving
 * any position (each change blanks characters to spaces), for a file whose parse
 * failed; `parseNative` keeps the second tree only when its first error comes
 * later or is gone:
 * - `await` right after `try`, `try?`, `try!`: `if let x = try await f() {` (and
 *   `while try await`) is read as a call with a trailing closure and the rest of
 *   the file is lost. The converter unwraps `try` and `await` alike, so nothing
 *   the analysis reads changes.
 * - compiler-directive lines (`#if`, `#elseif`, `#else`, `#endif`) between the
 *   members of a type, or at the start of a line in a body: the grammar accepts
 *   them only as statements, indented. Blanked, every branch is read as if it
 *   were compiled, one after another: a call in any branch is still seen (more
 *   is reported, never less).
 * - `()`, the empty tuple, as a statement, value or argument (`default: ()`,
 *   `{ _ in () }`, `return ()`, `completion(.success(()))`): the grammar has no
 *   empty-tuple expression. It becomes ` 0`, a literal of the same length that
 *   the analysis ignores alike.
 * - an enum-case pattern with an empty tuple, `case .success():` (also
 *   `if case .done() = state`): the grammar reads no pattern there. The `()`
 *   becomes two spaces: the pattern `.success`, which matches the same case.
 *   Neither touches an enum's `case name(())` declaration or a function type.
 */
function swiftWorkarounds(text: string): string {
  return text
    .replace(/(\btry[?!]?\s+)await\b/g, (_m, head: string) => `${head}     `)
    .replace(
      /^([ \t]*)(#(?:if|elseif|else|endif)\b[^\n]*)$/gm,
      (_m, indent: string, d: string) => indent + ' '.repeat(d.length),
    )
    .replace(
      /((?:^|[;{:=]|\b(?:in|return|else))[ \t]*)\(\)(?=[ \t]*(?:$|[;}]|\/\/))/gm,
      (_m, head: string) => `${head} 0`,
    )
    .replace(/^[^\n]*$/gm, (line) =>
      ENUM_CASE_DECLARATION.test(line)
        ? line
        : line
            .replace(SWIFT_EMPTY_TUPLE_ARGUMENT, (_m, head: string) => `${head} 0`)
            .replace(/(\bcase[ \t]+\.[A-Za-z_]\w*)\(\)(?=[ \t]*[:,=])/g, (_m, head: string) => `${head}  `),
    );
}

/**
 * Valid Kotlin that tree-sitter-kotlin cannot parse, made parseable as
 * `swiftWorkarounds` does (no line or column moves but one brace's), for a
 * file whose parse failed:
 * - a `catch` or `finally` clause on its own line after a `catch` clause
 *   (`} catch (a: A) { … }` then `catch (b: B) { … }` on the next line): the
 *   newline after the brace ends the try expression and the rest of the class
 *   is lost. The brace moves to the start of the next line, in place of a
 *   character of its indentation (`}` ending a line becomes a space, the first
 *   indentation character `}`), so the clause follows it on one line; every
 *   other character keeps its offset, line and column.
 * - a trailing comma after a `catch` clause's parameter (`catch (\n e: Exception,\n)`,
 *   as ktlint formats an annotated parameter): the grammar allows none there, and
 *   the whole file became one error. The comma becomes a space.
 * - the standard library's `suspend { … }` (a call of `kotlin.suspend`, which returns
 *   its lambda unchanged; `onComplete = suspend { … }` in Compose code): the grammar
 *   takes `suspend` for a modifier only, and the class around it was lost. The word
 *   becomes spaces, leaving the lambda, the value the call returns; a function of the
 *   app named `suspend` loses that call, which leaves its entry unguarded (more is
 *   reported, never less). A member call (`x.suspend {`) is left alone.
 */
function kotlinWorkarounds(text: string): string {
  return text
    .replace(/(?<![.\w])suspend(?=[ \t]*\{)/g, '       ')
    .replace(/\}([ \t]*\n)[ \t](?=[ \t]*(?:catch|finally)\b)/g, (_m, gap: string) => ` ${gap}}`)
    .replace(/(\bcatch[ \t]*\((?:[^()]|\([^()]*\))*?),(\s*\))/g, (_m, head: string, tail: string) => `${head} ${tail}`);
}

/**
 * tree-sitter-swift's external scanner allocates its state with
 * `calloc(0, sizeof(struct ScannerState))` (alex-pinkus/tree-sitter-swift#554,
 * fixed upstream, still in the shipped build): zero bytes, so its raw-string
 * counter (`#"..."#`) lives in a chunk the allocator recycles uncleared. The
 * first parse in a process sees fresh zeroed memory; every later one, after
 * any grammar has parsed and freed memory, sees garbage: `#available`, `#if`,
 * `#selector` become syntax errors and the code after them is lost. The fix is
 * the upstream one, in the wasm: the count operand `i32.const 0` of that one
 * call becomes `i32.const 1`, same length, nothing else moves. The function
 * is found by name (wasm name section) and patched only if its body is exactly
 * the buggy one (`calloc(0, 4)`); a fixed or different build is left alone.
 */
export function patchSwiftScannerCreate(wasm: Uint8Array): Uint8Array {
  const at = functionBody(wasm, 'tree_sitter_swift_external_scanner_create');
  if (!at) return wasm;
  const { start, end, calloc } = at;
  // 00 (no locals) 41 00 (i32.const 0) 41 04 (i32.const 4) 10 <callee> (call) 0b (end)
  const body = wasm.subarray(start, end);
  if (body.length < 8 || body[0] !== 0x00 || body[1] !== 0x41 || body[2] !== 0x00) return wasm;
  if (body[3] !== 0x41 || body[4] !== 0x04 || body[5] !== 0x10 || body[body.length - 1] !== 0x0b) return wasm;
  const callee = new WasmReader(body, 6);
  try {
    if (callee.leb() !== calloc || callee.pos !== body.length - 1) return wasm;
  } catch {
    return wasm;
  }
  const patched = Uint8Array.from(wasm);
  patched[start + 2] = 0x01;
  return patched;
}

/** A cursor over wasm bytes: LEB128 integers and names; throws past the end. */
class WasmReader {
  private readonly text = new TextDecoder();
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
  ) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError('truncated wasm');
    return this.bytes[this.pos++];
  }
  leb(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
    }
    throw new RangeError('malformed LEB128');
  }
  str(): string {
    const n = this.leb();
    const s = this.text.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
}

/** How many functions an import section imports, and which one is `env.calloc` (undefined: a kind not known here). */
function readImports(r: WasmReader): { importedFunctions: number; calloc: number | undefined } | undefined {
  let importedFunctions = 0;
  let calloc: number | undefined;
  const limits = () => {
    const flags = r.leb();
    r.leb();
    if (flags & 1) r.leb();
  };
  for (let n = r.leb(); n > 0; n--) {
    const qualified = `${r.str()}.${r.str()}`;
    const kind = r.byte();
    if (kind === 0) {
      r.leb();
      if (qualified === 'env.calloc') calloc = importedFunctions;
      importedFunctions++;
    } else if (kind === 1) {
      r.byte();
      limits();
    } else if (kind === 2) limits();
    else if (kind === 3) r.pos += 2;
    else return undefined;
  }
  return { importedFunctions, calloc };
}

/** The index of the function named `name` in a name section (at its first subsection). */
function namedFunction(r: WasmReader, end: number, name: string): number | undefined {
  let index: number | undefined;
  while (r.pos < end) {
    const sub = r.byte();
    const subEnd = r.leb() + r.pos;
    if (sub === 1) {
      for (let n = r.leb(); n > 0; n--) {
        const i = r.leb();
        if (r.str() === name) index = i;
      }
    }
    r.pos = subEnd;
  }
  return index;
}

/** Where the body of the function named `name` lies in a wasm module, and the index of its `env.calloc` import. */
function functionBody(
  wasm: Uint8Array,
  name: string,
): { start: number; end: number; calloc: number | undefined } | undefined {
  const r = new WasmReader(wasm, 8); // after magic and version
  let imports: { importedFunctions: number; calloc: number | undefined } | undefined = {
    importedFunctions: 0,
    calloc: undefined,
  };
  let index: number | undefined;
  let code: number | undefined;
  try {
    while (r.pos < wasm.length) {
      const id = r.byte();
      const end = r.leb() + r.pos;
      if (id === 0 && r.str() === 'name') index = namedFunction(r, end, name);
      else if (id === 2) imports = readImports(r);
      else if (id === 10) code = r.pos;
      if (!imports) return undefined;
      r.pos = end;
    }
    if (index === undefined || code === undefined || index < imports.importedFunctions) return undefined;
    r.pos = code;
    for (let i = 0, count = r.leb(); i < count; i++) {
      const size = r.leb();
      if (i === index - imports.importedFunctions) return { start: r.pos, end: r.pos + size, calloc: imports.calloc };
      r.pos += size;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * `text` without its comments (`//` to the end of the line, `/* … *\/`), for
 * the test of whether a file mentions an SDK: a copyright header naming a
 * vendor does not make a file worth parsing. String literals (`"…"`,
 * `"""…"""`, and, but in Swift, character literals) are kept whole so that
 * `"https://…"` is not a comment. A comment this misses (a nested one, a string form it does not
 * know) only keeps more text, so more files are parsed, never fewer.
 */
export function withoutComments(text: string, lang: NativeLanguage): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text.startsWith('""', i + 1) && (lang === 'kotlin' || lang === 'swift' || lang === 'java')) {
      const end = text.indexOf('"""', i + 3); // a multi-line string (Java: a text block)
      i = end === -1 ? text.length : end + 2;
    } else if (c === '"' || (c === "'" && lang !== 'swift')) {
      for (i++; i < text.length && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      out += text.slice(from, i) + ' ';
      const end = text[i + 1] === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : text[i + 1] === '/' ? end - 1 : end + 1;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/** The first ERROR or MISSING node of a tree, for a parse error at its real position. */
export function firstSyntaxError(node: SyntaxNode): SyntaxNode | undefined {
  if (!node.hasError) return undefined;
  if (node.isError || node.isMissing) return node;
  for (const c of node.children) {
    if (!c) continue;
    const e = firstSyntaxError(c);
    if (e) return e;
  }
  return node;
}

/** Languages whose grammar has been requested in this process (for tests of lazy loading). */
export function loadedLanguages(): NativeLanguage[] {
  return [...languages.keys()];
}
