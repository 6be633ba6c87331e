/** One parsed script of a module, with what resolution needs: parent links, scopes, its function-like units. */
import type * as t from '@babel/types';
import type { AnalysisError, ParsedScript } from '../model.js';
import { forEachChild, isFunctionLike } from './ast.js';
import { isInstanceField } from './classes.js';
import type { ParentLinks } from './parents.js';
import type { Component } from './components.js';
import { ScopeIndex, type Binding } from './scope.js';

const NONE: readonly t.Node[] = [];

/** A parsed script with what resolution needs: parent links and scopes. */
export class ScriptIndex {
  readonly parent: ParentLinks;
  /** Function-like units: functions, the Program, static blocks. */
  readonly functions: t.Node[];
  private readonly scopes: ScopeIndex;
  /** For a template's event-handler script: the component whose members its free names are. */
  component?: Component;

  constructor(
    readonly script: ParsedScript,
    readonly module: ModuleInfo,
  ) {
    this.scopes = new ScopeIndex(script.ast.program);
    this.parent = this.scopes.parent;
    this.parent.set(script.ast.program, script.ast);
    this.parent.trim();
    this.functions = this.scopes.functions;
  }

  private codeNodes: t.Node[] | undefined;
  private byType: Map<string, readonly t.Node[]> | undefined;

  /**
   * Every node holding code, in pre-order (a node, its decorators, then its
   * children; type annotations left out). Computed once: the stages that look
   * at every call or assignment of a script iterate this instead of walking
   * the tree again each.
   */
  get nodes(): readonly t.Node[] {
    if (!this.codeNodes) {
      const out: t.Node[] = [];
      const collect = (n: t.Node): void => {
        out.push(n);
        // Decorator expressions run too (`@NgModule({ providers: [...] })`): their arguments are code.
        const decorators = (n as { decorators?: t.Decorator[] | null }).decorators;
        if (decorators) for (const d of decorators) collect(d);
        forEachChild(n, collect);
      };
      collect(this.script.ast.program);
      this.codeNodes = out;
    }
    return this.codeNodes;
  }

  /** The code nodes of one type, in pre-order (listed once per type asked for: only a few types are). */
  nodesOfType(type: t.Node['type']): readonly t.Node[] {
    this.byType ??= new Map();
    let list = this.byType.get(type);
    if (!list) {
      const found = this.nodes.filter((n) => n.type === type);
      list = found.length ? found : NONE;
      this.byType.set(type, list);
    }
    return list;
  }

  /** The binding an identifier refers to, or undefined for a free (global) name. */
  binding(id: t.Node & { name: string }): Binding | undefined {
    return this.scopes.binding(id);
  }

  /** A name declared at the top level of this script. */
  topLevel(name: string): Binding | undefined {
    return this.scopes.topLevel(name);
  }

  /** Innermost function-like unit (function, static block, or Program) containing `n`. */
  unitOf(n: t.Node): t.Node {
    for (let p = this.parent.get(n); p; p = this.parent.get(p)) {
      if (p.type === 'Program' || p.type === 'StaticBlock' || isFunctionLike(p)) return p;
      // Instance field initialisers run with the constructor: their own unit is the class body.
      if (isInstanceField(p)) {
        const body = this.parent.get(p);
        if (body) return body;
      }
    }
    return this.script.ast.program;
  }
}

export interface ModuleInfo {
  file: string;
  scripts: ScriptIndex[];
  errors: AnalysisError[];
  /**
   * Functions the framework calls in ways the analysis cannot see (component
   * methods a template uses outside event handlers, or whose template cannot
   * be analysed): unguarded entries, with the reason.
   */
  frameworkEntries: Map<t.Node, string>;
  /** A server-side template's tags (`ParsedFile.templateTags`): what the page prints from them is not analysed. */
  templateTags?: { start: number; end: number }[];
}
