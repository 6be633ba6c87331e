/**
 * The checker's program is built a few times, not once per file whose
 * receiver needs a type: the default scan parses files on demand, and each
 * typed receiver of a file parsed since the last program adds a file or a few
 * to it (a program per receiver file made a 4.7k-file app spend most of its
 * scan rebuilding programs). The findings stay those of the exhaustive scan.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { loadConfigFile } from '../src/policy/index.js';
import { typeProgramBuilds } from '../src/program/types.js';
import { comparable, summary, writeTree } from './support/exhaustive.js';

const N = 24;

/**
 * `deps.ts` types the SDK; each feature's receiver is typed by it (only the
 * checker says it is Leanplum) and imports a helper of its own (its closure
 * differs from every other's); each screen imports its feature and has a
 * typed receiver of its own, gated.
 */
function tree(): Record<string, string> {
  const files: Record<string, string> = {
    'consent-lint.config.json': JSON.stringify({ guards: [{ function: 'hasConsent', purposeArgument: 0 }] }),
    'package.json': JSON.stringify({ name: 'app', dependencies: { 'leanplum-sdk': '1.0.0' } }),
    'src/deps.ts': `import Leanplum from 'leanplum-sdk';\nexport interface Deps { lp: typeof Leanplum }\n`,
    'src/privacy.ts': `export function hasConsent(purpose: string): boolean { return purpose.length > 0; }\n`,
  };
  for (let i = 0; i < N; i++) {
    files[`src/helpers/helper${i}.ts`] =
      `import type { Deps } from '../deps';\nexport function helper${i}(d: Deps): Deps { return d; }\n`;
    files[`src/features/feature${i}.ts`] = [
      `import type { Deps } from '../deps';`,
      `import { helper${i} } from '../helpers/helper${i}';`,
      `export function feature${i}(d: Deps) {`,
      `  helper${i}(d).lp.start();`,
      `}`,
    ].join('\n');
    files[`src/screens/screen${i}.ts`] = [
      `import type { Deps } from '../deps';`,
      `import { feature${i} } from '../features/feature${i}';`,
      `import { hasConsent } from '../privacy';`,
      `export function screen${i}(d: Deps) {`,
      `  feature${i}(d);`,
      `  if (hasConsent('marketing')) d.lp.registerForWebPush();`,
      `}`,
    ].join('\n');
  }
  return files;
}

describe("the checker's program", () => {
  const { root, remove } = writeTree(tree(), 'types-builds-');
  afterAll(remove);

  it('is built a few times for the typed receivers of many files parsed on demand, with the exhaustive findings', async () => {
    const config = loadConfigFile(join(root, 'consent-lint.config.json'));
    const before = typeProgramBuilds();
    const pruned = (await scan({ root, config })).document;
    const prunedBuilds = typeProgramBuilds() - before;
    const exhaustive = (await scan({ root, config, exhaustive: true })).document;
    const exhaustiveBuilds = typeProgramBuilds() - before - prunedBuilds;
    // Every receiver is found by its type: a finding per feature (ungated) and none for the gated screens.
    expect(summary(pruned)).toHaveLength(N);
    expect(summary(pruned).every((s) => s.startsWith('leanplum/init src/features/'))).toBe(true);
    expect(comparable(pruned)).toEqual(comparable(exhaustive));
    // One seed (deps.ts), the rest parsed as the analysis asks: a program per receiver file was N builds.
    expect(pruned.stats.filesParsed).toBeGreaterThan(2 * N);
    expect(prunedBuilds).toBeGreaterThan(0);
    expect(prunedBuilds).toBeLessThanOrEqual(6);
    expect(exhaustiveBuilds).toBeLessThanOrEqual(6);
  });
});
