/** The fixture apps with inline expectations (test/engine-fixtures.test.ts runs them; test/exhaustive.test.ts too). */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

const GROUPS = ['engine', 'resolution', 'soundness', 'sdks', 'guards'];

/** [group, app names] per fixture group, the demo app last (group `.`). */
export const FIXTURE_APPS: [string, string[]][] = [
  ...GROUPS.map((g): [string, string[]] => [g, existsSync(join(FIXTURES, g)) ? readdirSync(join(FIXTURES, g)) : []]),
  ['.', ['demo-app']],
];
