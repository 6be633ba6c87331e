import type * as t from '@babel/types';
import { describe, expect, it } from 'vitest';
import { parseFile } from '../src/parse/index.js';
import { ScriptIndex, type ModuleInfo } from '../src/program/index.js';

const index = (code: string, ast?: ScriptIndex): ScriptIndex => {
  const script = ast?.script ?? parseFile({ absPath: '/v/a.ts', relPath: 'a.ts', text: code }).scripts[0];
  const info: ModuleInfo = { file: 'a.ts', scripts: [], errors: [], frameworkEntries: new Map() };
  return new ScriptIndex(script, info);
};

describe('parent links (stored on the nodes, with a Map behaviour)', () => {
  it('answers for its own nodes only, and iterates in first-link order', () => {
    const a = index('const x = f(1);\nfunction g() { return x; }');
    const b = index('const x = f(1);');
    const program = a.script.ast.program;
    const decl = program.body[0] as t.VariableDeclaration;
    expect(a.parent.get(decl)).toBe(program);
    expect(a.parent.get(program)).toBe(a.script.ast);
    expect(b.parent.get(decl)).toBeUndefined();
    expect(b.parent.has(decl)).toBe(false);
    const order = [...a.parent].map(([n]) => n);
    expect(order[0]).toBe(decl);
    expect(order.at(-1)).toBe(program);
    expect(a.parent.size).toBe(order.length);
    expect(new Set(order).size).toBe(order.length);
  });

  it('a second index of the same AST keeps its own links (a Map), and the first still answers', () => {
    const a = index('const x = f(1);');
    const again = index('', a);
    const decl = a.script.ast.program.body[0];
    expect(again.parent.get(decl)).toBe(a.script.ast.program);
    expect(a.parent.get(decl)).toBe(a.script.ast.program);
    expect([...again.parent].map(([n]) => n)).toEqual([...a.parent].map(([n]) => n));
  });
});
