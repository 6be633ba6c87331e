/**
 * Finding identity and baselines: adopt consent-lint in a repository with
 * known findings, and fail only on new ones.
 *
 * A finding's key is rule + file + its structural identity
 * (`Finding.identity`, result schema: the names of the enclosing declarations,
 * the callee as written, the ordinal among findings sharing the rest). Lines
 * and trace labels are not part of it: inserting code above a known finding,
 * or rewording how traces are printed, does not make it "new". The same key
 * hashed is the finding's `fingerprint` (SARIF `partialFingerprints`).
 *
 * Baseline files are sorted, deterministic JSON. Version 1 files keyed on the
 * display scope (`App/useEffect callback`) are still read: such an entry
 * matches a finding with the same rule, file and callee whose path has the
 * same names where the old scope had names (its label segments match any
 * name). `--prune-baseline` and `--write-baseline` write version 2, with the
 * matched old entries converted and unmatched out-of-scope ones kept as they
 * were.
 *
 * Suppressed findings and consent-lint's own directive findings are never
 * baselined (the first are already justified inline, the second should be
 * fixed).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import type { Finding, FindingIdentity, ResultDocument } from '../model.js';
import { ConfigError } from '../policy/index.js';

const BASELINE_VERSION = 2;

export interface BaselineEntry {
  ruleId: string;
  file: string;
  path: string[];
  callee: string;
  ordinal: number;
}

/** An entry of a version 1 baseline, keyed on the display scope (read, matched, converted; never written new). */
export interface LegacyBaselineEntry {
  ruleId: string;
  file: string;
  scope: string;
  callee: string;
  ordinal: number;
}

export type AnyBaselineEntry = BaselineEntry | LegacyBaselineEntry;

export interface Baseline {
  version: 2;
  tool: 'consent-lint';
  entries: AnyBaselineEntry[];
}

/** Whether a finding can be baselined at all. */
function isBaselinable(f: Finding): boolean {
  return !f.suppressed && !f.ruleId.startsWith('consent-lint/');
}

const isLegacy = (e: AnyBaselineEntry): e is LegacyBaselineEntry => 'scope' in e;
const groupKey = (ruleId: string, file: string, path: string[], callee: string) =>
  JSON.stringify([ruleId, file, path, callee]);
const entryId = (e: BaselineEntry) => JSON.stringify([e.ruleId, e.file, e.path, e.callee, e.ordinal]);
const anyEntryId = (e: AnyBaselineEntry) =>
  isLegacy(e) ? JSON.stringify(['v1', e.ruleId, e.file, e.scope, e.callee, e.ordinal]) : entryId(e);
const byPosition = (a: Finding, b: Finding) => a.line - b.line || a.column - b.column;

/** A stable hash of a finding's key (its `fingerprint`). */
function fingerprintOf(e: BaselineEntry): string {
  return createHash('sha256').update(entryId(e)).digest('hex').slice(0, 32);
}

/** The baseline key of a finding that has its identity. */
export function baselineEntry(f: Finding): BaselineEntry {
  const id = f.identity ?? { path: [], callee: '', ordinal: 0 };
  return { ruleId: f.ruleId, file: f.file, path: [...id.path], callee: id.callee, ordinal: id.ordinal };
}

/**
 * Complete every finding's identity (ordinals in source order among findings
 * with the same rule, file, path and callee; findings of consent-lint's own
 * rules get an empty path and callee) and set its `fingerprint`. Run on the
 * whole result before any filtering, so ordinals do not depend on the
 * reporting scope. Returns new findings, in the same order.
 */
