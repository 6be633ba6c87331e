#!/usr/bin/env node
// Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time by package /
// file, self time by function, and inclusive time of the project's own
// functions (dist/ or src/).
//
//   node bench/profile-summary.mjs <file.cpuprofile | dir> [--top N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export function summarize(file, top = 20) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfById = new Map();
  p.samples.forEach((s, i) => selfById.set(s, (selfById.get(s) ?? 0) + (p.timeDeltas[i] ?? 0)));
  let total = 0;
  for (const t of selfById.values()) total += t;

  const shortUrl = (u) => {
    u = u.replace(/^file:\/\//, '');
    if (u.includes('/node_modules/')) return u.replace(/^.*\/node_modules\//, 'node_modules/');
    return u.replace(/^.*\/(dist|src|bench)\//, '$1/');
  };
  const fnKey = (n) =>
    `${n.callFrame.functionName || '(anonymous)'}  ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const pkgKey = (n) => {
    const u = shortUrl(n.callFrame.url);
    if (!u) return n.callFrame.functionName || '(native)';
    if (u.startsWith('node_modules/')) {
      const parts = u.split('/');
      return parts.slice(0, parts[1].startsWith('@') ? 3 : 2).join('/');
    }
    return u;
  };
  const self = new Map();
  const pkg = new Map();
  const incl = new Map();
  for (const [id, t] of selfById) {
    const n = byId.get(id);
    self.set(fnKey(n), (self.get(fnKey(n)) ?? 0) + t);
    pkg.set(pkgKey(n), (pkg.get(pkgKey(n)) ?? 0) + t);
    const seen = new Set();
    for (let cur = id; cur != null; cur = parent.get(cur)) {
      const k = fnKey(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + t);
    }
  }
  const fmt = (m, n, filter = () => true) =>
    [...m]
      .filter(([k]) => filter(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, t]) => `${(t / 1000).toFixed(0).padStart(8)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return [
    `profile ${file}: ${(total / 1000).toFixed(0)} ms sampled`,
    '-- self time by package / file',
    fmt(pkg, top),
    '-- self time by function',
    fmt(self, top),
    '-- inclusive time, project functions (dist/, src/)',
    fmt(incl, top, (k) => /\s(dist|src)\//.test(k)),
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2];
  if (!arg) {
    console.error('usage: node bench/profile-summary.mjs <file.cpuprofile | dir> [--top N]');
    process.exit(2);
  }
  const ti = process.argv.indexOf('--top');
  const top = ti > 0 ? Number(process.argv[ti + 1]) : 20;
  const files = statSync(arg).isDirectory()
    ? readdirSync(arg)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(arg, f))
    : [arg];
  for (const f of files) console.log(summarize(f, top));
}
