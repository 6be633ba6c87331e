/**
 * Public API of consent-lint. The CLI (src/commands) is a thin shell over `scan`:
 * what `scan()` and `checkSource()` return is what the CLI reports (suppression
 * directives applied, finding identities and fingerprints set, the baseline
 * applied when one is given).
 *
 *   discover -> parse -> program -> sinks -> flow -> guards -> proof -> report
 */
import { posix, relative, resolve } from 'node:path';
import { listCandidates, NoMatchingFilesError, readCandidates } from './discover/index.js';
import type { Candidates, FileStamps } from './discover/index.js';
import type { Config, DiscoveredFile, Discovery, Policy, ResultDocument, RuleSpec, ScriptLanguage } from './model.js';
import { parseFile } from './parse/index.js';
import type { CachedAnalysis } from './cache/index.js';
import {
  analyse,
  analyseAsync,
  DIRECTIVE_LITERAL,
  unreadNamingSdk,
  projectOptions,
  rulesInForce,
  seedFiles,
  seedTokens,
  timing,
} from './pipeline.js';
import { configPolicies, ConfigError, resolvePolicies } from './policy/index.js';
import { isNativeFile, nativeInputs, nativeRulesInForce } from './native/inputs.js';
import { Project, withModuleAliasTokens } from './program/index.js';
import { applyBaseline, identifyFindings, type Baseline, type BaselineResult } from './baseline/index.js';
import { applySuppressions, directiveRules } from './suppress/index.js';

export * from './model.js';

export interface ScanOptions {
  /** Scan root (absolute). `file` fields of the report are relative to it. */
  root: string;
  /** When given (absolute file paths), findings are reported only for these files; analysis still covers the project. */
  onlyFiles?: string[];
  /** Validated config (undefined: zero config). */
  config?: Config;
  /** Policies in force (default: the config's list, else all built-in policies). */
  policies?: Policy[];
  /** Reuse the previous analysis stored in this file when none of its inputs changed (`--cache`). */
  cacheFile?: string;
  /** Called with a short description of each step (progress display). */
  onProgress?: (step: string) => void;
  /** Drop the findings this baseline records (read it with `readBaseline`). */
  baseline?: Baseline;
  /**
   * Files the baseline is judged on: entries of other files are neither matched
   * nor stale. Default: `onlyFiles` when given, else every file.
   */
  baselineScope?: (relPath: string) => boolean;
  /** Per-file analysis time budget in ms (`--timeout`): a file over it is reported and its sinks become findings. */
  fileTimeoutMs?: number;
  /** Whole-run analysis time budget in ms (`--total-timeout`). */
  runTimeoutMs?: number;
  /**
   * `--no-prune`: parse every source file up front and never narrow on-demand
   * parsing (slower; the same findings as the default, which the tests check).
   */
  exhaustive?: boolean;
}

export interface ScanResult {
  /** Suppressions applied (suppressed findings kept, marked), identities set, baselined findings removed. */
  document: ResultDocument;
  /** Every rule of the policies in force plus the `consent-lint/*` directive rules (SARIF rule metadata, explain). */
  rules: RuleSpec[];
  /** relPath -> source text of every file that has a finding or error, or a suppression directive (code frames). */
  sources: Map<string, string>;
  /** What the baseline did, when one was given: matched, stale entries, and the file's upgraded form. */
  baseline?: Omit<BaselineResult, 'document'>;
}

interface Finishing {
  rules: RuleSpec[];
  config?: Config;
  /** Texts of the files directives are read from. */
  sources: Map<string, string>;
  /** Reporting restriction (scan's onlyFiles), applied after identities are numbered. */
  only?: (file: string) => boolean;
  baseline?: Baseline;
  baselineScope?: (file: string) => boolean;
}

/**
 * Everything between the analysis and the reporters, shared by scan() and
 * checkSource(): suppression directives, identities and fingerprints (over the
 * whole result, so ordinals do not depend on the reporting scope), the
 * reporting restriction, then the baseline.
 */
function finish(
  doc: ResultDocument,
  how: Finishing,
): { document: ResultDocument; baseline?: Omit<BaselineResult, 'document'> } {
  const suppressed = applySuppressions(doc, how.sources, {
    rules: how.rules,
    ...(how.config?.rules ? { ruleSettings: how.config.rules } : {}),
  }).document;
  let document: ResultDocument = { ...suppressed, findings: identifyFindings(suppressed.findings) };
  const only = how.only;
  if (only)
    document = {
      ...document,
      findings: document.findings.filter((f) => only(f.file)),
      errors: document.errors.filter((e) => only(e.file)),
    };
  if (!how.baseline) return { document };
  const { document: kept, ...baseline } = applyBaseline(document, how.baseline, how.baselineScope ?? only);
  return { document: kept, baseline };
}

/** The rules in force plus consent-lint's own directive rules (unless a policy redefines one). */
function withDirectiveRules(rules: RuleSpec[]): RuleSpec[] {
  return [...rules, ...directiveRules.filter((d) => !rules.some((r) => r.id === d.id))];
}

