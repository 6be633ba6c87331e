/**
 * Time budgets for the analysis (`--timeout`, `--total-timeout`; Semgrep's
 * `--timeout` works alike): a safety net against inputs whose analysis cost
 * explodes. Never a silent pass: a file whose analysis is cut short is
 * reported as not analysed and every SDK call in it becomes a finding with
 * every purpose missing; what other files learn from it (guard summaries,
 * guarded references) is taken as proving nothing.
 *
 * Time is charged per file, exclusively: when the analysis of one file asks
 * for something in another (a wrapper's summary), the clock of the first
 * pauses. Charged: flow graphs, must-analysis with guard classification,
 * reference resolution, SDK-call search. Not charged: parsing (Babel cannot be
 * interrupted; files over 1 MiB are skipped before it).
 */
import type { AnalysisError } from '../model.js';

export interface BudgetOptions {
  /** Per-file budget in milliseconds (0 or undefined: none). */
  fileMs?: number | undefined;
  /** Whole-run budget in milliseconds (0 or undefined: none). */
  runMs?: number | undefined;
  /** The clock (tests). */
  now?: () => number;
}

export class Budget {
  private readonly spent = new Map<string, number>();
  private readonly cut = new Set<string>();
  private readonly started: number;
  private runOverAt: number | undefined;
  private readonly stack: { file: string; since: number }[] = [];

  constructor(
    readonly options: BudgetOptions = {},
    private readonly now: () => number = options.now ?? (() => performance.now()),
  ) {
    this.started = this.now();
  }

  get enabled(): boolean {
    return Boolean(this.options.fileMs || this.options.runMs);
  }

  /** Whether the whole run is past its budget. */
  get runOver(): boolean {
    if (this.runOverAt !== undefined) return true;
    if (this.options.runMs && this.now() - this.started > this.options.runMs) {
      this.runOverAt = this.now();
      return true;
    }
    return false;
  }

  /** Whether work on `file` must stop (its budget or the run's is spent): the file is then marked cut. */
  exhausted(file: string): boolean {
    if (this.cut.has(file)) return true;
    if (!this.enabled) return false;
    const fileMs = this.options.fileMs;
    if (this.runOver || (fileMs && this.elapsedOn(file) > fileMs)) {
      this.cut.add(file);
      return true;
    }
    return false;
  }

  /** Mark a file as not analysed (run budget spent before its proof). */
  cutFile(file: string): void {
    this.cut.add(file);
  }

  /** Whether a file's analysis was cut short (its sinks become findings). */
  isCut(file: string): boolean {
    return this.cut.has(file);
  }

  /** Run `f`, charging its time (exclusive of nested charges) to `file`. */
  charge<T>(file: string, f: () => T): T {
    if (!this.enabled) return f();
    const t = this.now();
    const outer = this.stack[this.stack.length - 1];
    if (outer) {
      this.add(outer.file, t - outer.since);
    }
    this.stack.push({ file, since: t });
    try {
      return f();
    } finally {
      const end = this.now();
      const me = this.stack.pop()!;
      this.add(me.file, end - me.since);
      if (outer) outer.since = end;
    }
  }

  private add(file: string, ms: number): void {
    this.spent.set(file, (this.spent.get(file) ?? 0) + ms);
  }

  private elapsedOn(file: string): number {
    let ms = this.spent.get(file) ?? 0;
    const top = this.stack[this.stack.length - 1];
    if (top && top.file === file) ms += this.now() - top.since;
    return ms;
  }

  /** One error per file cut short, and one for the run. */
  errors(): AnalysisError[] {
    const out: AnalysisError[] = [];
    const fileS = this.options.fileMs ? `${this.options.fileMs / 1000} s` : '';
    const runS = this.options.runMs ? `${this.options.runMs / 1000} s` : '';
    if (this.runOverAt !== undefined) {
      out.push({
        file: '',
        line: 1,
        column: 1,
        kind: 'timeout',
        message: `not analysed completely: the run exceeded its time budget of ${runS} (--total-timeout); SDK calls in files not analysed are reported as unguarded`,
      });
    }
    for (const file of [...this.cut].sort()) {
      const why =
        this.runOverAt !== undefined && !(this.options.fileMs && (this.spent.get(file) ?? 0) > this.options.fileMs)
          ? `the run's time budget (${runS}) ran out`
          : `its analysis exceeded the per-file time budget of ${fileS} (--timeout)`;
      out.push({
        file,
        line: 1,
        column: 1,
        kind: 'timeout',
        message: `not analysed: ${why}; its SDK calls are reported as unguarded`,
      });
    }
    return out;
  }
}
