/**
 * The project as the analysis sees it: the discovered files, parsed on demand
 * (only files that can matter are ever parsed), with Babel scopes and parent
 * links per script, and module resolution (relative paths, index files,
 * tsconfig `paths`/`baseUrl`).
 */
import { AutoImports } from './auto-imports.js';
import { locOf } from '../parse/compact.js';
import { existsSync } from 'node:fs';
import { isAbsolute, posix, relative } from 'node:path';
import type * as t from '@babel/types';
import type { AnalysisError, DiscoveredFile, ParsedFile, Policy } from '../model.js';
import { TsconfigIndex, type AliasMatch, type LoadedConfig, type PathAliases } from './tsconfig.js';
import { WorkspaceIndex } from './workspaces.js';
import { BabelAliasIndex } from './babel-aliases.js';
import { escapeRegExp, literalPrefilter } from './text.js';
import { bindComponents } from './components.js';
import { ScriptIndex, type ModuleInfo } from './script.js';
import { Frames, type GrowingFact } from './snapshot.js';
import { APP_ALIAS, prefixAdmits, scanSpecifiers, type FileSpecifiers } from './specifiers.js';

export { ScriptIndex, type ModuleInfo } from './script.js';
import { BUILD_OUTPUT_DIRS } from '../discover/ignored.js';

export type ImportTarget = { file: string } | { package: string; specifier: string };

const BASE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.vue', '.svelte', '.astro'];
// React Native resolves `./lp` to `lp.ios.ts` / `lp.android.ts` / `lp.native.ts` too: any of them may be the one that runs.
const PLATFORMS = ['.ios', '.android', '.native', '.web'];
const SCRIPT_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx'];
/** A platform suffix before the extension (`x.native.ts`), or at the end of an import stem. */
const PLATFORM_SUFFIX = /\.(?:ios|android|native|web)(?=(?:\.[cm]?[jt]sx?)?$)/;
const EXTENSIONS = [...BASE_EXTENSIONS, ...PLATFORMS.flatMap((p) => SCRIPT_EXTENSIONS.map((e) => p + e))];

export type Parser = (file: DiscoveredFile) => ParsedFile;

export interface ProjectOptions {
  /** Config `moduleAliases`: module name (as imported) -> the SDK module it is (webpack/Vite aliases, forks). */
  moduleAliases?: Record<string, string>;
  /** The SDK modules the policies know, and the tokens of their names: an unknown module carrying a token is reported. */
  sdkModules?: SdkModules;
  /**
   * Names through which a value can become an SDK or a consent check: a file
   * is relevant when it mentions one or imports (transitively) a file that
   * does (`relevant`). None: every file is.
   */
  relevantTokens?: RegExp;
  /**
   * The literals whole-project text searches look for (`filesMatching`): seed
   * tokens, CMP globals a file may write, suppression directives. One pass over
   * every file finds those that may contain any; each search then tests only those.
   */
  searchLiterals?: string[];
  /** The policies' framework auto-imports (`useGtag` of the Nuxt module `nuxt-gtag`). */
  moduleAutoImports?: { module: string; names: string[] }[];
}

export interface SdkModules {
  /** Module names policies name as receivers (package names). */
  known: Set<string>;
  /** Lower-case name tokens (`leanplum`, `clevertap`) -> the known module to suggest. */
  tokens: Map<string, string>;
  /** Every segment of every sink method of a module receiver (`start`, `notifications`, `push`): members worth a type query. */
  methods: Set<string>;
  /** npm scopes of known modules (`@react-native-firebase`): their publisher's own packages. */
  scopes: Set<string>;
  /** The vendors' own scopes (policies' `scopes`) -> the policy's name and a known module to suggest. */
  vendorScopes: Map<string, { sdk: string; module: string }>;
  /** `otherModules` entries ending in `*`, without it: every package they begin is known. */
  knownPrefixes: string[];
}

export class Project {
  private readonly modules = new Map<string, ModuleInfo | null>();
  private readonly tsconfigs: TsconfigIndex;
  private readonly babelAliases: BabelAliasIndex;
  private readonly workspaces: WorkspaceIndex;
  /** Per problem reported once for the project (an undeclared app alias `@/`, an alias leading outside the root): how many parsed files import through it. */
  private readonly aggregatedFiles = new Map<string, number>();
  /** Problems found while resolving (unreadable tsconfig, undeclared app aliases): reported once each. */
  private readonly resolutionErrors = new Map<string, AnalysisError>();
  private readonly specifierCache = new Map<string, FileSpecifiers>();
  /** Files read for another module's sake (Angular `templateUrl`, a typed receiver's imports): inputs of the result, like parsed files. */
  readonly templatesRead = new Set<string>();
  /** Files parsed so far, in order. */
  readonly parsed: ModuleInfo[] = [];
  /** Nuxt's auto-imports: what a free name of a file of a Nuxt app may be, and who may use a source. */
  readonly autoImports: AutoImports;

  constructor(
    readonly root: string,
    readonly files: Map<string, DiscoveredFile>,
    private readonly parser: Parser,
    readonly options: ProjectOptions = {},
  ) {
    this.workspaces = new WorkspaceIndex(root, (name) => {
      const sdk = options.sdkModules;
      return !!sdk && (sdk.known.has(name) || sdk.knownPrefixes.some((p) => name.startsWith(p)));
    });
    this.tsconfigs = new TsconfigIndex(root, (spec) => this.workspaces.packageFile(spec));
    this.babelAliases = new BabelAliasIndex(root);
    this.autoImports = new AutoImports(root, files, options.moduleAutoImports ?? []);
  }

