import fc from 'fast-check';
import { programArb } from './gen.js';
import { compare, annotate } from './compare.js';
import { TooManyPaths } from './oracle.js';
const N = Number(process.argv[2] ?? 500);
const readsThrow = process.argv[3] === 'reads';
const ps = fc.sample(programArb, { numRuns: N, seed: Number(process.argv[4] ?? 3) });
let bad = 0, shown = 0, problems = 0;
const t = performance.now();
for (const p of ps) {
  let c;
  try { c = compare(p, { readsThrow }); } catch (e) { if (e instanceof TooManyPaths) continue; throw e; }
  if (c.problems.length) { problems++; if (shown++ < 3) console.log('PROBLEMS', c.problems, '\n' + annotate(c)); }
  else if (c.disagreements.length) { bad++; if (shown++ < 6) console.log(annotate(c)); }
}
console.log({ N, bad, problems, ms: performance.now() - t });
