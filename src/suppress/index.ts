/**
 * Inline suppressions:
 *
 *   // consent-lint-disable-next-line leanplum/init -- consent collected by the native layer
 *   {/* consent-lint-disable-next-line leanplum/init, leanplum/push -- reason *\/}
 *
 * A directive applies to the line after the comment ends, for the listed rules
 * only. The reason after `--` is required: a directive without one (or naming
 * no rule, or an unknown rule of a loaded policy, or an unsupported
 * `consent-lint-disable*` form) suppresses nothing and is reported as a
 * `consent-lint/invalid-directive` finding (error). A valid directive that
 * suppresses nothing is reported as `consent-lint/unused-directive` (warn).
 *
 * Directives are read from the source text the scan returned (`sources`: every
 * file with a finding or an analysis error).
 */
import type { Finding, ResultDocument, RuleSetting, RuleSpec } from '../model.js';
import { parseFile } from '../parse/index.js';
import { locOf } from '../parse/compact.js';
import { extractComments, type SourceComment } from './comments.js';
import { directiveRules, INVALID_DIRECTIVE, UNUSED_DIRECTIVE } from './rules.js';

export { directiveRules } from './rules.js';
export { extractComments } from './comments.js';

export const DIRECTIVE = 'consent-lint-disable-next-line';

export interface Directive {
  file: string;
  /** Position of the comment (1-based; end exclusive). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The line whose findings it suppresses. */
  targetLine: number;
  rules: string[];
  reason: string;
  /** Why the directive is invalid (it then suppresses nothing). */
  problem?: string;
}

const ANY_DIRECTIVE = /^\s*\*?\s*(consent-lint-(?:disable|enable)[\w-]*)(.*)$/s;

/**
 * The comments of a file, from Babel's own `comments` with the parser's
 * positions: the same line numbering as findings (Babel counts U+2028/U+2029
 * as line breaks, a second lexer did not, which shifted suppressions), for
 * every script of the file (HTML/Vue/Svelte blocks and handlers too). A
 * script Babel gave up on falls back to the small lexer.
 */
