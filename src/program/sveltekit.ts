/**
 * The tsconfig SvelteKit generates (`.svelte-kit/tsconfig.json`, written by
 * `svelte-kit sync`), which an app's own tsconfig extends. A clean checkout
 * (a pre-commit hook, CI before the build) has not generated it yet, so its
 * aliases (`$lib`, `kit.alias`) are computed here the way SvelteKit computes
 * them (packages/kit/src/core/sync/write_tsconfig.js, get_tsconfig_paths):
 * from `svelte.config.*`, read as literals, never run. A config whose `kit`
 * options cannot be read so is a problem of the analysis, never "no aliases".
 */
import type * as t from '@babel/types';
import { lstatSync } from 'node:fs';
import { dirname, join, relative, resolve as resolvePath } from 'node:path';
import { guardedReadText, isInsideDir } from '../discover/index.js';
import type { AnalysisError } from '../model.js';
import { parseScript } from '../parse/babel.js';
import { literal, UNKNOWN, type ReadContext } from './config-literals.js';

const SVELTE_CONFIGS = ['svelte.config.js', 'svelte.config.mjs', 'svelte.config.cjs', 'svelte.config.ts'];

/** The `compilerOptions` the generated base gives the app's config, as seen from the app's config folder. */
export interface GeneratedOptions {
  /** The base's `paths`, relative to the app's config folder. */
  paths: Record<string, string[]>;
  /** Where the base sets `baseUrl` (the project folder, relative to the app's config folder). */
  baseUrl?: string;
  /** The file SvelteKit would generate (for messages). */
  file: string;
}

/** What the app's own config sets (it wins over the base's). */
interface OwnOptions {
  baseUrl?: string;
  paths?: Record<string, string[]>;
}

/**
 * The options SvelteKit's generated tsconfig would give the config `configAbs`
 * that extends `spec`; undefined when `spec` is not that file; a reason when it
 * is but `svelte.config.*` cannot be read without running it.
 */
export function svelteKitBase(
  spec: string,
  configAbs: string,
  root: string,
  own: OwnOptions,
): GeneratedOptions | string | undefined {
  const dir = dirname(configAbs);
  if (!/^\.{1,2}\//.test(spec)) return undefined;
  const target = resolvePath(dir, spec.endsWith('.json') ? spec : `${spec}.json`);
  const kit = kitOptions(dir, root);
  // Options that cannot be read: a problem only where the base is SvelteKit's by its default place.
  if (typeof kit === 'string') return target === resolvePath(dir, '.svelte-kit', 'tsconfig.json') ? kit : undefined;
  const outDir = resolvePath(dir, kit.outDir ?? '.svelte-kit');
  if (target !== join(outDir, 'tsconfig.json')) return undefined;
  const alias: Record<string, string> = { ...kit.alias };
  const lib = kit.lib ?? 'src/lib';
  if (isDirectory(resolvePath(dir, lib), root)) alias.$lib = lib;
  // Relative to the app's config folder (TypeScript resolves the base's relative to the base's folder: the same files).
  const fromConfig = (value: string) => {
    const rel = relative(dir, resolvePath(dir, value)).split('\\').join('/');
    return rel.startsWith('.') ? rel : `./${rel}`;
  };
  const paths: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(alias)) {
    const k = /^(.+?)(\/\*)?$/.exec(key);
    const v = /^(.*?)((\/\*)|(\.\w+))?$/.exec(value);
    if (!k || !v) return `${kit.configFile}: the \`kit.alias\` entry "${key}" is not a name and a path`;
    const target = fromConfig(value.endsWith('/*') ? value.slice(0, -2) : value);
    if (k[2]) paths[key] = [`${target}/*`];
    else {
      paths[key] = [target];
      if (!v[4] && !(`${key}/*` in alias)) paths[`${key}/*`] = [`${target}/*`];
    }
  }
  // SvelteKit sets `baseUrl` (the project folder) only for an app config without one whose own `paths` are not relative.
  const nonRelative =
    own.baseUrl === undefined &&
    Object.values(own.paths ?? {}).some((targets) => targets.some((x) => !x.startsWith('.')));
  return { paths, ...(nonRelative && { baseUrl: '.' }), file: relative(root, join(outDir, 'tsconfig.json')) };
}

