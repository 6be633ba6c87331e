/**
 * The app's declarations, read as data with exact positions:
 *
 *  - `Info.plist` (XML property lists; @xmldom/xmldom keeps line:column);
 *  - `AndroidManifest.xml` (`<uses-permission>`, `tools:node="remove"`,
 *    `<application android:name>`, `<meta-data>`);
 *  - Android resources `res/values/*.xml` (`<bool name="…">`, `<string>`);
 *  - Expo `app.json` / `app.config.json` (`expo.plugins`, `expo.ios.infoPlist`,
 *    `expo.android.permissions` / `blockedPermissions`), via jsonc-parser;
 *  - Flutter `pubspec.yaml` (`dependencies:`): plugins whose calls live in Dart,
 *    which consent-lint does not analyse;
 *  - Gradle build files (`build.gradle`, `build.gradle.kts`) and version catalogs
 *    (`*.versions.toml`): the dependencies a module ships, as string coordinates
 *    (`implementation 'com.google.firebase:firebase-analytics'`) or catalog
 *    accessors (`implementation(libs.firebase.analytics)`, `libs.bundles.…`);
 *  - Xcode build settings `INFOPLIST_KEY_<Key>` in `project.pbxproj`: with
 *    `GENERATE_INFOPLIST_FILE = YES`, Xcode writes them into the target's
 *    Info.plist (`INFOPLIST_FILE`) at build time, so they count as its keys.
 *
 * `app.config.js` / `app.config.ts` are code: consent-lint never executes
 * them, and says that their settings were not read.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Node as JsonNode } from 'jsonc-parser';
import { GuardedReadError, guardedReadText } from '../discover/index.js';
import { LineIndex } from '../parse/positions.js';
import { lineColumn } from '../program/text.js';
import { type BuildConstants, isGradleScript, readBuildConstants } from './build-constants.js';
import type { AnalysisError, DiscoveredFile } from '../model.js';

export interface Located {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface PlistFile {
  file: string;
  /** Top-level keys: value (string, boolean, or undefined for other types) and the `<key>` position. */
  keys: Map<string, { value: string | boolean | undefined; at: Located }>;
}

export interface ManifestFile {
  file: string;
  permissions: { name: string; removed: boolean; at: Located }[];
  applicationName?: { value: string; at: Located };
  metaData: { name: string; value?: string; at: Located }[];
}

export interface ResourceFile {
  file: string;
  values: { name: string; value: string; at: Located }[];
}

export interface ExpoConfig {
  file: string;
  plugins: { name: string; options?: Record<string, unknown>; at: Located }[];
  infoPlist: Map<string, { value: unknown; at: Located }>;
  permissions: { name: string; at: Located }[];
  blockedPermissions: { name: string; at: Located }[];
}

/** A Flutter app's `pubspec.yaml`: its `dependencies:` (not dev_dependencies: they do not ship). */
export interface PubspecFile {
  file: string;
  dependencies: { name: string; at: Located }[];
}

/** A dependency a Gradle module ships: `group:artifact`, where it is declared, and how. */
export interface GradleDependency {
  module: string;
  /** What the build file says (`implementation 'com.google.firebase:firebase-analytics'`, `implementation(libs.firebase.analytics)`). */
  written: string;
  at: Located;
  /**
   * The files that name the module for a reference: the version catalog of an accessor
   * (`gradle/libs.versions.toml`), the build logic defining a constant (`buildSrc/…/Dependencies.kt`).
   */
  catalog?: string;
}

/** A package.json dependency (`"@react-native-firebase/analytics": "^20.0.0"`), at its key. */
export interface NpmDependency {
  module: string;
  at: Located;
}

export interface Declarations {
  plists: PlistFile[];
  pubspecs: PubspecFile[];
  /** Dependencies of Gradle modules, catalog accessors resolved (test and compile-only configurations left out). */
  gradle: GradleDependency[];
  /** Dependencies and devDependencies of the package.json files handed over (those naming a package of `npmDependencies`). */
  npm: NpmDependency[];
  manifests: ManifestFile[];
  resources: ResourceFile[];
  expo: ExpoConfig[];
  /** JSON configs an SDK's build tooling reads (`firebase.json`), by file name. */
  jsonFiles: { relPath: string; name: string; value: unknown }[];
  /** `app.config.js`/`.ts` files present (never executed). */
  unreadableExpo: string[];
  errors: AnalysisError[];
}

