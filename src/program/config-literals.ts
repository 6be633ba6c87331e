/**
 * Literal values of a JavaScript config file, read without running it: objects,
 * arrays, strings, numbers, booleans, `path.resolve(__dirname, '…')` /
 * `path.join(__dirname, '…')`, and `pkg.name` of `const pkg =
 * require('./package.json')` (read as JSON). What is not such a literal is
 * `UNKNOWN`, never a guess. Shared by the configs whose aliases are followed
 * (Babel's module-resolver, SvelteKit's `kit.alias`).
 */
import type * as t from '@babel/types';
import { lstatSync } from 'node:fs';
import { dirname, join, relative, resolve as resolvePath } from 'node:path';
import { guardedReadText, isInsideDir } from '../discover/index.js';
import type { AnalysisError } from '../model.js';
import { parseScript } from '../parse/babel.js';
import { locOf } from '../parse/compact.js';

/** A module-resolver option entry that cannot be read statically: what it is, in words, and where. */
export interface Unread {
  what: string;
  /** Its source text, for the cache fingerprint. */
  text: string;
  line: number;
}

/** What reading a JS config's literals needs: its folder, the scan root, its text, its constants, and where to note entries it cannot read. */
export interface ReadContext {
  dir: string;
  root: string;
  code: string;
  consts: Map<string, t.Node>;
  unread: Unread[];
}

export const UNKNOWN = Symbol('not a literal');

/**
 * The value of a literal expression (objects, arrays, strings, numbers, booleans,
 * `path.resolve(__dirname, '…')`, `pkg.name` of a `require('./package.json')`).
 * In an object of the options (`at`: its name in messages), an entry that cannot
 * be read so is left out and noted in `ctx.unread`; elsewhere it makes the whole
 * value unreadable.
 */
export function literal(n: t.Node, ctx: ReadContext, depth = 0, at?: string): unknown {
  if (depth > 20) return UNKNOWN;
  const again = (x: t.Node, inner?: string) => literal(x, ctx, depth + 1, inner);
  switch (n.type) {
    case 'StringLiteral':
    case 'NumericLiteral':
    case 'BooleanLiteral':
      return n.value;
    case 'TemplateLiteral':
      return n.expressions.length ? UNKNOWN : n.quasis[0].value.cooked;
    case 'Identifier':
      if (n.name === '__dirname') return ctx.dir;
      return ctx.consts.has(n.name) ? again(ctx.consts.get(n.name)!, at) : UNKNOWN;
    case 'ArrayExpression': {
      const out: unknown[] = [];
      for (const e of n.elements) {
        const v = e && e.type !== 'SpreadElement' ? again(e) : UNKNOWN;
        if (v === UNKNOWN) return UNKNOWN;
        out.push(v);
      }
      return out;
    }
    case 'ObjectExpression': {
      const out: Record<string, unknown> = {};
      const skip = (p: t.Node, what: string) => {
        if (at === undefined) return false;
        ctx.unread.push({ what, text: ctx.code.slice(p.start ?? 0, p.end ?? 0), line: locOf(p)?.start.line ?? 1 });
        return true;
      };
      for (const p of n.properties) {
        const src = (x: t.Node) => ctx.code.slice(x.start ?? 0, x.end ?? 0);
        const place = `(line ${locOf(p)?.start.line ?? 1})`;
        if (p.type !== 'ObjectProperty') {
          if (skip(p, `the module-resolver ${at} entry \`${src(p)}\` ${place}`)) continue;
          return UNKNOWN;
        }
        const k = p.computed ? again(p.key) : undefined;
        const key = p.computed
          ? typeof k === 'string'
            ? k
            : undefined
          : p.key.type === 'Identifier'
            ? p.key.name
            : p.key.type === 'StringLiteral'
              ? p.key.value
              : undefined;
        if (key === undefined) {
          if (skip(p, `the module-resolver ${at} key \`[${src(p.key)}]\` ${place}, a computed name,`)) continue;
          return UNKNOWN;
        }
        const inner = at === 'options' && (key === 'alias' || key === 'root') ? key : undefined;
        const v = again(p.value, inner);
        if (v === UNKNOWN) {
          if (
            skip(p, `the module-resolver ${at} entry "${key}" ${place}, whose value \`${src(p.value)}\` is no literal,`)
          )
            continue;
          return UNKNOWN;
        }
        out[key] = v;
      }
      return out;
    }
    case 'MemberExpression':
      return packageName(n, ctx) ?? UNKNOWN;
    case 'CallExpression': {
      // fileURLToPath(new URL('./src', import.meta.url)): the file beside the config
      const beside = besideConfig(n);
      if (beside !== undefined) return resolvePath(ctx.dir, beside);
      // path.resolve(__dirname, 'src') / path.join(__dirname, 'src')
      const c = n.callee;
      const fn =
        c.type === 'MemberExpression' && c.property.type === 'Identifier' && !c.computed ? c.property.name : undefined;
      if (fn !== 'resolve' && fn !== 'join') return UNKNOWN;
      const parts = n.arguments.map((a) => (a.type === 'SpreadElement' ? UNKNOWN : again(a)));
      if (parts.some((p) => typeof p !== 'string')) return UNKNOWN;
      return fn === 'resolve' ? resolvePath(ctx.dir, ...(parts as string[])) : join(...(parts as string[]));
    }
    default:
      return UNKNOWN;
  }
}

