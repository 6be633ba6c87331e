/**
 * Workspace packages of a monorepo (npm/yarn `workspaces` in the root
 * package.json, pnpm's pnpm-workspace.yaml): `import { OneSignalProvider }
 * from 'onesignal'` in apps/web means packages/onesignal, the app's own code,
 * whose callers decide whether its SDK calls are guarded. Resolved to the
 * package's source (its `main`/`exports` usually name build output, which
 * discovery skips), as another set of aliases after tsconfig and Babel ones.
 * Read as JSON and a plain YAML list, never executed.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { guardedReadText, MAX_CONFIG_BYTES } from '../discover/index.js';
import type { AliasMatch, LoadedConfig, PathAliases } from './tsconfig.js';

interface WorkspacePackage {
  name: string;
  /** Root-relative folder. */
  dir: string;
  /** Root-relative candidates for the package's entry, best first (extensions are probed by the caller). */
  entries: string[];
}

/** Folders whose files are build output: an entry there is looked for under `src/` too. */
const BUILD_DIRS = /^(?:\.\/)?(?:dist|build|lib|out|esm|cjs)\//;

export class WorkspaceIndex {
  private loaded: LoadedConfig | null | undefined;
  /** Every workspace package, longest name first (those named like an SDK too). */
  private all: WorkspacePackage[] = [];

  /**
   * `vendored`: a package named like an SDK module (a patched fork kept in the repository) stays
   * that SDK to its importers, whose calls are the sinks; it changes what resolves, not what is read.
   */
  constructor(
    readonly root: string,
    private readonly vendored: (name: string) => boolean = () => false,
  ) {}

  /** The workspace aliases govern every file of the scan root alike. */
  forFile(relPath: string): LoadedConfig | undefined {
    return this.forDir(posix.dirname(relPath));
  }

  forDir(relDir: string): LoadedConfig | undefined {
    return relDir.startsWith('../') ? undefined : (this.load() ?? undefined);
  }

  /**
   * The root-relative file a bare specifier names inside a workspace package
   * (`tsconfig/nextjs.json` -> `packages/tsconfig/nextjs.json`), whatever the package is named
   * like; undefined when no workspace package is named so.
   */
  packageFile(specifier: string): string | undefined {
    this.load();
    for (const p of this.all) {
      if (specifier.startsWith(`${p.name}/`)) return posix.join(p.dir, specifier.slice(p.name.length + 1));
      // The package itself (`"extends": "@org/tsconfig"`): its `.` export, else its tsconfig.json, as TypeScript reads it.
      if (specifier === p.name) {
        const dot = rootExport(this.readJson(posix.join(p.dir, 'package.json')));
        return posix.join(p.dir, dot?.endsWith('.json') ? dot : 'tsconfig.json');
      }
    }
    return undefined;
  }

  configs(): LoadedConfig[] {
    const l = this.load();
    return l ? [l] : [];
  }

  private load(): LoadedConfig | null {
    if (this.loaded !== undefined) return this.loaded;
    this.loaded = null;
    const found = this.patterns();
    if (!found) return null;
    const packages: WorkspacePackage[] = [];
    for (const dir of expand(this.root, found.patterns)) {
      const pkg = this.readJson(posix.join(dir, 'package.json'));
      if (!pkg || typeof pkg.name !== 'string' || !pkg.name) continue;
      packages.push({ name: pkg.name, dir, entries: entriesOf(dir, pkg) });
    }
    if (!packages.length) return null;
    packages.sort((a, b) => b.name.length - a.name.length || a.name.localeCompare(b.name));
    this.all = packages;
    this.loaded = {
      configFile: found.configFile,
      aliases: workspaceAliases(
        this.root,
        found.configFile,
        packages.filter((p) => !this.vendored(p.name)),
      ),
      resolved: packages.map((p) => [p.name, p.dir, p.entries]),
    };
    return this.loaded;
  }

  /** The workspace globs and the file declaring them. */
  private patterns(): { configFile: string; patterns: string[] } | undefined {
    const pnpm = this.readText('pnpm-workspace.yaml');
    if (pnpm !== undefined) return { configFile: 'pnpm-workspace.yaml', patterns: yamlPackages(pnpm) };
    const pkg = this.readJson('package.json');
    const ws = pkg?.workspaces;
    const list = Array.isArray(ws) ? ws : ws && typeof ws === 'object' ? (ws as { packages?: unknown }).packages : [];
    const patterns = Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
    return patterns.length ? { configFile: 'package.json', patterns } : undefined;
  }

  private readText(rel: string): string | undefined {
    try {
      return guardedReadText(join(this.root, rel), { root: this.root, maxBytes: MAX_CONFIG_BYTES });
    } catch {
      return undefined;
    }
  }

