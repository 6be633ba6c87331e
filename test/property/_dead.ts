import fc from 'fast-check';
import { programArb } from './gen.js';
import { compare, annotate } from './compare.js';
const ps = fc.sample(programArb, { numRuns: 3000, seed: 11 });
let shown = 0;
for (const p of ps) {
  const c = compare(p, { readsThrow: true });
  if (c.deadButReported.length && shown++ < 4) console.log(annotate(c), '\n');
}
