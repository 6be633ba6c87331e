/**
 * Listing candidate files under a scan root: `git ls-files` inside a git work
 * tree, a fast-glob walk (honouring nested `.gitignore` files) elsewhere.
 * Both return root-relative `/`-separated paths already filtered by
 * `isCandidate`, sorted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Ignore } from 'ignore';
import { NEVER_SCANNED_DIRS } from './ignored.js';
import { gitAsync, mayBeInGitWorkTree } from './git.js';
import { GuardedReadError, guardedReadText } from './guarded-read.js';

// fast-glob and ignore are needed only outside git work trees: loaded then.
const require = createRequire(import.meta.url);
const fg: typeof import('fast-glob') = ((patterns: string | string[], options?: import('fast-glob').Options) =>
  (require('fast-glob') as typeof import('fast-glob'))(patterns, options)) as typeof import('fast-glob');
const ignore = (): Ignore => (require('ignore') as () => Ignore)();

export const SOURCE_EXTENSIONS = [
  'ts',
  'tsx',
  'mts',
  'cts',
  'js',
  'jsx',
  'mjs',
  'cjs',
  'html',
  'htm',
  'vue',
  'svelte',
  'astro',
  // native layer (src/native): Kotlin, Java, Swift, Objective-C(++)
  'kt',
  'java',
  'swift',
  'm',
  'mm',
] as const;

/** Server-side templates, read as HTML pages with their template tags masked (src/parse/templates.ts). */
export const TEMPLATE_EXTENSIONS = [
  'ejs',
  'erb',
  'php',
  'phtml',
  'hbs',
  'handlebars',
  'mustache',
  'njk',
  'liquid',
  'twig',
  'jinja',
  'j2',
  'tpl',
  'jsp',
  'asp',
  'aspx',
  'gohtml',
  'tmpl',
] as const;

/** Native declaration files read as data by src/native (never executed). */
const NATIVE_DECLARATION_RE =
  /(?:^|\/)(?:Info\.plist|AndroidManifest\.xml|app\.json|app\.config\.json|firebase\.json|pubspec\.yaml|res\/values[^/]*\/[^/]+\.xml|build\.gradle(?:\.kts)?|[\w-]+\.versions\.toml)$/;
/**
 * What the iOS app links (src/native/linked.ts): CocoaPods' Podfile and Podfile.lock, Xcode's
 * project.pbxproj and the Swift packages it resolved (the project's or workspace's
 * Package.resolved); not those of third-party or generated folders (Pods/Pods.xcodeproj, Carthage/).
 */
const LINK_EVIDENCE_RE =
  /^(?!(?:.*\/)?(?:Pods|Carthage|build|DerivedData)\/)(?:.*\/)?(?:Podfile|Podfile\.lock|[^/]+\.xcodeproj\/project\.pbxproj|[^/]+\.(?:xcodeproj\/project\.xcworkspace|xcworkspace)\/xcshareddata\/swiftpm\/Package\.resolved)$/;

/** Whether a root-relative path is link evidence (LINK_EVIDENCE_RE), cheaply for the common case. */
export function isLinkEvidence(rel: string): boolean {
  return (
    (rel.endsWith('Podfile') || rel.endsWith('.lock') || rel.endsWith('.pbxproj') || rel.endsWith('.resolved')) &&
    LINK_EVIDENCE_RE.test(rel)
  );
}
const EXT_RE = new RegExp(
  `\\.(?:${[...SOURCE_EXTENSIONS, ...TEMPLATE_EXTENSIONS].join('|')})$|${NATIVE_DECLARATION_RE.source}|${LINK_EVIDENCE_RE.source}`,
);
const DECLARATION_RE = /\.d\.[cm]?ts$/;

/**
 * Whether a root-relative path is app source worth reading: a source
 * extension, not a declaration file, not a dotfile (tool configuration), and
 * no folder of `NEVER_SCANNED_DIRS` (version control, caches, `node_modules`).
 * Other dot-folders (`.storybook/`, `.vitepress/`) ship code and are scanned.
 */
