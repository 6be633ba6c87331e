/**
 * Stage 1 of the pipeline: which files are app source, and their text.
 *
 *   discover(root, { include, exclude }) -> Discovery
 *
 * Listing: `git ls-files --cached --others --exclude-standard` when the root is
 * inside a git work tree (fast on big repositories, and exactly git's idea of
 * ignored files), else a fast-glob walk honouring nested `.gitignore` files.
 * `node_modules`, dot-directories, dotfiles and `.d.ts` files are never
 * candidates; symlinked directories are not followed.
 *
 * Reading: text in any encoding is read (UTF-8, UTF-16, else one byte a
 * character: `decodeText`). Binary, over 1 MiB and minified files are
 * skipped, each with a visible `AnalysisError` of kind `skipped`; a minified
 * file nothing marks as vendored or bundled keeps its text in
 * `Discovery.minified`, and a file over 1 MiB is listed in
 * `Discovery.tooLarge`: naming an SDK, either fails the run. So are FIFOs,
 * devices and symlinks whose target leaves the scan root skipped (never read,
 * never printed). Every file the repository controls is
 * read through `guardedReadText`/`guardedReadBytes` (./guarded-read.ts), and
 * every git call goes through `gitSync`/`gitAsync` (./git.ts).
 *
 * Nothing is skipped silently: unreadable directories (glob mode) and git's
 * warnings become `unreadable` errors; an `include` glob that matches no file,
 * or include/exclude leaving nothing to scan, is a `NoMatchingFilesError`.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { AnalysisError, DiscoveredFile, Discovery } from '../model.js';
import { isLinkEvidence, listFiles } from './list.js';
import { createMatcher } from './match.js';
import { readSourceFile } from './read.js';
export {
  readSourceFile,
  MAX_FILE_BYTES,
  MINIFIED_SDK_KIND,
  TOO_LARGE_SDK_KIND,
  largeFileMention,
  type LargeFileMention,
} from './read.js';
import { buildOutputDir, cordovaPlatformDir, cordovaPlatformDirs } from './ignored.js';

export { SOURCE_EXTENSIONS, isLinkEvidence, prefetchListing } from './list.js';
export {
  GuardedReadError,
  guardedReadBytes,
  guardedReadText,
  checkInsideRoot,
  isInsideDir,
  utf16Label,
  MAX_CONFIG_BYTES,
} from './guarded-read.js';
export {
  gitSync,
  gitAsync,
  gitEnv,
  gitArgs,
  mayBeInGitWorkTree,
  GIT_SAFETY_ARGS,
  GIT_DIFF_SAFETY_ARGS,
} from './git.js';

/** An `include` glob matching no file, or include/exclude leaving no file to scan (exit 2, as ESLint). */
export class NoMatchingFilesError extends Error {
  constructor(
    /** `include` or `exclude`. */
    readonly key: 'include' | 'exclude',
    /** Index of the glob in that list, when one glob is to blame. */
    readonly index: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'NoMatchingFilesError';
  }
}

export interface DiscoverOptions {
  /** Globs relative to the root (`src/**`); default: everything. */
  include?: string[];
  /** Globs relative to the root (`**\/*.test.*`); a match excludes the file or everything below the directory. */
  exclude?: string[];
}

/** The listing step of `discover`: which files would be read (nothing is read yet). */
export interface Candidates {
  root: string;
  /** Root-relative paths to read, in listing order (include/exclude and build output applied). */
  paths: string[];
  /** Listing problems (git warnings, unreadable directories): `unreadable` errors. */
  problems: AnalysisError[];
  ignoredByDefault?: Discovery['ignoredByDefault'];
}

/**
 * What `--cache` needs to prove later, without reading, that every file read is
 * unchanged: `size, mtimeMs, ctimeMs, ino, mode` of each candidate (5 numbers
 * per candidate, NaN when it was never opened) by fstat of the descriptor it
 * was read through, and the clock before any of them was opened.
 */
export interface FileStamps {
  /** `Date.now()` before the first file was opened. */
  at: number;
  stats: Float64Array;
}

/** The numbers of a stat that `FileStamps` records, in its order. */
export const STAMP_FIELDS = 5;

/** Write a file's stamp (size, mtime, ctime, inode, mode) as file number `i` of `into`: the one layout both sides use. */
export function writeStamp(
  into: Float64Array,
  i: number,
  st: { size: number; mtimeMs: number; ctimeMs: number; ino: number; mode: number },
): void {
  const k = STAMP_FIELDS * i;
  into[k] = st.size;
  into[k + 1] = st.mtimeMs;
  into[k + 2] = st.ctimeMs;
  into[k + 3] = st.ino;
  into[k + 4] = st.mode;
}

export async function discover(root: string, opts: DiscoverOptions = {}): Promise<Discovery> {
  return readCandidates(await listCandidates(root, opts));
}

