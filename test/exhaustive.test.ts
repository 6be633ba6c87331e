/**
 * The pruning is sound (issue 16): the default scan, which parses only files
 * that mention an SDK and follows references outward on demand, gives the
 * same findings and errors as the exhaustive mode (`--no-prune`, every source
 * file parsed up front, on-demand parsing never narrowed) on every fixture app,
 * on small generated trees of the benchmark's three shapes, and on the
 * reproducers of the differences found so far. Random multi-file programs:
 * test/property/exhaustive.property.test.ts. What "the same" means:
 * test/support/exhaustive.ts.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../src/policy/index.js';
import { comparable, scanBoth, summary, writeTree } from './support/exhaustive.js';
import { FIXTURE_APPS, FIXTURES } from './support/fixture-apps.js';
import { EXPECT_MARKER } from './support/expectations.js';
import { typeCheckerLoads } from '../src/program/types.js';

/** JavaScript and TypeScript sources under `root`, declarations and node_modules left out. */
function sourceFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) n += sourceFiles(join(dir, e.name));
    } else if (/\.(?:[cm]?[jt]sx?)$/.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name)) n++;
  }
  return n;
}

function configOf(root: string) {
  const file = join(root, 'consent-lint.config.json');
  return existsSync(file) ? loadConfigFile(file) : undefined;
}

describe('--no-prune gives the default findings: fixture apps', () => {
  for (const [group, names] of FIXTURE_APPS) {
    for (const app of names) {
      it(`${group}/${app}`, async () => {
        const root = join(FIXTURES, group, app);
        const { pruned, exhaustive } = await scanBoth(root, configOf(root));
        expect(comparable(pruned)).toEqual(comparable(exhaustive));
        // Exhaustive means every file: never fewer parsed than by default.
        expect(exhaustive.stats.filesParsed).toBeGreaterThanOrEqual(pruned.stats.filesParsed);
      });
    }
  }
});

describe('--no-prune gives the default findings: fixture apps without their expectation markers', () => {
  // A marker (`// expect: leanplum/init`) names the SDK: the file is then a seed whatever its code names,
  // which would hide a file the pruning never reaches. A copy with the markers blanked (same length) is
  // scanned both ways too.
  const work = mkdtempSync(join(tmpdir(), 'exhaustive-blind-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  let blanked = 0;
  for (const [group, names] of FIXTURE_APPS) {
    for (const app of names) {
      it(`${group}/${app}`, async () => {
        const root = join(FIXTURES, group, app);
        const copy = join(work, group, app);
        cpSync(root, copy, { recursive: true, verbatimSymlinks: true });
        blanked += blankMarkers(copy);
        const { pruned, exhaustive } = await scanBoth(copy, configOf(copy));
        expect(comparable(pruned)).toEqual(comparable(exhaustive));
      });
    }
  }
  it('blanked the markers of over 150 files', () => expect(blanked).toBeGreaterThan(150));
});

/** Blank every expectation marker of the text files under `dir` (spaces of the same length: positions kept); how many files had one. */
function blankMarkers(dir: string): number {
  let files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') files += blankMarkers(path);
    } else if (e.isFile()) {
      const text = readFileSync(path, 'latin1');
      const blanked = text.replace(new RegExp(EXPECT_MARKER.source, 'g'), (m) => ' '.repeat(m.length));
      if (blanked === text) continue;
      writeFileSync(path, blanked, 'latin1');
      files++;
    }
  }
  return files;
}

