/**
 * tsconfig/jsconfig module aliases (`paths`, `baseUrl`), per file: the
 * nearest `tsconfig.json` (else `jsconfig.json`) in the file's directory or
 * above it, up to the scan root, as TypeScript and editors pick it (monorepos:
 * `apps/web/tsconfig.json` governs `apps/web/**`). Configs are read by
 * get-tsconfig (JSONC, `extends` strings and arrays, package `extends`
 * through `node_modules`, `${configDir}`): it parses JSON only and never runs
 * anything from the repository.
 *
 * A config that cannot be read (an `extends` that does not resolve, an
 * unreadable file) is an error of the analysis, never a silent "no aliases".
 */
import { GuardedReadError, guardedReadText, isInsideDir } from '../discover/index.js';
import { existsSync } from 'node:fs';
import { dirname, relative, resolve as resolvePath } from 'node:path';
import { createRequire } from 'node:module';
import { NearestFile } from './nearest.js';
import type { GeneratedOptions } from './generated-base.js';
import { nuxtBase } from './nuxt.js';
import { svelteKitBase } from './sveltekit.js';

const require = createRequire(import.meta.url);
type GetTsconfig = typeof import('get-tsconfig');
let lib: GetTsconfig | undefined;
const getTsconfig = (): GetTsconfig => (lib ??= require('get-tsconfig') as GetTsconfig);

export const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'] as const;

export interface AliasMatch {
  /** Absolute candidate paths (without extension probing), best first. */
  candidates: string[];
  /** The `paths` pattern that matched, when one did (`baseUrl` lookups have none). */
  pattern?: string;
  /** The module it is another name for, when the alias renames a package (Babel's `'underscore': 'lodash'`). */
  renamed?: string;
  /** Where the matched alias points (absolute), when it names one folder (Babel's `'@services': './src/services'`). */
  target?: string;
}

export interface PathAliases {
  /** What these aliases are, for messages (`the \`paths\` alias`). */
  kind: string;
  /** The config file, relative to the scan root. */
  configFile: string;
  /** Where a bare specifier may lead, per the config's `paths` and `baseUrl`. */
  match(specifier: string): AliasMatch;
  /**
   * Does every file the specifier may lead to end in the specifier's own last
   * segment (`"@/*": ["./src/*"]`, a `baseUrl` lookup)? Then the importer index
   * can key it by that segment without resolving it.
   */
  keepsLastSegment(specifier: string): boolean;
  /** A specifier per alias (`lp`, `lp/x` for `lp/*`), and the text a file importing through it holds (`lp`). */
  names(): { specifier: string; text: string }[];
  /**
   * A match none of whose targets exists is the package as built, not an unseen app module
   * (a workspace package's generated files: Panda's `styled-system/css`, a Prisma client): taken
   * as a package, as an installed one is, rather than reported.
   */
  missingIsPackage?: boolean;
}

/** `lp/*` -> `{ specifier: 'lp/x', text: 'lp' }`; the catch-all `*` names nothing. */
export function aliasName(pattern: string): { specifier: string; text: string } | undefined {
  const star = pattern.indexOf('*');
  const text = (star < 0 ? pattern : pattern.slice(0, star)).replace(/\/$/, '');
  return text ? { specifier: star < 0 ? pattern : pattern.replace('*', 'x'), text } : undefined;
}

/** `"@/*": ["./src/*"]`: the wildcard ends both the pattern and every target, so what it captures ends the path. */
function endsInWildcard(pattern: string, targets: unknown): boolean {
  const tail = (p: unknown) => typeof p === 'string' && p.indexOf('*') === p.length - 1;
  return tail(pattern) && Array.isArray(targets) && targets.length > 0 && targets.every(tail);
}

export interface TsconfigProblem {
  /** The config file, relative to the scan root. */
  configFile: string;
  /** The line of the config the problem is on (default 1). */
  line?: number;
  message: string;
}

/** The aliases of one loaded config, or the problem that prevented loading it. */
export type LoadedConfig = { aliases?: PathAliases; problem?: TsconfigProblem; configFile: string; resolved?: unknown };

export class TsconfigIndex {
  private readonly nearestFile: NearestFile;
  private readonly loaded = new Map<string, LoadedConfig>();
  private readonly cache = new Map<string, unknown>();

