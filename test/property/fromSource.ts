/**
 * Parse the JavaScript subset the printer emits back into the model, so that
 * oracle tests and reproductions of counterexamples can be written as source
 * text. Throws on anything outside the subset.
 */
import { parse } from '@babel/parser';
import type * as t from '@babel/types';
import { locOf } from '../../src/parse/compact.js';
import { legalize } from './gen.js';
import {
  type Cond,
  GUARD_FORMS,
  type GuardPurpose,
  guardText,
  HOLD_TEXT,
  type Label,
  type Program,
  SINK_FORMS,
  type SinkKind,
  sinkText,
  type Stmt,
  type SwitchCase,
} from './model.js';

/** Source text of the program being converted (forms are matched by their exact spelling). */
let source = '';
const text = (n: t.Node) => source.slice(n.start ?? 0, n.end ?? 0);

const guardSpellings = new Map<string, { p: GuardPurpose; form: number }>();
const sinkSpellings = new Map<string, { kind: SinkKind; form: number }>();
for (let form = 0; form < GUARD_FORMS; form++) {
  for (const p of ['marketing', 'analytics'] as const) guardSpellings.set(guardText(p, form), { p, form });
}
for (let form = 0; form < SINK_FORMS; form++) {
  for (const kind of ['push', 'start', 'init'] as const) sinkSpellings.set(sinkText(kind, form), { kind, form });
}

function fail(node: t.Node, what: string): never {
  throw new Error(`fromSource: unsupported ${what} (${node.type}) at line ${locOf(node)?.start.line}`);
}

function isCallTo(e: t.Node, name: string): boolean {
  return (
    e.type === 'CallExpression' && e.arguments.length === 0 && e.callee.type === 'Identifier' && e.callee.name === name
  );
}

function sinkOf(e: t.Node): { kind: SinkKind; form: number } | undefined {
  return sinkSpellings.get(text(e));
}

export function condOf(e: t.Expression): Cond {
  const g = guardSpellings.get(text(e));
  if (g) return { k: 'guard', p: g.p, form: g.form };
  if (isCallTo(e, 'flag')) return { k: 'flag' };
  if (e.type === 'Identifier' && e.name === 'ready') return { k: 'ready' };
  if (e.type === 'UnaryExpression' && e.operator === '!') return { k: 'not', c: condOf(e.argument) };
  if (e.type === 'LogicalExpression' && e.operator === '&&') return { k: 'and', a: condOf(e.left), b: condOf(e.right) };
  if (e.type === 'LogicalExpression' && e.operator === '||') return { k: 'or', a: condOf(e.left), b: condOf(e.right) };
  if (e.type === 'ConditionalExpression')
    return { k: 'tern', c: condOf(e.test), a: condOf(e.consequent), b: condOf(e.alternate) };
  return fail(e, 'condition');
}

/** `true` -> no test (infinite loop). */
function loopTest(e: t.Expression): boolean {
  return !(e.type === 'BooleanLiteral' && e.value);
}

function label(l: t.Identifier | null | undefined): Label | undefined {
  if (!l) return undefined;
  if (l.name !== 'outer' && l.name !== 'inner') fail(l, `label ${l.name} (use outer/inner)`);
  return l.name;
}

function body(s: t.Statement): Stmt[] {
  return s.type === 'BlockStatement' ? s.body.map(stmtOf) : [stmtOf(s)];
}

