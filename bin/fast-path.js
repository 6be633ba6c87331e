// Loads the bundled fast path (dist/bundle/cli.cjs, built by scripts/bundle.mjs) with
// V8's code cache (dist/bundle/cli.cjs.v8): Node 20 has no module compile cache, and
// compiling the CLI's code on every run is a large part of a small scan. A cache that
// does not fit this Node (another version, other V8 flags) is rejected by V8 and the
// code is compiled as usual. Used by bin/run.js, and by the build to write the cache.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const BUNDLE_FILE = fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url));
export const CODE_CACHE_FILE = `${BUNDLE_FILE}.v8`;

/**
 * The bundle's exports and its compiled script (for `createCachedData`), or undefined
 * when there is no bundle. `useCache: false` compiles without the cache.
 */
export function loadBundle({ useCache = true } = {}) {
  let source;
  try {
    source = readFileSync(BUNDLE_FILE, 'utf8');
  } catch {
    return undefined;
  }
  let cachedData;
  if (useCache) {
    try {
      cachedData = readFileSync(CODE_CACHE_FILE);
    } catch {
      // no cache: compile
    }
  }
  // The CommonJS wrapper, as Node's own loader applies it.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: BUNDLE_FILE,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE_FILE), module, BUNDLE_FILE, dirname(BUNDLE_FILE));
  return { exports: module.exports, script };
}