export function identifyFindings(findings: Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const id = f.identity ?? { path: [], callee: '', ordinal: 0 };
    const k = groupKey(f.ruleId, f.file, id.path, id.callee);
    const list = groups.get(k) ?? [];
    list.push(f);
    groups.set(k, list);
  }
  const identity = new Map<Finding, FindingIdentity>();
  for (const list of groups.values()) {
    [...list].sort(byPosition).forEach((f, ordinal) => {
      identity.set(f, { path: [...(f.identity?.path ?? [])], callee: f.identity?.callee ?? '', ordinal });
    });
  }
  return findings.map((f) => {
    const withId = { ...f, identity: identity.get(f)! };
    return { ...withId, fingerprint: fingerprintOf(baselineEntry(withId)) };
  });
}

function compareEntries(a: AnyBaselineEntry, b: AnyBaselineEntry): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const where = (e: AnyBaselineEntry) => (isLegacy(e) ? e.scope : e.path.join('\u0000'));
  return (
    cmp(a.file, b.file) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(where(a), where(b)) ||
    cmp(a.callee, b.callee) ||
    a.ordinal - b.ordinal
  );
}

/** A baseline of every baselinable finding of `doc` (whose findings carry their identity). */
export function createBaseline(doc: ResultDocument): Baseline {
  return {
    version: BASELINE_VERSION,
    tool: 'consent-lint',
    entries: doc.findings.filter(isBaselinable).map(baselineEntry).sort(compareEntries),
  };
}

/** Sorted, deterministic JSON (one entry per line for readable diffs). */
export function serializeBaseline(b: Baseline): string {
  const entries = [...b.entries]
    .sort(compareEntries)
    .map((e) =>
      isLegacy(e)
        ? { ruleId: e.ruleId, file: e.file, scope: e.scope, callee: e.callee, ordinal: e.ordinal }
        : { ruleId: e.ruleId, file: e.file, path: e.path, callee: e.callee, ordinal: e.ordinal },
    )
    .map((e) => `    ${JSON.stringify(e)}`);
  return `{\n  "version": ${BASELINE_VERSION},\n  "tool": "consent-lint",\n  "entries": [${entries.length ? `\n${entries.join(',\n')}\n  ` : ''}]\n}\n`;
}

export function writeBaseline(file: string, b: Baseline): void {
  const abs = resolve(file);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, serializeBaseline(b));
}

type Problem = { pointer: string; expected: string };

function entryProblems(e: unknown, i: number): Problem[] {
  if (typeof e !== 'object' || e === null) return [{ pointer: `/entries/${i}`, expected: 'an object' }];
  const entry = e as Record<string, unknown>;
  const problems: Problem[] = [];
  const legacy = 'scope' in entry;
  for (const k of ['ruleId', 'file', legacy ? 'scope' : undefined, 'callee']) {
    if (k && typeof entry[k] !== 'string') problems.push({ pointer: `/entries/${i}/${k}`, expected: 'a string' });
  }
  if (!legacy && !(Array.isArray(entry.path) && entry.path.every((s) => typeof s === 'string'))) {
    problems.push({ pointer: `/entries/${i}/path`, expected: 'an array of strings (or "scope" in a version 1 entry)' });
  }
  if (!Number.isInteger(entry.ordinal) || (entry.ordinal as number) < 0)
    problems.push({ pointer: `/entries/${i}/ordinal`, expected: 'an integer >= 0' });
  return problems;
}