const base = (rel: string) => rel.slice(rel.lastIndexOf('/') + 1);

export function isDeclarationFile(rel: string): boolean {
  // Called for every discovered file: most are not data files at all.
  if (
    !rel.endsWith('.plist') &&
    !rel.endsWith('.xml') &&
    !rel.endsWith('.json') &&
    !rel.endsWith('.yaml') &&
    !rel.endsWith('.gradle') &&
    !rel.endsWith('.kts') &&
    !rel.endsWith('.toml')
  )
    return false;
  const b = base(rel);
  return (
    b === 'Info.plist' ||
    b === 'pubspec.yaml' ||
    b === 'AndroidManifest.xml' ||
    b === 'app.json' ||
    b === 'app.config.json' ||
    b === 'firebase.json' ||
    isGradleFile(b) ||
    isGradleScript(rel) ||
    /(^|\/)res\/values[^/]*\/[^/]+\.xml$/.test(rel)
  );
}

/**
 * The package.json of each Android app the scan holds that names one of `packages` (the native starts'
 * `npmDependencies`): the one beside an `android` project or an Expo config (Expo generates the Android
 * project at build time), whose dependencies' native modules React Native and Expo autolink. An app with
 * neither (an iOS-only project) ships no Android app. Read from disk, as discovery lists no package.json;
 * one that cannot be read is an error.
 */
export function appManifests(
  files: DiscoveredFile[],
  packages: readonly string[],
  errors: AnalysisError[],
): DiscoveredFile[] {
  if (!packages.length || !files.length) return [];
  const root = path.resolve(files[0].absPath, ...files[0].relPath.split('/').map(() => '..'));
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.relPath.split('/');
    const b = parts[parts.length - 1];
    if (((b === 'app.json' || b === 'app.config.json') && f.text.includes('"expo"')) || isExpoCodeConfig(f.relPath))
      dirs.add(parts.slice(0, -1).join('/'));
    const i = parts.indexOf('android');
    if (i >= 0 && i < parts.length - 1) dirs.add(parts.slice(0, i).join('/'));
  }
  const out: DiscoveredFile[] = [];
  for (const d of dirs) {
    const relPath = d ? `${d}/package.json` : 'package.json';
    const absPath = path.join(root, ...relPath.split('/'));
    let text: string;
    try {
      text = guardedReadText(absPath, { root });
    } catch (e) {
      if (!(e instanceof GuardedReadError && e.problem === 'missing'))
        errors.push({
          file: relPath,
          line: 1,
          column: 1,
          kind: 'unreadable',
          message: `${relPath} could not be read (${e instanceof Error ? e.message : String(e)}): the native modules its dependencies autolink are not known`,
        });
      continue;
    }
    if (packages.some((n) => text.includes(`"${n}"`))) out.push({ absPath, relPath, text });
  }
  return out;
}

const isGradleBuild = (b: string) => b === 'build.gradle' || b === 'build.gradle.kts';
const isGradleFile = (b: string) => isGradleBuild(b) || /^[\w-]+\.versions\.toml$/.test(b);

export function isExpoCodeConfig(rel: string): boolean {
  return rel.includes('app.config.') && /^(?:.*\/)?app\.config\.(?:js|ts|mjs|cjs)$/.test(rel);
}

/** What an Expo code config could declare that consent-lint reads from app.json. */
const EXPO_CONFIG_WORDS = /\b(?:expo|Expo|plugins|infoPlist|permissions|ios|android)\b/;

/**
 * Is this `app.config.*` an Expo config whose declarations consent-lint would
 * read? Only when it names something an Expo config declares (anywhere: a
 * config with none declares nothing read here). Angular's `src/app/app.config.ts`
 * (an ApplicationConfig of providers) names none; Nuxt's `app.config.ts` at the
 * root is its `defineAppConfig(…)`, never Expo's.
 */
function isExpoConfigCode(f: DiscoveredFile): boolean {
  return EXPO_CONFIG_WORDS.test(f.text) && !NUXT_APP_CONFIG.test(f.text);
}

