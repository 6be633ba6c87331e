/**
 * The scan command's flags, as `runScan` options, and a start-up fast path.
 *
 * `scanFlagsFrom` maps parsed flags (oclif's shape: `{ format: 'json',
 * 'max-warnings': -1, ... }`) to `ScanFlags`; the oclif command and the fast
 * path both use it, so they cannot drift apart.
 *
 * The fast path (`fastScan`, called by bin/run.js before anything else) runs
 * the default command (and `--version`) without loading @oclif/core (~125 ms of a 1-file scan):
 * `fastParseScan` accepts only command lines whose meaning is plain (known
 * flags in their usual spellings, valid values, each flag once, no `--`,
 * no `--help`/`--version`, no repeatable `--policy`, whose values oclif
 * consumes greedily) and returns exactly what oclif's parser returns for them;
 * anything else returns undefined and bin/run.js hands the whole command line
 * to oclif, which parses it and reports errors as always.
 * test/cli-fast-path.test.ts compares both parsers on a corpus of command
 * lines, and checks that the flag table below matches the Scan command's
 * flags; at run time the fast path also declines when the built oclif
 * manifest lists a different set of scan flags.
 */
import { readFileSync } from 'node:fs';
import { arch, release } from 'node:os';
import { dispatchArgv, normalizeScanArgv } from './argv.js';
import type { ScanFlags } from './scan.js';
import type { Format } from '../report/index.js';

type Kind = 'string' | 'boolean' | 'negatable' | 'integer';
interface FlagSpec {
  kind: Kind;
  char?: string;
  options?: readonly string[];
  min?: number;
  default?: number | boolean;
}

/** Every flag of `consent-lint scan` (src/commands/scan.ts), by long name. */
export const FAST_SCAN_FLAGS: Readonly<Record<string, FlagSpec>> = {
  config: { kind: 'string', char: 'c' },
  format: { kind: 'string', char: 'f', options: ['stylish', 'json', 'sarif', 'github'] },
  output: { kind: 'string', char: 'o' },
  'max-warnings': { kind: 'integer', min: -1, default: -1 },
  baseline: { kind: 'string' },
  'write-baseline': { kind: 'string' },
  'prune-baseline': { kind: 'boolean' },
  color: { kind: 'negatable' },
  quiet: { kind: 'boolean', char: 'q' },
  'fail-on-analysis-errors': { kind: 'negatable', default: true },
  changed: { kind: 'string' },
  staged: { kind: 'boolean' },
  'sarif-output': { kind: 'string' },
  'json-output': { kind: 'string' },
  cache: { kind: 'boolean' },
  'cache-location': { kind: 'string' },
  timeout: { kind: 'string' },
  'total-timeout': { kind: 'string' },
  'print-config': { kind: 'boolean' },
  fix: { kind: 'boolean' },
  'fix-dry-run': { kind: 'boolean' },
  prune: { kind: 'negatable', default: true },
};
/** Flags the fast path never parses (oclif does): `--policy` takes every following value. */
export const OCLIF_ONLY_SCAN_FLAGS = ['policy'];

export interface ParsedScanArgs {
  flags: Record<string, string | number | boolean | string[] | undefined>;
  argv: string[];
}

/** oclif's parse of `argv` (scan command, after `normalizeScanArgv`), or undefined when the command line is not plain. */
export function fastParseScan(argv: readonly string[]): ParsedScanArgs | undefined {
  const flags: ParsedScanArgs['flags'] = {};
  const positional: string[] = [];
  const charToName = new Map<string, string>();
  for (const [name, spec] of Object.entries(FAST_SCAN_FLAGS)) if (spec.char) charToName.set(spec.char, name);
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (!token.startsWith('-')) {
      positional.push(token);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    let negated = false;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      name = eq === -1 ? token.slice(2) : token.slice(2, eq);
      if (eq !== -1) inline = token.slice(eq + 1);
      if (name.startsWith('no-') && FAST_SCAN_FLAGS[name.slice(3)]?.kind === 'negatable' && inline === undefined) {
        name = name.slice(3);
        negated = true;
      }
    } else if (token.length === 2) {
      name = charToName.get(token[1]);
    }
    const spec = name === undefined ? undefined : FAST_SCAN_FLAGS[name];
    if (!spec || name === undefined || Object.hasOwn(flags, name)) return undefined;
    if (spec.kind === 'boolean' || spec.kind === 'negatable') {
      if (inline !== undefined) return undefined;
      flags[name] = !negated;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) return undefined;
      i++;
    }
    if (value === '') return undefined;
    if (spec.options && !spec.options.includes(value)) return undefined;
    if (spec.kind === 'integer') {
      if (!/^-?\d+$/.test(value)) return undefined;
      const n = Number.parseInt(value, 10);
      if (!Number.isSafeInteger(n) || (spec.min !== undefined && n < spec.min)) return undefined;
      flags[name] = n;
    } else flags[name] = value;
  }
  for (const [name, spec] of Object.entries(FAST_SCAN_FLAGS))
    if (spec.default !== undefined && !Object.hasOwn(flags, name)) flags[name] = spec.default;
  return { flags, argv: positional };
}

