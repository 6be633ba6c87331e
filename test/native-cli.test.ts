/**
 * The built CLI (dist/) on the native fixture apps: the same findings as the
 * library run from src/, exit 1 on findings, and a prompt exit (V8's optimising
 * tier once held the process for ~30 s compiling the Swift grammar).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { ensureBuilt, runCli } from './cli-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

describe('native stage in the built CLI', () => {
  for (const app of ['rn-leanplum-ungated', 'rn-clevertap-ungated', 'expo-app']) {
    it(`${app}: the same findings as the library, exit 1, promptly`, async () => {
      const root = join(__dirname, '..', 'fixtures', 'native', app);
      const started = Date.now();
      const cli = runCli([root, '--format', 'json']);
      expect(cli.code, cli.stderr).toBe(1);
      expect(Date.now() - started).toBeLessThan(20_000); // no wasm tier-up holding the exit
      const w = JSON.parse(cli.stdout);
      expect(w.errors).toEqual([]);
      const { document } = await scan({ root });
      const key = (f: { file: string; line: number; column: number; ruleId: string }) =>
        `${f.file}:${f.line}:${f.column} ${f.ruleId}`;
      expect(w.findings.map(key).sort()).toEqual(document.findings.map(key).sort());
    }, 120_000);
  }
});