  private readJson(rel: string): Record<string, unknown> | undefined {
    const text = this.readText(rel);
    if (text === undefined) return undefined;
    try {
      const v: unknown = JSON.parse(text);
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
}

/** `packages:` items of pnpm-workspace.yaml (`- "apps/*"`); exclusions (`!…`) are dropped. */
function yamlPackages(text: string): string[] {
  const out: string[] = [];
  let inPackages = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^packages\s*:/.test(line)) {
      inPackages = true;
      continue;
    }
    if (/^\S/.test(line)) inPackages = false;
    const m = inPackages ? /^\s*-\s*(['"]?)([^'"#]+?)\1\s*(?:#.*)?$/.exec(line) : null;
    if (m && !m[2].startsWith('!')) out.push(m[2]);
  }
  return out;
}

/** Root-relative folders the globs name (`*` within one segment; `**` as any depth up to 3), without node_modules. */
function expand(root: string, patterns: string[]): string[] {
  const out = new Set<string>();
  const walk = (dir: string, segs: string[], depth: number): void => {
    if (depth > 8) return;
    if (!segs.length) {
      out.add(dir);
      return;
    }
    const [seg, ...rest] = segs;
    if (seg === '**') {
      walk(dir, rest, depth + 1);
      for (const child of subdirs(root, dir)) walk(posix.join(dir, child), depth < 3 ? segs : rest, depth + 1);
      return;
    }
    if (!seg.includes('*')) {
      if (isDir(root, posix.join(dir, seg))) walk(posix.join(dir, seg), rest, depth + 1);
      return;
    }
    const re = new RegExp(`^${seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    for (const child of subdirs(root, dir)) if (re.test(child)) walk(posix.join(dir, child), rest, depth + 1);
  };
  for (const p of patterns) {
    const segs = p
      .replace(/^\.\//, '')
      .replace(/\/+$/, '')
      .split('/')
      .filter((s) => s && s !== '.');
    if (segs.some((s) => s === '..')) continue;
    walk('', segs, 0);
  }
  out.delete('');
  return [...out].sort();
}

function subdirs(root: string, dir: string): string[] {
  try {
    return readdirSync(join(root, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'node_modules' && !d.name.startsWith('.'))
      .map((d) => d.name);
  } catch {
    return [];
  }
}

function isDir(root: string, dir: string): boolean {
  try {
    return statSync(join(root, dir)).isDirectory();
  } catch {
    return false;
  }
}

/** Where the package's code is: what its manifest names (and, for build output, `src/`), then `src/index`, `index`. */
function entriesOf(dir: string, pkg: Record<string, unknown>): string[] {
  const named: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string') named.push(v);
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      // `exports: { ".": … }` or conditions (`import`, `require`, `default`, `types`).
      add(o['.']);
      for (const k of ['source', 'import', 'require', 'default', 'types']) add(o[k]);
    }
  };
  for (const k of ['source', 'exports', 'module', 'main', 'types', 'typings']) add(pkg[k]);
  const out: string[] = [];
  for (const n of named) {
    const p = n.replace(/^\.\//, '');
    out.push(posix.join(dir, p));
    if (BUILD_DIRS.test(n)) out.push(posix.join(dir, p.replace(BUILD_DIRS, 'src/').replace(/\.d\.[cm]?ts$/, '')));
  }
  out.push(posix.join(dir, 'src/index'), posix.join(dir, 'index'));
  return [...new Set(out.map((p) => p.replace(/\.(?:d\.)?[cm]?[jt]sx?$/, '')))];
}

function workspaceAliases(root: string, configFile: string, packages: WorkspacePackage[]): PathAliases {
  const byName = new Map(packages.map((p) => [p.name, p]));
  return {
    kind: 'the workspace package',
    configFile,
    missingIsPackage: true,
    match(specifier: string): AliasMatch {
      for (const p of packages) {
        if (specifier === p.name) return { pattern: p.name, candidates: p.entries.map((e) => join(root, e)) };
        if (specifier.startsWith(`${p.name}/`)) {
          const sub = specifier.slice(p.name.length + 1);
          return {
            pattern: `${p.name}/*`,
            candidates: [join(root, p.dir, sub), join(root, p.dir, 'src', sub)],
          };
        }
      }
      return { candidates: [] };
    },
    keepsLastSegment: (specifier: string) =>
      !byName.has(specifier) && !packages.some((p) => specifier.startsWith(`${p.name}/`)),
    names: () => packages.map((p) => ({ specifier: p.name, text: p.name })),
  };
}

/** A package's `.` export as a path (`"exports": "./x.json"` or `{ ".": "./x.json" }`), if a string. */
function rootExport(pkg: Record<string, unknown> | undefined): string | undefined {
  const exp = pkg?.exports;
  const dot = typeof exp === 'object' && exp !== null ? (exp as Record<string, unknown>)['.'] : exp;
  return typeof dot === 'string' ? dot.replace(/^\.\//, '') : undefined;
}
