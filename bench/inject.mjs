#!/usr/bin/env node
// Injects Leanplum SDK call sites, wrapper functions and consent gates into an
// existing source tree (a generated one, or any checkout), and records every
// injected SDK call with its expected verdict in <tree>/.bench-manifest.json.
//
//   node bench/inject.mjs <tree> [--sites 50] [--seed S] [--commit]
//
// This is how SDK code lands in a real app: a wrapper module around the SDK,
// called from screens elsewhere in the tree, behind the app's own consent
// helpers. Each site touches 1-4 files (about 2 on average: 50 sites ≈ 100
// files), chosen at random among the tree's source files that mention no SDK
// or consent token yet, outside node_modules and dot directories:
//
// | scenario | code | expected |
// | --- | --- | --- |
// | wrapper-guarded | H: `export function startMessaging_N() { Leanplum.start(); }`; G: `export function marketingAllowed_N() { return Cookiebot.consent.marketing && Cookiebot.consent.statistics; }`; C: `if (marketingAllowed_N()) startMessaging_N();` | compliant |
// | wrapper-ungated | H as above; C calls `startMessaging_N()` with no check | finding |
// | wrapper-mixed | H as above; one caller guarded by G, another not | finding |
// | two-level-guarded | H as above; M: `export function setupEngagement_N() { startMessaging_N(); }`; C: `if (marketingAllowed_N()) setupEngagement_N();` | compliant |
// | callback-gate | H as above; G: `export function whenMarketingAllowed_N(run) { if (Cookiebot.consent.marketing && Cookiebot.consent.statistics) run(); }`; C: `whenMarketingAllowed_N(() => startMessaging_N());` | compliant |
// | guarded-push | H: `if (!Cookiebot.consent.marketing) return;` then `Leanplum.registerForWebPush()` | compliant |
// | ungated-deviceid | H: `export function identify_N(id) { Leanplum.setDeviceId(id); }` | finding |
//
// Code is appended at the end of a file; imports are inserted at its top (after
// a shebang or a directive prologue line). Names carry the site number, so they
// never collide with the tree's own. Deterministic: same tree, sites and seed,
// same bytes. Without a manifest in the tree, a new one holding only the
// injected sites is written. --commit amends nothing: it makes a new commit of
// the changed files when the tree is a git work tree.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRng } from './generate.mjs';

export const INJECT_VERSION = 1;

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
// Files already mentioning any of these are left alone (their SDK calls or names stay as they are).
const TAKEN = /leanplum|Leanplum|Cookiebot|OnetrustActiveGroups|hasConsent|canMarket/;

const SCENARIOS = [
  { id: 'wrapper-guarded', weight: 3, expect: 'compliant' },
  { id: 'wrapper-ungated', weight: 2, expect: 'finding' },
  { id: 'wrapper-mixed', weight: 1, expect: 'finding' },
  { id: 'two-level-guarded', weight: 2, expect: 'compliant' },
  { id: 'callback-gate', weight: 1, expect: 'compliant' },
  { id: 'guarded-push', weight: 1, expect: 'compliant' },
  { id: 'ungated-deviceid', weight: 1, expect: 'finding' },
];
const RULE = { start: 'leanplum/init', registerForWebPush: 'leanplum/push', setDeviceId: 'leanplum/device-id' };

function listSources(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && SOURCE.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name))
        out.push(relative(root, p).split('\\').join('/'));
    }
  };
  walk(root);
  return out;
}

