/**
 * A small glob matcher for `include` / `exclude` (relative to the scan root,
 * `/` separators). One matcher for both listing back ends, so `git ls-files`
 * and the fast-glob walk select exactly the same files.
 *
 * Supported: `*`, `?`, `**` (whole segment), `[abc]` / `[!abc]`, `{a,b}`,
 * `\x` escapes. A pattern also matches everything below a directory it matches,
 * so `src`, `src/` and `src/**` are equivalent, and `**\/__tests__` excludes
 * whole directories.
 */

export type PathMatcher = (relPath: string) => boolean;

/** Translate one glob into an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let g = glob.trim();
  while (g.startsWith('./')) g = g.slice(2);
  g = g.replace(/^\/+/, '').replace(/\/+$/, '');
  if (g === '' || g === '.') return /^.*$/;

  const bracesBalanced = isBalanced(g);
  let re = '';
  let braceDepth = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '\\' && i + 1 < g.length) {
      re += escapeRe(g[++i]);
    } else if (c === '*') {
      if (g[i + 1] === '*') {
        const atSegStart = i === 0 || g[i - 1] === '/';
        const atSegEnd = i + 2 === g.length || g[i + 2] === '/';
        if (atSegStart && atSegEnd) {
          if (i + 2 === g.length) {
            // trailing `**` (or the whole pattern): anything, including nothing below a dir
            re = re.endsWith('/') ? re.slice(0, -1) + '(?:/.*)?' : re + '.*';
          } else {
            re += '(?:.*/)?';
            i++; // also consume the '/'
          }
          i++;
          continue;
        }
        // `a**b` is just two stars inside a segment
        re += '[^/]*';
        i++;
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const close = g.indexOf(']', i + 2);
      if (close === -1) {
        re += '\\[';
      } else {
        let body = g.slice(i + 1, close);
        if (body.startsWith('!') || body.startsWith('^')) body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\').replace(/\//g, '') + ']';
        i = close;
      }
    } else if (c === '{' && bracesBalanced) {
      re += '(?:';
      braceDepth++;
    } else if (c === ',' && braceDepth > 0) {
      re += '|';
    } else if (c === '}' && braceDepth > 0) {
      re += ')';
      braceDepth--;
    } else {
      re += escapeRe(c);
    }
  }
  return new RegExp('^' + re + '$');
}

function isBalanced(g: string): boolean {
  let depth = 0;
  for (let i = 0; i < g.length; i++) {
    if (g[i] === '\\') i++;
    else if (g[i] === '{') depth++;
    else if (g[i] === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\]/.test(c) ? '\\' + c : c;
}

/**
 * A matcher for a list of globs: true when any glob matches the path or one of
 * its ancestor directories. `undefined` when the list is absent or empty.
 */
export function createMatcher(patterns: readonly string[] | undefined): PathMatcher | undefined {
  const list = (patterns ?? []).filter((p) => p.trim() !== '');
  if (list.length === 0) return undefined;
  const res = list.map(globToRegExp);
  return (relPath: string) => {
    for (const re of res) {
      if (re.test(relPath)) return true;
      for (let i = relPath.indexOf('/'); i !== -1; i = relPath.indexOf('/', i + 1)) {
        if (re.test(relPath.slice(0, i))) return true;
      }
    }
    return false;
  };
}
