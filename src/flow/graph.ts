/**
 * FlowGraph: the control-flow graph of one function body (or one module top
 * level), at the granularity the proof needs. Nodes are
 *
 *  - `test`  a leaf condition whose `true`/`false` edges a guard may grant on
 *            (CodeQL's condition-guard idea: the guard is the edge, not the node);
 *  - `fork`  a branch that says nothing about truthiness (`?.`, `??`, loop
 *            iteration, default parameters) and so can never grant;
 *  - `point` an evaluated expression of interest (a call, an identifier or
 *            member reference, a function created), in evaluation order;
 *  - `join`  a merge point; `entry`, `exit` (normal completion), `throw`.
 *
 * Short-circuit operators and `!` inside conditions are decomposed into
 * chains of tests (as ESLint's code-path analysis does), so `a && b`,
 * `a || b`, `!a`, `a ? b : c` need no special guard algebra later.
 * `finally` blocks are built once per way of leaving the `try` (normal,
 * exception, each return/break/continue), so no infeasible path is invented.
 */
import type * as t from '@babel/types';
import { forEachChild, isFunctionLike } from '../program/ast.js';

/** `exception`: the node threw before completing (so nothing it would grant holds). */
export type EdgeLabel = 'normal' | 'true' | 'false' | 'exception';

export interface FlowEdge {
  to: number;
  label: EdgeLabel;
}

export type FlowNodeKind = 'entry' | 'exit' | 'throw' | 'test' | 'fork' | 'point' | 'join' | 'return';

export interface FlowNode {
  id: number;
  kind: FlowNodeKind;
  /** The expression (test/point), the SwitchCase (switch tests), or the return statement. */
  ast?: t.Node;
  /** For `return` nodes: whether the returned value may be truthy / falsy. */
  returns?: 'truthy' | 'falsy';
  succ: FlowEdge[];
}

export interface Unsupported {
  node: t.Node;
  message: string;
}

export interface FlowGraph {
  /** The function (or Program) this graph belongs to. */
  owner: t.Node;
  nodes: FlowNode[];
  entry: number;
  /** Normal completion (fall-off, `return`). */
  exit: number;
  /** Uncaught exception. */
  throwExit: number;
  /** Every node built for an AST node (several when inside a `finally` built more than once). */
  pointsOf: Map<t.Node, number[]>;
  /** Constructs the builder could not model (e.g. `with`): proofs in this graph must not pass silently. */
  unsupported: Unsupported[];
}

/** Expressions whose evaluation the graph does not record: literals, meta properties, JSX text and closers. */
const NOT_EVALUATED = new Set([
  'StringLiteral',
  'NumericLiteral',
  'BooleanLiteral',
  'NullLiteral',
  'BigIntLiteral',
  'RegExpLiteral',
  'DecimalLiteral',
  'MetaProperty',
  'TemplateElement',
  'PrivateName',
  'JSXText',
  'JSXEmptyExpression',
  'JSXClosingElement',
  'JSXClosingFragment',
  'JSXOpeningFragment',
]);

/**
 * Expressions that are one point and nothing else: references, and functions,
 * whose body is its own graph (here the function is only created).
 */
const READ_POINTS = new Set([
  'Identifier',
  'ThisExpression',
  'Super',
  'JSXIdentifier',
  'JSXMemberExpression',
  'FunctionExpression',
  'ArrowFunctionExpression',
]);

type Transparent =
  | t.TSAsExpression
  | t.TSSatisfiesExpression
  | t.TSNonNullExpression
  | t.TSTypeAssertion
  | t.TypeCastExpression
  | t.ParenthesizedExpression
  | t.TSInstantiationExpression;
const TRANSPARENT = new Set([
  'TSAsExpression',
  'TSSatisfiesExpression',
  'TSNonNullExpression',
  'TSTypeAssertion',
  'TypeCastExpression',
  'ParenthesizedExpression',
  'TSInstantiationExpression',
]);
/** Type assertions and parentheses: evaluating them is evaluating their operand. */
const isTransparent = (e: t.Node): e is Transparent => TRANSPARENT.has(e.type);

type ChainElement =
  t.MemberExpression | t.OptionalMemberExpression | t.CallExpression | t.OptionalCallExpression | t.NewExpression;
const CHAIN_ELEMENTS = new Set([
  'MemberExpression',
  'OptionalMemberExpression',
  'CallExpression',
  'OptionalCallExpression',
  'NewExpression',
]);
const isChainElement = (e: t.Node): e is ChainElement => CHAIN_ELEMENTS.has(e.type);

