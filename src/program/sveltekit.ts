/**
 * The tsconfig SvelteKit generates (`.svelte-kit/tsconfig.json`, written by
 * `svelte-kit sync`), which an app's own tsconfig extends. A clean checkout
 * (a pre-commit hook, CI before the build) has not generated it yet, so its
 * aliases (`$lib`, `kit.alias`) are computed here the way SvelteKit computes
 * them (packages/kit/src/core/sync/write_tsconfig.js, get_tsconfig_paths):
 * from `svelte.config.*`, read as literals, never run. A config whose `kit`
 * options cannot be read so is a problem of the analysis, never "no aliases".
 */
import { dirname, join, relative, resolve as resolvePath } from 'node:path';
import {
  isDirectoryInside,
  isFileInside,
  literalProperty,
  objectOf,
  propertyOf,
  readConfigObject,
  UNKNOWN,
} from './config-literals.js';
import { pathTarget, type GeneratedOptions, type OwnOptions } from './generated-base.js';

const SVELTE_CONFIGS = ['svelte.config.js', 'svelte.config.mjs', 'svelte.config.cjs', 'svelte.config.ts'];

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
  if (isDirectoryInside(resolvePath(dir, lib), root)) alias.$lib = lib;
  const paths: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(alias)) {
    const k = /^(.+?)(\/\*)?$/.exec(key);
    const v = /^(.*?)((\/\*)|(\.\w+))?$/.exec(value);
    if (!k || !v) return `${kit.configFile}: the \`kit.alias\` entry "${key}" is not a name and a path`;
    const target = pathTarget(dir, resolvePath(dir, value.endsWith('/*') ? value.slice(0, -2) : value));
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
  const abs = SVELTE_CONFIGS.map((name) => join(dir, name)).find((f) => isFileInside(f, root));
  if (!abs) return { found: false };
  const read = readConfigObject(abs, root);
  if (typeof read === 'string') return read;
  const { configFile, ctx, exported } = read;
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
  const alias = literalProperty(kit, 'alias', ctx);
  const files = literalProperty(kit, 'files', ctx);
  const outDir = literalProperty(kit, 'outDir', ctx);
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
