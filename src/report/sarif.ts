/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning
 * (github/codeql-action/upload-sarif) and other SARIF viewers.
 *
 * - one run; `results` always present (an empty array when clean);
 * - `tool.driver.rules`: every rule in force with short/full description,
 *   `help.text` + `help.markdown` (legal basis, how to fix, examples) and
 *   `defaultConfiguration.level`;
 * - full regions and repository-relative `artifactLocation.uri` with
 *   `uriBaseId: "%SRCROOT%"`;
 * - the unguarded path as `codeFlows[].threadFlows[].locations`;
 * - the finding's `fingerprint` in `partialFingerprints["consentLint/v2"]` (GitHub computes
 *   its own `primaryLocationLineHash` on upload);
 * - suppressed findings are kept, with `suppressions: [{ kind: "inSource",
 *   justification }]` (then every result carries `suppressions`, as SARIF
 *   requires) and `properties.suppressed: true`. Note that GitHub code
 *   scanning does not honour SARIF suppressions. Baselined findings are not in
 *   the document at all.
 */
import { isAbsolute, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location, Log, ReportingDescriptor, Result, Run, ThreadFlowLocation } from 'sarif';
import type { Finding, ResultDocument, RuleSpec } from '../model.js';
import type { ReportContext } from './types.js';
import { ruleTable } from './util.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** v2: the result schema's `fingerprint` (structural identity); v1 hashed display scopes. */
export const FINGERPRINT_KEY = 'consentLint/v2';

const truncate = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
const level = (severity: 'error' | 'warn') => (severity === 'error' ? 'error' : 'warning');

/** Repository-relative URI (`/` separators, percent-encoded segments). */
export function artifactUri(file: string, ctx: Pick<ReportContext, 'root' | 'repoRoot'>): string {
  let rel = file;
  if (ctx.repoRoot && ctx.repoRoot !== ctx.root) {
    const r = relative(ctx.repoRoot, join(ctx.root, file));
    if (r && !r.startsWith('..') && !isAbsolute(r)) rel = r.split(sep).join('/');
  }
  return rel.split('/').map(encodeURIComponent).join('/');
}

function ruleName(id: string): string {
  return id
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

function helpText(r: RuleSpec): string {
  const parts = [r.description];
  if (r.requires.length) parts.push(`Requires consent for: ${r.requires.join(', ')}.`);
  if (r.legalBasis) parts.push(`Legal basis: ${r.legalBasis}`);
  if (r.docs) parts.push(`How to fix: ${r.docs}`);
  if (r.examples) parts.push(`Non-compliant:\n${r.examples.nonCompliant}`, `Compliant:\n${r.examples.compliant}`);
  return parts.join('\n\n');
}

function helpMarkdown(r: RuleSpec, helpUri?: string): string {
  const parts = [`**${r.id}**: ${r.description}`];
  if (r.requires.length) parts.push(`**Requires consent for:** ${r.requires.map((p) => `\`${p}\``).join(', ')}`);
  if (r.legalBasis) parts.push(`## Legal basis\n\n${r.legalBasis}`);
  if (r.docs) parts.push(`## How to fix\n\n${r.docs}`);
  if (r.examples) {
    parts.push(`## Non-compliant\n\n\`\`\`js\n${r.examples.nonCompliant}\n\`\`\``);
    parts.push(`## Compliant\n\n\`\`\`js\n${r.examples.compliant}\n\`\`\``);
  }
  parts.push(
    'Suppress a reviewed exception with `// consent-lint-disable-next-line ' +
      r.id +
      ' -- reason` on the line above the call.',
  );
  if (helpUri) parts.push(`[Rule documentation](${helpUri})`);
  return parts.join('\n\n');
}

function descriptor(r: RuleSpec, ctx: ReportContext): ReportingDescriptor {
  const helpUri = ctx.ruleDocUrl?.(r.id);
  const tags = ['privacy', 'consent', ...r.requires.map((p) => `consent:${p}`)].slice(0, 20);
  return {
    id: r.id,
    name: ruleName(r.id),
    shortDescription: { text: truncate(r.message || r.id, 1024) },
    fullDescription: { text: truncate(r.description || r.message || r.id, 1024) },
    ...(helpUri ? { helpUri } : {}),
    help: { text: helpText(r), markdown: helpMarkdown(r, helpUri) },
    defaultConfiguration: { level: level(r.severity) },
    properties: {
      tags,
      precision: 'high',
      'problem.severity': r.severity === 'error' ? 'error' : 'warning',
      requires: r.requires,
    },
  };
}

