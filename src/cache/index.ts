/**
 * `--cache`: reuse the last analysis when it provably cannot differ.
 *
 * Per-file result caches are unsound for cross-file rules (a change to a
 * guard helper in A changes a finding in B: ESLint's cross-file cache bugs).
 * This cache instead records every input the analysis *read*, and reuses the
 * stored result only if all of them are unchanged:
 *
 *  - tool build, policies and config (hashed);
 *  - the set of files (module resolution probes it) and tsconfig/jsconfig;
 *  - which files mention an SDK (the seeds: recomputed by text scan);
 *  - the content of every file that was parsed (hashed);
 *  - the importers of every module the analysis followed outward (recomputed);
 *  - every file it declined to parse on demand (still declined? recomputed).
 *
 * Validation costs a text scan, which the scan pays anyway; anything that
 * differs sends the run down the ordinary full path, whose result is stored.
 *
 * Before any of that, a hit that reads no file at all: the entry records, for
 * every file discovery read, the fstat of the descriptor it was read through
 * (size, mtime, ctime, inode, mode). When the listing is the same and one
 * lstat per file finds all of them equal, no content can have changed
 * (`statsProveUnchanged`), as git's index proves a work tree clean. A write always
 * sets ctime, which no program can set back (`touch -d` restores only mtime);
 * a write in the same clock tick as the recorded stat is the one thing stats
 * cannot see, so a file whose mtime or ctime is within `cacheTuning.racyMs` (3 s) of the
 * recording is "racy" (git's word) and sends the run to the text path, which
 * then records fresh stats. A symlink's lstat never equals the fstat of its
 * target, so a linked file is always checked by text.
 *
 * The cache is not trusted as-is: a pull request could commit an entry whose
 * key matches and whose findings are empty. So
 *  - it lives outside the repository by default (`defaultCacheFile`: the OS
 *    cache folder, one entry per scan root);
 *  - a cache file tracked by git is never read (nor one that is not a regular
 *    file, is over 64 MiB, or is a symlink leaving its folder: guarded reader);
 *  - its structure is validated before use: anything malformed means a cold
 *    run, never a crash.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitSync, guardedReadText, mayBeInGitWorkTree } from '../discover/index.js';
import {
  MINIFIED_SDK_KIND,
  TOO_LARGE_SDK_KIND,
  STAMP_FIELDS,
  writeStamp,
  type Candidates,
  type FileStamps,
} from '../discover/index.js';
import { readSourceFile } from '../discover/index.js';
import type { AnalysisError, DiscoveredFile, Discovery, Finding, RuleSpec } from '../model.js';
import type { Project } from '../program/index.js';
import { resolutionFingerprint } from '../program/project.js';

/** Cache entries larger than this are not read. */
export const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Where `--cache` keeps its entry for a scan root when no `--cache-location`
 * is given: `$XDG_CACHE_HOME/consent-lint/<hash of the root>/analysis.json`,
 * else `~/Library/Caches/consent-lint/…` (macOS), `%LOCALAPPDATA%\consent-lint\…`
 * (Windows), `~/.cache/consent-lint/…`. Never inside the repository, where a
 * pull request could plant one.
 */
export function defaultCacheFile(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
  platform: NodeJS.Platform = process.platform,
): string {
  let base: string;
  if (env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/')) base = env.XDG_CACHE_HOME;
  else if (platform === 'darwin') base = join(home, 'Library', 'Caches');
  else if (platform === 'win32' && env.LOCALAPPDATA) base = env.LOCALAPPDATA;
  else base = join(home, '.cache');
  const id = createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16);
  return join(
    base,
    'consent-lint',
    `${
      basename(resolve(root))
        .replace(/[^\w.-]/g, '_')
        .slice(0, 40) || 'root'
    }-${id}`,
    'analysis.json',
  );
}

