/**
 * Eyeball helper: `npx tsx test/property/sample.ts [count] [seed]` prints
 * generated programs with the oracle's verdict per sink line, and statistics.
 */
import fc from 'fast-check';
import { parse } from '@babel/parser';
import { programArb, countStatements } from './gen.js';
import { printProgram } from './print.js';
import { runOracle, TooManyPaths } from './oracle.js';
import { maskToPurposes } from './model.js';

const count = Number(process.argv[2] ?? 5);
const seed = Number(process.argv[3] ?? 42);
const samples = fc.sample(programArb, { numRuns: count, seed });
let skipped = 0;
let parseErrors = 0;
const works: number[] = [];
const sizes: number[] = [];
let reachedSinks = 0;
let deadSinks = 0;
let compliantSinks = 0;
for (const [i, p] of samples.entries()) {
  const { code, lineOfSink } = printProgram(p);
  try {
    parse(code, { sourceType: 'module', plugins: ['typescript'] });
  } catch (e) {
    parseErrors++;
    console.log('PARSE ERROR', (e as Error).message, '\n' + code);
  }
  sizes.push(countStatements(p.body));
  let res;
  try {
    res = runOracle(p);
  } catch (e) {
    if (e instanceof TooManyPaths) {
      skipped++;
      continue;
    }
    throw e;
  }
  works.push(res.work);
  for (const v of res.verdicts) {
    if (!v.reached) deadSinks++;
    else {
      reachedSinks++;
      if (v.missing === 0) compliantSinks++;
    }
  }
  if (i < 8 || process.env.SHOW_ALL) {
    const lines = code.split('\n');
    for (const [id, line] of lineOfSink.entries()) {
      const v = res.verdicts[id]!;
      lines[line - 1] += `   // #${id} ${v.reached ? `missing: [${maskToPurposes(v.missing).join(', ')}]` : 'DEAD'}`;
    }
    console.log(`--- program ${i} (paths ${res.paths}, work ${res.work})\n${lines.join('\n')}`);
  }
}
works.sort((a, b) => a - b);
sizes.sort((a, b) => a - b);
const q = (xs: number[], f: number) => xs[Math.floor((xs.length - 1) * f)];
console.log({
  count,
  skipped,
  parseErrors,
  work: { median: q(works, 0.5), p90: q(works, 0.9), p99: q(works, 0.99), max: q(works, 1) },
  statements: { median: q(sizes, 0.5), p90: q(sizes, 0.9), max: q(sizes, 1) },
  reachedSinks,
  compliantSinks,
  deadSinks,
});
