/**
 * Lexical scopes and bindings of one script, in one walk of the AST.
 *
 * Only what resolution needs: which declaration a name refers to, of which
 * kind, and whether it is ever reassigned. (@babel/traverse computes far more
 * and cost as much again as parsing; this walk is a small fraction of it.)
 * Ambient declarations (`declare const Cookiebot`, Flow `declare var`) bind
 * nothing: they describe globals, which is what the names then resolve to.
 */
import type * as t from '@babel/types';
import { forEachChild, TYPE_KEYS } from './ast.js';
import { ParentLinks } from './parents.js';

export type BindingKind = 'module' | 'hoisted' | 'param' | 'const' | 'let' | 'var' | 'local';

export interface Binding {
  kind: BindingKind;
  /** The identifier that declares the name. */
  identifier: t.Identifier;
  /** VariableDeclarator, import specifier, function/class declaration, or (params) the function. */
  declaration: t.Node;
  /** For imports. */
  importDeclaration?: t.ImportDeclaration;
  /** The function (params, function-expression names) or block that owns the binding. */
  scopeBlock: t.Node;
  /** Assignments and updates of the name after its declaration. */
  violations: t.Node[];
}

interface Scope {
  block: t.Node;
  parent: Scope | undefined;
  bindings: Map<string, Binding>;
  /** Function or Program: where `var` and hoisted functions go. */
  isFunction: boolean;
}

/** Ambient declarations describe globals and bind nothing; their bodies hold no code. */
const AMBIENT_DECLARATIONS = new Set([
  'TSDeclareFunction',
  'DeclareVariable',
  'DeclareFunction',
  'DeclareClass',
  'DeclareModule',
]);

type BindingDeclaration =
  | t.VariableDeclaration
  | t.FunctionDeclaration
  | t.ClassDeclaration
  | t.TSImportEqualsDeclaration
  | t.TSEnumDeclaration
  | t.ImportDeclaration;
const BINDING_DECLARATIONS = new Set([
  'VariableDeclaration',
  'FunctionDeclaration',
  'ClassDeclaration',
  'TSImportEqualsDeclaration',
  'TSEnumDeclaration',
  'ImportDeclaration',
]);
const isBindingDeclaration = (n: t.Node): n is BindingDeclaration => BINDING_DECLARATIONS.has(n.type);

type ScopeBlock =
  | t.ClassExpression
  | t.StaticBlock
  | t.ForInStatement
  | t.ForOfStatement
  | t.BlockStatement
  | t.TSModuleBlock
  | t.SwitchStatement
  | t.ForStatement
  | t.CatchClause;
const SCOPE_BLOCKS = new Set([
  'ClassExpression',
  'StaticBlock',
  'ForInStatement',
  'ForOfStatement',
  'BlockStatement',
  'TSModuleBlock',
  'SwitchStatement',
  'ForStatement',
  'CatchClause',
]);
const isScopeBlock = (n: t.Node): n is ScopeBlock => SCOPE_BLOCKS.has(n.type);

export class ScopeIndex {
  readonly parent = new ParentLinks();
  /** Function-like units in source order: Program first, then functions and static blocks. */
  readonly functions: t.Node[] = [];
  private readonly scopes = new Map<t.Node, Scope>();
  private readonly pendingViolations: [t.Identifier, t.Node, Scope][] = [];

  constructor(program: t.Program) {
    const root: Scope = { block: program, parent: undefined, bindings: new Map(), isFunction: true };
    this.scopes.set(program, root);
    this.functions.push(program);
    for (const s of program.body) this.walk(s, program, root);
    for (const [id, node, scope] of this.pendingViolations) {
      const b = this.lookup(scope, id.name);
      if (b) b.violations.push(node);
    }
    this.pendingViolations.length = 0;
  }

  /** A name declared in the script's top-level scope. */
  topLevel(name: string): Binding | undefined {
    return this.scopes.get(this.functions[0])?.bindings.get(name);
  }

  /** The binding a name refers to at `node`, or undefined for a free (global) name. */
  binding(node: t.Node & { name: string }): Binding | undefined {
    for (let n: t.Node | undefined = node; n; n = this.parent.get(n)) {
      const s = this.scopes.get(n);
      if (s) return this.lookup(s, node.name);
    }
    return undefined;
  }

  private lookup(scope: Scope | undefined, name: string): Binding | undefined {
    for (let s = scope; s; s = s.parent) {
      const b = s.bindings.get(name);
      if (b) return b;
    }
    return undefined;
  }

