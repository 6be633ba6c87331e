/**
 * The built CLI runs the native stage in a worker thread (dist/native/worker.js);
 * it must agree with the in-thread stage, and exit promptly.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { ensureBuilt, runCli } from './cli-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

const strip = (doc: { findings: unknown[]; errors: unknown[] }) => JSON.stringify({ findings: doc.findings, errors: doc.errors });

describe('native stage in the built CLI', () => {
  for (const app of ['rn-leanplum-ungated', 'rn-clevertap-ungated', 'expo-app']) {
    it(`${app}: the worker thread and the in-thread stage give the same report; exit 1 on findings`, async () => {
      const root = join(__dirname, '..', 'fixtures', 'native', app);
      const started = Date.now();
      const worker = runCli([root, '--format', 'json']);
      expect(worker.code, worker.stderr).toBe(1);
      expect(Date.now() - started).toBeLessThan(30_000); // no wasm tier-up holding the exit
      const inThread = runCli([root, '--format', 'json'], { env: { CONSENT_LINT_NATIVE_WORKER: '0' } });
      expect(inThread.code).toBe(1);
      const w = JSON.parse(worker.stdout);
      expect(strip(w)).toEqual(strip(JSON.parse(inThread.stdout)));
      // and the same findings as the library scan (which runs from src/, in-thread)
      const { document } = await scan({ root });
      const key = (f: { file: string; line: number; column: number; ruleId: string }) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`;
      expect(w.findings.map(key).sort()).toEqual(document.findings.map(key).sort());
    }, 120_000);
  }
});
