/**
 * `--format stylish` (default in a terminal): grouped by file,
 * `line:col  severity  message  ruleId`, then the missing purposes, a code
 * frame and the unguarded path (`via App.tsx:12 useEffect callback -> ...`),
 * then a summary. Colours only when `ctx.color`.
 */
import { createRequire } from 'node:module';

// Loaded only when a frame is printed.
const require = createRequire(import.meta.url);
const codeFrameColumns: typeof import('@babel/code-frame').codeFrameColumns = (...args) =>
  (require('@babel/code-frame') as typeof import('@babel/code-frame')).codeFrameColumns(...args);
import { isAbsolute, join, relative, sep } from 'node:path';
import type { AnalysisError, Finding, ResultDocument } from '../model.js';
import { paint } from './colors.js';
import type { ReportContext } from './types.js';
import { countFindings, groupBy, plural, verdict } from './util.js';

/** Longest source line shown in a code frame (minified code is not worth framing). */
const MAX_FRAME_LINE = 400;

function displayPath(file: string, ctx: ReportContext): string {
  if (!ctx.cwd) return file;
  const abs = join(ctx.root, file);
  const rel = relative(ctx.cwd, abs);
  const shown = !rel || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
  return shown.split(sep).join('/');
}

function codeFrame(f: Finding, ctx: ReportContext): string | undefined {
  const source = ctx.sources.get(f.file);
  if (source === undefined) return undefined;
  const lines = source.split(/\r\n|\r|\n/);
  const text = lines[f.line - 1];
  if (text === undefined || text.length > MAX_FRAME_LINE) return undefined;
  const singleLine = f.endLine === f.line && f.endColumn > f.column;
  try {
    return codeFrameColumns(
      source,
      {
        start: { line: f.line, column: f.column },
        ...(singleLine ? { end: { line: f.endLine, column: f.endColumn } } : {}),
      },
      { highlightCode: ctx.color, forceColor: ctx.color, linesAbove: 2, linesBelow: 1 },
    );
  } catch {
    return undefined;
  }
}

/** `src/App.tsx:12 useEffect callback -> src/lp.ts:9 Leanplum.start()` */
export function formatTrace(f: Finding, show: (file: string) => string = (file) => file): string {
  return f.trace.map((t) => `${show(t.file)}:${t.line}${t.label ? ` ${t.label}` : ''}`).join(' -> ');
}

export function formatStylish(doc: ResultDocument, ctx: ReportContext): string {
  const c = paint(ctx.color);
  const out: string[] = [];
  const visible = doc.findings.filter((f) => !f.suppressed);
  const indent = '    ';

  const byFile = groupBy(visible, (f) => f.file);
  for (const [file, findings] of byFile) {
    out.push('', c.underline(displayPath(file, ctx)));
    const posWidth = Math.max(...findings.map((f) => `${f.line}:${f.column}`.length));
    for (const f of findings) {
      const pos = `${f.line}:${f.column}`.padEnd(posWidth);
      const sev = f.severity === 'error' ? c.red('error  ') : c.yellow('warning');
      out.push(`  ${c.dim(pos)}  ${sev}  ${f.message}  ${c.dim(f.ruleId)}`);
      if (f.missing.length || f.requires.length) {
        const missing = f.missing.length ? f.missing : f.requires;
        out.push(
          `${indent}${c.bold('missing consent:')} ${missing.join(', ')}${f.requires.length ? c.dim(` (requires ${f.requires.join(', ')})`) : ''}`,
        );
      }
      const frame = codeFrame(f, ctx);
      if (frame) out.push(...frame.split('\n').map((l) => `${indent}${l}`));
      if (f.trace.length) out.push(`${indent}${c.cyan('via')} ${formatTrace(f, (file) => displayPath(file, ctx))}`);
      out.push('');
    }
    if (out[out.length - 1] === '') out.pop();
  }

  if (doc.errors.length) {
    out.push('', c.bold(c.yellow('Could not analyse (SDK calls in these places are unchecked):')));
    const errs: AnalysisError[] = [...doc.errors].sort((a, b) =>
      a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line,
    );
    for (const e of errs)
      out.push(`  ${displayPath(e.file, ctx)}${e.line ? `:${e.line}:${e.column}` : ''}  ${e.message}`);
  }

  const n = countFindings(doc);
  out.push('');
  const seconds = (doc.stats.durationMs / 1000).toFixed(1);
  const scanned = `${plural(doc.stats.filesScanned, 'file')} scanned in ${seconds}s`;
  const v = verdict(doc, ctx);
  if (v.level === 'ok') out.push(`${c.green('✔')} ${v.text}`);
  else out.push(c.bold(`${v.level === 'error' ? c.red('✖') : c.yellow('⚠')} ${v.text}`));
  if (v.extra && v.extra !== v.text) out.push(c.bold(`${c.red('✖')} ${v.extra}`));
  const notes = [scanned];
  if (n.suppressed) notes.push(`${n.suppressed} suppressed`);
  if (doc.errors.length) notes.push(plural(doc.errors.length, 'analysis error'));
  out.push(c.dim(`  ${notes.join(', ')}`));
  const ignored = doc.stats.ignoredByDefault;
  if (ignored) {
    const dirs =
      ignored.dirs
        .slice(0, 3)
        .map((d) => `${d}/`)
        .join(', ') + (ignored.dirs.length > 3 ? `, …` : '');
    out.push(
      c.dim(
        `  ${plural(ignored.files, 'file')} of build output not scanned (${dirs}): name the folder in the config's "include" to scan it`,
      ),
    );
  }
  // Where to read about each rule that fired (`consent-lint explain RULE` prints the same page).
  const fired = [...new Set(visible.map((f) => f.ruleId))].sort();
  const links = fired.flatMap((id) => {
    const url = ctx.ruleDocUrl?.(id);
    return url ? [`  ${id}: ${url}`] : [];
  });
  if (links.length) out.push('', c.dim('Rule docs (or `consent-lint explain RULE`):'), ...links.map((l) => c.dim(l)));
  return `${out.join('\n').replace(/^\n/, '')}\n`;
}