const NUXT_APP_CONFIG = /\bdefineAppConfig\s*\(/;

interface XmlNode {
  nodeType: number;
  nodeName: string;
  lineNumber?: number;
  columnNumber?: number;
  childNodes: ArrayLike<XmlNode>;
  textContent: string | null;
  getAttribute?(name: string): string | null;
}

// Loaded on first use: a project without XML declarations never loads it.
const require = createRequire(import.meta.url);
let xmldom: typeof import('@xmldom/xmldom') | undefined;

function parseXml(f: DiscoveredFile, errors: AnalysisError[]): XmlNode | undefined {
  try {
    xmldom ??= require('@xmldom/xmldom') as typeof import('@xmldom/xmldom');
    const doc = new xmldom.DOMParser({
      onError: (level: string, msg: string) => {
        if (level === 'warning') return;
        throw new Error(msg);
      },
    }).parseFromString(f.text, 'text/xml') as unknown as { documentElement: XmlNode | null };
    return doc.documentElement ?? undefined;
  } catch (e) {
    const loc = (e as { locator?: { lineNumber?: number; columnNumber?: number } }).locator;
    errors.push({
      file: f.relPath,
      line: loc?.lineNumber ?? 1,
      column: loc?.columnNumber ?? 1,
      kind: 'parse',
      message: `Could not parse XML: ${(e as Error).message.split('\n')[0]}`,
    });
    return undefined;
  }
}

function elements(n: XmlNode): XmlNode[] {
  return Array.from(n.childNodes).filter((c) => c.nodeType === 1);
}

/** Position of an element: from `<` to the end of its start-tag name (xmldom gives the start). */
function at(file: string, n: XmlNode): Located {
  const line = n.lineNumber ?? 1;
  const column = n.columnNumber ?? 1;
  return { file, line, column, endLine: line, endColumn: column + n.nodeName.length + 1 };
}

function readPlist(f: DiscoveredFile, errors: AnalysisError[]): PlistFile | undefined {
  const root = parseXml(f, errors);
  if (!root) return undefined;
  const dict =
    root.nodeName === 'plist'
      ? elements(root).find((e) => e.nodeName === 'dict')
      : root.nodeName === 'dict'
        ? root
        : undefined;
  const keys = new Map<string, { value: string | boolean | undefined; at: Located }>();
  if (!dict) {
    errors.push({
      file: f.relPath,
      line: root.lineNumber ?? 1,
      column: root.columnNumber ?? 1,
      kind: 'parse',
      message: 'Not an XML property list with a top-level <dict>',
    });
    return { file: f.relPath, keys };
  }
  const kids = elements(dict);
  for (let i = 0; i < kids.length; i++) {
    if (kids[i].nodeName !== 'key') continue;
    const v = kids[i + 1];
    const value = !v
      ? undefined
      : v.nodeName === 'string'
        ? (v.textContent ?? '')
        : v.nodeName === 'true'
          ? true
          : v.nodeName === 'false'
            ? false
            : undefined;
    keys.set((kids[i].textContent ?? '').trim(), { value, at: at(f.relPath, kids[i]) });
  }
  return { file: f.relPath, keys };
}

function readManifest(f: DiscoveredFile, errors: AnalysisError[]): ManifestFile | undefined {
  const root = parseXml(f, errors);
  if (!root) return undefined;
  const m: ManifestFile = { file: f.relPath, permissions: [], metaData: [] };
  for (const e of elements(root)) {
    if (/^uses-permission(-sdk-\d+)?$/.test(e.nodeName)) {
      m.permissions.push({
        name: e.getAttribute?.('android:name') ?? '',
        removed: e.getAttribute?.('tools:node') === 'remove',
        at: at(f.relPath, e),
      });
    }
    if (e.nodeName === 'application') {
      const name = e.getAttribute?.('android:name');
      if (name) m.applicationName = { value: name, at: at(f.relPath, e) };
      for (const c of elements(e)) {
        if (c.nodeName === 'meta-data')
          m.metaData.push({
            name: c.getAttribute?.('android:name') ?? '',
            value: c.getAttribute?.('android:value') ?? undefined,
            at: at(f.relPath, c),
          });
      }
    }
  }
  return m;
}

function readResources(f: DiscoveredFile, errors: AnalysisError[]): ResourceFile | undefined {
  const root = parseXml(f, errors);
  if (!root || root.nodeName !== 'resources') return undefined;
  return {
    file: f.relPath,
    values: elements(root)
      .filter((e) => e.getAttribute?.('name'))
      .map((e) => ({ name: e.getAttribute!('name')!, value: (e.textContent ?? '').trim(), at: at(f.relPath, e) })),
  };
}

function jsonAt(file: string, lines: LineIndex, n: JsonNode): Located {
  const s = lines.pos(n.offset);
  const e = lines.pos(n.offset + n.length);
  return { file, line: s.line, column: s.column + 1, endLine: e.line, endColumn: e.column + 1 };
}

function jsonValue(n: JsonNode | undefined): unknown {
  if (!n) return undefined;
  switch (n.type) {
    case 'object':
      return Object.fromEntries((n.children ?? []).map((p) => [p.children?.[0]?.value, jsonValue(p.children?.[1])]));
    case 'array':
      return (n.children ?? []).map(jsonValue);
    default:
      return n.value;
  }
}

/** A JSON file's tree, or an error at the first problem (`message`) and undefined. */
function parseJsonFile(
  f: DiscoveredFile,
  errors: AnalysisError[],
  message: string,
): { tree: JsonNode; starts: LineIndex } | undefined {
  // Loaded only when such a file is read (a plain scan never pays for it).
  const { parseTree } = require('jsonc-parser') as typeof import('jsonc-parser');
  const problems: { error: number; offset: number; length: number }[] = [];
  const tree = parseTree(f.text, problems, { allowTrailingComma: false, disallowComments: true });
  const starts = new LineIndex(f.text);
  if (tree && !problems.length) return { tree, starts };
  const p = problems[0];
  const loc = p
    ? jsonAt(f.relPath, starts, { offset: p.offset, length: p.length } as JsonNode)
    : { line: 1, column: 1 };
  errors.push({ file: f.relPath, line: loc.line, column: loc.column, kind: 'parse', message });
  return undefined;
}

/**
 * The dependencies and devDependencies of a package.json (React Native's and Expo's autolinking links the
 * native modules of both), each at its key. Only package.json files naming a package of `npmDependencies` are
 * handed over: one that does not parse is an error, never an absent dependency.
 */
function readNpmDependencies(f: DiscoveredFile, out: NpmDependency[], errors: AnalysisError[]): void {
  const parsed = parseJsonFile(
    f,
    errors,
    'Could not parse JSON: the native modules its dependencies autolink are not known',
  );
  if (!parsed) return;
  const { tree, starts } = parsed;
  const { findNodeAtLocation } = require('jsonc-parser') as typeof import('jsonc-parser');
  for (const key of ['dependencies', 'devDependencies'])
    for (const prop of findNodeAtLocation(tree, [key])?.children ?? []) {
      const k = prop.children?.[0];
      if (k?.type === 'string') out.push({ module: k.value as string, at: jsonAt(f.relPath, starts, k) });
    }
}

function readExpo(f: DiscoveredFile, errors: AnalysisError[]): ExpoConfig | undefined {
  const parsed = parseJsonFile(f, errors, 'Could not parse JSON');
  if (!parsed) return undefined;
  const { tree, starts } = parsed;
  const { findNodeAtLocation } = require('jsonc-parser') as typeof import('jsonc-parser');
  // app.json holds `{ "expo": { … } }`; app.config.json may hold the config itself.
  const expo = findNodeAtLocation(tree, ['expo']) ?? (base(f.relPath) === 'app.config.json' ? tree : undefined);
  if (!expo) return undefined; // a bare React Native app.json ({ name, displayName }) is no Expo config
  const out: ExpoConfig = {
    file: f.relPath,
    plugins: [],
    infoPlist: new Map(),
    permissions: [],
    blockedPermissions: [],
  };
  for (const p of findNodeAtLocation(expo, ['plugins'])?.children ?? []) {
    if (p.type === 'string') out.plugins.push({ name: p.value as string, at: jsonAt(f.relPath, starts, p) });
    else if (p.type === 'array' && p.children?.[0]?.type === 'string') {
      out.plugins.push({
        name: p.children[0].value as string,
        options: jsonValue(p.children[1]) as Record<string, unknown> | undefined,
        at: jsonAt(f.relPath, starts, p),
      });
    }
  }
  for (const prop of findNodeAtLocation(expo, ['ios', 'infoPlist'])?.children ?? []) {
    const [k, v] = prop.children ?? [];
    if (k) out.infoPlist.set(k.value as string, { value: jsonValue(v), at: jsonAt(f.relPath, starts, k) });
  }
  for (const [key, list] of [
    ['permissions', out.permissions],
    ['blockedPermissions', out.blockedPermissions],
  ] as const) {
    for (const p of findNodeAtLocation(expo, ['android', key])?.children ?? [])
      if (p.type === 'string') list.push({ name: p.value as string, at: jsonAt(f.relPath, starts, p) });
  }
  return out;
}

/**
 * The package names under the top-level `dependencies:` key of a pubspec.yaml
 * (block style: `  name: ^1.0.0`, or `  name:` with a nested `path:`/`git:`/`sdk:`).
 * A flow-style map (`dependencies: {a: 1}`) is read by its keys too.
 */
function readPubspec(f: DiscoveredFile): PubspecFile {
  const out: PubspecFile = { file: f.relPath, dependencies: [] };
  const lines = f.text.split('\n');
  const add = (name: string, line: number, column: number) =>
    out.dependencies.push({
      name,
      at: { file: f.relPath, line, column, endLine: line, endColumn: column + name.length },
    });
  for (let i = 0; i < lines.length; i++) {
    const head = /^dependencies:[ \t]*(\{[^}]*\})?[ \t]*(?:#.*)?\r?$/.exec(lines[i]);
    if (!head) continue;
    if (head[1]) {
      for (const m of head[1].matchAll(/([A-Za-z0-9_]+)\s*:/g)) add(m[1], i + 1, lines[i].indexOf(m[0]) + 1);
      continue;
    }
    let indent: number | undefined;
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j].replace(/\r$/, '');
      if (!line.trim() || line.trim().startsWith('#')) continue;
      const m = /^([ \t]+)(["']?)([A-Za-z0-9_]+)\2[ \t]*:/.exec(line);
      if (!m) break; // the next top-level key
      indent ??= m[1].length;
      if (m[1].length === indent) add(m[3], j + 1, m[1].length + m[2].length + 1);
    }
  }
  return out;
}

/** Comments blanked to spaces (line and block comments in Gradle, `#` in TOML), strings kept, so offsets do not move. */
function blankComments(text: string, toml: boolean): string {
  return text.replace(
    toml
      ? /"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|#[^\n]*/g
      : /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
    (m) => (m[0] === '"' || m[0] === "'" ? m : m.replace(/[^\n]/g, ' ')),
  );
}

/**
 * A version catalog's `[libraries]` (`alias = "group:artifact:version"`, `alias = { module = "group:artifact" }`,
 * `alias = { group = "…", name = "…" }`) and `[bundles]` (`name = ["alias", …]`), by accessor
 * (`firebase.analytics` for `firebase-analytics`, `bundles.firebase` for a bundle).
 */
function readCatalog(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const key = (alias: string) => alias.replace(/[-_]/g, '.');
  let section = '';
  for (const raw of blankComments(text, true).split('\n')) {
    const line = raw.trim();
    const head = /^\[([\w.-]+)\]$/.exec(line);
    if (head) {
      section = head[1];
      continue;
    }
    const entry = /^([\w.-]+)\s*=\s*(.*)$/.exec(line);
    if (!entry) continue;
    const [, alias, value] = entry;
    if (section === 'libraries') {
      const m =
        /^"([\w.-]+:[\w.-]+)(?::[^"]*)?"/.exec(value) ??
        /\bmodule\s*=\s*"([\w.-]+:[\w.-]+)"/.exec(value) ??
        /\bgroup\s*=\s*"([\w.-]+)"[^}]*\bname\s*=\s*"([\w.-]+)"/.exec(value);
      if (m) out.set(key(alias), [m[2] ? `${m[1]}:${m[2]}` : m[1]]);
    } else if (section === 'bundles') {
      const members = [...value.matchAll(/"([\w.-]+)"/g)].map((x) => key(x[1]));
      out.set(`bundles.${key(alias)}`, members);
    }
  }
  for (const [k, v] of out)
    if (k.startsWith('bundles.'))
      out.set(
        k,
        v.flatMap((a) => (a.includes(':') ? [a] : (out.get(a) ?? []))),
      );
  return out;
}

