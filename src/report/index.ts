/**
 * Reporters: pure functions `(doc, ctx) => string` of one validated
 * `ResultDocument`.
 */
import type { ResultDocument } from '../model.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';
import type { Format, ReportContext, Reporter } from './types.js';

export { FORMATS, type Format, type ReportContext, type Reporter } from './types.js';
export { formatGithub, formatStepSummary, escapeData, escapeProperty } from './github.js';
export { formatJson, toJsonReport, type JsonReport } from './json.js';
export { formatSarif, toSarif } from './sarif.js';
export { formatStylish, formatTrace } from './stylish.js';
export { countFindings } from './util.js';

export const reporters: Record<Format, Reporter> = {
  stylish: formatStylish,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
};

export function render(format: Format, doc: ResultDocument, ctx: ReportContext): string {
  return reporters[format](doc, ctx);
}
