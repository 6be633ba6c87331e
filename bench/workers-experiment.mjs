// Experiment (issue 6): do worker threads pay on 2 cores? Read + regex + parse the matching files
// on one thread vs split over 2 workers (ASTs even left in the workers, no transfer).
//   node bench/workers-experiment.mjs bench/trees/app-10k
// Measured 2026-11-23: single 0.85 s, 2 workers 1.44-1.48 s: each worker pays Babel's cold JIT again.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { parse } from '@babel/parser';
if (isMainThread) {
  const root = process.argv[2];
  const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => /\.(tsx?|jsx?)$/.test(f))
    .map((f) => root + '/' + f);
  const re = /leanplum|Leanplum|Cookiebot|hasConsent|canMarket|OnetrustActiveGroups/;
  let t = performance.now();
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const hits = texts.filter((x) => re.test(x));
  const tRead = performance.now() - t;
  t = performance.now();
  for (const x of hits) parse(x, { sourceType: 'module', plugins: ['typescript', 'jsx'], errorRecovery: true });
  console.log(
    `single thread: read+regex ${Math.round(tRead)} ms, parse ${hits.length} files ${Math.round(performance.now() - t)} ms`,
  );
  t = performance.now();
  const half = Math.ceil(files.length / 2);
  const parts = [files.slice(0, half), files.slice(half)];
  const results = await Promise.all(
    parts.map(
      (p) =>
        new Promise((res) => {
          const w = new Worker(new URL(import.meta.url), { workerData: p });
          w.on('message', res);
        }),
    ),
  );
  console.log(
    `2 workers (read+regex+parse, ASTs left in the workers): ${Math.round(performance.now() - t)} ms, parsed ${results.reduce((a, b) => a + b, 0)}`,
  );
} else {
  const re = /leanplum|Leanplum|Cookiebot|hasConsent|canMarket|OnetrustActiveGroups/;
  let n = 0;
  for (const f of workerData) {
    const x = readFileSync(f, 'utf8');
    if (re.test(x)) {
      parse(x, { sourceType: 'module', plugins: ['typescript', 'jsx'], errorRecovery: true });
      n++;
    }
  }
  parentPort.postMessage(n);
}