/** The version catalogs, by accessor name (`libs` for `gradle/libs.versions.toml`). */
function readCatalogs(files: DiscoveredFile[]): Map<string, { files: string[]; entries: Map<string, string[]> }> {
  const catalogs = new Map<string, { files: string[]; entries: Map<string, string[]> }>();
  for (const f of files) {
    const m = /^([\w-]+)\.versions\.toml$/.exec(base(f.relPath));
    if (!m) continue;
    const into = catalogs.get(m[1]) ?? { files: [], entries: new Map<string, string[]>() };
    into.files.push(f.relPath);
    for (const [k, v] of readCatalog(f.text)) into.entries.set(k, [...(into.entries.get(k) ?? []), ...v]);
    catalogs.set(m[1], into);
  }
  return catalogs;
}

/** Configurations whose dependencies the app does not ship: tests, compile-only, annotation processors, lint. */
const UNSHIPPED_CONFIGURATION =
  /^(?:test|androidTest|unitTest|kapt|ksp|annotationProcessor|lintChecks)|CompileOnly$|^compileOnly/;

/**
 * The dependencies a Gradle build file declares (Groovy or Kotlin DSL): `conf 'g:a:v'`, `conf("g:a")`,
 * `conf platform('g:a:v')`, `conf group: 'g', name: 'a'`, `conf(libs.x.y)` / `conf libs.bundles.z`
 * (resolved through the catalogs, named by their file: `libs.versions.toml` is `libs`).
 */
