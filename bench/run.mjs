#!/usr/bin/env node
// consent-lint benchmark: whole-process timings and peak RSS of consent-lint
// (default, exhaustive `--no-prune`, warm `--cache`), its peers (ESLint with one
// rule, ast-grep with one pattern) and two floors (list + read + prefilter +
// parse the matching files; list + read only) on generated app trees of three
// shapes, plus start-up. Every ratio is of runs measured in the same invocation,
// interleaved. See bench/README.md.
//
//   node bench/run.mjs [--sizes 1k,10k] [--dense 10k] [--inject 3k] [--large] [--shapes LIST]
//                      [--reps N] [--eslint-reps N] [--warmup N] [--startup-reps N] [--tools LIST]
//                      [--eslint-max N | --eslint-all] [--regen] [--trees DIR] [--out FILE]
//                      [--timeout SECONDS] [--seed S] [--profile]
//
// Always exits 0 (targets are reported, not enforced), except for bad arguments (2).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate, GENERATOR_VERSION, parseSize } from './generate.mjs';
import { INJECT_VERSION } from './inject.mjs';
import { summarize } from './profile-summary.mjs';
import { shape as chainShape } from './shapes.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');
const require = createRequire(join(REPO, 'package.json'));

// ------------------------------------------------------------------ arguments

const ALL_TOOLS = ['floor', 'floor-list', 'consent-lint', 'no-prune', 'cache', 'ast-grep', 'eslint'];
const USAGE = `usage: node bench/run.mjs [options]   (npm run bench -- [options])
  --sizes LIST        default-shape trees (1 SDK file in ~150): 1k, 10k, 50k or a number; default 1k,10k
  --dense LIST        dense trees (--sdk-every 10: 10% of files use the SDK); default 10k; 'none' to skip
  --inject LIST       injected trees (50 SDK sites + wrappers + gates across ~100 files); default 3k; 'none'
  --inject-sites N    sites injected (default 50)
  --large             add 50k (default shape) and 7k (injected)
  --shapes LIST       subset of default,dense,inject,startup,chains (default all)
  --reps N            counted runs per tool and tree (default 3; ESLint: 1 on trees of 10k+ files)
  --eslint-reps N     counted ESLint runs (overrides the above for ESLint)
  --warmup N          uncounted runs before the counted ones, except ESLint (default 1)
  --startup-reps N    counted runs of each start-up command (default 10)
  --tools LIST        subset of ${ALL_TOOLS.join(',')} (default all)
  --eslint-max N      skip ESLint on trees larger than N files (default 10000); ESLint runs on
                      default-shape trees only unless --eslint-all or --large
  --eslint-all        run ESLint on every tree
  --no-prune-max N    run the exhaustive --no-prune leg only on trees of at most N files (default 3000),
                      once (it checks the pruning; on 10k files it takes minutes)
  --regen             regenerate the trees even if present and up to date
  --trees DIR         where the trees live (default bench/trees)
  --out FILE          results JSON (default bench/trees/results.json)
  --timeout SECONDS   per run (default 900)
  --seed S            generator seed (default consent-lint-bench)
  --profile           after the timed runs, one more consent-lint run per tree under
                      node --cpu-prof (bench/trees/profiles/<tree>/), summarised`;