  /** Files the analysis asked for and the snapshot lacks: what the pipeline may parse next. */
  private readonly wanted = new Set<string>();

  /**
   * The parsed module for a file. Nothing is parsed here: a file the snapshot
   * lacks is recorded as wanted (for the pipeline to decide on) and counted
   * as a miss.
   */
  module(relPath: string): ModuleInfo | undefined {
    const cached = this.modules.get(relPath);
    if (cached !== undefined) return cached ?? undefined;
    if (this.files.has(relPath)) this.want(relPath);
    return undefined;
  }

  /** Files the pipeline decided not to parse when asked: a lookup of one is final, not a miss. */
  private readonly declined = new Set<string>();

  /** The pipeline's answer to an ask it will not parse (the file cannot lead to an SDK or a guard). */
  decline(relPath: string): void {
    this.declined.add(relPath);
  }

  /** Files declined and never parsed after all: inputs of the result, for the cache. */
  declinedFiles(): string[] {
    return [...this.declined].sort();
  }

  /** Ask for a file the analysis needs (it counts as a miss until parsed). */
  want(relPath: string): void {
    if (this.modules.has(relPath)) return;
    if (this.insisting) {
      // Asked for whatever its text names (see `insist`): a file declined before is asked for again.
      this.declined.delete(relPath);
      this.insisted.add(relPath);
    }
    // A declined file is not asked for again, but an answer that met it holds only until it is parsed after all.
    if (this.declined.has(relPath)) return this.frames.miss(relPath);
    this.wanted.add(relPath);
    this.frames.miss(relPath);
  }

  private insisting = 0;
  private readonly insisted = new Set<string>();

  /**
   * Run `f`, asking for the files it misses whatever their text names (the
   * pipeline parses them even if not relevant): for values that decide a
   * proof, such as the category id a consent check compares against, which a
   * module naming no SDK or CMP may hold (`CONFIG.CONSENT.GROUP`).
   */
  insist<T>(f: () => T): T {
    this.insisting++;
    try {
      return f();
    } finally {
      this.insisting--;
    }
  }

  /** Was the file asked for by `insist` (parsed whatever its text names)? */
  isInsisted(relPath: string): boolean {
    return this.insisted.has(relPath);
  }

  /** What each computation in progress missed (see `./snapshot.ts`). */
  readonly frames = new Frames();

  /** Reusing an answer that missed these files misses them again (they are asked for anew). */
  replay(missed: Set<string>): void {
    for (const rel of missed) this.want(rel);
  }

  /** A mark in the list of asks, for `forgetAsksSince`. */
  asksMark(): number {
    return this.wanted.size;
  }

  /**
   * Drop the asks made since `mark` (they still count as misses, and answers
   * remembered meanwhile ask again when reused). For lookups whose misses are
   * not reasons to parse, such as references sought among the parsed units.
   */
  forgetAsksSince(mark: number): void {
    if (this.wanted.size <= mark) return;
    const keep = [...this.wanted].slice(0, mark);
    this.wanted.clear();
    for (const rel of keep) this.wanted.add(rel);
  }

  /** The files asked for since the last call, not parsed yet; the list starts afresh. */
  takeWanted(): string[] {
    const out = [...this.wanted].filter((rel) => !this.modules.has(rel));
    this.wanted.clear();
    return out;
  }

  /**
   * The pipeline's round. Growing facts without a finer version of their own
   * (references in other modules, the providers of contexts, parameters met
   * again inside their own evaluation) are read as this one fact: an answer
   * that read them holds for one round.
   */
  private epochs = 0;
  private stamps = 0;
  /** Moves with each module parsed and each round (`SnapshotClock`): remembered answers are re-checked only then. */
  get stamp(): number {
    return this.stamps;
  }
  readonly roundFact: GrowingFact = { version: () => this.epochs };

  /** A new round: only the pipeline calls this. */
  nextEpoch(): void {
    this.epochs++;
    this.stamps++;
  }

  /** The snapshot's size: per-module indexes (call sites, providers) grow with it. */
  get generation(): number {
    return this.parsed.length;
  }

  /**
   * Parse a file into the snapshot (idempotent). Only the pipeline calls
   * this: the analysis asks through `module()`/`want()`, and the pipeline
   * decides what is worth parsing.
   */
  load(relPath: string): ModuleInfo | undefined {
    const cached = this.modules.get(relPath);
    if (cached !== undefined) return cached ?? undefined;
    this.declined.delete(relPath); // an importer the expansion needs after all
    return this.parse(relPath);
  }

  private parse(relPath: string): ModuleInfo | undefined {
    const file = this.files.get(relPath);
    if (!file) {
      this.modules.set(relPath, null);
      return undefined;
    }
    const parsed = this.parser(file);
    const info: ModuleInfo = {
      file: relPath,
      scripts: [],
      errors: [...parsed.errors],
      frameworkEntries: new Map(),
      ...(parsed.templateTags && { templateTags: parsed.templateTags }),
    };
    this.modules.set(relPath, info);
    for (const s of parsed.scripts) {
      try {
        info.scripts.push(new ScriptIndex(s, info));
      } catch (e) {
        // Absurd nesting can exhaust the stack: the file is reported, the scan goes on.
        info.errors.push({
          file: s.file,
          line: 1,
          column: 1,
          kind: 'unsupported',
          message: `could not analyse: ${(e as Error).message}`,
        });
      }
    }
    try {
      bindComponents(info, this.files, (rel) => this.templatesRead.add(rel));
    } catch (e) {
      info.errors.push({
        file: relPath,
        line: 1,
        column: 1,
        kind: 'unsupported',
        message: `could not analyse the component templates: ${(e as Error).message}`,
      });
    }
    this.checkImports(info);
    this.parsed.push(info);
    this.stamps++;
    return info;
  }

