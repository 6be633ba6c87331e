/**
 * Flow-graph shapes, table-driven (as ESLint's code-path tests): each case
 * lists the graph of `function f() { ... }` with join nodes collapsed.
 * Node names: `test(src)`, `fork(Type)`, `call(src)`, `ret+`/`ret-` (a
 * truthy/falsy return), `exit`, `throw`. Identifier/member points are
 * omitted to keep the shapes readable; calls and tests are what matter.
 */
import { parse } from '@babel/parser';
import type * as t from '@babel/types';
import { describe, expect, it } from 'vitest';
import { buildFlowGraph, type FlowGraph } from '../src/flow/index.js';

function shape(code: string): string[] {
  const ast = parse(code, { sourceType: 'module', plugins: ['typescript', 'jsx'] });
  const fn = ast.program.body.find((s) => s.type === 'FunctionDeclaration') as t.Function;
  const g = buildFlowGraph(fn);
  return render(g, code);
}

function label(g: FlowGraph, id: number, code: string): string | undefined {
  const n = g.nodes[id];
  const src = n.ast && n.ast.start != null ? code.slice(n.ast.start, n.ast.end!) : '';
  switch (n.kind) {
    case 'entry':
      return 'entry';
    case 'exit':
      return 'exit';
    case 'throw':
      return 'throw';
    case 'test':
      return n.ast?.type === 'SwitchCase' ? `case(${src.split(':')[0].replace('case ', '')})` : `test(${src})`;
    case 'fork':
      return `fork(${n.ast?.type ?? ''})`;
    case 'return':
      return n.returns === 'truthy' ? 'ret+' : 'ret-';
    case 'point':
      return n.ast &&
        (n.ast.type === 'CallExpression' || n.ast.type === 'NewExpression' || n.ast.type === 'OptionalCallExpression')
        ? `call(${src})`
        : undefined;
    default:
      return undefined;
  }
}

/** Successors of `id`, skipping unlabelled nodes; `label` of the first edge taken is kept. */
function render(g: FlowGraph, code: string): string[] {
  const names = new Map<number, string>();
  const visible = (id: number) => label(g, id, code) !== undefined;
  const targets = (id: number, seen = new Set<number>()): [number, string][] => {
    const out: [number, string][] = [];
    for (const e of g.nodes[id].succ) {
      if (e.label === 'exception' && !visible(id)) continue;
      const tag = e.label === 'true' ? 'T' : e.label === 'false' ? 'F' : e.label === 'exception' ? 'E' : '';
      if (visible(e.to)) out.push([e.to, tag]);
      else if (!seen.has(e.to)) {
        seen.add(e.to);
        for (const [to, inner] of targets(e.to, seen)) out.push([to, tag || inner]);
      }
    }
    return out;
  };
  const order: number[] = [];
  const queue = [g.entry];
  const seen = new Set([g.entry]);
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const [to] of targets(id)) {
      if (seen.has(to)) continue;
      seen.add(to);
      queue.push(to);
    }
  }
  order.forEach((id) => names.set(id, label(g, id, code)!));
  const lines: string[] = [];
  for (const id of order) {
    const succ = [...new Set(targets(id).map(([to, tag]) => `${tag ? `${tag}:` : ''}${names.get(to)}`))];
    if (succ.length) lines.push(`${names.get(id)} -> ${succ.join(' | ')}`);
  }
  return lines;
}

