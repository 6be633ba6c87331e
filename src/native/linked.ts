/**
 * Whether a product is linked into an iOS app, read as data (never executed):
 *
 *  - CocoaPods `Podfile.lock`: its `PODS:` list is every pod installed,
 *    transitive dependencies included (`Firebase/Messaging` does not bring
 *    FirebaseAnalytics; `Firebase/Core` does, and the lock then lists it);
 *  - Swift Package Manager products in `*.xcodeproj/project.pbxproj`
 *    (`XCSwiftPackageProductDependency` entries, `productName = FirebaseAnalytics;`),
 *    and frameworks named there (`FirebaseAnalytics.xcframework`);
 *  - React Native autolinking: an npm package in the app's `package.json`
 *    (`@react-native-firebase/analytics`) links its pod at the next `pod install`,
 *    whatever an older lock says.
 *
 * Soundness: a start that applies only when a product is linked (`whenLinked`)
 * is left out only on positive evidence that the product is not linked: the
 * app's lock lists none of its pods, no project of the app names it or links a
 * Swift package product whose dependencies are unknown, and no package.json
 * from the lock's folder up depends on it; or, with no Podfile anywhere, the
 * app's project links Firebase through Swift packages only and not the product.
 * Anything else (no lock, a Podfile without its lock, an unreadable or malformed
 * lock) keeps the start reported, and a malformed lock is an analysis error.
 *
 * Podfile, Podfile.lock and project.pbxproj come from discovery (listed like
 * the other declaration files, never under Pods/, Carthage/, build output or
 * node_modules); they are parsed here only when a start needs the answer.
 * package.json can only add a reason to report, so it is read on demand through
 * the guarded reader.
 */
import path from 'node:path';
import { GuardedReadError, guardedReadText, isLinkEvidence } from '../discover/index.js';
import { lineColumn } from '../program/text.js';
import type { AnalysisError, DiscoveredFile, TraceStep } from '../model.js';
import type { LinkedProductSpec } from './types.js';

export { isLinkEvidence };

export interface LinkVerdict {
  /** false only on positive evidence that the product is not linked. */
  linked: boolean;
  /** Why it is, or may be, linked: `FirebaseAnalytics is linked: ios/Podfile.lock lists FirebaseAnalytics`. */
  note?: string;
  /** The evidence, for the finding's trace. */
  step?: TraceStep;
  /** Files the verdict rests on. */
  files: string[];
}

interface Pod {
  name: string;
  line: number;
  column: number;
}

type ParsedLock = { pods: Pod[] } | { error: AnalysisError };

interface ProjectProduct {
  name: string;
  /** Normalised repository URL of its package; undefined for a local package or none named. */
  url: string | undefined;
  line: number;
  column: number;
}

interface ParsedProject {
  text: string;
  products: ProjectProduct[];
}

const dirOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
const encloses = (dir: string, file: string) => dir === '' || file.startsWith(`${dir}/`);
/** `dir` is `outer` or a folder below it. */
const within = (dir: string, outer: string) => dir === outer || encloses(outer, dir);
/** The folder holding a project's `.xcodeproj`. */
const projectDir = (p: DiscoveredFile) => dirOf(dirOf(p.relPath));
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/**
 * The pod names of a Podfile.lock's `PODS:` section (entries and their dependencies):
 *
 *   PODS:
 *     - Firebase/Messaging (10.20.0):
 *       - Firebase/CoreOnly
 *       - FirebaseMessaging (~> 10.20.0)
 *     - "RCT-Folly (2021.07.22.00)":
 *   DEPENDENCIES: …
 *   COCOAPODS: 1.14.3
 *
 * A lock without `PODS:`, with a line the section cannot hold, with a merge
 * conflict, or without its final `COCOAPODS:` line (cut short) is malformed.
 */
export function readPodfileLock(file: string, text: string): ParsedLock {
  const lines = text.split(/\r?\n/);
  const fail = (i: number, message: string): ParsedLock => ({
    error: { file, line: i + 1, column: 1, kind: 'parse', message: `Podfile.lock: ${message}` },
  });
  const pods: Pod[] = [];
  let section: string | undefined;
  let sawPods = false;
  let sawCocoapods = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '') continue;
    if (/^(?:<{7}|={7}|>{7}|\|{7})(?:\s|$)/.test(l))
      return fail(i, 'a merge conflict: what the app links is unknown until it is resolved');
    const top = /^([A-Z][A-Z ]*):(?:\s+(.*))?$/.exec(l);
    if (top) {
      section = top[1];
      if (section === 'PODS') {
        if (sawPods) return fail(i, 'two PODS sections');
        sawPods = true;
      }
      if (section === 'COCOAPODS') sawCocoapods = true;
      continue;
    }
    if (!/^\s/.test(l)) return fail(i, `unexpected line \`${l.slice(0, 60)}\``);
    if (section !== 'PODS') continue;
    const m = /^(\s+)- (?:"([^"]*)"|'([^']*)'|([^"'].*?))(:)?\s*$/.exec(l);
    const entry = m && (m[2] ?? m[3] ?? m[4]);
    const name = entry && /^([^\s()]+)(?:\s+\([^()]*\))?$/.exec(entry);
    if (!m || !name) return fail(i, `unexpected line in PODS: \`${l.trim().slice(0, 60)}\``);
    pods.push({ name: name[1], line: i + 1, column: m[1].length + 1 });
  }
  if (!sawPods) return fail(0, 'no PODS section');
  if (!sawCocoapods) return fail(lines.length - 1, 'no final COCOAPODS line (the file is cut short?)');
  return { pods };
}

