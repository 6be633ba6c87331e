/**
 * The project as the analysis sees it: the discovered files, parsed on demand
 * (only files that can matter are ever parsed), with Babel scopes and parent
 * links per script, and module resolution (relative paths, index files,
 * tsconfig `paths`/`baseUrl`).
 */
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import type * as t from '@babel/types';
import type { AnalysisError, DiscoveredFile, ParsedFile, ParsedScript } from '../model.js';
import { isFunctionLike } from './ast.js';
import { isInstanceField } from './classes.js';
import { ScopeIndex, type Binding } from './scope.js';
import { readTsconfigPaths, type PathAliases } from './tsconfig.js';


/** A parsed script with what resolution needs: parent links and scopes. */
export class ScriptIndex {
  readonly parent: Map<t.Node, t.Node>;
  /** Function-like units: functions, the Program, static blocks. */
  readonly functions: t.Node[];
  private readonly scopes: ScopeIndex;

  constructor(
    readonly script: ParsedScript,
    readonly module: ModuleInfo,
  ) {
    this.scopes = new ScopeIndex(script.ast.program);
    this.parent = this.scopes.parent;
    this.parent.set(script.ast.program, script.ast);
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
}

export type ImportTarget = { file: string } | { package: string; specifier: string };

const BASE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.vue', '.svelte'];
// React Native resolves `./lp` to `lp.ios.ts` / `lp.android.ts` / `lp.native.ts` too: any of them may be the one that runs.
const EXTENSIONS = [...BASE_EXTENSIONS, ...['.ios', '.android', '.native', '.web'].flatMap((p) => ['.ts', '.tsx', '.js', '.jsx'].map((e) => p + e))];

export type Parser = (file: DiscoveredFile) => ParsedFile;

export class Project {
  private readonly modules = new Map<string, ModuleInfo | null>();
  private aliases: PathAliases | undefined | null = null;
  private readonly specifierCache = new Map<string, string[]>();
  /** Files parsed so far, in order. */
  readonly parsed: ModuleInfo[] = [];

  constructor(
    readonly root: string,
    readonly files: Map<string, DiscoveredFile>,
    private readonly parser: Parser,
  ) {}

  /**
   * When set, `module()` returns only already-parsed modules and counts each
   * refusal in `cutoffs` (so resolution knows its answer was partial).
   */
  parseOnDemand = true;
  cutoffs = 0;
  /**
   * Which files resolution may parse on demand (seeds and importers are
   * always parsed). Default: all. The pipeline narrows it to files that can
   * lead to an SDK or a consent check (see `tokenClosure`).
   */
  worthParsing: (relPath: string) => boolean = () => true;
  /** Files resolution wanted but `worthParsing` declined (inputs of the result, for the cache). */
  readonly declined = new Set<string>();

  /** The module for a file, parsed on first use. */
  module(relPath: string): ModuleInfo | undefined {
    const cached = this.modules.get(relPath);
    if (cached !== undefined) return cached ?? undefined;
    if (!this.parseOnDemand && this.files.has(relPath)) {
      this.cutoffs++;
      return undefined;
    }
    return this.parse(relPath);
  }

  /** Resolution's way in: parses only files worth it (the answer is then partial, and counted). */
  moduleOnDemand(relPath: string): ModuleInfo | undefined {
    if (!this.modules.has(relPath) && this.files.has(relPath) && !this.worthParsing(relPath)) {
      this.declined.add(relPath);
      this.cutoffs++;
      return undefined;
    }
    return this.module(relPath);
  }

  private parse(relPath: string): ModuleInfo | undefined {
    const file = this.files.get(relPath);
    if (!file) {
      this.modules.set(relPath, null);
      return undefined;
    }
    const parsed = this.parser(file);
    const info: ModuleInfo = { file: relPath, scripts: [], errors: [...parsed.errors] };
    this.modules.set(relPath, info);
    for (const s of parsed.scripts) {
      try {
        info.scripts.push(new ScriptIndex(s, info));
      } catch (e) {
        // Absurd nesting can exhaust the stack: the file is reported, the scan goes on.
        info.errors.push({ file: s.file, line: 1, column: 1, kind: 'unsupported', message: `could not analyse: ${(e as Error).message}` });
      }
    }
    this.parsed.push(info);
    return info;
  }

  isParsed(relPath: string): boolean {
    return this.modules.has(relPath);
  }

  /** Where an import specifier written in `fromFile` leads. */
  resolveImport(fromFile: string, specifier: string): ImportTarget | undefined {
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      const base = specifier.startsWith('/') ? specifier.slice(1) : posix.join(posix.dirname(fromFile), specifier);
      const file = this.probe(posix.normalize(base));
      return file ? { file } : undefined;
    }
    const aliases = this.pathAliases();
    if (aliases) {
      for (const candidate of aliases.candidates(specifier)) {
        const file = this.probe(candidate);
        if (file) return { file };
      }
    }
    return { package: packageName(specifier), specifier };
  }

