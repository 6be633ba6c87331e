/**
 * Reporters are pure functions of ONE validated result document: the same
 * `ResultDocument` renders as stylish text, JSON, SARIF or GitHub workflow
 * commands, so the formats cannot disagree.
 */
import type { Finding, ResultDocument, RuleSpec } from '../model.js';

export interface ReportContext {
  /** Every rule of the policies in force (plus the `consent-lint/*` directive rules). */
  rules: RuleSpec[];
  /** relPath -> source text (code frames). */
  sources: Map<string, string>;
  /** ANSI colours (stylish only). */
  color: boolean;
  /** Absolute scan root: `file` fields are relative to it. */
  root: string;
  /**
   * Absolute repository root (git top level) when it differs from `root`:
   * SARIF `artifactLocation.uri` and GitHub `file=` are repository-relative,
   * because that is what code scanning and annotations resolve against.
   */
  repoRoot?: string;
  /** Working directory: stylish prints paths relative to it (clickable in terminals). */
  cwd?: string;
  /** consent-lint version (SARIF `tool.driver.semanticVersion`). */
  toolVersion?: string;
  /** The tool's home page (SARIF `tool.driver.informationUri`). */
  informationUri?: string;
  /** Warnings left out of the document by --quiet (they still count for --max-warnings). */
  hiddenWarnings?: number;
  /** --max-warnings (-1: no limit), so that the summary agrees with the exit code. */
  maxWarnings?: number;
  /** Fixes by finding (SARIF `fixes`). */
  fixes?: Map<Finding, SarifFix>;
  /** Web page of a rule (SARIF `helpUri`, stylish footer); undefined for rules without one (the project's own policies). */
  ruleDocUrl?: (ruleId: string) => string | undefined;
}

/** A verified edit that fixes a finding (SARIF `fixes`). */
export interface SarifFix {
  description: string;
  /** Scan-root-relative file. */
  file: string;
  replacements: { deletedRegion: { charOffset: number; charLength: number }; insertedContent: { text: string } }[];
}

export type Reporter = (doc: ResultDocument, ctx: ReportContext) => string;

export const FORMATS = ['stylish', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];
