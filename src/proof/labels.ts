/**
 * How messages and traces name things (functions, references, entries): display
 * text only, free to reword; finding identity is identity.ts. Pure functions of the AST.
 */
import type * as t from '@babel/types';
import type { AnalysisError, TraceStep } from '../model.js';
import { dottedName, isFunctionLike, locOf, unwrap, type ScriptIndex } from '../program/index.js';

export function errorAt(index: ScriptIndex, node: t.Node, message: string, kind: string): AnalysisError {
  const loc = locOf(node)?.start;
  return { file: index.script.file, line: loc?.line ?? 1, column: (loc?.column ?? 0) + 1, message, kind };
}

export function hop(index: ScriptIndex, node: t.Node, label: string): TraceStep {
  const loc = locOf(node)?.start;
  return { file: index.script.file, line: loc?.line ?? 1, column: (loc?.column ?? 0) + 1, label };
}

/** A readable name for a function-like unit. */
export function unitName(n: t.Node, index: ScriptIndex): string {
  if (n.type === 'Program') return 'module top level';
  if (n.type === 'StaticBlock') return 'static block';
  if (n.type === 'ClassBody') return 'field initialisers';
  if ((n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression') && n.id) return n.id.name;
  if (n.type === 'ClassMethod' || n.type === 'ObjectMethod' || n.type === 'ClassPrivateMethod') {
    const k = n.key;
    return k.type === 'Identifier'
      ? k.name
      : k.type === 'StringLiteral'
        ? k.value
        : k.type === 'PrivateName'
          ? `#${k.id.name}`
          : 'method';
  }
  const p = index.parent.get(n);
  if (p?.type === 'VariableDeclarator' && p.id.type === 'Identifier') return p.id.name;
  if (p?.type === 'ObjectProperty' || p?.type === 'ClassProperty') {
    const k = p.key;
    if (k.type === 'Identifier') return k.name;
  }
  if (p?.type === 'AssignmentExpression') return dottedName(p.left) ?? 'function';
  if (p?.type === 'CallExpression' || p?.type === 'OptionalCallExpression') return `${calleeLabel(p)} callback`;
  if (p?.type === 'JSXExpressionContainer') {
    const attr = index.parent.get(p);
    if (attr?.type === 'JSXAttribute') return `${attr.name.type === 'JSXIdentifier' ? attr.name.name : 'jsx'} handler`;
  }
  if (p?.type === 'ExportDefaultDeclaration') return 'default export';
  return 'anonymous function';
}

function calleeLabel(call: t.CallExpression | t.OptionalCallExpression): string {
  const c = unwrap(call.callee);
  const d = dottedName(c);
  if (d) return d.split('.').slice(-2).join('.');
  return 'call';
}

export function refLabel(ast: t.Node, index: ScriptIndex): string {
  if (isFunctionLike(ast)) return unitName(ast, index);
  const p = index.parent.get(ast);
  if (ast.type === 'JSXIdentifier' || ast.type === 'JSXMemberExpression')
    return `<${ast.type === 'JSXIdentifier' ? ast.name : 'component'}>`;
  const name = dottedName(ast) ?? 'function';
  if (
    p &&
    (p.type === 'CallExpression' || p.type === 'OptionalCallExpression' || p.type === 'NewExpression') &&
    p.callee === ast
  )
    return `${name}()`;
  if (ast.type === 'ClassDeclaration' || ast.type === 'ClassExpression') return `class ${ast.id?.name ?? ''}`.trim();
  return `reference to ${name}`;
}

export function entryLabel(node: t.Node, index: ScriptIndex, root: boolean, refCount: number): string {
  const name = unitName(node, index);
  if (node.type === 'Program')
    return { handler: 'event handler attribute', script: 'inline <script>', module: 'module top level' }[
      index.script.kind
    ];
  const framework = index.module.frameworkEntries.get(node);
  if (framework) return `${name} (entry: ${framework})`;
  if (!refCount) return `${name} (entry: not referenced in the scanned project)`;
  if (root) return `${name} (entry: only referenced from a cycle)`;
  return name;
}