const cases: [string, string, string[]][] = [
  [
    'if/else',
    'function f() { if (a) b(); else c(); d(); }',
    [
      'entry -> test(a)',
      'test(a) -> T:call(b()) | F:call(c())',
      'call(b()) -> call(d())',
      'call(c()) -> call(d())',
      'call(d()) -> exit',
    ],
  ],
  [
    '&& in a condition',
    'function f() { if (a && b) c(); }',
    ['entry -> test(a)', 'test(a) -> T:test(b) | F:exit', 'test(b) -> T:call(c()) | F:exit', 'call(c()) -> exit'],
  ],
  [
    '|| in a condition',
    'function f() { if (a || b) c(); }',
    ['entry -> test(a)', 'test(a) -> T:call(c()) | F:test(b)', 'call(c()) -> exit', 'test(b) -> T:call(c()) | F:exit'],
  ],
  [
    '! swaps the outcomes',
    'function f() { if (!a) return; c(); }',
    ['entry -> test(a)', 'test(a) -> T:call(c()) | F:ret-', 'call(c()) -> exit', 'ret- -> exit'],
  ],
  [
    '?: in a condition',
    'function f() { if (a ? b : c) d(); }',
    [
      'entry -> test(a)',
      'test(a) -> T:test(b) | F:test(c)',
      'test(b) -> T:call(d()) | F:exit',
      'test(c) -> T:call(d()) | F:exit',
      'call(d()) -> exit',
    ],
  ],
  [
    '?? forks on nullish, not truthiness',
    'function f() { x = a ?? b(); c(); }',
    [
      'entry -> fork(LogicalExpression)',
      'fork(LogicalExpression) -> call(b()) | call(c())',
      'call(b()) -> call(c())',
      'call(c()) -> exit',
    ],
  ],
  [
    '?? in a condition: the right side decides only when the left is nullish',
    'function f() { if (a ?? b) c(); }',
    [
      'entry -> test(a)',
      'test(a) -> T:call(c()) | F:exit | F:test(b)',
      'call(c()) -> exit',
      'test(b) -> T:call(c()) | F:exit',
    ],
  ],
  [
    '&& as a statement',
    'function f() { a && b(); c(); }',
    ['entry -> test(a)', 'test(a) -> T:call(b()) | F:call(c())', 'call(b()) -> call(c())', 'call(c()) -> exit'],
  ],
  [
    'optional call',
    'function f() { a?.b(); c(); }',
    [
      'entry -> fork(OptionalMemberExpression)',
      'fork(OptionalMemberExpression) -> call(a?.b()) | call(c())',
      'call(a?.b()) -> call(c())',
      'call(c()) -> exit',
    ],
  ],
  [
    'a nullish link skips the whole optional chain',
    'function f() { a?.b.c(x()); d(); }',
    [
      'entry -> fork(OptionalMemberExpression)',
      'fork(OptionalMemberExpression) -> call(x()) | call(d())',
      'call(x()) -> call(a?.b.c(x()))',
      'call(d()) -> exit',
      'call(a?.b.c(x())) -> call(d())',
    ],
  ],
  [
    'switch with fall-through and default',
    'function f() { switch (x) { case 1: a(); case 2: b(); break; default: c(); } d(); }',
    [
      'entry -> case(1)',
      'case(1) -> T:call(a()) | F:case(2)',
      'call(a()) -> call(b())',
      'case(2) -> T:call(b()) | F:call(c())',
      'call(b()) -> call(d())',
      'call(c()) -> call(d())',
      'call(d()) -> exit',
    ],
  ],
  [
    'while with break and continue',
    'function f() { while (a) { if (b) break; if (c) continue; d(); } e(); }',
    [
      'entry -> test(a)',
      'test(a) -> T:test(b) | F:call(e())',
      'test(b) -> T:call(e()) | F:test(c)',
      'call(e()) -> exit',
      'test(c) -> T:test(a) | F:call(d())',
      'call(d()) -> test(a)',
    ],
  ],
  [
    'do-while',
    'function f() { do { a(); } while (b); c(); }',
    ['entry -> call(a())', 'call(a()) -> test(b)', 'test(b) -> T:call(a()) | F:call(c())', 'call(c()) -> exit'],
  ],
  [
    'for with update',
    'function f() { for (i(); t; u()) { a(); } }',
    [
      'entry -> call(i())',
      'call(i()) -> test(t)',
      'test(t) -> T:call(a()) | F:exit',
      'call(a()) -> call(u())',
      'call(u()) -> test(t)',
    ],
  ],
  [
    'for-of forks per iteration',
    'function f() { for (const x of xs) a(); b(); }',
    [
      'entry -> fork(ForOfStatement)',
      'fork(ForOfStatement) -> call(a()) | call(b())',
      'call(a()) -> fork(ForOfStatement)',
      'call(b()) -> exit',
    ],
  ],
  [
    'labelled continue to an outer loop',
    'function f() { outer: for (const x of xs) { for (const y of ys) { if (a) continue outer; b(); } } c(); }',
    [
      'entry -> fork(ForOfStatement)',
      'fork(ForOfStatement) -> fork(ForOfStatement) | call(c())',
      'fork(ForOfStatement) -> test(a) | fork(ForOfStatement)',
      'call(c()) -> exit',
      'test(a) -> T:fork(ForOfStatement) | F:call(b())',
      'call(b()) -> fork(ForOfStatement)',
    ],
  ],
  [
    'try/catch: every throwing point reaches the handler',
    'function f() { try { a(); b(); } catch (e) { c(); } d(); }',
    [
      'entry -> call(a())',
      'call(a()) -> E:call(c()) | call(b())',
      'call(c()) -> call(d())',
      'call(b()) -> E:call(c()) | call(d())',
      'call(d()) -> exit',
    ],
  ],
  [
    'finally is replayed per way out',
    'function f() { try { if (a) return; b(); } finally { c(); } d(); }',
    [
      'entry -> test(a)',
      'test(a) -> T:ret- | F:call(b())',
      'ret- -> call(c())',
      'call(b()) -> E:call(c()) | call(c())',
      'call(c()) -> exit',
      'call(c()) -> throw',
      'call(c()) -> call(d())',
      'call(d()) -> exit',
    ],
  ],
  [
    'throw leaves to the handler',
    'function f() { try { throw e; } catch { a(); } }',
    ['entry -> call(a())', 'call(a()) -> exit'],
  ],
  [
    'return value as a condition (guard wrappers)',
    'function f() { return a && b; }',
    ['entry -> test(a)', 'test(a) -> T:test(b) | F:ret-', 'test(b) -> T:ret+ | F:ret-', 'ret- -> exit', 'ret+ -> exit'],
  ],
  [
    'default parameters are evaluated sometimes',
    'function f(x = a()) { b(); }',
    [
      'entry -> fork(AssignmentPattern)',
      'fork(AssignmentPattern) -> call(a()) | call(b())',
      'call(a()) -> call(b())',
      'call(b()) -> exit',
    ],
  ],
  [
    'await is transparent',
    'async function f() { await a(); b(); }',
    ['entry -> call(a())', 'call(a()) -> call(b())', 'call(b()) -> exit'],
  ],
  [
    'JSX expression containers are evaluated in order',
    'function f() { return <A onPress={x && y()}>{z()}</A>; }',
    [
      'entry -> test(x)',
      'test(x) -> T:call(y()) | F:call(z())',
      'call(y()) -> call(z())',
      'call(z()) -> test(<A onPress={x && y()}>{z()}</A>)',
      'test(<A onPress={x && y()}>{z()}</A>) -> T:ret+ | F:ret-',
      'ret+ -> exit',
      'ret- -> exit',
    ],
  ],
];

describe('FlowGraph shapes', () => {
  it.each(cases)('%s', (_name, code, expected) => {
    expect(shape(code)).toEqual(expected);
  });

  it('class static blocks and field initialisers are their own units', () => {
    const ast = parse('class A { x = a(); static { b(); } }', { sourceType: 'module' });
    const cls = ast.program.body[0] as t.ClassDeclaration;
    const fields = buildFlowGraph(cls.body);
    const block = buildFlowGraph(cls.body.body[1]);
    const calls = (g: FlowGraph) =>
      g.nodes.filter((n) => n.kind === 'point' && n.ast?.type === 'CallExpression').length;
    expect(calls(fields)).toBe(1);
    expect(calls(block)).toBe(1);
  });

  it('`with` is reported as unsupported, never silently trusted', () => {
    const ast = parse('function f() { with (o) { a(); } }', { sourceType: 'script' });
    const g = buildFlowGraph(ast.program.body[0]);
    expect(g.unsupported.map((u) => u.message)).toEqual([expect.stringContaining('with')]);
  });
});