/** Parsed scan flags (oclif's shape) -> `runScan` options. */
export function scanFlagsFrom(flags: ParsedScanArgs['flags'], argv: unknown[]): ScanFlags {
  const str = (k: string) => flags[k] as string | undefined;
  const bool = (k: string) => flags[k] as boolean | undefined;
  return {
    paths: argv as string[],
    ...(str('config') ? { config: str('config') } : {}),
    ...(str('format') ? { format: str('format') as Format } : {}),
    ...(str('output') ? { output: str('output') } : {}),
    ...(flags.policy ? { policy: flags.policy as string[] } : {}),
    maxWarnings: flags['max-warnings'] as number,
    ...(str('baseline') ? { baseline: str('baseline') } : {}),
    ...(str('write-baseline') ? { writeBaseline: str('write-baseline') } : {}),
    pruneBaseline: bool('prune-baseline'),
    ...(bool('color') !== undefined ? { color: bool('color') } : {}),
    quiet: bool('quiet'),
    failOnAnalysisErrors: bool('fail-on-analysis-errors'),
    ...(str('changed') !== undefined ? { changed: str('changed') } : {}),
    staged: bool('staged'),
    ...(str('sarif-output') ? { sarifOutput: str('sarif-output') } : {}),
    ...(str('json-output') ? { jsonOutput: str('json-output') } : {}),
    cache: bool('cache'),
    ...(str('cache-location') ? { cacheLocation: str('cache-location') } : {}),
    ...(str('timeout') !== undefined ? { timeout: str('timeout') } : {}),
    ...(str('total-timeout') !== undefined ? { totalTimeout: str('total-timeout') } : {}),
    printConfig: bool('print-config'),
    fix: bool('fix'),
    fixDryRun: bool('fix-dry-run'),
    ...(bool('prune') === false ? { exhaustive: true } : {}),
  };
}

/** True when the built oclif manifest lists exactly the scan flags the fast path knows (a stale or changed build declines). */
function manifestAgrees(): boolean {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
      commands?: { scan?: { flags?: Record<string, { type?: string; char?: string; allowNo?: boolean }> } };
    };
    const flags = manifest.commands?.scan?.flags;
    if (!flags) return false;
    const names = Object.keys(flags).filter((n) => !OCLIF_ONLY_SCAN_FLAGS.includes(n));
    if (names.length !== Object.keys(FAST_SCAN_FLAGS).length) return false;
    return names.every((n) => {
      const spec = FAST_SCAN_FLAGS[n];
      const f = flags[n];
      if (!spec || f.char !== spec.char) return false;
      const boolean = spec.kind === 'boolean' || spec.kind === 'negatable';
      return boolean ? f.type === 'boolean' && Boolean(f.allowNo) === (spec.kind === 'negatable') : f.type === 'option';
    });
  } catch {
    return false;
  }
}

/**
 * oclif's `--version` line (`config.userAgent`: `consent-lint/0.1.0 linux-x64 node-v20.20.2`), or
 * undefined where oclif would say `wsl` for the platform (Linux under WSL: oclif prints it then).
 */
export function versionLine(): string | undefined {
  if (process.platform === 'linux') {
    let probe = release();
    try {
      probe += readFileSync('/proc/version', 'utf8');
    } catch {
      // no /proc: not WSL
    }
    if (/microsoft/i.test(probe)) return undefined;
  }
  try {
    const pjson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version?: string;
    };
    const cpu = arch() === 'ia32' ? 'x86' : arch();
    return `${pjson.name}/${pjson.version || '0.0.0'} ${process.platform}-${cpu} node-${process.version}`;
  } catch {
    return undefined;
  }
}

/**
 * Run `consent-lint [scan] ...` (and `--version`) without oclif when the command line is plain:
 * resolves to the exit code, or to undefined when oclif must handle it.
 */
export async function fastScan(args: string[]): Promise<number | undefined> {
  const dispatched = dispatchArgv(args);
  if (dispatched[0] === '--version') {
    // oclif prints the version whenever the first argument is --version, whatever follows.
    const line = versionLine();
    if (line === undefined) return undefined;
    process.stdout.write(`${line}\n`);
    return 0;
  }
  if (dispatched[0] !== 'scan') return undefined;
  const parsed = fastParseScan(normalizeScanArgv(dispatched.slice(1), process.cwd()));
  if (!parsed || !manifestAgrees()) return undefined;
  const [{ runScan }, { processIO }] = await Promise.all([import('./scan.js'), import('./io.js')]);
  return runScan(scanFlagsFrom(parsed.flags, parsed.argv), processIO());
}
