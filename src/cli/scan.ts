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
import { appendFileSync, existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import {
  applyBaseline,
  createBaseline,
  pruneBaseline,
  readBaseline,
  serializeBaseline,
  writeBaseline,
  type Baseline,
} from '../baseline/index.js';
import type { ScanOptions, ScanResult } from '../index.js';
import type { Policy, ResultDocument } from '../model.js';
import { resolvePolicies } from '../policy/index.js';
import { FORMATS, formatJson, formatSarif, formatStepSummary, render, type Format, type ReportContext } from '../report/index.js';
import { countFindings, incompleteAnalysis, plural } from '../report/util.js';
import { applySuppressions, directiveRules } from '../suppress/index.js';
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

  // Changed files first: a bad ref should fail before a long analysis.
  let changed: Set<string> | undefined;
  if (flags.changed !== undefined || flags.staged) {
    const result = changedFiles({ cwd: target.root, ref: flags.changed || 'HEAD', ...(flags.staged ? { staged: true } : {}) });
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
      ...(flags.cache || flags.cacheLocation
        ? { cacheFile: flags.cacheLocation ? resolve(io.cwd, flags.cacheLocation, flags.cacheLocation.endsWith('.json') ? '' : 'analysis.json') : resolve(target.root, '.consent-lint-cache', 'analysis.json') }
        : {}),
    });
  } finally {
    progress.stop();
  }

  const rules = [...result.rules, ...directiveRules.filter((d) => !result.rules.some((r) => r.id === d.id))];
  let doc: ResultDocument = applySuppressions(result.document, result.sources, {
    rules: result.rules,
    ...(target.config?.rules ? { ruleSettings: target.config.rules } : {}),
  }).document;

  // Reporting scope: PATHs, then --changed/--staged (a finding is in scope when
  // its file changed or when its verdict depends on a changed file).
  const isChanged = (file: string) => !changed || changed.has(file);
  const inScope = (file: string) => target.inScope(file) && isChanged(file);
  const partial = target.restricted || changed !== undefined;
  doc = {
    ...doc,
    findings: doc.findings.filter(
      (f) => target.inScope(f.file) && (isChanged(f.file) || (f.dependsOn ?? []).some((d) => isChanged(isAbsolute(d) ? relative(target.root, d).split('\\').join('/') : d))),
    ),
    errors: doc.errors.filter((e) => !e.file || inScope(e.file)),
  };

  if (flags.writeBaseline) {
    let baseline = createBaseline(doc);
    if (partial && existsSync(resolve(io.cwd, flags.writeBaseline))) {
      // Keep what the previous baseline says about files outside this run's scope.
      const previous = readBaseline(resolve(io.cwd, flags.writeBaseline));
      baseline = { ...baseline, entries: [...previous.entries.filter((e) => !inScope(e.file)), ...baseline.entries] };
    }
    writeBaseline(resolve(io.cwd, flags.writeBaseline), baseline);
    io.stderr(`consent-lint: wrote ${baseline.entries.length} baseline ${baseline.entries.length === 1 ? 'entry' : 'entries'} to ${displayFile(flags.writeBaseline, io.cwd)}\n`);
    return EXIT_OK;
  }

  if (flags.baseline) {
    const file = resolve(io.cwd, flags.baseline);
    const baseline: Baseline = readBaseline(file);
    const applied = applyBaseline(doc, baseline, inScope);
    doc = applied.document;
    if (applied.matched) io.stderr(`consent-lint: ${plural(applied.matched, 'baselined finding')} ignored (${displayFile(flags.baseline, io.cwd)})\n`);
    if (applied.stale.length) {
      if (flags.pruneBaseline) {
        writeFileSync(file, serializeBaseline(pruneBaseline(baseline, applied.stale)));
        io.stderr(`consent-lint: pruned ${applied.stale.length} stale baseline ${applied.stale.length === 1 ? 'entry' : 'entries'} from ${displayFile(flags.baseline, io.cwd)}\n`);
      } else {
        io.stderr(
          `consent-lint: note: ${applied.stale.length} baseline ${applied.stale.length === 1 ? 'entry matches' : 'entries match'} no finding any more (fixed?): ` +
            `${applied.stale.slice(0, 5).map((e) => `${e.file} ${e.ruleId}${e.callee ? ` ${e.callee}` : ''}`).join('; ')}${applied.stale.length > 5 ? '; …' : ''}. ` +
            'Run with --prune-baseline to remove them.\n',
        );
      }
    }
  }

  const counts = countFindings(doc);
  const shown: ResultDocument = flags.quiet ? { ...doc, findings: doc.findings.filter((f) => f.severity === 'error') } : doc;

  const format: Format = flags.format ?? (io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'stylish');
  const ctx: ReportContext = {
    rules,
    sources: result.sources,
    color: format === 'stylish' && resolveColor(flags, io),
    root: target.root,
    ...(target.repoRoot ? { repoRoot: target.repoRoot } : {}),
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

  // A green run must mean every SDK call was checked: what could not be analysed fails it.
  const unanalysed = incompleteAnalysis(doc);
  if (flags.failOnAnalysisErrors !== false && unanalysed.length) {
    io.stderr(`consent-lint: the analysis is incomplete: ${plural(unanalysed.length, 'place')} could not be analysed (exit 1; --no-fail-on-analysis-errors reports them without failing)\n`);
    return EXIT_FINDINGS;
  }
  if (counts.errors > 0) return EXIT_FINDINGS;
  const max = flags.maxWarnings ?? -1;
  if (max >= 0 && counts.warnings > max) {
    io.stderr(`consent-lint: too many warnings (${counts.warnings}, --max-warnings ${max})\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}
