/**
 * Nuxt's auto-imports: a Nuxt app calls the functions its `composables/` and
 * `utils/` folders export (and `shared/utils/`, and `server/utils/` in its
 * server code) without importing them (`useTracking()` in a page). Without
 * this, such a call is of an unknown global, and the wrapper it calls has no
 * caller the analysis sees: reported wherever the app gates it.
 *
 * Which files and names, as Nuxt scans them (the `imports` options of
 * @nuxt/schema, unimport's `scanDirExports`): the files at the top of each
 * folder and the `index` file of each subfolder; every named export, and a
 * default export under the camel-cased file name. `imports.dirs` (literal) adds
 * folders; `imports.autoImport: false` turns them off. Exports are read from
 * the text (a name missed stays an unknown global: its wrapper is reported,
 * never assumed gated). The files that may use a source are those of the app
 * whose text names one of its exports: the importers module resolution and the
 * reference search visit.
 */
import { posix } from 'node:path';
import { escapeRegExp } from './text.js';
import { nuxtApp } from './nuxt.js';
import { UNKNOWN } from './config-literals.js';

/** An export a free name of a file may be auto-imported from: of an app file, or of a package (a Nuxt module's). */
export type AutoImportSource = { file: string; name: string } | { module: string; name: string };

interface AppImports {
  /** The app's folder, root-relative with a trailing slash (`''`: the scan root). */
  dir: string;
  /** Its server folder (`server/` in it): its own auto-imports too. */
  serverDir: string;
  /** Names the app's code (`app`) and its server code (`server`) auto-import, to their sources. */
  app: Map<string, AutoImportSource[]>;
  server: Map<string, AutoImportSource[]>;
  /** Each source's export names. */
  names: Map<string, string[]>;
}

const SOURCE_EXTENSION = /\.(?:[cm]?[jt]s)$/;
const CONFIG = /(?:^|\/)nuxt\.config\.(?:[cm]?[jt]s)$/;

export class AutoImports {
  private apps: AppImports[] | undefined;

  constructor(
    private readonly root: string,
    private readonly files: ReadonlyMap<string, { text: string }>,
    /** Names Nuxt modules provide (policies' `autoImports`): a module's apply where the app lists it. */
    private readonly moduleImports: readonly { module: string; names: string[] }[] = [],
  ) {}

  /** The exports a free name of `file` may be auto-imported from (none outside a Nuxt app). */
  sources(file: string, name: string): AutoImportSource[] {
    const app = this.appOf(file);
    if (!app) return [];
    const out = app.app.get(name) ?? [];
    if (!file.startsWith(app.serverDir)) return out;
    const server = app.server.get(name);
    return server ? [...out, ...server] : out;
  }

  /** The files of its app that may call an export of `target` without importing it (their text names one). */
  users(target: string): string[] {
    const app = this.appOf(target);
    const names = app?.names.get(target);
    if (!app || !names?.length) return [];
    const mentions = new RegExp(`\\b(?:${names.map(escapeRegExp).join('|')})\\b`);
    const server = target.startsWith(app.serverDir) && !app.app.has(names[0]);
    const out: string[] = [];
    for (const [rel, f] of this.files) {
      if (rel === target || !rel.startsWith(server ? app.serverDir : app.dir) || rel.includes('/node_modules/'))
        continue;
      if (mentions.test(f.text)) out.push(rel);
    }
    return out;
  }

  /** Is `file` a source of some app's auto-imports? */
  isSource(file: string): boolean {
    return this.appOf(file)?.names.has(file) ?? false;
  }

  /** What the auto-imports were read from: every source and every Nuxt config (the cache hashes their text). */
  inputs(): string[] {
    const apps = this.allApps();
    if (!apps.length) return [];
    const out = [...this.files.keys()].filter((rel) => CONFIG.test(rel));
    for (const app of apps) out.push(...app.names.keys());
    return out;
  }

  private appOf(file: string): AppImports | undefined {
    let best: AppImports | undefined;
    for (const app of this.allApps())
      if (file.startsWith(app.dir) && (!best || app.dir.length > best.dir.length)) best = app;
    return best;
  }

  private allApps(): AppImports[] {
    if (this.apps) return this.apps;
    this.apps = [];
    for (const rel of this.files.keys()) {
      if (!CONFIG.test(rel) || rel.includes('node_modules/')) continue;
      const dir = rel.includes('/') ? `${posix.dirname(rel)}/` : '';
      if (this.apps.some((a) => a.dir === dir)) continue;
      const app = this.read(dir);
      if (app) this.apps.push(app);
    }
    return this.apps;
  }