describe('--no-prune gives the default findings: generated trees (bench/generate.mjs, 300 files)', () => {
  const GENERATOR = join(import.meta.dirname, '..', 'bench', 'generate.mjs');
  const work = mkdtempSync(join(tmpdir(), 'exhaustive-trees-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const shapes: [string, string[]][] = [
    ['default shape', []],
    ['dense (--sdk-every 10)', ['--sdk-every', '10']],
    ['injected (--inject 20)', ['--inject', '20']],
  ];
  for (const [name, extra] of shapes) {
    it(name, async () => {
      const root = join(work, name.split(' ')[0]);
      const r = spawnSync(process.execPath, [GENERATOR, root, '300', '--no-git', ...extra], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const loads = typeCheckerLoads();
      const { pruned, exhaustive } = await scanBoth(root, configOf(root));
      expect(comparable(pruned)).toEqual(comparable(exhaustive));
      // The benchmark's trees never need the type checker: a policy whose sink names a common member
      // (`send`, `create`) once made every TypeScript file of them query it.
      expect(typeCheckerLoads()).toBe(loads);
      // Not vacuous: there are findings, and the default really parsed less than everything.
      expect(pruned.findings.length).toBeGreaterThan(0);
      const sources = sourceFiles(root);
      expect(sources).toBeGreaterThanOrEqual(299); // 300 files, one of them a .d.ts (read by the native stage)
      expect(exhaustive.stats.filesParsed).toBe(sources);
      expect(pruned.stats.filesParsed).toBeLessThan(sources);
    });
  }
});

/**
 * Differences the equivalence found, each reduced to a minimal program. A
 * callee and consent helper shared by most of them:
 */
const CONSENT = {
  'src/consent.ts':
    'export function canMarket() { return Cookiebot.consent.marketing && Cookiebot.consent.statistics; }\n',
};

interface Reproducer {
  what: string;
  files: Record<string, string>;
  /** The finding (or findings) both modes must report. */
  finding: string | string[];
}

const FIXED: Reproducer[] = [
  // The importer index keys a specifier by its last segment; an alias naming its target otherwise must be resolved.
  ...(
    [
      ['a wildcard alias keeping the last segment (`@/*`)', { paths: { '@/*': ['./src/*'] } }, '@/feature/lp'],
      ['an exact alias naming its target otherwise', { paths: { '@boot': ['./src/feature/lp.ts'] } }, '@boot'],
      [
        'a wildcard alias adding a suffix (`#f/*` -> `src/*/lp.ts`)',
        { paths: { '#f/*': ['./src/*/lp.ts'] } },
        '#f/feature',
      ],
      ['a `baseUrl` lookup', { baseUrl: './src' }, 'feature/lp'],
    ] as const
  ).map(([what, compilerOptions, specifier]): Reproducer => ({
    what: `an importer through ${what}`,
    files: {
      ...CONSENT,
      'tsconfig.json': JSON.stringify({ compilerOptions }),
      'src/feature/lp.ts': "import Leanplum from 'leanplum-sdk';\nexport function boot() { Leanplum.start(); }\n",
      'src/other/caller.ts': `import { boot } from '${specifier}';\nboot();\n`,
      'src/main.ts':
        "import { canMarket } from './consent';\nimport { boot } from './feature/lp';\nif (canMarket()) boot();\n",
    },
    finding: 'leanplum/init src/feature/lp.ts:2:26 [analytics,marketing]',
  })),
  {
    what: "an importer that writes the directory as '.' (importersOf indexed it under an empty name)",
    files: {
      ...CONSENT,
      'src/feature/index.ts': "import Leanplum from 'leanplum-sdk';\nexport function boot() { Leanplum.start(); }\n",
      'src/feature/caller.ts': "import { boot } from '.';\nboot();\n",
      'src/main.ts':
        "import { canMarket } from './consent';\nimport { boot } from './feature';\nif (canMarket()) boot();\n",
    },
    finding: 'leanplum/init src/feature/index.ts:2:26 [analytics,marketing]',
  },
  {
    what: "an importer that writes the parent directory as '..'",
    files: {
      ...CONSENT,
      'src/feature/index.ts': "import Leanplum from 'leanplum-sdk';\nexport function boot() { Leanplum.start(); }\n",
      'src/feature/sub/caller.ts': "import { boot } from '..';\nboot();\n",
      'src/main.ts':
        "import { canMarket } from './consent';\nimport { boot } from './feature';\nif (canMarket()) boot();\n",
    },
    finding: 'leanplum/init src/feature/index.ts:2:26 [analytics,marketing]',
  },
  {
    what: 'a namespace import whose functions are all called without being named (skipped for not naming `boot`)',
    files: {
      ...CONSENT,
      'src/lp.ts': "import Leanplum from 'leanplum-sdk';\nexport function boot() { Leanplum.start(); }\n",
      'src/caller.ts': "import * as all from './lp';\nObject.values(all).forEach((f) => f());\n",
      'src/main.ts': "import { canMarket } from './consent';\nimport { boot } from './lp';\nif (canMarket()) boot();\n",
    },
    finding: 'leanplum/init src/lp.ts:2:26 [analytics,marketing]',
  },
  {
    what: 'a required module called through a computed key',
    files: {
      'src/consent.js': CONSENT['src/consent.ts'],
      'src/lp.js': "import Leanplum from 'leanplum-sdk';\nexport function boot() { Leanplum.start(); }\n",
      'src/caller.js': "const m = require('./lp');\nconst k = ['bo', 'ot'].join('');\nm[k]();\n",
      'src/main.js': "import { canMarket } from './consent';\nimport { boot } from './lp';\nif (canMarket()) boot();\n",
    },
    finding: 'leanplum/init src/lp.js:2:26 [analytics,marketing]',
  },
  {
    what: 'the SDK handed to a function of a module that names no SDK (it was reported as escaping at the call)',
    files: {
      'src/util.ts': 'export function run(x) { x.start(); }\n',
      'src/main.ts': "import Leanplum from 'leanplum-sdk';\nimport { run } from './util';\nrun(Leanplum);\n",
    },
    finding: 'leanplum/init src/util.ts:1:26 [analytics,marketing]',
  },
  {
    what: 'the SDK handed on from one module that names no SDK to another (a call indexed before its callee was parsed)',
    files: {
      'src/lp.ts': "import Leanplum from 'leanplum-sdk';\nimport { take1 } from './m0';\ntake1(Leanplum);\n",
      'src/m0.ts': "import { take3 } from './m2';\nexport function take1(x) { take3(x); }\n",
      'src/m2.ts': 'export function take3(x) { x.start(); }\n',
    },
    finding: 'leanplum/init src/m2.ts:1:28 [analytics,marketing]',
  },
  {
    what: 'the SDK handed through a barrel that names no SDK to a function that passes it on',
    files: {
      'src/util/index.ts': "export * from './run';\n",
      'src/util/run.ts': "import { go } from './go';\nexport function run(x) { go(x); }\n",
      'src/util/go.ts': 'export const go = (y) => y.registerForWebPush();\n',
      'src/main.ts': "import Leanplum from 'leanplum-sdk';\nimport { run } from './util';\nrun(Leanplum);\n",
    },
    finding: 'leanplum/push src/util/go.ts:1:26 [marketing]',
  },
  {
    // survey5 (applicaster/Zapp-Frameworks): only --no-prune parsed the bridge, which names no SDK.
    what: "a host object of another package (react-native's NativeModules) called through computed keys",
    files: {
      'src/bridge.js':
        "import { NativeModules } from 'react-native';\nexport async function callNative(pkg, name) {\n  const method = NativeModules?.[pkg]?.[name];\n  return method();\n}\n",
      'src/screen.js':
        "import { callNative } from './bridge';\nexport const onMessage = (m) => callNative(m.module, m.method);\n",
    },
    finding: [
      'leanplum/device-id src/bridge.js:4:10 [analytics]',
      'leanplum/init src/bridge.js:4:10 [analytics,marketing]',
      'leanplum/push src/bridge.js:4:10 [marketing]',
    ],
  },
];

describe('--no-prune gives the default findings: reproducers of the differences found', () => {
  for (const r of FIXED) {
    it(r.what, async () => {
      const { root, remove } = writeTree(r.files);
      try {
        const { pruned, exhaustive } = await scanBoth(root);
        expect(summary(exhaustive)).toEqual(typeof r.finding === 'string' ? [r.finding] : r.finding);
        expect(comparable(pruned)).toEqual(comparable(exhaustive));
      } finally {
        remove();
      }
    });
  }

  // Code run from a value in a module that names nothing, called from the SDK's module: it may call the SDK.
  it('`eval(code)` in a module the analysis reaches is reported by both', async () => {
    const { root, remove } = writeTree({
      'src/loader.js': 'export function run(code) {\n  return eval(code);\n}\n',
      'src/app.js':
        "import { run } from './loader';\nimport Leanplum from 'leanplum-sdk';\nif (Cookiebot.consent.marketing && Cookiebot.consent.statistics) Leanplum.start();\nrun(window.snippet);\n",
    });
    try {
      const { pruned, exhaustive } = await scanBoth(root);
      expect(comparable(pruned)).toEqual(comparable(exhaustive));
      expect(pruned.errors).toEqual([
        expect.objectContaining({
          file: 'src/loader.js',
          line: 2,
          message: expect.stringContaining('eval(…) runs code'),
        }),
      ]);
    } finally {
      remove();
    }
  });

  // Precision: a callback gate whose check is a parameter, in a module that names no SDK and no
  // consent check. Declined, src/util.ts would leave the callback counted as called where it is
  // created (a finding); the callback names the SDK, so the module it is handed to is parsed, and
  // the gate is seen to run it only when `canMarket()` holds (no finding).
  const GATE_WITH_PARAMETER_CHECK = {
    ...CONSENT,
    'src/util.ts': 'export function gate(check, fn) { if (check()) fn(); }\n',
    'src/main.ts':
      "import Leanplum from 'leanplum-sdk';\nimport { gate } from './util';\nimport { canMarket } from './consent';\ngate(canMarket, () => Leanplum.start());\n",
  };
  it('a callback gate taking its check as a parameter: proven compliant once its module is parsed', async () => {
    const { root, remove } = writeTree(GATE_WITH_PARAMETER_CHECK);
    try {
      const { pruned, exhaustive } = await scanBoth(root);
      expect(summary(exhaustive)).toEqual([]);
      // The callback names the SDK: the helper it is handed to is read, though its own text names nothing.
      expect(summary(pruned)).toEqual([]);
    } finally {
      remove();
    }
  });
  it('a callback gate taking its check as a parameter, in a module that names no SDK', async () => {
    const { root, remove } = writeTree(GATE_WITH_PARAMETER_CHECK);
    try {
      const { pruned, exhaustive } = await scanBoth(root);
      expect(comparable(pruned)).toEqual(comparable(exhaustive));
    } finally {
      remove();
    }
  });
});