  private functionScope(s: Scope): Scope {
    let x = s;
    while (!x.isFunction && x.parent) x = x.parent;
    return x;
  }

  private declare(scope: Scope, b: Binding): void {
    const existing = scope.bindings.get(b.identifier.name);
    if (existing) {
      // `var x; var x = 1;` or a function redeclared: later declarations reassign.
      existing.violations.push(b.declaration);
      return;
    }
    scope.bindings.set(b.identifier.name, b);
  }

  private newScope(block: t.Node, parent: Scope, isFunction: boolean): Scope {
    const s: Scope = { block, parent, bindings: new Map(), isFunction };
    this.scopes.set(block, s);
    return s;
  }

  private patternIds(p: t.Node | null | undefined, out: t.Identifier[] = []): t.Identifier[] {
    if (!p) return out;
    switch (p.type) {
      case 'Identifier':
        out.push(p);
        break;
      case 'AssignmentPattern':
        this.patternIds(p.left, out);
        break;
      case 'ObjectPattern':
        for (const prop of p.properties) this.patternIds(prop.type === 'RestElement' ? prop.argument : prop.value, out);
        break;
      case 'ArrayPattern':
        for (const el of p.elements) this.patternIds(el, out);
        break;
      case 'RestElement':
        this.patternIds(p.argument, out);
        break;
      case 'TSParameterProperty':
        this.patternIds(p.parameter, out);
        break;
    }
    return out;
  }

  /** Assignment targets: names to record as reassigned. */
  private violation(target: t.Node, node: t.Node, scope: Scope): void {
    if (target.type === 'MemberExpression' || target.type === 'OptionalMemberExpression') return;
    for (const id of this.patternIds(target)) this.pendingViolations.push([id, node, scope]);
  }

  private walk(n: t.Node, parent: t.Node, scope: Scope): void {
    this.parent.set(n, parent);
    if (AMBIENT_DECLARATIONS.has(n.type)) return;
    if (isBindingDeclaration(n)) return this.declaration(n, scope);
    if (isScopeBlock(n)) return this.scopeBlock(n, scope);
    switch (n.type) {
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ObjectMethod':
      case 'ClassMethod':
      case 'ClassPrivateMethod':
        return this.fn(n, scope);
      case 'AssignmentExpression':
        this.violation(n.left, n, scope);
        return this.children(n, scope);
      case 'UpdateExpression':
        this.violation(n.argument, n, scope);
        return this.children(n, scope);
      default:
        return this.children(n, scope);
    }
  }

  /** Statements that declare names in the current (or, for `var` and imports, the function) scope. */
  private declaration(n: BindingDeclaration, scope: Scope): void {
    switch (n.type) {
      case 'VariableDeclaration':
        return this.variableDeclaration(n, scope);
      case 'FunctionDeclaration':
        if (n.id && !n.declare)
          this.declare(scope, {
            kind: 'hoisted',
            identifier: n.id,
            declaration: n,
            scopeBlock: scope.block,
            violations: [],
          });
        return this.fn(n, scope);
      case 'ClassDeclaration':
        if (n.id && !n.declare)
          this.declare(scope, {
            kind: 'let',
            identifier: n.id,
            declaration: n,
            scopeBlock: scope.block,
            violations: [],
          });
        return this.children(n, scope);
      case 'TSImportEqualsDeclaration':
        if (n.importKind !== 'type')
          this.declare(scope, {
            kind: 'const',
            identifier: n.id,
            declaration: n,
            scopeBlock: scope.block,
            violations: [],
          });
        return;
      case 'TSEnumDeclaration':
        if (!n.declare)
          this.declare(scope, {
            kind: 'let',
            identifier: n.id,
            declaration: n,
            scopeBlock: scope.block,
            violations: [],
          });
        return this.children(n, scope);
      case 'ImportDeclaration':
        return this.importDeclaration(n, scope);
    }
  }

  private variableDeclaration(n: t.VariableDeclaration, scope: Scope): void {
    if (n.declare) return this.children(n, scope);
    const target = n.kind === 'var' ? this.functionScope(scope) : scope;
    const kind: BindingKind = n.kind === 'var' ? 'var' : n.kind === 'const' ? 'const' : 'let';
    for (const d of n.declarations) {
      for (const id of this.patternIds(d.id))
        this.declare(target, { kind, identifier: id, declaration: d, scopeBlock: target.block, violations: [] });
    }
    this.children(n, scope);
  }