type JsxContainer =
  | t.JSXElement
  | t.JSXExpressionContainer
  | t.JSXSpreadChild
  | t.JSXAttribute
  | t.JSXSpreadAttribute
  | t.JSXNamespacedName;
const JSX_CONTAINERS = new Set([
  'JSXElement',
  'JSXExpressionContainer',
  'JSXSpreadChild',
  'JSXAttribute',
  'JSXSpreadAttribute',
  'JSXNamespacedName',
]);
const isJsxContainer = (e: t.Node): e is JsxContainer => JSX_CONTAINERS.has(e.type);

/** The truthiness of a literal condition (`true`, `0`, `''`, `null`, `undefined`), else undefined. */
function constantTruthiness(e: t.Node): boolean | undefined {
  switch (e.type) {
    case 'BooleanLiteral':
    case 'NumericLiteral':
    case 'StringLiteral':
      return Boolean(e.value);
    case 'NullLiteral':
      return false;
    case 'Identifier':
      return e.name === 'undefined' ? false : undefined;
    default:
      return undefined;
  }
}

/** Statements unreachable code skips without even a node: hoisted functions and types. */
const HOISTED_OR_TYPE_ONLY = new Set(['FunctionDeclaration', 'TSInterfaceDeclaration', 'TSTypeAliasDeclaration']);

/** Statements that evaluate nothing where they stand (types, ambient declarations, imports, hoisted functions). */
const NO_RUNTIME_EFFECT = new Set([
  'StaticBlock',
  'EmptyStatement',
  'DebuggerStatement',
  'FunctionDeclaration',
  'TSInterfaceDeclaration',
  'TSTypeAliasDeclaration',
  'TSDeclareFunction',
  'DeclareVariable',
  'DeclareFunction',
  'DeclareClass',
  'DeclareModule',
  'DeclareTypeAlias',
  'DeclareOpaqueType',
  'DeclareInterface',
  'DeclareModuleExports',
  'DeclareExportDeclaration',
  'DeclareExportAllDeclaration',
  'InterfaceDeclaration',
  'TypeAlias',
  'OpaqueType',
  'ImportDeclaration',
  'ExportAllDeclaration',
  'TSImportEqualsDeclaration',
  'TSNamespaceExportDeclaration',
]);

const LOOPS = new Set(['WhileStatement', 'DoWhileStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement']);
const isLoop = (s: t.Statement): s is t.Loop => LOOPS.has(s.type);

type EvaluatedDeclaration =
  | t.VariableDeclaration
  | t.TSExportAssignment
  | t.TSEnumDeclaration
  | t.TSModuleDeclaration
  | t.ClassDeclaration
  | t.ExportNamedDeclaration
  | t.ExportDefaultDeclaration;
const EVALUATED_DECLARATIONS = new Set([
  'VariableDeclaration',
  'TSExportAssignment',
  'TSEnumDeclaration',
  'TSModuleDeclaration',
  'ClassDeclaration',
  'ExportNamedDeclaration',
  'ExportDefaultDeclaration',
]);
const isDeclaration = (s: t.Statement): s is EvaluatedDeclaration => EVALUATED_DECLARATIONS.has(s.type);

interface JumpTarget {
  kind: 'loop' | 'switch' | 'label' | 'finally';
  labels: string[];
  breakTo?: number;
  continueTo?: number;
  /** For `finally`: the block to replay when a jump crosses it. */
  finalizer?: t.BlockStatement;
  /** For `try` with a handler: where exceptions go. */
  handler?: number;
}

export interface FlowGraphOptions {
  /**
   * Is this identifier a declared local (reading it cannot throw)? Unknown
   * names may be undeclared globals, whose read throws a ReferenceError.
   */
  isDeclared?(id: t.Identifier): boolean;
}

/** Build the flow graph of a function, a Program, a class static block, or class field initialisers. */
export function buildFlowGraph(owner: t.Node, options: FlowGraphOptions = {}): FlowGraph {
  return new Builder(owner, options).build();
}

class Builder {
  private nodes: FlowNode[] = [];
  private pointsOf = new Map<t.Node, number[]>();
  private unsupported: Unsupported[] = [];
  /** Current node; `null` when the current code is unreachable. */
  private cur: number | null = null;
  private readonly stack: JumpTarget[] = [];
  private entry = 0;
  private exit = 0;
  private throwExit = 0;
  /** Labels waiting for the statement they label. */
  private pendingLabels: string[] = [];