  /**
   * `workspaceFile`: where a bare `extends` lies when it names a file of one of the
   * monorepo's own packages (`"extends": "tsconfig/nextjs.json"`, not installed).
   */
  constructor(
    readonly root: string,
    private readonly workspaceFile: (specifier: string) => string | undefined = () => undefined,
  ) {
    this.nearestFile = new NearestFile(root, CONFIG_NAMES);
  }

  /** The nearest config governing a root-relative file, loaded (undefined: none up to the scan root). */
  forFile(relPath: string): LoadedConfig | undefined {
    const dir = dirname(relPath);
    return this.forDir(dir === '.' ? '' : dir);
  }

  /** The nearest config governing the files of a root-relative folder (`''`: the root), loaded. */
  forDir(relDir: string): LoadedConfig | undefined {
    const config = this.nearestFile.of(relDir);
    return config ? this.load(config) : undefined;
  }

  /** Every config loaded so far (for reporting their problems once). */
  configs(): LoadedConfig[] {
    return [...this.loaded.values()];
  }

  private load(abs: string): LoadedConfig {
    let l = this.loaded.get(abs);
    if (l) return l;
    const configFile = relative(this.root, abs).split('\\').join('/');
    try {
      // The repository controls these files: each in the chain of `extends` must be a regular file
      // of bounded size, never a FIFO or device, never outside the scan root (get-tsconfig reads them then).
      checkExtendsChain(abs, this.root);
      const config = getTsconfig().parseTsconfig(abs, this.cache as Map<string, string>);
      l = loadedAliases(config, abs, configFile);
    } catch (e) {
      const message = (e as Error).message;
      // Nuxt and SvelteKit configs extend a file their CLI generates (`.nuxt/tsconfig.json`).
      // A package's config (`"extends": "@react-native/typescript-config/tsconfig.json"`) is read from node_modules.
      // A base the guarded reader found missing (a relative `extends`), or get-tsconfig did (a package's).
      const missing =
        e instanceof GuardedReadError && e.problem === 'missing' && e.file !== abs
          ? e.file
          : /^File '([^']+)' not found/.exec(message)?.[1];
      // Its aliases may be known without the missing base: it sets both `baseUrl` and `paths` (a
      // monorepo's `"extends": "@org/tsconfig/nextjs.json"` not installed), or extends only bases that set none.
      const own = missing ? aliasesWithoutBase(abs, this.root, this.workspaceFile) : undefined;
      if (own && typeof own !== 'string') {
        l = loadedAliases(own, abs, configFile);
        this.loaded.set(abs, l);
        return l;
      }
      const generated = /\.(nuxt|svelte-kit)\b/.test(message)
        ? ` (it is generated: run \`nuxi prepare\` / \`svelte-kit sync\` before scanning${typeof own === 'string' ? `; ${own}` : ''})`
        : missing && !/^(\.{1,2}\/|\/)/.test(missing)
          ? ' (it comes from a package that is not installed: install the dependencies, e.g. `npm ci`, before scanning)'
          : '';
      l = {
        configFile,
        problem: {
          configFile,
          message: `${configFile} could not be read: ${message}${generated}; module aliases (\`paths\`, \`baseUrl\`) of the files it governs are not followed`,
        },
      };
    }
    this.loaded.set(abs, l);
    return l;
  }
}

/** TypeScript's choice among `paths` patterns: an exact match, else the wildcard with the longest prefix. */
export function bestPattern(patterns: string[], specifier: string): string | undefined {
  if (patterns.includes(specifier)) return specifier;
  let best: string | undefined;
  let bestLen = -1;
  for (const p of patterns) {
    const star = p.indexOf('*');
    if (star < 0) continue;
    const pre = p.slice(0, star);
    const post = p.slice(star + 1);
    if (
      specifier.length >= pre.length + post.length &&
      specifier.startsWith(pre) &&
      specifier.endsWith(post) &&
      pre.length > bestLen
    ) {
      best = p;
      bestLen = pre.length;
    }
  }
  return best;
}

type Tsconfig = ReturnType<GetTsconfig['parseTsconfig']>;

