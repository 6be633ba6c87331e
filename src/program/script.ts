/** One parsed script of a module, with what resolution needs: parent links, scopes, its function-like units. */
import type * as t from '@babel/types';
import type { AnalysisError, ParsedScript } from '../model.js';
import { isFunctionLike } from './ast.js';
import { isInstanceField } from './classes.js';
import type { ParentLinks } from './parents.js';
import type { Component } from './components.js';
import { ScopeIndex, type Binding } from './scope.js';

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
}