const normaliseUrl = (u: string) =>
  u
    .trim()
    .toLowerCase()
    .replace(/^(?:https?:\/\/|ssh:\/\/|git\+ssh:\/\/)?(?:[^@/]+@)?/, '')
    .replace(/^([^/:]+):(?!\d)/, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');

/** Swift package products of a project.pbxproj, each with its package's repository URL (undefined: local or unnamed). */
export function readProjectProducts(text: string): ProjectProduct[] {
  const remotes = new Map<string, string>();
  for (const m of text.matchAll(/isa\s*=\s*"?XCRemoteSwiftPackageReference"?\s*;/g)) {
    const before = text.slice(text.lastIndexOf('\n', text.lastIndexOf('{', m.index)) + 1, m.index);
    const id = /([0-9A-Za-z_]+)\s*(?:\/\*[^*]*\*\/\s*)?=\s*\{/.exec(before)?.[1];
    const next = text.indexOf('isa', m.index + m[0].length);
    const body = text.slice(m.index, next === -1 ? undefined : next);
    const url = /repositoryURL\s*=\s*(?:"([^"]*)"|([^\s;]+))\s*;/.exec(body);
    if (id && url) remotes.set(id, normaliseUrl(url[1] ?? url[2]));
  }
  const out: ProjectProduct[] = [];
  for (const m of text.matchAll(/isa\s*=\s*"?XCSwiftPackageProductDependency"?\s*;/g)) {
    const end = text.indexOf('}', m.index);
    const body = text.slice(m.index, end === -1 ? undefined : end);
    const name = /productName\s*=\s*(?:"([^"]*)"|([^\s;]+))\s*;/.exec(body);
    const pkg = /(?:^|[\s;{])package\s*=\s*([0-9A-Za-z_]+)/.exec(body)?.[1];
    const at = lineColumn(text, m.index);
    out.push({ name: name ? (name[1] ?? name[2]) : '?', url: pkg ? remotes.get(pkg) : undefined, ...at });
  }
  return out;
}

/**
 * The package identities a Package.resolved lists (version 1: `object.pins[].repositoryURL`;
 * versions 2 and 3: `pins[].identity` / `location`), lower-cased; undefined when it cannot be read.
 */
export function resolvedIdentities(text: string): Set<string> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const d = doc as { pins?: unknown; object?: { pins?: unknown } };
  const pins = Array.isArray(d?.pins) ? d.pins : Array.isArray(d?.object?.pins) ? d.object.pins : undefined;
  if (!pins) return undefined;
  const out = new Set<string>();
  for (const pin of pins as Record<string, unknown>[]) {
    const url = typeof pin?.location === 'string' ? pin.location : pin?.repositoryURL;
    const fromUrl = typeof url === 'string' ? /([^/:]+?)(?:\.git)?\/?$/.exec(url)?.[1] : undefined;
    const id = typeof pin?.identity === 'string' ? pin.identity : fromUrl;
    if (!id) return undefined;
    out.add(id.toLowerCase());
    if (fromUrl) out.add(fromUrl.toLowerCase());
  }
  return out;
}

export class LinkedProducts {
  /** Folders holding a Podfile or a Podfile.lock. */
  private readonly podDirs = new Set<string>();
  private readonly locks = new Map<string, DiscoveredFile>();
  private readonly projects: DiscoveredFile[] = [];
  /** Package.resolved files of Xcode projects and workspaces. */
  private readonly resolved: DiscoveredFile[] = [];
  private readonly parsedLocks = new Map<string, ParsedLock>();
  private readonly parsedProjects = new Map<string, ParsedProject>();
  private readonly packageJsons = new Map<string, { deps: Set<string> } | { problem: string } | null>();
  private readonly memo = new Map<LinkedProductSpec, Map<string, LinkVerdict>>();
  private readonly root: string | undefined;
  readonly errors: AnalysisError[] = [];

