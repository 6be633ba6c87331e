/**
 * `--cache`: reuse the last analysis when it provably cannot differ.
 *
 * Per-file result caches are unsound for cross-file rules (a change to a
 * guard helper in A changes a finding in B: ESLint's cross-file cache bugs).
 * This cache instead records every input the analysis *read*, and reuses the
 * stored result only if all of them are unchanged:
 *
 *  - tool build, policies and config (hashed);
 *  - the set of files (module resolution probes it) and tsconfig/jsconfig;
 *  - which files mention an SDK (the seeds: recomputed by text scan);
 *  - the content of every file that was parsed (hashed);
 *  - the importers of every module the analysis followed outward (recomputed);
 *  - every file it declined to parse on demand (still declined? recomputed).
 *
 * Validation costs a text scan, which the scan pays anyway; anything that
 * differs sends the run down the ordinary full path, whose result is stored.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisError, Finding, RuleSpec } from '../model.js';
import type { Project } from '../program/index.js';

/** What an analysis read beyond the file list: recorded for validation. */
export interface AnalysisInputs {
  seeds: string[];
  /** Files whose text the result depends on: every parsed file, and importers skipped for not naming what was needed. */
  parsed: string[];
  expanded: string[];
  declined: string[];
}

export interface CachedAnalysis {
  findings: Finding[];
  errors: AnalysisError[];
  rules: RuleSpec[];
  filesParsed: number;
}

interface Entry {
  key: string;
  fileList: string;
  /** Every file's path and text: when unchanged, nothing else needs checking. */
  contents: string;
  seeds: string[];
  parsed: Record<string, string>;
  importers: Record<string, string[]>;
  declined: string[];
  result: CachedAnalysis;
}

const FORMAT = 1;

export function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

let buildId: string | undefined;

/** Identifies this build of the tool: version plus the size and mtime of its own modules. */
function toolBuild(): string {
  if (buildId) return buildId;
  const here = dirname(fileURLToPath(import.meta.url));
  const root = join(here, '..');
  const parts: string[] = [String(FORMAT)];
  try {
    parts.push(JSON.parse(readFileSync(join(root, '..', 'package.json'), 'utf8')).version);
  } catch {
    parts.push('?');
  }
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) visit(p);
      else if (/\.(js|ts)$/.test(name) && !name.endsWith('.d.ts')) parts.push(`${p}:${st.size}:${st.mtimeMs}`);
    }
  };
  visit(root);
  buildId = hash(parts.join('\n'));
  return buildId;
}

export class AnalysisCache {
  constructor(private readonly file: string) {}

  /** Everything the result depends on that is not a file of the project. */
  static key(parts: unknown[]): string {
    return hash(JSON.stringify([toolBuild(), ...parts]));
  }

  private load(): Entry | undefined {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Entry;
    } catch {
      return undefined; // missing or corrupt: a cold run
    }
  }

  /** The stored result, if every input it read is unchanged. */
  lookup(key: string, project: Project, seeds: () => string[]): CachedAnalysis | undefined {
    const e = this.load();
    if (!e || e.key !== key) return undefined;
    if (e.fileList !== fileListHash(project)) return undefined;
    // Fast path: no file changed at all (hashing is cheaper than re-deriving the inputs).
    if (e.contents === contentsHash(project)) return e.result;
    if (e.seeds.join('\n') !== seeds().join('\n')) return undefined;
    for (const [rel, h] of Object.entries(e.parsed)) {
      const f = project.files.get(rel);
      if (!f || hash(f.text) !== h) return undefined;
    }
    for (const [rel, importers] of Object.entries(e.importers)) {
      if (project.importersOf(rel).sort().join('\n') !== importers.join('\n')) return undefined;
    }
    for (const rel of e.declined) if (project.worthParsing(rel)) return undefined;
    return e.result;
  }

  store(key: string, project: Project, inputs: AnalysisInputs, result: CachedAnalysis): void {
    const entry: Entry = {
      key,
      fileList: fileListHash(project),
      contents: contentsHash(project),
      seeds: inputs.seeds,
      parsed: Object.fromEntries(inputs.parsed.map((rel) => [rel, hash(project.files.get(rel)?.text ?? '')])),
      importers: Object.fromEntries(inputs.expanded.map((rel) => [rel, project.importersOf(rel).sort()])),
      declined: inputs.declined,
      result,
    };
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, JSON.stringify(entry));
    } catch {
      // A read-only location only costs the next run its speed.
    }
  }
}

function contentsHash(project: Project): string {
  const h = createHash('sha1');
  for (const rel of [...project.files.keys()].sort()) h.update(rel).update('\0').update(project.files.get(rel)!.text).update('\0');
  return h.digest('hex');
}

/** The file list, plus the text of module-resolution configs (they change what imports mean). */
function fileListHash(project: Project): string {
  const names = [...project.files.keys()].sort();
  const configs = ['tsconfig.json', 'jsconfig.json'].map((n) => {
    try {
      return readFileSync(join(project.root, n), 'utf8');
    } catch {
      return '';
    }
  });
  return hash(JSON.stringify([names, configs]));
}