  private probe(base: string): string | undefined {
    if (base.startsWith('./')) base = base.slice(2);
    if (this.files.has(base) && !base.endsWith('/')) return base;
    // TypeScript ESM style: `./x.js` written for `./x.ts`.
    const stripped = base.replace(/\.(m|c)?jsx?$/, '');
    for (const b of stripped !== base ? [stripped, base] : [base]) {
      for (const ext of EXTENSIONS) if (this.files.has(b + ext)) return b + ext;
      for (const ext of EXTENSIONS) if (this.files.has(`${b}/index${ext}`)) return `${b}/index${ext}`;
    }
    return undefined;
  }

  private pathAliases(): PathAliases | undefined {
    if (this.aliases === null) {
      this.aliases = undefined;
      for (const name of ['tsconfig.json', 'jsconfig.json']) {
        const p = join(this.root, name);
        if (existsSync(p)) {
          this.aliases = readTsconfigPaths(p, this.root);
          break;
        }
      }
    }
    return this.aliases;
  }

  /** Import specifiers written in a file (text scan; no parse). */
  specifiers(relPath: string): string[] {
    let list = this.specifierCache.get(relPath);
    if (!list) {
      list = [];
      const text = this.files.get(relPath)?.text ?? '';
      const re = /\b(?:from|import|require)\s*\(?\s*['"]([^'"\n]+)['"]/g;
      for (let m = re.exec(text); m; m = re.exec(text)) list.push(m[1]);
      this.specifierCache.set(relPath, list);
    }
    return list;
  }

  /**
   * Files that mention one of `re`'s tokens, or import (transitively, by text)
   * a file that does: the only files through which a value can lead to an SDK
   * or a consent check.
   */
  tokenClosure(re: RegExp): (relPath: string) => boolean {
    const memo = new Map<string, boolean>();
    return (start: string): boolean => {
      const known = memo.get(start);
      if (known !== undefined) return known;
      // Breadth-first over the text-level import graph until a file mentions a token.
      const seen = new Set([start]);
      const queue = [start];
      while (queue.length) {
        const rel = queue.shift()!;
        if (memo.get(rel) === true || re.test(this.files.get(rel)?.text ?? '')) {
          memo.set(start, true);
          return true;
        }
        for (const spec of this.specifiers(rel)) {
          const r = this.resolveImport(rel, spec);
          if (!r) continue;
          if ('package' in r) {
            if (re.test(r.specifier)) {
              memo.set(start, true);
              return true;
            }
          } else if (!seen.has(r.file) && memo.get(r.file) !== false) {
            seen.add(r.file);
            queue.push(r.file);
          }
        }
      }
      // Nothing reachable mentions a token: true of every file visited.
      for (const rel of seen) memo.set(rel, false);
      return false;
    };
  }

  /** Last path segment of a specifier or file, without extension: the key of the importer index. */
  private static stem(path: string): string {
    return path.replace(/\/+$/, '').split('/').pop()!.replace(/\.[^.]*$/, '');
  }

  private importIndex: Map<string, [string, string][]> | undefined;

  /**
   * Files that import `target` (resolved), from a text scan of every file's
   * specifiers, indexed once by their last path segment so only plausible
   * candidates are resolved.
   */
  importersOf(target: string): string[] {
    if (!this.importIndex) {
      this.importIndex = new Map();
      for (const rel of this.files.keys()) {
        for (const spec of this.specifiers(rel)) {
          const key = Project.stem(spec);
          const list = this.importIndex.get(key);
          if (list) list.push([rel, spec]);
          else this.importIndex.set(key, [[rel, spec]]);
        }
      }
    }
    const base = Project.stem(target).replace(/\.(ios|android|native|web)$/, '');
    const candidates = [...(this.importIndex.get(base) ?? [])];
    // `./dir` imports `dir/index.ts`.
    if (base === 'index') candidates.push(...(this.importIndex.get(Project.stem(posix.dirname(target))) ?? []));
    const out = new Set<string>();
    for (const [rel, spec] of candidates) {
      if (rel === target || out.has(rel)) continue;
      const r = this.resolveImport(rel, spec);
      if (r && 'file' in r && r.file === target) out.add(rel);
    }
    return [...out];
  }

  /** Does `file` re-export from `target` (`export … from`, `export *`)? Text scan. */
  reExports(file: string, target: string): boolean {
    const text = this.files.get(file)?.text ?? '';
    const re = /\bexport\s+(?:\*|\{[^}]*\}|\*\s+as\s+\w+)\s*from\s*['"]([^'"\n]+)['"]|module\.exports\s*=\s*require\(\s*['"]([^'"\n]+)['"]/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const r = this.resolveImport(file, m[1] ?? m[2]);
      if (r && 'file' in r && r.file === target) return true;
    }
    return false;
  }

  errors(): AnalysisError[] {
    return this.parsed.flatMap((m) => m.errors);
  }
}

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