function readGradle(
  f: DiscoveredFile,
  catalogs: Map<string, { files: string[]; entries: Map<string, string[]> }>,
  constants: BuildConstants,
  out: GradleDependency[],
): void {
  const text = blankComments(f.text, false);
  const conf = String.raw`\b((?:[a-z][A-Za-z]*)?(?:[Ii]mplementation|[Aa]pi|[Cc]ompile|[Rr]untimeOnly|[Cc]ompileOnly))\b[ \t]*\(?[ \t]*(?:(?:enforcedPlatform|platform|project\.dependencies\.platform)[ \t]*\(?[ \t]*)?`;
  const push = (module: string, index: number, text: string, catalog?: string) => {
    const at = lineColumn(f.text, index);
    const end = lineColumn(f.text, index + text.length);
    // The match stops before a call's closing parentheses: say it whole.
    const open = (text.match(/\(/g) ?? []).length - (text.match(/\)/g) ?? []).length;
    out.push({
      module,
      written: text.replace(/\s+/g, ' ') + ')'.repeat(Math.max(0, open)),
      at: { file: f.relPath, line: at.line, column: at.column, endLine: end.line, endColumn: end.column },
      ...(catalog && { catalog }),
    });
  };
  const forms = [
    new RegExp(`${conf}["']([\\w.-]+):([\\w.-]+)(?::[^"'\\n]*)?["']`, 'g'),
    new RegExp(
      `${conf}group[ \\t]*[:=][ \\t]*["']([\\w.-]+)["'][ \\t]*,[ \\t]*name[ \\t]*[:=][ \\t]*["']([\\w.-]+)["']`,
      'g',
    ),
  ];
  for (const re of forms)
    for (const m of text.matchAll(re)) if (!UNSHIPPED_CONFIGURATION.test(m[1])) push(`${m[2]}:${m[3]}`, m.index, m[0]);
  for (const m of text.matchAll(new RegExp(`${conf}(\\w+)\\.([\\w.]+?)(?:\\.get\\(\\))?(?=[ \\t]*[)\\n,{])`, 'g'))) {
    if (UNSHIPPED_CONFIGURATION.test(m[1])) continue;
    const c = catalogs.get(m[2]);
    for (const module of c?.entries.get(m[3]) ?? []) push(module, m.index, m[0], c!.files.join(', '));
  }
  // Constants of the build's own logic (`implementation(Libs.firebaseAnalytics)`, several in one call of a
  // buildSrc helper): every dotted reference on the line, strings blanked, catalog accessors read above.
  if (!constants.size) return;
  for (const m of text.matchAll(new RegExp(`${conf}([^\\n]*)`, 'g'))) {
    if (UNSHIPPED_CONFIGURATION.test(m[1])) continue;
    const argsAt = m.index + m[0].length - m[2].length;
    const args = m[2].replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, (q) => ' '.repeat(q.length));
    for (const r of args.matchAll(/\b([A-Za-z_]\w*)((?:\.\w+)+)/g)) {
      if (catalogs.has(r[1])) continue;
      const c = constants.get(r[2].split('.').pop()!);
      const end = argsAt + r.index + r[0].length;
      for (const module of c?.modules ?? []) push(module, m.index, f.text.slice(m.index, end), c!.files.join(', '));
    }
  }
}

