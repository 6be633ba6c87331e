/**
 * Run the engine and the oracle on one model program and compare their
 * verdicts sink by sink.
 */
import { checkSource } from '../../src/index.js';
import type { Finding, ResultDocument } from '../../src/index.js';
import type { Config } from '../../src/model.js';
import { maskToPurposes, type Program, sinkRequires, sinkRule } from './model.js';
import fc from 'fast-check';
import { type OracleOptions, runOracle, TooManyPaths } from './oracle.js';
import { printProgram } from './print.js';

export const SINK_RULES = new Set(['leanplum/push', 'leanplum/init', 'onesignal/init']);

export interface SinkComparison {
  id: number;
  line: number;
  rule: string;
  /** Oracle: `dead` when no path reaches the sink, else the missing purposes (sorted). */
  oracle: 'dead' | string[];
  /** Engine: missing purposes of its finding on this line ([] when no finding). */
  engine: string[];
  finding?: Finding;
}

export interface Comparison {
  code: string;
  document: ResultDocument;
  sinks: SinkComparison[];
  /** Problems that are not a per-sink verdict (errors, findings on lines without a sink, ...). */
  problems: string[];
  /** Sinks whose verdicts differ: a reachable sink with different `missing`, or a dead sink with a finding. */
  disagreements: SinkComparison[];
  /** Dead sinks that the engine reports anyway (also in `disagreements`). */
  deadButReported: SinkComparison[];
}

export function compare(program: Program, oracleOptions: OracleOptions = {}, config?: Config): Comparison {
  const oracle = runOracle(program, oracleOptions); // may throw TooManyPaths
  const { code, sinkAtLine, lineOfSink } = printProgram(program);
  const document = checkSource(code, { file: program.topLevel ? 'app.js' : 'main.js', ...(config ? { config } : {}) });
  const problems: string[] = [];
  for (const e of document.errors) problems.push(`analysis error: ${e.kind} ${e.line}:${e.column} ${e.message}`);

  const byId = new Map<number, Finding>();
  for (const f of document.findings) {
    if (!SINK_RULES.has(f.ruleId)) {
      problems.push(`unexpected finding ${f.ruleId} at ${f.line}:${f.column}`);
      continue;
    }
    const id = sinkAtLine.get(f.line);
    if (id === undefined) {
      problems.push(`finding ${f.ruleId} at line ${f.line}, which has no sink`);
      continue;
    }
    if (byId.has(id)) problems.push(`two findings on line ${f.line}`);
    if (f.ruleId !== sinkRule[program.sinkKinds[id]]) problems.push(`finding on line ${f.line} has rule ${f.ruleId}`);
    if (f.suppressed) problems.push(`finding on line ${f.line} is suppressed`);
    if (f.missing.length === 0) problems.push(`finding on line ${f.line} with empty \`missing\``);
    const requires = maskToPurposes(sinkRequires[program.sinkKinds[id]]);
    if ([...f.requires].sort().join() !== requires.join())
      problems.push(`finding on line ${f.line} requires [${f.requires.join(',')}]`);
    if (f.missing.some((m) => !requires.includes(m)))
      problems.push(`finding on line ${f.line} misses [${f.missing.join(',')}]`);
    const last = f.trace[f.trace.length - 1];
    if (!last || last.line !== f.line) problems.push(`finding on line ${f.line}: trace does not end at the sink`);
    byId.set(id, f);
  }

  const sinks: SinkComparison[] = program.sinkKinds.map((kind, id) => {
    const v = oracle.verdicts[id];
    const f = byId.get(id);
    const c: SinkComparison = {
      id,
      line: lineOfSink[id],
      rule: sinkRule[kind],
      oracle: v.reached ? maskToPurposes(v.missing) : 'dead',
      engine: f ? [...f.missing].sort() : [],
    };
    if (f) c.finding = f;
    return c;
  });
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const deadButReported = sinks.filter((s) => s.oracle === 'dead' && s.finding);
  const disagreements = sinks.filter((s) => (s.oracle === 'dead' ? s.finding : !same(s.oracle, s.engine)));
  return { code, document, sinks, problems, disagreements, deadButReported };
}

/**
 * `compare` inside a fast-check property: a program with too many paths for the oracle's budget is
 * skipped (`fc.pre(false)`, after `onSkip`), never guessed.
 */
export function compareOrSkip(
  program: Program,
  oracleOptions: OracleOptions,
  onSkip: () => void,
  config?: Config,
): Comparison {
  try {
    return compare(program, oracleOptions, config);
  } catch (e) {
    if (e instanceof TooManyPaths) {
      onSkip();
      fc.pre(false);
    }
    throw e;
  }
}

/** The program with `// oracle: ... engine: ...` on every sink line. */
export function annotate(c: Comparison): string {
  const lines = c.code.split('\n');
  for (const s of c.sinks) {
    const o = s.oracle === 'dead' ? 'dead' : `[${s.oracle.join(', ')}]`;
    const bad = c.disagreements.includes(s) ? '   <-- DISAGREE' : '';
    lines[s.line - 1] += `   // ${String(s.line).padStart(2)}: oracle ${o}, engine [${s.engine.join(', ')}]${bad}`;
  }
  return lines.join('\n');
}