/**
 * `pkg.name` where `const pkg = require('./package.json')` (or `'../package.json'`): the
 * `name` of that JSON file, read through the guarded reader (never required), when it
 * lies inside the scan root or beside the config; undefined otherwise.
 */
function packageName(n: t.MemberExpression, ctx: ReadContext): string | undefined {
  if (n.computed || n.property.type !== 'Identifier' || n.property.name !== 'name') return undefined;
  if (n.object.type !== 'Identifier') return undefined;
  const init = ctx.consts.get(n.object.name);
  if (
    init?.type !== 'CallExpression' ||
    init.callee.type !== 'Identifier' ||
    init.callee.name !== 'require' ||
    init.arguments.length !== 1 ||
    init.arguments[0].type !== 'StringLiteral' ||
    !/^\.\.?\/package\.json$/.test(init.arguments[0].value)
  )
    return undefined;
  const file = resolvePath(ctx.dir, init.arguments[0].value);
  const inRoot = isInsideDir(ctx.root, file);
  if (!inRoot && dirname(file) !== ctx.dir) return undefined;
  try {
    const data: unknown = JSON.parse(guardedReadText(file, inRoot ? { root: ctx.root } : {}));
    const name = data && typeof data === 'object' ? (data as { name?: unknown }).name : undefined;
    return typeof name === 'string' && name ? name : undefined;
  } catch {
    return undefined; // unreadable or not JSON: the key stays unread, and is reported
  }
}

/** A config file read and parsed: its root-relative name, what reading its literals needs, and what it exports. */
export interface ConfigObject {
  configFile: string;
  ctx: ReadContext;
  /** `export default …` or `module.exports = …` (a `defineXConfig({…})` call's argument: the object). */
  exported: t.Node | undefined;
}

/** Read and parse a JavaScript or TypeScript config file inside the scan root; a string says why it could not be. */
export function readConfigObject(abs: string, root: string): ConfigObject | string {
  const configFile = relative(root, abs).split('\\').join('/');
  let code: string;
  try {
    code = guardedReadText(abs, { root });
  } catch (e) {
    return `${configFile} could not be read (${(e as Error).message})`;
  }
  const errors: AnalysisError[] = [];
  const parsed = parseScript(
    {
      file: configFile,
      code,
      language: /\.[cm]?ts$/.test(abs) ? 'ts' : 'js',
      kind: 'module',
      sourceType: 'unambiguous',
      jsx: false,
    },
    errors,
  );
  if (!parsed || errors.length) return `${configFile} could not be parsed (${errors[0]?.message ?? 'syntax error'})`;
  const ctx: ReadContext = { dir: dirname(abs), root, code, consts: new Map(), unread: [] };
  let exported: t.Node | undefined;
  for (const s of parsed.ast.program.body) {
    if (s.type === 'VariableDeclaration')
      for (const d of s.declarations) if (d.id.type === 'Identifier' && d.init) ctx.consts.set(d.id.name, d.init);
    if (s.type === 'ExportDefaultDeclaration') exported = s.declaration;
    if (
      s.type === 'ExpressionStatement' &&
      s.expression.type === 'AssignmentExpression' &&
      s.expression.left.type === 'MemberExpression' &&
      s.expression.left.object.type === 'Identifier' &&
      s.expression.left.object.name === 'module' &&
      s.expression.left.property.type === 'Identifier' &&
      s.expression.left.property.name === 'exports'
    )
      exported = s.expression.right;
  }
  return { configFile, ctx, exported };
}

