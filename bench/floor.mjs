#!/usr/bin/env node
// The physical floor of a consent scan, as one whole Node process:
//   1. list the source files: `git ls-files` when <tree> is the top of a git work
//      tree (tracked + untracked-not-ignored), else fast-glob with node_modules and
//      dot directories skipped;
//   2. read every file (readFileSync: bulk async reads are 5-7x slower here);
//   3. a regex prefilter for SDK / guard tokens;
//   4. parse only the matching files with @babel/parser (typescript / jsx plugins
//      chosen by extension), without walking the AST.
// Anything that proves dominance has to do at least this much work.
//
//   node bench/floor.mjs <tree> [--json] [--no-parse]
// --no-parse: the list + read (+ prefilter) floor, the yardstick of a warm `--cache` run.
// Prints one JSON line: {files, bytes, matched, parsed, parseErrors, ms: {list, read, prefilter, parse, total}}.
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

const T0 = process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;

const root = resolve(process.argv[2] ?? '.');
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const PREFILTER = /leanplum|Leanplum|Cookiebot|OnetrustActiveGroups|hasConsent|canMarket/;

// 1. list
let files;
let lister;
if (existsSync(join(root, '.git'))) {
  lister = 'git';
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  files = out.split('\0').filter((p) => p && SOURCE.test(p) && !p.includes('node_modules/'));
} else {
  lister = 'fast-glob';
  const { default: fg } = await import('fast-glob'); // loaded only when needed
  files = fg.sync('**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts}', { cwd: root, ignore: ['**/node_modules/**'], dot: false });
}
const T1 = process.hrtime.bigint();

// 2. read
const texts = new Array(files.length);
let bytes = 0;
for (let i = 0; i < files.length; i++) {
  const t = readFileSync(join(root, files[i]), 'utf8');
  texts[i] = t;
  bytes += t.length;
}
const T2 = process.hrtime.bigint();

// 3. prefilter
const hits = [];
for (let i = 0; i < files.length; i++) if (PREFILTER.test(texts[i])) hits.push(i);
const T3 = process.hrtime.bigint();

// 4. parse the hits
let parseErrors = 0;
let nodes = 0;
const noParse = process.argv.includes('--no-parse');
const { parse } = noParse ? {} : await import('@babel/parser');
for (const i of noParse ? [] : hits) {
  const f = files[i];
  const isTs = /\.[cm]?tsx?$/.test(f);
  const plugins = isTs ? (f.endsWith('x') ? ['typescript', 'jsx'] : ['typescript']) : ['jsx'];
  try {
    const ast = parse(texts[i], { sourceType: 'unambiguous', plugins, errorRecovery: true });
    nodes += ast.program.body.length;
    parseErrors += ast.errors?.length ? 1 : 0;
  } catch {
    parseErrors++;
  }
}
const T4 = process.hrtime.bigint();

process.stdout.write(
  JSON.stringify({
    root,
    lister,
    files: files.length,
    bytes,
    matched: hits.length,
    parsed: hits.length,
    parseErrors,
    topLevelStatements: nodes,
    ms: { list: ms(T0, T1), read: ms(T1, T2), prefilter: ms(T2, T3), parse: ms(T3, T4), total: ms(T0, T4) },
  }) + '\n',
);