  constructor(
    private readonly owner: t.Node,
    private readonly options: FlowGraphOptions,
  ) {}

  build(): FlowGraph {
    this.entry = this.node('entry');
    this.exit = this.node('exit');
    this.throwExit = this.node('throw');
    this.cur = this.entry;
    const o = this.owner;
    if (o.type === 'Program') {
      this.statements(o.body);
    } else if (o.type === 'StaticBlock') {
      this.statements(o.body);
    } else if (o.type === 'ClassBody') {
      // Instance field initialisers: run on construction, in order.
      for (const m of o.body) {
        if (
          (m.type === 'ClassProperty' || m.type === 'ClassPrivateProperty' || m.type === 'ClassAccessorProperty') &&
          !m.static &&
          m.value
        )
          this.expr(m.value);
      }
    } else if (isFunctionLike(o)) {
      for (const p of o.params) this.pattern(p);
      if (o.body.type === 'BlockStatement') this.statements(o.body.body);
      else this.returnValue(o.body, o.body);
    } else {
      this.unsupported.push({ node: o, message: `cannot build a flow graph for ${o.type}` });
    }
    this.goto(this.exit);
    // Exact-size arrays: an array grown by `push` keeps room for 16 more elements,
    // which was most of a graph's memory (graphs live as long as the proof).
    for (const n of this.nodes) if (n.succ.length) n.succ = n.succ.slice();
    return {
      owner: this.owner,
      nodes: this.nodes.slice(),
      entry: this.entry,
      exit: this.exit,
      throwExit: this.throwExit,
      pointsOf: this.pointsOf,
      unsupported: this.unsupported,
    };
  }

  // ------------------------------------------------------------ primitives

  private node(kind: FlowNodeKind, ast?: t.Node): number {
    const id = this.nodes.length;
    this.nodes.push({ id, kind, ast, succ: [] });
    if (ast && (kind === 'point' || kind === 'test' || kind === 'return')) {
      const list = this.pointsOf.get(ast);
      if (list) list.push(id);
      else this.pointsOf.set(ast, [id]);
    }
    return id;
  }

  private edge(from: number, to: number, label: EdgeLabel = 'normal'): void {
    this.nodes[from].succ.push({ to, label });
  }

  /** Append a node after the current one. */
  private emit(kind: FlowNodeKind, ast?: t.Node): number {
    const n = this.node(kind, ast);
    if (this.cur !== null) this.edge(this.cur, n);
    this.cur = n;
    return n;
  }

  /** Jump from the current node to `to`; code after is unreachable until a new node is entered. */
  private goto(to: number): void {
    if (this.cur !== null) this.edge(this.cur, to);
    this.cur = null;
  }

  private enter(n: number): void {
    this.cur = n;
  }

  private join(): number {
    return this.node('join');
  }

  // ------------------------------------------------------------ conditions

  /** Evaluate `e` as a condition: continue at `t` when truthy, at `f` when falsy. */
  private cond(e: t.Node, tr: number, fa: number): void {
    if (this.cur === null) return;
    if (isTransparent(e) && e.type !== 'TSInstantiationExpression') return this.cond(e.expression, tr, fa);
    const known = constantTruthiness(e);
    if (known !== undefined) return this.goto(known ? tr : fa);
    switch (e.type) {
      case 'UnaryExpression':
        if (e.operator === '!') return this.cond(e.argument, fa, tr);
        break;
      case 'LogicalExpression':
        return this.logicalCond(e, tr, fa);
      case 'ConditionalExpression': {
        const yes = this.join();
        const no = this.join();
        this.cond(e.test, yes, no);
        this.enter(yes);
        this.cond(e.consequent, tr, fa);
        this.enter(no);
        return this.cond(e.alternate, tr, fa);
      }
      case 'SequenceExpression': {
        for (let i = 0; i < e.expressions.length - 1; i++) this.expr(e.expressions[i]);
        return this.cond(e.expressions[e.expressions.length - 1], tr, fa);
      }
    }
    this.leaf(e, tr, fa);
  }

  /** `a && b`, `a || b`, `a ?? b` as conditions: chains of tests. */
  private logicalCond(e: t.LogicalExpression, tr: number, fa: number): void {
    const mid = this.join();
    if (e.operator === '&&') this.cond(e.left, mid, fa);
    else if (e.operator === '||') this.cond(e.left, tr, mid);
    else {
      // `a ?? b`: when `a` is not nullish its own truthiness decides; when nullish, `b` decides.
      // Testing `a` with both outcomes also able to reach `b` over-approximates the paths, which is sound.
      this.leaf(e.left, tr, fa, mid);
    }
    this.enter(mid);
    this.cond(e.right, tr, fa);
  }