  /** The auto-imports of the Nuxt app in `dir` (undefined when turned off). */
  private read(dir: string): AppImports | undefined {
    const abs = posix.join(this.root, dir);
    const layout = nuxtApp(abs, this.root);
    // A config that cannot be read: Nuxt's defaults, in either source folder.
    const srcDirs = layout && typeof layout !== 'string' ? layout.srcDirs : [abs, posix.join(abs, 'app')];
    const options = layout && typeof layout !== 'string' ? layout.option('imports') : undefined;
    const imports = options && options !== UNKNOWN ? (options as { autoImport?: unknown; dirs?: unknown }) : {};
    if (imports.autoImport === false) return undefined;
    const rel = (a: string) => {
      const r = posix.relative(this.root, a);
      return r ? `${r}/` : '';
    };
    const folders: { folder: string; deep: boolean }[] = [];
    for (const src of srcDirs)
      for (const f of ['composables', 'utils']) folders.push({ folder: `${rel(src)}${f}/`, deep: false });
    folders.push({ folder: `${dir}shared/utils/`, deep: false });
    // `imports.dirs`: folders of the source folder (`stores`, `composables/**`: every file below).
    if (Array.isArray(imports.dirs))
      for (const d of imports.dirs)
        if (typeof d === 'string')
          for (const src of srcDirs) {
            const deep = /\*\*/.test(d);
            const base = d.replace(/\/?\*\*.*$/, '').replace(/\/?\*.*$/, '');
            folders.push({ folder: rel(posix.resolve(src, base)), deep });
          }
    const app: AppImports = { dir, serverDir: `${dir}server/`, app: new Map(), server: new Map(), names: new Map() };
    const add = (into: Map<string, AutoImportSource[]>, file: string) => {
      const names = exportNames(file, this.files.get(file)!.text);
      app.names.set(file, [...(app.names.get(file) ?? []), ...names]);
      for (const name of names) {
        const list = into.get(name);
        const source = {
          file,
          name: name === defaultName(file) && !namedExport(file, this.files, name) ? 'default' : name,
        };
        if (list) list.push(source);
        else into.set(name, [source]);
      }
    };
    // The modules' own (`useGtag()` of `nuxt-gtag`), where `modules` lists the module or cannot be read.
    const listed = layout && typeof layout !== 'string' ? moduleNames(layout.option('modules')) : undefined;
    for (const { module, names } of this.moduleImports) {
      if (listed && !listed.has(module)) continue;
      for (const name of names) app.app.set(name, [...(app.app.get(name) ?? []), { module, name }]);
    }
    for (const file of this.files.keys()) {
      if (!SOURCE_EXTENSION.test(file) || file.endsWith('.d.ts')) continue;
      if (folders.some((f) => scanned(file, f.folder, f.deep))) add(app.app, file);
      else if (scanned(file, `${dir}server/utils/`, false)) add(app.server, file);
    }
    return app;
  }
}

/** Does Nuxt scan `file` in `folder`: at its top, or the `index` of a subfolder (`deep`: anywhere below)? */
function scanned(file: string, folder: string, deep: boolean): boolean {
  if (!file.startsWith(folder)) return false;
  const rest = file.slice(folder.length);
  if (deep || !rest.includes('/')) return true;
  const parts = rest.split('/');
  return parts.length === 2 && /^index\.[cm]?[jt]s$/.test(parts[1]);
}

/** The names a source exports, from its text: named exports, and the default export's camel-cased file name. */
function exportNames(file: string, text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(
    /\bexport\s+(?:declare\s+)?(?:async\s+)?(?:function\s*\*?|const|let|var|class)\s*([A-Za-z_$][\w$]*)/g,
  ))
    out.add(m[1]);
  for (const m of text.matchAll(/\bexport\s*(?:type\s*)?\{([^}]*)\}/g))
    for (const entry of m[1].split(',')) {
      const words = entry.trim().split(/\s+/);
      const name = words[words.length - 1];
      if (name && /^[A-Za-z_$][\w$]*$/.test(name) && words[0] !== 'type') out.add(name);
    }
  if (/\bexport\s+default\b/.test(text)) out.add(defaultName(file));
  return [...out];
}

/** The name Nuxt gives a default export: the file's (or, for an `index`, its folder's) name, camel-cased. */
function defaultName(file: string): string {
  const base = posix.basename(file).replace(/\.[^.]+$/, '');
  const name = base === 'index' ? posix.basename(posix.dirname(file)) : base;
  return name
    .replace(/[-_.\s]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase())
    .replace(/^[A-Z]/, (c) => c.toLowerCase());
}

/** Is `name` also a named export of the file (then that one is what the name imports)? */
function namedExport(file: string, files: ReadonlyMap<string, { text: string }>, name: string): boolean {
  const text = files.get(file)?.text ?? '';
  return new RegExp(
    `\\bexport\\s+(?:async\\s+)?(?:function\\s*\\*?|const|let|var|class)\\s*${escapeRegExp(name)}\\b`,
  ).test(text);
}

/** The module names a literal `modules` list holds (`'nuxt-gtag'`, `['nuxt-gtag', {…}]`); undefined when it cannot be read. */
function moduleNames(modules: unknown): Set<string> | undefined {
  if (modules === undefined) return new Set();
  if (!Array.isArray(modules)) return undefined;
  const out = new Set<string>();
  for (const m of modules as unknown[]) {
    const name = Array.isArray(m) ? (m as unknown[])[0] : m;
    if (typeof name !== 'string') return undefined;
    out.add(name);
  }
  return out;
}
