/**
 * How the pipeline runs the native stage: in a worker thread when the build
 * has one (dist/native/worker.js) and the project has native files, else in
 * the calling thread (tests run from src/; a JavaScript-only project needs no
 * thread at all). Both run `analyseNative` on the same inputs, so they agree.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config, DiscoveredFile, Policy } from '../model.js';
import { analyseNative, nativeInputs, type NativeResult } from './index.js';

export async function runNativeStage(files: DiscoveredFile[], policies: Policy[], config: Config | undefined): Promise<NativeResult> {
  const inputs = nativeInputs(files, policies);
  const workerFile = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (!inputs.native || process.env.CONSENT_LINT_NATIVE_WORKER === '0' || !existsSync(workerFile)) return analyseNative(inputs.files, policies, config);
  // Policies and config are plain JSON; `source`/`dir` strings clone as they are.
  const worker = new Worker(workerFile, { workerData: { files: inputs.files, policies, config } });
  try {
    return await new Promise<NativeResult>((resolve, reject) => {
      worker.once('message', (m: { ok: true; result: NativeResult } | { ok: false; message: string }) => (m.ok ? resolve(m.result) : reject(new Error(m.message))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`native worker exited with code ${code} before answering`)));
    });
  } finally {
    void worker.terminate();
  }
}
