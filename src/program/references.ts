/**
 * Every reference to a declared value, across the project: in its own script
 * and, when exported, in every importer (through re-exports). The answer is
 * complete or absent: a reference the analysis may not see (an importer not
 * parsed, `require`/`import()` of the module, a namespace object used as a
 * value, a re-export chain too long, a module of several scripts) makes it
 * undefined, and callers keep reporting the value's escape.
 */
import type * as t from '@babel/types';
import { forEachChild, TYPE_KEYS } from './ast.js';
import type { Project, ScriptIndex } from './project.js';
import type { Binding } from './scope.js';
import { isWrapper } from './unwrap.js';

export interface Reference {
  /** The expression that evaluates to the value: an identifier, a JSX name, or `ns.name` after `import * as ns`. */
  node: t.Node;
  index: ScriptIndex;
}

const MAX_REEXPORTS = 4;
const KEYED = new Set([
  'ObjectProperty',
  'ObjectMethod',
  'ClassProperty',
  'ClassMethod',
  'ClassPrivateProperty',
  'ClassAccessorProperty',
  'TSPropertySignature',
]);

/** Is this identifier (found under `parent` at `key`) a use of a name, not a property name, label or declaration? */
function isReferencePosition(parent: t.Node | undefined, key: string): boolean {
  if (!parent) return false;
  switch (parent.type) {
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return key !== 'property' || parent.computed;
    case 'JSXMemberExpression':
      return key === 'object';
    case 'JSXAttribute':
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
    case 'MetaProperty':
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
      return false;
    case 'ExportSpecifier':
      return key === 'local';
    default:
      return !(KEYED.has(parent.type) && key === 'key' && !(parent as { computed?: boolean }).computed);
  }
}

const byName = new WeakMap<ScriptIndex, Map<string, t.Node[]>>();

/** Identifiers and JSX names in reference position in a script, by name (one walk per script). */
function namesIn(index: ScriptIndex): Map<string, t.Node[]> {
  const known = byName.get(index);
  if (known) return known;
  const found = new Map<string, t.Node[]>();
  // One callback for every node (a closure per node was most of this walk's allocation): `parent` is
  // the node whose children it is given.
  let parent: t.Node | undefined;
  const visit = (n: t.Node, key: string): void => {
    if ((n.type === 'Identifier' || n.type === 'JSXIdentifier') && isReferencePosition(parent, key)) {
      const list = found.get(n.name);
      if (list) list.push(n);
      else found.set(n.name, [n]);
    }
    // A closing tag names the element its opening tag already named.
    if (n.type === 'JSXClosingElement') return;
    const outer = parent;
    parent = n;
    forEachChild(n, child, true);
    parent = outer;
  };
  const child = (c: t.Node, k: string): void => {
    if (!TYPE_KEYS.has(k)) visit(c, k);
  };
  visit(index.script.ast.program, '');
  byName.set(index, found);
  return found;
}

/** Uses of binding `b` in its script (its declaring identifier excluded). */
export function bindingReferences(index: ScriptIndex, b: Binding): t.Node[] {
  return (namesIn(index).get(b.identifier.name) ?? []).filter(
    (n) => n !== b.identifier && index.binding(n as t.Identifier) === b,
  );
}

/**
 * The binding a function or class declaration makes (scopes keep no parent
 * link for the declaration's own name, so it is found through a use of it, or
 * at the top level). Undefined when nothing in the script refers to it.
 */
export function declarationBinding(
  decl: t.FunctionDeclaration | t.ClassDeclaration,
  index: ScriptIndex,
): Binding | undefined {
  if (!decl.id) return undefined;
  const top = index.topLevel(decl.id.name);
  if (top?.identifier === decl.id) return top;
  for (const n of namesIn(index).get(decl.id.name) ?? []) {
    const b = index.binding(n as t.Identifier);
    if (b?.identifier === decl.id) return b;
  }
  return undefined;
}

/** The parent of `n` seen through wrappers (`x as T`, `(x)`, `x!`), with the child it holds. */
export function outerParent(n: t.Node, index: ScriptIndex): { parent: t.Node | undefined; child: t.Node } {
  let child = n;
  let parent = index.parent.get(n);
  while (parent && isWrapper(parent)) {
    child = parent;
    parent = index.parent.get(parent);
  }
  return { parent, child };
}