  /** `files`: the scan's link evidence (vendored folders already left out); `anyFile` locates the scan root. */
  constructor(files: DiscoveredFile[], anyFile: DiscoveredFile | undefined) {
    for (const f of files) {
      if (!isLinkEvidence(f.relPath)) continue;
      if (f.relPath.endsWith('.pbxproj')) this.projects.push(f);
      else if (f.relPath.endsWith('.resolved')) this.resolved.push(f);
      else {
        this.podDirs.add(dirOf(f.relPath));
        if (f.relPath.endsWith('.lock')) this.locks.set(dirOf(f.relPath), f);
      }
    }
    if (anyFile) this.root = path.resolve(anyFile.absPath, ...anyFile.relPath.split('/').map(() => '..'));
  }

  /** Whether `spec.product` is (or may be) linked into the app `file` belongs to. */
  verdict(file: string, spec: LinkedProductSpec): LinkVerdict {
    const dir = dirOf(file);
    let bySpec = this.memo.get(spec);
    if (!bySpec) this.memo.set(spec, (bySpec = new Map<string, LinkVerdict>()));
    let v = bySpec.get(dir);
    if (!v) bySpec.set(dir, (v = this.decide(file, spec)));
    return v;
  }

  private decide(file: string, spec: LinkedProductSpec): LinkVerdict {
    const product = spec.product;
    const unknown = (why: string, files: string[] = []): LinkVerdict => ({
      linked: true,
      note: `whether ${product} is linked is not known: ${why}`,
      files,
    });
    // The app's CocoaPods folder: the nearest one enclosing the file.
    let podDir: string | undefined;
    for (const d of this.podDirs)
      if (encloses(d, file) && (podDir === undefined || d.length > podDir.length)) podDir = d;
    if (podDir === undefined) {
      if (this.podDirs.size)
        return unknown(
          `no Podfile.lock encloses this file, and a Podfile elsewhere (${[...this.podDirs].map((d) => join(d, 'Podfile')).join(', ')}) may install this app's pods`,
        );
      return this.swiftPackagesOnly(file, spec);
    }
    const lock = this.locks.get(podDir);
    if (!lock)
      return unknown(`${join(podDir, 'Podfile')} has no Podfile.lock next to it, which says what pod install links`, [
        join(podDir, 'Podfile'),
      ]);
    let parsed = this.parsedLocks.get(lock.relPath);
    if (!parsed) {
      this.parsedLocks.set(lock.relPath, (parsed = readPodfileLock(lock.relPath, lock.text)));
      if ('error' in parsed) this.errors.push(parsed.error);
    }
    if ('error' in parsed) return unknown(`${lock.relPath} could not be read`, [lock.relPath]);
    const pod = parsed.pods.find((p) => spec.pods.some((x) => p.name === x || p.name.startsWith(`${x}/`)));
    if (pod)
      return {
        linked: true,
        note: `${product} is linked: ${lock.relPath} lists ${pod.name}`,
        step: { file: lock.relPath, line: pod.line, column: pod.column, label: `${pod.name} (${product} is linked)` },
        files: [lock.relPath],
      };
    const projects = this.projects.filter((p) => within(projectDir(p), podDir) || encloses(projectDir(p), file));
    return this.throughProjects(projects, podDir, spec, false, [lock.relPath]);
  }

  /** No Podfile in the scan: the app's Xcode projects must link Firebase through known Swift packages only. */
  private swiftPackagesOnly(file: string, spec: LinkedProductSpec): LinkVerdict {
    const enclosing = this.projects.filter((p) => encloses(projectDir(p), file));
    if (!enclosing.length)
      return {
        linked: true,
        note: `whether ${spec.product} is linked is not known: no Podfile.lock or Xcode project encloses this file`,
        files: [],
      };
    const deepest = enclosing.map(projectDir).reduce((a, b) => (b.length > a.length ? b : a));
    const projects = this.projects.filter((p) => enclosing.includes(p) || within(projectDir(p), deepest));
    return this.throughProjects(projects, deepest, spec, true, []);
  }

  /**
   * The verdict of the first Xcode project (then of the npm packages in `dir`)
   * that decides it; otherwise not linked, having read `files` and the projects.
   */
  private throughProjects(
    projects: DiscoveredFile[],
    dir: string,
    spec: LinkedProductSpec,
    swiftPackagesOnly: boolean,
    files: string[],
  ): LinkVerdict {
    for (const p of projects) {
      const v = this.projectVerdict(p, spec, swiftPackagesOnly);
      if (v) return v;
      files.push(p.relPath);
    }
    return this.npmVerdict(dir, spec) ?? { linked: false, files };
  }