/** Whether git tracks `file` (committed or staged in the repository holding it). */
export function trackedByGit(file: string): boolean {
  if (!mayBeInGitWorkTree(dirname(file))) return false; // the usual cache folder: no git call
  const r = gitSync(['ls-files', '--error-unmatch', '--', basename(file)], dirname(file), { ownRepository: true });
  return r.ok;
}

/** What an analysis read beyond the file list: recorded for validation. */
export interface AnalysisInputs {
  seeds: string[];
  /** Files whose text the result depends on: every parsed file, and importers skipped for not naming what was needed. */
  parsed: string[];
  expanded: string[];
  declined: string[];
}

export interface CachedAnalysis {
  findings: Finding[];
  errors: AnalysisError[];
  rules: RuleSpec[];
  filesParsed: number;
}

/** What discovery found, recorded so that a hit proven by stats needs no read (see the module comment). */
interface Stamped {
  /** `FileStamps.at`: the clock before the first file was opened. */
  at: number;
  /** The newest mtime or ctime among the files (racy when not well before `at`). */
  newest: number;
  /** sha1 of the candidates' paths, in listing order. */
  paths: string;
  /** sha1 of `FileStamps.stats` (every candidate was opened). */
  stats: string;
  /** Indices of the candidates not read as text (skipped, or not files). */
  notRead: number[];
  /** `skipped` errors of discovery (decided by each file's bytes and stat). */
  skipped: AnalysisError[];
  filesScanned: number;
  /** Files holding a suppression directive (their text is needed to apply it). */
  directives: string[];
}

interface Entry {
  key: string;
  stamped?: Stamped;
  fileList: string;
  /** Every file's path and text: when unchanged, nothing else needs checking. */
  contents: string;
  seeds: string[];
  parsed: Record<string, string>;
  importers: Record<string, string[]>;
  declined: string[];
  result: CachedAnalysis;
}

const FORMAT = 2;

/**
 * A file changed less than `racyMs` before its stat was recorded may change again unseen
 * (coarse or skewed clocks). Tests lower it to exercise the stats path on files they just wrote;
 * `lastHit` says how the last hit was proven.
 */
export const cacheTuning: { racyMs: number; lastHit: 'stats' | 'contents' | undefined } = {
  racyMs: 3000,
  lastHit: undefined,
};

export function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

let buildId: string | undefined;

/** Identifies this build of the tool: version plus the size and mtime of its own modules. */
function toolBuild(): string {
  if (buildId) return buildId;
  const here = dirname(fileURLToPath(import.meta.url));
  const root = join(here, '..');
  const parts: string[] = [String(FORMAT)];
  try {
    parts.push(JSON.parse(readFileSync(join(root, '..', 'package.json'), 'utf8')).version);
  } catch {
    parts.push('?');
  }
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) visit(p);
      else if (/\.(js|ts)$/.test(name) && !name.endsWith('.d.ts')) parts.push(`${p}:${st.size}:${st.mtimeMs}`);
    }
  };
  visit(root);
  buildId = hash(parts.join('\n'));
  return buildId;
}

export class AnalysisCache {
  /** Why the stored entry was not used (for messages and tests), when it was not. */
  rejected: string | undefined;

  /** How the last hit was proven: `stats` (nothing read) or `contents` (for tests and timing). */
  hitBy: 'stats' | 'contents' | undefined;
  private entry: Entry | null | undefined;

  constructor(private readonly file: string) {
    cacheTuning.lastHit = undefined;
  }

  /** Everything the result depends on that is not a file of the project. */
  static key(parts: unknown[]): string {
    return hash(JSON.stringify([toolBuild(), ...parts]));
  }

  private load(): Entry | undefined {
    if (this.entry === undefined) this.entry = this.read() ?? null;
    return this.entry ?? undefined;
  }

