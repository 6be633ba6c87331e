/**
 * Writes that can change a consent value after the CMP set it: a guard read
 * from the CMP is trusted only while nothing in the project can have changed
 * it. Collected once per parsed script:
 *
 *  - assignments, updates, `delete`s and `Object.assign`/`defineProperty`
 *    targets, resolved by origin (so `const c = Cookiebot.consent;
 *    c.marketing = true` writes `Cookiebot.consent.marketing`);
 *  - assignments to a free name (`Cookiebot = {…}`) and every top-level
 *    declaration of a classic script (`var OnetrustActiveGroups = ',C0004,'`
 *    in one `<script>` is the global another script reads).
 */
import type * as t from '@babel/types';
import type { Policy } from '../model.js';
import { TEMPLATE_TAGS } from '../parse/index.js';

/** Files that may hold script code (a page's, a component's, a template's). */
export const SCRIPT_HOLDER = new RegExp(
  `\\.(?:[cm]?[jt]sx?|html?|vue|svelte|${Object.keys(TEMPLATE_TAGS).join('|')})$`,
  'i',
);
import {
  propertyName,
  stillHolds,
  unwrap,
  type Dependence,
  type Project,
  type Resolver,
  type Root,
  type ScriptIndex,
  type Step,
  type Value,
  locOf,
} from '../program/index.js';

type PathValue = Extract<Value, { kind: 'path' }>;

export interface Write {
  file: string;
  line: number;
  path?: PathValue;
  global?: string;
}

export class Writes {
  private readonly paths: Write[] = [];
  /** The same writes by root, in order: a guard's every read asks for its root's writes. */
  private readonly pathsByRoot = new Map<string, Write[]>();
  /** Modules of the snapshot collected so far (it only grows; all are collected again after a partial one). */
  private collected = 0;
  private readonly globals = new Map<string, Write>();

  /**
   * `roots`: the global names of CMP values (from the packs). Files that may
   * write one (assign it, declare it, alias it) are parsed even when they never
   * mention an SDK, so a QA script setting `window.OnetrustActiveGroups` in
   * another page is seen.
   */
  constructor(
    private readonly resolver: Resolver,
    private readonly roots: string[] = [],
  ) {}

  private searched = false;
  /** Files that may write a CMP global, not in the snapshot yet: while any is missing, answers are partial. */
  private missingWriters: string[] = [];

  /** Ask for the files that may write a CMP global (text prefilter, once). */
  private wantWriters(): void {
    if (this.searched) {
      this.missingWriters = this.missingWriters.filter((rel) => !this.project.isParsed(rel));
      for (const rel of this.missingWriters) this.project.want(rel);
      return;
    }
    this.searched = true;
    const names = writableNames(this.roots);
    if (!names.length) return;
    const alt = names.map((n) => n.replace(/\$/g, '\\$')).join('|');
    const re = new RegExp(
      `\\b(?:${alt})\\b[\\w$.\\[\\]'"]*\\s*(?:[-+*/|&?]?=(?!=)|\\+\\+|--)|\\b(?:var|let|const|function|class)\\s+(?:${alt})\\b|=\\s*(?:window\\.|self\\.|globalThis\\.)?(?:${alt})\\b|(?:assign|definePropert(?:y|ies)|set)\\(\\s*(?:window\\.|self\\.|globalThis\\.)?(?:${alt})\\b`,
    );
    // Every match contains a name: the project tests only files its one shared prefilter pass kept.
    for (const rel of this.project.filesMatching(re, names)) {
      if (this.project.isParsed(rel) || !SCRIPT_HOLDER.test(rel)) continue;
      this.missingWriters.push(rel);
    }
    for (const rel of this.missingWriters) this.project.want(rel);
  }

  private get project(): Project {
    return this.resolver.project;
  }

  /** What scripts collected while a module was missing could not resolve: they are collected again once it is parsed. */
  private partial: Dependence[] = [];

  private refresh(): void {
    this.wantWriters();
    // A write target that stopped at a missing module may be a CMP value once it is parsed: collect all again.
    if (this.partial.some((d) => !stillHolds(this.project, d, false))) {
      this.paths.length = 0;
      this.pathsByRoot.clear();
      this.collected = 0;
      this.globals.clear();
      this.byName.clear();
      this.partial = [];
    }
    const parsed = this.project.parsed;
    while (this.collected < parsed.length)
      for (const index of parsed[this.collected++].scripts) {
        const frame = this.project.frames.begin();
        this.collect(index);
        const missed = this.project.frames.end(frame)?.missed;
        if (missed) this.partial.push({ missed });
      }
  }

  /** Every write of a path, and every global name written or redeclared. */
  all(): { paths: Write[]; globals: Map<string, Write> } {
    this.refresh();
    return { paths: this.paths, globals: this.globals };
  }

