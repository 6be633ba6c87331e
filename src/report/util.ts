import type { Finding, ResultDocument, RuleSpec } from '../model.js';

export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface Counts {
  errors: number;
  warnings: number;
  suppressed: number;
}

/** Unsuppressed errors and warnings, and suppressed findings. */
export function countFindings(doc: ResultDocument): Counts {
  const counts: Counts = { errors: 0, warnings: 0, suppressed: 0 };
  for (const f of doc.findings) {
    if (f.suppressed) counts.suppressed++;
    else if (f.severity === 'error') counts.errors++;
    else counts.warnings++;
  }
  return counts;
}

/**
 * What could not be analysed and matters: everything but skipped generated
 * files (minified or vendored bundles), which are listed and do not fail.
 */
export function incompleteAnalysis(doc: ResultDocument): ResultDocument['errors'] {
  return doc.errors.filter((e) => e.kind !== 'skipped');
}

/** Rules by id; findings of a rule missing from `rules` get a minimal description. */
export function ruleTable(rules: RuleSpec[], findings: Finding[]): RuleSpec[] {
  const byId = new Map<string, RuleSpec>();
  for (const r of rules) if (!byId.has(r.id)) byId.set(r.id, r);
  for (const f of findings) {
    if (!byId.has(f.ruleId)) {
      byId.set(f.ruleId, {
        id: f.ruleId,
        description: f.message,
        severity: f.severity,
        requires: f.requires,
        message: f.message,
        legalBasis: '',
        docs: '',
        sinks: [],
      });
    }
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