function parseArgs(argv) {
  const o = {
    sizes: ['1k', '10k'],
    dense: ['10k'],
    inject: ['3k'],
    injectSites: 50,
    large: false,
    shapes: ['default', 'dense', 'inject', 'startup', 'chains'],
    reps: 3,
    eslintReps: null,
    warmup: 1,
    startupReps: 10,
    tools: [...ALL_TOOLS],
    eslintMax: 10000,
    // --no-prune parses and analyses every file: a check of the pruning, minutes on 10k trees.
    noPruneMax: 3000,
    eslintAll: false,
    regen: false,
    trees: join(HERE, 'trees'),
    out: null,
    timeout: 900,
    seed: 'consent-lint-bench',
    profile: false,
  };
  const need = (i) => {
    if (i >= argv.length) throw new Error(`${argv[i - 1]} needs a value`);
    return argv[i];
  };
  const list = (v) => (v === 'none' ? [] : v.split(',').filter(Boolean));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--sizes':
        o.sizes = list(need(++i));
        break;
      case '--dense':
        o.dense = list(need(++i));
        break;
      case '--inject':
        o.inject = list(need(++i));
        break;
      case '--inject-sites':
        o.injectSites = Number(need(++i));
        break;
      case '--large':
        o.large = true;
        break;
      case '--shapes':
        o.shapes = list(need(++i));
        break;
      case '--reps':
        o.reps = Number(need(++i));
        break;
      case '--eslint-reps':
        o.eslintReps = Number(need(++i));
        break;
      case '--warmup':
        o.warmup = Number(need(++i));
        break;
      case '--startup-reps':
        o.startupReps = Number(need(++i));
        break;
      case '--tools':
        o.tools = list(need(++i));
        break;
      case '--eslint-max':
        o.eslintMax = parseSize(need(++i));
        break;
      case '--no-prune-max':
        o.noPruneMax = parseSize(need(++i));
        break;
      case '--eslint-all':
        o.eslintMax = Infinity;
        o.eslintAll = true;
        break;
      case '--regen':
        o.regen = true;
        break;
      case '--trees':
        o.trees = resolve(need(++i));
        break;
      case '--out':
        o.out = resolve(need(++i));
        break;
      case '--timeout':
        o.timeout = Number(need(++i));
        break;
      case '--seed':
        o.seed = need(++i);
        break;
      case '--profile':
        o.profile = true;
        break;
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
      default:
        throw new Error(`unknown argument ${a}`);
    }
  }
  const sizes = (xs) => [...new Set(xs.map(parseSize))].sort((a, b) => a - b);
  o.sizes = sizes(o.large ? [...o.sizes, '50k'] : o.sizes);
  o.dense = sizes(o.dense);
  o.inject = sizes(o.large ? [...o.inject, '7k'] : o.inject);
  for (const t of o.tools) if (!ALL_TOOLS.includes(t)) throw new Error(`unknown tool ${t}`);
  for (const s of o.shapes)
    if (!['default', 'dense', 'inject', 'startup', 'chains'].includes(s)) throw new Error(`unknown shape ${s}`);
  if (!(o.reps >= 1) || !(o.warmup >= 0) || !(o.timeout > 0) || !(o.startupReps >= 1) || !(o.injectSites >= 1)) {
    throw new Error('bad --reps/--warmup/--timeout/--startup-reps/--inject-sites');
  }
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
const which = (p) => (existsSync(p) ? p : null);
const TIME = process.env.BENCH_NO_TIME ? null : which('/usr/bin/time'); // BENCH_NO_TIME=1 tests the fallback
const TIMEOUT_BIN = which('/usr/bin/timeout');
const TMP = mkdtempSync(join(os.tmpdir(), 'consent-lint-bench-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
// A signal lands once the current (synchronous) run has ended; Ctrl-C reaches the tool itself too.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
const NODE = process.execPath;
const CLI = join(REPO, 'bin', 'run.js');

let runCounter = 0;
/** One whole-process run of `cmd`: wall (hrtime around spawnSync), exit status, peak RSS, CPU. */
function measure(cmd, { cwd }) {
  const id = ++runCounter;
  const rssFile = join(TMP, `rss-${id}.txt`);
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  let inner = [...cmd];
  if (!TIME && cmd[0] === NODE) {
    inner = [NODE, '--import', pathToFileURL(join(HERE, 'rss-preload.mjs')).href, ...cmd.slice(1)];
    env.BENCH_RSS_FILE = rssFile;
  }
  // timeout(1) inside time(1): on expiry the tool itself is killed, not only the wrapper.
  if (TIMEOUT_BIN) inner = [TIMEOUT_BIN, '-k', '10', String(opts.timeout), ...inner];
  const [exe, ...args] = TIME ? [TIME, '-f', '%M %U %S', '-o', rssFile, ...inner] : inner;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(exe, args, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    timeout: (opts.timeout + 30) * 1000,
    killSignal: 'SIGKILL',
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
  return {
    wall,
    status,
    signal: r.signal,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? String(r.error ?? ''),
    rssKiB,
    cpu,
  };
}

const head = (s, n = 12) =>
  s
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, n)
    .join('\n');

// ------------------------------------------------------------------ trees

/** The trees to measure: default shape (sizes), dense (--sdk-every 10), injected. */
function cases() {
  const out = [];
  if (opts.shapes.includes('default'))
    for (const n of opts.sizes) out.push({ shape: 'default', n, sdkEvery: 200, inject: 0, id: label(n) });
  if (opts.shapes.includes('dense'))
    for (const n of opts.dense) out.push({ shape: 'dense', n, sdkEvery: 10, inject: 0, id: `${label(n)}-sdk10` });
  if (opts.shapes.includes('inject')) {
    for (const n of opts.inject)
      out.push({ shape: 'inject', n, sdkEvery: 200, inject: opts.injectSites, id: `${label(n)}+${opts.injectSites}` });
  }
  return out;
}

function ensureTree(c) {
  const name = `app-${label(c.n)}${c.sdkEvery !== 200 ? `-sdk${c.sdkEvery}` : ''}${c.inject ? `-inject${c.inject}` : ''}`;
  const dir = join(opts.trees, name);
  const mf = join(dir, '.bench-manifest.json');
  let ok = false;
  if (!opts.regen && existsSync(mf)) {
    try {
      const m = JSON.parse(readFileSync(mf, 'utf8'));
      ok =
        m.generatorVersion === GENERATOR_VERSION &&
        m.fileCount === c.n &&
        m.seed === opts.seed &&
        m.sdkEvery === c.sdkEvery &&
        (c.inject ? m.injected?.version === INJECT_VERSION && m.injected.sitesRequested === c.inject : !m.injected);
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    log(
      `generating ${dir} (${c.n} files${c.sdkEvery !== 200 ? `, --sdk-every ${c.sdkEvery}` : ''}${c.inject ? `, --inject ${c.inject}` : ''})...`,
    );
    const { genMs, gitMs } = generate(dir, c.n, {
      seed: opts.seed,
      sdkEvery: c.sdkEvery,
      ...(c.inject ? { inject: c.inject } : {}),
    });
    log(`  ${(genMs / 1000).toFixed(2)} s to write, ${(gitMs / 1000).toFixed(2)} s for git`);
  }
  return { dir, manifest: JSON.parse(readFileSync(mf, 'utf8')) };
}

/** A git work tree with one source file: the start-up yardstick. */
function oneFileTree() {
  const dir = join(opts.trees, 'one-file');
  if (!existsSync(join(dir, '.git'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(
      join(dir, 'src', 'app.ts'),
      `import Leanplum from 'leanplum-sdk';

export function startEngagement(): void {
  if (Cookiebot.consent.marketing && Cookiebot.consent.statistics) {
    Leanplum.start();
  }
}
`,
    );
    const git = (args) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    git(['init', '-q', '-b', 'main']);
    git(['add', '-A']);
    git(['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '-m', 'one file']);
  }
  return dir;
}

// ------------------------------------------------------------------ tools

function eslintConfig() {
  const cfgDir = join(TMP, 'eslint');
  mkdirSync(cfgDir, { recursive: true });
  const parserUrl = pathToFileURL(require.resolve('@typescript-eslint/parser')).href;
  const cfg = join(cfgDir, 'eslint.config.mjs');
  writeFileSync(
    cfg,
    `// generated by bench/run.mjs: the ESLint baseline (one syntactic rule)
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
`,
  );
  return cfg;
}

/** The native ast-grep binary of @ast-grep/cli (its platform package, else the copy its postinstall makes). */
function astGrepBinary() {
  try {
    const cliDir = dirname(require.resolve('@ast-grep/cli/package.json'));
    const exe = process.platform === 'win32' ? 'ast-grep.exe' : 'ast-grep';
    const platformPkgs = readdirSync(dirname(cliDir))
      .filter((d) => d.startsWith('cli-'))
      .map((d) => join(dirname(cliDir), d, exe));
    for (const p of [...platformPkgs, join(cliDir, exe)]) {
      if (existsSync(p) && spawnSync(p, ['--version'], { encoding: 'utf8' }).status === 0) return p;
    }
  } catch {
    // not installed
  }
  return null;
}

let noPruneSupport;
/** Whether this build's scan command has `--no-prune` (the exhaustive mode), from its help text. */
function supportsNoPrune() {
  if (noPruneSupport === undefined) {
    const help = ['--help', 'scan --help']
      .map((a) => spawnSync(NODE, [CLI, ...a.split(' ')], { cwd: REPO, encoding: 'utf8' }).stdout ?? '')
      .join('\n');
    noPruneSupport = /--(?:\[no-\])?no-prune\b|--\[no-\]prune\b/.test(help);
  }
  return noPruneSupport;
}

const AST_GREP = astGrepBinary();
const AST_GREP_PATTERN = 'Leanplum.start($$$)';

function clReportCheck(outFile) {
  return function check(r, ctx) {
    // exit 1 = findings: success for the bench. 0 is fine too (no findings).
    if (r.status !== 0 && r.status !== 1) return { ok: false };
    let report;
    try {
      report = JSON.parse(readFileSync(outFile(), 'utf8'));
    } catch (e) {
      return { ok: false, why: `exit ${r.status} but no readable JSON report at --output (${e.message})` };
    }
    return { ok: true, summary: compareWithManifest(report, ctx.manifest) };
  };
}

function clTool(name, extra, note) {
  let outFile = null;
  return {
    name,
    note,
    available: () => (existsSync(CLI) ? null : 'bin/run.js missing'),
    command(tree) {
      outFile = join(TMP, `${name}-${runCounter + 1}.json`);
      return [NODE, CLI, tree, '--format', 'json', '--output', outFile, ...extra(tree)];
    },
    cwd: (tree) => tree,
    check: clReportCheck(() => outFile),
  };
}

const TOOLS = {
  floor: {
    name: 'floor',
    note: 'list + read + prefilter + parse matching files',
    available: () => (existsSync(join(HERE, 'floor.mjs')) ? null : 'bench/floor.mjs missing'),
    command: (tree) => [NODE, join(HERE, 'floor.mjs'), tree],
    cwd: () => REPO,
    check: floorCheck,
  },
  'floor-list': {
    name: 'floor-list',
    note: 'list + read + prefilter (no parse): the warm --cache yardstick',
    available: () => (existsSync(join(HERE, 'floor.mjs')) ? null : 'bench/floor.mjs missing'),
    command: (tree) => [NODE, join(HERE, 'floor.mjs'), tree, '--no-parse'],
    cwd: () => REPO,
    check: floorCheck,
  },
  'consent-lint': clTool('consent-lint', () => []),
  'no-prune': {
    ...clTool('no-prune', () => ['--no-prune'], 'consent-lint --no-prune (exhaustive: parses every file)'),
    available: () =>
      !existsSync(CLI)
        ? 'bin/run.js missing'
        : supportsNoPrune()
          ? null
          : 'this build has no --no-prune flag (`scan --help`): leg skipped',
  },
  cache: {
    ...clTool(
      'cache',
      (tree) => ['--cache-location', join(TMP, `cache-${tree.replace(/[^A-Za-z0-9]+/g, '_')}.json`)],
      'consent-lint --cache, warm (the warm-up run fills it)',
    ),
    minWarmup: 1,
  },
  'ast-grep': {
    name: 'ast-grep',
    note: `ast-grep run -p '${AST_GREP_PATTERN}' (native, parses every file, all cores)`,
    available: () => (AST_GREP ? null : '@ast-grep/cli is not installed (npm install)'),
    command: () => [AST_GREP, 'run', '--pattern', AST_GREP_PATTERN, '--json=stream', '.'],
    cwd: (tree) => tree,
    check(r) {
      if (r.status !== 0 && r.status !== 1) return { ok: false };
      const matches = r.stdout.split('\n').filter((l) => l.trim()).length;
      return { ok: true, summary: { matches } };
    },
  },
  eslint: {
    name: 'eslint',
    note: 'ESLint + @typescript-eslint/parser, 1 rule',
    cfg: null,
    outFile: null,
    available: () =>
      existsSync(join(REPO, 'node_modules/eslint/bin/eslint.js')) ? null : 'node_modules/eslint missing',
    command(tree) {
      this.cfg ??= eslintConfig();
      this.outFile = join(TMP, `eslint-${runCounter + 1}.json`);
      return [
        NODE,
        join(REPO, 'node_modules/eslint/bin/eslint.js'),
        '--config',
        this.cfg,
        '--no-config-lookup',
        '--no-warn-ignored',
        '--format',
        'json',
        '--output-file',
        this.outFile,
        tree,
      ];
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
        return {
          ok: true,
          summary: { filesLinted: res.length, leanplumCalls: messages - fatal, fatalParseErrors: fatal },
        };
      } catch (e) {
        return { ok: false, why: `no readable JSON at --output-file (${e.message})` };
      }
    },
  },
};

function floorCheck(r) {
  if (r.status !== 0) return { ok: false };
  try {
    const s = JSON.parse(r.stdout.trim().split('\n').pop());
    return {
      ok: true,
      summary: {
        files: s.files,
        matched: s.matched,
        parsed: s.parsed,
        parseErrors: s.parseErrors,
        lister: s.lister,
        inProcessMs: s.ms,
      },
    };
  } catch {
    return { ok: false };
  }
}

/** Compare consent-lint's JSON report with the generator's expectations (informational, never a failure). */
function compareWithManifest(report, manifest) {
  const findings = Array.isArray(report.findings) ? report.findings : [];
  const active = findings.filter((f) => !f.suppressed);
  const key = (file, line) => `${String(file).replace(/\\/g, '/')}:${line}`;
  const expected = new Map((manifest?.sinks ?? []).map((s) => [key(s.file, s.line), s]));
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
  const missed = (manifest?.sinks ?? []).filter((s) => s.expect === 'finding' && !seen.has(key(s.file, s.line))).length;
  return {
    findings: active.length,
    findingKeys: active.map((f) => `${f.ruleId} ${key(f.file, f.line)}:${f.column}`).sort(),
    suppressed: findings.length - active.length,
    errors: Array.isArray(report.errors) ? report.errors.length : null,
    stats: report.stats ?? null,
    expectedFindings: manifest?.expected?.findings ?? null,
    expectedPolicyDependent: manifest?.expected?.policyDependent ?? null,
    reportedAt: got,
    missedExpectedFindings: missed,
    accurate: got.compliant === 0 && got['not-a-sink'] === 0 && got.unknown === 0 && missed === 0,
  };
}

// ------------------------------------------------------------------ run

function gitInfo() {
  const g = (args) => spawnSync('git', args, { cwd: REPO, encoding: 'utf8' }).stdout?.trim() ?? '';
  return {
    commit: g(['rev-parse', '--short', 'HEAD']),
    dirtyFiles: g(['status', '--porcelain']).split('\n').filter(Boolean).length,
  };
}

function summariseRuns(entry) {
  const walls = entry.runs.map((r) => r.wall);
  if (!walls.length) return;
  const rss = entry.runs.map((r) => r.rssKiB).filter((x) => x != null);
  const cpu = entry.runs.map((r) => r.cpu).filter((x) => x != null);
  Object.assign(entry, {
    median: median(walls),
    min: Math.min(...walls),
    max: Math.max(...walls),
    peakRssMiB: rss.length ? Math.max(...rss) / 1024 : null,
    medianRssMiB: rss.length ? median(rss) / 1024 : null,
    medianCpu: cpu.length ? median(cpu) : null,
  });
}

/** Warm-ups, then counted runs interleaved tool by tool (A B C A B C ...), so drift hits all alike. */
function runPlan(plan, ctx) {
  const attempt = (p, counted) => {
    const cmd = p.tool.command(ctx.tree);
    const r = measure(cmd, { cwd: p.tool.cwd(ctx.tree) });
    const c = p.tool.check(r, ctx);
    if (!c.ok) {
      p.entry.ok = false;
      p.entry.error = `exit ${r.status ?? 'none'}${r.signal ? ` (${r.signal})` : ''}${c.why ? `: ${c.why}` : ''}`;
      p.entry.stderrHead = head(r.stderr) || head(r.stdout);
      log(
        `  ${p.tool.name}: n/a (${p.entry.error})${p.entry.stderrHead ? `\n    ${p.entry.stderrHead.replace(/\n/g, '\n    ')}` : ''}`,
      );
      return false;
    }
    p.entry.ok = true;
    p.entry.summary = c.summary;
    p.entry.command ??= cmd
      .map((x) =>
        x === NODE ? 'node' : x.startsWith(REPO) ? x.slice(REPO.length + 1) : x.startsWith(TMP) ? '<tmp>' : x,
      )
      .join(' ');
    if (counted) {
      p.entry.runs.push({ wall: r.wall, rssKiB: r.rssKiB, cpu: r.cpu, status: r.status });
      log(
        `  ${p.tool.name} run ${p.entry.runs.length}/${p.reps}: ${r.wall.toFixed(3)} s, ${r.rssKiB ? (r.rssKiB / 1024).toFixed(0) : '?'} MiB`,
      );
    } else {
      p.entry.warmupRuns++;
      log(`  ${p.tool.name} warm-up: ${r.wall.toFixed(3)} s`);
    }
    return true;
  };
  for (const p of plan) {
    if (p.entry.error || p.entry.skipped) continue;
    for (let w = 0; w < p.warmup && p.entry.ok !== false; w++) attempt(p, false);
  }
  const maxReps = Math.max(0, ...plan.map((p) => p.reps));
  for (let rep = 0; rep < maxReps; rep++) {
    for (const p of plan) {
      if (p.entry.error || p.entry.skipped || p.entry.ok === false || rep >= p.reps) continue;
      attempt(p, true);
    }
  }
  for (const p of plan) summariseRuns(p.entry);
}

function runCase(c) {
  const { dir: tree, manifest } = ensureTree(c);
  const ctx = { tree, manifest };
  const plan = [];
  for (const name of opts.tools) {
    const tool = TOOLS[name];
    const entry = emptyEntry(name, tool.note ?? null);
    const eslintHere =
      opts.eslintAll || opts.large ? c.n <= opts.eslintMax : c.shape === 'default' && c.n <= opts.eslintMax;
    if (name === 'eslint' && !eslintHere) {
      entry.skipped =
        c.n > opts.eslintMax
          ? `skipped above ${label(opts.eslintMax)} files (--eslint-all to run)`
          : 'default-shape trees only (--eslint-all or --large to run)';
    } else if (name === 'no-prune' && c.n > opts.noPruneMax) {
      entry.skipped = `skipped above ${label(opts.noPruneMax)} files (--no-prune-max to run)`;
    } else {
      const unavailable = tool.available();
      if (unavailable) entry.skipped = unavailable;
    }
    const once = name === 'no-prune' || (name === 'eslint' && c.n >= 10000);
    const reps = name === 'eslint' ? (opts.eslintReps ?? (once ? 1 : opts.reps)) : once ? 1 : opts.reps;
    const warmup = name === 'eslint' || name === 'no-prune' ? 0 : Math.max(opts.warmup, tool.minWarmup ?? 0);
    plan.push({ tool, entry, reps, warmup });
  }
  log(`\n== ${c.id} (${c.shape}): ${tree}`);
  runPlan(plan, ctx);
  const clPlan = plan.find((p) => p.tool.name === 'consent-lint');
  if (opts.profile && clPlan?.entry.ok) {
    const dir = join(opts.trees, 'profiles', c.id);
    rmSync(dir, { recursive: true, force: true });
    const cmd = clPlan.tool.command(tree);
    const r = measure([cmd[0], '--cpu-prof', '--cpu-prof-dir', dir, ...cmd.slice(1)], { cwd: tree });
    try {
      const f = readdirSync(dir)
        .filter((x) => x.endsWith('.cpuprofile'))
        .map((x) => join(dir, x))[0];
      clPlan.entry.profile = { file: f, wall: r.wall, summary: summarize(f, 15) };
      log(
        `  consent-lint under --cpu-prof: ${r.wall.toFixed(2)} s\n${clPlan.entry.profile.summary.replace(/^/gm, '    ')}`,
      );
    } catch (e) {
      log(`  profile: no .cpuprofile written (${e.message})`);
    }
  }
  const by = Object.fromEntries(plan.map((p) => [p.tool.name, p.entry]));
  return {
    ...c,
    tree,
    files: manifest.sourceFiles,
    bytes: manifest.bytes,
    lines: manifest.lines,
    sdkFiles: new Set(manifest.sinks.map((s) => s.file)).size,
    injectedFiles: manifest.injected?.filesChanged ?? 0,
    expected: manifest.expected,
    tools: by,
  };
}

/** A tool's record in the results, before any run. */
function emptyEntry(tool, note) {
  return { tool, note, runs: [], warmupRuns: 0, ok: null, error: null, summary: null };
}

/** A run plan of `tools` (interleaved by runPlan), each with an empty entry to fill. */
function planOf(tools, reps, warmup) {
  return tools.map((tool) => ({
    tool,
    entry: emptyEntry(tool.name, tool.note),
    reps,
    warmup,
  }));
}

/** node -e 0, --version, a 1-file scan: interleaved, many short runs. */
function runStartup() {
  const tree = oneFileTree();
  const out = join(TMP, 'one-file.json');
  const mk = (name, note, command, check = (r) => ({ ok: r.status === 0 || r.status === 1 })) => ({
    name,
    note,
    available: () => null,
    command,
    cwd: () => tree,
    check,
  });
  const tools = [
    mk('node -e 0', 'Node start-up alone', () => [NODE, '-e', '0']),
    mk(
      '--version',
      'consent-lint --version (oclif)',
      () => [NODE, CLI, '--version'],
      (r) => ({ ok: r.status === 0, summary: { stdout: r.stdout.trim() } }),
    ),
    mk(
      '1-file scan',
      'consent-lint <one-file tree> --format json --output <tmp>',
      () => [NODE, CLI, tree, '--format', 'json', '--output', out],
      (r) => {
        try {
          const rep = JSON.parse(readFileSync(out, 'utf8'));
          return {
            ok: r.status === 0 || r.status === 1,
            summary: { findings: rep.findings.length, filesScanned: rep.stats?.filesScanned },
          };
        } catch {
          return { ok: false, why: 'no report' };
        }
      },
    ),
  ];
  const plan = planOf(tools, opts.startupReps, Math.max(1, opts.warmup));
  log(`\n== start-up: ${tree}`);
  runPlan(plan, { tree, manifest: null });
  return {
    shape: 'startup',
    id: 'start-up',
    n: 1,
    tree,
    files: 1,
    tools: Object.fromEntries(plan.map((p) => [p.tool.name, p.entry])),
  };
}

/** Functions in the chain shapes: the issue's "20k-function chain costs the same in either declaration order". */
const CHAIN_N = 20000;

/**
 * The same 20k-function call chain written callee-first and caller-first, each
 * one file of its own tree, scanned as a user would: interleaved runs, so the
 * ratio of the two orders is of runs made at the same moment.
 */
function runChains() {
  const trees = ['chain-callee-first', 'chain-caller-first'].map((kind) => {
    const dir = join(opts.trees, `${kind}-${CHAIN_N}`);
    if (!existsSync(join(dir, 'app.ts'))) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'app.ts'), chainShape(kind, CHAIN_N));
    }
    return { kind, dir };
  });
  const tools = trees.map(({ kind, dir }) => {
    const out = join(TMP, `${kind}.json`);
    return {
      name: kind,
      note: `consent-lint <one ${CHAIN_N}-function file> --format json --output <tmp>`,
      available: () => null,
      command: () => [NODE, CLI, dir, '--format', 'json', '--output', out],
      cwd: () => dir,
      check: (r) => {
        try {
          const rep = JSON.parse(readFileSync(out, 'utf8'));
          // One unguarded chain: exactly one finding, at the end of it.
          return { ok: r.status === 1 && rep.findings.length === 1, summary: { findings: rep.findings.length } };
        } catch {
          return { ok: false, why: 'no report' };
        }
      },
    };
  });
  const plan = planOf(tools, opts.reps, opts.warmup);
  log(`\n== chains: ${trees.map((t) => t.dir).join(', ')}`);
  runPlan(plan, { tree: trees[0].dir, manifest: null });
  return {
    shape: 'chains',
    id: 'chains',
    n: CHAIN_N,
    tree: trees.map((t) => t.dir).join(', '),
    files: 1,
    tools: Object.fromEntries(plan.map((p) => [p.tool.name, p.entry])),
  };
}

/** A tool's runs, median wall time (min–max), CPU and peak RSS, as table cells. */
function runCells(e) {
  return [
    String(e.runs.length),
    e.median != null ? `${fmtS(e.median)} (${fmtS(e.min)}–${fmtS(e.max)})` : 'n/a',
    e.medianCpu != null ? fmtS(e.medianCpu) : '',
    e.peakRssMiB != null ? e.peakRssMiB.toFixed(0) : '',
  ];
}

function chainsTable(s) {
  if (!s) return '(chains not measured)';
  const rows = [['order', 'runs', 'median s (min–max)', 'CPU s', 'peak RSS MiB', 'notes']];
  for (const [name, e] of Object.entries(s.tools)) rows.push([name, ...runCells(e), notes(name, e)]);
  const p = pairs(s, 'chain-caller-first', 'chain-callee-first');
  const a = s.tools['chain-caller-first'];
  const b = s.tools['chain-callee-first'];
  const cpu = a?.medianCpu && b?.medianCpu ? a.medianCpu / b.medianCpu : null;
  s.ratio = p ? { ...p, cpu } : null;
  return `${mdTable(rows)}\n\ncaller-first / callee-first: ${p ? fmtPairs(p) : 'n/a'}${cpu ? `; CPU ${fmtX(cpu)}` : ''}`;
}

// ------------------------------------------------------------------ report

const fmtS = (x) => (x == null ? 'n/a' : x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1));
const fmtX = (x) => (x == null ? 'n/a' : `${x < 10 ? x.toFixed(2) : x.toFixed(1)}×`);

function mdTable(rows) {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => `| ${r.map((x, c) => String(x).padEnd(w[c])).join(' | ')} |`;
  return [line(rows[0]), `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** Ratios of runs i of a and b, which ran in the same round: robust to slow drift of a shared machine. */
function pairs(r, a, b) {
  const ra = r.tools[a]?.runs ?? [];
  const rb = r.tools[b]?.runs ?? [];
  const n = Math.min(ra.length, rb.length);
  if (!n) return null;
  const xs = [];
  for (let i = 0; i < n; i++) xs.push(ra[i].wall / rb[i].wall);
  return { n, median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}
const fmtPairs = (p) => (p ? `${fmtX(p.median)} (${fmtX(p.min)}–${fmtX(p.max)})` : 'n/a');

function notes(name, e) {
  const s = e.summary;
  if (e.skipped) return e.skipped;
  if (e.median == null) return e.error ?? 'no run';
  if (!s) return '';
  if (name === 'consent-lint' || name === 'no-prune' || name === 'cache') {
    if (s.expectedFindings == null) return `findings ${s.findings}, errors ${s.errors ?? '?'}`;
    return (
      `findings ${s.findings} (expected ${s.expectedFindings} + ${s.expectedPolicyDependent} policy-dep.; ` +
      `wrong: at compliant sites ${s.reportedAt.compliant}, decoys ${s.reportedAt['not-a-sink']}, elsewhere ${s.reportedAt.unknown}, missed ${s.missedExpectedFindings}), ` +
      `errors ${s.errors ?? '?'}, parsed ${name === 'cache' ? (s.stats?.filesParsed === 0 ? '0 (cache hit)' : `${s.stats?.filesParsed} (cache MISS)`) : (s.stats?.filesParsed ?? '?')}`
    );
  }
  if (name === 'eslint') return `${s.leanplumCalls} Leanplum.* calls, ${s.fatalParseErrors} parse errors`;
  if (name === 'ast-grep') return `${s.matches} matches`;
  if (name === 'floor') return `${s.matched} files matched the prefilter and were parsed (${s.lister})`;
  if (name === 'floor-list') return `${s.files} files listed and read, ${s.matched} matched (${s.lister})`;
  if (name === '--version') return s.stdout;
  if (name === '1-file scan') return `findings ${s.findings}`;
  return '';
}

function mainTable(results) {
  const rows = [
    ['tree', 'shape', 'files', 'SDK files', 'tool', 'runs', 'median s (min–max)', 'CPU s', 'peak RSS MiB', 'notes'],
  ];
  for (const r of results) {
    for (const [name, e] of Object.entries(r.tools)) {
      const time = e.median != null ? `${fmtS(e.median)} (${fmtS(e.min)}–${fmtS(e.max)})` : 'n/a';
      rows.push([
        r.id,
        r.shape,
        String(r.files),
        r.sdkFiles == null ? '' : String(r.sdkFiles),
        name,
        String(e.runs?.length ?? 0),
        time,
        e.medianCpu != null ? fmtS(e.medianCpu) : '',
        e.peakRssMiB != null ? e.peakRssMiB.toFixed(0) : '',
        notes(name, e),
      ]);
    }
  }
  return mdTable(rows);
}

const RATIOS = [
  ['consent-lint', 'floor', 'consent-lint / floor'],
  ['no-prune', 'floor', '--no-prune / floor'],
  ['no-prune', 'consent-lint', '--no-prune / consent-lint'],
  ['consent-lint', 'ast-grep', 'consent-lint / ast-grep'],
  ['ast-grep', 'floor', 'ast-grep / floor'],
  ['eslint', 'consent-lint', 'ESLint / consent-lint'],
  ['cache', 'floor-list', 'warm --cache / list+read floor'],
];

function ratioTable(results) {
  const used = RATIOS.filter(([a, b]) => results.some((r) => pairs(r, a, b)));
  const rows = [['tree', ...used.map((x) => x[2])]];
  for (const r of results) {
    if (r.shape === 'startup') continue;
    r.ratios = {};
    for (const [a, b, name] of used) {
      const p = pairs(r, a, b);
      const cpu = r.tools[a]?.medianCpu && r.tools[b]?.medianCpu ? r.tools[a].medianCpu / r.tools[b].medianCpu : null;
      r.ratios[name] = {
        pairwise: p,
        ofMedians: r.tools[a]?.median && r.tools[b]?.median ? r.tools[a].median / r.tools[b].median : null,
        cpu,
      };
    }
    rows.push([
      r.id,
      ...used.map(([, , name]) => {
        const x = r.ratios[name];
        return x.pairwise ? `${fmtPairs(x.pairwise)}; CPU ${fmtX(x.cpu)}` : 'n/a';
      }),
    ]);
  }
  return mdTable(rows);
}

function startupTable(s) {
  if (!s) return '(start-up not measured)';
  s.ratios = {};
  const rows = [
    [
      'command',
      'runs',
      'median s (min–max)',
      'CPU s',
      'peak RSS MiB',
      '/ node -e 0: pairwise wall (min–max)',
      'CPU',
      'notes',
    ],
  ];
  const base = s.tools['node -e 0'];
  for (const [name, e] of Object.entries(s.tools)) {
    const p = name === 'node -e 0' ? null : pairs(s, name, 'node -e 0');
    const cpu = p && e.medianCpu && base?.medianCpu ? e.medianCpu / base.medianCpu : null;
    if (p) s.ratios[`${name} / node -e 0`] = { ...p, cpu };
    rows.push([name, ...runCells(e), p ? fmtPairs(p) : '', cpu ? fmtX(cpu) : '', notes(name, e)]);
  }
  return mdTable(rows);
}

function targets(results, startup, chains) {
  const out = [];
  const verdict = (ok) => (ok == null ? 'n/a' : ok ? 'PASS' : 'FAIL');
  const add = (target, value, ok) => out.push({ target, value, verdict: verdict(ok) });
  const pw = (r, a, b) => pairs(r, a, b)?.median ?? null;
  const cpuOf = (r, a, b) =>
    r.tools[a]?.medianCpu && r.tools[b]?.medianCpu ? r.tools[a].medianCpu / r.tools[b].medianCpu : null;
  const both = (r, a, b) => `${fmtX(pw(r, a, b))} (CPU ${fmtX(cpuOf(r, a, b))})`;
  for (const r of results) {
    const cl = r.tools['consent-lint'];
    const x = pw(r, 'consent-lint', 'floor');
    const rss = cl?.peakRssMiB ?? null;
    if (r.shape === 'default')
      add(`${r.id}: consent-lint ≤ 1.3× floor`, both(r, 'consent-lint', 'floor'), x == null ? null : x <= 1.3);
    if (r.shape === 'default' && r.n === 10000) {
      const e = pw(r, 'eslint', 'consent-lint');
      add(
        `${r.id}: consent-lint ≥ 20× faster than ESLint`,
        both(r, 'eslint', 'consent-lint'),
        e == null ? null : e >= 20,
      );
      add(
        `${r.id}: consent-lint peak RSS < 300 MiB`,
        rss == null ? 'n/a' : `${rss.toFixed(0)} MiB`,
        rss == null ? null : rss < 300,
      );
      const c = pw(r, 'cache', 'floor-list');
      add(`${r.id}: warm --cache ≤ 1.2× list+read floor`, both(r, 'cache', 'floor-list'), c == null ? null : c <= 1.2);
    }
    if (r.shape === 'dense') {
      add(`${r.id}: consent-lint ≤ 2× floor`, both(r, 'consent-lint', 'floor'), x == null ? null : x <= 2);
      add(
        `${r.id}: consent-lint peak RSS ≤ 300 MiB`,
        rss == null ? 'n/a' : `${rss.toFixed(0)} MiB`,
        rss == null ? null : rss <= 300,
      );
    }
    if (r.shape === 'inject') {
      const g = pw(r, 'consent-lint', 'ast-grep');
      add(`${r.id}: consent-lint faster than ast-grep`, both(r, 'consent-lint', 'ast-grep'), g == null ? null : g < 1);
      add(`${r.id}: consent-lint ≤ 2× floor`, both(r, 'consent-lint', 'floor'), x == null ? null : x <= 2);
    }
    if (cl?.summary?.findingKeys)
      add(
        `${r.id}: consent-lint's verdicts match the manifest`,
        cl.summary.accurate ? 'exact' : 'differ',
        cl.summary.accurate,
      );
    const np = r.tools['no-prune'];
    if (np?.summary?.findingKeys && cl?.summary?.findingKeys) {
      const same = JSON.stringify(np.summary.findingKeys) === JSON.stringify(cl.summary.findingKeys);
      add(`${r.id}: --no-prune gives the same findings`, same ? 'same' : 'differ', same);
    }
  }
  if (chains) {
    const x = chains.ratio?.median;
    add(
      `${CHAIN_N}-function chain: either declaration order costs the same (0.8–1.25×)`,
      `${fmtX(x)} (CPU ${fmtX(chains.ratio?.cpu)})`,
      x == null ? null : x >= 0.8 && x <= 1.25,
    );
  }
  if (startup) {
    const one = startup.ratios?.['1-file scan / node -e 0'];
    add(
      '1-file scan ≤ 2.5× node -e 0',
      `${fmtX(one?.median)} (CPU ${fmtX(one?.cpu)})`,
      one == null ? null : one.median <= 2.5,
    );
  }
  return out;
}

// ------------------------------------------------------------------ main

const startedAt = new Date().toISOString();
const loadBefore = os.loadavg();
const results = [];
for (const c of cases()) results.push(runCase(c));
const startup = opts.shapes.includes('startup') ? runStartup() : null;
const chains = opts.shapes.includes('chains') ? runChains() : null;

const cmdline = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
const env = {
  node: process.version,
  platform: `${os.type()} ${os.release()} ${os.arch()}`,
  cpus: `${os.cpus().length}× ${os.cpus()[0]?.model ?? '?'}`,
  memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
  rssSource: TIME ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS (preload; none for ast-grep)',
  repo: gitInfo(),
  startedAt,
  command: cmdline,
  astGrep: AST_GREP ? spawnSync(AST_GREP, ['--version'], { encoding: 'utf8' }).stdout.trim() : null,
  noPrune: supportsNoPrune(),
  loadavg: { before: loadBefore.map((x) => +x.toFixed(2)), after: os.loadavg().map((x) => +x.toFixed(2)) },
};
const ratioText = ratioTable(results);
const startupText = startupTable(startup);
const chainsText = chainsTable(chains);
const tg = targets(results, startup, chains);
const text = [
  '',
  `consent-lint benchmark — ${startedAt}, node ${env.node}, ${env.cpus}, ${env.memGiB} GiB; repo ${env.repo.commit}${env.repo.dirtyFiles ? ` (+${env.repo.dirtyFiles} uncommitted)` : ''}; ${env.astGrep ?? 'no ast-grep'}`,
  `command: ${cmdline}`,
  `load average (1/5/15 min) before ${env.loadavg.before.join(' ')}, after ${env.loadavg.after.join(' ')}${Math.max(env.loadavg.before[0], env.loadavg.after[0]) > 0.75 * os.cpus().length ? ' — the machine was busy: absolute times are inflated, ratios of interleaved runs less so' : ''}`,
  `whole-process wall time, ${opts.reps} counted run(s) after ${opts.warmup} warm-up (ESLint: ${opts.eslintReps ?? `${opts.reps}, 1 on 10k+`}, no warm-up); peak RSS = max over counted runs (${env.rssSource})`,
  env.noPrune ? '' : 'consent-lint --no-prune: not in this build (`scan --help`), leg skipped',
  '',
  mainTable(results),
  '',
  'Ratios: median of the pairwise wall-time ratios run i / run i (runs of the same round), (min–max); CPU = ratio of the median CPU seconds',
  '',
  ratioText,
  '',
  `Start-up (${opts.startupReps} interleaved runs each; the tree holds one .ts file and is a git work tree)`,
  '',
  startupText,
  '',
  `Call chains (${CHAIN_N} functions in one file, each order its own tree; ${opts.reps} interleaved runs each)`,
  '',
  chainsText,
  '',
  'Targets (issue 16; verdicts on the pairwise wall-time medians; CPU ratios beside them)',
  '',
  mdTable([['target', 'measured', ''], ...tg.map((x) => [x.target, x.value, x.verdict])]),
  '',
].join('\n');
console.log(text);

mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(
  opts.out,
  JSON.stringify(
    {
      env,
      options: { ...opts, eslintMax: Number.isFinite(opts.eslintMax) ? opts.eslintMax : null },
      results,
      startup,
      chains,
      targets: tg,
      table: text,
    },
    null,
    2,
  ) + '\n',
);
log(`results written to ${opts.out}`);
process.exitCode = 0;