/** The aliases of a parsed config (`paths`, `baseUrl`), as get-tsconfig matches them. */
function loadedAliases(config: Tsconfig, abs: string, configFile: string): LoadedConfig {
  const matcher = getTsconfig().createPathsMatcher({ config, path: abs });
  const paths = config.compilerOptions?.paths ?? {};
  const patterns = Object.keys(paths);
  const tailPatterns = new Set(patterns.filter((p) => endsInWildcard(p, paths[p])));
  return {
    configFile,
    resolved: config,
    aliases: matcher
      ? {
          kind: 'the `paths` alias',
          configFile,
          match: (specifier) => ({ candidates: matcher(specifier), pattern: bestPattern(patterns, specifier) }),
          names: () => patterns.flatMap((p) => aliasName(p) ?? []),
          keepsLastSegment: (specifier) => {
            // No pattern: a `baseUrl` lookup (baseUrl/specifier), or none at all (a package).
            const pattern = bestPattern(patterns, specifier);
            return pattern === undefined || tailPatterns.has(pattern);
          },
        }
      : undefined,
  };
}

/**
 * The config's own aliases when what it extends cannot be read but cannot
 * change them: it sets both `baseUrl` and `paths` itself (TypeScript overrides
 * options one by one), or every base it extends is a known pathless one
 * (PATHLESS_BASES), or the one that is not is a framework's generated base
 * (SvelteKit's, Nuxt's: computed from their configs, ./generated-base.ts).
 * Its `baseUrl` and `paths` must be literal (strings and arrays of strings, no
 * `${configDir}`). Undefined otherwise; a string when the generated base's
 * options cannot be read (why).
 */
function aliasesWithoutBase(
  abs: string,
  root: string,
  workspaceFile: (specifier: string) => string | undefined,
): Tsconfig | string | undefined {
  const text = guardedReadText(abs, isInsideDir(root, abs) ? { root } : {});
  const data = (require('jsonc-parser') as typeof import('jsonc-parser')).parse(text) as
    { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } } | undefined;
  const { baseUrl, paths } = data?.compilerOptions ?? {};
  const literal = (x: unknown) => typeof x === 'string' && !x.includes('${configDir}');
  if (baseUrl !== undefined && !literal(baseUrl)) return undefined;
  if (paths !== undefined) {
    if (!paths || typeof paths !== 'object' || Array.isArray(paths)) return undefined;
    const targets = Object.values(paths as Record<string, unknown>);
    if (!targets.every((t) => Array.isArray(t) && t.every(literal))) return undefined;
  }
  const own = { baseUrl: baseUrl as string | undefined, paths: paths as Record<string, string[]> | undefined };
  const bases = Array.isArray(data?.extends) ? data.extends : [data?.extends];
  // A base a framework generates (SvelteKit's `.svelte-kit/tsconfig.json`, Nuxt's `.nuxt/tsconfig.json`) gives what it would generate.
  let generated: GeneratedOptions | undefined;
  for (const e of bases) {
    if (pathlessBase(e, root, workspaceFile)) continue;
    const g =
      typeof e === 'string' && !generated ? (svelteKitBase(e, abs, root, own) ?? nuxtBase(e, abs, root)) : undefined;
    if (typeof g === 'string') return g;
    if (!g) {
      generated = undefined;
      break;
    }
    generated = g;
  }
  const pathless = bases.length > 0 && bases.every((e) => pathlessBase(e, root, workspaceFile));
  if (!pathless && !generated && (own.baseUrl === undefined || own.paths === undefined)) return undefined;
  const merged = { baseUrl: own.baseUrl ?? generated?.baseUrl, paths: own.paths ?? generated?.paths };
  return {
    compilerOptions: {
      ...(merged.baseUrl !== undefined && { baseUrl: merged.baseUrl }),
      ...(merged.paths !== undefined && { paths: merged.paths }),
    },
  };
}

/** A published base known to set no aliases, or one of the monorepo's own that sets none. */
function pathlessBase(e: unknown, root: string, workspaceFile: (specifier: string) => string | undefined): boolean {
  return typeof e === 'string' && (PATHLESS_BASES.test(e) || workspaceBasePathless(e, root, workspaceFile));
}

/**
 * A base in one of the monorepo's own packages (`tsconfig/nextjs.json` of packages/tsconfig,
 * which no install linked): pathless when that file, read here, sets no `baseUrl`, `paths` or
 * `rootDirs` and extends only relative files or bases that are pathless themselves.
 */