/** One `XCBuildConfiguration` of a project.pbxproj: the settings that say what Xcode writes into an Info.plist. */
interface InfoPlistSettings {
  /** `INFOPLIST_FILE`, relative to the scan root (the project's folder is `$(SRCROOT)`). */
  plist?: string;
  generate: boolean;
  keys: Map<string, { value: string; at: Located }>;
}

/** A build setting value: `"quoted \"text\""` or a bare word, up to the `;`. */
const SETTING = /^[ \t]*([A-Za-z0-9_]+)[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|[^;\n]*);/gm;

function settingValue(raw: string): string {
  const v = raw.trim();
  return v.startsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

/**
 * The `buildSettings = { … }` bodies of a project.pbxproj's XCBuildConfiguration sections, with their offsets.
 * Xcode writes the section's attributes sorted, so a configuration based on an .xcconfig (every CocoaPods
 * target) has `baseConfigurationReference = <id>;` (the Pods xcconfig; Xcode 16 also
 * `baseConfigurationReferenceAnchor`, `…RelativePath`) between `isa` and `buildSettings`.
 */
function buildSettingsBlocks(text: string): { body: string; offset: number }[] {
  const out: { body: string; offset: number }[] = [];
  const re = /isa\s*=\s*XCBuildConfiguration\s*;(?:\s*[A-Za-z0-9_]+\s*=\s*[^;{}]*;)*?\s*buildSettings\s*=\s*\{/g;
  for (let m; (m = re.exec(text));) {
    const start = m.index + m[0].length;
    let depth = 1;
    let i = start;
    for (; i < text.length && depth; i++) {
      const c = text[i];
      if (c === '"') {
        for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      } else if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    out.push({ body: text.slice(start, i - 1), offset: start });
  }
  return out;
}

function readProjectSettings(f: DiscoveredFile): InfoPlistSettings[] {
  // `$(SRCROOT)` is the folder holding the .xcodeproj.
  const projectDir = f.relPath.replace(/(?:^|\/)[^/]+\.xcodeproj\/project\.pbxproj$/, '');
  const out: InfoPlistSettings[] = [];
  for (const block of buildSettingsBlocks(f.text)) {
    const s: InfoPlistSettings = { generate: false, keys: new Map() };
    for (const m of block.body.matchAll(SETTING)) {
      const [, name, raw] = m;
      const value = settingValue(raw);
      if (name === 'GENERATE_INFOPLIST_FILE') s.generate = value === 'YES';
      else if (name === 'INFOPLIST_FILE') {
        const rel = value.replace(/^(?:\$[({](?:SRCROOT|PROJECT_DIR)[)}]\/)/, '');
        // A path built from other settings (`$(TARGET_NAME)/Info.plist`) names no file of the scan.
        if (!rel.includes('$') && !rel.startsWith('/'))
          s.plist = path.posix.normalize(projectDir ? `${projectDir}/${rel}` : rel);
      } else if (name.startsWith('INFOPLIST_KEY_')) {
        const pos = lineColumn(f.text, block.offset + m.index + m[0].indexOf(name));
        s.keys.set(name.slice('INFOPLIST_KEY_'.length), {
          value,
          at: {
            file: f.relPath,
            line: pos.line,
            column: pos.column,
            endLine: pos.line,
            endColumn: pos.column + name.length,
          },
        });
      }
    }
    out.push(s);
  }
  return out;
}

/**
 * Keys that Xcode generates into an Info.plist from build settings: a key counts
 * when every build configuration naming that plist with `GENERATE_INFOPLIST_FILE = YES`
 * sets it (the Debug configuration alone does not ship). A key the plist file
 * itself holds is left as the file says.
 */
function mergeBuildSettingKeys(projects: DiscoveredFile[], plists: PlistFile[]): void {
  const configs = projects.flatMap(readProjectSettings).filter((c) => c.generate && c.plist);
  for (const p of plists) {
    const mine = configs.filter((c) => c.plist === p.file);
    if (!mine.length) continue;
    for (const [key, first] of mine[0].keys) {
      if (p.keys.has(key) || !mine.every((c) => c.keys.get(key)?.value)) continue;
      p.keys.set(key, { value: first.value, at: first.at });
    }
  }
}

/** `files`: the declaration files; `projects`: the scan's project.pbxproj files (their `INFOPLIST_KEY_*` settings). */
export function readDeclarations(
  files: DiscoveredFile[],
  projects: DiscoveredFile[] = [],
  buildLogic: DiscoveredFile[] = [],
): Declarations {
  const d: Declarations = {
    plists: [],
    pubspecs: [],
    gradle: [],
    npm: [],
    manifests: [],
    resources: [],
    expo: [],
    jsonFiles: [],
    unreadableExpo: [],
    errors: [],
  };
  // Version catalogs first: a build file names their libraries by accessor (`libs.firebase.analytics`).
  const catalogs = readCatalogs(files);
  // and constants of the build's own logic (`implementation(Libs.firebaseAnalytics)`, buildSrc).
  const constants = readBuildConstants(buildLogic);
  for (const f of files) {
    const b = base(f.relPath);
    if (isExpoCodeConfig(f.relPath)) {
      if (!isExpoConfigCode(f)) continue;
      d.unreadableExpo.push(f.relPath);
      d.errors.push({
        file: f.relPath,
        line: 1,
        column: 1,
        kind: 'unsupported',
        message: `${b} is code and consent-lint never executes it: its Expo plugins, infoPlist and permissions were not read (declare them in app.json to have them checked)`,
      });
      continue;
    }
    if (b === 'package.json') {
      readNpmDependencies(f, d.npm, d.errors);
      continue;
    }
    if (!isDeclarationFile(f.relPath)) continue;
    if (b === 'Info.plist') {
      const p = readPlist(f, d.errors);
      if (p) d.plists.push(p);
    } else if (b === 'AndroidManifest.xml') {
      const m = readManifest(f, d.errors);
      if (m) d.manifests.push(m);
    } else if (b === 'pubspec.yaml') {
      d.pubspecs.push(readPubspec(f));
    } else if (isGradleFile(b) || isGradleScript(f.relPath)) {
      // Other Gradle scripts (`dependencies.gradle`) only define what build files use (read as build logic).
      if (isGradleBuild(b)) readGradle(f, catalogs, constants, d.gradle);
    } else if (b === 'app.json' || b === 'app.config.json') {
      const e = readExpo(f, d.errors);
      if (e) d.expo.push(e);
    } else if (b === 'firebase.json') {
      // A file that does not parse defers nothing (its SDK start stays reported).
      try {
        d.jsonFiles.push({ relPath: f.relPath, name: b, value: JSON.parse(f.text) as unknown });
      } catch {
        // not JSON: nothing read
      }
    } else {
      const r = readResources(f, d.errors);
      if (r) d.resources.push(r);
    }
  }
  mergeBuildSettingKeys(projects, d.plists);
  return d;
}

/** Android permission names as Expo writes them (`POST_NOTIFICATIONS`) or in full. */
export function samePermission(a: string, b: string): boolean {
  const short = (x: string) => x.replace(/^android\.permission\./, '');
  return a === b || short(a) === short(b);
}