function location(
  file: string,
  ctx: ReportContext,
  start: { line: number; column: number },
  end?: { line: number; column: number },
): Location {
  return {
    physicalLocation: {
      artifactLocation: { uri: artifactUri(file, ctx), uriBaseId: '%SRCROOT%' },
      region: {
        startLine: Math.max(1, start.line),
        startColumn: Math.max(1, start.column),
        ...(end ? { endLine: Math.max(1, end.line), endColumn: Math.max(1, end.column) } : {}),
      },
    },
  };
}

function message(f: Finding): string {
  const missing = f.missing.length ? ` (missing consent: ${f.missing.join(', ')})` : '';
  return `${f.message}${missing}`;
}

function codeFlow(f: Finding, ctx: ReportContext): Result['codeFlows'] {
  if (!f.trace.length) return undefined;
  const steps: ThreadFlowLocation[] = f.trace.map((t) => ({
    location: { ...location(t.file, ctx, t), message: { text: t.label || `${t.file}:${t.line}` } },
  }));
  const last = f.trace[f.trace.length - 1];
  if (!(last.file === f.file && last.line === f.line && last.column === f.column)) {
    steps.push({
      location: {
        ...location(f.file, ctx, f, { line: f.endLine, column: f.endColumn }),
        message: { text: f.identity?.callee ? `${f.identity.callee}()` : f.message },
      },
    });
  }
  return [
    {
      message: {
        text: `Path that reaches the call without ${f.missing.length ? f.missing.join(', ') : 'consent'} consent`,
      },
      threadFlows: [{ locations: steps }],
    },
  ];
}

export function toSarif(doc: ResultDocument, ctx: ReportContext): Log {
  const rules = ruleTable(ctx.rules, doc.findings);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const anySuppressed = doc.findings.some((f) => f.suppressed);

  const results: Result[] = doc.findings.map((f) => {
    const result: Result = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId)!,
      level: level(f.severity),
      message: { text: message(f) },
      locations: [location(f.file, ctx, f, { line: f.endLine, column: f.endColumn })],
      ...(f.fingerprint ? { partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint } } : {}),
      properties: { requires: f.requires, missing: f.missing, suppressed: f.suppressed },
    };
    const flows = codeFlow(f, ctx);
    if (flows) result.codeFlows = flows;
    const fix = ctx.fixes?.get(f);
    if (fix) {
      result.fixes = [
        {
          description: { text: fix.description },
          artifactChanges: [
            {
              artifactLocation: { uri: artifactUri(fix.file, ctx), uriBaseId: '%SRCROOT%' },
              replacements: fix.replacements,
            },
          ],
        },
      ];
    }
    if (anySuppressed) {
      result.suppressions = f.suppressed
        ? [
            {
              kind: 'inSource',
              status: 'accepted',
              ...(f.suppressionReason ? { justification: f.suppressionReason } : {}),
            },
          ]
        : [];
    }
    return result;
  });

  const srcRoot = ctx.repoRoot ?? ctx.root;
  const run: Run = {
    tool: {
      driver: {
        name: 'consent-lint',
        ...(ctx.informationUri ? { informationUri: ctx.informationUri } : {}),
        ...(ctx.toolVersion ? { semanticVersion: ctx.toolVersion, version: ctx.toolVersion } : {}),
        rules: rules.map((r) => descriptor(r, ctx)),
      },
    },
    originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(srcRoot).href.replace(/\/?$/, '/') } },
    invocations: [
      {
        executionSuccessful: true,
        toolExecutionNotifications: doc.errors.map((e) => ({
          level: 'error' as const,
          message: { text: `Could not analyse ${e.file}: ${e.message}` },
          ...(e.file ? { locations: [location(e.file, ctx, { line: e.line || 1, column: e.column || 1 })] } : {}),
        })),
      },
    ],
    columnKind: 'utf16CodeUnits',
    results,
  };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

export function formatSarif(doc: ResultDocument, ctx: ReportContext): string {
  return `${JSON.stringify(toSarif(doc, ctx), null, 2)}\n`;
}
