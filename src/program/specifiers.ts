/**
 * The module specifiers a file's text names, from one scan: the literal ones
 * (`from './x'`, `require('./x')`, `import(/* chunk *\/ './x')`) and the
 * computed ones (`import(\`./locales/${lang}\`)`, `require('./plugins/' +
 * name)`, `import(name)`), which may load any module their static prefix
 * allows. A text scan, so the importer index can be built without parsing;
 * the Resolver reads a computed specifier's prefix from the AST alike
 * (`specifierPrefix`), so both agree on which modules a load may name.
 * Vite's `import.meta.glob('./modules/*.ts')` loads every module its pattern
 * matches, webpack's `require.context('./modules')` every module of its
 * folder: their prefixes are computed loads'.
 */
import { posix } from 'node:path';
import type * as t from '@babel/types';

export interface FileSpecifiers {
  /** Literal specifiers, in text order. */
  literal: string[];
  /** Root-relative path prefixes of the app modules computed specifiers may load; '' = any app module. */
  computed: string[];
}

// A keyword, an optional `(`, comments (a bundler's `/* webpackChunkName */`), then a quoted
// specifier (`+` after it: the prefix of a computed one) or a template (its head, and `${` if it
// has an expression). Any other expression has no prefix: it loads no app module (`loadPrefix`).
const SPECIFIER =
  /\b(from|import|require)\s*(\(?)\s*(?:\/\*[^]*?\*\/\s*)*(?:(['"])([^'"\n]+)\3(\s*\+)?|`([^`$\\\n]*)(\$\{|`)?)/g;

// webpack's `require.context('./modules', …)`: a function loading any module of that folder.
const CONTEXT = /\brequire\.context\s*\(\s*(?:(['"`])([^'"`\n]*)\1)?/g;

// Vite's `import.meta.glob('./modules/*.ts')` (`globEager`, a type argument, a list of patterns).
const GLOB = /\bimport\.meta\.glob(?:Eager)?\s*(?:<[^>]*>)?\s*\(\s*(?:(['"`])([^'"`\n]*)\1|\[)/g;

export function scanSpecifiers(relPath: string, text: string): FileSpecifiers {
  const literal: string[] = [];
  const computed = new Set<string>();
  SPECIFIER.lastIndex = 0;
  for (let m = SPECIFIER.exec(text); m; m = SPECIFIER.exec(text)) {
    // Only `import(`/`require(` load by value; `x.import(…)` is some object's method.
    const load = m[2] === '(' && m[1] !== 'from' && text.charCodeAt(m.index - 1) !== 46; /* . */
    let prefix: string | undefined;
    if (m[4] !== undefined) {
      if (m[5] && load) prefix = loadPrefix(relPath, m[4]);
      else if (!m[5]) literal.push(m[4]);
    } else if (m[6] !== undefined) {
      if (!load) continue;
      if (m[7] === '${') prefix = loadPrefix(relPath, m[6]);
      else if (m[7] === '`' && m[6]) literal.push(m[6]);
    }
    if (prefix !== undefined) computed.add(prefix);
  }
  if (text.includes('import.meta.glob')) {
    GLOB.lastIndex = 0;
    for (let m = GLOB.exec(text); m; m = GLOB.exec(text)) {
      const prefix = globLoadPrefix(relPath, m[2] === undefined ? null : globPrefix(m[2]));
      if (prefix !== undefined) computed.add(prefix);
    }
  }
  if (text.includes('require.context')) {
    CONTEXT.lastIndex = 0;
    for (let m = CONTEXT.exec(text); m; m = CONTEXT.exec(text)) {
      const prefix = m[2] === undefined ? undefined : loadPrefix(relPath, folderPrefix(m[2]));
      if (prefix !== undefined) computed.add(prefix);
    }
  }
  return { literal, computed: [...computed] };
}

/** A folder as a path prefix: `./modules` → `./modules/` (not `./modules-old`). */
function folderPrefix(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}

/**
 * The folder prefix of a webpack context (`require.context('./modules', …)`),
 * null when it is not a literal, undefined when `call` is none.
 */
export function contextCallPrefix(call: t.Node): string | null | undefined {
  if (call.type !== 'CallExpression') return undefined;
  const c = call.callee;
  if (c.type !== 'MemberExpression' || c.computed || c.property.type !== 'Identifier') return undefined;
  if (c.property.name !== 'context' || c.object.type !== 'Identifier' || c.object.name !== 'require') return undefined;
  const arg = call.arguments[0];
  return arg?.type === 'StringLiteral' ? folderPrefix(arg.value) : null;
}

/** The part of a glob pattern before its first wildcard (`./modules/*.ts` → `./modules/`); '' for a list or a negation. */
export function globPrefix(pattern: string): string {
  const wild = pattern.search(/[*?{[!]/);
  return wild < 0 ? pattern : pattern.slice(0, wild);
}

/**
 * The pattern prefix of a Vite glob import (`import.meta.glob(p)`): null for a
 * list of patterns, undefined when `call` is no glob import.
 */
export function globCallPrefix(
  call: t.CallExpression | t.OptionalCallExpression | t.NewExpression,
): string | null | undefined {
  const c = call.callee;
  if (c.type !== 'MemberExpression' || c.computed || c.property.type !== 'Identifier') return undefined;
  if (c.property.name !== 'glob' && c.property.name !== 'globEager') return undefined;
  if (c.object.type !== 'MetaProperty' || c.object.meta.name !== 'import' || c.object.property.name !== 'meta')
    return undefined;
  const arg = call.arguments[0];
  return arg?.type === 'StringLiteral' ? globPrefix(arg.value) : null;
}

/** Where a glob import may lead (`loadPrefix`); a list of patterns: any app module (not read one by one). */
export function globLoadPrefix(fromFile: string, prefix: string | null): string | undefined {
  return prefix === null ? '' : loadPrefix(fromFile, prefix);
}

/** The static prefix of a computed specifier (a template's head, the leftmost `'…' +`); '' when none. */
export function specifierPrefix(e: t.Node): string {
  if (e.type === 'TemplateLiteral') return e.quasis[0]?.value.cooked ?? '';
  let left: t.Node = e;
  while (left.type === 'BinaryExpression' && left.operator === '+') left = left.left;
  return left.type === 'StringLiteral' ? left.value : '';
}

/**
 * Where a computed specifier may lead, as a root-relative path prefix: a
 * relative prefix from the importer's folder (`./plugins/` → `src/plugins/`);
 * an app alias (`@/pages/`) any app module (''). Without either it loads no app
 * module (undefined): a bundler includes app modules for a computed specifier
 * only under a relative or aliased folder (webpack's context, Vite's glob;
 * Metro none), so `import(name)` names a package or a URL, not modelled.
 */
export function loadPrefix(fromFile: string, prefix: string): string | undefined {
  // Vite reads `/src/…` from the project root.
  if (prefix.startsWith('/')) return posix.normalize(prefix.slice(1)).replace(/^\.\/?$/, '');
  if (!prefix.startsWith('./') && !prefix.startsWith('../')) return APP_ALIAS.test(prefix) ? '' : undefined;
  const p = posix.normalize(posix.join(posix.dirname(fromFile), prefix));
  return p === '.' || p === './' || p.startsWith('../') ? '' : p;
}

/** An app alias: `@/`, `~/`, `~~/`, `#/` (the importer index reads undeclared ones alike). */
export const APP_ALIAS = /^(?:[@~#]|~~)\//;

/** May a load whose prefix is `prefix` name the module `file`? */
export function prefixAdmits(prefix: string, file: string): boolean {
  return file.startsWith(prefix);
}