export function isCandidate(relPath: string): boolean {
  if (!EXT_RE.test(relPath) || DECLARATION_RE.test(relPath)) return false;
  let start = 0;
  for (;;) {
    const end = relPath.indexOf('/', start);
    const seg = end === -1 ? relPath.slice(start) : relPath.slice(start, end);
    if (seg === '' || (end === -1 ? seg.startsWith('.') : NEVER_SCANNED_DIRS.has(seg))) return false;
    if (end === -1) return true;
    start = end + 1;
  }
}

export interface Listing {
  files: string[];
  via: 'git' | 'glob';
  /** What could not be listed or read (unreadable directories, .gitignore files, git's warnings): never dropped. */
  problems: ListingProblem[];
}

export interface ListingProblem {
  /** Root-relative path of the directory or file concerned ('' for the root / git itself). */
  path: string;
  message: string;
}

const prefetched = new Map<string, Promise<Listing>>();

/**
 * Start listing `root` (an absolute directory) now: the next `listFiles(root)` takes this
 * listing. The CLI calls it before it loads the analysis, so git runs meanwhile.
 */
export function prefetchListing(root: string): void {
  if (!prefetched.has(root)) {
    const listing = listFiles(root);
    listing.catch(() => {}); // handed to (and awaited by) the next listFiles(root)
    prefetched.set(root, listing);
  }
}

export async function listFiles(root: string): Promise<Listing> {
  const early = prefetched.get(root);
  if (early) {
    prefetched.delete(root);
    return early;
  }
  const viaGit = await listWithGitDetailed(root);
  // An empty answer from git usually means the root itself is git-ignored
  // (e.g. a generated tree): walk it as a plain directory instead.
  if (viaGit !== undefined && viaGit.files.length > 0)
    return { files: viaGit.files, via: 'git', problems: viaGit.problems };
  const problems: ListingProblem[] = [];
  return { files: await listWithGlob(root, problems), via: 'glob', problems };
}

/**
 * Tracked and untracked-but-not-ignored files below `root`, relative to it, or
 * `undefined` when `root` is not inside a git work tree (or git is missing).
 * Tracked files deleted from disk are still listed; the reader drops them.
 */
export async function listWithGit(root: string): Promise<string[] | undefined> {
  return (await listWithGitDetailed(root))?.files;
}

/** `git ls-files`, run through the safe git runner (no fsmonitor, hooks, filters), with git's warnings kept. */
export async function listWithGitDetailed(
  root: string,
): Promise<{ files: string[]; problems: ListingProblem[] } | undefined> {
  // Inside git hooks GIT_DIR etc. point at the hook's repository; let git find
  // the repository from `root` instead (so with no .git above `root`, git is not asked).
  if (!mayBeInGitWorkTree(root)) return undefined;
  const r = await gitAsync(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root, {
    ownRepository: true,
  });
  if (!r.ok) return undefined;
  const out = new Set<string>();
  for (const p of r.stdout.split('\0')) if (p !== '' && isCandidate(p)) out.add(p);
  return { files: [...out].sort(compare), problems: gitWarnings(r.stderr) };
}

/** git's `warning: could not open directory 'x/': Permission denied` lines, as problems. */
function gitWarnings(stderr: string): ListingProblem[] {
  const out: ListingProblem[] = [];
  for (const line of stderr.split('\n')) {
    const text = line.trim();
    if (!text) continue;
    const m = /^(?:warning|error|fatal): could not open directory '([^']*)': (.*)$/.exec(text);
    if (m)
      out.push({
        path: m[1].replace(/\/$/, ''),
        message: `unreadable directory (${m[2]}): files in it were not analysed`,
      });
    else out.push({ path: '', message: `git: ${text}` });
  }
  return out;
}

const GLOB_PATTERNS = [
  `**/*.{${[...SOURCE_EXTENSIONS, ...TEMPLATE_EXTENSIONS].join(',')}}`,
  '**/{Info.plist,AndroidManifest.xml,app.json,app.config.json,firebase.json,pubspec.yaml}',
  '**/res/values*/*.xml',
  '**/{build.gradle,build.gradle.kts,*.versions.toml}',
  '**/{Podfile,Podfile.lock}',
  '**/*.xcodeproj/project.pbxproj',
  '**/xcshareddata/swiftpm/Package.resolved',
  '**/.gitignore',
];

/**
 * fast-glob walk that honours every `.gitignore` below `root` (not the ones
 * above it). Unreadable directories do not abort the walk and are not
 * suppressed either: each is recorded in `problems`.
 */
