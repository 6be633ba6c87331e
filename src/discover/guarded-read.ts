/**
 * The one reader for files the scanned repository controls: source files, the
 * config file, policy files named by the config, tsconfig/jsconfig and their
 * `extends`, `.gitignore` files outside git, cache files.
 *
 * A hostile repository can commit a symlink to `/dev/zero` (endless bytes), to
 * `/dev/tty` or a FIFO (blocks forever), or to a file outside the checkout
 * (`~/.ssh/id_rsa`, then printed in a code frame or an error message). So:
 *
 *  - a symlink (or a symlinked ancestor) whose real path leaves `root` is
 *    refused before anything is opened; a symlink loop is refused;
 *  - the file is opened with O_NONBLOCK (a FIFO cannot block the open) and
 *    must be a regular file by fstat of that very descriptor (devices, FIFOs,
 *    sockets, directories are refused);
 *  - at most `maxBytes` + 1 bytes are ever read (a file that grows while read
 *    cannot make us allocate more).
 *
 * Failures are `GuardedReadError`s naming the file and saying why.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

/** Default cap for configuration-like files (config, policy, tsconfig, .gitignore, cache entries). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export type GuardedReadProblem =
  'missing' | 'outside-root' | 'symlink-loop' | 'not-regular' | 'too-large' | 'unreadable';

export class GuardedReadError extends Error {
  constructor(
    readonly file: string,
    readonly problem: GuardedReadProblem,
    readonly reason: string,
    /** For `too-large`: the size found. */
    readonly size?: number,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'GuardedReadError';
  }
}

export interface GuardedReadOptions {
  /** When given, the file's real path must lie inside this directory's real path. */
  root?: string;
  /** Size cap in bytes (default MAX_CONFIG_BYTES). */
  maxBytes?: number;
  /**
   * The directories on the path are known not to be symlinks (git and the
   * glob walk never list a path through one): only the file itself is checked.
   */
  trustAncestors?: boolean;
  /** A scratch buffer of at least maxBytes + 1 bytes to read into (hot path: source files). */
  scratch?: Buffer;
  /** Called with the fstat of the opened file, before anything is read (`--cache` records it). */
  onStat?: (st: import('node:fs').Stats) => void;
}

// O_NONBLOCK: opening a FIFO with no writer returns at once instead of blocking.
// O_NOCTTY: a terminal device never becomes our controlling terminal.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
// O_NOFOLLOW: the open fails when the path's last component is a symlink (POSIX; undefined on Windows).
const NOFOLLOW_FLAGS = constants.O_NOFOLLOW === undefined ? undefined : OPEN_FLAGS | constants.O_NOFOLLOW;

const realRoots = new Map<string, string>();

function realRoot(root: string): string {
  let r = realRoots.get(root);
  if (r === undefined) {
    try {
      r = realpathSync.native(root);
    } catch {
      r = resolve(root);
    }
    realRoots.set(root, r);
  }
  return r;
}

