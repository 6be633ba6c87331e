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
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { dirname, join } from 'node:path';
import type { Language as TsLanguage, Node as TsNode, Parser as TsParser } from 'web-tree-sitter';

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
const parsers = new Map<NativeLanguage, Promise<TsParser>>();

/** A parser for `lang`, loading the runtime and the grammar the first time. */
export function parserFor(lang: NativeLanguage): Promise<TsParser> {
  let p = parsers.get(lang);
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
      const { Parser, Language } = await runtime;
      const language: TsLanguage = await Language.load(GRAMMARS[lang]());
      const parser = new Parser();
      parser.setLanguage(language);
      return parser;
    })();
    parsers.set(lang, p);
  }
  return p;
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
  return [...parsers.keys()];
}