export async function listWithGlob(root: string, problems: ListingProblem[] = []): Promise<string[]> {
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  // fast-glob either aborts on the first unreadable directory or drops every
  // error (`suppressErrors`); reading directories through this adapter records
  // each failure and lets the walk go on.
  const readdir = ((
    dir: string,
    options: unknown,
    callback: (err: NodeJS.ErrnoException | null, entries: fs.Dirent[]) => void,
  ) => {
    fs.readdir(dir, options as { withFileTypes: true }, (err, entries) => {
      if (err && err.code !== 'ENOENT' && err.code !== 'ENOTDIR') {
        problems.push({
          path: rel(dir),
          message: `unreadable directory (${err.code ?? err.message}): files in it were not analysed`,
        });
        callback(null, []);
        return;
      }
      callback(err, entries);
    });
  }) as unknown as typeof fs.readdir;
  const entries = await fg(GLOB_PATTERNS, {
    cwd: root,
    dot: true, // to see nested .gitignore files and code in dot-folders (.storybook)
    ignore: [...NEVER_SCANNED_DIRS].map((d) => `**/${d}/**`),
    followSymbolicLinks: false, // symlinked directories are not walked: no loops
    onlyFiles: false, // keep symlinks to files (git lists them too); directories are dropped when read
    unique: true,
    fs: { readdir },
  });
  const gitignores = new Map<string, Ignore>();
  const candidates: string[] = [];
  for (const e of entries) {
    if (e === '.gitignore' || e.endsWith('/.gitignore')) {
      const dir = e === '.gitignore' ? '' : e.slice(0, -'/.gitignore'.length);
      try {
        // The guarded reader: a .gitignore that is a FIFO, a device or a link out of the root is not read.
        gitignores.set(dir, ignore().add(guardedReadText(path.join(root, e), { root })));
      } catch (err) {
        if (err instanceof GuardedReadError && err.problem === 'missing') continue;
        problems.push({
          path: e,
          message: `.gitignore not honoured: ${err instanceof GuardedReadError ? err.reason : (err as Error).message}`,
        });
      }
    } else if (isCandidate(e)) {
      candidates.push(e);
    }
  }
  if (gitignores.size === 0) return candidates.sort(compare);
  const filter = new GitignoreFilter(gitignores);
  return candidates.filter((p) => !filter.ignores(p)).sort(compare);
}

/**
 * Git's rules for nested `.gitignore` files: patterns of deeper files win over
 * shallower ones (last match wins), and nothing below an ignored directory can
 * be re-included.
 */
class GitignoreFilter {
  private readonly dirMemo = new Map<string, boolean>();

  constructor(private readonly byDir: Map<string, Ignore>) {}

  ignores(relPath: string): boolean {
    const slash = relPath.lastIndexOf('/');
    const parent = slash === -1 ? '' : relPath.slice(0, slash);
    return this.dirIgnored(parent) || this.matches(relPath, parent, false);
  }

  private dirIgnored(dir: string): boolean {
    if (dir === '') return false;
    const memo = this.dirMemo.get(dir);
    if (memo !== undefined) return memo;
    const slash = dir.lastIndexOf('/');
    const parent = slash === -1 ? '' : dir.slice(0, slash);
    const result = this.dirIgnored(parent) || this.matches(dir, parent, true);
    this.dirMemo.set(dir, result);
    return result;
  }

  /** Apply the .gitignore files of `parent` and its ancestors to `p`. */
  private matches(p: string, parent: string, isDir: boolean): boolean {
    let ignored = false;
    // ancestors from the root down: deeper files are applied last and win
    const dirs = [''];
    if (parent !== '') {
      for (let i = parent.indexOf('/'); i !== -1; i = parent.indexOf('/', i + 1)) dirs.push(parent.slice(0, i));
      dirs.push(parent);
    }
    for (const d of dirs) {
      const ig = this.byDir.get(d);
      if (!ig) continue;
      const rel = (d === '' ? p : p.slice(d.length + 1)) + (isDir ? '/' : '');
      const r = ig.test(rel);
      if (r.ignored) ignored = true;
      else if (r.unignored) ignored = false;
    }
    return ignored;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