function byPosition<T extends { file: string; line: number; column: number; ruleId?: string }>(a: T, b: T): number {
  // Rule id last: several findings at one position come in one order on every run.
  return a.file < b.file
    ? -1
    : a.file > b.file
      ? 1
      : a.line - b.line ||
        a.column - b.column ||
        ((a.ruleId ?? '') < (b.ruleId ?? '') ? -1 : (a.ruleId ?? '') > (b.ruleId ?? '') ? 1 : 0);
}

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const root = resolve(options.root);
  const config = options.config;
  const policies = withModuleAliasTokens(
    options.policies ?? (config ? configPolicies({ ...config, dir: config.dir ?? root }) : resolvePolicies(undefined)),
    config?.moduleAliases,
  );
  // Loaded only for --cache.
  const cacheModule = options.cacheFile ? await import('./cache/index.js') : undefined;
  const cache = cacheModule ? new cacheModule.AnalysisCache(options.cacheFile!) : undefined;
  // The mode is part of the key: a default result never answers a --no-prune run, nor the reverse.
  const key = cacheModule
    ? cacheModule.AnalysisCache.key([
        policies,
        { ...config, dir: undefined, source: undefined },
        options.exhaustive ? 'no-prune' : 'default',
      ])
    : '';
  let candidates: Candidates;
  try {
    candidates = await listCandidates(root, { include: config?.include, exclude: config?.exclude });
  } catch (e) {
    // A glob that matches nothing is a config error: name the file and the JSON pointer (exit 2).
    if (e instanceof NoMatchingFilesError && config?.source) {
      throw new ConfigError(config.source, [
        { pointer: `/${e.key}${e.index !== undefined ? `/${e.index}` : ''}`, expected: e.message },
      ]);
    }
    throw e;
  }
  let result: CachedAnalysis | undefined;
  let cached = false;
  let discovery: Discovery;
  // Files with suppression directives, so unused ones can be reported (one text search per file per run).
  let withDirectives: string[];
  // A warm cache first tries to prove, by one lstat per file, that nothing was changed: then nothing is read.
  const byStats = cache?.lookupByStats(key, candidates, (rel) => !isNativeFile(rel));
  const stamps: FileStamps | undefined = cache && !byStats ? { at: 0, stats: new Float64Array(0) } : undefined;
  if (byStats) {
    discovery = byStats.discovery;
    withDirectives = byStats.directives;
    // Rules follow from the policies and config (part of the key): never taken from the cache file.
    result = { ...byStats.result, rules: rulesInForce(policies, config) };
    cached = true;
  } else {
    discovery = readCandidates(candidates, stamps);
    withDirectives = [];
    for (const f of discovery.files) if (f.text.includes(DIRECTIVE_LITERAL)) withDirectives.push(f.relPath);
  }
  timing(`discover ${discovery.files.length} files`, started);
  const files = new Map<string, DiscoveredFile>(discovery.files.map((f) => [f.relPath, f]));
  // The native stage starts now: its grammars compile off the main thread while JavaScript is analysed.
  // Its modules load only when there is a file for it (a JavaScript-only scan needs just its rules).
  const tn = performance.now();
  const nativeFiles = nativeInputs(discovery.files, policies).files;
  // Timed when it settles, or at once with no file (a `.then` would run only at the next await, after the seeds).
  const nativeRun = nativeFiles.length
    ? import('./native/index.js')
        .then((m) =>
          m.analyseNative(nativeFiles, policies, config, {
            fileMs: options.fileTimeoutMs,
            runMs: options.runTimeoutMs,
          }),
        )
        .then((r) => {
          timing(`native: ${r.filesParsed} files`, tn);
          return r;
        })
    : Promise.resolve({ findings: [], errors: [], rules: nativeRulesInForce(policies, config), filesParsed: 0 });
  if (!nativeFiles.length) timing('native: 0 files', tn);
  nativeRun.catch(() => {}); // awaited below; never an unhandled rejection meanwhile
  let stamped: ReturnType<NonNullable<typeof cacheModule>['stampedDiscovery']>;
  if (!byStats) {
    // Native sources and declarations go to the native stage, the rest to the JavaScript project.
    const jsFiles = new Map<string, DiscoveredFile>([...files].filter(([rel]) => !isNativeFile(rel)));
    const project = new Project(root, jsFiles, parseFile, projectOptions(policies, config));
    // A minified or too large file naming an SDK is an analysis error (the cache keeps it so, with the other skips).
    if (discovery.minified || discovery.tooLarge)
      discovery = { ...discovery, skipped: unreadNamingSdk(discovery, seedTokens(project, policies)) };
    stamped = stamps && cacheModule!.stampedDiscovery(candidates, stamps, discovery, withDirectives);
    let seeds: string[] | undefined;
    const seedsNow = () => (seeds ??= seedFiles(project, policies));
    if (cache) {
      result = cache.lookup(key, project, seedsNow);
      if (result) {
        result = { ...result, rules: rulesInForce(policies, config) };
        // The stats did not prove it (a touched or racy file): record fresh ones for the next run.
        cache.restamp(stamped);
      }
      cached = result !== undefined;
    }
    if (!result) {
      const fresh = await analyseAsync(project, seedsNow(), policies, config, options.onProgress, {
        fileMs: options.fileTimeoutMs,
        runMs: options.runTimeoutMs,
        ...(options.exhaustive ? { exhaustive: true } : {}),
      });
      // A run cut short by a time budget is not a result to reuse.
      if (!fresh.errors.some((e) => e.kind === 'timeout'))
        cache?.store(
          key,
          project,
          fresh.inputs,
          { findings: fresh.findings, errors: fresh.errors, rules: fresh.rules, filesParsed: fresh.filesParsed },
          stamped,
        );
      result = fresh;
    }
  }
  if (cache) timing(`cache ${cached ? `hit (${cache.hitBy})` : 'miss'}`, started);
  if (!result) throw new Error('unreachable: no analysis result');
  const native = await nativeRun;
  const findings = [...result.findings, ...native.findings].sort(byPosition);
  // Both stages say when the run's budget ran out: once is enough.
  const runOut = new Set(result.errors.filter((e) => e.kind === 'timeout' && !e.file).map((e) => e.message));
  const nativeErrors = native.errors.filter((e) => !(e.kind === 'timeout' && !e.file && runOut.has(e.message)));
  const errors = [...discovery.skipped, ...result.errors, ...nativeErrors].sort(byPosition);
  const rules = [...result.rules, ...native.rules.filter((r) => !result.rules.some((x) => x.id === r.id))];
  const withText = (list: { file: string }[]) => {
    const map = new Map<string, string>();
    for (const x of list) {
      const text = files.get(x.file)?.text;
      if (text !== undefined) map.set(x.file, text);
    }
    for (const rel of withDirectives) if (!map.has(rel)) map.set(rel, files.get(rel)!.text);
    return map;
  };
  const only = onlyFilter(root, options.onlyFiles);
  const finished = finish(
    {
      version: 1,
      findings,
      errors,
      stats: {
        filesScanned: discovery.filesScanned,
        filesParsed: (cached ? 0 : result.filesParsed) + native.filesParsed,
        durationMs: 0,
        ...(discovery.ignoredByDefault && { ignoredByDefault: discovery.ignoredByDefault }),
      },
    },
    {
      rules,
      ...(config ? { config } : {}),
      sources: withText([...findings, ...errors]),
      ...(only ? { only } : {}),
      ...(options.baseline ? { baseline: options.baseline } : {}),
      ...(options.baselineScope ? { baselineScope: options.baselineScope } : {}),
    },
  );
  const document = finished.document;
  document.stats.durationMs = Math.round(performance.now() - started);
  return {
    document,
    rules: withDirectiveRules(rules),
    sources: withText([...document.findings, ...document.errors]),
    ...(finished.baseline ? { baseline: finished.baseline } : {}),
  };
}

