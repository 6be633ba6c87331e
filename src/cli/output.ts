/**
 * Writing the report where it was asked for, without ever leaving a
 * truncated file or crashing on a closed pipe.
 *
 *  - `--output FILE` (and --sarif-output/--json-output) is written to a
 *    temporary file next to it and renamed over it: a full disk (ENOSPC) or
 *    any other failure leaves the previous file untouched, removes the
 *    temporary file, and names FILE in the error. A FILE that exists and is
 *    not a regular file (`/dev/stdout`, a FIFO) is written directly.
 *  - A closed stdout (`consent-lint | head -1`, EPIPE) ends the process with
 *    EXIT_OUTPUT and one line on stderr, not a stack trace and not exit 1
 *    (which means "findings").
 */
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The report could not be written (closed stdout, full disk, unwritable --output). */
export const EXIT_OUTPUT = 3;

export class OutputError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`could not write the report to ${file}: ${reason}`);
    this.name = 'OutputError';
  }
}

/** The file-system calls used (tests inject failures). */
export interface OutputFs {
  openSync: typeof openSync;
  writeSync: (fd: number, text: string) => number;
  fsyncSync: typeof fsyncSync;
  closeSync: typeof closeSync;
  renameSync: typeof renameSync;
  rmSync: typeof rmSync;
}

const realFs: OutputFs = {
  openSync,
  writeSync: (fd, text) => writeSync(fd, text),
  fsyncSync,
  closeSync,
  renameSync,
  rmSync,
};

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    EISDIR: 'it is a directory',
    ENOENT: 'no such directory',
    ENOTDIR: 'a parent is not a directory',
  };
  return e?.code ? `${e.code} (${known[e.code] ?? e.message})` : String((err as Error)?.message ?? err);
}

function writeAll(fs: OutputFs, fd: number, text: string): void {
  // writeSync of a string writes it whole or throws (ENOSPC included).
  fs.writeSync(fd, text);
}

/** Write `text` to `file` atomically (temp file + rename); errors name `file`. */
export function writeReportFile(file: string, text: string, fs: OutputFs = realFs): void {
  const abs = resolve(file);
  let special = false;
  try {
    const st = lstatSync(abs);
    special = !st.isFile() && !st.isSymbolicLink();
    if (st.isDirectory()) throw new OutputError(file, 'it is a directory');
  } catch (e) {
    if (e instanceof OutputError) throw e;
    // missing: created below
  }
  if (special) {
    // /dev/stdout, a FIFO, /dev/full: no rename over a device; write in place.
    let fd: number | undefined;
    try {
      fd = fs.openSync(abs, 'w');
      writeAll(fs, fd, text);
    } catch (e) {
      throw new OutputError(file, describe(e));
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
    return;
  }
  try {
    mkdirSync(dirname(abs), { recursive: true });
  } catch (e) {
    throw new OutputError(file, describe(e));
  }
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    writeAll(fs, fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, abs);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing
      }
    }
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to clean
    }
    throw new OutputError(file, describe(e));
  }
}

let guarded = false;

/**
 * Make a closed stdout (EPIPE, a destroyed stream) end the process with
 * EXIT_OUTPUT and one line on stderr. Installed once, by `processIO`.
 */
export function guardStdout(
  stream: NodeJS.WriteStream = process.stdout,
  errStream: NodeJS.WriteStream = process.stderr,
  exit: (code: number) => void = (c) => process.exit(c),
): void {
  if (guarded) return;
  guarded = true;
  errStream.on('error', () => {
    // stderr closed too: nothing left to tell
  });
  stream.on('error', (err: NodeJS.ErrnoException) => {
    try {
      errStream.write(`consent-lint: could not write the report to stdout: ${describe(err)}\n`);
    } catch {
      // ignore
    }
    exit(EXIT_OUTPUT);
  });
}