  private read(): Entry | undefined {
    let text: string;
    try {
      text = guardedReadText(this.file, { maxBytes: MAX_CACHE_BYTES, root: dirname(this.file) });
    } catch {
      return undefined; // missing, special, oversized, or a link out of its folder: a cold run
    }
    if (trackedByGit(this.file)) {
      this.rejected = `${this.file} is tracked by git (a committed cache is never trusted)`;
      return undefined;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      this.rejected = `${this.file} is not valid JSON`;
      return undefined;
    }
    const problem = entryProblem(data);
    if (problem) {
      this.rejected = `${this.file} is malformed (${problem})`;
      return undefined;
    }
    return data as Entry;
  }

  /** The stored result, if every input it read is unchanged. */
  lookup(key: string, project: Project, seeds: () => string[]): CachedAnalysis | undefined {
    const e = this.load();
    if (!e || e.key !== key) return undefined;
    if (e.fileList !== fileListHash(project)) return undefined;
    // Fast path: no file changed at all (hashing is cheaper than re-deriving the inputs).
    if (e.contents === contentsHash(project)) {
      this.hitBy = cacheTuning.lastHit = 'contents';
      return e.result;
    }
    if (e.seeds.join('\n') !== seeds().join('\n')) return undefined;
    for (const [rel, h] of Object.entries(e.parsed)) {
      const f = project.files.get(rel);
      if (!f || hash(f.text) !== h) return undefined;
    }
    for (const [rel, importers] of Object.entries(e.importers)) {
      if (project.importersOf(rel).sort().join('\n') !== importers.join('\n')) return undefined;
    }
    for (const rel of e.declined) if (project.relevant(rel)) return undefined;
    this.hitBy = cacheTuning.lastHit = 'contents';
    return e.result;
  }

  /**
   * The stored result and discovery, when one lstat per listed file proves that
   * nothing discovery read has changed (the list, sizes, times, inodes) and the
   * module-resolution configs are the same: no file is read. Texts are read on
   * demand (code frames, suppression directives, native sources).
   */
  lookupByStats(
    key: string,
    candidates: Candidates,
    /** Which files the JavaScript project holds (native ones go to the native stage). */
    inProject: (rel: string) => boolean,
  ): { result: CachedAnalysis; discovery: Discovery; directives: string[] } | undefined {
    const e = this.load();
    const s = e?.stamped;
    if (!e || !s || e.key !== key || s.paths !== pathsHash(candidates.paths)) return undefined;
    const { root, paths } = candidates;
    const now = new Float64Array(STAMP_FIELDS * paths.length);
    const prefix = root.endsWith(sep) ? root : root + sep;
    for (let i = 0; i < paths.length; i++) {
      const st = lstatSync(prefix + paths[i], { throwIfNoEntry: false });
      if (!st) return undefined;
      writeStamp(now, i, st);
    }
    if (!statsProveUnchanged(s, now)) return undefined;
    const notRead = new Set(s.notRead);
    const read = paths.filter((_, i) => !notRead.has(i));
    // The JavaScript project's files, as `fileListHash` saw them.
    const jsNames = read.filter(inProject).sort();
    if (e.fileList !== hash(JSON.stringify([jsNames, resolutionFingerprint(root, jsNames)]))) return undefined;
    this.hitBy = cacheTuning.lastHit = 'stats';
    return {
      result: e.result,
      directives: s.directives,
      discovery: {
        root,
        files: read.map((rel) => new LazyFile(root, rel)),
        skipped: [...s.skipped, ...candidates.problems],
        filesScanned: s.filesScanned,
        ...(candidates.ignoredByDefault && { ignoredByDefault: candidates.ignoredByDefault }),
      },
    };
  }

  /** After a hit proven by text: record fresh stats so that the next run needs no read. */
  restamp(stamped: Stamped | undefined): void {
    const e = this.load();
    // Stats that are racy now would not prove the next run either: no write for them.
    if (!e || !stamped || stamped.newest >= stamped.at - cacheTuning.racyMs) return;
    this.write({ ...e, stamped });
  }

