#!/usr/bin/env node
// consent-lint benchmark: whole-process timings of consent-lint, an ESLint
// baseline and the physical floor on generated app trees. See bench/README.md.
//
//   node bench/run.mjs [--sizes 1k,10k] [--large] [--reps N] [--eslint-reps N] [--warmup N]
//                      [--tools floor,consent-lint,eslint] [--eslint-max N | --eslint-all]
//                      [--regen] [--trees DIR] [--out FILE] [--timeout SECONDS]
//
// Always exits 0 (targets are reported, not enforced), except for bad arguments (2).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate, GENERATOR_VERSION, parseSize } from './generate.mjs';
import { summarize } from './profile-summary.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');
const require = createRequire(join(REPO, 'package.json'));

// ------------------------------------------------------------------ arguments

const USAGE = `usage: node bench/run.mjs [options]   (npm run bench -- [options])
  --sizes LIST        comma-separated tree sizes (1k, 10k, 50k, or a number); default 1k,10k
  --large             add 50k to the sizes
  --reps N            counted runs per tool and size (default 3; ESLint: 1 on trees of 10k+ files)
  --eslint-reps N     counted ESLint runs (overrides the above for ESLint)
  --warmup N          uncounted runs before the counted ones, floor and consent-lint (default 1; ESLint 0)
  --tools LIST        subset of floor,consent-lint,eslint (default all three)
  --eslint-max N      skip ESLint on trees larger than N files (default 10000)
  --eslint-all        run ESLint on every size
  --regen             regenerate the trees even if present and up to date
  --trees DIR         where the trees live (default bench/trees)
  --out FILE          results JSON (default bench/trees/results.json)
  --timeout SECONDS   per run (default 900)
  --seed S            generator seed (default consent-lint-bench)
  --profile           after the timed runs, one more consent-lint run per size under
                      node --cpu-prof (bench/trees/profiles/<size>/), summarised`;