function stmtOf(s: t.Statement): Stmt {
  switch (s.type) {
    case 'BlockStatement':
      return { k: 'block', body: s.body.map(stmtOf) };
    case 'IfStatement':
      return s.alternate
        ? { k: 'if', c: condOf(s.test), then: body(s.consequent), else: body(s.alternate) }
        : { k: 'if', c: condOf(s.test), then: body(s.consequent) };
    case 'WhileStatement':
      return loopTest(s.test)
        ? { k: 'while', c: condOf(s.test), body: body(s.body) }
        : { k: 'while', body: body(s.body) };
    case 'DoWhileStatement':
      return loopTest(s.test)
        ? { k: 'doWhile', c: condOf(s.test), body: body(s.body) }
        : { k: 'doWhile', body: body(s.body) };
    case 'ForStatement':
      if (s.init || s.update) fail(s, 'for with init/update');
      return s.test ? { k: 'for', c: condOf(s.test), body: body(s.body) } : { k: 'for', body: body(s.body) };
    case 'ForOfStatement':
      return { k: 'forOf', body: body(s.body) };
    case 'LabeledStatement': {
      const l = label(s.label)!;
      const inner = stmtOf(s.body);
      if (inner.k === 'while' || inner.k === 'doWhile' || inner.k === 'for' || inner.k === 'forOf')
        return { ...inner, label: l };
      if (inner.k === 'block') return { k: 'labelled', label: l, body: inner.body };
      return fail(s, 'labelled statement');
    }
    case 'BreakStatement':
      return s.label ? { k: 'break', label: label(s.label)! } : { k: 'break' };
    case 'ContinueStatement':
      return s.label ? { k: 'continue', label: label(s.label)! } : { k: 'continue' };
    case 'ReturnStatement':
      if (s.argument) fail(s, 'return with value');
      return { k: 'return' };
    case 'ThrowStatement':
      return { k: 'throw' };
    case 'TryStatement': {
      const out: Stmt = { k: 'try', block: s.block.body.map(stmtOf) };
      if (s.handler) out.handler = s.handler.body.body.map(stmtOf);
      if (s.finalizer) out.finalizer = s.finalizer.body.map(stmtOf);
      return out;
    }
    case 'SwitchStatement': {
      const cases: SwitchCase[] = s.cases.map((c) => {
        if (c.test && c.test.type !== 'NumericLiteral') fail(c, 'case test');
        return { test: c.test ? c.test.value : null, body: c.consequent.map(stmtOf) };
      });
      return { k: 'switch', cases };
    }
    case 'ExpressionStatement': {
      const e = s.expression;
      if (isCallTo(e, 'work')) return { k: 'work' };
      if (text(e) === HOLD_TEXT) return { k: 'hold' };
      const sk = sinkOf(e);
      if (sk) return { k: 'sink', sink: sk.kind, form: sk.form };
      if (e.type === 'LogicalExpression' && e.operator === '&&') {
        const r = sinkOf(e.right);
        if (r) return { k: 'andSink', c: condOf(e.left), sink: r.kind, form: r.form };
      }
      if (e.type === 'LogicalExpression' && e.operator === '||') {
        const r = sinkOf(e.right);
        if (r) return { k: 'orSink', c: condOf(e.left), sink: r.kind, form: r.form };
      }
      if (e.type === 'ConditionalExpression') {
        const a = sinkOf(e.consequent);
        const b = sinkOf(e.alternate);
        if (a && isCallTo(e.alternate, 'work'))
          return { k: 'ternSink', c: condOf(e.test), sink: a.kind, onTrue: true, form: a.form };
        if (b && isCallTo(e.consequent, 'work'))
          return { k: 'ternSink', c: condOf(e.test), sink: b.kind, onTrue: false, form: b.form };
      }
      return fail(s, 'expression statement');
    }
    default:
      return fail(s, 'statement');
  }
}

/**
 * `function main(x, xs) { ... }` as the only statement: a function program;
 * anything else: a module-top-level program. Sink ids are in source order.
 */
export function programFromSource(code: string): Program {
  source = code;
  const ast = parse(code, { sourceType: 'module', allowReturnOutsideFunction: false });
  const stmts = ast.program.body;
  const only = stmts.length === 1 ? stmts[0] : undefined;
  if (only && only.type === 'FunctionDeclaration' && only.id?.name === 'main') {
    return legalize(only.body.body.map(stmtOf), false, { maxStatements: Infinity, maxDepth: Infinity });
  }
  return legalize(stmts.map(stmtOf), true, { maxStatements: Infinity, maxDepth: Infinity });
}
