/**
 * Baselines: adopt consent-lint in a repository with known findings, and fail
 * only on new ones.
 *
 * A finding's key is rule + file + enclosing scope (`Finding.scope`, e.g.
 * `App/useEffect callback`) + callee as written (`Finding.callee`, e.g.
 * `Leanplum.start`) + its ordinal among findings with the same key (in source
 * order). Lines are not part of the key, so inserting code above a known
 * finding does not make it "new". The file is sorted, deterministic JSON.
 *
 * Suppressed findings and consent-lint's own directive findings are never
 * baselined (the first are already justified inline, the second should be
 * fixed).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import type { Finding, ResultDocument } from '../model.js';
import { ConfigError } from '../policy/index.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  ruleId: string;
  file: string;
  scope: string;
  callee: string;
  ordinal: number;
}

export interface Baseline {
  version: 1;
  tool: 'consent-lint';
  entries: BaselineEntry[];
}

/** Whether a finding can be baselined at all. */
export function isBaselinable(f: Finding): boolean {
  return !f.suppressed && !f.ruleId.startsWith('consent-lint/');
}

const keyOf = (e: Omit<BaselineEntry, 'ordinal'>) => JSON.stringify([e.ruleId, e.file, e.scope, e.callee]);
const entryId = (e: BaselineEntry) => JSON.stringify([e.ruleId, e.file, e.scope, e.callee, e.ordinal]);

/** The baseline key of every baselinable finding. */
export function baselineKeys(findings: Finding[], include: (f: Finding) => boolean = isBaselinable): Map<Finding, BaselineEntry> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!include(f)) continue;
    const k = keyOf({ ruleId: f.ruleId, file: f.file, scope: f.scope ?? '', callee: f.callee ?? '' });
    const list = groups.get(k) ?? [];
    list.push(f);
    groups.set(k, list);
  }
  const keys = new Map<Finding, BaselineEntry>();
  for (const list of groups.values()) {
    list.sort((a, b) => a.line - b.line || a.column - b.column);
    list.forEach((f, ordinal) => keys.set(f, { ruleId: f.ruleId, file: f.file, scope: f.scope ?? '', callee: f.callee ?? '', ordinal }));
  }
  return keys;
}

/** A stable fingerprint of a finding (SARIF `partialFingerprints`), from its baseline key. */
export function fingerprint(entry: BaselineEntry): string {
  return createHash('sha256').update(entryId(entry)).digest('hex').slice(0, 32);
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return cmp(a.file, b.file) || cmp(a.ruleId, b.ruleId) || cmp(a.scope, b.scope) || cmp(a.callee, b.callee) || a.ordinal - b.ordinal;
}

export function createBaseline(doc: ResultDocument): Baseline {
  return { version: BASELINE_VERSION, tool: 'consent-lint', entries: [...baselineKeys(doc.findings).values()].sort(compareEntries) };
}

/** Sorted, deterministic JSON (one entry per line for readable diffs). */
export function serializeBaseline(b: Baseline): string {
  const entries = [...b.entries].sort(compareEntries).map(
    (e) => `    ${JSON.stringify({ ruleId: e.ruleId, file: e.file, scope: e.scope, callee: e.callee, ordinal: e.ordinal })}`,
  );
  return `{\n  "version": ${BASELINE_VERSION},\n  "tool": "consent-lint",\n  "entries": [${entries.length ? `\n${entries.join(',\n')}\n  ` : ''}]\n}\n`;
}

export function writeBaseline(file: string, b: Baseline): void {
  const abs = resolve(file);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, serializeBaseline(b));
}

/** Read and check a baseline file; a bad file is a ConfigError (exit 2) with a JSON pointer. */
export function readBaseline(file: string): Baseline {
  const abs = resolve(file);
  if (!existsSync(abs)) throw new ConfigError(abs, [{ pointer: '', expected: 'an existing baseline file (create one with --write-baseline FILE)' }]);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(abs, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ConfigError(abs, [{ pointer: '', expected: `valid JSON (${(e as Error).message})` }]);
  }
  const problems: { pointer: string; expected: string }[] = [];
  const obj = data as Partial<Baseline>;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(abs, [{ pointer: '', expected: 'an object { "version": 1, "tool": "consent-lint", "entries": [...] }' }]);
  }
  if (obj.version !== BASELINE_VERSION) problems.push({ pointer: '/version', expected: `must be ${BASELINE_VERSION}` });
  if (!Array.isArray(obj.entries)) problems.push({ pointer: '/entries', expected: 'an array of baseline entries' });
  else {
    obj.entries.forEach((e, i) => {
      if (typeof e !== 'object' || e === null) return problems.push({ pointer: `/entries/${i}`, expected: 'an object' });
      for (const k of ['ruleId', 'file', 'scope', 'callee'] as const) {
        if (typeof e[k] !== 'string') problems.push({ pointer: `/entries/${i}/${k}`, expected: 'a string' });
      }
      if (!Number.isInteger(e.ordinal) || e.ordinal < 0) problems.push({ pointer: `/entries/${i}/ordinal`, expected: 'an integer >= 0' });
      return undefined;
    });
  }
  if (problems.length) throw new ConfigError(abs, problems);
  return { version: BASELINE_VERSION, tool: 'consent-lint', entries: obj.entries! };
}

export interface BaselineResult {
  /** The document without baselined findings. */
  document: ResultDocument;
  /** How many findings the baseline matched (and removed). */
  matched: number;
  /** Entries that matched nothing (fixed findings), among files in scope. */
  stale: BaselineEntry[];
}

/**
 * Remove findings recorded in the baseline. `inScope(file)` says which files
 * this run reported on (all by default): entries of other files are neither
 * matched nor stale.
 */
export function applyBaseline(doc: ResultDocument, baseline: Baseline, inScope: (file: string) => boolean = () => true): BaselineResult {
  const recorded = new Set(baseline.entries.map(entryId));
  const seen = new Set<string>();
  const keys = baselineKeys(doc.findings);
  let matched = 0;
  const findings = doc.findings.filter((f) => {
    const key = keys.get(f);
    if (!key) return true;
    const id = entryId(key);
    if (!recorded.has(id)) return true;
    seen.add(id);
    matched++;
    return false;
  });
  const stale = baseline.entries.filter((e) => inScope(e.file) && !seen.has(entryId(e))).sort(compareEntries);
  return { document: { ...doc, findings }, matched, stale };
}

/** The baseline without the given (stale) entries. */
export function pruneBaseline(baseline: Baseline, stale: BaselineEntry[]): Baseline {
  const drop = new Set(stale.map(entryId));
  return { ...baseline, entries: baseline.entries.filter((e) => !drop.has(entryId(e))).sort(compareEntries) };
}