  /** An atomic test: evaluate `e`, then branch on its truthiness. */
  private leaf(e: t.Node, tr: number, fa: number, alsoFalse?: number): void {
    this.expr(e);
    if (this.cur === null) return;
    const n = this.emit('test', e);
    this.edge(n, tr, 'true');
    this.edge(n, fa, 'false');
    if (alsoFalse !== undefined) this.edge(n, alsoFalse, 'false');
    this.cur = null;
  }

  /** A branch that carries no truthiness information. */
  private fork(ast: t.Node | undefined, ...targets: number[]): void {
    if (this.cur === null) return;
    const n = this.emit('fork', ast);
    for (const to of targets) this.edge(n, to);
    this.cur = null;
  }

  // ------------------------------------------------------------ expressions

  private point(ast: t.Node): void {
    if (this.cur === null) return;
    const n = this.emit('point', ast);
    if (!this.mayThrow(ast)) return;
    // Evaluating it may throw (a call, a property of undefined, an undeclared
    // global): inside a try, the innermost handler is reachable from here.
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const h = this.stack[i].handler;
      if (h !== undefined) {
        this.edge(n, h, 'exception');
        break;
      }
    }
  }

  expr(e: t.Node | null | undefined): void {
    if (!e || this.cur === null) return;
    if (NOT_EVALUATED.has(e.type)) return;
    if (isTransparent(e)) return this.expr(e.expression);
    if (READ_POINTS.has(e.type)) return this.point(e);
    if (isChainElement(e)) return this.chainElement(e);
    if (isJsxContainer(e)) return this.jsx(e);
    this.compound(e);
  }

  /** Expressions with operands: each evaluates its operands, then (when it may throw) itself. */
  private compound(e: t.Node): void {
    switch (e.type) {
      case 'ClassExpression':
        return this.classDefinition(e);
      case 'ImportExpression':
        this.expr(e.source);
        return this.point(e);
      case 'LogicalExpression':
        return this.shortCircuit(e, e.operator, e.left, e.right);
      case 'ConditionalExpression':
        return this.branch(
          e.test,
          () => this.expr(e.consequent),
          () => this.expr(e.alternate),
        );
      case 'AssignmentExpression':
        return this.assignment(e);
      case 'ObjectMethod':
        if (e.computed) this.expr(e.key);
        return this.point(e);
      case 'ObjectProperty':
        if (e.computed) this.expr(e.key);
        return this.expr(e.value);
      case 'TaggedTemplateExpression':
        this.expr(e.tag);
        this.expr(e.quasi);
        return this.point(e);
      case 'DoExpression':
        return this.statements(e.body.body);
      case 'AwaitExpression':
      case 'YieldExpression':
        // A rejected promise / generator.throw() raises here.
        this.expr(e.argument);
        return this.point(e);
      case 'BinaryExpression':
        return this.binary(e);
      case 'SpreadElement':
        this.expr(e.argument);
        return this.point(e); // iterates
      case 'SequenceExpression':
        for (const x of e.expressions) this.expr(x);
        return;
      default:
        // Any other expression evaluates its children in source order.
        return this.children(e);
    }
  }

  private assignment(e: t.AssignmentExpression): void {
    if (e.operator === '&&=' || e.operator === '||=' || e.operator === '??=') {
      return this.shortCircuit(e, e.operator.slice(0, 2) as '&&' | '||' | '??', e.left, e.right);
    }
    this.lhs(e.left);
    this.expr(e.right);
    this.point(e);
  }

  private binary(e: t.BinaryExpression): void {
    this.expr(e.left);
    this.expr(e.right);
    // `in`, `instanceof` and operators that convert objects (valueOf) may throw; strict equality cannot.
    if (e.operator !== '===' && e.operator !== '!==') this.point(e);
  }

  private jsx(e: JsxContainer): void {
    switch (e.type) {
      case 'JSXElement':
        this.expr(e.openingElement.name);
        for (const a of e.openingElement.attributes) this.expr(a.type === 'JSXAttribute' ? a.value : a.argument);
        for (const c of e.children) this.expr(c);
        return;
      case 'JSXExpressionContainer':
      case 'JSXSpreadChild':
        return this.expr(e.expression);
      case 'JSXAttribute':
        return this.expr(e.value);
      case 'JSXSpreadAttribute':
        return this.expr(e.argument);
      case 'JSXNamespacedName':
        return;
    }
  }

  /** Two-way branch on a condition, both sides meeting at `end`. */
  private branch(test: t.Node, onTrue: () => void, onFalse: () => void, end = this.join()): void {
    const yes = this.join();
    const no = this.join();
    this.cond(test, yes, no);
    this.enter(yes);
    onTrue();
    this.goto(end);
    this.enter(no);
    onFalse();
    this.goto(end);
    this.enter(end);
  }

  /** `a && b`, `a || b`, `a ?? b` (and `&&=`...) as values: `b` runs only on one outcome of `a`. */
  private shortCircuit(e: t.Node, operator: '&&' | '||' | '??', left: t.Node, right: t.Node): void {
    const end = this.join();
    const mid = this.join();
    if (operator === '&&') this.cond(left, mid, end);
    else if (operator === '||') this.cond(left, end, mid);
    else {
      this.expr(left);
      this.fork(e, mid, end);
    }
    this.enter(mid);
    this.expr(right);
    this.goto(end);
    this.enter(end);
  }

  /** Reading a declared local, `this`, or creating a function cannot throw. */
  private mayThrow(ast: t.Node): boolean {
    switch (ast.type) {
      case 'Identifier':
        return !this.options.isDeclared?.(ast);
      case 'ThisExpression':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ObjectMethod':
        return false;
      default:
        return true;
    }
  }

  /**
   * Members and calls. In an optional chain (`a?.b.c()`), a nullish `a`
   * skips the rest of the chain, up to its outermost element.
   */
  private chainSkip: number | undefined;

  private chainElement(
    e: t.MemberExpression | t.OptionalMemberExpression | t.CallExpression | t.OptionalCallExpression | t.NewExpression,
  ): void {
    const inChain = e.type === 'OptionalMemberExpression' || e.type === 'OptionalCallExpression';
    const top = inChain && this.chainSkip === undefined;
    if (!inChain) this.chainSkip = undefined;
    if (top) this.chainSkip = this.join();
    const end = this.chainSkip;
    const isCall = e.type !== 'MemberExpression' && e.type !== 'OptionalMemberExpression';
    this.expr(isCall ? e.callee : e.object);
    if (this.cur !== null && inChain && e.optional) {
      const go = this.join();
      this.fork(e, go, end!);
      this.enter(go);
    }
    // Arguments and computed keys are not part of the chain.
    this.chainSkip = undefined;
    if (isCall) for (const a of e.arguments) this.expr(a);
    else if (e.computed) this.expr(e.property);
    this.point(e);
    this.chainSkip = inChain && !top ? end : undefined;
    if (top) {
      this.goto(end!);
      this.enter(end!);
    }
  }

  /** Generic evaluation of an unknown node's child nodes, in source order. */
  private children(e: t.Node): void {
    const kids: t.Node[] = [];
    forEachChild(e, (k) => kids.push(k));
    kids.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
    for (const k of kids) this.expr(k);
  }

  /** Left-hand side of an assignment: member objects and computed keys are evaluated. */
  private lhs(p: t.Node): void {
    if (p.type === 'MemberExpression') {
      this.expr(p.object);
      if (p.computed) this.expr(p.property);
      this.point(p);
    } else if (p.type !== 'Identifier') this.pattern(p);
  }

  /** Binding/assignment patterns: default values are evaluated only sometimes. */
  private pattern(p: t.Node | null | undefined): void {
    if (!p || this.cur === null) return;
    switch (p.type) {
      case 'AssignmentPattern': {
        this.pattern(p.left);
        const end = this.join();
        const dflt = this.join();
        this.fork(p, dflt, end);
        this.enter(dflt);
        this.expr(p.right);
        this.goto(end);
        return this.enter(end);
      }
      case 'ObjectPattern':
        this.point(p); // destructuring null/undefined throws
        for (const prop of p.properties) {
          if (prop.type === 'RestElement') this.pattern(prop.argument);
          else {
            if (prop.computed) this.expr(prop.key);
            this.pattern(prop.value);
          }
        }
        return;
      case 'ArrayPattern':
        this.point(p); // iterates
        for (const el of p.elements) this.pattern(el);
        return;
      case 'RestElement':
        return this.pattern(p.argument);
      case 'TSParameterProperty':
        return this.pattern(p.parameter);
      case 'MemberExpression':
        return this.lhs(p);
      default:
        return;
    }
  }

  private classDefinition(c: t.ClassExpression | t.ClassDeclaration): void {
    // Decorator expressions run when the class is defined (`@NgModule({ providers: [...] })`).
    for (const d of c.decorators ?? []) this.expr(d.expression);
    this.expr(c.superClass);
    for (const m of c.body.body) {
      for (const d of ('decorators' in m && m.decorators) || []) this.expr(d.expression);
      if ('params' in m)
        for (const p of m.params) for (const d of ('decorators' in p && p.decorators) || []) this.expr(d.expression);
      if ('computed' in m && m.computed && 'key' in m) this.expr(m.key);
    }
    // Static blocks run now, once: each is a unit of its own, referenced from
    // this point (Proof.outgoing in proof/index.ts). Static field initialisers
    // are not graphed: a sink in one cannot be placed and is reported as
    // unguarded, with an analysis error.
    this.point(c);
  }

  // ------------------------------------------------------------ statements

  private statements(list: t.Statement[]): void {
    for (const s of list) this.statement(s);
  }

  private statement(s: t.Statement): void {
    const labels = this.pendingLabels;
    this.pendingLabels = [];
    if (this.cur === null) {
      // Unreachable code still gets nodes (so its points exist), but no predecessor:
      // the proof treats unreachable points as vacuously guarded and reports nothing.
      if (HOISTED_OR_TYPE_ONLY.has(s.type)) return;
      this.cur = this.join();
    }
    if (NO_RUNTIME_EFFECT.has(s.type)) return;
    if (isLoop(s)) return this.loop(s, labels);
    if (isDeclaration(s)) return this.declaration(s);
    switch (s.type) {
      case 'ExpressionStatement':
        return this.expr(s.expression);
      case 'BlockStatement':
        if (labels.length) return this.labelled(labels, () => this.statements(s.body));
        return this.statements(s.body);
      case 'IfStatement':
        return this.ifStatement(s, labels);
      case 'ReturnStatement':
        if (s.argument) this.returnValue(s.argument, s);
        else this.returnKnown(s, 'falsy');
        return this.jumpOut(() => false, this.exit);
      case 'ThrowStatement':
        this.expr(s.argument);
        return this.throwNow();
      case 'BreakStatement':
        return this.breakStatement(s);
      case 'ContinueStatement':
        return this.continueStatement(s);
      case 'LabeledStatement':
        this.pendingLabels = [...labels, s.label.name];
        return this.statement(s.body);
      case 'SwitchStatement':
        return this.switchStatement(s, labels);
      case 'TryStatement':
        return this.tryStatement(s);
      case 'WithStatement':
        this.bad(s, '`with` makes name resolution dynamic; code inside it is not analysed');
        this.expr(s.object);
        return this.statement(s.body);
      default:
        this.bad(s, `unsupported statement ${s.type}`);
        return this.children(s);
    }
  }

  /** Declarations that evaluate something when reached (initialisers, class heritage, enum members). */
  private declaration(s: EvaluatedDeclaration): void {
    switch (s.type) {
      case 'VariableDeclaration':
        for (const d of s.declarations) {
          this.expr(d.init);
          this.pattern(d.id);
          if (d.init) this.point(d);
        }
        return;
      case 'TSExportAssignment':
        return this.expr(s.expression);
      case 'TSEnumDeclaration':
        for (const m of s.members) this.expr(m.initializer);
        return;
      case 'TSModuleDeclaration': {
        let body: t.Node | undefined = s.body;
        while (body && body.type === 'TSModuleDeclaration') body = body.body;
        if (body && body.type === 'TSModuleBlock') this.statements(body.body);
        return;
      }
      case 'ClassDeclaration':
        return this.classDefinition(s);
      case 'ExportNamedDeclaration':
        if (s.declaration) this.statement(s.declaration);
        return;
      case 'ExportDefaultDeclaration':
        return this.exportDefault(s);
    }
  }

  private exportDefault(s: t.ExportDefaultDeclaration): void {
    if (s.declaration.type === 'FunctionDeclaration') return;
    if (s.declaration.type === 'ClassDeclaration') return this.classDefinition(s.declaration);
    if ((s.declaration.type as string) === 'TSInterfaceDeclaration' || s.declaration.type === 'TSDeclareFunction')
      return;
    this.expr(s.declaration);
    this.point(s);
  }

  private ifStatement(s: t.IfStatement, labels: string[]): void {
    const end = this.join();
    this.branch(
      s.test,
      () =>
        labels.length ? this.labelled(labels, () => this.statement(s.consequent), end) : this.statement(s.consequent),
      () => s.alternate && this.statement(s.alternate),
      end,
    );
  }

  private breakStatement(s: t.BreakStatement): void {
    const label = s.label?.name;
    const target = this.stack
      .slice()
      .reverse()
      .find(
        (j) => (label ? j.labels.includes(label) : j.kind === 'loop' || j.kind === 'switch') && j.breakTo !== undefined,
      );
    if (!target) return this.bad(s, 'break without a target');
    this.jumpOut((j) => j === target, target.breakTo!);
  }

  private continueStatement(s: t.ContinueStatement): void {
    const label = s.label?.name;
    const target = this.stack
      .slice()
      .reverse()
      .find((j) => j.kind === 'loop' && (!label || j.labels.includes(label)));
    if (!target) return this.bad(s, 'continue without a loop');
    this.jumpOut((j) => j === target, target.continueTo!);
  }

  private loop(s: t.Loop, labels: string[]): void {
    switch (s.type) {
      case 'WhileStatement':
        return this.whileLoop(s, labels);
      case 'DoWhileStatement':
        return this.doWhileLoop(s, labels);
      case 'ForStatement':
        return this.forLoop(s, labels);
      case 'ForInStatement':
      case 'ForOfStatement':
        return this.forInOfLoop(s, labels);
    }
  }

  private whileLoop(s: t.WhileStatement, labels: string[]): void {
    const head = this.join();
    const body = this.join();
    const end = this.join();
    this.goto(head);
    this.enter(head);
    this.cond(s.test, body, end);
    this.enter(body);
    this.loopBody(labels, s.body, end, head);
    this.goto(head);
    this.enter(end);
  }

  private doWhileLoop(s: t.DoWhileStatement, labels: string[]): void {
    const body = this.join();
    const test = this.join();
    const end = this.join();
    this.goto(body);
    this.enter(body);
    this.loopBody(labels, s.body, end, test);
    this.goto(test);
    this.enter(test);
    this.cond(s.test, body, end);
    this.enter(end);
  }

  private forLoop(s: t.ForStatement, labels: string[]): void {
    if (s.init) {
      if (s.init.type === 'VariableDeclaration') this.statement(s.init);
      else this.expr(s.init);
    }
    const head = this.join();
    const body = this.join();
    const update = this.join();
    const end = this.join();
    this.goto(head);
    this.enter(head);
    if (s.test) this.cond(s.test, body, end);
    else this.goto(body);
    this.enter(body);
    this.loopBody(labels, s.body, end, update);
    this.goto(update);
    this.enter(update);
    this.expr(s.update);
    this.goto(head);
    this.enter(end);
  }

  private forInOfLoop(s: t.ForInStatement | t.ForOfStatement, labels: string[]): void {
    this.expr(s.right);
    const head = this.join();
    const body = this.join();
    const end = this.join();
    this.goto(head);
    this.enter(head);
    // Each step of for-of runs the iterator protocol, which may throw.
    if (s.type === 'ForOfStatement') this.point(s);
    this.fork(s, body, end);
    this.enter(body);
    if (s.left.type === 'VariableDeclaration') this.pattern(s.left.declarations[0].id);
    else this.lhs(s.left);
    this.loopBody(labels, s.body, end, head);
    this.goto(head);
    this.enter(end);
  }

  private bad(node: t.Node, message: string): void {
    this.unsupported.push({ node, message });
  }

  private labelled(labels: string[], body: () => void, end: number = this.join()): void {
    this.stack.push({ kind: 'label', labels, breakTo: end });
    body();
    this.stack.pop();
    this.goto(end);
    this.enter(end);
  }

  private loopBody(labels: string[], body: t.Statement, breakTo: number, continueTo: number): void {
    this.stack.push({ kind: 'loop', labels, breakTo, continueTo });
    this.statement(body);
    this.stack.pop();
  }

  private returnValue(arg: t.Node, ast: t.Node): void {
    // The returned value as a condition: lets the proof infer guard wrappers
    // (`function canMarket() { return Cookiebot.consent.marketing }`).
    const truthy = this.join();
    const falsy = this.join();
    const end = this.join();
    this.cond(arg, truthy, falsy);
    this.enter(truthy);
    this.returnKnown(ast, 'truthy');
    this.goto(end);
    this.enter(falsy);
    this.returnKnown(ast, 'falsy');
    this.goto(end);
    this.enter(end);
  }

  private returnKnown(ast: t.Node, returns: 'truthy' | 'falsy'): void {
    if (this.cur === null) return;
    const n = this.emit('return', ast);
    this.nodes[n].returns = returns;
  }

  /**
   * Leave through every enclosing jump target up to `stop` (or all of them),
   * replaying each `finally` crossed, then go to `to`.
   */
  private jumpOut(stop: (j: JumpTarget) => boolean, to: number): void {
    const saved = this.stack.slice();
    for (let i = this.stack.length - 1; i >= 0 && this.cur !== null; i--) {
      const j = this.stack[i];
      if (stop(j)) break;
      if (j.kind === 'finally' && j.finalizer) {
        // The finally block runs in the context outside its try.
        this.stack.length = i;
        this.statements(j.finalizer.body);
        this.stack.splice(0, this.stack.length, ...saved);
      }
    }
    this.goto(to);
  }

  /** An exception thrown here: to the innermost handler, through `finally` blocks. */
  private throwNow(): void {
    const saved = this.stack.slice();
    for (let i = this.stack.length - 1; i >= 0 && this.cur !== null; i--) {
      const j = this.stack[i];
      if (j.handler !== undefined) {
        this.goto(j.handler);
        this.stack.splice(0, this.stack.length, ...saved);
        return;
      }
      if (j.kind === 'finally' && j.finalizer) {
        this.stack.length = i;
        this.statements(j.finalizer.body);
        this.stack.splice(0, this.stack.length, ...saved);
      }
    }
    this.goto(this.throwExit);
  }

  private switchStatement(s: t.SwitchStatement, labels: string[]): void {
    this.expr(s.discriminant);
    const end = this.join();
    const bodies = s.cases.map(() => this.join());
    let defaultIndex = -1;
    // Tests in order; a matching test enters its body; no match enters `default` (or leaves).
    s.cases.forEach((c, i) => {
      if (!c.test) {
        defaultIndex = i;
        return;
      }
      const next = this.join();
      this.expr(c.test);
      if (this.cur !== null) {
        const n = this.emit('test', c);
        this.edge(n, bodies[i], 'true');
        this.edge(n, next, 'false');
        this.cur = null;
      }
      this.enter(next);
    });
    this.goto(defaultIndex >= 0 ? bodies[defaultIndex] : end);
    this.stack.push({ kind: 'switch', labels, breakTo: end });
    s.cases.forEach((c, i) => {
      // Fall-through: the end of one case body flows into the next body.
      if (this.cur !== null) this.goto(bodies[i]);
      this.enter(bodies[i]);
      this.statements(c.consequent);
    });
    this.stack.pop();
    this.goto(end);
    this.enter(end);
  }

  private tryStatement(s: t.TryStatement): void {
    const tryEntry = this.join();
    this.goto(tryEntry);
    this.enter(tryEntry);
    const finalizer = s.finalizer ?? undefined;
    if (finalizer) this.stack.push({ kind: 'finally', labels: [], finalizer });
    // Exceptions raised in the try block land here: the catch clause, or
    // (with only a finally) a landing that replays the finally and rethrows.
    const landing = this.join();
    this.stack.push({ kind: 'label', labels: [], handler: landing });
    this.statements(s.block.body);
    this.stack.pop();
    const afterTry = this.cur;

    let afterCatch: number | null = null;
    if (s.handler) {
      this.enter(landing);
      const catchLanding = finalizer ? this.join() : undefined;
      if (catchLanding !== undefined) this.stack.push({ kind: 'label', labels: [], handler: catchLanding });
      if (s.handler.param) this.pattern(s.handler.param);
      this.statements(s.handler.body.body);
      if (catchLanding !== undefined) this.stack.pop();
      afterCatch = this.cur;
      if (catchLanding !== undefined) {
        // The catch body threw: through the finally, outward.
        this.enter(catchLanding);
        this.throwNow();
      }
    } else {
      this.enter(landing);
      this.throwNow();
    }
    if (finalizer) this.stack.pop();

    // Normal completion of try/catch: run the finally block once, then continue.
    const normal = this.join();
    let anyNormal = false;
    for (const from of [afterTry, afterCatch]) {
      if (from !== null) {
        this.edge(from, normal);
        anyNormal = true;
      }
    }
    this.cur = anyNormal ? normal : null;
    if (finalizer && this.cur !== null) this.statements(finalizer.body);
  }
}
