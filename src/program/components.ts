/**
 * Framework components whose templates call their members: Vue Options API
 * components (`methods: { enablePush() {} }` called as `@click="enablePush"`),
 * Vue class components, and Angular components (`(click)="enablePush()"` in
 * an inline `template` or a `templateUrl` file).
 *
 * A template's event handlers are handler scripts bound to their component:
 * a free name in them resolves to the component member (the Resolver asks
 * `ScriptIndex.component`), so the handler is a reference like any other.
 * Everything else a template does with a member (property bindings,
 * interpolations, `v-if`, `@if`) runs whenever the framework renders: such a
 * member is a framework entry (an unguarded root). When the template cannot be
 * analysed (not found, another language, a handler that does not parse, a name
 * that is no member, prop or template variable), every member is a framework
 * entry: a reference the analysis cannot see never makes a method look guarded.
 */
import { posix } from 'node:path';
import type * as t from '@babel/types';
import type { DiscoveredFile } from '../model.js';
import { parseAngularTemplate, reservedAlias, wordsOf, type TemplateUses } from '../parse/angular.js';
import { astroFrontmatter } from '../parse/astro.js';
import type { EmbedContext } from '../parse/embedded.js';
import { LineIndex } from '../parse/positions.js';
import { vueTemplateUses } from '../parse/vue.js';
import { forEachChild, isFunctionLike } from './ast.js';
import { keyName } from './names.js';
import { unwrap } from './unwrap.js';
import { ScriptIndex, type ModuleInfo } from './script.js';

export interface Component {
  kind: 'vue' | 'angular';
  /** The script declaring the component. */
  index: ScriptIndex;
  /** The class or options object. */
  node: t.Node;
  /** Callable members by name (methods, function-valued fields, getters, computed). */
  members: Map<string, t.Function>;
  /** Other names the template may read (props, data, fields). */
  names: Set<string>;
  /** Values of Vue `data()`/`setup()` names, as returned (the Resolver evaluates them in the component's script). */
  fields: Map<string, t.Node>;
  /** Members come from elsewhere too (mixins, a base class, spreads): an unknown name may be one. */
  open: boolean;
}

/** The static name of an object/class member's key. */
const memberKey = (p: { key: t.Node; computed?: boolean }): string | undefined =>
  p.computed && p.key.type === 'Identifier' ? undefined : keyName(p.key);

/** Names every template may read that are no component member. */
const TEMPLATE_GLOBALS = new Set([
  'undefined',
  'null',
  'true',
  'false',
  'NaN',
  'Infinity',
  'this',
  'arguments',
  'Math',
  'Date',
  'JSON',
  'Number',
  'String',
  'Boolean',
  'Array',
  'Object',
  'RegExp',
  'Map',
  'Set',
  'Intl',
  'BigInt',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'encodeURI',
  'encodeURIComponent',
  'decodeURI',
  'decodeURIComponent',
  'console',
  'window',
  'document',
  'alert',
  'confirm',
]);

/**
 * Bind a parsed module's component templates: Angular templates are parsed
 * here (their handler scripts join the module), Vue handler scripts are
 * already in it. Sets `component` on each handler script and records
 * framework entries in `info.frameworkEntries`.
 */
