/**
 * `--format github` (default when GITHUB_ACTIONS=true): workflow-command
 * annotations, then the full stylish report.
 *
 *   ::error file=src/lp.ts,line=9,col=3,endLine=9,endColumn=19,title=leanplum/init::Leanplum is started…
 *
 * GitHub shows at most 10 error and 10 warning annotations per step, so we
 * emit at most that many per level (errors first) and one `::notice::` with
 * the number left out. The stylish part is wrapped in `::stop-commands::` so
 * that nothing in it (paths, code frames) can be read as a workflow command.
 *
 * `formatStepSummary` renders the Markdown table for `$GITHUB_STEP_SUMMARY`.
 */
import { verdict } from './util.js';
import { createHash } from 'node:crypto';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Finding, ResultDocument } from '../model.js';
import { formatStylish, formatTrace } from './stylish.js';
import type { ReportContext } from './types.js';
import { countFindings, plural } from './util.js';

export const ANNOTATIONS_PER_LEVEL = 10;
/** GitHub rejects step summaries over 1 MiB; stay well below. */
export const STEP_SUMMARY_BUDGET = 900 * 1024;

/** Escaping of a workflow command's message (actions/toolkit `escapeData`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a workflow command's property value (actions/toolkit `escapeProperty`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function workflowCommand(
  command: string,
  properties: [string, string | number | undefined][],
  message: string,
): string {
  const props = properties
    .filter((p): p is [string, string | number] => p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** Path relative to the repository root (what annotations resolve against). */
function repoPath(file: string, ctx: ReportContext): string {
  if (!ctx.repoRoot || ctx.repoRoot === ctx.root) return file;
  const r = relative(ctx.repoRoot, join(ctx.root, file));
  return r && !r.startsWith('..') && !isAbsolute(r) ? r.split(sep).join('/') : file;
}

function annotationMessage(f: Finding): string {
  const lines = [f.message];
  if (f.missing.length) lines.push(`Missing consent: ${f.missing.join(', ')} (requires ${f.requires.join(', ')})`);
  if (f.trace.length) lines.push(`Path: ${formatTrace(f)}`);
  return lines.join('\n');
}

function annotation(f: Finding, ctx: ReportContext): string {
  const sameLine = f.endLine === f.line;
  return workflowCommand(
    f.severity === 'error' ? 'error' : 'warning',
    [
      ['file', repoPath(f.file, ctx)],
      ['line', f.line],
      ['col', sameLine ? f.column : undefined],
      ['endLine', f.endLine],
      ['endColumn', sameLine ? f.endColumn : undefined],
      ['title', f.ruleId],
    ],
    annotationMessage(f),
  );
}

export function formatGithub(doc: ResultDocument, ctx: ReportContext): string {
  const visible = doc.findings.filter((f) => !f.suppressed);
  const errors = visible.filter((f) => f.severity === 'error');
  const warnings = visible.filter((f) => f.severity !== 'error');
  const lines: string[] = [];
  lines.push(...errors.slice(0, ANNOTATIONS_PER_LEVEL).map((f) => annotation(f, ctx)));
  lines.push(...warnings.slice(0, ANNOTATIONS_PER_LEVEL).map((f) => annotation(f, ctx)));
  const warningBudget = Math.max(0, ANNOTATIONS_PER_LEVEL - warnings.length);
  const analysisErrors = doc.errors.slice(0, warningBudget);
  for (const e of analysisErrors) {
    lines.push(
      workflowCommand(
        'warning',
        [
          ['file', e.file ? repoPath(e.file, ctx) : undefined],
          ['line', e.line || undefined],
          ['col', e.column || undefined],
          ['title', 'consent-lint: could not analyse'],
        ],
        `${e.message}\nSDK calls in this file are unchecked.`,
      ),
    );
  }
  const left =
    Math.max(0, errors.length - ANNOTATIONS_PER_LEVEL) +
    Math.max(0, warnings.length - ANNOTATIONS_PER_LEVEL) +
    (doc.errors.length - analysisErrors.length);
  if (left > 0) {
    lines.push(
      workflowCommand(
        'notice',
        [['title', 'consent-lint']],
        `${plural(left, 'more problem')} not annotated (GitHub shows at most ${ANNOTATIONS_PER_LEVEL} error and ${ANNOTATIONS_PER_LEVEL} warning annotations per step); see the full report in the log and the job summary.`,
      ),
    );
  }
  const stylish = formatStylish(doc, { ...ctx, color: false });
  const token = `consent-lint-${createHash('sha256').update(stylish).digest('hex').slice(0, 16)}`;
  lines.push(`::stop-commands::${token}`, stylish.replace(/\n$/, ''), `::${token}::`);
  return `${lines.join('\n')}\n`;
}

const cell = (s: string) => s.replace(/\r?\n|\r/g, ' ').replace(/\|/g, '\\|');

/** Markdown for `$GITHUB_STEP_SUMMARY`, kept under `budget` bytes. */
export function formatStepSummary(doc: ResultDocument, ctx: ReportContext, budget = STEP_SUMMARY_BUDGET): string {
  const n = countFindings(doc);
  const head: string[] = ['## consent-lint', ''];
  const v = verdict(doc, ctx);
  const status = `${v.level === 'ok' ? '✅' : v.level === 'error' ? '❌' : '⚠️'} **${v.text[0].toUpperCase()}${v.text.slice(1)}**${v.extra && v.extra !== v.text ? ` · ❌ ${v.extra}` : ''}`;
  const notes = [`${plural(doc.stats.filesScanned, 'file')} scanned`];
  if (n.suppressed) notes.push(`${n.suppressed} suppressed`);
  if (doc.errors.length) notes.push(plural(doc.errors.length, 'analysis error'));
  head.push(`${status} · ${notes.join(' · ')}`, '');

  const rows: string[] = [];
  const visible = doc.findings.filter((f) => !f.suppressed);
  if (visible.length) {
    rows.push(
      '| Severity | Rule | Location | Problem | Missing consent | Path |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const f of [...visible].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))) {
      rows.push(
        `| ${f.severity === 'error' ? 'error' : 'warning'} | \`${f.ruleId}\` | \`${cell(repoPath(f.file, ctx))}:${f.line}:${f.column}\` | ${cell(f.message)} | ${cell(f.missing.join(', '))} | ${cell(formatTrace(f))} |`,
      );
    }
  }
  const errRows: string[] = [];
  if (doc.errors.length) {
    errRows.push('', '### Could not analyse', '', '| Location | Reason |', '| --- | --- |');
    for (const e of doc.errors)
      errRows.push(`| \`${cell(repoPath(e.file, ctx))}${e.line ? `:${e.line}` : ''}\` | ${cell(e.message)} |`);
  }

  const out: string[] = [...head];
  let size = Buffer.byteLength(out.join('\n'));
  const tail = (left: number) => `\n_…and ${left} more; see the workflow log for the full report._`;
  const all = [...rows, ...errRows];
  for (let i = 0; i < all.length; i++) {
    const add = Buffer.byteLength(all[i]) + 1;
    if (size + add + 200 > budget) {
      out.push(tail(all.length - i));
      break;
    }
    out.push(all[i]);
    size += add;
  }
  return `${out.join('\n')}\n`;
}
