/**
 * The tsconfig Nuxt generates (`.nuxt/tsconfig.json`, `.nuxt/tsconfig.server.json`, written by
 * `nuxi prepare` or a build), which a Nuxt 3/4 app's own tsconfig extends. A clean checkout has
 * not generated it, so its aliases are computed here the way Nuxt computes them (the `alias`
 * defaults of @nuxt/schema, written by @nuxt/kit's `_generateTypes`): `~` and `@` the source
 * folder, `~~` and `@@` the project folder, `#shared` and `assets`, and the config's own literal
 * `alias` entries. `nuxt.config.*` is read as literals, never run; options that decide these
 * paths and cannot be read so keep the problem. Aliases Nuxt's modules add are not known: an
 * import through one stays an import of a package (the app code behind it is not followed, and a
 * wrapper imported only so has no caller the analysis sees: it is reported, never assumed safe).
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { guardedReadText } from '../discover/index.js';
import {
  isDirectoryInside,
  isFileInside,
  literalProperty,
  objectOf,
  readConfigObject,
  UNKNOWN,
} from './config-literals.js';
import { pathTarget, type GeneratedOptions } from './generated-base.js';

const NUXT_CONFIGS = ['nuxt.config.ts', 'nuxt.config.js', 'nuxt.config.mjs', 'nuxt.config.mts'];
const GENERATED = /^tsconfig(\.(server|app|shared))?\.json$/;

/** A Nuxt app's layout, as its config and package.json give it. */
export interface NuxtApp {
  rootDir: string;
  buildDir: string;
  /** The source folder (`~`): candidates when the config does not say which (read as a literal, never guessed). */
  srcDirs: string[];
  /** A reason when the source folder could not be told (then `srcDirs` holds every candidate). */
  srcDirUnknown?: string;
  /** The config's literal options (UNKNOWN when not a literal; undefined when absent). */
  option(name: string): unknown;
  configFile: string;
}

/** The Nuxt app whose `nuxt.config.*` lies in `rootDir`; undefined when none does; a reason when its config cannot be read. */
export function nuxtApp(rootDir: string, root: string): NuxtApp | string | undefined {
  const configAbsPath = NUXT_CONFIGS.map((n) => join(rootDir, n)).find((f) => isFileInside(f, root));
  if (!configAbsPath) return undefined;
  const read = readConfigObject(configAbsPath, root);
  if (typeof read === 'string') return read;
  const { configFile, ctx, exported } = read;
  const config = objectOf(exported, ctx);
  if (!config) return `${configFile}: its exported config cannot be read without running it`;
  const option = (name: string) => literalProperty(config, name, ctx);
  const built = option('buildDir');
  const buildDir = resolvePath(rootDir, typeof built === 'string' ? built : '.nuxt');
  const unknown = (what: string) => `${configFile}: its ${what} cannot be read without running it`;
  const src = option('srcDir');
  if (typeof src === 'string') return { rootDir, buildDir, srcDirs: [resolvePath(rootDir, src)], option, configFile };
  const candidates = [rootDir, join(rootDir, 'app')];
  if (src !== undefined)
    return { rootDir, buildDir, srcDirs: candidates, srcDirUnknown: unknown('`srcDir`'), option, configFile };
  const v4 = nuxt4(rootDir, root, option('future'));
  if (v4 === undefined)
    return {
      rootDir,
      buildDir,
      srcDirs: candidates,
      srcDirUnknown: unknown('Nuxt version (`nuxt` in package.json, `future.compatibilityVersion`)'),
      option,
      configFile,
    };
  return { rootDir, buildDir, srcDirs: [v4 ? nuxt4SrcDir(rootDir, root) : rootDir], option, configFile };
}

/**
 * The options Nuxt's generated tsconfig would give the config `configAbs` that extends `spec`;
 * undefined when `spec` is not such a file of a Nuxt project; a reason when it is but what
 * decides its paths cannot be read without running the config.
 */
