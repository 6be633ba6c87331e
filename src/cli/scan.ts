/**
 * `consent-lint [PATH...]`: the scan command as a function returning its exit
 * code. The oclif command (src/commands/scan.ts) only parses flags.
 *
 *   scan() (suppressions, identities, baseline: the library applies them)
 *          -> reporting scope (PATHs, --changed/--staged) -> --quiet -> reporter -> exit code
 *
 * Exit codes: 0 nothing at error level and warnings within --max-warnings;
 * 1 findings; 2 usage/config/policy error, or analysis errors with
 * --fail-on-analysis-errors.
 */
import { appendFileSync, existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { createBaseline, pruneBaseline, readBaseline, serializeBaseline, writeBaseline } from '../baseline/index.js';
import type { ScanOptions, ScanResult } from '../index.js';
import type { Policy, ResultDocument } from '../model.js';
import { resolvePolicies } from '../policy/index.js';
import { FORMATS, formatJson, formatSarif, formatStepSummary, render, type Format, type ReportContext } from '../report/index.js';
import { countFindings, plural } from '../report/util.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, reportError, UsageError } from './errors.js';
import { changedFiles } from './git.js';
import type { CliIO } from './io.js';
import { startProgress } from './progress.js';
import { resolveTarget, type ScanTarget } from './target.js';
import { toolVersion } from './version.js';

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
  /** Where the cache lives (default: `.consent-lint-cache/analysis.json` under the scan root). */
  cacheLocation?: string;
}

export interface ScanDeps {
  scan?: (options: ScanOptions) => Promise<ScanResult>;
}

export async function runScan(flags: ScanFlags, io: CliIO, deps: ScanDeps = {}): Promise<number> {
  try {
    return await scanCommand(flags, io, deps);
  } catch (error) {
    return reportError(error, io);
  }
}