export function isInsideDir(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Where a path really leads, checked against `root`: throws `outside-root`,
 * `symlink-loop` or `missing`. Cheap when nothing on the path is a symlink.
 */
export function checkInsideRoot(file: string, root: string): string {
  let real: string;
  try {
    real = realpathSync.native(file);
  } catch (err) {
    const c = code(err);
    if (c === 'ELOOP') throw new GuardedReadError(file, 'symlink-loop', 'a symbolic link loop (not read)');
    if (c === 'ENOENT' || c === 'ENOTDIR') {
      // A dangling symlink: say so only when it is one.
      let link = false;
      try {
        link = lstatSync(file).isSymbolicLink();
      } catch {
        // missing altogether
      }
      throw new GuardedReadError(file, 'missing', link ? 'a symbolic link to a missing file' : 'no such file');
    }
    throw new GuardedReadError(file, 'unreadable', `cannot resolve the path (${c ?? (err as Error).message})`);
  }
  if (!isInsideDir(realRoot(root), real)) {
    throw new GuardedReadError(file, 'outside-root', 'a symbolic link leading outside the scan root (not read)');
  }
  return real;
}

/** The bytes of a regular file, within the guards above. The returned buffer may be `scratch` (copy it if kept). */
export function guardedReadBytes(file: string, options: GuardedReadOptions = {}): Buffer {
  const max = options.maxBytes ?? MAX_CONFIG_BYTES;
  // Hot path (listed source files): one open that refuses a symlink instead of lstat + open.
  // Anything unusual (a symlink, an error) takes the checked path below, which says why.
  let fd = options.root !== undefined && options.trustAncestors ? openNoFollow(file) : undefined;
  if (fd === undefined) fd = openChecked(file, options);
  return readOpen(fd, file, max, options.scratch, options.onStat);
}

/** `open` of a path whose last component is not a symlink (O_NOFOLLOW), or undefined on any failure or platform without it. */
function openNoFollow(file: string): number | undefined {
  if (NOFOLLOW_FLAGS === undefined) return undefined;
  try {
    return openSync(file, NOFOLLOW_FLAGS);
  } catch {
    return undefined;
  }
}

/** Open after the symlink checks `options` ask for, mapping failures to GuardedReadErrors. */
function openChecked(file: string, options: GuardedReadOptions): number {
  if (options.root !== undefined) {
    let link = true;
    if (options.trustAncestors) {
      try {
        link = lstatSync(file).isSymbolicLink();
      } catch (err) {
        const c = code(err);
        if (c === 'ENOENT' || c === 'ENOTDIR') throw new GuardedReadError(file, 'missing', 'no such file');
        throw new GuardedReadError(file, 'unreadable', `cannot stat (${c ?? (err as Error).message})`);
      }
    }
    if (link) checkInsideRoot(file, options.root);
  }
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (err) {
    const c = code(err);
    if (c === 'ENOENT' || c === 'ENOTDIR') throw new GuardedReadError(file, 'missing', 'no such file');
    if (c === 'ELOOP') throw new GuardedReadError(file, 'symlink-loop', 'a symbolic link loop (not read)');
    if (c === 'EISDIR') throw new GuardedReadError(file, 'not-regular', 'a directory, not a file');
    if (c === 'ENXIO')
      throw new GuardedReadError(file, 'not-regular', 'a socket or device, not a regular file (not read)');
    throw new GuardedReadError(file, 'unreadable', `cannot open (${c ?? (err as Error).message})`);
  }
  return fd;
}

/** Read an open regular file within `max` bytes, then close it. */
function readOpen(
  fd: number,
  file: string,
  max: number,
  scratch: Buffer | undefined,
  onStat: ((st: import('node:fs').Stats) => void) | undefined,
): Buffer {
  try {
    const st = fstatSync(fd);
    onStat?.(st);
    if (!st.isFile()) throw new GuardedReadError(file, 'not-regular', `${kindOf(st)}, not a regular file (not read)`);
    if (st.size > max)
      throw new GuardedReadError(
        file,
        'too-large',
        `larger than ${formatBytes(max)} (${formatBytes(st.size)})`,
        st.size,
      );
    const buf =
      scratch && scratch.length > max ? scratch : Buffer.allocUnsafe(Math.min(max + 1, Math.max(st.size + 1, 64)));
    let length = 0;
    // Read at most one byte past the limit: enough to know it grew too large.
    for (;;) {
      if (length === buf.length) break;
      const want = buf.length - length;
      const n = readSync(fd, buf, length, want, null);
      if (n === 0) break;
      length += n;
      // A short read ending at the size fstat gave is the end of the file (as readFileSync takes it):
      // no second read to see 0 bytes. A file that grew reads on, within the cap.
      if (n < want && length === st.size) break;
    }
    if (length > max) throw new GuardedReadError(file, 'too-large', `larger than ${formatBytes(max)}`, length);
    if (length === buf.length && buf.length <= max) {
      // The file grew past its stat size while being read: read the rest, within the cap.
      const big = Buffer.allocUnsafe(max + 1);
      buf.copy(big, 0, 0, length);
      for (;;) {
        if (length === big.length) break;
        const n = readSync(fd, big, length, big.length - length, null);
        if (n === 0) break;
        length += n;
      }
      if (length > max) throw new GuardedReadError(file, 'too-large', `larger than ${formatBytes(max)}`, length);
      return big.subarray(0, length);
    }
    return buf.subarray(0, length);
  } catch (err) {
    if (err instanceof GuardedReadError) throw err;
    const c = code(err);
    if (c === 'EISDIR') throw new GuardedReadError(file, 'not-regular', 'a directory, not a file');
    throw new GuardedReadError(file, 'unreadable', `cannot read (${c ?? (err as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

/** Chunk size and overall cap of `guardedReadChunks`. */
const CHUNK_BYTES = 1024 * 1024;
export const MAX_SCANNED_BYTES = 256 * 1024 * 1024;

/**
 * Read a regular file of any size in chunks (the same guards as
 * `guardedReadBytes`, one reused buffer), handing each to `visit` until it
 * returns true (`stopped`), the file ends (`done`), or MAX_SCANNED_BYTES were
 * read (`capped`): a text search over a file too large to keep.
 */
export function guardedReadChunks(
  file: string,
  options: Omit<GuardedReadOptions, 'maxBytes' | 'scratch' | 'onStat'>,
  visit: (chunk: Buffer) => boolean,
): 'done' | 'stopped' | 'capped' {
  let fd = options.root !== undefined && options.trustAncestors ? openNoFollow(file) : undefined;
  if (fd === undefined) fd = openChecked(file, options);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new GuardedReadError(file, 'not-regular', `${kindOf(st)}, not a regular file (not read)`);
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let total = 0; total < MAX_SCANNED_BYTES;) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) return 'done';
      total += n;
      if (visit(buf.subarray(0, n))) return 'stopped';
    }
    return 'capped';
  } catch (err) {
    if (err instanceof GuardedReadError) throw err;
    const c = code(err);
    throw new GuardedReadError(file, 'unreadable', `cannot read (${c ?? (err as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** UTF-8 text (a leading BOM removed) of a regular file, within the guards. */
export function guardedReadText(file: string, options: GuardedReadOptions = {}): string {
  const bytes = guardedReadBytes(file, options);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new GuardedReadError(
      file,
      'unreadable',
      `not valid UTF-8${utf16Label(bytes) ? ` (${utf16Label(bytes)}: re-encode it as UTF-8)` : ''}`,
    );
  }
}

/** `UTF-16LE`/`UTF-16BE` when the bytes look like UTF-16 text (a BOM, or NUL in every other byte of ASCII). */
export function utf16Label(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 2) {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'UTF-16LE';
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'UTF-16BE';
  }
  // No BOM: ASCII-range text with NUL as every odd (LE) or even (BE) byte.
  const n = Math.min(bytes.length & ~1, 512);
  if (n < 4) return undefined;
  let le = true;
  let be = true;
  for (let i = 0; i < n; i += 2) {
    const a = bytes[i];
    const b = bytes[i + 1];
    if (!(b === 0 && a !== 0)) le = false;
    if (!(a === 0 && b !== 0)) be = false;
    if (!le && !be) return undefined;
  }
  return le ? 'UTF-16LE' : be ? 'UTF-16BE' : undefined;
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'a special file';
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes`;
}