  /**
   * Imports of a parsed file that resolution cannot follow, reported rather
   * than missed: a tsconfig that cannot be read, a `paths` alias whose targets
   * do not exist, a module that is not a known SDK module but whose name
   * carries an SDK token (a fork, a webpack alias: map it with `moduleAliases`).
   */
  private checkImports(info: ModuleInfo): void {
    const rel = info.file;
    for (const cfg of this.configsOf(rel)) {
      if (cfg.problem && !this.resolutionErrors.has(cfg.problem.configFile)) {
        this.resolutionErrors.set(cfg.problem.configFile, {
          file: cfg.problem.configFile,
          line: cfg.problem.line ?? 1,
          column: 1,
          kind: 'unresolved',
          message: cfg.problem.message,
        });
      }
    }
    const seen = new Set<string>();
    // A problem of the project's aliases is reported once, at its first import, with how many parsed files meet it.
    const counted = new Set<string>();
    const once = (
      key: string,
      first: string,
      at: () => { file: string; line: number; column: number },
      describe: (first: string, files: string) => string,
    ) => {
      if (counted.has(key)) return;
      counted.add(key);
      const files = (this.aggregatedFiles.get(key) ?? 0) + 1;
      this.aggregatedFiles.set(key, files);
      const count = files === 1 ? 'this file imports' : `${files} analysed files import`;
      const known = this.resolutionErrors.get(key);
      if (known) known.message = describe(/^'([^']*)'/.exec(known.message)![1], count);
      else this.resolutionErrors.set(key, { ...at(), kind: 'unresolved', message: describe(first, count) });
    };
    for (const index of info.scripts) {
      for (const source of moduleSources(index)) {
        const specifier = source.value;
        if (seen.has(specifier)) continue;
        seen.add(specifier);
        // A position is computed only for a problem (most imports have none).
        const at = () => ({
          file: index.script.file,
          line: locOf(source)?.start.line ?? 1,
          column: (locOf(source)?.start.column ?? 0) + 1,
        });
        const relative = specifier.startsWith('.') || specifier.startsWith('/');
        const outside = relative ? undefined : this.babelAliasOutsideRoot(rel, specifier);
        if (outside) {
          once(
            `babel-outside:${outside.configFile}:${outside.alias}`,
            specifier,
            at,
            (first, files) =>
              `'${first}' matches the module-resolver alias "${outside.alias}" of ${outside.configFile}, whose target ${outside.target} is outside the scan root (${files} through it): such imports are not followed; scan the folder that holds both`,
          );
          continue;
        }
        const problem = relative ? this.relativeImportProblem(rel, specifier) : this.importProblem(rel, specifier);
        if (problem) {
          info.errors.push({ ...at(), kind: 'unresolved', message: problem });
          continue;
        }
        // `@/x`, `~/x`: no package can be named so; an app alias of the bundler that no tsconfig/jsconfig declares.
        if (!APP_ALIAS.test(specifier)) continue;
        const target = this.resolveIn(rel, specifier);
        if (!target || !('package' in target) || this.aliasesOf(rel).some((a) => a.match(specifier).pattern)) continue;
        const prefix = specifier.slice(0, specifier.indexOf('/') + 1);
        once(
          `alias:${prefix}`,
          specifier,
          at,
          (first, files) =>
            `'${first}' is an app alias of the bundler that no tsconfig/jsconfig \`paths\` declares (${files} through '${prefix}…'): such imports are not followed; declare it, e.g. jsconfig.json { "compilerOptions": { "paths": { "${prefix}*": ["./src/*"] } } }`,
        );
      }
    }
  }

  /** A module-resolver alias whose target lies outside the scan root (a package of a monorepo scanned alone). */
  private babelAliasOutsideRoot(
    fromFile: string,
    specifier: string,
  ): { configFile: string; alias: string; target: string } | undefined {
    const aliases = this.babelAliases.forFile(fromFile)?.aliases;
    const m = aliases?.match(specifier);
    if (!aliases || m?.pattern === undefined || m.target === undefined) return undefined;
    const target = this.toRel(m.target);
    return target === '..' || target.startsWith('../') || isAbsolute(target)
      ? { configFile: aliases.configFile, alias: m.pattern, target }
      : undefined;
  }

  /** The configs governing a file's imports: its tsconfig, then its Babel config. */
  private configsOf(relPath: string): LoadedConfig[] {
    const out: LoadedConfig[] = [];
    const tsconfig = this.tsconfigs.forFile(relPath);
    const babel = this.babelAliases.forFile(relPath);
    const workspace = this.workspaces.forFile(relPath);
    if (tsconfig) out.push(tsconfig);
    if (babel) out.push(babel);
    if (workspace) out.push(workspace);
    return out;
  }

  /** The aliases governing a file: its tsconfig's `paths`, then its Babel config's module-resolver. */
  private aliasesOf(relPath: string): PathAliases[] {
    return this.configsOf(relPath).flatMap((cfg) => (cfg.aliases ? [cfg.aliases] : []));
  }

  /** A relative import into build output (`./vendor/lp`), which discovery leaves out by default: followed nowhere, so reported. */
  private relativeImportProblem(fromFile: string, specifier: string): string | undefined {
    if (this.resolveIn(fromFile, specifier)) return undefined;
    const base = posix.normalize(
      specifier.startsWith('/') ? specifier.slice(1) : posix.join(posix.dirname(fromFile), specifier),
    );
    const dir = base.split('/').find((seg) => BUILD_OUTPUT_DIRS.includes(seg));
    if (!dir || base.startsWith('../') || !existsWithSourceExtension(posix.join(this.root, base))) return undefined;
    return `'${specifier}' leads into ${dir}/, which is skipped by default as build output: the import is not followed; name the folder in the config's "include" (e.g. "${base.slice(0, base.indexOf(dir) + dir.length)}/**") to analyse it`;
  }

  private importProblem(fromFile: string, written: string): string | undefined {
    const specifier = withoutQuery(written);
    const target = this.resolveIn(fromFile, specifier);
    if (!target || 'file' in target) return undefined;
    for (const aliases of this.aliasesOf(fromFile)) {
      const m = aliases.match(specifier);
      if (
        !aliases.missingIsPackage &&
        m.pattern !== undefined &&
        m.pattern !== '*' &&
        !m.renamed &&
        !inPackages(m.candidates) &&
        !m.candidates.some(existsWithSourceExtension)
      )
        return `'${specifier}' matches ${aliases.kind} "${m.pattern}" of ${aliases.configFile}, but none of its targets exists (${m.candidates.map((c) => this.toRel(c)).join(', ')}): the import is not followed`;
    }
    return this.unknownSdkModule(specifier, target.package);
  }

  /** A package no policy knows that may be an SDK: its name carries a token, or it lies in a vendor's scope. */
  private unknownSdkModule(specifier: string, pkg: string): string | undefined {
    const sdk = this.options.sdkModules;
    if (
      !sdk ||
      sdk.known.has(pkg) ||
      sdk.knownPrefixes.some((p) => pkg.startsWith(p)) ||
      this.options.moduleAliases?.[specifier] !== undefined ||
      this.options.moduleAliases?.[pkg] !== undefined
    )
      return undefined;
    const scope = pkg.startsWith('@') ? pkg.slice(0, pkg.indexOf('/')) : undefined;
    // The vendor's own scope: a package there that no policy names may be another of its SDKs
    // (`@amplitude/unified`), whatever its name says.
    const vendor = scope === undefined ? undefined : sdk.vendorScopes.get(scope);
    if (vendor)
      return `'${specifier}' is published in ${scope}, the ${vendor.sdk} vendor's npm scope, but no policy knows it: if it runs that SDK, map it in the config, e.g. "moduleAliases": { "${pkg}": "${vendor.module}" }; calls through it are not checked until then. If it is another product (no SDK), map it to itself: "moduleAliases": { "${pkg}": "${pkg}" }`;
    // Another scope of a known module's publisher (`@angular/fire`'s): its other packages are no fork of an SDK.
    if (scope !== undefined && sdk.scopes.has(scope)) return undefined;
    const lower = pkg.toLowerCase();
    for (const [token, suggestion] of sdk.tokens) {
      if (!lower.includes(token)) continue;
      return `'${specifier}' is not a module any policy knows, but its name suggests the ${token} SDK: if it is that SDK (a fork, a bundler alias), map it in the config, e.g. "moduleAliases": { "${pkg}": "${suggestion}" }; calls through it are not checked until then. If it is not (another library), map it to itself: "moduleAliases": { "${pkg}": "${pkg}" }`;
    }
    return undefined;
  }

  private toRel(abs: string): string {
    return relative(this.root, abs).split('\\').join('/');
  }

  isParsed(relPath: string): boolean {
    return this.modules.has(relPath);
  }

  /**
   * Where an import specifier written in `fromFile` leads. Remembered (see
   * `resolveIn`): the answer is shared, not to be modified.
   */
  resolveImport(fromFile: string, specifier: string): ImportTarget | undefined {
    return this.resolveIn(fromFile, specifier);
  }

  private resolveUncached(fromFile: string, specifier: string): ImportTarget | undefined {
    specifier = withoutQuery(specifier);
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      const base = specifier.startsWith('/') ? specifier.slice(1) : posix.join(posix.dirname(fromFile), specifier);
      const file = this.probe(posix.normalize(base));
      return file ? { file } : undefined;
    }
    const mapped = this.moduleAlias(specifier);
    if (mapped) return mapped;
    for (const aliases of this.aliasesOf(fromFile)) {
      const m = aliases.match(specifier);
      if (m.renamed) return { package: packageName(m.renamed), specifier: m.renamed };
      for (const candidate of m.candidates) {
        const rel = this.toRel(candidate);
        if (rel.startsWith('../') || rel === '..' || isAbsolute(rel)) continue;
        const file = this.probe(rel);
        if (file) return { file };
      }
      const named = aliasedPackage(m);
      if (named) return { package: packageName(named), specifier: named };
    }
    return { package: packageName(specifier), specifier };
  }

  /** Config `moduleAliases`: an exact specifier, or its package name (then the subpath is kept). */
  private moduleAlias(specifier: string): ImportTarget | undefined {
    const table = this.options.moduleAliases;
    if (!table) return undefined;
    const exact = table[specifier];
    if (exact !== undefined) return { package: packageName(exact), specifier: exact };
    const pkg = packageName(specifier);
    const byPackage = table[pkg];
    if (byPackage === undefined) return undefined;
    const mapped = byPackage + specifier.slice(pkg.length);
    return { package: packageName(mapped), specifier: mapped };
  }

  /**
   * What module resolution read besides the file list: every config that
   * governs a listed file, as resolved (its `extends` chain included), or the
   * reason it could not be read. The cache compares it.
   */
  resolutionFingerprint(): string {
    return fingerprintOf([this.tsconfigs, this.babelAliases, this.workspaces], this.files.keys());
  }

  private readonly variants = new Map<string, string[]>();

  /**
   * The other files an import resolved to `file` may load instead: React
   * Native and bundlers pick `x.ios.ts`, `x.android.ts`, `x.native.ts` or
   * `x.web.ts` over `x.ts` by platform, so any of them may be the one that runs.
   */
  platformVariants(file: string): string[] {
    let out = this.variants.get(file);
    if (out) return out;
    const m = /^(.*?)(\.[cm]?[jt]sx?)$/.exec(file.replace(PLATFORM_SUFFIX, ''));
    out = [];
    if (m)
      for (const ext of ['', ...PLATFORMS])
        for (const e of SCRIPT_EXTENSIONS) {
          const other = `${m[1]}${ext}${e}`;
          if (other !== file && this.files.has(other)) out.push(other);
        }
    this.variants.set(file, out);
    return out;
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

  /** Import specifiers written in a file (text scan; no parse). */
  specifiers(relPath: string): string[] {
    return this.scanned(relPath).literal;
  }

  /** The path prefixes of the modules a file's computed specifiers may load ('' = any module): see specifiers.ts. */
  computedLoads(relPath: string): string[] {
    return this.scanned(relPath).computed;
  }

  private scanned(relPath: string): FileSpecifiers {
    let found = this.specifierCache.get(relPath);
    if (!found)
      this.specifierCache.set(relPath, (found = scanSpecifiers(relPath, this.files.get(relPath)?.text ?? '')));
    return found;
  }

  /** Grows as files are parsed: what a computed specifier may load is every parsed module it admits. */
  readonly parsedFact: GrowingFact = { version: () => this.parsed.length };

  /** The parsed modules a computed load may name (`at`: from `loadPrefix`, root-relative; undefined: none). */
  modulesAdmitted(at: string | undefined): ModuleInfo[] {
    if (at === undefined) return [];
    this.frames.read(this.parsedFact);
    return this.parsed.filter((m) => prefixAdmits(at, m.file));
  }

  /**
   * Files that mention one of `re`'s tokens, or import (transitively, by text)
   * a file that does: the only files through which a value can lead to an SDK
   * or a consent check.
   */
  private tokenClosure(re: RegExp): (relPath: string) => boolean {
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
          const r = this.resolveIn(rel, spec);
          if (!r) continue;
          if ('package' in r) {
            if (re.test(r.specifier)) {
              memo.set(start, true);
              return true;
            }
          } else {
            for (const f of [r.file, ...this.platformVariants(r.file)]) {
              if (seen.has(f) || memo.get(f) === false) continue;
              seen.add(f);
              queue.push(f);
            }
          }
        }
      }
      // Nothing reachable mentions a token: true of every file visited.
      for (const rel of seen) memo.set(rel, false);
      return false;
    };
  }

  private relevance: ((relPath: string) => boolean) | undefined;

  /** Can a value in this file lead to an SDK or a consent check (see `relevantTokens`)? A text-level fact. */
  relevant(relPath: string): boolean {
    const tokens = this.options.relevantTokens;
    if (!tokens) return true;
    if (!this.relevance) {
      const aliases = this.sdkAliasNames().map(escapeRegExp);
      this.relevance = this.tokenClosure(aliases.length ? new RegExp(`${tokens.source}|${aliases.join('|')}`) : tokens);
    }
    return this.relevance(relPath);
  }

  private aliasNames: string[] | undefined;

  /**
   * What files importing an SDK through a tsconfig or Babel alias hold in their text
   * (`import lp from 'lp'` with `"lp": ["./node_modules/leanplum-sdk"]`, Babel's
   * `engage: 'leanplum-sdk'`): they name no SDK, so these are tokens of the SDK too.
   * Every folder's configs are read (as the `--cache` fingerprint reads them).
   */
  sdkAliasNames(): string[] {
    if (this.aliasNames) return this.aliasNames;
    const known = this.options.sdkModules?.known;
    const out = new Set<string>();
    const seen = new Set<PathAliases>();
    for (const dir of foldersOf(this.files.keys())) {
      for (const cfg of [this.tsconfigs.forDir(dir), this.babelAliases.forDir(dir), this.workspaces.forDir(dir)]) {
        const aliases = cfg?.aliases;
        if (!aliases || seen.has(aliases)) continue;
        seen.add(aliases);
        for (const { specifier, text } of aliases.names()) {
          const named = aliasedPackage(aliases.match(specifier));
          if (named && known?.has(packageName(named)) && text.length > 1) out.add(text);
        }
      }
    }
    return (this.aliasNames = [...out]);
  }

  /**
   * The importer index: every specifier of every file, as entry numbers (the
   * file in `importFrom`, the specifier in `importSpec`: flat arrays rather than
   * 35k small tuples) under the stem of what it names.
   */
  private importIndex: Map<string, number[]> | undefined;
  private readonly importFrom: string[] = [];
  private readonly importSpec: string[] = [];

  /**
   * Import resolution, remembered (the importer index and the relevance
   * closure resolve every specifier of thousands of files, the analysis every
   * import it follows, many times): a relative specifier resolves alike from
   * every file of a directory, a bare one from every file its configs govern.
   */
  private resolveIn(
    fromFile: string,
    specifier: string,
    scope = this.resolutionScope(fromFile, specifier),
  ): ImportTarget | undefined {
    let r = scope.get(specifier);
    if (r === undefined && !scope.has(specifier)) scope.set(specifier, (r = this.resolveUncached(fromFile, specifier)));
    return r;
  }

  /** Remembered resolutions per scope (`/`, `d:<dir>`, `c:<tsconfig>`), each keyed by the specifier alone. */
  private readonly resolved = new Map<string, Map<string, ImportTarget | undefined>>();

  private resolutionScope(fromFile: string, specifier: string): Map<string, ImportTarget | undefined> {
    const key = specifier.startsWith('/')
      ? '/'
      : specifier.startsWith('.')
        ? `d:${posix.dirname(fromFile)}`
        : `c:${this.tsconfigs.forFile(fromFile)?.configFile ?? ''}:${this.babelAliases.forFile(fromFile)?.configFile ?? ''}`;
    let scope = this.resolved.get(key);
    if (!scope) this.resolved.set(key, (scope = new Map<string, ImportTarget | undefined>()));
    return scope;
  }

  /**
   * Files that import `target` (resolved), from a text scan of every file's
   * specifiers, indexed once by their last path segment so only plausible
   * candidates are resolved.
   */
  importersOf(target: string): string[] {
    const index = (this.importIndex ??= this.buildImportIndex());
    const base = importStem(target).replace(PLATFORM_SUFFIX, '');
    const candidates = [...(index.get(base) ?? [])];
    // `./dir` imports `dir/index.ts`.
    if (base === 'index') candidates.push(...(index.get(importStem(posix.dirname(target))) ?? []));
    // Nuxt's auto-imports: the files of its app whose text names an export of `target`.
    const out = new Set<string>(this.autoImports.users(target));
    // A computed specifier (`import(\`./plugins/${name}\`)`) may load `target`.
    for (const [rel, prefixes] of this.computedLoaders)
      if (rel !== target && prefixes.some((p) => prefixAdmits(p, target))) out.add(rel);
    for (const entry of candidates) {
      const rel = this.importFrom[entry];
      const spec = this.importSpec[entry];
      if (rel === target || out.has(rel)) continue;
      const r = this.resolveIn(rel, spec);
      if (r && 'file' in r && r.file === target) out.add(rel);
      // An undeclared bundler alias (`@/sdk/lp`) may well mean `target`: parsed, its import is reported (see checkImports).
      else if (r && 'package' in r && APP_ALIAS.test(spec)) out.add(rel);
    }
    return [...out];
  }

  /** Files with computed specifiers, and their prefixes (filled with the importer index). */
  private readonly computedLoaders = new Map<string, string[]>();

  private buildImportIndex(): Map<string, number[]> {
    const index = new Map<string, number[]>();
    const add = (key: string, entry: number) => {
      const list = index.get(key);
      if (list) list.push(entry);
      else index.set(key, [entry]);
    };
    // A folder's aliases and its resolutions of bare specifiers, looked up when one needs them, once
    // for a run of files of that folder (files are listed folder by folder).
    let folder: string | undefined;
    let folderAliases: PathAliases[] | undefined;
    let bareScope: Map<string, ImportTarget | undefined> | undefined;
    for (const rel of this.files.keys()) {
      const dir = rel.slice(0, rel.lastIndexOf('/') + 1);
      if (dir !== folder) {
        folder = dir;
        folderAliases = bareScope = undefined;
      }
      const computed = this.computedLoads(rel);
      if (computed.length) this.computedLoaders.set(rel, computed);
      for (const spec of this.specifiers(rel)) {
        const entry = this.importFrom.length;
        this.importFrom.push(rel);
        this.importSpec.push(spec);
        const key = importStem(withoutQuery(spec));
        add(key, entry);
        // A tsconfig alias may name its target otherwise (`"@lp": ["src/sdk/lp.ts"]`), and so does a
        // directory written as `.` or `..` (its `index` file): index the target's name too. An alias
        // keeping the last segment (`@/x/Foo` -> `src/x/Foo`) needs no resolution here.
        const bare = !spec.startsWith('.') && !spec.startsWith('/');
        const last = spec.charCodeAt(spec.length - 1);
        const directory = (last === 46 /* . */ || last === 47) /* / */ && DIRECTORY_SPECIFIER.test(spec);
        if (bare && !folderAliases) folderAliases = this.aliasesOf(rel);
        if (directory || (bare && folderAliases!.some((a) => !a.keepsLastSegment(spec)))) {
          const r = this.resolveIn(rel, spec, bare ? (bareScope ??= this.resolutionScope(rel, spec)) : undefined);
          if (r && 'file' in r) {
            const other = importStem(r.file);
            if (other !== key) add(other, entry);
          }
        }
      }
    }
    return index;
  }

  /** Does `file` re-export from `target` (`export … from`, `export *`)? Text scan. */
  reExports(file: string, target: string): boolean {
    const text = this.files.get(file)?.text ?? '';
    const re =
      /\bexport\s+(?:\*|\{[^}]*\}|\*\s+as\s+\w+)\s*from\s*['"]([^'"\n]+)['"]|module\.exports\s*=\s*require\(\s*['"]([^'"\n]+)['"]/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const r = this.resolveIn(file, m[1] ?? m[2]);
      if (r && 'file' in r && r.file === target) return true;
    }
    return false;
  }

  /**
   * Does `file` hold the whole module `target` as one value (`import * as m`, `require('./x')`,
   * `import('./x')`, `import m = require('./x')`), through which any export can be reached
   * without being named? Text scan.
   */
  importsWhole(file: string, target: string): boolean {
    if (this.computedLoads(file).some((p) => prefixAdmits(p, target))) return true;
    const text = this.files.get(file)?.text ?? '';
    const re =
      /\bimport\s+(?:[\w$]+\s*,\s*)?\*\s*as\s+[\w$]+\s*from\s*['"]([^'"\n]+)['"]|\b(?:require|import)\s*\(\s*['"]([^'"\n]+)['"]/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const r = this.resolveIn(file, m[1] ?? m[2]);
      if (r && 'file' in r && r.file === target) return true;
    }
    return false;
  }

  /** The files that may contain a search literal, in file order (computed once), and the literals (ASCII lower case). */
  private census: { files: string[]; literals: Set<string> } | undefined;

  /**
   * The files whose text `re` matches, in file order. `literals`: strings of
   * which every match of `re` contains at least one. When all of them are among
   * the project's `searchLiterals`, only the files the shared prefilter pass
   * kept are tested (a file with none of them cannot match); otherwise every file is.
   */
  filesMatching(re: RegExp, literals: Iterable<string>): string[] {
    let pool: Iterable<string> = this.files.keys();
    const wanted = [...literals].map(asciiLower);
    const census = wanted.length && !wanted.includes('') ? this.searchCensus() : undefined;
    if (census && wanted.every((l) => census.literals.has(l))) pool = census.files;
    const out: string[] = [];
    for (const rel of pool) if (re.test(this.files.get(rel)!.text)) out.push(rel);
    return out;
  }

  private searchCensus(): { files: string[]; literals: Set<string> } | undefined {
    if (this.census) return this.census;
    const literals = this.options.searchLiterals ?? [];
    const re = literalPrefilter(literals);
    if (!re) return undefined;
    const files: string[] = [];
    for (const [rel, f] of this.files) if (re.test(f.text)) files.push(rel);
    return (this.census = { files, literals: new Set(literals.map(asciiLower)) });
  }

  errors(): AnalysisError[] {
    return [...this.resolutionErrors.values(), ...this.parsed.flatMap((m) => m.errors)];
  }
}

