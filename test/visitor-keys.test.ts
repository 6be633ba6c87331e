// The AST walk (program/ast.ts forEachChild) reads each node type's child keys from a table
// generated from @babel/types (scripts/visitor-keys.mjs). A key missing from it would hide code
// from every stage, so: the table must equal the installed @babel/types, and on every fixture
// file the table's walk must reach exactly the children a walk over each node's own keys reaches.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import fg from 'fast-glob';
import type * as t from '@babel/types';
import { describe, expect, it } from 'vitest';
import { parseFile } from '../src/parse/index.js';
import { forEachChild, TYPE_KEYS } from '../src/program/ast.js';
import { VISITOR_KEYS } from '../src/parse/visitor-keys.js';

const ROOT = join(import.meta.dirname, '..');
const require = createRequire(join(ROOT, 'package.json'));

const isNode = (v: unknown): v is t.Node =>
  typeof v === 'object' && v !== null && typeof (v as t.Node).type === 'string';

/** The oracle: every node held under any key of `n` (positions and comments aside), by key. */
function childrenByOwnKeys(n: t.Node): Map<t.Node, string> {
  const out = new Map<t.Node, string>();
  for (const key of Object.keys(n)) {
    // `Program.interpreter` (a `#!` line) holds no code, and Babel's table leaves it out.
    if (key === 'loc' || key === 'extra' || key.endsWith('Comments') || key === 'interpreter') continue;
    const v = (n as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) for (const x of v) if (isNode(x)) out.set(x, key);
    if (isNode(v)) out.set(v, key);
  }
  return out;
}

/** Keys a walk without types leaves out: type annotations, and decorators (walked apart). */
const TYPE_ONLY = new Set([...TYPE_KEYS, 'decorators']);

describe('the AST walk’s child-key table', () => {
  it('is the installed @babel/types VISITOR_KEYS (after a Babel upgrade: node scripts/visitor-keys.mjs)', () => {
    const { VISITOR_KEYS: installed } = require('@babel/types') as { VISITOR_KEYS: Record<string, string[]> };
    expect(VISITOR_KEYS).toEqual(installed);
  });

  it('reaches exactly the children of every node of every fixture file (with types, and without)', () => {
    const files = fg.sync(
      [
        'fixtures/**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts,vue,svelte,html,astro}',
        'src/**/*.ts',
        'test/**/*.ts',
        'bin/*.js',
        'scripts/*.mjs',
        'bench/*.mjs',
      ],
      {
        cwd: ROOT,
        absolute: true,
        ignore: ['**/node_modules/**'],
      },
    );
    expect(files.length).toBeGreaterThan(400);
    let nodes = 0;
    for (const absPath of files) {
      const relPath = relative(ROOT, absPath);
      for (const script of parseFile({ absPath, relPath, text: readFileSync(absPath, 'utf8') }).scripts) {
        const stack: t.Node[] = [script.ast.program];
        while (stack.length) {
          const n = stack.pop()!;
          nodes++;
          const all = childrenByOwnKeys(n);
          const withTypes = new Map<t.Node, string>();
          forEachChild(n, (c, key) => withTypes.set(c, key), true);
          const code = new Map<t.Node, string>();
          forEachChild(n, (c, key) => code.set(c, key));
          // With types, the walk is the node's own keys; without, the same less type annotations and decorators.
          const where = `${relPath}: ${n.type} at ${n.start}`;
          if (withTypes.size !== all.size) expect([...withTypes.values()], where).toEqual([...all.values()]);
          for (const [c, key] of all) {
            if (withTypes.get(c) !== key) expect(withTypes.get(c), `${where}, key ${key}`).toBe(key);
            if (code.has(c) === TYPE_ONLY.has(key))
              expect(code.has(c), `${where}, key ${key}`).toBe(!TYPE_ONLY.has(key));
          }
          stack.push(...all.keys());
        }
      }
    }
    expect(nodes).toBeGreaterThan(100_000);
  });
});