export function fileComments(file: string, text: string): SourceComment[] {
  let parsed;
  try {
    parsed = parseFile({ absPath: file, relPath: file, text });
  } catch {
    return extractComments(text);
  }
  if (!parsed.scripts.length) return extractComments(text);
  const out: SourceComment[] = [];
  const seen = new Set<string>();
  for (const script of parsed.scripts) {
    for (const c of script.ast.comments ?? []) {
      const loc = locOf(c);
      if (!loc) continue;
      const key = `${loc.start.line}:${loc.start.column}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        text: c.value,
        block: c.type === 'CommentBlock',
        line: loc.start.line,
        column: loc.start.column + 1,
        endLine: loc.end.line,
        endColumn: loc.end.column + 1,
      });
    }
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Every `consent-lint-*` directive in a file, valid or not. */
export function parseDirectives(file: string, text: string): Directive[] {
  const directives: Directive[] = [];
  if (!text.includes('consent-lint-')) return directives;
  for (const c of fileComments(file, text)) {
    const m = ANY_DIRECTIVE.exec(c.text);
    if (!m) continue;
    const base = {
      file,
      line: c.line,
      column: c.column,
      endLine: c.endLine,
      endColumn: c.endColumn,
      targetLine: c.endLine + 1,
    };
    const keyword = m[1];
    const rest = m[2];
    if (keyword !== DIRECTIVE) {
      directives.push({
        ...base,
        rules: [],
        reason: '',
        problem: `"${keyword}" is not a consent-lint directive; only "${DIRECTIVE} RULE -- reason" is supported`,
      });
      continue;
    }
    if (rest && !/^\s/.test(rest)) {
      directives.push({
        ...base,
        rules: [],
        reason: '',
        problem: `"${keyword}${rest.split(/\s/)[0]}" is not a consent-lint directive; write "${DIRECTIVE} RULE -- reason"`,
      });
      continue;
    }
    const sep = rest.search(/(^|\s)--(\s|$)/);
    const rulePart = sep < 0 ? rest : rest.slice(0, sep);
    const reason =
      sep < 0
        ? ''
        : rest
            .slice(sep)
            .replace(/^\s*--/, '')
            .replace(/\s+/g, ' ')
            .trim();
    const rules = rulePart.split(/[\s,]+/).filter(Boolean);
    let problem: string | undefined;
    if (!rules.length) problem = `name the rule(s) to suppress: "${DIRECTIVE} RULE -- reason"`;
    else if (!/[\p{L}\p{N}]/u.test(reason))
      problem = 'a reason is required after "--" (why is this call compliant?); without one it suppresses nothing';
    directives.push({ ...base, rules, reason, ...(problem ? { problem } : {}) });
  }
  return directives;
}

export interface SuppressOptions {
  /** The rules in force (to recognise misspelt rule ids). */
  rules?: RuleSpec[];
  /** Config `rules` settings: `consent-lint/*` rules can be set to `warn`/`error`/`off`. */
  ruleSettings?: Record<string, RuleSetting>;
}

export interface SuppressResult {
  document: ResultDocument;
  directives: Directive[];
}

/**
 * Mark findings suppressed by a valid directive (`suppressed: true`,
 * `suppressionReason`), and add findings for invalid and unused directives.
 * Pure: returns a new document.
 */
export function applySuppressions(
  doc: ResultDocument,
  sources: Map<string, string>,
  options: SuppressOptions = {},
): SuppressResult {
  const known = new Set((options.rules ?? []).map((r) => r.id));
  const policyIds = new Set([...known].map((id) => id.split('/')[0]));
  const directives: Directive[] = [];
  const byFile = new Map<string, Directive[]>();
  for (const [file, text] of [...sources.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (!text.includes('consent-lint-')) continue;
    const list = parseDirectives(file, text);
    for (const d of list) {
      if (!d.problem && known.size) {
        const typos = d.rules.filter((r) => !known.has(r) && policyIds.has(r.split('/')[0]));
        if (typos.length)
          d.problem = `unknown rule ${typos.map((t) => `"${t}"`).join(', ')} (rules of this policy: ${[...known]
            .filter((k) => typos.some((t) => k.startsWith(`${t.split('/')[0]}/`)))
            .sort()
            .join(', ')})`;
      }
    }
    directives.push(...list);
    byFile.set(file, list);
  }

  const used = new Map<Directive, Set<string>>();
  const findings: Finding[] = doc.findings.map((f) => {
    if (f.suppressed || f.ruleId.startsWith('consent-lint/')) return f;
    const d = (byFile.get(f.file) ?? []).find(
      (x) => !x.problem && x.targetLine === f.line && x.rules.includes(f.ruleId),
    );
    if (!d) return f;
    const set = used.get(d) ?? new Set<string>();
    set.add(f.ruleId);
    used.set(d, set);
    return { ...f, suppressed: true, suppressionReason: d.reason };
  });

  const setting = (id: string, dflt: RuleSetting) => options.ruleSettings?.[id] ?? dflt;
  const meta = (id: string) => directiveRules.find((r) => r.id === id)!;
  const directiveFinding = (d: Directive, ruleId: string, message: string): Finding | undefined => {
    const sev = setting(ruleId, meta(ruleId).severity);
    if (sev === 'off') return undefined;
    return {
      ruleId,
      severity: sev,
      file: d.file,
      line: d.line,
      column: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn,
      message,
      requires: [],
      missing: [],
      trace: [],
      suppressed: false,
      dependsOn: [d.file],
    };
  };
  for (const d of directives) {
    let extra: Finding | undefined;
    if (d.problem) {
      extra = directiveFinding(d, INVALID_DIRECTIVE, `Invalid suppression directive: ${d.problem}`);
    } else {
      const unused = d.rules.filter((r) => !used.get(d)?.has(r));
      if (unused.length) {
        const unknown = unused.filter((r) => known.size && !known.has(r));
        const why = unknown.length ? ` (${unknown.map((u) => `"${u}"`).join(', ')} is not a rule in force)` : '';
        extra = directiveFinding(
          d,
          UNUSED_DIRECTIVE,
          `Unused suppression directive: no ${unused.join(', ')} finding on line ${d.targetLine}${why}`,
        );
      }
    }
    if (extra) findings.push(extra);
  }
  return { document: { ...doc, findings: sortFindings(findings) }, directives };
}

/** Deterministic report order: file, line, column, rule. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}