/** './x/y' from file `from` to module file `to` (both tree-relative), without the extension. */
function specifier(from, to) {
  let rel = posix.relative(posix.dirname(from), to).replace(/\.(?:[cm]?[jt]s|[jt]sx)$/, '');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

/**
 * Inject `sites` SDK call sites into the tree at `root`.
 * `files` (optional): tree-relative source paths to choose from, with their texts (Map) — the generator passes
 * its own; otherwise the tree is walked. Returns { sinks, changed: Map(relPath -> new text) } and writes the files.
 */
export function inject(root, { sites = 50, seed = 'consent-lint-inject', files, write = true } = {}) {
  const rng = makeRng(`${seed}:inject:${sites}`);
  const texts = files ?? new Map(listSources(root).map((p) => [p, readFileSync(join(root, p), 'utf8')]));
  const pool = [...texts.keys()].filter((p) => SOURCE.test(p) && !/\.d\.[cm]?ts$/.test(p) && !TAKEN.test(texts.get(p)));
  rng.shuffle(pool);
  let next = 0;
  const take = () => (next < pool.length ? pool[next++] : null);

  // Per file: imports to insert at the top, code to append.
  const edits = new Map();
  const edit = (p) => {
    let e = edits.get(p);
    if (!e) edits.set(p, (e = { imports: [], code: [] }));
    return e;
  };
  const importName = (into, name, from) =>
    edit(into).imports.push(`import { ${name} } from '${specifier(into, from)}';`);
  const sinkSites = []; // { file, marker, call, scenario, expect, callers }

  for (let n = 1; n <= sites; n++) {
    const sc = n <= SCENARIOS.length ? SCENARIOS[n - 1] : rng.weighted(SCENARIOS.map((s) => [s, s.weight]));
    const host = take();
    if (!host) break;
    const h = edit(host);
    h.imports.push(`import Leanplum from 'leanplum-sdk';`);
    const marker = `/* consent-lint-bench site ${n} */`;
    if (sc.id === 'guarded-push') {
      h.code.push(
        `export async function enablePush_${n}() {`,
        `  if (!Cookiebot.consent.marketing) return;`,
        `  await Leanplum.registerForWebPush(); ${marker}`,
        `}`,
      );
      sinkSites.push({
        file: host,
        marker,
        call: 'registerForWebPush',
        scenario: sc.id,
        expect: sc.expect,
        callers: [],
      });
      continue;
    }
    if (sc.id === 'ungated-deviceid') {
      h.code.push(`export function identify_${n}(id) {`, `  Leanplum.setDeviceId(id); ${marker}`, `}`);
      sinkSites.push({ file: host, marker, call: 'setDeviceId', scenario: sc.id, expect: sc.expect, callers: [] });
      continue;
    }
    const wrapper = `startMessaging_${n}`;
    h.code.push(
      `export function ${wrapper}() {`,
      `  Leanplum.setAppIdForProductionMode('app_${n}', 'prod_${n}');`,
      `  Leanplum.start(); ${marker}`,
      `}`,
    );
    const callers = [];
    const gateFile = sc.id === 'wrapper-ungated' ? null : take();
    if (sc.id !== 'wrapper-ungated' && !gateFile) break;
    const gate = sc.id === 'callback-gate' ? `whenMarketingAllowed_${n}` : `marketingAllowed_${n}`;
    if (gateFile) {
      if (sc.id === 'callback-gate') {
        edit(gateFile).code.push(
          `export function ${gate}(run) {`,
          `  if (Cookiebot.consent.marketing && Cookiebot.consent.statistics) run();`,
          `}`,
        );
      } else {
        edit(gateFile).code.push(
          `export function ${gate}() {`,
          `  return Cookiebot.consent.marketing && Cookiebot.consent.statistics;`,
          `}`,
        );
      }
    }
    const caller = (guarded, target, targetFile) => {
      const c = take();
      if (!c) return null;
      importName(c, target, targetFile);
      if (guarded) importName(c, gate, gateFile);
      const body = !guarded
        ? `  ${target}();`
        : sc.id === 'callback-gate'
          ? `  ${gate}(() => ${target}());`
          : `  if (${gate}()) ${target}();`;
      edit(c).code.push(`export function bootEngagement_${n}_${callers.length + 1}() {`, body, `}`);
      callers.push(c);
      return c;
    };
    if (sc.id === 'two-level-guarded') {
      const mid = take();
      if (!mid) break;
      importName(mid, wrapper, host);
      edit(mid).code.push(`export function setupEngagement_${n}() {`, `  ${wrapper}();`, `}`);
      callers.push(mid);
      caller(true, `setupEngagement_${n}`, mid);
    } else if (sc.id === 'wrapper-mixed') {
      caller(true, wrapper, host);
      caller(false, wrapper, host);
    } else caller(sc.id !== 'wrapper-ungated', wrapper, host);
    sinkSites.push({ file: host, marker, call: 'start', scenario: sc.id, expect: sc.expect, callers, gate: gateFile });
  }

  // Apply: imports after a shebang / directive line, code appended.
  const changed = new Map();
  for (const [p, e] of edits) {
    const text = texts.get(p);
    const lines = text.split('\n');
    let at = 0;
    if (lines[0]?.startsWith('#!')) at = 1;
    if (/^\s*(['"])use [a-z ]+\1;?\s*$/.test(lines[at] ?? '')) at++;
    const imports = [...new Set(e.imports)];
    lines.splice(at, 0, ...imports);
    let out = lines.join('\n');
    if (!out.endsWith('\n')) out += '\n';
    out += `\n${e.code.join('\n')}\n`;
    changed.set(p, out);
    if (write) writeFileSync(join(root, p), out);
  }
  const sinks = sinkSites.map((s) => {
    const ls = changed.get(s.file).split('\n');
    const i = ls.findIndex((l) => l.includes(s.marker));
    const column = ls[i].indexOf(`Leanplum.${s.call}(`) + 1;
    return {
      file: s.file,
      line: i + 1,
      column,
      call: `Leanplum.${s.call}`,
      rule: RULE[s.call],
      scenario: s.scenario,
      expect: s.expect,
      callers: s.callers,
      injected: true,
    };
  });
  return { sinks, changed, sites: sinkSites.length };
}

/** Merge injected sinks into the tree's manifest (or write a new one). */
export function recordInjection(root, result, { seed, sites }) {
  const mf = join(root, '.bench-manifest.json');
  const m = existsSync(mf) ? JSON.parse(readFileSync(mf, 'utf8')) : { sinks: [], expected: {} };
  m.sinks = [...(m.sinks ?? []), ...result.sinks];
  const count = (e) => m.sinks.filter((s) => s.expect === e).length;
  m.expected = {
    ...m.expected,
    sinkCalls: m.sinks.filter((s) => s.expect !== 'not-a-sink').length,
    findings: count('finding'),
    compliant: count('compliant'),
    policyDependent: count('policy'),
    decoyCalls: count('not-a-sink'),
  };
  m.sourceFiles ??= listSources(root).length;
  m.injected = {
    version: INJECT_VERSION,
    seed,
    sitesRequested: sites,
    sites: result.sites,
    sinks: result.sinks.length,
    filesChanged: result.changed.size,
  };
  writeFileSync(mf, JSON.stringify(m, null, 2) + '\n');
  return m;
}

function main(argv) {
  const pos = [];
  let sites = 50;
  let seed = 'consent-lint-inject';
  let commit = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sites') sites = Number(argv[++i]);
    else if (a === '--seed') seed = argv[++i];
    else if (a === '--commit') commit = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node bench/inject.mjs <tree> [--sites 50] [--seed S] [--commit]');
      return 0;
    } else pos.push(a);
  }
  if (pos.length !== 1 || !(sites >= 1)) {
    console.error('usage: node bench/inject.mjs <tree> [--sites 50] [--seed S] [--commit]');
    return 2;
  }
  const root = resolve(pos[0]);
  const result = inject(root, { sites, seed });
  const m = recordInjection(root, result, { seed, sites });
  if (commit && existsSync(join(root, '.git'))) {
    const git = (args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    git(['add', '--', ...result.changed.keys()]);
    git([
      '-c',
      'user.name=bench',
      '-c',
      'user.email=bench@example.invalid',
      'commit',
      '-q',
      '-m',
      `inject ${result.sites} SDK sites`,
    ]);
  }
  console.log(
    `injected ${result.sites} sites (${result.sinks.length} SDK calls) into ${result.changed.size} files of ${root}; ` +
      `manifest: expected findings ${m.expected.findings}, compliant ${m.expected.compliant}`,
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