function parseArgs(argv) {
  const o = {
    sizes: ['1k', '10k'], large: false, reps: 3, eslintReps: null, warmup: 1,
    tools: ['floor', 'consent-lint', 'eslint'], eslintMax: 10000, regen: false,
    trees: join(HERE, 'trees'), out: null, timeout: 900, seed: 'consent-lint-bench', profile: false,
  };
  const need = (i) => {
    if (i >= argv.length) throw new Error(`${argv[i - 1]} needs a value`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--sizes': o.sizes = need(++i).split(',').filter(Boolean); break;
      case '--large': o.large = true; break;
      case '--reps': o.reps = Number(need(++i)); break;
      case '--eslint-reps': o.eslintReps = Number(need(++i)); break;
      case '--warmup': o.warmup = Number(need(++i)); break;
      case '--tools': o.tools = need(++i).split(',').filter(Boolean); break;
      case '--eslint-max': o.eslintMax = parseSize(need(++i)); break;
      case '--eslint-all': o.eslintMax = Infinity; break;
      case '--regen': o.regen = true; break;
      case '--trees': o.trees = resolve(need(++i)); break;
      case '--out': o.out = resolve(need(++i)); break;
      case '--timeout': o.timeout = Number(need(++i)); break;
      case '--seed': o.seed = need(++i); break;
      case '--profile': o.profile = true; break;
      case '-h': case '--help': console.log(USAGE); process.exit(0);
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (o.large && !o.sizes.map(parseSize).includes(50000)) o.sizes.push('50k');
  o.sizes = [...new Set(o.sizes.map(parseSize))].sort((a, b) => a - b);
  for (const t of o.tools) if (!['floor', 'consent-lint', 'eslint'].includes(t)) throw new Error(`unknown tool ${t}`);
  if (!(o.reps >= 1) || !(o.warmup >= 0) || !(o.timeout > 0)) throw new Error('bad --reps/--warmup/--timeout');
  o.out ??= join(o.trees, 'results.json');
  return o;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`${e.message}\n${USAGE}`);
  process.exit(2);
}

// ------------------------------------------------------------------ helpers

const label = (n) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const log = (...a) => process.stderr.write(a.join(' ') + '\n');
const which = (p) => existsSync(p) ? p : null;
const TIME = process.env.BENCH_NO_TIME ? null : which('/usr/bin/time'); // BENCH_NO_TIME=1 tests the fallback
const TIMEOUT_BIN = which('/usr/bin/timeout');
const TMP = mkdtempSync(join(os.tmpdir(), 'consent-lint-bench-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
// A signal lands once the current (synchronous) run has ended; Ctrl-C reaches the tool itself too.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

let runCounter = 0;
/** One whole-process run of `node ...args`: wall (hrtime around spawnSync), exit status, peak RSS, CPU. */
function measure(nodeArgs, { cwd }) {
  const id = ++runCounter;
  const rssFile = join(TMP, `rss-${id}.txt`);
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  let cmd;
  let args;
  let inner = [process.execPath, ...nodeArgs];
  if (!TIME) {
    inner = [process.execPath, '--import', pathToFileURL(join(HERE, 'rss-preload.mjs')).href, ...nodeArgs];
    env.BENCH_RSS_FILE = rssFile;
  }
  // timeout(1) inside time(1): on expiry the tool itself is killed, not only the wrapper.
  if (TIMEOUT_BIN) inner = [TIMEOUT_BIN, '-k', '10', String(opts.timeout), ...inner];
  if (TIME) [cmd, args] = [TIME, ['-f', '%M %U %S', '-o', rssFile, ...inner]];
  else [cmd, args] = [inner[0], inner.slice(1)];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    cwd, env, encoding: 'utf8', maxBuffer: 256 << 20,
    timeout: (opts.timeout + 30) * 1000, killSignal: 'SIGKILL',
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  let rssKiB = null;
  let cpu = null;
  try {
    // GNU time writes "Command exited with non-zero status N" first; the figures are the last line.
    const last = readFileSync(rssFile, 'utf8').trim().split('\n').pop().trim().split(/\s+/).map(Number);
    if (Number.isFinite(last[0])) rssKiB = last[0];
    if (Number.isFinite(last[1]) && Number.isFinite(last[2])) cpu = last[1] + last[2];
  } catch {
    // no figures (killed, or the wrapper could not write)
  }
  let status = r.status;
  if (r.error) status = null;
  if (status === 124 && TIMEOUT_BIN) status = 'timeout';
  return { wall, status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? ''), rssKiB, cpu };
}

const head = (s, n = 12) => s.split('\n').filter((l) => l.trim()).slice(0, n).join('\n');

// ------------------------------------------------------------------ trees

function ensureTree(n) {
  const dir = join(opts.trees, `app-${label(n)}`);
  const mf = join(dir, '.bench-manifest.json');
  let ok = false;
  if (!opts.regen && existsSync(mf)) {
    try {
      const m = JSON.parse(readFileSync(mf, 'utf8'));
      ok = m.generatorVersion === GENERATOR_VERSION && m.fileCount === n && m.seed === opts.seed;
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    log(`generating ${dir} (${n} files)...`);
    const { genMs, gitMs } = generate(dir, n, { seed: opts.seed });
    log(`  ${(genMs / 1000).toFixed(2)} s to write, ${(gitMs / 1000).toFixed(2)} s for git`);
  }
  return { dir, manifest: JSON.parse(readFileSync(mf, 'utf8')) };
}

// ------------------------------------------------------------------ tools

function eslintConfig() {
  const cfgDir = join(TMP, 'eslint');
  mkdirSync(cfgDir, { recursive: true });
  const parserUrl = pathToFileURL(require.resolve('@typescript-eslint/parser')).href;
  const cfg = join(cfgDir, 'eslint.config.mjs');
  writeFileSync(cfg, `// generated by bench/run.mjs: the ESLint baseline (one syntactic rule)
import parser from ${JSON.stringify(parserUrl)};

export default [
  {
    files: ['**/*.{ts,tsx,js,jsx,mjs,cjs}'],
    languageOptions: {
      parser,
      parserOptions: { ecmaVersion: 'latest', sourceType: 'module', ecmaFeatures: { jsx: true } },
    },
    rules: {
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name='Leanplum']", message: 'Leanplum SDK call' }],
    },
  },
];
`);
  return cfg;
}

const TOOLS = {
  floor: {
    name: 'floor',
    available: () => (existsSync(join(HERE, 'floor.mjs')) ? null : 'bench/floor.mjs missing'),
    args: (tree) => [join(HERE, 'floor.mjs'), tree],
    cwd: () => REPO,
    check(r) {
      if (r.status !== 0) return { ok: false };
      try {
        const s = JSON.parse(r.stdout.trim().split('\n').pop());
        return { ok: true, summary: { files: s.files, matched: s.matched, parseErrors: s.parseErrors, lister: s.lister, inProcessMs: s.ms } };
      } catch {
        return { ok: false };
      }
    },
  },
  'consent-lint': {
    name: 'consent-lint',
    available: () => (existsSync(join(REPO, 'bin', 'run.js')) ? null : 'bin/run.js missing (CLI not written yet)'),
    outFile: null,
    args(tree) {
      this.outFile = join(TMP, `cl-${runCounter + 1}.json`);
      return [join(REPO, 'bin', 'run.js'), tree, '--format', 'json', '--output', this.outFile];
    },
    cwd: (tree) => tree,
    check(r, ctx) {
      // exit 1 = findings: success for the bench. 0 is fine too (no findings).
      if (r.status !== 0 && r.status !== 1) return { ok: false };
      let report;
      try {
        report = JSON.parse(readFileSync(this.outFile, 'utf8'));
      } catch (e) {
        return { ok: false, why: `exit ${r.status} but no readable JSON report at --output (${e.message})` };
      }
      return { ok: true, summary: compareWithManifest(report, ctx.manifest) };
    },
  },
  eslint: {
    name: 'eslint',
    cfg: null,
    available: () => (existsSync(join(REPO, 'node_modules/eslint/bin/eslint.js')) ? null : 'node_modules/eslint missing'),
    outFile: null,
    args(tree) {
      this.cfg ??= eslintConfig();
      this.outFile = join(TMP, `eslint-${runCounter + 1}.json`);
      return [join(REPO, 'node_modules/eslint/bin/eslint.js'), '--config', this.cfg, '--no-config-lookup', '--no-warn-ignored',
        '--format', 'json', '--output-file', this.outFile, tree];
    },
    cwd: (tree) => tree,
    check(r) {
      if (r.status !== 0 && r.status !== 1) return { ok: false };
      try {
        const res = JSON.parse(readFileSync(this.outFile, 'utf8'));
        let messages = 0;
        let fatal = 0;
        for (const f of res) {
          messages += f.messages.length;
          fatal += f.messages.filter((m) => m.fatal).length;
        }
        return { ok: true, summary: { filesLinted: res.length, leanplumCalls: messages - fatal, fatalParseErrors: fatal } };
      } catch (e) {
        return { ok: false, why: `no readable JSON at --output-file (${e.message})` };
      }
    },
  },
};

/** Compare consent-lint's JSON report with the generator's expectations (informational, never a failure). */
function compareWithManifest(report, manifest) {
  const findings = Array.isArray(report.findings) ? report.findings : [];
  const active = findings.filter((f) => !f.suppressed);
  const key = (file, line) => `${String(file).replace(/\\/g, '/')}:${line}`;
  const expected = new Map(manifest.sinks.map((s) => [key(s.file, s.line), s]));
  const got = { finding: 0, policy: 0, compliant: 0, 'not-a-sink': 0, unknown: 0 };
  const seen = new Set();
  for (const f of active) {
    const s = expected.get(key(f.file, f.line));
    if (!s) got.unknown++;
    else {
      got[s.expect]++;
      seen.add(key(f.file, f.line));
    }
  }
  const missed = manifest.sinks.filter((s) => s.expect === 'finding' && !seen.has(key(s.file, s.line))).length;
  return {
    findings: active.length,
    suppressed: findings.length - active.length,
    errors: Array.isArray(report.errors) ? report.errors.length : null,
    stats: report.stats ?? null,
    expectedFindings: manifest.expected.findings,
    expectedPolicyDependent: manifest.expected.policyDependent,
    reportedAt: got,
    missedExpectedFindings: missed,
  };
}

// ------------------------------------------------------------------ run

function gitInfo() {
  const g = (args) => spawnSync('git', args, { cwd: REPO, encoding: 'utf8' }).stdout?.trim() ?? '';
  return { commit: g(['rev-parse', '--short', 'HEAD']), dirtyFiles: g(['status', '--porcelain']).split('\n').filter(Boolean).length };
}

function runSize(n) {
  const { dir: tree, manifest } = ensureTree(n);
  const ctx = { manifest };
  const plan = [];
  for (const name of opts.tools) {
    const tool = TOOLS[name];
    const entry = { tool: name, runs: [], warmupRuns: 0, ok: null, error: null, summary: null };
    const unavailable = tool.available();
    if (name === 'eslint' && n > opts.eslintMax) entry.skipped = `skipped above ${label(opts.eslintMax)} files (--eslint-all to run)`;
    else if (unavailable) entry.error = unavailable;
    const reps = name === 'eslint' ? (opts.eslintReps ?? (n >= 10000 ? 1 : opts.reps)) : opts.reps;
    const warmup = name === 'eslint' ? 0 : opts.warmup;
    plan.push({ tool, entry, reps, warmup });
  }

  const attempt = (p, counted) => {
    const r = measure(p.tool.args(tree), { cwd: p.tool.cwd(tree) });
    const c = p.tool.check(r, ctx);
    if (!c.ok) {
      p.entry.ok = false;
      p.entry.error = `exit ${r.status ?? 'none'}${r.signal ? ` (${r.signal})` : ''}${c.why ? `: ${c.why}` : ''}`;
      p.entry.stderrHead = head(r.stderr) || head(r.stdout);
      log(`  ${p.tool.name}: n/a (${p.entry.error})${p.entry.stderrHead ? `\n    ${p.entry.stderrHead.replace(/\n/g, '\n    ')}` : ''}`);
      return false;
    }
    p.entry.ok = true;
    p.entry.summary = c.summary;
    if (counted) {
      p.entry.runs.push({ wall: r.wall, rssKiB: r.rssKiB, cpu: r.cpu, status: r.status });
      log(`  ${p.tool.name} run ${p.entry.runs.length}/${p.reps}: ${r.wall.toFixed(2)} s, ${r.rssKiB ? (r.rssKiB / 1024).toFixed(0) : '?'} MiB`);
    } else {
      p.entry.warmupRuns++;
      log(`  ${p.tool.name} warm-up: ${r.wall.toFixed(2)} s`);
    }
    return true;
  };

  log(`\n== ${label(n)} files: ${tree}`);
  // Warm-ups, then the counted runs interleaved tool by tool (A B C A B C ...), so drift hits all alike.
  for (const p of plan) {
    if (p.entry.error || p.entry.skipped) continue;
    for (let w = 0; w < p.warmup && p.entry.ok !== false; w++) attempt(p, false);
  }
  const maxReps = Math.max(...plan.map((p) => p.reps));
  for (let rep = 0; rep < maxReps; rep++) {
    for (const p of plan) {
      if (p.entry.error || p.entry.skipped || p.entry.ok === false || rep >= p.reps) continue;
      attempt(p, true);
    }
  }
  for (const p of plan) {
    const walls = p.entry.runs.map((r) => r.wall);
    if (walls.length) {
      const rss = p.entry.runs.map((r) => r.rssKiB).filter((x) => x != null);
      const cpu = p.entry.runs.map((r) => r.cpu).filter((x) => x != null);
      Object.assign(p.entry, {
        median: median(walls), min: Math.min(...walls), max: Math.max(...walls),
        peakRssMiB: rss.length ? Math.max(...rss) / 1024 : null,
        medianRssMiB: rss.length ? median(rss) / 1024 : null,
        medianCpu: cpu.length ? median(cpu) : null,
      });
    }
  }
  const clPlan = plan.find((p) => p.tool.name === 'consent-lint');
  if (opts.profile && clPlan?.entry.ok) {
    const dir = join(opts.trees, 'profiles', label(n));
    rmSync(dir, { recursive: true, force: true });
    const r = measure(['--cpu-prof', '--cpu-prof-dir', dir, ...clPlan.tool.args(tree)], { cwd: clPlan.tool.cwd(tree) });
    try {
      const f = readdirSync(dir).filter((x) => x.endsWith('.cpuprofile')).map((x) => join(dir, x))[0];
      clPlan.entry.profile = { file: f, wall: r.wall, summary: summarize(f, 15) };
      log(`  consent-lint under --cpu-prof: ${r.wall.toFixed(2)} s\n${clPlan.entry.profile.summary.replace(/^/gm, '    ')}`);
    } catch (e) {
      log(`  profile: no .cpuprofile written (${e.message})`);
    }
  }
  const by = Object.fromEntries(plan.map((p) => [p.tool.name, p.entry]));
  const ratio = (a, b) => (by[a]?.median && by[b]?.median ? by[a].median / by[b].median : null);
  return {
    size: n, label: label(n), tree, files: manifest.sourceFiles, bytes: manifest.bytes, lines: manifest.lines,
    expected: manifest.expected, tools: by,
    ratios: {
      consentLintOverFloor: ratio('consent-lint', 'floor'), eslintOverConsentLint: ratio('eslint', 'consent-lint'),
      pairsConsentLintOverFloor: pairs(by, 'consent-lint', 'floor'), pairsEslintOverConsentLint: pairs(by, 'eslint', 'consent-lint'),
    },
  };
}

// ------------------------------------------------------------------ report

const fmtS = (x) => (x == null ? 'n/a' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const fmtX = (x) => (x == null ? 'n/a' : `${x < 10 ? x.toFixed(2) : x.toFixed(1)}×`);

function table(results) {
  const rows = [['tree', 'tool', 'files', 'runs', 'median s (min–max)', 'CPU s', 'peak RSS MiB', 'notes']];
  for (const r of results) {
    for (const name of opts.tools) {
      const e = r.tools[name];
      let time = 'n/a';
      let note = '';
      if (e.skipped) note = e.skipped;
      else if (e.median != null) time = `${fmtS(e.median)} (${fmtS(e.min)}–${fmtS(e.max)})`;
      else note = e.error ?? 'no run';
      if (name === 'consent-lint' && e.summary) {
        const s = e.summary;
        note = `findings ${s.findings} (expected ${s.expectedFindings} + ${s.expectedPolicyDependent} policy-dep.; ` +
          `at compliant sites ${s.reportedAt.compliant}, decoys ${s.reportedAt['not-a-sink']}, elsewhere ${s.reportedAt.unknown}, missed ${s.missedExpectedFindings}), errors ${s.errors ?? '?'}`;
      }
      if (name === 'eslint' && e.summary) note = `${e.summary.leanplumCalls} Leanplum.* calls, ${e.summary.fatalParseErrors} parse errors`;
      if (name === 'floor' && e.summary) note = `${e.summary.matched} files matched the prefilter and were parsed (${e.summary.lister})`;
      rows.push([r.label, name, String(r.files), String(e.runs?.length ?? 0), time, e.medianCpu != null ? fmtS(e.medianCpu) : '', e.peakRssMiB != null ? e.peakRssMiB.toFixed(0) : '', note]);
    }
  }
  return mdTable(rows);
}

function mdTable(rows) {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => `| ${r.map((x, c) => x.padEnd(w[c])).join(' | ')} |`;
  return [line(rows[0]), `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** Ratios of runs i of a and b, which ran next to each other: robust to slow drift of a shared machine. */
function pairs(by, a, b) {
  const ra = by[a]?.runs ?? [];
  const rb = by[b]?.runs ?? [];
  const n = Math.min(ra.length, rb.length);
  if (!n) return null;
  const xs = [];
  for (let i = 0; i < n; i++) xs.push(ra[i].wall / rb[i].wall);
  return { n, median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

const fmtPairs = (p) => (p ? `${fmtX(p.median)} (${fmtX(p.min)}–${fmtX(p.max)}, n=${p.n})` : 'n/a');

function ratiosAndTargets(results) {
  const rows = [['tree', 'consent-lint / floor', 'pairwise', 'CPU', 'ESLint / consent-lint', 'pairwise', 'CPU', 'ESLint / floor']];
  for (const r of results) {
    const q = (a, b, k = 'median') => (r.tools[a]?.[k] && r.tools[b]?.[k] ? r.tools[a][k] / r.tools[b][k] : null);
    r.ratios.cpuConsentLintOverFloor = q('consent-lint', 'floor', 'medianCpu');
    r.ratios.cpuEslintOverConsentLint = q('eslint', 'consent-lint', 'medianCpu');
    rows.push([r.label,
      fmtX(r.ratios.consentLintOverFloor), fmtPairs(r.ratios.pairsConsentLintOverFloor), fmtX(r.ratios.cpuConsentLintOverFloor),
      fmtX(r.ratios.eslintOverConsentLint), fmtPairs(r.ratios.pairsEslintOverConsentLint), fmtX(r.ratios.cpuEslintOverConsentLint),
      fmtX(q('eslint', 'floor'))]);
  }
  const out = [mdTable(rows)];
  const t = results.find((r) => r.size === 10000);
  const targets = [];
  if (t) {
    const cl = t.tools['consent-lint'];
    const verdict = (ok) => (ok == null ? 'n/a' : ok ? 'PASS' : 'FAIL');
    // Verdicts on the pairwise median when there are pairs (robust to drift), else on the ratio of medians.
    const c1 = t.ratios.pairsConsentLintOverFloor?.median ?? t.ratios.consentLintOverFloor;
    const c2 = t.ratios.pairsEslintOverConsentLint?.median ?? t.ratios.eslintOverConsentLint;
    const rss = cl?.peakRssMiB;
    targets.push(
      { target: 'consent-lint ≤ 2× floor', value: fmtX(c1), verdict: verdict(c1 == null ? null : c1 <= 2) },
      { target: 'consent-lint ≥ 20× faster than ESLint', value: fmtX(c2), verdict: verdict(c2 == null ? null : c2 >= 20) },
      { target: 'consent-lint peak RSS < 300 MiB', value: rss == null ? 'n/a' : `${rss.toFixed(0)} MiB`, verdict: verdict(rss == null ? null : rss < 300) },
    );
    out.push('', mdTable([['target (10k tree)', 'measured (pairwise median)', ''], ...targets.map((x) => [x.target, x.value, x.verdict])]));
  } else {
    out.push('', '(targets are defined on the 10k tree, which was not measured)');
  }
  return { text: out.join('\n'), targets };
}

function scaling(results) {
  const rows = [['tool', ...results.map((r) => `${r.label} median s`), ...results.map((r) => `${r.label} ms / 1k files`), 'growth exponent']];
  for (const name of opts.tools) {
    const ms = results.map((r) => r.tools[name]?.median ?? null);
    const pts = results.map((r, i) => [r.files, ms[i]]).filter(([, m]) => m != null);
    let exp = null;
    if (pts.length >= 2) {
      const [n1, t1] = pts[0];
      const [n2, t2] = pts[pts.length - 1];
      exp = Math.log(t2 / t1) / Math.log(n2 / n1);
    }
    rows.push([name, ...ms.map(fmtS), ...results.map((r, i) => (ms[i] == null ? 'n/a' : ((ms[i] * 1000) / (r.files / 1000)).toFixed(0))), exp == null ? 'n/a' : exp.toFixed(2)]);
  }
  return mdTable(rows);
}

// ------------------------------------------------------------------ main

const startedAt = new Date().toISOString();
const loadBefore = os.loadavg();
const results = [];
for (const n of opts.sizes) results.push(runSize(n));

const cmdline = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
const env = {
  node: process.version, platform: `${os.type()} ${os.release()} ${os.arch()}`, cpus: `${os.cpus().length}× ${os.cpus()[0]?.model ?? '?'}`,
  memGiB: +(os.totalmem() / 2 ** 30).toFixed(1), rssSource: TIME ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS (preload)',
  repo: gitInfo(), startedAt, command: cmdline,
  loadavg: { before: loadBefore.map((x) => +x.toFixed(2)), after: os.loadavg().map((x) => +x.toFixed(2)) },
};
const rt = ratiosAndTargets(results);
const text = [
  '',
  `consent-lint benchmark — ${startedAt}, node ${env.node}, ${env.cpus}, ${env.memGiB} GiB; repo ${env.repo.commit}${env.repo.dirtyFiles ? ` (+${env.repo.dirtyFiles} uncommitted)` : ''}`,
  `command: ${cmdline}`,
  `load average (1/5/15 min) before ${env.loadavg.before.join(' ')}, after ${env.loadavg.after.join(' ')}${env.loadavg.before[0] > 0.75 * os.cpus().length ? ' — the machine was already busy: absolute times are inflated, ratios (interleaved runs) less so' : ''}`,
  `whole-process wall time, ${opts.reps} counted run(s) after ${opts.warmup} warm-up (ESLint: ${opts.eslintReps ?? `${opts.reps}, 1 on 10k+`}, no warm-up); peak RSS = max over counted runs (${env.rssSource})`,
  '',
  table(results),
  '',
  'Ratios: of the medians; pairwise = median (min–max) of run i / run i, runs that ran back to back; CPU = of the median CPU seconds',
  '',
  rt.text,
  '',
  'Scaling (median wall time per tree size)',
  '',
  scaling(results),
  '',
].join('\n');
console.log(text);

mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(opts.out, JSON.stringify({ env, options: { ...opts, eslintMax: Number.isFinite(opts.eslintMax) ? opts.eslintMax : null }, results, targets: rt.targets, table: text }, null, 2) + '\n');
log(`results written to ${opts.out}`);
process.exitCode = 0;
