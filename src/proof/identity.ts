/**
 * The structural path of a finding (`FindingIdentity.path`): the names of the
 * declarations enclosing a node, outermost first. Deliberately independent of
 * the trace labels in labels.ts, which are display text and may be reworded
 * without changing any baseline key or SARIF fingerprint.
 */
import type * as t from '@babel/types';
import { dottedName, isFunctionLike, unwrap, type ScriptIndex } from '../program/index.js';

/** Names of the functions, classes and static blocks enclosing `node`, outermost first. */
export function declarationPath(node: t.Node, index: ScriptIndex): string[] {
  const names: string[] = [];
  for (let p = index.parent.get(node); p; p = index.parent.get(p)) {
    if (isFunctionLike(p)) names.push(functionName(p, index));
    else if (p.type === 'StaticBlock') names.push('static');
    else if (p.type === 'ClassDeclaration' || p.type === 'ClassExpression')
      names.push(p.id?.name ?? holderName(p, index) ?? '(class)');
  }
  return names.reverse();
}

function functionName(n: t.Function, index: ScriptIndex): string {
  if ((n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression') && n.id) return n.id.name;
  if (n.type === 'ClassMethod' || n.type === 'ObjectMethod') return keyName(n.key, n.computed);
  if (n.type === 'ClassPrivateMethod') return keyName(n.key, false);
  return holderName(n, index) ?? positionName(n, index);
}

/** The name of what holds an unnamed function or class: a variable, a property, an assignment target. */
function holderName(n: t.Node, index: ScriptIndex): string | undefined {
  const p = index.parent.get(n);
  if (p?.type === 'VariableDeclarator' && p.id.type === 'Identifier') return p.id.name;
  if (
    (p?.type === 'ObjectProperty' || p?.type === 'ClassProperty' || p?.type === 'ClassPrivateProperty') &&
    p.value === n
  ) {
    return keyName(p.key, p.type !== 'ClassPrivateProperty' && p.computed);
  }
  if (p?.type === 'AssignmentExpression' && p.right === n) return dottedName(p.left);
  return undefined;
}

/** An unnamed function named by where it stands: call argument, JSX attribute, default export. */
function positionName(n: t.Node, index: ScriptIndex): string {
  const p = index.parent.get(n);
  if (p?.type === 'CallExpression' || p?.type === 'OptionalCallExpression' || p?.type === 'NewExpression') {
    const callee = dottedName(unwrap(p.callee)) ?? '(call)';
    return `${callee}()[${p.arguments.indexOf(n as t.Expression)}]`;
  }
  if (p?.type === 'JSXExpressionContainer') {
    const attr = index.parent.get(p);
    if (attr?.type === 'JSXAttribute')
      return `${attr.name.type === 'JSXIdentifier' ? attr.name.name : `${attr.name.namespace.name}:${attr.name.name.name}`}=`;
  }
  if (p?.type === 'ExportDefaultDeclaration') return 'default';
  return '(anonymous)';
}

function keyName(key: t.Node, computed: boolean): string {
  if (!computed && key.type === 'Identifier') return key.name;
  if (key.type === 'StringLiteral') return key.value;
  if (key.type === 'NumericLiteral') return String(key.value);
  if (key.type === 'PrivateName') return `#${key.id.name}`;
  return `[${dottedName(key) ?? 'computed'}]`;
}
