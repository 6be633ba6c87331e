import { isAbsolute, relative } from 'node:path';
import { ConfigError, formatProblem } from '../policy/index.js';
import type { CliIO } from './io.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** Bad invocation (unknown path, bad git ref, conflicting flags): exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function shown(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/**
 * Print a usage/config/policy error (`file: /json/pointer: expected`) and
 * return exit code 2; rethrow anything else.
 */
export function reportError(error: unknown, io: CliIO): number {
  if (error instanceof ConfigError) {
    for (const p of error.problems) io.stderr(`${formatProblem(shown(error.file, io.cwd), p)}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof UsageError) {
    io.stderr(`consent-lint: ${error.message}\n`);
    return EXIT_USAGE;
  }
  throw error;
}
