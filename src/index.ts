/**
 * Public API of consent-lint. The CLI (src/commands) is a thin shell over `scan`.
 *
 *   discover -> parse -> sinks -> flow -> guards/proof -> report
 */
import type { Config, Policy, ResultDocument, RuleSpec, ScriptLanguage } from './model.js';

export * from './model.js';

export interface ScanOptions {
  /** Scan root (absolute). `file` fields of the report are relative to it. */
  root: string;
  /** When given (absolute file paths), findings are reported only for these files; analysis still covers the project. */
  onlyFiles?: string[];
  /** Validated config (undefined: zero config). */
  config?: Config;
  /** Policies in force (default: all built-in policies). */
  policies?: Policy[];
}

export interface ScanResult {
  document: ResultDocument;
  /** Every rule of the policies in force (for reporters: SARIF rule metadata, explain). */
  rules: RuleSpec[];
  /** relPath -> source text of every file that has a finding or error (for code frames, suppressions). */
  sources: Map<string, string>;
}

export async function scan(_options: ScanOptions): Promise<ScanResult> {
  throw new Error('scan: not implemented yet');
}

export interface CheckSourceOptions {
  /** Pretend file name (decides the parser): default `app.ts`. */
  file?: string;
  language?: ScriptLanguage;
  config?: Config;
  policies?: Policy[];
}

/** Analyse one in-memory file with the built-in policies (tests, property tests, editor use). */
export function checkSource(_code: string, _options: CheckSourceOptions = {}): ResultDocument {
  throw new Error('checkSource: not implemented yet');
}
