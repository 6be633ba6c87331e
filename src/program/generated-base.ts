/**
 * A tsconfig base a framework's CLI generates (SvelteKit's `.svelte-kit/tsconfig.json`,
 * Nuxt's `.nuxt/tsconfig.json`), which an app's own tsconfig extends and a clean
 * checkout has not generated yet: what it would give the app's config
 * (./sveltekit.ts, ./nuxt.ts compute it from the framework's config, read as literals).
 */
import { relative } from 'node:path';

/** The `compilerOptions` the generated base gives the app's config, as seen from the app's config folder. */
export interface GeneratedOptions {
  /** The base's `paths`, relative to the app's config folder. */
  paths: Record<string, string[]>;
  /** Where the base sets `baseUrl`, relative to the app's config folder. */
  baseUrl?: string;
  /** The file the framework would generate, root-relative (for messages). */
  file: string;
}

/** What the app's own config sets (it wins over the base's, option by option). */
export interface OwnOptions {
  baseUrl?: string;
  paths?: Record<string, string[]>;
}

/** A `paths` target for the absolute path `abs`, relative to the config folder `dir` (`./src/lib`). */
export function pathTarget(dir: string, abs: string): string {
  const rel = relative(dir, abs).split('\\').join('/');
  return rel.startsWith('.') ? rel : rel ? `./${rel}` : '.';
}