  /** A write that may have changed the value at `v` (a path read from a CMP), if any. */
  killer(v: PathValue): Write | undefined {
    this.refresh();
    const g = 'global' in v.root ? v.root.global : undefined;
    if (g !== undefined) {
      const w = this.globals.get(g);
      if (w) return w;
    }
    return this.pathsByRoot.get(rootKey(v.root))?.find((w) => isPrefix(w.path!.steps, v.steps));
  }

  /** Is the global `name` written or redeclared by a script other than `index`? */
  writtenElsewhere(name: string, index: ScriptIndex): boolean {
    this.refresh();
    const w = this.globals.get(name);
    if (!w) return false;
    return this.writers(name).some((f) => f !== index);
  }

  private readonly byName = new Map<string, ScriptIndex[]>();

  private writers(name: string): ScriptIndex[] {
    return this.byName.get(name) ?? [];
  }

  private addPath(w: Write): void {
    this.paths.push(w);
    const key = rootKey(w.path!.root);
    const list = this.pathsByRoot.get(key);
    if (list) list.push(w);
    else this.pathsByRoot.set(key, [w]);
  }

  private global(name: string, w: Write, index: ScriptIndex): void {
    if (!this.globals.has(name)) this.globals.set(name, w);
    const l = this.byName.get(name) ?? [];
    if (!l.includes(index)) l.push(index);
    this.byName.set(name, l);
  }

  private collect(index: ScriptIndex): void {
    const file = index.script.file;
    const at = (n: t.Node) => locOf(n)?.start.line ?? 0;
    const target = (p: t.Node, site: t.Node): void => {
      const e: t.Node = unwrap(p);
      if (e.type === 'Identifier') {
        const b = index.binding(e);
        if (!b) this.global(e.name, { file, line: at(site), global: e.name }, index);
        else if (index.script.kind === 'script' && b.scopeBlock.type === 'Program')
          this.global(e.name, { file, line: at(site), global: e.name }, index);
        return;
      }
      if (e.type === 'MemberExpression' || e.type === 'OptionalMemberExpression') {
        const v = this.resolver.value(e, index);
        if (v && v.kind === 'path') this.addPath({ file, line: at(site), path: v });
        return;
      }
      if (e.type === 'ObjectPattern')
        for (const prop of e.properties) target(prop.type === 'RestElement' ? prop.argument : prop.value, site);
      else if (e.type === 'ArrayPattern') {
        for (const el of e.elements) if (el) target(el, site);
      } else if (e.type === 'AssignmentPattern') target(e.left, site);
      else if (e.type === 'RestElement') target(e.argument, site);
    };
    const visit = (n: t.Node): void => {
      switch (n.type) {
        case 'AssignmentExpression':
          // The CMP's command-queue snippet (`window.didomiOnReady = window.didomiOnReady || []`) only creates the queue.
          if (isQueueInit(n)) break;
          // Setting one's own cookie (`document.cookie = 'theme=dark'`) does not touch the CMP's cookie.
          if (
            isCookieWrite(n.left) &&
            !/Optanon|OptanonConsent|CookieConsent|euconsent/.test(
              index.script.code.slice(n.right.start ?? 0, n.right.end ?? 0),
            )
          )
            break;
          target(n.left, n);
          break;
        case 'UpdateExpression':
          target(n.argument, n);
          break;
        case 'UnaryExpression':
          if (n.operator === 'delete') target(n.argument, n);
          break;
        case 'ForInStatement':
        case 'ForOfStatement':
          if (n.left.type !== 'VariableDeclaration') target(n.left, n);
          break;
        case 'CallExpression': {
          // Object.assign(Cookiebot.consent, …), Object.defineProperty(window, 'Cookiebot', …)
          const c = unwrap(n.callee);
          if (
            (c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression') &&
            c.object.type === 'Identifier' &&
            (c.object.name === 'Object' || c.object.name === 'Reflect') &&
            !index.binding(c.object)
          ) {
            const name = propertyName(c);
            const first = n.arguments[0];
            if (
              first &&
              name &&
              ['assign', 'defineProperty', 'defineProperties', 'set', 'deleteProperty', 'setPrototypeOf'].includes(name)
            ) {
              const v = this.resolver.value(first, index);
              const key = n.arguments[1];
              if (v && v.kind === 'path') {
                // `defineProperty(window, 'Cookiebot', …)` writes the global.
                let path: PathValue = v;
                if (name !== 'assign' && key && key.type === 'StringLiteral') {
                  const m = this.resolver.member(v, key.value, 0);
                  if (m && m.kind === 'path') path = m;
                }
                if ('global' in path.root && !path.steps.length)
                  this.global(path.root.global, { file, line: at(n), global: path.root.global }, index);
                else this.addPath({ file, line: at(n), path });
              }
            }
          }
          break;
        }
      }
    };
    for (const n of index.nodes) visit(n);
    // A classic script's top-level declarations are globals every other script sees.
    if (index.script.kind === 'script') {
      for (const s of index.script.ast.program.body) {
        const names: string[] = [];
        if (s.type === 'VariableDeclaration') for (const d of s.declarations) collectIds(d.id, names);
        else if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) names.push(s.id.name);
        for (const name of names) this.global(name, { file, line: at(s), global: name }, index);
      }
    }
  }
}

