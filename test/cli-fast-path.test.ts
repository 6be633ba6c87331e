/**
 * The start-up fast path (src/cli/scan-flags.ts) must mean exactly what oclif
 * means: for every command line it accepts, its parse equals oclif's parse of
 * the Scan command's flags; everything else is declined (oclif runs). And the
 * real binary gives the same output either way.
 */
import { Config, Parser } from '@oclif/core';
import { beforeAll, describe, expect, it } from 'vitest';
import Scan from '../src/commands/scan.js';
import type { ResultDocument } from '../src/index.js';
import {
  FAST_SCAN_FLAGS,
  OCLIF_ONLY_SCAN_FLAGS,
  fastParseScan,
  scanFlagsFrom,
  versionLine,
} from '../src/cli/scan-flags.js';
import { ensureBuilt, repoRoot, runCli } from './cli-helpers.js';

async function oclifParse(argv: string[]) {
  try {
    const r = await Parser.parse(argv, { flags: Scan.flags, args: Scan.args ?? {}, strict: Scan.strict });
    return { flags: r.flags as Record<string, unknown>, argv: r.argv as string[] };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const ACCEPTED: string[][] = [
  [],
  ['src'],
  ['src', 'lib/a.ts', 'b.tsx'],
  ['--format', 'json'],
  ['--format=sarif', 'src'],
  ['-f', 'github', '-o', 'out.txt', '-c', 'cfg.json', '-q'],
  ['src', '--output', 'report.json', '--format', 'json', '--max-warnings', '0'],
  ['--max-warnings=-1'],
  ['--max-warnings=12', '--quiet'],
  ['--no-color', 'src'],
  ['--color'],
  ['--baseline', 'b.json', '--prune-baseline'],
  ['--write-baseline', 'b.json'],
  ['--fail-on-analysis-errors', '--staged'],
  ['--no-fail-on-analysis-errors', 'src'],
  ['--changed=HEAD'],
  ['--changed=origin/main', 'src'],
  ['--sarif-output', 'a.sarif', '--json-output', 'a.json', '--format', 'stylish'],
  ['--cache'],
  ['--cache-location', '.cache/x.json', '.'],
  ['--cache', '--format', 'json', '--output', '/tmp/x.json', '/abs/path'],
  ['--no-prune', 'src'],
  ['--prune', '--format', 'json'],
];

const DECLINED: string[][] = [
  ['--help'],
  ['-h'],
  ['--version'],
  ['--policy', 'a', 'src'],
  ['--policy=a'],
  ['--format', 'xml'],
  ['--format'],
  ['--output'],
  ['--output', '-x'],
  ['--output='],
  ['-fjson'],
  ['-f=json'],
  ['-qf', 'json'],
  ['--max-warnings', '-1'],
  ['--max-warnings', 'lots'],
  ['--max-warnings=-2'],
  ['--max-warnings=1.5'],
  ['--quiet=true'],
  ['--color', '--no-color'],
  ['--prune', '--no-prune'],
  ['--no-prune=true'],
  ['--format', 'json', '--format', 'sarif'],
  ['--no-quiet'],
  ['--no-such-flag'],
  ['-x'],
  ['-'],
  ['--', '--x'],
  ['src', '--'],
];

describe('scan fast path: flag parsing', () => {
  it("knows every flag of the Scan command, with oclif's kind and short name", () => {
    const names = Object.keys(Scan.flags)
      .filter((n) => !OCLIF_ONLY_SCAN_FLAGS.includes(n))
      .sort();
    expect(Object.keys(FAST_SCAN_FLAGS).sort()).toEqual(names);
    for (const [name, spec] of Object.entries(FAST_SCAN_FLAGS)) {
      const f = Scan.flags[name as keyof typeof Scan.flags] as {
        type: string;
        char?: string;
        allowNo?: boolean;
        options?: string[];
        default?: unknown;
      };
      expect(f.char, name).toBe(spec.char);
      if (spec.kind === 'boolean' || spec.kind === 'negatable') {
        expect(f.type, name).toBe('boolean');
        expect(Boolean(f.allowNo), name).toBe(spec.kind === 'negatable');
        expect(f.default, name).toEqual(spec.default);
      } else {
        expect(f.type, name).toBe('option');
        expect(f.options, name).toEqual(spec.options);
        expect(f.default, name).toEqual(spec.default);
      }
    }
  });

  it.each(ACCEPTED)('accepts %j and parses it as oclif does', async (...argv) => {
    const fast = fastParseScan(argv);
    expect(fast).toBeDefined();
    const oclif = await oclifParse(argv);
    expect(oclif).not.toHaveProperty('error');
    expect(fast!.flags).toEqual(oclif.flags);
    expect(fast!.argv).toEqual(oclif.argv);
    expect(scanFlagsFrom(fast!.flags, fast!.argv)).toEqual(scanFlagsFrom(oclif.flags as never, oclif.argv!));
  });

  it.each(DECLINED)('declines %j (oclif parses it, or reports the error)', (...argv) => {
    expect(fastParseScan(argv)).toBeUndefined();
  });

  it('maps parsed flags to runScan options', () => {
    expect(
      scanFlagsFrom(
        {
          format: 'json',
          'max-warnings': -1,
          color: false,
          changed: 'HEAD',
          policy: ['a'],
          'fail-on-analysis-errors': true,
        },
        ['src'],
      ),
    ).toEqual({
      paths: ['src'],
      format: 'json',
      maxWarnings: -1,
      color: false,
      changed: 'HEAD',
      policy: ['a'],
      pruneBaseline: undefined,
      quiet: undefined,
      failOnAnalysisErrors: true,
      staged: undefined,
      cache: undefined,
      printConfig: undefined,
      fix: undefined,
      fixDryRun: undefined,
    });
    // --no-prune (oclif: `prune` false) is the exhaustive mode; --prune, the default, adds nothing.
    expect(scanFlagsFrom({ prune: false }, [])).toMatchObject({ exhaustive: true });
    expect(scanFlagsFrom({ prune: true }, [])).not.toHaveProperty('exhaustive');
  });
});

describe('scan fast path: the binary', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  const normalise = (s: string) => s.replace(/"durationMs": \d+/g, '"durationMs": 0').replace(/in \d+\.\d+s/g, 'in Ns');

  it('gives the same report and exit code as the oclif path', () => {
    // `-f json` runs the fast path; `-fjson` (same meaning to oclif) is declined by it and runs oclif.
    for (const dir of ['fixtures/cli/ungated', 'fixtures/cli/guarded', 'fixtures/cli/bad-config']) {
      const fast = runCli([dir, '-f', 'json']);
      const viaOclif = runCli([dir, '-fjson']);
      expect(fast.code, dir).toBe(viaOclif.code);
      expect(normalise(fast.stdout), dir).toBe(normalise(viaOclif.stdout));
      expect(fast.stderr, dir).toBe(viaOclif.stderr);
    }
    const fast = runCli(['fixtures/cli/ungated', '--no-color']);
    const viaOclif = runCli(['fixtures/cli/ungated', '--no-color', '-fstylish']);
    expect(fast.code).toBe(viaOclif.code);
    expect(normalise(fast.stdout)).toBe(normalise(viaOclif.stdout));
    // --no-prune both ways: the exhaustive mode's report (every file parsed), whichever parser read the flag.
    const exhaustive = runCli(['fixtures/resolution/web-ts', '--no-prune', '-f', 'json']);
    const exhaustiveViaOclif = runCli(['fixtures/resolution/web-ts', '--no-prune', '-fjson']);
    expect(exhaustive.code).toBe(exhaustiveViaOclif.code);
    expect(normalise(exhaustive.stdout)).toBe(normalise(exhaustiveViaOclif.stdout));
    const pruned = JSON.parse(runCli(['fixtures/resolution/web-ts', '-f', 'json']).stdout) as ResultDocument;
    const all = JSON.parse(exhaustive.stdout) as ResultDocument;
    expect(all.stats.filesParsed).toBeGreaterThan(pruned.stats.filesParsed);
    expect(all.findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.missing])).toEqual(
      pruned.findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.missing]),
    );
  });

  it('prints --version (and -v) as oclif does', async () => {
    const config = await Config.load({ root: repoRoot });
    expect(versionLine()).toBe(config.userAgent);
    expect(runCli(['--version'])).toEqual({ code: 0, stdout: `${config.userAgent}\n`, stderr: '' });
    expect(runCli(['-v']).stdout).toBe(`${config.userAgent}\n`);
  });
});