  store(key: string, project: Project, inputs: AnalysisInputs, result: CachedAnalysis, stamped?: Stamped): void {
    const entry: Entry = {
      key,
      ...(stamped && { stamped }),
      fileList: fileListHash(project),
      contents: contentsHash(project),
      seeds: inputs.seeds,
      parsed: Object.fromEntries(
        [...inputs.parsed, ...project.templatesRead].map((rel) => [rel, hash(project.files.get(rel)?.text ?? '')]),
      ),
      importers: Object.fromEntries(inputs.expanded.map((rel) => [rel, project.importersOf(rel).sort()])),
      declined: inputs.declined,
      result,
    };
    this.write(entry);
  }

  private write(entry: Entry): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      // Temp file and rename: a concurrent reader never sees half an entry.
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      // A read-only location only costs the next run its speed.
    }
  }
}

/**
 * Whether fresh lstats (`FileStamps.stats` layout) prove every file unchanged
 * since `recorded`: the same numbers, and none of the times within
 * `cacheTuning.racyMs` of the recording (or after it), when a later write
 * could have left them all as they were.
 */
export function statsProveUnchanged(
  recorded: { at: number; stats: string },
  now: Float64Array,
  racyMs = cacheTuning.racyMs,
): boolean {
  const limit = recorded.at - racyMs;
  for (let k = 0; k < now.length; k += STAMP_FIELDS) if (!(now[k + 1] < limit && now[k + 2] < limit)) return false; // racy (or NaN)
  return statsHash(now) === recorded.stats;
}

function statsHash(stats: Float64Array): string {
  return createHash('sha1').update(stats).digest('hex');
}

function pathsHash(paths: string[]): string {
  return hash(paths.join('\0'));
}

/** What `lookupByStats` needs recorded, from a discovery read with stamps; undefined when a file was never opened. */
export function stampedDiscovery(
  candidates: Candidates,
  stamps: FileStamps,
  discovery: Discovery,
  directives: string[],
): Stamped | undefined {
  let newest = 0; // a number in JSON even with no file
  for (let k = 0; k < stamps.stats.length; k += STAMP_FIELDS) {
    // Never opened: vanished, or refused before opening (a link leaving the root).
    if (Number.isNaN(stamps.stats[k])) return undefined;
    newest = Math.max(newest, stamps.stats[k + 1], stamps.stats[k + 2]);
  }
  const notRead: number[] = [];
  // discovery.files is the candidates read as text, in their order.
  for (let i = 0, j = 0; i < candidates.paths.length; i++) {
    if (discovery.files[j]?.relPath === candidates.paths[i]) j++;
    else notRead.push(i);
  }
  return {
    at: stamps.at,
    newest,
    paths: pathsHash(candidates.paths),
    stats: statsHash(stamps.stats),
    notRead,
    skipped: discovery.skipped.filter(
      (x) => x.kind === 'skipped' || x.kind === MINIFIED_SDK_KIND || x.kind === TOO_LARGE_SDK_KIND,
    ),
    filesScanned: discovery.filesScanned,
    directives,
  };
}

/** A discovered file whose text is read when first asked for (stats proved it unchanged). */
class LazyFile implements DiscoveredFile {
  private cached: string | undefined;

  constructor(
    private readonly root: string,
    readonly relPath: string,
  ) {}

  get absPath(): string {
    return join(this.root, this.relPath);
  }

  get text(): string {
    if (this.cached === undefined) {
      const outcome = readSourceFile(this.absPath, this.relPath, this.root);
      // Changed since the stats were taken: the stored result stands for the state that was proven.
      this.cached = outcome?.ok ? outcome.text : '';
    }
    return this.cached;
  }
}

function contentsHash(project: Project): string {
  const h = createHash('sha1');
  for (const rel of [...project.files.keys()].sort())
    h.update(rel).update('\0').update(project.files.get(rel)!.text).update('\0');
  return h.digest('hex');
}

/** The file list, plus the text of module-resolution configs (they change what imports mean). */
function fileListHash(project: Project): string {
  const names = [...project.files.keys()].sort();
  return hash(JSON.stringify([names, project.resolutionFingerprint()]));
}