/** Names an `export` statement directly around a declaration gives it. */
function exportedAs(declaration: t.Node | undefined, name: string, index: ScriptIndex): string[] {
  const parent = declaration && index.parent.get(declaration);
  if (parent?.type === 'ExportNamedDeclaration') return [name];
  return parent?.type === 'ExportDefaultDeclaration' ? ['default'] : [];
}

/**
 * The binding a value is declared into (`const C = createContext(…)`,
 * `function run() {}`), or the module's default export (`export default
 * createContext(…)`): undefined when it is held anywhere else.
 */
function holderOf(value: t.Node, index: ScriptIndex): { binding?: Binding; exported: string[] } | undefined {
  if (value.type === 'FunctionDeclaration' || value.type === 'ClassDeclaration') {
    if (!value.id)
      return index.parent.get(value)?.type === 'ExportDefaultDeclaration' ? { exported: ['default'] } : undefined;
    const b = declarationBinding(value, index);
    return b && !b.violations.length ? { binding: b, exported: exportedAs(value, value.id.name, index) } : undefined;
  }
  const { parent, child } = outerParent(value, index);
  if (parent?.type === 'ExportDefaultDeclaration') return { exported: ['default'] };
  if (parent?.type !== 'VariableDeclarator' || parent.init !== child || parent.id.type !== 'Identifier')
    return undefined;
  const b = index.binding(parent.id);
  if (!b || b.identifier !== parent.id || b.violations.length) return undefined;
  return { binding: b, exported: exportedAs(index.parent.get(parent), parent.id.name, index) };
}

/** Every reference to the value declared at `value` (see the module comment), or undefined when some may be out of sight. */
export function referencesOf(project: Project, value: t.Node, index: ScriptIndex): Reference[] | undefined {
  const found = collect(project, value, index);
  return found?.complete ? found.refs : undefined;
}

/** The references the parsed modules hold, complete or not (what a reader may see given so far). */
export function visibleReferences(project: Project, value: t.Node, index: ScriptIndex): Reference[] {
  return collect(project, value, index)?.refs ?? [];
}

function collect(
  project: Project,
  value: t.Node,
  index: ScriptIndex,
): { refs: Reference[]; complete: boolean } | undefined {
  const holder = holderOf(value, index);
  if (!holder) return undefined;
  const out: Reference[] = [];
  const exported = new Set(holder.exported);
  if (holder.binding) {
    // Template handlers and sibling scripts of a component see its names without importing them.
    if (index.module.scripts.length > 1) return { refs: [], complete: false };
    for (const n of bindingReferences(index, holder.binding)) {
      const p = index.parent.get(n);
      if (p?.type === 'ExportSpecifier') exported.add(exportedName(p));
      else if (p?.type === 'ExportDefaultDeclaration') exported.add('default');
      else out.push({ node: n, index });
    }
  }
  if (!exported.size) return { refs: out, complete: true };
  // References in other modules: among those parsed so far (the answer holds for this round).
  project.frames.read(project.roundFact);
  const complete = importedReferences(project, index.module.file, exported, out, 0);
  return { refs: out, complete };
}

function exportedName(s: t.ExportSpecifier | t.ExportNamespaceSpecifier | t.ExportDefaultSpecifier): string {
  return s.exported.type === 'Identifier' ? s.exported.name : s.exported.value;
}

const importerListsRead = new WeakMap<Project, Set<string>>();

/**
 * Modules whose importer lists decided an answer: inputs of the result (a
 * new importer may refer to the value in a way that is not followed).
 */
export function importerListsReadIn(project: Project): string[] {
  return [...(importerListsRead.get(project) ?? [])];
}

/** References in the importers of `file` to its exports `names` (added to `out`); false when some cannot be seen. */
function importedReferences(
  project: Project,
  file: string,
  names: Set<string>,
  out: Reference[],
  depth: number,
): boolean {
  if (depth > MAX_REEXPORTS) return false;
  // Every importer is visited even after one is found incomplete: partial answers list what is seen.
  // Nuxt auto-imports an export of this file into files that never import it: those uses are not enumerated.
  let complete = !project.autoImports.isSource(file);
  let read = importerListsRead.get(project);
  if (!read) importerListsRead.set(project, (read = new Set()));
  read.add(file);
  for (const importer of project.importersOf(file)) {
    const mod = project.isParsed(importer) ? project.module(importer) : undefined;
    if (!mod) {
      complete &&= !project.files.has(importer);
      continue;
    }
    if (mod.scripts.length !== 1) {
      complete = false;
      continue;
    }
    const reexported = new Set<string>();
    if (!referencesIn(project, mod.scripts[0], file, names, out, reexported)) complete = false;
    if (reexported.size && !importedReferences(project, importer, reexported, out, depth + 1)) complete = false;
  }
  return complete;
}