function onlyFilter(root: string, onlyFiles: string[] | undefined): ((file: string) => boolean) | undefined {
  if (!onlyFiles) return undefined;
  const only = new Set(onlyFiles.map((f) => relative(root, resolve(f)).split('\\').join(posix.sep)));
  return (file) => only.has(file);
}

export interface CheckSourceOptions {
  /** Pretend file name (decides the parser): default `app.ts`. */
  file?: string;
  language?: ScriptLanguage;
  config?: Config;
  policies?: Policy[];
  /** Other in-memory files of the same project (relPath -> text). */
  files?: Record<string, string>;
  /** Drop the findings this baseline records. */
  baseline?: Baseline;
}

/**
 * Analyse in-memory sources with the built-in policies (tests, property tests,
 * editor use). Suppression directives in any of the files apply, as in a scan.
 */
export function checkSource(code: string, options: CheckSourceOptions = {}): ResultDocument {
  const started = performance.now();
  const name = options.file ?? 'app.ts';
  const root = '/virtual';
  const all: Record<string, string> = { ...(options.files ?? {}), [name]: code };
  const files = new Map<string, DiscoveredFile>(
    Object.entries(all).map(([rel, text]) => [rel, { absPath: `${root}/${rel}`, relPath: rel, text }]),
  );
  const policies = withModuleAliasTokens(
    options.policies ?? resolvePolicies(options.config?.policies, options.config?.dir ?? root),
    options.config?.moduleAliases,
  );
  const project = new Project(root, files, parseFile, projectOptions(policies, options.config));
  const result = analyse(project, [...files.keys()], policies, options.config);
  const { document } = finish(
    {
      version: 1,
      findings: result.findings.sort(byPosition),
      errors: result.errors.sort(byPosition),
      stats: { filesScanned: files.size, filesParsed: result.filesParsed, durationMs: 0 },
    },
    {
      rules: result.rules,
      ...(options.config ? { config: options.config } : {}),
      sources: new Map(Object.entries(all)),
      ...(options.baseline ? { baseline: options.baseline } : {}),
    },
  );
  document.stats.durationMs = Math.round(performance.now() - started);
  return document;
}
