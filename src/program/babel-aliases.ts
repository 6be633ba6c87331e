/**
 * babel-plugin-module-resolver aliases (`alias`, `root`), per file: the
 * nearest Babel config in the file's folder or above it, up to the scan root
 * (for a scanned subfolder, up to the repository root).
 * React Native apps declare their import aliases there (`'@services':
 * './src/services'`) rather than in tsconfig `paths`; an import through one
 * would otherwise look like a package, and what it leads to would be missed.
 *
 * The config is read, never run: the plugin's options must be literals (or
 * `path.resolve(__dirname, '…')` / `path.join(__dirname, '…')`, or `pkg.name`
 * of `const pkg = require('./package.json')`, read as JSON). A config that
 * names the plugin but whose options cannot be read so, or that cannot be read
 * or parsed at all, is an error of the analysis, never "no aliases"; an entry
 * of the options or of `alias` that cannot be read (a computed key) is one
 * error naming it, and the entries next to it are still followed.
 */
import type * as t from '@babel/types';
import { guardedReadText, isInsideDir } from '../discover/index.js';
import type { AnalysisError } from '../model.js';
import { parseScript } from '../parse/babel.js';
import { dirname, isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import { forEachChild } from './ast.js';
import { NearestFile } from './nearest.js';
import { literal, UNKNOWN, type ReadContext, type Unread } from './config-literals.js';
import { aliasName, type AliasMatch, type LoadedConfig, type PathAliases } from './tsconfig.js';

/** Babel's config files, project-wide then file-relative, in the order Babel prefers them within a folder. */
const BABEL_CONFIG_NAMES = [
  'babel.config.js',
  'babel.config.cjs',
  'babel.config.mjs',
  'babel.config.json',
  '.babelrc',
  '.babelrc.json',
  '.babelrc.js',
  '.babelrc.cjs',
] as const;

/** How the plugin is named in a `plugins` entry (`'module-resolver'`, `require.resolve('babel-plugin-module-resolver')`). */
const PLUGIN = /(?:^|\/)(?:babel-plugin-)?module-resolver$/;

export class BabelAliasIndex {
  private readonly nearest: NearestFile;
  private readonly loaded = new Map<string, LoadedConfig>();

  constructor(readonly root: string) {
    // Babel reads its configs at a package's root (`babel.config.*` where it runs, `.babelrc*` up to
    // the package boundary): below the scan root, only folders holding a package.json are looked in.
    this.nearest = new NearestFile(root, BABEL_CONFIG_NAMES, 'package.json');
  }

  /** The aliases (or the problem) of the Babel config governing a root-relative file; undefined: none, or no plugin. */
  forFile(relPath: string): LoadedConfig | undefined {
    const slash = relPath.lastIndexOf('/');
    return this.forDir(slash < 0 ? '' : relPath.slice(0, slash));
  }

  forDir(relDir: string): LoadedConfig | undefined {
    const abs = this.nearest.of(relDir);
    if (!abs) return undefined;
    let l = this.loaded.get(abs);
    if (!l) this.loaded.set(abs, (l = load(abs, this.root)));
    return l;
  }

  /** Every config read so far (for the `--cache` fingerprint and for reporting problems once). */
  configs(): LoadedConfig[] {
    return [...this.loaded.values()];
  }
}

/** An alias: its name, its target, and whether it matches that name only (`^name$`) or also what lies under it. */
type Alias = [name: string, target: string, exact?: boolean];

interface ResolverOptions {
  alias: Alias[];
  root: string[];
}

function load(abs: string, root: string): LoadedConfig {
  const configFile = relative(root, abs).split('\\').join('/');
  const problem = (message: string): LoadedConfig => ({
    configFile,
    problem: {
      configFile,
      message: `${configFile}: ${message}; imports through its module-resolver aliases are not followed`,
    },
  });
  let text: string;
  try {
    // The config above a scanned subfolder (its project's) is read too; inside the root, never through a link out.
    text = guardedReadText(abs, isInsideDir(root, abs) ? { root } : {});
  } catch (e) {
    return problem(`could not be read (${(e as Error).message})`);
  }
  if (!text.includes('module-resolver')) return { configFile, resolved: null };
  let found: ResolverOptions[] | string;
  let unread: Unread[] = [];
  try {
    if (abs.endsWith('.babelrc') || abs.endsWith('.json')) found = fromJson(JSON.parse(text));
    else {
      const errors: AnalysisError[] = [];
      const parsed = parseScript(
        { file: configFile, code: text, language: 'js', kind: 'module', sourceType: 'unambiguous', jsx: false },
        errors,
      );
      if (!parsed || errors.length) return problem(`could not be parsed (${errors[0]?.message ?? 'syntax error'})`);
      const ctx: ReadContext = { dir: dirname(abs), root, code: text, consts: new Map(), unread: [] };
      found = fromScript(parsed.ast.program, ctx);
      unread = ctx.unread;
    }
  } catch (e) {
    // Not JSON, or nested too deep to walk (a hostile config): never a crash, never "no aliases".
    return problem(`could not be read as a Babel config (${(e as Error).message})`);
  }
  if (typeof found === 'string') return problem(found);
  const options = { alias: found.flatMap((o) => o.alias), root: found.flatMap((o) => o.root) };
  const loaded: LoadedConfig = { configFile, resolved: options, aliases: aliasesOf(options, dirname(abs), configFile) };
  if (!unread.length) return loaded;
  // What was read is followed; what could not be is reported (it may hide an SDK import).
  const [first] = unread;
  const more = unread.length > 1 ? ` (and ${plural(unread.length - 1, 'other entry', 'other entries')})` : '';
  return {
    ...loaded,
    resolved: { ...options, unread: unread.map((u) => u.text) },
    problem: {
      configFile,
      line: first.line,
      message: `${configFile}: ${first.what}${more} cannot be read without running the config; imports through it are not followed (its other module-resolver options are)`,
    },
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `plugins` entries of a JSON config (top level, `env.*`, `overrides[]`). */
function fromJson(data: unknown): ResolverOptions[] | string {
  const out: ResolverOptions[] = [];
  const visit = (v: unknown): string | undefined => {
    if (Array.isArray(v)) {
      if (v.length >= 1 && typeof v[0] === 'string' && PLUGIN.test(v[0])) {
        const o = optionsOf(v[1]);
        if (typeof o === 'string') return o;
        out.push(o);
        return undefined;
      }
      for (const x of v) {
        const r = visit(x);
        if (r) return r;
      }
    } else if (v && typeof v === 'object') {
      for (const x of Object.values(v)) {
        const r = visit(x);
        if (r) return r;
      }
    }
    return undefined;
  };
  return visit(data) ?? out;
}

/** Every `[plugin, options]` entry naming module-resolver anywhere in a JS config. */
function fromScript(program: t.Program, ctx: ReadContext): ResolverOptions[] | string {
  const out: ResolverOptions[] = [];
  const consts = ctx.consts;
  let named = 0;
  const visit = (n: t.Node): string | undefined => {
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init) consts.set(n.id.name, n.init);
    if (n.type === 'ArrayExpression' && n.elements.length >= 1 && n.elements[0] && isPluginName(n.elements[0])) {
      named++;
      const optionsNode = n.elements[1];
      const value = optionsNode ? literal(optionsNode, ctx, 0, 'options') : {};
      if (value === UNKNOWN) return 'the module-resolver options are not a literal object';
      const o = optionsOf(value);
      if (typeof o === 'string') return o;
      out.push(o);
      return undefined;
    }
    let r: string | undefined;
    forEachChild(n, (c) => {
      r ??= visit(c);
    });
    return r;
  };
  const r = visit(program);
  if (r) return r;
  // Named another way (`plugins: [resolver]`, a plugin list built by a function): not read.
  if (!named) return 'it names module-resolver, but no `[plugin, options]` entry of it could be read';
  return out;
}

function isPluginName(n: t.Node): boolean {
  if (n.type === 'StringLiteral') return PLUGIN.test(n.value);
  // require.resolve('babel-plugin-module-resolver')
  if (n.type === 'CallExpression' && n.arguments[0]?.type === 'StringLiteral') return PLUGIN.test(n.arguments[0].value);
  return false;
}

/** The plugin's `alias` and `root` options, or why they cannot be followed. */
function optionsOf(value: unknown): ResolverOptions | string {
  if (value === undefined) return { alias: [], root: [] };
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return 'the module-resolver options are not an object';
  const o = value as { alias?: unknown; root?: unknown };
  const alias: Alias[] = [];
  if (o.alias !== undefined) {
    if (!o.alias || typeof o.alias !== 'object' || Array.isArray(o.alias))
      return 'its module-resolver `alias` is not an object';
    for (const [key, target] of Object.entries(o.alias)) {
      if (typeof target !== 'string') return `its module-resolver alias "${key}" does not map to a string`;
      if (key.startsWith('^') || key.endsWith('$')) {
        // A regular expression: only its plain shapes are read, never one compiled from the repository's text.
        const m = SIMPLE_REGEX_ALIAS.exec(key);
        if (!m) return `its module-resolver alias "${key}" is a regular expression, which is not followed`;
        const [, name, group] = m;
        if (!group) {
          alias.push([name, target, true]);
          continue;
        }
        // `^src/(.+)$` -> `./src/\1`: the prefix `src` -> `./src`, what the group captures kept.
        if (!name.endsWith('/') || !target.endsWith('/\\1'))
          return `its module-resolver alias "${key}" maps its group otherwise than as the rest of the path`;
        alias.push([name.slice(0, -1), target.slice(0, -3)]);
        continue;
      }
      alias.push([key, target]);
    }
  }
  const root = o.root === undefined ? [] : Array.isArray(o.root) ? o.root : [o.root];
  if (root.some((r) => typeof r !== 'string' || /[*?[]/.test(r)))
    return 'its module-resolver `root` is not a list of folders (globs are not followed)';
  return { alias, root: root as string[] };
}

/** `^name$` (one exact name), `^name/(.+)$` and `^name/(.*)$` (a prefix whose rest is kept). */
const SIMPLE_REGEX_ALIAS = /^\^([\w@~#.-]+(?:\/[\w@~#.-]+)*\/?)(\(\.[+*]\))?\$$/;

const isPath = (target: string) => target.startsWith('.') || isAbsolute(target);

/** The aliases as `paths` are: candidate absolute paths per specifier (module-resolver tries `alias`, then `root`). */
function aliasesOf(options: ResolverOptions, dir: string, configFile: string): PathAliases | undefined {
  if (!options.alias.length && !options.root.length) return undefined;
  // Longest key first: `@app/ui` before `@app`.
  const alias = [...options.alias].sort((a, b) => b[0].length - a[0].length);
  const roots = options.root.map((r) => resolvePath(dir, r));
  const keyOf = (specifier: string) =>
    alias.find(([key, , exact]) => specifier === key || (!exact && specifier.startsWith(`${key}/`)));
  return {
    kind: 'the module-resolver alias',
    configFile,
    match(specifier: string): AliasMatch {
      const hit = keyOf(specifier);
      if (hit) {
        const [key, target] = hit;
        const rest = specifier.slice(key.length);
        // A target that is no path renames the module (`'underscore': 'lodash'`).
        if (!isPath(target)) return { candidates: [], pattern: key, renamed: target + rest };
        const folder = resolvePath(dir, target);
        return { candidates: [folder + rest], pattern: key, target: folder };
      }
      return { candidates: roots.map((r) => join(r, specifier)), pattern: undefined };
    },
    names() {
      return alias.flatMap(([key]) => aliasName(key) ?? []);
    },
    keepsLastSegment(specifier: string): boolean {
      const hit = keyOf(specifier);
      // `@services/x` -> `src/services/x` keeps `x`; `@services` alone names the folder (or a renamed module).
      return !hit || (specifier !== hit[0] && isPath(hit[1]));
    },
  };
}