/**
 * An object literal, directly, through a constant (`const config = {…}; export default config`)
 * or as the one argument of a `defineXConfig({…})` helper (which returns its argument).
 */
export function objectOf(n: t.Node | undefined, ctx: ReadContext, depth = 0): t.ObjectExpression | undefined {
  if (!n || depth > 8) return undefined;
  if (n.type === 'ObjectExpression') return n;
  if (n.type === 'TSSatisfiesExpression' || n.type === 'TSAsExpression' || n.type === 'ParenthesizedExpression')
    return objectOf(n.expression, ctx, depth + 1);
  if (n.type === 'Identifier' && ctx.consts.has(n.name)) return objectOf(ctx.consts.get(n.name), ctx, depth + 1);
  if (
    n.type === 'CallExpression' &&
    n.callee.type === 'Identifier' &&
    /^define[A-Z]\w*Config$/.test(n.callee.name) &&
    n.arguments.length === 1
  )
    return objectOf(n.arguments[0], ctx, depth + 1);
  return undefined;
}

/** The value of a named property; UNKNOWN when a spread, a computed key or a method may be it. */
export function propertyOf(o: t.ObjectExpression, name: string): t.Node | typeof UNKNOWN | undefined {
  let found: t.Node | typeof UNKNOWN | undefined;
  for (const p of o.properties) {
    if (p.type === 'SpreadElement' || (p.type !== 'ObjectMethod' && p.computed)) found = UNKNOWN;
    else {
      const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : undefined;
      if (key === name) found = p.type === 'ObjectProperty' ? p.value : UNKNOWN;
    }
  }
  return found;
}

/** The literal value of a named property: undefined when absent, UNKNOWN when it is no literal. */
export function literalProperty(o: t.ObjectExpression, name: string, ctx: ReadContext): unknown {
  const n = propertyOf(o, name);
  return n === undefined || n === UNKNOWN ? n : literal(n, ctx);
}

/** A regular file inside the scan root (never through a link). */
export function isFileInside(abs: string, root: string): boolean {
  try {
    return isInsideDir(root, abs) && lstatSync(abs).isFile();
  } catch {
    return false;
  }
}

/** A folder inside the scan root (never through a link). */
export function isDirectoryInside(abs: string, root: string): boolean {
  try {
    return isInsideDir(root, abs) && lstatSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/** `fileURLToPath(new URL('./x', import.meta.url))` (also `url.fileURLToPath`): './x', the path it names beside the config. */
function besideConfig(n: t.CallExpression): string | undefined {
  const c = n.callee;
  const name =
    c.type === 'Identifier'
      ? c.name
      : c.type === 'MemberExpression' && c.property.type === 'Identifier'
        ? c.property.name
        : undefined;
  const u = n.arguments[0];
  if (name !== 'fileURLToPath' || n.arguments.length !== 1 || u.type !== 'NewExpression') return undefined;
  if (u.callee.type !== 'Identifier' || u.callee.name !== 'URL' || u.arguments.length !== 2) return undefined;
  const [spec, base] = u.arguments;
  const metaUrl =
    base.type === 'MemberExpression' &&
    base.object.type === 'MetaProperty' &&
    base.property.type === 'Identifier' &&
    base.property.name === 'url';
  return metaUrl && spec.type === 'StringLiteral' && /^\.{1,2}(\/|$)/.test(spec.value) ? spec.value : undefined;
}
