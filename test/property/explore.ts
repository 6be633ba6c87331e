/**
 * Investigation tool for the dominance property (not a test):
 *
 *   npx tsx test/property/explore.ts sample [count] [seed]   print random programs, oracle vs engine per sink
 *   npx tsx test/property/explore.ts hunt [count] [seed]     run many programs, print every disagreement
 *   npx tsx test/property/explore.ts file <program.js>       compare one hand-written program (printer subset)
 *
 * Uses the same oracle options as dominance.property.test.ts.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { annotate, compare } from './compare.js';
import { programFromSource } from './fromSource.js';
import { countStatements, programArb } from './gen.js';
import { REAL_JS, TooManyPaths } from './oracle.js';

const ORACLE = REAL_JS;
const [mode = 'sample', arg1, arg2] = process.argv.slice(2);

if (mode === 'file') {
  if (!arg1) throw new Error('usage: explore.ts file <program.js>');
  const c = compare(programFromSource(readFileSync(arg1, 'utf8')), ORACLE);
  console.log(annotate(c));
  if (c.problems.length) console.log('problems:', c.problems);
} else {
  const count = Number(arg1 ?? (mode === 'hunt' ? 2000 : 5));
  const seed = Number(arg2 ?? 42);
  const stats = {
    programs: 0,
    skipped: 0,
    statements: 0,
    reached: 0,
    compliant: 0,
    dead: 0,
    deadReported: 0,
    disagreeing: 0,
  };
  const started = performance.now();
  for (const p of fc.sample(programArb, { numRuns: count, seed })) {
    let c;
    try {
      c = compare(p, ORACLE);
    } catch (e) {
      if (e instanceof TooManyPaths) {
        stats.skipped++;
        continue;
      }
      throw e;
    }
    stats.programs++;
    stats.statements += countStatements(p.body);
    for (const s of c.sinks) {
      if (s.oracle === 'dead') {
        stats.dead++;
        if (s.finding) stats.deadReported++;
      } else {
        stats.reached++;
        if (s.oracle.length === 0) stats.compliant++;
      }
    }
    const bad = c.disagreements.length > 0 || c.problems.length > 0;
    if (bad) stats.disagreeing++;
    if (mode === 'sample' || bad) {
      console.log(
        `---${bad ? ' DISAGREEMENT' : ''}\n${annotate(c)}${c.problems.length ? `\nproblems: ${c.problems.join('; ')}` : ''}`,
      );
    }
  }
  console.log({ ...stats, ms: Math.round(performance.now() - started) });
}