/** The folders of root-relative paths, each once (`''`: the root): thousands of files share a few hundred. */
function foldersOf(relPaths: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const rel of relPaths) {
    const slash = rel.lastIndexOf('/');
    dirs.add(slash < 0 ? '' : rel.slice(0, slash));
  }
  return dirs;
}

/** `"react": ["./node_modules/@types/react"]`: a package's own files (not installed here), as any package import. */
function inPackages(candidates: string[]): boolean {
  return candidates.length > 0 && candidates.every((c) => /[\\/]node_modules[\\/]/.test(c));
}

/** The package an alias stands for: the module it renames, or the one its target lies in under node_modules. */
function aliasedPackage(m: AliasMatch): string | undefined {
  if (m.renamed) return m.renamed;
  // `"lp": ["./node_modules/leanplum-sdk"]`, `"react": ["./node_modules/@types/react"]`.
  return inPackages(m.candidates) ? installedPackage(m.candidates[0]) : undefined;
}

/** The module a path into node_modules names (`…/node_modules/@types/react/index` -> `react/index`). */
function installedPackage(path: string): string {
  const p = path.split('\\').join('/');
  const rest = p.slice(p.lastIndexOf('/node_modules/') + '/node_modules/'.length);
  if (!rest.startsWith('@types/')) return rest;
  // DefinitelyTyped names `@scope/name` as `@types/scope__name`.
  const typed = rest.slice('@types/'.length);
  return typed.includes('__') ? `@${typed.replace('__', '/')}` : typed;
}