  /**
   * A project's verdict when it says the product is or may be linked, else undefined.
   * `spmOnly`: the project is the only evidence, so it must link something through known packages.
   */
  private projectVerdict(p: DiscoveredFile, spec: LinkedProductSpec, spmOnly: boolean): LinkVerdict | undefined {
    let parsed = this.parsedProjects.get(p.relPath);
    if (!parsed) this.parsedProjects.set(p.relPath, (parsed = { text: p.text, products: readProjectProducts(p.text) }));
    const names = [...new Set([...spec.swiftPackageProducts, ...spec.pods.filter((x) => !x.includes('/'))])];
    const mention = names.length ? new RegExp(`\\b(?:${names.join('|')})\\b`).exec(parsed.text) : null;
    if (mention) {
      const at = lineColumn(parsed.text, mention.index);
      return {
        linked: true,
        note: `${spec.product} is linked: ${p.relPath} names ${mention[0]}`,
        step: { file: p.relPath, line: at.line, column: at.column, label: `${mention[0]} (${spec.product} is linked)` },
        files: [p.relPath],
      };
    }
    const known = new Set(spec.swiftPackages.map(normaliseUrl));
    const other = parsed.products.find((x) => x.url === undefined || !known.has(x.url));
    if (other && !this.resolvedWithout(p, spec))
      return {
        linked: true,
        note: `whether ${spec.product} is linked is not known: ${p.relPath} links the Swift package product ${other.name} of ${other.url ?? 'a local or unnamed package'}, which may link it`,
        step: {
          file: p.relPath,
          line: other.line,
          column: other.column,
          label: `${other.name} (may link ${spec.product})`,
        },
        files: [p.relPath],
      };
    if (spmOnly && !parsed.products.length)
      return {
        linked: true,
        note: `whether ${spec.product} is linked is not known: ${p.relPath} links no Swift package, and there is no Podfile.lock`,
        files: [p.relPath],
      };
    return undefined;
  }

  /**
   * Does a Package.resolved of project `p` (its own, or a workspace's beside it) prove that no
   * Swift package links the product: it reads, and resolves none of `spec.swiftResolvedPackages`
   * (the packages the product always pulls in: FirebaseAnalytics needs GoogleAppMeasurement)?
   * Package.resolved lists every package resolved, transitive ones included.
   */
  private resolvedWithout(p: DiscoveredFile, spec: LinkedProductSpec): boolean {
    const needs = spec.swiftResolvedPackages;
    if (!needs?.length) return false;
    const project = dirOf(p.relPath);
    const files = this.resolved.filter(
      (r) => r.relPath.startsWith(`${project}/`) || dirOf(r.relPath.split('.xcworkspace/')[0]) === dirOf(project),
    );
    if (!files.length) return false;
    return files.every((r) => {
      const identities = resolvedIdentities(r.text);
      return identities !== undefined && !needs.some((n) => identities.has(n.toLowerCase()));
    });
  }

  /** package.json files from `dir` up to the scan root: one depending on an npm package of `spec` links it (autolinking). */
  private npmVerdict(dir: string, spec: LinkedProductSpec): LinkVerdict | undefined {
    if (!spec.npmPackages?.length) return undefined;
    for (let d: string | undefined = dir; d !== undefined; d = d === '' ? undefined : dirOf(d)) {
      const rel = join(d, 'package.json');
      const pkg = this.packageJson(rel);
      if (!pkg) continue;
      if ('problem' in pkg)
        return {
          linked: true,
          note: `whether ${spec.product} is linked is not known: ${rel} ${pkg.problem}`,
          files: [rel],
        };
      const dep = spec.npmPackages.find((n) => pkg.deps.has(n));
      if (dep)
        return {
          linked: true,
          note: `${spec.product} is linked: ${rel} depends on ${dep}, whose pod is autolinked whatever the lock says`,
          files: [rel],
        };
    }
    return undefined;
  }

  private packageJson(rel: string): { deps: Set<string> } | { problem: string } | null {
    const known = this.packageJsons.get(rel);
    if (known !== undefined) return known;
    let out: { deps: Set<string> } | { problem: string } | null = null;
    if (this.root === undefined) out = { problem: 'was not looked for (no scan root)' };
    else {
      try {
        const text = guardedReadText(path.join(this.root, ...rel.split('/')), { root: this.root });
        const json = JSON.parse(text) as Record<string, unknown>;
        const deps = new Set<string>();
        for (const k of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
          const v = json?.[k];
          if (v && typeof v === 'object') for (const n of Object.keys(v)) deps.add(n);
        }
        out = { deps };
      } catch (e) {
        if (!(e instanceof GuardedReadError && e.problem === 'missing'))
          out = {
            problem: `could not be read (${e instanceof GuardedReadError ? e.reason : (e as Error).message.split('\n')[0]})`,
          };
      }
    }
    this.packageJsons.set(rel, out);
    return out;
  }
}
