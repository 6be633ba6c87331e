/**
 * Shared helpers for the CLI / reporter / suppression / baseline tests:
 * hand-built result documents, schema validators, and a built CLI to spawn.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  rmSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import AjvModule from 'ajv';
import AjvDraft04Module from 'ajv-draft-04';
import type { Finding, ResultDocument, RuleSpec } from '../src/model.js';
import { identifyFindings } from '../src/baseline/index.js';
import { directiveRules } from '../src/suppress/index.js';
import type { ReportContext } from '../src/report/index.js';

export const repoRoot = resolve(import.meta.dirname, '..');

export function finding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'leanplum/init',
    severity: 'error',
    file: 'src/lp.ts',
    line: 9,
    column: 3,
    endLine: 9,
    endColumn: 19,
    message: 'Leanplum is started without consent',
    requires: ['analytics', 'marketing'],
    missing: ['marketing'],
    trace: [
      { file: 'src/App.tsx', line: 12, column: 5, label: 'useEffect callback' },
      { file: 'src/lp.ts', line: 7, column: 1, label: 'initLeanplum()' },
      { file: 'src/lp.ts', line: 9, column: 3, label: 'Leanplum.start()' },
    ],
    suppressed: false,
    identity: { path: ['initLeanplum'], callee: 'Leanplum.start', ordinal: 0 },
    dependsOn: ['src/App.tsx', 'src/lp.ts'],
    ...over,
  };
}

/** A result document as the library returns it: identities numbered, fingerprints set. */
export function doc(findings: Finding[], over: Partial<ResultDocument> = {}): ResultDocument {
  return {
    version: 1,
    findings: identifyFindings(findings),
    errors: [],
    stats: { filesScanned: 3, filesParsed: 2, durationMs: 42 },
    ...over,
  };
}

export const LP_SOURCE = [
  "import Leanplum from 'leanplum-sdk';",
  '',
  'export function initLeanplum(): void {',
  "  Leanplum.setAppIdForProductionMode('app', 'key');",
  '',
  '',
  '  // set up',
  '  const x = 1;',
  '  Leanplum.start();',
  '}',
  '',
].join('\n');

export const rules: RuleSpec[] = [
  {
    id: 'leanplum/init',
    description: 'Starting the Leanplum SDK needs analytics and marketing consent first.',
    severity: 'error',
    requires: ['analytics', 'marketing'],
    message: 'Leanplum is started without consent',
    legalBasis: 'ePrivacy Directive Art. 5(3)',
    docs: 'Call it only after consent.',
    sinks: [{ receivers: [{ module: 'leanplum-sdk', export: 'default' }], methods: ['start'] }],
    examples: { compliant: 'if (ok) Leanplum.start();', nonCompliant: 'Leanplum.start();' },
  },
  {
    id: 'leanplum/push',
    description: 'Push registration needs marketing consent.',
    severity: 'error',
    requires: ['marketing'],
    message: 'Push registration runs without marketing consent',
    legalBasis: 'ePrivacy Directive Art. 13',
    docs: 'Ask after opt-in.',
    sinks: [{ receivers: [{ global: 'Leanplum' }], methods: ['registerForWebPush'] }],
  },
  ...directiveRules,
];

export function ctx(over: Partial<ReportContext> = {}): ReportContext {
  return { rules, sources: new Map([['src/lp.ts', LP_SOURCE]]), color: false, root: '/repo', ...over };
}

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

export function resultValidator(): Validate {
  const Ajv = (AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule;
  const ajv = new (Ajv as unknown as new (o: object) => { compile(s: unknown): Validate })({
    allErrors: true,
    strict: false,
  });
  return ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'schemas/result.schema.json'), 'utf8')));
}