/** A bundler's query (`./app.css?url`, `./icon.svg?react`, `./worker?worker`) picks how a file is loaded, not which. */
function withoutQuery(specifier: string): string {
  const query = specifier.indexOf('?');
  return query > 0 ? specifier.slice(0, query) : specifier;
}

/** A specifier naming a directory by `.` or `..` (its `index` file). */
const DIRECTORY_SPECIFIER = /(?:^|\/)\.\.?\/*$/;

/**
 * Last path segment of a specifier or file, without extension: the key of the
 * importer index (as `path.replace(/\/+$/, '').split('/').pop().replace(/\.[^.]*$/, '')`,
 * without the regular expressions and arrays, for every specifier of every file).
 */
export function importStem(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47 /* / */) end--;
  const start = end === 0 ? 0 : path.lastIndexOf('/', end - 1) + 1;
  const dot = path.lastIndexOf('.', end - 1);
  return path.slice(start, dot >= start ? dot : end);
}

/** Lower case of ASCII letters only, as `literalPrefilter` folds them. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** `@/x`, `~/x`, `~~/x`, `#/x`: no npm package is named so; bundlers' app-root aliases. */

const DISK_EXTENSIONS = ['', ...EXTENSIONS, '.d.ts', '.json', '.css', '.scss', '.svg'];