function collectIds(p: t.Node, out: string[]): void {
  if (p.type === 'Identifier') out.push(p.name);
  else if (p.type === 'ObjectPattern')
    for (const prop of p.properties) collectIds(prop.type === 'RestElement' ? prop.argument : prop.value, out);
  else if (p.type === 'ArrayPattern') for (const el of p.elements) el && collectIds(el, out);
  else if (p.type === 'AssignmentPattern') collectIds(p.left, out);
  else if (p.type === 'RestElement') collectIds(p.argument, out);
}

/** Two roots are the same exactly when their keys are. */
function rootKey(r: Root): string {
  return 'global' in r ? `g:${r.global}` : `m:${r.module}\0${r.export}`;
}

/** Is `w` (a written path) a prefix of, or equal to, `v` (a read path)? Unknown property names match anything. */
function isPrefix(w: Step[], v: Step[]): boolean {
  if (w.length > v.length) return false;
  for (let i = 0; i < w.length; i++) {
    const a = w[i];
    const b = v[i];
    if ('prop' in a) {
      if (!('prop' in b)) return false;
      if (a.prop !== null && b.prop !== null && a.prop !== b.prop) return false;
    } else if ('call' in a) {
      if (!('call' in b)) return false;
    } else if (!('param' in b)) return false;
  }
  return true;
}

/**
 * `X = X || []`, `X ||= []`, `X ??= []`, `void 0 === X && (X = [])`: a
 * command queue created if missing. Assigning an empty array or object can
 * never make a consent value truthy (its reads are undefined, its lists
 * contain nothing), so it is no write of consent either.
 */
function isQueueInit(n: t.AssignmentExpression): boolean {
  const r = unwrap(n.right);
  const empty = (x: t.Node) =>
    (x.type === 'ArrayExpression' && !x.elements.length) || (x.type === 'ObjectExpression' && !x.properties.length);
  if (n.operator === '||=' || n.operator === '??=' || n.operator === '=') {
    if (empty(r)) return true;
  }
  if (n.operator === '||=' || n.operator === '??=') return false;
  if (
    n.operator !== '=' ||
    r.type !== 'LogicalExpression' ||
    (r.operator !== '||' && r.operator !== '??') ||
    !empty(unwrap(r.right))
  )
    return false;
  return sameText(unwrap(n.left), unwrap(r.left));
}

function sameText(a: t.Node, b: t.Node): boolean {
  const name = (x: t.Node): string | undefined => {
    if (x.type === 'Identifier') return x.name;
    if (x.type === 'MemberExpression' && !x.computed && x.property.type === 'Identifier') {
      const o = name(x.object);
      return o === undefined ? undefined : `${o}.${x.property.name}`;
    }
    return undefined;
  };
  const strip = (s: string | undefined) => s?.replace(/^(window|self|globalThis)\./, '');
  const x = strip(name(a));
  return x !== undefined && x === strip(name(b));
}

/** The CMP global roots (see `Writes`) whose writes are searched for: identifiers, not the ubiquitous ones. */
export function writableNames(roots: string[]): string[] {
  return [...new Set(roots.filter((r) => /^[A-Za-z_$][\w$]*$/.test(r) && !UBIQUITOUS.has(r)))];
}

/** The `roots` the guards give `Writes`: globals and module-less functions of the packs' guards. */
export function cmpGlobalRoots(policies: Policy[]): string[] {
  return policies
    .flatMap((p) => p.guards ?? [])
    .map((g) => ('global' in g.from ? g.from.global : 'function' in g.from && !g.from.module ? g.from.function : ''))
    .filter(Boolean);
}

/** Globals every page has: never a reason to parse a file. */
const UBIQUITOUS = new Set(['document', 'window', 'addEventListener', 'self', 'globalThis']);

function isCookieWrite(left: t.Node): boolean {
  const l = unwrap(left);
  return (
    l.type === 'MemberExpression' &&
    !l.computed &&
    l.property.type === 'Identifier' &&
    l.property.name === 'cookie' &&
    l.object.type === 'Identifier' &&
    l.object.name === 'document'
  );
}