/**
 * The references one importer holds to `file`'s exports `names` (added to
 * `out`; names it re-exports added to `reexported`); false when it reaches the
 * module in a way not enumerated.
 */
function referencesIn(
  project: Project,
  index: ScriptIndex,
  file: string,
  names: Set<string>,
  out: Reference[],
  reexported: Set<string>,
): boolean {
  const importer = index.script.file;
  const leadsHere = (source: t.StringLiteral) => {
    const r = project.resolveImport(importer, source.value);
    return r !== undefined && 'file' in r && r.file === file;
  };
  let complete = true;
  let declarations = 0;
  for (const s of index.script.ast.program.body) {
    if (s.type === 'ImportDeclaration' && leadsHere(s.source)) {
      declarations++;
      if (s.importKind === 'type' || s.importKind === 'typeof') continue;
      for (const spec of s.specifiers) if (!importedBy(index, spec, names, out, reexported)) complete = false;
    } else if (s.type === 'ExportNamedDeclaration' && s.source && leadsHere(s.source)) {
      declarations++;
      for (const spec of s.specifiers) {
        // `export * as ns from`: a namespace object, used anywhere.
        if (spec.type !== 'ExportSpecifier') complete = false;
        else if (names.has(specifierName(spec.local))) reexported.add(exportedName(spec));
      }
    } else if (s.type === 'ExportAllDeclaration' && leadsHere(s.source)) {
      declarations++;
      for (const n of names) if (n !== 'default') reexported.add(n);
    }
  }
  // `require('./x')`, `import('./x')`: a module object the analysis does not enumerate.
  const written = project.specifiers(importer).filter((spec) => {
    const r = project.resolveImport(importer, spec);
    return r !== undefined && 'file' in r && r.file === file;
  }).length;
  return complete && written <= declarations;
}

function specifierName(n: t.Identifier | t.StringLiteral): string {
  return n.type === 'Identifier' ? n.name : n.value;
}

/** The references through one import specifier; false when a namespace import is used as a value. */
function importedBy(
  index: ScriptIndex,
  spec: t.ImportDeclaration['specifiers'][number],
  names: Set<string>,
  out: Reference[],
  reexported: Set<string>,
): boolean {
  if (spec.type === 'ImportNamespaceSpecifier') return namespaceReferences(index, spec, names, out);
  if (spec.type === 'ImportSpecifier' && (spec.importKind === 'type' || spec.importKind === 'typeof')) return true;
  const imported = spec.type === 'ImportDefaultSpecifier' ? 'default' : specifierName(spec.imported);
  const b = names.has(imported) ? index.binding(spec.local) : undefined;
  for (const n of b ? bindingReferences(index, b) : []) {
    const p = index.parent.get(n);
    if (p?.type === 'ExportSpecifier') reexported.add(exportedName(p));
    else if (p?.type === 'ExportDefaultDeclaration') reexported.add('default');
    else out.push({ node: n, index });
  }
  return true;
}

/** `ns.name` after `import * as ns`: each a reference; `ns` used any other way hands out every export. */
function namespaceReferences(
  index: ScriptIndex,
  spec: t.ImportNamespaceSpecifier,
  names: Set<string>,
  out: Reference[],
): boolean {
  const b = index.binding(spec.local);
  for (const n of b ? bindingReferences(index, b) : []) {
    const p = index.parent.get(n);
    const name =
      p?.type === 'JSXMemberExpression'
        ? p.property.name
        : p?.type === 'MemberExpression' && !p.computed && p.property.type === 'Identifier'
          ? p.property.name
          : undefined;
    // The namespace object itself used as a value (or re-exported): any export, anywhere.
    if (name === undefined || (p as t.MemberExpression | t.JSXMemberExpression).object !== n) return false;
    if (names.has(name)) out.push({ node: p!, index });
  }
  return true;
}
