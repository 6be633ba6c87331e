/**
 * `consent-lint [PATH...]`: the scan command as a function returning its exit
 * code. The oclif command (src/commands/scan.ts) only parses flags.
 *
 *   scan() -> suppressions -> reporting scope (PATHs, --changed/--staged)
 *          -> baseline -> --quiet -> reporter -> exit code
 *
 * Exit codes: 0 nothing at error level and warnings within --max-warnings;
 * 1 findings; 2 usage/config/policy error, or analysis errors with
 * --fail-on-analysis-errors.
 */
import { appendFileSync, existsSync, realpathSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { ScanOptions, ScanResult } from '../index.js';
import type { Finding, Policy, ResultDocument, RuleSpec } from '../model.js';
import type { FixPlan } from './fix.js';
import type { SarifFix } from '../report/types.js';
import {
  builtinPolicyIds,
  checkRuleIds,
  configOrigin,
  configPolicies,
  effectiveRules,
  policyRules,
  policiesInForce,
  resolvePolicies,
} from '../policy/index.js';
import { FORMATS, type Format, type ReportContext } from '../report/types.js';
import { loadReporter } from '../report/load.js';
import { countFindings, plural, unanalysed } from '../report/util.js';
import { directiveRules } from '../suppress/rules.js';
import { prefetchListing } from '../discover/index.js';
import { EXIT_FINDINGS, EXIT_OK, reportError, UsageError } from './errors.js';
import { changedFiles, gitTopLevel } from './git.js';
import type { CliIO } from './io.js';
import { EXIT_OUTPUT, OutputError, writeReportFile } from './output.js';
import { startProgress } from './progress.js';
import { resolveTarget, type ScanTarget } from './target.js';
import { toolVersion } from './version.js';
import { homepageUrl, ruleDocUrl } from '../policy/links.js';

export interface ScanFlags {
  paths: string[];
  config?: string;
  format?: Format;
  output?: string;
  policy?: string[];
  maxWarnings?: number;
  baseline?: string;
  writeBaseline?: string;
  pruneBaseline?: boolean;
  /** undefined: auto (TTY, NO_COLOR, FORCE_COLOR). */
  color?: boolean;
  quiet?: boolean;
  failOnAnalysisErrors?: boolean;
  /** `--changed [REF]`: REF, or '' for the default (HEAD). */
  changed?: string;
  staged?: boolean;
  /** Also write SARIF / JSON to these files (one analysis, several outputs; used by action.yml). */
  sarifOutput?: string;
  jsonOutput?: string;
  /** `--cache`: reuse the last analysis when none of its inputs changed. */
  cache?: boolean;
  /** Where the cache lives (default: the OS cache folder, see `defaultCacheFile`; never inside the repository). */
  cacheLocation?: string;
  /** Print the effective configuration (after extends, presets, --policy) as JSON and exit. */
  printConfig?: boolean;
  /** Wrap fixable calls in the configured guard (verified by re-running the analysis), then report what is left. */
  fix?: boolean;
  /** Print the fixes as a unified diff; change nothing. */
  fixDryRun?: boolean;
  /** Per-file analysis time budget, seconds (0: none; default 30). */
  timeout?: number | string;
  /** Whole-run analysis time budget, seconds (0: none, the default). */
  totalTimeout?: number | string;
  /** `--no-prune`: parse every source file (exhaustive mode; the same findings, slower). */
  exhaustive?: boolean;
}

export interface ScanDeps {
  scan?: (options: ScanOptions) => Promise<ScanResult>;
}

export async function runScan(flags: ScanFlags, io: CliIO, deps: ScanDeps = {}): Promise<number> {
  try {
    return await scanCommand(flags, io, deps);
  } catch (error) {
    if (error instanceof OutputError) {
      io.stderr(`consent-lint: ${error.message}\n`);
      return EXIT_OUTPUT;
    }
    return reportError(error, io);
  }
}

/** A time budget flag in seconds (fractions allowed); 0 means none. */
function seconds(value: number | string | undefined, fallback: number, flag: string): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a number of seconds >= 0 (0: no limit)`);
  return n;
}

function checkFlags(flags: ScanFlags): void {
  seconds(flags.timeout, 30, '--timeout');
  seconds(flags.totalTimeout, 0, '--total-timeout');
  if (flags.format && !FORMATS.includes(flags.format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (flags.maxWarnings !== undefined && (!Number.isInteger(flags.maxWarnings) || flags.maxWarnings < -1)) {
    throw new UsageError('--max-warnings must be an integer >= 0 (or -1 for no limit)');
  }
  if (flags.changed !== undefined && flags.staged) throw new UsageError('--changed and --staged cannot be combined');
  if (flags.baseline && flags.writeBaseline) throw new UsageError('--baseline and --write-baseline cannot be combined');
  if (flags.pruneBaseline && !flags.baseline) throw new UsageError('--prune-baseline needs --baseline FILE');
  if (flags.fix && flags.fixDryRun) throw new UsageError('--fix and --fix-dry-run cannot be combined');
  if ((flags.fix || flags.fixDryRun) && flags.writeBaseline)
    throw new UsageError('--fix cannot be combined with --write-baseline');
}

export function resolveColor(
  flags: Pick<ScanFlags, 'color' | 'output'>,
  io: Pick<CliIO, 'env' | 'stdoutIsTTY'>,
): boolean {
  if (flags.color !== undefined) return flags.color;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (flags.output) return false;
  return io.stdoutIsTTY && io.env.TERM !== 'dumb';
}

/** Policies in force (`--policy` keeps the CMP guard packs), after checking the config's rule ids against them. */
async function policiesFor(flags: ScanFlags, target: ScanTarget, cwd: string): Promise<Policy[]> {
  // The config's own policy entries are confined to its repository and named by pointer in errors.
  const config = target.config;
  const policies = policiesInForce(config, flags.policy, cwd, (ids, baseDir) =>
    config && ids && ids === config.policies ? configPolicies(config) : resolvePolicies(ids, baseDir),
  );
  if (target.config)
    checkRuleIds(target.config, knownRules(policies, (await import('../sinks/index.js')).sdkEscapesRule()));
  return policies;
}

/** SARIF `fixes` of each fixable finding: the verified edit of its file. */
function sarifFixes(
  plan: FixPlan,
  replacements: (before: string, after: string) => SarifFix['replacements'],
): Map<Finding, SarifFix> {
  const out = new Map<Finding, SarifFix>();
  for (const fx of plan.fixes) {
    const fix: SarifFix = {
      description: `Wrap the SDK call in the configured consent check${fx.findings.length > 1 ? ` (with ${fx.findings.length - 1} more call${fx.findings.length > 2 ? 's' : ''} in this file)` : ''}, importing it if needed`,
      file: fx.file,
      replacements: replacements(fx.before, fx.after),
    };
    for (const f of fx.findings) out.set(f, fix);
  }
  return out;
}

/**
 * `--print-config`: what a scan with these arguments would use. Every rule of
 * the policies in force, native ones included, consent-lint's own (the SDK
 * escape rule, `sdkEscapesRule()` of src/sinks, when some rule has sinks; the
 * directive rules), at the severity the scan runs it (`ruleSeverity`, as
 * `consent-lint policies` shows it; `off` included).
 */
export function effectiveConfig(
  target: ScanTarget,
  policies: Policy[],
  sdkEscapesRule: RuleSpec,
): Record<string, unknown> {
  const config = target.config;
  const origin = config ? configOrigin(config) : undefined;
  const own = policies.some((p) => p.rules.some((r) => r.sinks?.length)) ? [sdkEscapesRule] : [];
  const rules = [...policies.flatMap(policyRules), ...own, ...directiveRules];
  return {
    configFile: target.configFile ?? null,
    extends: origin ? origin.files.slice(0, -1) : [],
    root: target.root,
    include: config?.include ?? null,
    exclude: config?.exclude ?? [],
    policies: policies
      .filter((p) => policyRules(p).length)
      .map((p) => ({ id: p.id, source: p.source, rules: policyRules(p).map((r) => r.id) })),
    guardPacks: policies
      .filter((p) => !policyRules(p).length)
      .map((p) => ({ id: p.id, source: p.source, guards: p.guards.map((g) => g.id) })),
    guards: config?.guards ?? [],
    purposeAliases: config?.purposeAliases ?? {},
    rules: effectiveRules(rules, config),
  };
}

/** Rules a config may name: those of the policies in force, of every built-in policy, and consent-lint's own (`sdkEscapesRule()` of src/sinks). */
export function knownRules(policies: Policy[], sdkEscapesRule: RuleSpec): RuleSpec[] {
  return [...policies, ...resolvePolicies(builtinPolicyIds())]
    .flatMap((p) => p.rules)
    .concat(directiveRules, sdkEscapesRule);
}

/** Reports go through a temp file and a rename (never a truncated file); a failure names the file (exit 3). */
function writeFile(file: string, text: string, cwd: string): void {
  writeReportFile(resolve(cwd, file), text);
}

function realCwd(cwd: string): string {
  try {
    return realpathSync(cwd);
  } catch {
    return cwd;
  }
}

const displayFile = (file: string, cwd: string) => {
  const rel = relative(cwd, resolve(cwd, file));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(cwd, file);
};

async function scanCommand(flags: ScanFlags, io: CliIO, deps: ScanDeps): Promise<number> {
  checkFlags(flags);
  // The listing's git calls run while the config and the analysis modules load (the default scan only).
  const target = resolveTarget(flags.paths, flags.config, io.cwd, (root) => {
    if (!deps.scan && !flags.printConfig) prefetchListing(resolve(root));
  });
  const policies = await policiesFor(flags, target, io.cwd);
  if (flags.printConfig) {
    const { sdkEscapesRule } = await import('../sinks/index.js');
    io.stdout(`${JSON.stringify(effectiveConfig(target, policies, sdkEscapesRule()), null, 2)}\n`);
    return EXIT_OK;
  }

  // Changed files first: a bad ref should fail before a long analysis.
  let changed: Set<string> | undefined;
  if (flags.changed !== undefined || flags.staged) {
    const result = changedFiles({
      cwd: target.root,
      ref: flags.changed || 'HEAD',
      ...(flags.staged ? { staged: true } : {}),
    });
    if (result.note) io.stderr(`consent-lint: ${result.note}\n`);
    changed = new Set(result.files.map((f) => relative(target.root, f).split('\\').join('/')));
  }

  const scan = deps.scan ?? (await import('../index.js')).scan;
  const progress = startProgress({ enabled: io.stderrIsTTY && !io.env.CI, stream: io.progressStream });
  let result: ScanResult;
  try {
    result = await scan({
      root: target.root,
      ...(target.onlyFiles ? { onlyFiles: target.onlyFiles } : {}),
      ...(target.config ? { config: target.config } : {}),
      policies,
      onProgress: (step) => progress.update(step),
      fileTimeoutMs: seconds(flags.timeout, 30, '--timeout') * 1000,
      runTimeoutMs: seconds(flags.totalTimeout, 0, '--total-timeout') * 1000,
      ...(flags.exhaustive ? { exhaustive: true } : {}),
      ...(flags.cache || flags.cacheLocation
        ? {
            cacheFile: flags.cacheLocation
              ? resolve(io.cwd, flags.cacheLocation, flags.cacheLocation.endsWith('.json') ? '' : 'analysis.json')
              : (await import('../cache/index.js')).defaultCacheFile(target.root, io.env),
          }
        : {}),
    });
  } finally {
    progress.stop();
  }

  const rules = [...result.rules, ...directiveRules.filter((d) => !result.rules.some((r) => r.id === d.id))];
  // Suppression directives and finding identities are applied by the library (scan()).
  let doc: ResultDocument = result.document;

  // Reporting scope: PATHs, then --changed/--staged (a finding is in scope when
  // its file changed or when its verdict depends on a changed file).
  const isChanged = (file: string) => !changed || changed.has(file);
  const inScope = (file: string) => target.inScope(file) && isChanged(file);
  const partial = target.restricted || changed !== undefined;
  doc = {
    ...doc,
    findings: doc.findings.filter(
      (f) =>
        target.inScope(f.file) &&
        (isChanged(f.file) ||
          (f.dependsOn ?? []).some((d) =>
            isChanged(isAbsolute(d) ? relative(target.root, d).split('\\').join('/') : d),
          )),
    ),
    errors: doc.errors.filter((e) => !e.file || inScope(e.file)),
  };

  // Loaded only when a baseline flag is given.
  const baselines = flags.writeBaseline || flags.baseline ? await import('../baseline/index.js') : undefined;
  if (flags.writeBaseline && baselines) {
    const { createBaseline, readBaseline, writeBaseline } = baselines;
    let baseline = createBaseline(doc);
    if (partial && existsSync(resolve(io.cwd, flags.writeBaseline))) {
      // Keep what the previous baseline says about files outside this run's scope.
      const previous = readBaseline(resolve(io.cwd, flags.writeBaseline));
      baseline = { ...baseline, entries: [...previous.entries.filter((e) => !inScope(e.file)), ...baseline.entries] };
    }
    writeBaseline(resolve(io.cwd, flags.writeBaseline), baseline);
    io.stderr(
      `consent-lint: wrote ${baseline.entries.length} baseline ${baseline.entries.length === 1 ? 'entry' : 'entries'} to ${displayFile(flags.writeBaseline, io.cwd)}\n`,
    );
    return EXIT_OK;
  }

  if (flags.baseline && baselines) {
    const { applyBaseline, pruneBaseline, readBaseline, serializeBaseline } = baselines;
    const file = resolve(io.cwd, flags.baseline);
    const baseline = readBaseline(file);
    const applied = applyBaseline(doc, baseline, inScope);
    doc = applied.document;
    if (applied.matched)
      io.stderr(
        `consent-lint: ${plural(applied.matched, 'baselined finding')} ignored (${displayFile(flags.baseline, io.cwd)})\n`,
      );
    if (applied.stale.length) {
      if (flags.pruneBaseline) {
        writeFileSync(file, serializeBaseline(pruneBaseline(applied.upgraded, applied.stale))); // version 1 entries rewritten as version 2
        io.stderr(
          `consent-lint: pruned ${applied.stale.length} stale baseline ${applied.stale.length === 1 ? 'entry' : 'entries'} from ${displayFile(flags.baseline, io.cwd)}\n`,
        );
      } else {
        io.stderr(
          `consent-lint: note: ${applied.stale.length} baseline ${applied.stale.length === 1 ? 'entry matches' : 'entries match'} no finding any more (fixed?): ` +
            `${applied.stale
              .slice(0, 5)
              .map((e) => `${e.file} ${e.ruleId}${e.callee ? ` ${e.callee}` : ''}`)
              .join('; ')}${applied.stale.length > 5 ? '; …' : ''}. ` +
            'Run with --prune-baseline to remove them.\n',
        );
      }
    }
  }

  // Fixes: --fix / --fix-dry-run, and SARIF `fixes` (verified on a copy of the project).
  const format: Format = flags.format ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'stylish');
  const wantsSarif = format === 'sarif' || !!flags.sarifOutput;
  let plan: FixPlan | undefined;
  // Loaded only when fixes are asked for (--fix, --fix-dry-run, SARIF with a configured guard).
  let fixes: typeof import('./fix.js') | undefined;
  if (
    flags.fix ||
    flags.fixDryRun ||
    (wantsSarif &&
      target.config?.guards?.some((g) => g.function) &&
      doc.findings.some((f) => !f.suppressed && f.missing.length))
  ) {
    fixes = await import('./fix.js');
    plan = await fixes.planFixes({
      root: target.root,
      config: target.config,
      policies,
      findings: doc.findings,
      scan: async (root, config) =>
        (
          await scan({
            root,
            ...(config ? { config } : {}),
            policies,
            ...(flags.exhaustive ? { exhaustive: true } : {}),
          })
        ).document.findings,
    });
  }
  if (plan && (flags.fix || flags.fixDryRun)) {
    const fixed = new Set(plan.fixes.flatMap((f) => f.findings));
    for (const fx of plan.fixes) {
      if (flags.fix) writeFileSync(join(target.root, fx.file), fx.after);
      else io.stdout(fixes!.unifiedDiff(fx.file, fx.before, fx.after));
    }
    const verb = flags.fix ? 'fixed' : 'can fix';
    io.stderr(`consent-lint: ${verb} ${plural(fixed.size, 'finding')} in ${plural(plan.fixes.length, 'file')}\n`);
    for (const s of plan.skipped)
      io.stderr(
        `consent-lint: not fixed: ${s.finding.file}:${s.finding.line}:${s.finding.column} ${s.finding.ruleId}: ${s.reason}\n`,
      );
    doc = { ...doc, findings: doc.findings.filter((f) => !fixed.has(f)) };
    if (flags.fixDryRun) {
      const left = countFindings(doc);
      return left.errors || unanalysed(doc).length ? EXIT_FINDINGS : EXIT_OK;
    }
  }

  const counts = countFindings(doc);
  const repoRoot =
    format === 'sarif' || format === 'github' || flags.sarifOutput ? gitTopLevel(target.root) : undefined;
  const shown: ResultDocument = flags.quiet
    ? { ...doc, findings: doc.findings.filter((f) => f.severity === 'error') }
    : doc;

  const ctx: ReportContext = {
    rules,
    sources: result.sources,
    color: format === 'stylish' && resolveColor(flags, io),
    root: target.root,
    // The repository root matters only to SARIF and GitHub paths: git is asked only for them.
    ...(repoRoot ? { repoRoot } : {}),
    cwd: realCwd(io.cwd),
    toolVersion: toolVersion(),
    ...(homepageUrl() ? { informationUri: homepageUrl()! } : {}),
    ruleDocUrl,
    hiddenWarnings: counts.warnings - countFindings(shown).warnings,
    maxWarnings: flags.maxWarnings ?? -1,
    ...(plan && !flags.fix && fixes ? { fixes: sarifFixes(plan, fixes.replacements) } : {}),
  };
  const report = (await loadReporter(format))(shown, ctx);
  if (flags.output) writeFile(flags.output, report, io.cwd);
  else io.stdout(report);
  if (flags.sarifOutput) writeFile(flags.sarifOutput, (await loadReporter('sarif'))(shown, ctx), io.cwd);
  if (flags.jsonOutput) writeFile(flags.jsonOutput, (await loadReporter('json'))(shown, ctx), io.cwd);
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (format === 'github' && summaryFile) {
    try {
      appendFileSync(summaryFile, (await import('../report/github.js')).formatStepSummary(shown, ctx));
    } catch (e) {
      io.stderr(`consent-lint: could not write the job summary: ${(e as Error).message}\n`);
    }
  }

  if (counts.errors > 0) return EXIT_FINDINGS;
  // A file that mentions an SDK (or that the analysis needed) and could not be
  // analysed leaves calls unchecked: never a clean exit. Skipped generated files do not count.
  const broken = unanalysed(doc);
  // stylish and github reports already end with this verdict on stdout.
  const summarised = (format === 'stylish' || format === 'github') && !flags.output;
  if (broken.length && flags.failOnAnalysisErrors !== false) {
    if (!summarised)
      io.stderr(
        `consent-lint: ${plural(broken.length, 'place')} could not be analysed; SDK calls there are unchecked (--no-fail-on-analysis-errors reports them without failing)\n`,
      );
    return EXIT_FINDINGS;
  }
  const max = flags.maxWarnings ?? -1;
  if (max >= 0 && counts.warnings > max) {
    if (!summarised) io.stderr(`consent-lint: too many warnings (${counts.warnings}, --max-warnings ${max})\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}
