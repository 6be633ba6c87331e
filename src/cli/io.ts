import { guardStdout } from './output.js';

/**
 * What a command needs from the process, passed in so that commands are plain
 * functions returning an exit code (testable in-process; no `process.exit`).
 */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Terminal for the progress indicator (only used when `stderrIsTTY`). */
  progressStream?: { write(s: string): unknown };
}

export function processIO(): CliIO {
  // A closed stdout (`| head`) ends the run with exit 3 and one line, not a stack trace.
  guardStdout();
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    progressStream: process.stderr,
  };
}

/** An IO that records everything (tests). */
export function memoryIO(overrides: Partial<CliIO> = {}): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
    env: {} as Record<string, string | undefined>,
    cwd: process.cwd(),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    ...overrides,
  };
  return io;
}