/** The official SARIF 2.1.0 schema is draft-04: validate with ajv's draft-04 class. */
export function sarifValidator(): Validate {
  const schema = JSON.parse(
    readFileSync(join(repoRoot, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
  );
  if (schema.$schema !== 'http://json-schema.org/draft-04/schema#')
    throw new Error(`unexpected SARIF schema dialect ${schema.$schema}`);
  const Ajv04 = (AjvDraft04Module as unknown as { default?: unknown }).default ?? AjvDraft04Module;
  // The schema's `language` pattern is not valid with the `u` flag; formats (uri, date-time) are not checked.
  const ajv = new (Ajv04 as new (o: object) => { compile(s: unknown): Validate })({
    allErrors: true,
    strict: false,
    unicodeRegExp: false,
    validateFormats: false,
  });
  return ajv.compile(schema);
}

// ------------------------------------------------------------------ built CLI

function newestMtime(dir: string, ext = '.ts'): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, ext));
    else if (entry.name.endsWith(ext)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * `bin/run.js` runs the compiled dist/. Build it when it is missing or older
 * than src/ (CI builds before testing, so this is a no-op there). A lock
 * directory keeps parallel test files from building at once.
 */
export function ensureBuilt(): void {
  const marker = join(repoRoot, 'dist/commands/scan.js');
  // tsc --incremental does not rewrite unchanged outputs: remember our builds in a stamp file.
  const stamp = join(repoRoot, 'node_modules/.cache/consent-lint-build.stamp');
  const built = () => Math.max(statSync(marker).mtimeMs, existsSync(stamp) ? statSync(stamp).mtimeMs : 0);
  // The build also compiles schemas/ into validators and writes the oclif manifest.
  const fresh = () =>
    existsSync(marker) &&
    built() >= Math.max(newestMtime(join(repoRoot, 'src')), newestMtime(join(repoRoot, 'schemas'), '.json'));
  if (fresh()) return;
  const lock = join(repoRoot, 'node_modules/.cache/consent-lint-build.lock');
  mkdirSync(join(repoRoot, 'node_modules/.cache'), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is stale after 3 minutes.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmdirSync(lock);
      if (Date.now() - started > 120_000) throw new Error('timed out waiting for another build');
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    if (fresh()) return;
    const startedBuild = Date.now();
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    // Type errors elsewhere in the tree must not stop emitting dist/ for the CLI tests.
    spawnSync(
      process.execPath,
      [
        tsc,
        '-p',
        'tsconfig.build.json',
        '--incremental',
        '--tsBuildInfoFile',
        'node_modules/.cache/consent-lint-build.tsbuildinfo',
      ],
      {
        cwd: repoRoot,
        stdio: 'ignore',
      },
    );
    if (!existsSync(marker)) throw new Error('npm run build did not produce dist/commands/scan.js');
    // The rest of `npm run build`: precompiled schema validators and a fresh oclif manifest.
    spawnSync(process.execPath, [join(repoRoot, 'scripts/compile-schemas.mjs')], { cwd: repoRoot, stdio: 'ignore' });
    rmSync(join(repoRoot, 'oclif.manifest.json'), { force: true });
    spawnSync(process.execPath, [join(repoRoot, 'scripts/oclif-manifest.mjs')], { cwd: repoRoot, stdio: 'ignore' });
    // bin/run.js runs the bundled fast path when present: never a stale one.
    spawnSync(process.execPath, [join(repoRoot, 'scripts/bundle.mjs')], { cwd: repoRoot, stdio: 'ignore' });
    writeFileSync(stamp, '');
    utimesSync(stamp, new Date(startedBuild), new Date(startedBuild));
  } finally {
    rmdirSync(lock);
  }
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): CliRun {
  const merged: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'production',
    FORCE_COLOR: undefined,
    NO_COLOR: '1',
    GITHUB_ACTIONS: undefined,
    GITHUB_STEP_SUMMARY: undefined,
    CI: '1',
    ...options.env,
  };
  const env = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [join(repoRoot, 'bin/run.js'), ...args], {
    cwd: options.cwd ?? repoRoot,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
