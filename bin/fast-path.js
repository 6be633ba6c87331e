// Loads the bundled fast path (dist/bundle/cli.cjs, built by scripts/bundle.mjs) with
// V8's code cache (dist/bundle/cli.cjs.v8): Node 20 has no module compile cache, and
// compiling the CLI's code on every run is a large part of a small scan. A cache that
// does not fit this Node (another version, other V8 flags) is rejected by V8 and the
// code is compiled as usual. Used by bin/run.js, and by the build to write the cache.
// CommonJS, as bin/run.js (bin/package.json): Node starts a CommonJS main without its ES module loader.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const BUNDLE_FILE = join(__dirname, '..', 'dist', 'bundle', 'cli.cjs');
const CODE_CACHE_FILE = `${BUNDLE_FILE}.v8`;

/**
 * The bundle's exports and its compiled script (for `createCachedData`), or undefined
 * when there is no bundle. `useCache: false` compiles without the cache.
 */
function loadBundle({ useCache = true } = {}) {
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

module.exports = { BUNDLE_FILE, CODE_CACHE_FILE, loadBundle };
