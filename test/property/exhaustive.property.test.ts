/**
 * Property: on random multi-file programs (multi-file.ts), the default scan,
 * which parses only files that mention an SDK and follows references outward
 * on demand, gives the same findings and errors as the exhaustive mode
 * (`--no-prune`: every file parsed up front, on-demand parsing never
 * narrowed). A difference is a soundness bug of the pruning (the default
 * misses what the exhaustive scan finds) or a precision one (the reverse).
 * What "the same" means: test/support/exhaustive.ts.
 *
 * Reproduce a failure: FC_SEED=<seed> FC_PATH=<path>; tune FC_NUM_RUNS (default 150).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { comparable, scanBoth, summary, writeTree } from '../support/exhaustive.js';
import { buildMultiFile, multiFilePlanArb } from './multi-file.js';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 150);
const SEED = Number(process.env.FC_SEED ?? 0xe8_4a57);
const PATH = process.env.FC_PATH;

const stats = { programs: 0, withFindings: 0, findings: 0, prunedParsedFewer: 0 };

describe('pruning: the default scan == --no-prune on random multi-file programs', () => {
  afterAll(() => console.log(`[exhaustive property] seed ${SEED}: ${JSON.stringify(stats)}`));

  // Two scans per program, ~0.15 s on a busy 2-core machine: the time budget grows with FC_NUM_RUNS.
  it(`agrees on ${NUM_RUNS} programs`, { timeout: Math.max(120_000, NUM_RUNS * 1_000) }, async () => {
    await fc.assert(
      fc.asyncProperty(multiFilePlanArb, async (plan) => {
        const files = buildMultiFile(plan);
        const { root, remove } = writeTree(files, 'exhaustive-prop-');
        try {
          const { pruned, exhaustive } = await scanBoth(root);
          const listing = Object.entries(files)
            .map(([f, text]) => `=== ${f}\n${text}`)
            .join('');
          const message = `default: ${summary(pruned).join('; ')}\nexhaustive: ${summary(exhaustive).join('; ')}\n${listing}`;
          expect(comparable(pruned), message).toEqual(comparable(exhaustive));
          stats.programs++;
          if (exhaustive.findings.length) stats.withFindings++;
          stats.findings += exhaustive.findings.length;
          if (pruned.stats.filesParsed < exhaustive.stats.filesParsed) stats.prunedParsedFewer++;
        } finally {
          remove();
        }
      }),
      { numRuns: NUM_RUNS, seed: SEED, ...(PATH ? { path: PATH } : {}) },
    );
    // Not vacuous: programs with findings and without, and the default pruning something.
    expect(stats.withFindings).toBeGreaterThan(NUM_RUNS / 10);
    expect(stats.withFindings).toBeLessThan(stats.programs);
    expect(stats.prunedParsedFewer).toBeGreaterThan(NUM_RUNS / 10);
  });
});