function workspaceBasePathless(
  spec: string,
  root: string,
  workspaceFile: (specifier: string) => string | undefined,
  depth = 0,
): boolean {
  const rel = workspaceFile(spec);
  if (!rel || depth > 8) return false;
  return fileIsPathless(resolvePath(root, rel.endsWith('.json') ? rel : `${rel}.json`), root, workspaceFile, depth);
}

function fileIsPathless(
  file: string,
  root: string,
  workspaceFile: (specifier: string) => string | undefined,
  depth: number,
): boolean {
  if (depth > 8 || !isInsideDir(root, file)) return false;
  let data: { extends?: unknown; compilerOptions?: Record<string, unknown> } | undefined;
  try {
    const parsed: unknown = (require('jsonc-parser') as typeof import('jsonc-parser')).parse(
      guardedReadText(file, { root }),
    );
    data = parsed as typeof data;
  } catch {
    return false;
  }
  const co = data?.compilerOptions ?? {};
  if (co.baseUrl !== undefined || co.paths !== undefined || co.rootDirs !== undefined) return false;
  const bases = Array.isArray(data?.extends) ? data.extends : data?.extends !== undefined ? [data.extends] : [];
  return bases.every(
    (e) =>
      typeof e === 'string' &&
      (PATHLESS_BASES.test(e) ||
        (/^\.{1,2}\//.test(e)
          ? fileIsPathless(
              resolvePath(dirname(file), e.endsWith('.json') ? e : `${e}.json`),
              root,
              workspaceFile,
              depth + 1,
            )
          : workspaceBasePathless(e, root, workspaceFile, depth + 1))),
  );
}

/**
 * Published tsconfig bases that set no module aliases (`paths`, `baseUrl`,
 * `rootDirs`) and extend nothing else: a config extending only these, not
 * installed, has exactly its own aliases. Checked against the packages' files
 * (npm pack): expo 50–58 `tsconfig.base`, astro 4–5 `tsconfigs/*`,
 * @react-native/typescript-config 0.73–0.87, the @tsconfig/bases family
 * (react-native 2–3, node18, node20, recommended, strictest, next,
 * create-react-app, vite-react, svelte), @vue/tsconfig 0.9.
 */
const PATHLESS_BASES =
  /^(?:expo\/tsconfig\.base|astro\/tsconfigs\/(?:base|strict|strictest)|@react-native\/typescript-config(?:\/tsconfig)?|@tsconfig\/[\w.-]+(?:\/tsconfig)?|@vue\/tsconfig(?:\/tsconfig(?:\.dom|\.lib)?)?)(?:\.json)?$/;

/**
 * Read a tsconfig and every file it `extends` by path through the guarded
 * reader. The config found above the scan root (a scan of `apps/web/src`) is
 * allowed there, and so is what it extends from the same folder up; a chain
 * that leads outside is refused before get-tsconfig opens anything.
 */
function checkExtendsChain(abs: string, root: string, depth = 0): void {
  if (depth > 20) throw new Error('more than 20 levels of `extends`');
  // Inside the scan root: also never through a symlink that leaves it.
  const text = guardedReadText(abs, isInsideDir(root, abs) ? { root } : {});
  const data = (require('jsonc-parser') as typeof import('jsonc-parser')).parse(text) as
    { extends?: unknown } | undefined;
  const list = Array.isArray(data?.extends) ? data.extends : data?.extends !== undefined ? [data.extends] : [];
  for (const spec of list) {
    if (typeof spec !== 'string' || !/^(\.{1,2}\/|\/)/.test(spec)) continue; // packages resolve in node_modules
    const next = resolvePath(dirname(abs), spec);
    const file = existsSync(next) || next.endsWith('.json') ? next : `${next}.json`;
    if (!isInsideDir(root, file) && !isInsideOrAbove(file, root))
      throw new Error(`\`extends\` ${spec} leads outside the scan root (not read)`);
    checkExtendsChain(file, root, depth + 1);
  }
}

/** A file in the scan root or in one of the folders above it (the project a scanned subfolder belongs to). */
function isInsideOrAbove(file: string, root: string): boolean {
  const dir = dirname(resolvePath(file));
  return isInsideDir(dir, root) || isInsideDir(root, file);
}
