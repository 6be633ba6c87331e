/**
 * Public API of consent-lint. The CLI (src/commands) is a thin shell over `scan`.
 *
 *   discover -> parse -> sinks -> flow -> guards/proof -> report
 */
import { posix, relative, resolve } from 'node:path';
import { discover } from './discover/index.js';
import type { Config, DiscoveredFile, Policy, ResultDocument, RuleSpec, ScriptLanguage } from './model.js';
import { parseFile } from './parse/index.js';
import { AnalysisCache, type CachedAnalysis } from './cache/index.js';
import { analyse, analyseAsync, configureProject, seedFiles, timing } from './pipeline.js';
import { resolvePolicies } from './policy/index.js';
import { Project } from './program/index.js';

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
}

export interface ScanResult {
  document: ResultDocument;
  /** Every rule of the policies in force (for reporters: SARIF rule metadata, explain). */
  rules: RuleSpec[];
  /** relPath -> source text of every file that has a finding or error (for code frames, suppressions). */
  sources: Map<string, string>;
}

function byPosition<T extends { file: string; line: number; column: number }>(a: T, b: T): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const root = resolve(options.root);
  const config = options.config;
  const policies = options.policies ?? resolvePolicies(config?.policies, config?.dir ?? root);
  const discovery = await discover(root, { include: config?.include, exclude: config?.exclude });
  timing(`discover ${discovery.files.length} files`, started);
  const files = new Map<string, DiscoveredFile>(discovery.files.map((f) => [f.relPath, f]));
  const project = new Project(root, files, parseFile);
  let seeds: string[] | undefined;
  const seedsNow = () => (seeds ??= seedFiles(project, policies));
  let result: CachedAnalysis | undefined;
  let cached = false;
  const cache = options.cacheFile ? new AnalysisCache(options.cacheFile) : undefined;
  const key = cache ? AnalysisCache.key([policies, { ...config, dir: undefined, source: undefined }]) : '';
  if (cache) {
    configureProject(project, policies, config);
    result = cache.lookup(key, project, seedsNow);
    cached = result !== undefined;
    timing(`cache ${cached ? 'hit' : 'miss'}`, started);
  }
  if (!result) {
    const fresh = await analyseAsync(project, seedsNow(), policies, config, options.onProgress);
    cache?.store(key, project, fresh.inputs, { findings: fresh.findings, errors: fresh.errors, rules: fresh.rules, filesParsed: fresh.filesParsed });
    result = fresh;
  }
  let findings = [...result.findings];
  let errors = [...discovery.skipped, ...result.errors];
  if (options.onlyFiles) {
    const only = new Set(options.onlyFiles.map((f) => relative(root, resolve(f)).split('\\').join(posix.sep)));
    findings = findings.filter((f) => only.has(f.file));
    errors = errors.filter((e) => only.has(e.file));
  }
  findings.sort(byPosition);
  errors.sort(byPosition);
  const sources = new Map<string, string>();
  for (const x of [...findings, ...errors]) {
    const text = files.get(x.file)?.text;
    if (text !== undefined) sources.set(x.file, text);
  }
  // Files with suppression directives, so unused ones can be reported.
  for (const [rel, f] of files) if (!sources.has(rel) && f.text.includes('consent-lint-disable')) sources.set(rel, f.text);
  return {
    document: {
      version: 1,
      findings,
      errors,
      stats: { filesScanned: discovery.filesScanned, filesParsed: cached ? 0 : result.filesParsed, durationMs: Math.round(performance.now() - started) },
    },
    rules: result.rules,
    sources,
  };
}

export interface CheckSourceOptions {
  /** Pretend file name (decides the parser): default `app.ts`. */
  file?: string;
  language?: ScriptLanguage;
  config?: Config;
  policies?: Policy[];
  /** Other in-memory files of the same project (relPath -> text). */
  files?: Record<string, string>;
}

/** Analyse in-memory sources with the built-in policies (tests, property tests, editor use). */
export function checkSource(code: string, options: CheckSourceOptions = {}): ResultDocument {
  const started = performance.now();
  const name = options.file ?? 'app.ts';
  const root = '/virtual';
  const all: Record<string, string> = { ...(options.files ?? {}), [name]: code };
  const files = new Map<string, DiscoveredFile>(Object.entries(all).map(([rel, text]) => [rel, { absPath: `${root}/${rel}`, relPath: rel, text }]));
  const policies = options.policies ?? resolvePolicies(options.config?.policies, options.config?.dir ?? root);
  const project = new Project(root, files, parseFile);
  const result = analyse(project, [...files.keys()], policies, options.config);
  return {
    version: 1,
    findings: result.findings.sort(byPosition),
    errors: result.errors.sort(byPosition),
    stats: { filesScanned: files.size, filesParsed: result.filesParsed, durationMs: Math.round(performance.now() - started) },
  };
}