/** Read and check a baseline file (version 2, or version 1 to migrate); a bad file is a ConfigError (exit 2) with a JSON pointer. */
export function readBaseline(file: string): Baseline {
  const abs = resolve(file);
  if (!existsSync(abs))
    throw new ConfigError(abs, [
      { pointer: '', expected: 'an existing baseline file (create one with --write-baseline FILE)' },
    ]);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(abs, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ConfigError(abs, [{ pointer: '', expected: `valid JSON (${(e as Error).message})` }]);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(abs, [
      { pointer: '', expected: 'an object { "version": 2, "tool": "consent-lint", "entries": [...] }' },
    ]);
  }
  const obj = data as { version?: unknown; entries?: unknown };
  const problems: Problem[] = [];
  if (obj.version !== 1 && obj.version !== 2)
    problems.push({ pointer: '/version', expected: 'must be 2 (or 1, read and migrated)' });
  if (!Array.isArray(obj.entries)) problems.push({ pointer: '/entries', expected: 'an array of baseline entries' });
  else {
    const entries: unknown[] = obj.entries;
    entries.forEach((e, i) => problems.push(...entryProblems(e, i)));
    if (obj.version === 1)
      entries.forEach(
        (e, i) =>
          'path' in (e as object) &&
          problems.push({ pointer: `/entries/${i}`, expected: 'a version 1 entry (with "scope")' }),
      );
  }
  if (problems.length) throw new ConfigError(abs, problems);
  return { version: BASELINE_VERSION, tool: 'consent-lint', entries: obj.entries as AnyBaselineEntry[] };
}

export interface BaselineResult {
  /** The document without baselined findings. */
  document: ResultDocument;
  /** How many findings the baseline matched (and removed). */
  matched: number;
  /** Entries that matched nothing (fixed findings), among files in scope. */
  stale: AnyBaselineEntry[];
  /** The baseline in the current format: version 1 entries that matched are converted to the findings' keys. */
  upgraded: Baseline;
}

/** Labels the version 1 scope used for unnamed functions and classes: they match any name. */
const LEGACY_LABEL = /^(static block|method|function|class|default export|anonymous function)$|( callback| handler)$/;

function legacyMatches(e: LegacyBaselineEntry, key: BaselineEntry): boolean {
  if (e.ruleId !== key.ruleId || e.file !== key.file || e.callee !== key.callee) return false;
  const segments = e.scope === '(top level)' || e.scope === '' ? [] : e.scope.split('/');
  return segments.length === key.path.length && segments.every((s, i) => s === key.path[i] || LEGACY_LABEL.test(s));
}

/**
 * Remove findings recorded in the baseline. `inScope(file)` says which files
 * this run reported on (all by default): entries of other files are neither
 * matched nor stale. Findings must carry their identity (identifyFindings).
 */
export function applyBaseline(
  doc: ResultDocument,
  baseline: Baseline,
  inScope: (file: string) => boolean = () => true,
): BaselineResult {
  const recorded = new Set(baseline.entries.filter((e) => !isLegacy(e)).map(anyEntryId));
  const legacy = baseline.entries.filter(isLegacy).sort(compareEntries);
  const used = new Set<string>();
  const converted = new Map<LegacyBaselineEntry, BaselineEntry>();
  let matched = 0;
  const baselined = new Set<Finding>();
  for (const f of [...doc.findings].filter(isBaselinable).sort((a, b) => byPosition(a, b))) {
    const key = baselineEntry(f);
    const id = entryId(key);
    if (recorded.has(id)) used.add(id);
    else {
      const old = legacy.find((e) => !converted.has(e) && legacyMatches(e, key));
      if (!old) continue;
      converted.set(old, key);
    }
    baselined.add(f);
    matched++;
  }
  const findings = doc.findings.filter((f) => !baselined.has(f));
  const isStale = (e: AnyBaselineEntry) => inScope(e.file) && (isLegacy(e) ? !converted.has(e) : !used.has(entryId(e)));
  const stale = baseline.entries.filter(isStale).sort(compareEntries);
  const upgraded: Baseline = {
    ...baseline,
    entries: baseline.entries.map((e) => (isLegacy(e) ? (converted.get(e) ?? e) : e)).sort(compareEntries),
  };
  return { document: { ...doc, findings }, matched, stale, upgraded };
}

/** The baseline without the given (stale) entries. */
export function pruneBaseline(baseline: Baseline, stale: AnyBaselineEntry[]): Baseline {
  const drop = new Set(stale.map(anyEntryId));
  return { ...baseline, entries: baseline.entries.filter((e) => !drop.has(anyEntryId(e))).sort(compareEntries) };
}
