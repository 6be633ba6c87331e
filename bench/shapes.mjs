// Pathological shapes for the proof phase (issue 11): a long call chain written
// callee-first or caller-first, and many arrow functions in one array.
//   CONSENT_LINT_TIMING=1 node bench/shapes.mjs chain-callee-first 20000
// Prints the proof phase time (from the [timing] lines) and the peak RSS.

export function shape(kind, n) {
  const lines = ["import Leanplum from 'leanplum-sdk';"];
  if (kind === 'chain-callee-first') {
    lines.push('function f0() { Leanplum.start(); }');
    for (let i = 1; i < n; i++) lines.push(`function f${i}() { f${i - 1}(); }`);
    lines.push(`f${n - 1}();`);
  } else if (kind === 'chain-caller-first') {
    lines.push(`f${n - 1}();`);
    for (let i = n - 1; i >= 1; i--) lines.push(`function f${i}() { f${i - 1}(); }`);
    lines.push('function f0() { Leanplum.start(); }');
  } else if (kind === 'arrows') {
    lines.push('export const handlers = [');
    lines.push('  () => Leanplum.start(),');
    for (let i = 1; i < n; i++) lines.push(`  () => ${i},`);
    lines.push('];');
  } else throw new Error(`unknown shape ${kind}`);
  return lines.join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [kind, n] = [process.argv[2], Number(process.argv[3] ?? 20000)];
  const code = shape(kind, n);
  const { checkSource } = await import('../dist/index.js'); // only here: bench/run.mjs imports `shape` alone
  const t0 = performance.now();
  const doc = checkSource(code, { file: 'app.ts' });
  const ms = Math.round(performance.now() - t0);
  process.stdout.write(
    `${kind} n=${n}: total ${ms} ms, findings ${doc.findings.length}, errors ${doc.errors.length}, maxRSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`,
  );
}