function checkFlags(flags: ScanFlags): void {
  if (flags.format && !FORMATS.includes(flags.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (flags.maxWarnings !== undefined && (!Number.isInteger(flags.maxWarnings) || flags.maxWarnings < -1)) {
    throw new UsageError('--max-warnings must be an integer >= 0 (or -1 for no limit)');
  }
  if (flags.changed !== undefined && flags.staged) throw new UsageError('--changed and --staged cannot be combined');
  if (flags.baseline && flags.writeBaseline) throw new UsageError('--baseline and --write-baseline cannot be combined');
  if (flags.pruneBaseline && !flags.baseline) throw new UsageError('--prune-baseline needs --baseline FILE');
}

export function resolveColor(flags: Pick<ScanFlags, 'color' | 'output'>, io: Pick<CliIO, 'env' | 'stdoutIsTTY'>): boolean {
  if (flags.color !== undefined) return flags.color;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (flags.output) return false;
  return io.stdoutIsTTY && io.env.TERM !== 'dumb';
}

function policiesFor(flags: ScanFlags, target: ScanTarget, cwd: string): Policy[] {
  if (flags.policy?.length) return resolvePolicies(flags.policy, cwd);
  const fromConfig = target.config?.policies;
  if (fromConfig?.length) return resolvePolicies(fromConfig, target.config?.dir ?? target.root);
  return resolvePolicies(undefined);
}

function writeFile(file: string, text: string, cwd: string): void {
  const abs = resolve(cwd, file);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
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
  const target = resolveTarget(flags.paths, flags.config, io.cwd);
  const policies = policiesFor(flags, target, io.cwd);

  // Changed files first: a bad ref should fail before a long analysis; a bad baseline too.
  const changed = changedSet(flags, target, io);
  const baselineFile = flags.baseline ? resolve(io.cwd, flags.baseline) : undefined;
  const baseline = baselineFile ? readBaseline(baselineFile) : undefined;

  // Reporting scope: PATHs, then --changed/--staged (a finding is in scope when
  // its file changed or when its verdict depends on a changed file).
  const isChanged = (file: string) => !changed || changed.has(file);
  const inScope = (file: string) => target.inScope(file) && isChanged(file);
  const partial = target.restricted || changed !== undefined;

  const result = await analyse(flags, io, deps, target, policies, baseline ? { baseline, baselineScope: inScope } : {});
  const doc = reportingScope(result.document, target, isChanged, inScope);

  if (flags.writeBaseline) {
    writeBaselineFile(flags.writeBaseline, doc, partial, inScope, io);
    return EXIT_OK;
  }
  if (baseline && baselineFile && result.baseline) reportBaseline(baselineFile, Boolean(flags.pruneBaseline), result.baseline, io);

  const shown: ResultDocument = flags.quiet ? { ...doc, findings: doc.findings.filter((f) => f.severity === 'error') } : doc;
  writeReports(flags, io, shown, {
    rules: result.rules,
    sources: result.sources,
    root: target.root,
    ...(target.repoRoot ? { repoRoot: target.repoRoot } : {}),
  });
  return exitCode(flags, io, doc);
}

/** `--changed`/`--staged`: the changed files, relative to the scan root (undefined: no restriction). */
function changedSet(flags: ScanFlags, target: ScanTarget, io: CliIO): Set<string> | undefined {
  if (flags.changed === undefined && !flags.staged) return undefined;
  const result = changedFiles({ cwd: target.root, ref: flags.changed || 'HEAD', ...(flags.staged ? { staged: true } : {}) });
  if (result.note) io.stderr(`consent-lint: ${result.note}\n`);
  return new Set(result.files.map((f) => relative(target.root, f).split('\\').join('/')));
}

/** Runs the library scan with progress on a TTY and the cache when asked for. */
async function analyse(
  flags: ScanFlags,
  io: CliIO,
  deps: ScanDeps,
  target: ScanTarget,
  policies: Policy[],
  baseline: Pick<ScanOptions, 'baseline' | 'baselineScope'>,
): Promise<ScanResult> {
  const scan = deps.scan ?? (await import('../index.js')).scan;
  const progress = startProgress({ enabled: io.stderrIsTTY && !io.env.CI, stream: io.progressStream });
  try {
    return await scan({
      root: target.root,
      ...(target.onlyFiles ? { onlyFiles: target.onlyFiles } : {}),
      ...(target.config ? { config: target.config } : {}),
      policies,
      onProgress: (step) => progress.update(step),
      ...baseline,
      ...(flags.cache || flags.cacheLocation ? { cacheFile: cacheFile(flags, io, target) } : {}),
    });
  } finally {
    progress.stop();
  }
}

function cacheFile(flags: ScanFlags, io: CliIO, target: ScanTarget): string {
  if (!flags.cacheLocation) return resolve(target.root, '.consent-lint-cache', 'analysis.json');
  return resolve(io.cwd, flags.cacheLocation, flags.cacheLocation.endsWith('.json') ? '' : 'analysis.json');
}

/** Keeps the findings and errors in the reporting scope (PATHs, --changed/--staged). */
function reportingScope(
  doc: ResultDocument,
  target: ScanTarget,
  isChanged: (file: string) => boolean,
  inScope: (file: string) => boolean,
): ResultDocument {
  const changedDependency = (d: string) => isChanged(isAbsolute(d) ? relative(target.root, d).split('\\').join('/') : d);
  return {
    ...doc,
    findings: doc.findings.filter((f) => target.inScope(f.file) && (isChanged(f.file) || (f.dependsOn ?? []).some(changedDependency))),
    errors: doc.errors.filter((e) => !e.file || inScope(e.file)),
  };
}

/** `--write-baseline FILE`; a partial run keeps what the previous baseline says about files outside its scope. */
function writeBaselineFile(path: string, doc: ResultDocument, partial: boolean, inScope: (file: string) => boolean, io: CliIO): void {
  let baseline = createBaseline(doc);
  if (partial && existsSync(resolve(io.cwd, path))) {
    const previous = readBaseline(resolve(io.cwd, path));
    baseline = { ...baseline, entries: [...previous.entries.filter((e) => !inScope(e.file)), ...baseline.entries] };
  }
  writeBaseline(resolve(io.cwd, path), baseline);
  io.stderr(`consent-lint: wrote ${baseline.entries.length} baseline ${baseline.entries.length === 1 ? 'entry' : 'entries'} to ${displayFile(path, io.cwd)}\n`);
}

/** `--baseline FILE` (and `--prune-baseline`): what the library's baseline step matched; stale entries reported or pruned. */
function reportBaseline(file: string, prune: boolean, applied: NonNullable<ScanResult['baseline']>, io: CliIO): void {
  if (applied.matched) io.stderr(`consent-lint: ${plural(applied.matched, 'baselined finding')} ignored (${displayFile(file, io.cwd)})\n`);
  if (!applied.stale.length) return;
  if (prune) {
    writeFileSync(file, serializeBaseline(pruneBaseline(applied.upgraded, applied.stale)));
    io.stderr(`consent-lint: pruned ${applied.stale.length} stale baseline ${applied.stale.length === 1 ? 'entry' : 'entries'} from ${displayFile(file, io.cwd)}\n`);
  } else {
    io.stderr(
      `consent-lint: note: ${applied.stale.length} baseline ${applied.stale.length === 1 ? 'entry matches' : 'entries match'} no finding any more (fixed?): ` +
        `${applied.stale.slice(0, 5).map((e) => `${e.file} ${e.ruleId}${e.callee ? ` ${e.callee}` : ''}`).join('; ')}${applied.stale.length > 5 ? '; …' : ''}. ` +
        'Run with --prune-baseline to remove them.\n',
    );
  }
}

/** The report on stdout or `--output`, the extra SARIF/JSON files, and the GitHub job summary. */
function writeReports(flags: ScanFlags, io: CliIO, shown: ResultDocument, base: Pick<ReportContext, 'rules' | 'sources' | 'root' | 'repoRoot'>): void {
  const format: Format = flags.format ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'stylish');
  const ctx: ReportContext = {
    ...base,
    color: format === 'stylish' && resolveColor(flags, io),
    cwd: realCwd(io.cwd),
    toolVersion: toolVersion(),
  };
  const report = render(format, shown, ctx);
  if (flags.output) writeFile(flags.output, report, io.cwd);
  else io.stdout(report);
  if (flags.sarifOutput) writeFile(flags.sarifOutput, formatSarif(shown, ctx), io.cwd);
  if (flags.jsonOutput) writeFile(flags.jsonOutput, formatJson(shown), io.cwd);
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (format === 'github' && summaryFile) {
    try {
      appendFileSync(summaryFile, formatStepSummary(shown, ctx));
    } catch (e) {
      io.stderr(`consent-lint: could not write the job summary: ${(e as Error).message}\n`);
    }
  }
}

function exitCode(flags: ScanFlags, io: CliIO, doc: ResultDocument): number {
  if (flags.failOnAnalysisErrors && doc.errors.length) {
    io.stderr(`consent-lint: ${plural(doc.errors.length, 'file')} could not be analysed (--fail-on-analysis-errors)\n`);
    return EXIT_USAGE;
  }
  const counts = countFindings(doc);
  if (counts.errors > 0) return EXIT_FINDINGS;
  const max = flags.maxWarnings ?? -1;
  if (max >= 0 && counts.warnings > max) {
    io.stderr(`consent-lint: too many warnings (${counts.warnings}, --max-warnings ${max})\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}
