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

/** Analysis errors that leave SDK calls unchecked (skipped generated files do not). */
export const unanalysed = (doc: ResultDocument) => doc.errors.filter((e) => e.kind !== 'skipped');

export interface Verdict {
  /** error: exit 1; warn: warnings within the limit; ok: nothing. */
  level: 'ok' | 'warn' | 'error';
  /** The summary line, never claiming "no problems" when the exit code says otherwise. */
  text: string;
  /** Extra summary line (the --max-warnings verdict), when any. */
  extra?: string;
}

/** One summary for every format: counts, hidden (--quiet) warnings, --max-warnings, unanalysed files. */
export function verdict(doc: ResultDocument, ctx: { hiddenWarnings?: number; maxWarnings?: number }): Verdict {
  const n = countFindings(doc);
  const hidden = ctx.hiddenWarnings ?? 0;
  const max = ctx.maxWarnings ?? -1;
  const warnings = n.warnings + hidden;
  const tooMany = max >= 0 && warnings > max;
  const broken = unanalysed(doc).length;
  const problems = n.errors + n.warnings;
  const extra = tooMany
    ? `too many warnings (${warnings}, --max-warnings ${max})${hidden ? `; ${plural(hidden, 'warning')} not shown (--quiet)` : ''}`
    : undefined;
  if (problems) {
    const text = `${plural(problems, 'problem')} (${plural(n.errors, 'error')}, ${plural(n.warnings, 'warning')})`;
    return { level: n.errors || tooMany || broken ? 'error' : 'warn', text, ...(extra ? { extra } : {}) };
  }
  if (broken)
    return {
      level: 'error',
      text: `no findings, but ${plural(broken, 'place')} could not be analysed: SDK calls there are unchecked`,
      ...(extra ? { extra } : {}),
    };
  if (tooMany) return { level: 'error', text: extra! };
  if (hidden) return { level: 'ok', text: `no consent errors (${plural(hidden, 'warning')} not shown: --quiet)` };
  return { level: 'ok', text: 'no consent problems found' };
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