export function bindComponents(
  info: ModuleInfo,
  files: Map<string, DiscoveredFile>,
  read: (relPath: string) => void = () => {},
): void {
  const text = files.get(info.file)?.text ?? '';
  if (info.file.endsWith('.vue')) {
    const comp = vueComponent(info);
    if (!comp) return;
    vueFrameworkCalls(info, comp);
    const handlers = info.scripts.filter((s) => s.script.kind === 'handler');
    let uses: ReturnType<typeof vueTemplateUses>;
    try {
      uses = vueTemplateUses(text, info.file);
    } catch {
      uses = { analysed: false, expressions: [], locals: new Set() };
    }
    if (!uses) return; // no template: a render function's references are ordinary code
    const failed = info.errors.some((e) => e.kind === 'parse');
    judge(info, comp, handlers, uses.analysed && !failed ? uses : undefined, 'its template could not be analysed');
    return;
  }
  if (info.file.endsWith('.astro')) {
    astroMarkup(info, text);
    return;
  }
  if (/\btemplate\s*:/.test(text) && /\bmethods\s*:/.test(text)) vueStringTemplates(info);
  if (!/@Component\b/.test(text)) return;
  for (const index of [...info.scripts]) {
    if (index.script.kind !== 'module') continue;
    for (const cls of decoratedClasses(index.script.ast.program)) {
      const options = componentOptions(cls);
      if (!options) continue;
      const comp = classComponent(cls, index, 'angular');
      // Handlers name reserved-word members by their stand-ins (`delete` -> `$elete`).
      for (const [name, fn] of [...comp.members]) if (reservedAlias(name)) comp.members.set(reservedAlias(name)!, fn);
      for (const name of [...comp.names]) if (reservedAlias(name)) comp.names.add(reservedAlias(name)!);
      angularFrameworkCalls(info, cls, options, comp);
      const template = templateSource(options, info.file, text, files);
      if (template && template.file !== info.file) read(template.file);
      if (!template) {
        judge(info, comp, [], undefined, 'its template (`templateUrl`/`template`) could not be found or read');
        continue;
      }
      const ctx: EmbedContext = {
        file: template.file,
        text: template.text,
        lines: new LineIndex(template.text),
        scripts: [],
        errors: [],
      };
      let uses: TemplateUses | undefined;
      try {
        uses = parseAngularTemplate(ctx, template.start, template.end);
      } catch {
        uses = undefined;
      }
      info.errors.push(...ctx.errors);
      const handlers: ScriptIndex[] = [];
      for (const s of uses?.handlers ?? []) {
        const h = new ScriptIndex(s, info);
        info.scripts.push(h);
        handlers.push(h);
      }
      judge(
        info,
        comp,
        handlers,
        uses && !uses.failed ? { analysed: true, expressions: uses.expressions, locals: uses.locals } : undefined,
        `its template${uses ? ' has an event binding that does not parse' : ' could not be parsed'}`,
      );
    }
  }
}

type Uses = { analysed: boolean; expressions: string[]; locals: Set<string> };

function judge(
  info: ModuleInfo,
  comp: Component,
  handlers: ScriptIndex[],
  uses: Uses | undefined,
  unanalysed: string,
): void {
  for (const h of handlers) h.component = comp;
  const everyMember = (reason: string) => {
    for (const fn of comp.members.values()) if (!info.frameworkEntries.has(fn)) info.frameworkEntries.set(fn, reason);
  };
  if (!uses) {
    everyMember(`component method; ${unanalysed}`);
    return;
  }
  for (const h of handlers) {
    for (const name of freeNames(h)) {
      if (
        comp.members.has(name) ||
        comp.names.has(name) ||
        uses.locals.has(name) ||
        TEMPLATE_GLOBALS.has(name) ||
        name.startsWith('$')
      )
        continue;
      if (info.scripts.some((o) => o.script.kind === 'module' && o.topLevel(name))) continue; // Vue <script setup> bindings
      everyMember(`component method; its template refers to '${name}', which is no member consent-lint can see`);
      return;
    }
  }
  for (const text of uses.expressions) {
    for (const w of wordsOf(text)) {
      const fn = comp.members.get(w);
      if (fn && !info.frameworkEntries.has(fn))
        info.frameworkEntries.set(fn, 'used by its template outside an event handler, whenever it renders');
    }
  }
}

