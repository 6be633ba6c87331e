/**
 * The native stage in a worker thread: the main thread analyses JavaScript
 * while this one parses and analyses native code, so on two cores the native
 * layer adds little wall time. Input and output are plain data (structured
 * clone): discovered files, policies, config in; findings, errors, rules out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config, DiscoveredFile, Policy } from '../model.js';
import { analyseNative } from './index.js';

const { files, policies, config } = workerData as { files: DiscoveredFile[]; policies: Policy[]; config: Config | undefined };
analyseNative(files, policies, config).then(
  (result) => parentPort!.postMessage({ ok: true, result }),
  (err: unknown) => parentPort!.postMessage({ ok: false, message: err instanceof Error ? err.stack ?? err.message : String(err) }),
);