  private importDeclaration(n: t.ImportDeclaration, scope: Scope): void {
    if (n.importKind === 'type' || n.importKind === 'typeof') return this.children(n, scope);
    for (const spec of n.specifiers) {
      if (spec.type === 'ImportSpecifier' && (spec.importKind === 'type' || spec.importKind === 'typeof')) continue;
      this.declare(this.functionScope(scope), {
        kind: 'module',
        identifier: spec.local,
        declaration: spec,
        importDeclaration: n,
        scopeBlock: scope.block,
        violations: [],
      });
    }
    this.children(n, scope);
  }

  /** Nodes that open a scope of their own (besides functions). */
  private scopeBlock(n: ScopeBlock, scope: Scope): void {
    switch (n.type) {
      case 'ClassExpression': {
        if (!n.id) return this.children(n, scope);
        const inner = this.newScope(n, scope, false);
        inner.bindings.set(n.id.name, {
          kind: 'local',
          identifier: n.id,
          declaration: n,
          scopeBlock: n,
          violations: [],
        });
        return this.children(n, inner);
      }
      case 'StaticBlock': {
        this.functions.push(n);
        const inner = this.newScope(n, scope, true);
        for (const s of n.body) this.walk(s, n, inner);
        return;
      }
      case 'ForInStatement':
      case 'ForOfStatement': {
        const inner = this.newScope(n, scope, false);
        if (n.left.type !== 'VariableDeclaration') this.violation(n.left, n, inner);
        return this.children(n, inner);
      }
      case 'BlockStatement':
      case 'TSModuleBlock':
      case 'SwitchStatement':
      case 'ForStatement':
        return this.children(n, this.newScope(n, scope, false));
      case 'CatchClause': {
        const inner = this.newScope(n, scope, false);
        for (const id of this.patternIds(n.param))
          inner.bindings.set(id.name, { kind: 'let', identifier: id, declaration: n, scopeBlock: n, violations: [] });
        return this.children(n, inner);
      }
    }
  }

  private fn(n: t.Function, scope: Scope): void {
    this.functions.push(n);
    const inner = this.newScope(n, scope, true);
    if (
      (n.type === 'FunctionExpression' || n.type === 'ClassMethod' || n.type === 'ObjectMethod') &&
      'id' in n &&
      n.id &&
      n.type === 'FunctionExpression'
    ) {
      inner.bindings.set(n.id.name, { kind: 'local', identifier: n.id, declaration: n, scopeBlock: n, violations: [] });
    }
    for (const p of n.params) {
      for (const id of this.patternIds(p))
        inner.bindings.set(id.name, { kind: 'param', identifier: id, declaration: n, scopeBlock: n, violations: [] });
    }
    // Keys of methods are evaluated outside; params and body inside.
    if ('key' in n && n.key) this.walk(n.key, n, scope);
    for (const p of n.params) this.walk(p, n, inner);
    const body = n.body;
    this.parent.set(body, n);
    if (body.type === 'BlockStatement') {
      // The body block shares the function's scope (let/const at the top of a function live there).
      this.scopes.set(body, inner);
      for (const s of body.body) this.walk(s, body, inner);
    } else this.walk(body, n, inner);
    for (const key of ['decorators', 'typeParameters', 'returnType'] as const) {
      const v = (n as unknown as Record<string, unknown>)[key];
      if (v && typeof v === 'object' && !Array.isArray(v)) this.parent.set(v as t.Node, n);
    }
  }

  /** The node and scope whose children `visitChild` is walking (one callback for every node, no closure each). */
  private childrenOf: t.Node | undefined;
  private childScope: Scope | undefined;
  private readonly visitChild = (child: t.Node, key: string): void => {
    // Types bind nothing, but parent links let `typeof X` in them resolve.
    if (key === 'typeAnnotation') this.typeWalk(child, this.childrenOf!);
    else if (!TYPE_KEYS.has(key)) this.walk(child, this.childrenOf!, this.childScope!);
  };

  private children(n: t.Node, scope: Scope): void {
    const outer = this.childrenOf;
    const outerScope = this.childScope;
    this.childrenOf = n;
    this.childScope = scope;
    forEachChild(n, this.visitChild, true);
    this.childrenOf = outer;
    this.childScope = outerScope;
  }

  /** Parent links inside type annotations (for `typeof X` receivers), no bindings. */
  private typeWalk(n: t.Node, parent: t.Node): void {
    this.parent.set(n, parent);
    forEachChild(n, (c) => this.typeWalk(c, n), true);
  }
}