interface KitOptions {
  /** The svelte config read (root-relative), if any. */
  configFile?: string;
  /** Whether a `kit` object was found in it. */
  found: boolean;
  alias?: Record<string, string>;
  lib?: string;
  outDir?: string;
}

/** `kit.alias`, `kit.files.lib` and `kit.outDir` of the folder's `svelte.config.*`, or why they cannot be read. */
function kitOptions(dir: string, root: string): KitOptions | string {
  const abs = SVELTE_CONFIGS.map((name) => join(dir, name)).find((f) => isFile(f, root));
  if (!abs) return { found: false };
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
      language: abs.endsWith('.ts') ? 'ts' : 'js',
      kind: 'module',
      sourceType: 'unambiguous',
      jsx: false,
    },
    errors,
  );
  if (!parsed || errors.length) return `${configFile} could not be parsed (${errors[0]?.message ?? 'syntax error'})`;
  const ctx: ReadContext = { dir, root, code, consts: new Map(), unread: [] };
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
  const unreadable = `${configFile}: its \`kit\` options (\`alias\`, \`files\`, \`outDir\`, \`typescript\`) cannot be read without running it`;
  const config = objectOf(exported, ctx);
  if (!config) return unreadable;
  const kitNode = propertyOf(config, 'kit');
  if (kitNode === UNKNOWN) return unreadable;
  if (!kitNode) return { configFile, found: false };
  const kit = objectOf(kitNode, ctx);
  if (!kit) return unreadable;
  // `kit.typescript.config` may rewrite the generated tsconfig: only running it would tell.
  if (propertyOf(kit, 'typescript') !== undefined) return unreadable;
  const read = (name: string): unknown => {
    const n = propertyOf(kit, name);
    return n === undefined ? undefined : n === UNKNOWN ? UNKNOWN : literal(n, ctx);
  };
  const alias = read('alias');
  const files = read('files');
  const outDir = read('outDir');
  const strings = (v: unknown): v is Record<string, string> =>
    !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
  if (alias !== undefined && !strings(alias)) return unreadable;
  if (outDir !== undefined && typeof outDir !== 'string') return unreadable;
  let lib: string | undefined;
  if (files !== undefined) {
    if (!files || typeof files !== 'object' || Array.isArray(files)) return unreadable;
    const l = (files as { lib?: unknown }).lib;
    if (l !== undefined && typeof l !== 'string') return unreadable;
    lib = l;
  }
  return { configFile, found: true, alias, lib, outDir };
}

/** An object literal, directly or through a constant (`const config = {…}; export default config`). */
function objectOf(n: t.Node | undefined, ctx: ReadContext, depth = 0): t.ObjectExpression | undefined {
  if (!n || depth > 8) return undefined;
  if (n.type === 'ObjectExpression') return n;
  if (n.type === 'TSSatisfiesExpression' || n.type === 'TSAsExpression' || n.type === 'ParenthesizedExpression')
    return objectOf(n.expression, ctx, depth + 1);
  if (n.type === 'Identifier' && ctx.consts.has(n.name)) return objectOf(ctx.consts.get(n.name), ctx, depth + 1);
  return undefined;
}

/** The value of a named property; UNKNOWN when a spread or a computed key may be it. */
function propertyOf(o: t.ObjectExpression, name: string): t.Node | typeof UNKNOWN | undefined {
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

/** A regular file inside the scan root (never through a link). */
function isFile(abs: string, root: string): boolean {
  try {
    return isInsideDir(root, abs) && lstatSync(abs).isFile();
  } catch {
    return false;
  }
}

/** A folder inside the scan root (never through a link): SvelteKit adds `$lib` only when it exists. */
function isDirectory(abs: string, root: string): boolean {
  try {
    return isInsideDir(root, abs) && lstatSync(abs).isDirectory();
  } catch {
    return false;
  }
}
