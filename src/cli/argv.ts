import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * `--changed [REF]` takes an optional value, which oclif flags cannot express.
 * Rewrite it before parsing: `--changed` followed by a token that is not a
 * flag and not an existing path becomes `--changed=REF`; a bare `--changed`
 * becomes `--changed=HEAD`. (`--changed=REF` is always unambiguous.)
 */
export function normalizeScanArgv(argv: string[], cwd: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg !== '--changed') {
      out.push(arg);
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('-') && !existsSync(resolve(cwd, next))) {
      out.push(`--changed=${next}`);
      i++;
    } else out.push('--changed=HEAD');
  }
  return out;
}

/** Subcommands of `consent-lint`; any other first argument means `scan`. */
export const SUBCOMMANDS = [
  'scan',
  'init',
  'policies',
  'validate',
  'explain',
  'why',
  'help',
  '--help',
  '-h',
  '--version',
  '-v',
];

/**
 * `consent-lint src --format json` -> `scan src --format json`; `help X` -> `X --help`.
 * `consent-lint --help` is the scan's help (the default command: its flags are
 * what users look for), which also lists the other commands.
 */
export function dispatchArgv(argv: string[]): string[] {
  const [first, ...rest] = argv;
  if (first === 'help') return rest.length ? [...rest, '--help'] : ['scan', '--help'];
  if (first === '-h' || (first === '--help' && !rest.length)) return ['scan', '--help'];
  if (first === '-v') return ['--version'];
  if (first !== undefined && SUBCOMMANDS.includes(first)) return argv;
  return ['scan', ...argv];
}
