import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { loadConfigFile } from '../src/policy/index.js';
import { collectExpectations, compare } from './support/expectations.js';
import { FIXTURE_APPS, FIXTURES } from './support/fixture-apps.js';

for (const [group, names] of FIXTURE_APPS) {
  const base = join(FIXTURES, group);
  describe(`fixtures/${group}`, () => {
    for (const app of names) {
      it(`${app}: findings match the inline expectations`, async () => {
        const root = join(base, app);
        const cfgFile = join(root, 'consent-lint.config.json');
        const config = existsSync(cfgFile) ? loadConfigFile(cfgFile) : undefined;
        const { document } = await scan({ root, config });
        const expected = collectExpectations(root);
        expect(expected.length).toBeGreaterThan(0);
        expect(compare(expected, document.findings)).toEqual([]);
        expect(document.errors.filter((e) => e.kind !== 'skipped')).toEqual([]);
      });
    }
  });
}