/** Does an alias target exist on disk (as a file, with a source extension, or as a directory)? */
function existsWithSourceExtension(abs: string): boolean {
  for (const ext of DISK_EXTENSIONS) if (existsSync(abs + ext)) return true;
  return false;
}

/**
 * `import type …`, `export type … from`: erased at build, so no module is loaded.
 * (`import { type A } from 'x'` is not: under `verbatimModuleSyntax` it still loads `x`.)
 */
function typeOnly(n: t.ImportDeclaration | t.ExportAllDeclaration | t.ExportNamedDeclaration): boolean {
  return n.type === 'ImportDeclaration'
    ? n.importKind === 'type' || n.importKind === 'typeof'
    : n.exportKind === 'type';
}

/** The module names a script imports: declarations, re-exports, `require('x')`, `import('x')`, `import x = require('x')`. */
function moduleSources(index: ScriptIndex): t.StringLiteral[] {
  const out: t.StringLiteral[] = [];
  for (const n of index.nodes) {
    if (
      (n.type === 'ImportDeclaration' || n.type === 'ExportAllDeclaration' || n.type === 'ExportNamedDeclaration') &&
      n.source
    ) {
      // A type-only import runs nothing.
      if (!typeOnly(n)) out.push(n.source);
    } else if (n.type === 'TSExternalModuleReference') out.push(n.expression);
    else if (
      (n.type === 'CallExpression' &&
        ((n.callee.type === 'Identifier' && n.callee.name === 'require') || n.callee.type === 'Import')) ||
      n.type === 'ImportExpression'
    ) {
      const arg = n.type === 'ImportExpression' ? n.source : n.arguments[0];
      if (arg?.type === 'StringLiteral') out.push(arg);
    }
  }
  return out;
}

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The SDK modules policies with rules name as receivers, and their name tokens (for `Project`'s unknown-SDK-module report). */
export function sdkModulesOf(policies: Policy[]): SdkModules {
  const known = new Set<string>();
  const tokens = new Map<string, string>();
  const methods = new Set<string>();
  const scopes = new Set<string>();
  const vendorScopes = new Map<string, { sdk: string; module: string }>();
  const knownPrefixes: string[] = [];
  for (const p of policies) {
    if (!p.rules.length) continue;
    const modules = sinkModules(p, methods);
    modules.forEach((m) => known.add(m));
    for (const m of p.otherModules ?? [])
      if (m.endsWith('*')) knownPrefixes.push(m.slice(0, -1));
      else known.add(m);
    for (const m of modules) if (m.startsWith('@')) scopes.add(m.slice(0, m.indexOf('/')));
    for (const scope of p.scopes ?? [])
      vendorScopes.set(scope, {
        sdk: p.name ?? p.id,
        module: modules.find((m) => m.startsWith(`${scope}/`)) ?? modules[0] ?? scope,
      });
    for (const token of p.tokens) {
      const lower = token.toLowerCase();
      if (lower.length < 4 || tokens.has(lower)) continue;
      tokens.set(lower, modules.find((m) => m.toLowerCase().includes(lower)) ?? modules[0] ?? lower);
    }
  }
  return { known, tokens, methods, scopes, vendorScopes, knownPrefixes };
}

/** The packages a policy's sinks name as receivers; the segments of their methods join `methods`. */
function sinkModules(p: Policy, methods: Set<string>): string[] {
  const modules: string[] = [];
  for (const r of p.rules)
    for (const s of r.sinks) {
      for (const o of s.receivers) if ('module' in o) modules.push(packageName(o.module));
      // A type can name only a module's SDK: a global's commands (`ga('send')`) would send every
      // `x.send()` of a TypeScript file to the type checker.
      if (s.receivers.some((o) => 'module' in o))
        for (const m of s.methods) for (const part of m.split('.')) methods.add(part);
    }
  return modules;
}

/**
 * Policies with the config's `moduleAliases` keys added to the tokens of the
 * policy whose SDK module they map to: a file importing an alias mentions no
 * SDK by name, and must still be found.
 */
export function withModuleAliasTokens(policies: Policy[], aliases: Record<string, string> | undefined): Policy[] {
  if (!aliases || !Object.keys(aliases).length) return policies;
  return policies.map((p) => {
    const modules = new Set(
      p.rules.flatMap((r) =>
        r.sinks.flatMap((s) => s.receivers.flatMap((o) => ('module' in o ? [packageName(o.module)] : []))),
      ),
    );
    const extra = Object.entries(aliases)
      .filter(([, to]) => modules.has(packageName(to)))
      .map(([from]) => from);
    return extra.length ? { ...p, tokens: [...p.tokens, ...extra] } : p;
  });
}

/** `Project.resolutionFingerprint` of a project holding `relPaths` under `root`, without their text (`--cache`). */
export function resolutionFingerprint(root: string, relPaths: Iterable<string>): string {
  const workspaces = new WorkspaceIndex(root);
  return fingerprintOf(
    [new TsconfigIndex(root, (spec) => workspaces.packageFile(spec)), new BabelAliasIndex(root), workspaces],
    relPaths,
  );
}

/** What module resolution reads besides the file list: every tsconfig and Babel config governing a listed file. */
function fingerprintOf(
  indexes: (TsconfigIndex | BabelAliasIndex | WorkspaceIndex)[],
  relPaths: Iterable<string>,
): string {
  const dirs = foldersOf(relPaths);
  for (const index of indexes) for (const dir of dirs) index.forDir(dir);
  return indexes
    .flatMap((index) => index.configs())
    .map((c) => JSON.stringify([c.configFile, c.resolved ?? c.problem?.message]))
    .sort()
    .join('\n');
}