/** List the files `discover` would read, with its checks of `include`/`exclude`. */
export async function listCandidates(root: string, opts: DiscoverOptions = {}): Promise<Candidates> {
  const absRoot = path.resolve(root);
  let isDir = false;
  try {
    isDir = statSync(absRoot).isDirectory();
  } catch (err) {
    throw new Error(`consent-lint: cannot read the scan root ${absRoot}: ${(err as Error).message}`);
  }
  if (!isDir) throw new Error(`consent-lint: the scan root ${absRoot} is not a directory`);

  const { files: listed, problems } = await listFiles(absRoot);
  const include = createMatcher(opts.include);
  const exclude = createMatcher(opts.exclude);
  if (include) {
    // Each include glob must match something (a typo such as `scr/**` must not pass as "0 problems").
    const globs = opts.include ?? [];
    globs.forEach((g, i) => {
      if (g.trim() === '') return;
      const m = createMatcher([g])!;
      if (!listed.some((p) => m(p)))
        throw new NoMatchingFilesError('include', i, `include glob "${g}" matches no source file under ${absRoot}`);
    });
  }
  if (
    listed.length > 0 &&
    (include || exclude) &&
    !listed.some((p) => (!include || include(p)) && !(exclude && exclude(p)))
  ) {
    throw new NoMatchingFilesError(
      exclude ? 'exclude' : 'include',
      undefined,
      `include/exclude leave no source file to scan under ${absRoot} (${listed.length} listed)`,
    );
  }

  const paths: string[] = [];
  const buildOutput = new Map<string, number>();
  const platforms = cordovaPlatformDirs(listed);
  for (const relPath of listed) {
    if (include && !include(relPath)) continue;
    if (exclude && exclude(relPath)) continue;
    const output =
      buildOutputDir(relPath, opts.include) ??
      (platforms.length ? cordovaPlatformDir(relPath, platforms, opts.include) : undefined);
    if (output !== undefined) {
      buildOutput.set(output, (buildOutput.get(output) ?? 0) + 1);
      continue;
    }
    paths.push(relPath);
  }
  const ignoredByDefault = buildOutput.size
    ? { dirs: [...buildOutput.keys()].sort(), files: [...buildOutput.values()].reduce((a, b) => a + b, 0) }
    : undefined;
  return {
    root: absRoot,
    paths,
    problems: problems.map((p) => ({ file: p.path, line: 1, column: 1, kind: 'unreadable', message: p.message })),
    ...(ignoredByDefault && { ignoredByDefault }),
  };
}

/** Info.plist, and what says what the iOS app links (`isLinkEvidence`: src/native/linked.ts). */
const isDeclarationData = (rel: string) => /(?:^|\/)Info\.plist$/.test(rel) || isLinkEvidence(rel);
/** Third-party and generated native code, as src/native/index.ts VENDORED. */
const VENDORED_NATIVE = /(?:^|\/)(?:Pods|Carthage|build|DerivedData)\//;

/** Read the listed candidates; with `stamps`, also record what `FileStamps` says. */
export function readCandidates(c: Candidates, stamps?: FileStamps): Discovery {
  const files: DiscoveredFile[] = [];
  const skipped: AnalysisError[] = [];
  const minified: DiscoveredFile[] = [];
  const tooLarge: string[] = [];
  let filesScanned = 0;
  let record: ((st: import('node:fs').Stats) => void) | undefined;
  let at = 0;
  if (stamps) {
    const stats = (stamps.stats = new Float64Array(STAMP_FIELDS * c.paths.length).fill(NaN));
    stamps.at = Date.now();
    record = (st) => writeStamp(stats, at, st);
  }
  for (let i = 0; i < c.paths.length; i++) {
    const relPath = c.paths[i];
    const absPath = path.join(c.root, relPath);
    at = i;
    const outcome = readSourceFile(absPath, relPath, c.root, record);
    if (outcome === undefined) continue; // vanished, or a directory: not a file to scan
    filesScanned++;
    if (outcome.ok) {
      files.push({ absPath, relPath, text: outcome.text });
    } else if (isDeclarationData(relPath)) {
      // An app's Info.plist is what the declaration checks read: not reading it fails the run. So for
      // the files saying what the app links: unread, one could hide that Firebase Analytics is linked.
      // A vendored one (CocoaPods, Carthage, build output) is never read by the analysis.
      if (!VENDORED_NATIVE.test(relPath))
        skipped.push({
          file: relPath,
          line: 1,
          column: 1,
          kind: 'parse',
          message: `Could not read: ${outcome.reason}`,
        });
    } else {
      skipped.push({ file: relPath, line: 1, column: 1, kind: 'skipped', message: `Skipped: ${outcome.reason}` });
      if (outcome.minifiedCode !== undefined) minified.push({ absPath, relPath, text: outcome.minifiedCode });
      if (outcome.tooLarge) tooLarge.push(relPath);
    }
  }
  skipped.push(...c.problems);
  return {
    root: c.root,
    files,
    skipped,
    ...(minified.length && { minified }),
    ...(tooLarge.length && { tooLarge }),
    filesScanned,
    ...(c.ignoredByDefault && { ignoredByDefault: c.ignoredByDefault }),
  };
}