export function nuxtBase(spec: string, configAbs: string, root: string): GeneratedOptions | string | undefined {
  // The generated config sets no `baseUrl`: the app's own `paths` and `baseUrl` simply win over it.
  if (!/^\.{1,2}\//.test(spec)) return undefined;
  const dir = dirname(configAbs);
  const target = resolvePath(dir, spec.endsWith('.json') ? spec : `${spec}.json`);
  if (!GENERATED.test(basename(target))) return undefined;
  const buildDir = dirname(target);
  const app = nuxtApp(dirname(buildDir), root);
  // No Nuxt project there (a module's playground config, say): not known.
  if (!app || typeof app === 'string') return app;
  const unreadable = (what: string) =>
    `${app.configFile}: its ${what} cannot be read without running it (Nuxt's generated paths depend on it)`;
  const built = app.option('buildDir');
  if (built === UNKNOWN) return unreadable('`buildDir`');
  if (app.buildDir !== buildDir) return undefined;
  // `typescript.tsConfig` is merged into the generated config: its own `paths`/`baseUrl` would change it.
  const ts = app.option('typescript');
  if (ts === UNKNOWN) return unreadable('`typescript` option');
  const tsConfig = (ts as { tsConfig?: { compilerOptions?: Record<string, unknown> } } | undefined)?.tsConfig;
  if (tsConfig?.compilerOptions?.paths !== undefined || tsConfig?.compilerOptions?.baseUrl !== undefined)
    return unreadable('`typescript.tsConfig` paths');
  if (app.srcDirUnknown) return `${app.srcDirUnknown} (Nuxt's generated paths depend on it)`;
  const alias = nuxtAliases(app.rootDir, app.srcDirs[0], root, app.option('alias'));
  if (typeof alias === 'string') return unreadable(alias);
  const paths: Record<string, string[]> = {};
  for (const [key, abs] of Object.entries(alias)) {
    const to = pathTarget(dir, abs);
    if (isDirectoryInside(abs, root)) {
      paths[key] = [to];
      paths[`${key}/*`] = [`${to}/*`];
    } else paths[key] = [to];
  }
  return { paths, file: pathTarget(root, target).replace(/^\.\//, '') };
}

/** Nuxt's default aliases and the config's own (`alias`, read as a literal), absolute; a string names what cannot be read. */
function nuxtAliases(
  rootDir: string,
  srcDir: string,
  root: string,
  userAlias: unknown,
): Record<string, string> | string {
  const alias: Record<string, string> = { '~': srcDir, '@': srcDir, '~~': rootDir, '@@': rootDir };
  if (isDirectoryInside(join(rootDir, 'shared'), root)) alias['#shared'] = join(rootDir, 'shared');
  if (isDirectoryInside(join(srcDir, 'assets'), root)) alias.assets = join(srcDir, 'assets');
  if (userAlias === undefined) return alias;
  if (!userAlias || userAlias === UNKNOWN || typeof userAlias !== 'object' || Array.isArray(userAlias))
    return '`alias`';
  for (const [key, value] of Object.entries(userAlias as Record<string, unknown>)) {
    // An absolute path (`resolve(__dirname, 'x')`, `fileURLToPath(new URL('./x', import.meta.url))`) is a folder or file
    // of the app; Nuxt resolves a relative one against its build folder, which a bundler does not: not guessed.
    if (typeof value !== 'string' || !value.startsWith('/')) return `\`alias\` entry "${key}"`;
    alias[key] = value;
  }
  return alias;
}

/** Whether the app runs Nuxt 4's layout (Nuxt 4, or 3 with `future.compatibilityVersion: 4`); undefined: cannot tell. */
function nuxt4(rootDir: string, root: string, future: unknown): boolean | undefined {
  if (future === UNKNOWN) return undefined;
  const compat = (future as { compatibilityVersion?: unknown } | undefined)?.compatibilityVersion;
  if (typeof compat === 'number') return compat >= 4;
  let range: unknown;
  try {
    const pkg = JSON.parse(guardedReadText(join(rootDir, 'package.json'), { root })) as {
      dependencies?: Record<string, unknown>;
      devDependencies?: Record<string, unknown>;
    };
    range = pkg.dependencies?.nuxt ?? pkg.devDependencies?.nuxt;
  } catch {
    range = undefined;
  }
  const major = typeof range === 'string' ? /^[\^~>=v\s]*(\d+)\./.exec(range)?.[1] : undefined;
  if (major) return Number(major) >= 4;
  // Version unknown: the layouts agree when there is no `app/` folder.
  return isDirectoryInside(join(rootDir, 'app'), root) ? undefined : false;
}

/**
 * Nuxt 4's source folder: `app/` when it exists and holds something other than Nuxt 3's
 * `app/router.options.*` and `app/spa-loading-template.html`; the project folder otherwise, or
 * when only those lie there and the project folder holds `app.vue` (@nuxt/schema `srcDir`).
 */
function nuxt4SrcDir(rootDir: string, root: string): string {
  const app = join(rootDir, 'app');
  if (!isDirectoryInside(app, root)) return rootDir;
  let own: boolean;
  try {
    own = readdirSync(app).some((f) => f !== 'spa-loading-template.html' && !f.startsWith('router.options'));
  } catch {
    own = true;
  }
  if (!own && ['app.vue', 'App.vue'].some((f) => isFileInside(join(rootDir, f), root))) return rootDir;
  return app;
}
