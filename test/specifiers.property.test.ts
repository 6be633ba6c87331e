/**
 * The text scan of a file's module specifiers (src/program/specifiers.ts)
 * against the parser: on random files made of the ways code names a module
 * (declarations, `require`, `import()` with comments, templates, computed
 * specifiers, Vite's glob imports, webpack contexts, look-alikes that load nothing), the literal specifiers are the
 * parsed ones in order, and the computed ones' prefixes are the ones the
 * Resolver reads from the AST.
 */
import { parse } from '@babel/parser';
import type * as t from '@babel/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachChild } from '../src/program/ast.js';
import {
  contextCallPrefix,
  globCallPrefix,
  globLoadPrefix,
  loadPrefix,
  prefixAdmits,
  scanSpecifiers,
  specifierPrefix,
} from '../src/program/specifiers.js';

const SPEC = fc.constantFrom('./a', '../b/c', 'pkg', '@scope/pkg/x', './plugins/', '../../up/', 'x-', '@/views/');
const NAME = fc.constantFrom('name', 'lang', 'cfg.kind');

const STATEMENT = fc.oneof(
  SPEC.map((s) => `import x__ from '${s}';`),
  SPEC.map((s) => `import '${s}';`),
  SPEC.map((s) => `export * from "${s}";`),
  SPEC.map((s) => `export { y as y__ } from '${s}';`),
  SPEC.map((s) => `const r__ = require('${s}');`),
  SPEC.map((s) => `import('${s}');`),
  SPEC.map((s) => `import(/* webpackChunkName: "c" */ '${s}');`),
  SPEC.map((s) => `import(\`${s}\`);`),
  fc.tuple(SPEC, NAME).map(([s, n]) => `import(\`${s}\${${n}}.js\`);`),
  fc.tuple(SPEC, NAME).map(([s, n]) => `require('${s}' + ${n});`),
  fc.tuple(SPEC, NAME).map(([s, n]) => `require('${s}' + ${n} + '.json');`),
  NAME.map((n) => `import(${n});`),
  NAME.map((n) => `require(${n});`),
  SPEC.map((s) => `import.meta.glob('${s}*.ts', { eager: true });`),
  SPEC.map((s) => `import.meta.glob(['${s}*.ts']);`),
  fc.constant("import.meta.glob('/src/pages/*.vue');"),
  SPEC.map((s) => `const ctx__ = require.context('${s.replace(/\/$/, '')}', true, /\\.js$/);`),
  // Look-alikes that load nothing.
  NAME.map((n) => `db.import(${n});`),
  SPEC.map((s) => `require.resolve('${s}');`),
  fc.constant('const from__ = 1, importer__ = from__ + 1;'),
);

/** What the parser says: literal specifiers in source order, and the prefixes of computed ones. */
function parsed(file: string, code: string): { literal: string[]; computed: Set<string> } {
  const ast = parse(code, { sourceType: 'module', plugins: ['typescript'] });
  const literal: { at: number; spec: string }[] = [];
  const computed = new Set<string>();
  const visit = (n: t.Node) => {
    if (
      (n.type === 'ImportDeclaration' || n.type === 'ExportAllDeclaration' || n.type === 'ExportNamedDeclaration') &&
      n.source
    )
      literal.push({ at: n.source.start!, spec: n.source.value });
    const context = contextCallPrefix(n);
    if (typeof context === 'string') {
      const prefix = loadPrefix(file, context);
      if (prefix !== undefined) computed.add(prefix);
    }
    const glob = n.type === 'CallExpression' ? globCallPrefix(n) : undefined;
    if (glob !== undefined) {
      const prefix = globLoadPrefix(file, glob);
      if (prefix !== undefined) computed.add(prefix);
    }
    if (n.type === 'CallExpression' && glob === undefined && context === undefined) {
      const load = n.callee.type === 'Import' || (n.callee.type === 'Identifier' && n.callee.name === 'require');
      const arg = n.arguments[0];
      if (load && arg) {
        if (arg.type === 'StringLiteral') literal.push({ at: arg.start!, spec: arg.value });
        else if (arg.type === 'TemplateLiteral' && !arg.expressions.length)
          literal.push({ at: arg.start!, spec: arg.quasis[0].value.cooked! });
        else {
          const prefix = loadPrefix(file, specifierPrefix(arg));
          if (prefix !== undefined) computed.add(prefix);
        }
      }
    }
    forEachChild(n, visit);
  };
  visit(ast.program);
  return { literal: literal.sort((a, b) => a.at - b.at).map((l) => l.spec), computed };
}

describe('scanSpecifiers', () => {
  it('finds the literal specifiers the parser finds, and the computed ones with their prefixes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('app.ts', 'src/app.ts', 'src/deep/app.ts'),
        fc.array(STATEMENT, { maxLength: 8 }),
        (file, statements) => {
          const code = statements.map((st, i) => st.replaceAll('__', String(i))).join('\n');
          const want = parsed(file, code);
          const got = scanSpecifiers(file, code);
          expect(got.literal, code).toEqual(want.literal);
          expect(new Set(got.computed), code).toEqual(want.computed);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a computed specifier admits the modules under its relative prefix, any under an alias, none otherwise', () => {
    expect(loadPrefix('src/app.ts', './plugins/')).toBe('src/plugins/');
    expect(loadPrefix('src/app.ts', '../lib/x-')).toBe('lib/x-');
    expect(loadPrefix('src/app.ts', '../../')).toBe('');
    expect(loadPrefix('src/app.ts', '@/plugins/')).toBe('');
    expect(loadPrefix('src/app.ts', '/src/pages/')).toBe('src/pages/');
    // No relative or aliased folder: a bundler includes no app module for it (a package, a URL).
    expect(loadPrefix('src/app.ts', '')).toBeUndefined();
    expect(loadPrefix('src/app.ts', 'pkg/')).toBeUndefined();
    expect(prefixAdmits('src/plugins/', 'src/plugins/tracker.ts')).toBe(true);
    expect(prefixAdmits('src/plugins/', 'src/locales/en.ts')).toBe(false);
    expect(prefixAdmits('', 'anything.ts')).toBe(true);
  });
});
