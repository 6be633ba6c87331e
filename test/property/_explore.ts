import fc from 'fast-check';
import { programArb } from './gen.js';
import { compare, annotate } from './compare.js';
import { TooManyPaths } from './oracle.js';
const N = Number(process.argv[2] ?? 500);
const ps = fc.sample(programArb, { numRuns: N, seed: Number(process.argv[3] ?? 3) });
let bad = 0, k1 = 0, shown = 0, problems = 0;
const t = performance.now();
for (const p of ps) {
  let c;
  try { c = compare(p, { readsThrow: true }); } catch (e) { if (e instanceof TooManyPaths) continue; throw e; }
  if (c.problems.length) { problems++; if (shown++ < 3) console.log('PROBLEMS', c.problems, '\n' + annotate(c)); continue; }
  if (!c.disagreements.length) continue;
  const c2 = compare(p, { readsThrow: true, tryEntryThrows: true });
  if (!c2.disagreements.length && !c2.problems.length) { k1++; if (process.env.SHOW_K1 && shown++ < 4) console.log("K1-like\n" + annotate(c)); continue; }
  bad++; if (shown++ < 6) console.log(annotate(c));
}
console.log({ N, bad, k1, problems, ms: performance.now() - t });
