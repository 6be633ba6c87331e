/**
 * Literal values of a JavaScript config file, read without running it: objects,
 * arrays, strings, numbers, booleans, `path.resolve(__dirname, '…')` /
 * `path.join(__dirname, '…')`, and `pkg.name` of `const pkg =
 * require('./package.json')` (read as JSON). What is not such a literal is
 * `UNKNOWN`, never a guess. Shared by the configs whose aliases are followed
 * (Babel's module-resolver, SvelteKit's `kit.alias`).
 */
import type * as t from '@babel/types';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { guardedReadText, isInsideDir } from '../discover/index.js';
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