// ------------------------------------------------------------ structure validation

const isString = (x: unknown): x is string => typeof x === 'string';
const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every(isString);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isPosInt = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0;

function findingProblem(f: unknown): string | undefined {
  if (!isObject(f)) return 'not an object';
  for (const k of ['ruleId', 'file', 'message'] as const) if (!isString(f[k])) return `${k} is not a string`;
  if (f.severity !== 'error' && f.severity !== 'warn') return 'bad severity';
  for (const k of ['line', 'column', 'endLine', 'endColumn'] as const)
    if (!isPosInt(f[k])) return `${k} is not a position`;
  if (!isStrings(f.requires) || !isStrings(f.missing)) return 'requires/missing are not string lists';
  if (
    !Array.isArray(f.trace) ||
    !f.trace.every(
      (t) => isObject(t) && isString(t.file) && isString(t.label) && isPosInt(t.line) && isPosInt(t.column),
    )
  )
    return 'bad trace';
  if (typeof f.suppressed !== 'boolean') return 'suppressed is not a boolean';
  if (f.scope !== undefined && !isString(f.scope)) return 'bad scope';
  if (f.callee !== undefined && !isString(f.callee)) return 'bad callee';
  if (f.dependsOn !== undefined && !isStrings(f.dependsOn)) return 'bad dependsOn';
  return undefined;
}

function errorProblem(e: unknown): string | undefined {
  if (!isObject(e)) return 'not an object';
  if (!isString(e.file) || !isString(e.message) || !isString(e.kind)) return 'file/message/kind are not strings';
  if (!isPosInt(e.line) || !isPosInt(e.column)) return 'bad position';
  return undefined;
}

/** What is wrong with a parsed cache entry, or undefined when it has the expected shape. */
export function entryProblem(data: unknown): string | undefined {
  if (!isObject(data)) return 'not an object';
  for (const k of ['key', 'fileList', 'contents'] as const) if (!isString(data[k])) return `${k} is not a string`;
  if (!isStrings(data.seeds)) return 'seeds is not a string list';
  if (!isStrings(data.declined)) return 'declined is not a string list';
  if (!isObject(data.parsed) || !Object.values(data.parsed).every(isString)) return 'parsed is not a map of hashes';
  if (!isObject(data.importers) || !Object.values(data.importers).every(isStrings))
    return 'importers is not a map of string lists';
  const r = data.result;
  if (!isObject(r)) return 'result is not an object';
  if (!Array.isArray(r.findings)) return 'result.findings is not a list';
  for (let i = 0; i < r.findings.length; i++) {
    const p = findingProblem(r.findings[i]);
    if (p) return `result.findings[${i}]: ${p}`;
  }
  if (!Array.isArray(r.errors)) return 'result.errors is not a list';
  for (let i = 0; i < r.errors.length; i++) {
    const p = errorProblem(r.errors[i]);
    if (p) return `result.errors[${i}]: ${p}`;
  }
  if (!isPosInt(r.filesParsed)) return 'result.filesParsed is not a count';
  if (data.stamped !== undefined) {
    const p = stampedProblem(data.stamped);
    if (p) return `stamped: ${p}`;
  }
  return undefined;
}

function stampedProblem(s: unknown): string | undefined {
  if (!isObject(s)) return 'not an object';
  if (typeof s.at !== 'number' || typeof s.newest !== 'number') return 'at/newest are not numbers';
  if (!isString(s.paths) || !isString(s.stats)) return 'paths/stats are not strings';
  if (!isStrings(s.directives)) return 'directives is not a string list';
  if (!Array.isArray(s.notRead) || !s.notRead.every(isPosInt)) return 'notRead is not a list of indices';
  if (!Array.isArray(s.skipped)) return 'skipped is not a list';
  for (const e of s.skipped) {
    const p = errorProblem(e);
    if (p) return `skipped: ${p}`;
  }
  if (!isPosInt(s.filesScanned)) return 'filesScanned is not a count';
  return undefined;
}