/** Names a handler reads that it does not declare. */
function freeNames(index: ScriptIndex): Set<string> {
  const out = new Set<string>();
  const visit = (n: t.Node, parent: t.Node | undefined, key: string): void => {
    if (n.type === 'Identifier') {
      const isProperty =
        parent &&
        (((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && key === 'property') ||
          ((parent.type === 'ObjectProperty' || parent.type === 'ObjectMethod') && key === 'key')) &&
        !(parent as { computed?: boolean }).computed;
      if (!isProperty && !index.binding(n)) out.add(n.name);
      return;
    }
    forEachChild(n, (c, k) => visit(c, n, k));
  };
  visit(index.script.ast.program, undefined, '');
  return out;
}

// ------------------------------------------------------------ what frameworks call besides templates

const ANGULAR_HOOKS = new Set([
  'ngOnChanges',
  'ngOnInit',
  'ngDoCheck',
  'ngAfterContentInit',
  'ngAfterContentChecked',
  'ngAfterViewInit',
  'ngAfterViewChecked',
  'ngOnDestroy',
]);
const VUE_HOOKS = new Set([
  'beforeCreate',
  'created',
  'beforeMount',
  'mounted',
  'beforeUpdate',
  'updated',
  'activated',
  'deactivated',
  'beforeUnmount',
  'unmounted',
  'beforeDestroy',
  'destroyed',
  'errorCaptured',
  'renderTracked',
  'renderTriggered',
  'serverPrefetch',
]);

/** Lifecycle hooks, `@HostListener` methods and `host: { '(event)': '…' }` handlers run when Angular decides. */
function angularFrameworkCalls(info: ModuleInfo, cls: t.Class, options: t.ObjectExpression, comp: Component): void {
  for (const m of cls.body.body) {
    if (m.type !== 'ClassMethod') continue;
    const name = memberKey(m);
    if (name && ANGULAR_HOOKS.has(name)) info.frameworkEntries.set(m, `Angular lifecycle hook`);
    const listener = (m.decorators ?? []).some((d) => {
      const e = d.expression;
      const callee = e.type === 'CallExpression' ? e.callee : e;
      return (
        (callee.type === 'Identifier' && callee.name === 'HostListener') ||
        (callee.type === 'MemberExpression' &&
          callee.property.type === 'Identifier' &&
          callee.property.name === 'HostListener')
      );
    });
    if (listener) info.frameworkEntries.set(m, 'a @HostListener: Angular calls it on the event');
  }
  for (const p of options.properties) {
    if (p.type !== 'ObjectProperty' || memberKey(p) !== 'host') continue;
    const host = unwrap(p.value);
    if (host.type !== 'ObjectExpression') continue;
    for (const h of host.properties) {
      if (h.type !== 'ObjectProperty' || h.value.type !== 'StringLiteral') continue;
      for (const w of wordsOf(h.value.value)) {
        const fn = comp.members.get(w);
        if (fn) info.frameworkEntries.set(fn, 'used by its `host` bindings');
      }
    }
  }
}

/** Lifecycle hooks and watchers (functions, or method names as strings) run when Vue decides. */
function vueFrameworkCalls(info: ModuleInfo, comp: Component): void {
  const options = comp.node;
  if (options.type !== 'ObjectExpression') return;
  const byName = (v: t.Node, reason: string) => {
    if (v.type === 'StringLiteral') {
      const fn = comp.members.get(v.value);
      if (fn) info.frameworkEntries.set(fn, reason);
    } else if (isFunctionLike(v)) info.frameworkEntries.set(v, reason);
  };
  for (const p of options.properties) {
    if (p.type === 'SpreadElement') continue;
    const key = memberKey(p);
    const value = p.type === 'ObjectMethod' ? p : unwrap(p.value);
    if (key && VUE_HOOKS.has(key) && isFunctionLike(value)) info.frameworkEntries.set(value, 'Vue lifecycle hook');
    if (key !== 'watch' || value.type !== 'ObjectExpression') continue;
    for (const w of value.properties) {
      if (w.type === 'SpreadElement') continue;
      const v = w.type === 'ObjectMethod' ? w : unwrap(w.value);
      const handlers =
        v.type === 'ArrayExpression'
          ? v.elements.filter((e): e is t.Expression => !!e && e.type !== 'SpreadElement')
          : [v];
      for (const h0 of handlers) {
        const h = unwrap(h0);
        if (h.type === 'ObjectExpression') {
          for (const hp of h.properties)
            if (hp.type !== 'SpreadElement' && memberKey(hp) === 'handler')
              byName(hp.type === 'ObjectMethod' ? hp : unwrap(hp.value), 'a Vue watcher');
        } else byName(h, 'a Vue watcher');
      }
    }
  }
}

// ------------------------------------------------------------ Astro

/**
 * An Astro component's markup (`{register()}`) calls frontmatter functions
 * during every render; the markup's expressions are not parsed, so a
 * frontmatter function it mentions is a framework entry.
 */
function astroMarkup(info: ModuleInfo, text: string): void {
  const fm = astroFrontmatter(text);
  if (!fm) return;
  const code = text.slice(fm.start, fm.end);
  const front = info.scripts.find((s) => s.script.kind === 'module' && s.script.code === code);
  if (!front) return;
  const markup = text.slice(fm.close).replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ');
  const words = new Set(wordsOf(markup));
  for (let s of front.script.ast.program.body) {
    if (s.type === 'ExportNamedDeclaration' && s.declaration) s = s.declaration;
    const fns: [string, t.Node][] = [];
    if (s.type === 'FunctionDeclaration' && s.id) fns.push([s.id.name, s]);
    if (s.type === 'VariableDeclaration')
      for (const d of s.declarations)
        if (d.id.type === 'Identifier' && d.init && isFunctionLike(unwrap(d.init)))
          fns.push([d.id.name, unwrap(d.init)]);
    for (const [name, fn] of fns)
      if (words.has(name)) info.frameworkEntries.set(fn, 'called from the component markup whenever it renders');
  }
}

// ------------------------------------------------------------ Vue

/**
 * Vue options with a `template:` string outside a `.vue` file
 * (`createApp({ template: '<button @click="go">', methods: { go() {} } })`):
 * the template is compiled at run time and not analysed, so every method is a
 * framework entry.
 */
function vueStringTemplates(info: ModuleInfo): void {
  for (const index of info.scripts) {
    if (index.script.kind === 'handler') continue;
    const visit = (n: t.Node): void => {
      if (n.type === 'ObjectExpression') {
        const keys = new Set(n.properties.map((p) => (p.type === 'SpreadElement' ? undefined : memberKey(p))));
        if (keys.has('template') && keys.has('methods'))
          judge(
            info,
            optionsComponent(n, index),
            [],
            undefined,
            'its `template` string is compiled at run time and not analysed',
          );
      }
      forEachChild(n, visit);
    };
    visit(index.script.ast.program);
  }
}

/** The Options API object (`export default {…}`, `defineComponent({…})`, `Vue.extend({…})`) or class component of a `.vue` file. */
function vueComponent(info: ModuleInfo): Component | undefined {
  for (const index of info.scripts) {
    if (index.script.kind !== 'module') continue;
    for (const s of index.script.ast.program.body) {
      if (s.type !== 'ExportDefaultDeclaration') continue;
      let d = unwrap(s.declaration);
      if (d.type === 'ClassDeclaration' || d.type === 'ClassExpression') return classComponent(d, index, 'vue');
      if (d.type === 'CallExpression') {
        const last = d.arguments[d.arguments.length - 1];
        d = last ? unwrap(last) : d;
      }
      if (d.type === 'ObjectExpression') return optionsComponent(d, index);
    }
  }
  return undefined;
}

function optionsComponent(obj: t.ObjectExpression, index: ScriptIndex): Component {
  const comp: Component = {
    kind: 'vue',
    index,
    node: obj,
    members: new Map(),
    names: new Set(),
    fields: new Map(),
    open: false,
  };
  for (const p of obj.properties) {
    if (p.type === 'SpreadElement') {
      comp.open = true;
      continue;
    }
    const key = memberKey(p);
    if (key === 'mixins' || key === 'extends') comp.open = true;
    const value = p.type === 'ObjectProperty' ? unwrap(p.value) : p;
    if (key === 'methods' || key === 'computed') {
      if (value.type !== 'ObjectExpression') {
        comp.open = true;
        continue;
      }
      for (const m of value.properties) {
        if (m.type === 'SpreadElement') {
          // `...mapGetters(['article'])`, `...mapActions('ns', { save: 'save' })`: store helpers, names known.
          const mapped = vuexNames(m.argument);
          if (mapped) mapped.forEach((n) => comp.names.add(n));
          else comp.open = true;
          continue;
        }
        const name = memberKey(m);
        if (!name) continue;
        const fn = m.type === 'ObjectMethod' ? m : unwrap(m.value);
        if (isFunctionLike(fn)) comp.members.set(name, fn);
        else if (fn.type === 'ObjectExpression') {
          // computed: { full: { get() {…}, set(v) {…} } }
          for (const acc of fn.properties)
            if (acc.type === 'ObjectMethod' && memberKey(acc) === 'get') comp.members.set(name, acc);
        } else comp.names.add(name);
      }
    } else if (key === 'props' || key === 'inject') {
      if (value.type === 'ArrayExpression')
        for (const e of value.elements) if (e?.type === 'StringLiteral') comp.names.add(e.value);
      if (value.type === 'ObjectExpression')
        for (const m of value.properties) if (m.type !== 'SpreadElement' && memberKey(m)) comp.names.add(memberKey(m)!);
    } else if (key === 'data' || key === 'setup') {
      // `data() { return { lp: Leanplum } }`, `setup() { …; return { go } }`: names, and the values the template sees.
      const objects = returnedObjects(value);
      if (!objects) comp.open = true;
      for (const o of objects ?? []) {
        for (const m of o.properties) {
          const name = m.type === 'SpreadElement' ? undefined : memberKey(m);
          if (!name || m.type === 'SpreadElement') {
            comp.open = true;
            continue;
          }
          comp.names.add(name);
          if (!comp.fields.has(name)) comp.fields.set(name, m.type === 'ObjectMethod' ? m : m.value);
        }
      }
    }
  }
  return comp;
}

/** The names a Vuex/Pinia map helper call defines (`mapState(['a'])`, `mapGetters('ns', { b: 'x' })`), or undefined. */
function vuexNames(e: t.Node): string[] | undefined {
  const call = unwrap(e);
  if (
    call.type !== 'CallExpression' ||
    call.callee.type !== 'Identifier' ||
    !/^map(State|Getters|Actions|Mutations|Stores|WritableState)$/.test(call.callee.name)
  )
    return undefined;
  const last = call.arguments[call.arguments.length - 1];
  const arg = last ? unwrap(last) : undefined;
  if (arg?.type === 'ArrayExpression') {
    const out: string[] = [];
    for (const el of arg.elements) {
      if (el?.type !== 'StringLiteral') return undefined;
      out.push(el.value);
    }
    return out;
  }
  return arg?.type === 'ObjectExpression' ? objectKeys(arg) : undefined;
}

/** The object literals a `data()`/`setup()` function returns (undefined: something else is returned). */
function returnedObjects(fn: t.Node): t.ObjectExpression[] | undefined {
  if (!isFunctionLike(fn)) return fn.type === 'ObjectExpression' ? [fn] : undefined;
  if (fn.body.type !== 'BlockStatement') {
    const b = unwrap(fn.body);
    return b.type === 'ObjectExpression' ? [b] : undefined;
  }
  const returns: t.Node[] = [];
  const visit = (n: t.Node): void => {
    if (n.type === 'ReturnStatement') {
      if (n.argument) returns.push(unwrap(n.argument));
      return;
    }
    if (!isFunctionLike(n)) forEachChild(n, visit);
  };
  for (const s of fn.body.body) visit(s);
  if (!returns.length || returns.some((r) => r.type !== 'ObjectExpression')) return undefined;
  return returns as t.ObjectExpression[];
}

function objectKeys(o: t.ObjectExpression): string[] | undefined {
  const out: string[] = [];
  for (const p of o.properties) {
    if (p.type === 'SpreadElement') return undefined;
    const k = memberKey(p);
    if (k) out.push(k);
  }
  return out;
}

// ------------------------------------------------------------ classes (Angular, Vue class components)

function classComponent(cls: t.Class, index: ScriptIndex, kind: Component['kind']): Component {
  const comp: Component = {
    kind,
    index,
    node: cls,
    members: new Map(),
    names: new Set(),
    fields: new Map(),
    open: Boolean(cls.superClass),
  };
  for (const m of cls.body.body) {
    if (m.type === 'ClassMethod') {
      const name = memberKey(m);
      if (m.kind === 'constructor') {
        for (const p of m.params)
          if (p.type === 'TSParameterProperty' && p.parameter.type === 'Identifier') comp.names.add(p.parameter.name);
      } else if (name && !m.static) comp.members.set(name, m);
    } else if (m.type === 'ClassProperty' && !m.static) {
      const name = memberKey(m);
      if (!name) continue;
      const v = m.value ? unwrap(m.value) : undefined;
      if (v && isFunctionLike(v)) comp.members.set(name, v);
      else comp.names.add(name);
    } else if (m.type === 'ClassAccessorProperty') {
      const name = memberKey(m);
      if (name) comp.names.add(name);
    }
  }
  return comp;
}

function decoratedClasses(program: t.Program): t.Class[] {
  const out: t.Class[] = [];
  const visit = (n: t.Node): void => {
    if ((n.type === 'ClassDeclaration' || n.type === 'ClassExpression') && n.decorators?.length) out.push(n);
    forEachChild(n, visit);
  };
  visit(program);
  return out;
}

/** The options object of `@Component({…})`. */
function componentOptions(cls: t.Class): t.ObjectExpression | undefined {
  for (const d of cls.decorators ?? []) {
    const e = d.expression;
    if (e.type !== 'CallExpression') continue;
    const callee = e.callee;
    const name =
      callee.type === 'Identifier'
        ? callee.name
        : callee.type === 'MemberExpression' && callee.property.type === 'Identifier'
          ? callee.property.name
          : undefined;
    const arg = e.arguments[0] ? unwrap(e.arguments[0]) : undefined;
    if (name === 'Component' && arg?.type === 'ObjectExpression') return arg;
  }
  return undefined;
}

/** Where the template's text is: a slice of the component file, or a `templateUrl` file. */
function templateSource(
  options: t.ObjectExpression,
  file: string,
  text: string,
  files: Map<string, DiscoveredFile>,
): { file: string; text: string; start: number; end: number } | undefined {
  for (const p of options.properties) {
    if (p.type !== 'ObjectProperty') continue;
    const key = memberKey(p);
    const v = unwrap(p.value);
    if (key === 'template') {
      if (
        (v.type === 'StringLiteral' || (v.type === 'TemplateLiteral' && v.expressions.length === 0)) &&
        v.start != null &&
        v.end != null
      ) {
        return { file, text, start: v.start + 1, end: v.end - 1 };
      }
      return undefined; // built at run time: not analysed
    }
    if (key === 'templateUrl') {
      if (v.type !== 'StringLiteral') return undefined;
      const rel = posix.normalize(posix.join(posix.dirname(file), v.value));
      const f = files.get(rel);
      return f ? { file: rel, text: f.text, start: 0, end: f.text.length } : undefined;
    }
  }
  return undefined;
}
