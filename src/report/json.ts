/**
 * `--format json`: exactly the document of the interface contract
 * (schemas/result.schema.json). The internal finding field `dependsOn` and the
 * error `kind` are not part of it.
 */
import type { AnalysisError, Finding, ResultDocument } from '../model.js';
import type { ReportContext } from './types.js';

/** A finding as published: the model's fields minus the internal ones. */
export type JsonFinding = Omit<Finding, 'dependsOn'>;

export interface JsonReport {
  version: 1;
  findings: JsonFinding[];
  errors: Omit<AnalysisError, 'kind'>[];
  stats: { filesScanned: number; filesParsed: number; durationMs: number };
}

/** The public JSON document for a result (field order fixed). */
export function toJsonReport(doc: ResultDocument): JsonReport {
  return {
    version: 1,
    findings: doc.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      file: f.file,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      message: f.message,
      requires: [...f.requires],
      missing: [...f.missing],
      trace: f.trace.map((t) => ({ file: t.file, line: t.line, column: t.column, label: t.label })),
      suppressed: f.suppressed,
      ...(f.suppressionReason !== undefined ? { suppressionReason: f.suppressionReason } : {}),
      ...(f.identity
        ? { identity: { path: [...f.identity.path], callee: f.identity.callee, ordinal: f.identity.ordinal } }
        : {}),
      ...(f.fingerprint ? { fingerprint: f.fingerprint } : {}),
    })),
    errors: doc.errors.map((e) => ({ file: e.file, line: e.line, column: e.column, message: e.message })),
    stats: {
      filesScanned: doc.stats.filesScanned,
      filesParsed: doc.stats.filesParsed,
      durationMs: doc.stats.durationMs,
    },
  };
}

export function formatJson(doc: ResultDocument, _ctx?: ReportContext): string {
  return `${JSON.stringify(toJsonReport(doc), null, 2)}\n`;
}
