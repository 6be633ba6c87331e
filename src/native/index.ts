/**
 * The native stage: the iOS and Android halves of a React Native / Expo app.
 *
 *   analyseNative(files, policies, config) -> { findings, errors, rules }
 *
 * 1. Kotlin, Java, Swift and Objective-C files that mention a token of a
 *    policy's `native` section are parsed with tree-sitter (grammars as wasm,
 *    loaded on first use: a project without such files loads nothing).
 * 2. Each file becomes functions in one intermediate form (ir.ts), each
 *    function a flow graph (cfg.ts), and the must-analysis of src/flow says
 *    which purposes hold at every SDK call (analyse.ts).
 * 3. Native starts (CleverTap, Batch, Braze, Airship) are sinks unless the
 *    SDK's own switch keeps them off until JavaScript turns them on.
 * 4. Declarations (Info.plist, AndroidManifest.xml, Expo app.json) are checked
 *    against what the code requests: ATT, the advertising ID, push permission.
 *
 * Where native code calls into JavaScript or back (React Native bridges) is
 * out of scope.
 */
import type { AnalysisError, Config, DiscoveredFile, Finding, Policy, RuleSpec, TraceStep } from '../model.js';
import { makeFinding, NativeFileAnalysis, type CallFact, type FileAnalysis } from './analyse.js';
import { isBuildLogicSource } from './build-constants.js';
import {
  appManifests,
  isDeclarationFile,
  isExpoCodeConfig,
  readDeclarations,
  samePermission,
  type Declarations,
  type Located,
} from './declarations.js';
import { toUnit, type Expr, type NativeUnit } from './ir.js';
import { acceptsArguments, NativeKnowledge } from './knowledge.js';
import { isLinkEvidence, LinkedProducts, type LinkVerdict } from './linked.js';
import {
  firstSyntaxError,
  languageFor,
  languageOf,
  parseNative,
  withoutComments,
  type NativeLanguage,
} from './parsers.js';
import type { Deferral, DeclarationSpec, NativeStartSpec } from './types.js';
import { JS_RE, nativeRules } from './inputs.js';
import { Budget, type BudgetOptions } from '../proof/budget.js';
import { escapeRegExp } from '../program/text.js';

export interface NativeResult {
  findings: Finding[];
  errors: AnalysisError[];
  /** Native-only rules in force (for reporters' rule metadata). */
  rules: RuleSpec[];
  filesParsed: number;
}

/** Third-party and generated native code: CocoaPods, Carthage, Gradle/Xcode build output. */
const VENDORED = /(?:^|\/)(?:Pods|Carthage|build|DerivedData)\//;
/**
 * A Gradle test source set (`src/test/`, `src/androidTest/`, `src/testDebug/`, Kotlin Multiplatform's
 * `src/commonTest/`): never part of the app that ships, as its manifests are not (`releaseManifests`).
 * Its mocks (`every { OneSignal.initWithContext(…) }`) start nothing, and a switch it flips defers nothing.
 */
const TEST_SOURCE_SET = /(?:^|\/)src\/(?:test|androidTest|[a-z]\w*Test)(?:[A-Z]\w*)?\//;

/**
 * Which native files mention a name (`\\bname\\b`, comments included), for
 * "may be called from another file": one pass over each file's word tokens,
 * built on the first question, instead of one regular-expression search of
 * every file per public function (quadratic on large apps).
 */
export function mentionIndex(texts: DiscoveredFile[]): (file: string) => (name: string) => boolean {
  let index: Map<string, { first: string; many: boolean }> | undefined;
  const build = () => {
    const m = new Map<string, { first: string; many: boolean }>();
    for (const f of texts) {
      for (const token of new Set(f.text.match(/\w+/g) ?? [])) {
        const e = m.get(token);
        if (!e) m.set(token, { first: f.relPath, many: false });
        else if (e.first !== f.relPath) e.many = true;
      }
    }
    return m;
  };
  return (file) => (name) => {
    if (!/^\w+$/.test(name)) {
      const re = new RegExp(`\\b${escapeRegExp(name)}\\b`);
      return texts.some((o) => o.relPath !== file && re.test(o.text));
    }
    const e = (index ??= build()).get(name);
    return !!e && (e.many || e.first !== file);
  };
}

export async function analyseNative(
  files: DiscoveredFile[],
  policies: Policy[],
  config: Config | undefined,
  budget: BudgetOptions = {},
): Promise<NativeResult> {
  const k = new NativeKnowledge(policies);
  const result: NativeResult = { findings: [], errors: [], rules: [], filesParsed: 0 };
  if (!k.tokens.length) return result;
  const rules = nativeRules(policies, k, config);
  result.rules = k.rules.filter((r) => rules.has(r.id)).map((r) => rules.get(r.id)!);
  const tokenRe = new RegExp(`\\b(?:${[...new Set(k.tokens)].map(escapeRegExp).join('|')})\\b`);

  const clock = new Budget(budget);
  const calls: CallFact[] = [];
  const starts: { spec: NativeStartSpec; fact: CallFact }[] = [];
  const subclasses: SubclassStart[] = [];
  // Trees live until the end: call facts keep their nodes (positions) for the declaration checks.
  const trees: { delete(): void }[] = [];
  // A file is read for what its code names: a token only in a comment (a vendor's copyright header) is not a mention.
  const sources = files.filter((f) => {
    const lang = languageOf(f.relPath);
    return (
      lang &&
      !VENDORED.test(f.relPath) &&
      !TEST_SOURCE_SET.test(f.relPath) &&
      tokenRe.test(f.text) &&
      tokenRe.test(withoutComments(f.text, lang))
    );
  });
  const nativeTexts = files.filter((f) => languageOf(f.relPath) && !VENDORED.test(f.relPath));
  const elsewhere = mentionIndex(nativeTexts);
  // Whether any source or declaration file of the project names a word (an unreadable argument's `reportIfMentioned`)
  const mentioned = new Map<string, boolean>();
  const projectMentions = (word: string): boolean => {
    let m = mentioned.get(word);
    if (m === undefined) {
      const re = new RegExp(`\\b${escapeRegExp(word)}\\b`);
      mentioned.set(word, (m = files.some((f) => !VENDORED.test(f.relPath) && re.test(f.text))));
    }
    return m;
  };
  // Compile the grammars needed side by side (wasm compilation runs off the main thread).
  await Promise.all([...new Set(sources.map((f) => languageOf(f.relPath)!))].map((l) => languageFor(l)));
  const parsed: { f: DiscoveredFile; lang: NativeLanguage; unit: NativeUnit }[] = [];
  const parse = async (f: DiscoveredFile): Promise<NativeUnit | undefined> => {
    const lang: NativeLanguage = languageOf(f.relPath)!;
    const tree = await parseNative(lang, f.text);
    if (!tree) {
      result.errors.push({
        file: f.relPath,
        line: 1,
        column: 1,
        kind: 'parse',
        message: `Could not parse (${lang})`,
      });
      return undefined;
    }
    result.filesParsed++;
    trees.push(tree);
    const bad = firstSyntaxError(tree.rootNode);
    if (bad) {
      result.errors.push({
        file: f.relPath,
        line: bad.startPosition.row + 1,
        column: bad.startPosition.column + 1,
        kind: 'parse',
        message: `Syntax error (${lang}${bad.isMissing ? `: missing ${bad.type}` : ''}); the analysis of this file may be incomplete`,
      });
    }
    const unit = toUnit(lang, tree.rootNode);
    if (lang === 'kotlin' && isKotlinNative(f.relPath, unit)) unit.kotlinNative = true;
    parsed.push({ f, lang, unit });
    return unit;
  };
  try {
    for (const f of sources) await parse(f);
    await readSdkHolders(
      parsed.map((p) => p.unit),
      nativeTexts.filter((f) => /\.(?:kt|java)$/.test(f.relPath) && !sources.includes(f)),
      parse,
      k,
    );
    const units = parsed.map((p) => p.unit);
    shareReturns(units, k);
    inheritFields(units, k);
    for (const { f, lang, unit } of parsed) {
      const analysis = (over: (() => boolean) | null) =>
        new NativeFileAnalysis(f.relPath, unit, k, rules, config, elsewhere(f.relPath), over, projectMentions).run();
      // Over a time budget (`--timeout`, `--total-timeout`) a file is not proven: every SDK call in it is
      // reported with every purpose missing (`over` null: no guard is read), and the run says so.
      let a: FileAnalysis | undefined;
      if (!clock.exhausted(f.relPath)) a = clock.charge(f.relPath, () => analysis(() => clock.exhausted(f.relPath)));
      a ??= analysis(null)!;
      result.findings.push(...a.findings);
      result.errors.push(...a.errors);
      calls.push(...a.calls);
      starts.push(...a.starts);
      if (lang === 'kotlin' || lang === 'java')
        for (const st of unit.supertypes) {
          const path = k.resolve(st.type.split('.'), unit);
          for (const spec of (path && k.startsBySuperclass.get(path)) || [])
            if (spec.platform === 'android')
              subclasses.push({
                spec,
                className: st.className,
                packageName: unit.packageName,
                superclass: path!,
                at: {
                  file: f.relPath,
                  line: st.node.startPosition.row + 1,
                  column: st.node.startPosition.column + 1,
                  endLine: st.node.endPosition.row + 1,
                  endColumn: st.node.endPosition.column + 1,
                },
              });
        }
    }

    // What says what the iOS app links (Podfile.lock, project.pbxproj, Package.resolved).
    const evidence = files.filter((f) => !VENDORED.test(f.relPath) && isLinkEvidence(f.relPath));
    const decl = readDeclarations(
      [
        ...files.filter(
          (f) => !VENDORED.test(f.relPath) && (isDeclarationFile(f.relPath) || isExpoCodeConfig(f.relPath)),
        ),
        // Their dependencies: native modules React Native and Expo autolink (`npmDependencies`).
        ...appManifests(files, k.npmStartPackages, result.errors),
      ],
      // Xcode projects: `INFOPLIST_KEY_*` build settings are Info.plist keys of the targets that generate theirs.
      evidence.filter((f) => f.relPath.endsWith('.pbxproj')),
      // buildSrc code: constants a build file names its dependencies by.
      files.filter((f) => !VENDORED.test(f.relPath) && isBuildLogicSource(f.relPath)),
    );
    result.errors.push(...decl.errors);
    // Parsed only when a start asks.
    const linked = new LinkedProducts(evidence, files[0]);
    decideStarts(k.starts, starts, calls, decl, rules, result, linked);
    result.errors.push(...linked.errors);
    decideSubclassStarts(subclasses, calls, decl, rules, result);
    checkDeclarations(k.declarations, calls, decl, files, rules, result);
    checkFlutterPlugins(k.flutterPlugins, decl, rules, result);
    result.errors.push(...clock.errors());
  } finally {
    for (const t of trees) t.delete();
  }
  return result;
}

/** Functions of JVM files returning an SDK type (`sdkReturns`), for the other files that import them or share their package. */
function shareReturns(units: NativeUnit[], k: NativeKnowledge): void {
  const jvm = units.filter(isJvm);
  for (const base of jvm) {
    const returns = sdkReturns(base, k);
    if (!returns.size) continue;
    for (const u of jvm) {
      if (u === base) continue;
      for (const [name, type] of returns) {
        const visible =
          (u.packageName !== undefined && u.packageName === base.packageName) ||
          u.imports.some((i) => i === `${base.packageName}.${name}` || i === `${base.packageName}.*`);
        if (visible && !u.functions.some((f) => f.name === name)) u.foreignReturns.set(name, type);
      }
    }
  }
}

const isJvm = (u: NativeUnit) => (u.language === 'kotlin' && !u.kotlinNative) || u.language === 'java';

/**
 * Kotlin compiled for Apple platforms: a Kotlin Multiplatform source set of theirs (`src/iosMain/kotlin/…`,
 * `iosArm64Main`, `appleMain`, `darwinMain`, …), or a file importing Kotlin/Native's Objective-C interop
 * (`cocoapods.Mixpanel.Mixpanel`, `platform.UserNotifications.UNUserNotificationCenter`).
 */
function isKotlinNative(relPath: string, unit: NativeUnit): boolean {
  return (
    relPath.split('/').some((d) => /^(?:ios|apple|darwin|macos|tvos|watchos)\w*Main$/.test(d)) ||
    unit.imports.some((i) => /^(?:cocoapods|platform)\.\w+\.[\w*]/.test(i))
  );
}

/**
 * Reads the JVM files (`rest`: those naming no SDK) that use an SDK value of a parsed file without naming the SDK: a
 * class extending one with an SDK field (`class MainActivity : BaseActivity()`; Java `extends Base`, Kotlin `: Base(…)`,
 * and so on down the class chain), a file calling a function that returns an SDK type (`rememberPushPermission()`).
 */
async function readSdkHolders(
  parsed: NativeUnit[],
  rest: DiscoveredFile[],
  parse: (f: DiscoveredFile) => Promise<NativeUnit | undefined>,
  k: NativeKnowledge,
): Promise<void> {
  const found = (re: RegExp) => {
    const hits = rest.filter((f) => re.test(f.text) && re.test(withoutComments(f.text, languageOf(f.relPath)!)));
    rest = rest.filter((f) => !hits.includes(f));
    return hits;
  };
  const bases = parsed.filter((u) => sdkFields(u, k).size).flatMap((u) => [...u.declaredTypes]);
  const returning = parsed.flatMap((u) => [...sdkReturns(u, k).keys()]);
  if (returning.length)
    for (const f of found(new RegExp(`\\b(?:${returning.map(escapeRegExp).join('|')})\\s*[({]`)))
      bases.push(...((await parse(f))?.declaredTypes ?? []));
  for (let next = bases; next.length && rest.length;) {
    const names = `(?:[\\w.]+\\.)?(?:${next.map(escapeRegExp).join('|')})`;
    const subs = found(new RegExp(`\\bextends\\s+${names}\\b|[:,]\\s*${names}\\s*(?:<[^<>{}]*>)?\\s*\\(`));
    next = [];
    for (const f of subs) next.push(...((await parse(f))?.declaredTypes ?? []));
  }
}

/**
 * A JVM class reads the fields of its superclasses declared in other files of the app (`open class BaseActivity :
 * AppCompatActivity() { var ct: CleverTapAPI? = null }`, then `class MainActivity : BaseActivity()` calling
 * `ct?.promptPushPrimer(…)`). A field whose declared type, or constant initialiser (`val ct =
 * CleverTapAPI.getDefaultInstance(this)`), the declaring file resolves to an SDK class joins the subclass file's
 * fields with that path fully qualified, so the subclass file need not import the SDK. The file's own fields win.
 */
function inheritFields(units: NativeUnit[], k: NativeKnowledge): void {
  const jvm = units.filter(isJvm);
  const declaring = new Map<string, NativeUnit[]>();
  const supers = new Map<string, string[]>();
  for (const u of jvm) {
    for (const t of u.declaredTypes) declaring.set(t, [...(declaring.get(t) ?? []), u]);
    for (const s of u.supertypes) supers.set(s.className, [...(supers.get(s.className) ?? []), simpleName(s.type)]);
  }
  for (const u of jvm) {
    const seen = new Set<string>();
    const queue = u.supertypes.map((s) => simpleName(s.type));
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
      if (seen.has(c)) continue;
      seen.add(c);
      for (const base of declaring.get(c) ?? [])
        if (base !== u)
          for (const [name, inherited] of sdkFields(base, k))
            if (!u.fields.has(name)) u.fields.set(name, { inherited, constant: false });
      queue.push(...(supers.get(c) ?? []));
    }
  }
}

const simpleName = (t: string) => t.split('.').pop()!;

/** `CleverTapAPI.getDefaultInstance(this)` -> `CleverTapAPI.getDefaultInstance` */
function rawPath(e: Expr | undefined): string | undefined {
  if (e?.k === 'name') return e.name;
  if (e?.k !== 'member' && (e?.k !== 'call' || e.callee)) return undefined;
  const obj = e.k === 'member' ? e.obj : e.recv;
  if (!obj) return e.name;
  const b = rawPath(obj);
  return b && `${b}.${e.name}`;
}

/** A JVM file's top-level functions whose declared return type resolves in that file to an SDK class: name -> the class. */
function sdkReturns(u: NativeUnit, k: NativeKnowledge): Map<string, string> {
  const out = new Map<string, string>();
  if (u.language !== 'kotlin' && u.language !== 'java') return out;
  for (const f of u.functions) {
    const r = f.returns && !f.private && !f.className ? k.resolve([f.returns], u) : undefined;
    const fq = r && !r.includes('.') ? k.classes.get(r)?.jvm : undefined;
    if (fq) out.set(f.name, fq);
  }
  return out;
}

/**
 * A JVM file's own fields whose declared type, or constant initialiser, resolves in that file to an SDK class:
 * name -> the path, fully qualified (`com.clevertap.android.sdk.CleverTapAPI.getDefaultInstance`).
 */
function sdkFields(u: NativeUnit, k: NativeKnowledge): Map<string, string> {
  const out = new Map<string, string>();
  if (u.language !== 'kotlin' && u.language !== 'java') return out;
  const qualified = (path: string | undefined): string | undefined => {
    const r = path ? k.resolve(path.split('.'), u) : undefined;
    const [cls, ...rest] = r?.split('.') ?? [];
    const fq = cls && k.classes.get(cls)?.jvm;
    return fq ? [fq, ...rest].join('.') : undefined;
  };
  for (const [name, fld] of u.fields) {
    if (fld.inherited) continue;
    const path = qualified(fld.type) ?? (fld.constant ? qualified(rawPath(fld.init)) : undefined);
    if (path) out.set(name, path);
  }
  return out;
}

// ------------------------------------------------------------ app targets

const segments = (rel: string) => rel.split('/').slice(0, -1);

/**
 * The declaration files of the app target that `file` belongs to: the nearest
 * ones (longest common folder, then a folder that encloses the file), so that
 * `AppA/Info.plist` does not count for `AppB/AppDelegate.swift`. On a tie every
 * candidate may be the target's: each must declare what is needed.
 */
export function nearestOf<T extends { file: string }>(file: string, items: T[]): T[] {
  const dir = segments(file);
  let best = -1;
  let out: T[] = [];
  for (const item of items) {
    const d = segments(item.file);
    let common = 0;
    while (common < d.length && common < dir.length && d[common] === dir[common]) common++;
    const score = common * 2 + (common === d.length ? 1 : 0);
    if (score > best) [best, out] = [score, [item]];
    else if (score === best) out.push(item);
  }
  return out;
}

/**
 * The Info.plists of the app target `file` belongs to (`nearestOf`), app
 * extensions left out unless the file is in one: a notification-service or
 * widget extension (its plist has `NSExtension`) runs none of the app's code,
 * so the app's JavaScript is not checked against it.
 */
function targetPlists(file: string, plists: Declarations['plists']): Declarations['plists'] {
  const own = plists.filter((p) => !p.keys.has('NSExtension') || file.startsWith(p.file.replace(/[^/]*$/, '')));
  return nearestOf(file, own.length ? own : plists);
}

/** A build-variant or test manifest (`src/debug/`, `src/androidTest/`, `src/test/`): not part of the release app. */
const VARIANT_MANIFEST = /(?:^|\/)src\/(?!main\/)[^/]+\/AndroidManifest\.xml$/;

export function releaseManifests(decl: Declarations): Declarations['manifests'] {
  return decl.manifests.filter((m) => !VARIANT_MANIFEST.test(m.file));
}

// ------------------------------------------------------------ native starts

/**
 * Is this start held back by `d`? A deferral call holds back a start only when it has run before it
 * on every path (`OneSignal.setConsentRequired(true)` after `initWithContext` holds nothing back).
 * Starts no app code makes (a manifest entry, an SDK Application class) and a start call carrying the
 * deferral itself (Mixpanel created opted out: the SDK keeps that one instance) are held back by such
 * a call anywhere.
 */
function deferred(
  d: Deferral,
  spec: NativeStartSpec,
  calls: CallFact[],
  decl: Declarations,
  file?: string,
  start?: CallFact,
): boolean {
  const platform = spec.platform;
  if ('call' in d) {
    if (d.platform !== platform) return false;
    if (start && !spec.calls?.includes(d.call)) return start.deferredBy(d);
    return calls.some((c) => c.platform === platform && c.path === d.call && acceptsArguments(d, (i) => c.argument(i)));
  }
  if ('plist' in d)
    return (file ? targetPlists(file, decl.plists) : decl.plists).some(
      (p) =>
        p.keys.get(d.plist.key)?.value === d.plist.equals ||
        String(p.keys.get(d.plist.key)?.value) === String(d.plist.equals),
    );
  if ('manifestMetaData' in d)
    return releaseManifests(decl).some((m) =>
      m.metaData.some((x) => x.name === d.manifestMetaData.name && x.value === d.manifestMetaData.equals),
    );
  if ('androidResource' in d)
    return decl.resources.some((r) =>
      r.values.some((x) => x.name === d.androidResource.name && x.value === d.androidResource.equals),
    );
  if ('jsonFile' in d)
    return decl.jsonFiles.some(
      (j) => j.name === d.jsonFile.name && jsonAtPath(j.value, d.jsonFile.path) === d.jsonFile.equals,
    );
  return decl.expo.some((e) =>
    e.plugins.some((p) => p.name === d.expoPlugin.plugin && p.options?.[d.expoPlugin.option] === d.expoPlugin.equals),
  );
}

/** The value at `path` of parsed JSON (undefined when absent). */
function jsonAtPath(value: unknown, path: string[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function isDeferred(spec: NativeStartSpec, calls: CallFact[], decl: Declarations, start?: CallFact): boolean {
  return (spec.unlessDeferredBy ?? []).some((d) => deferred(d, spec, calls, decl, start?.file, start));
}

/** An app class extending an SDK class that starts the SDK (`class MainApplication : CleverTapApplication()`). */
interface SubclassStart {
  spec: NativeStartSpec;
  className: string;
  packageName?: string;
  superclass: string;
  at: Located;
}

/** `android:name` as the manifest writes it (`.MainApplication`, `MainApplication`, `com.example.MainApplication`) names this class. */
function namesClass(value: string, cls: string, pkg: string | undefined): boolean {
  if (value === cls || value === `.${cls}`) return true;
  if (pkg && value === `${pkg}.${cls}`) return true;
  // `.app.MainApplication` relative to the manifest package, or a package the file does not declare
  return value.endsWith(`.${cls}`) && (!pkg || pkg.endsWith(value.slice(0, -(cls.length + 1))));
}

/** A subclass of an SDK start class runs as the Application: a start with no app code before it, never guarded. */
function decideSubclassStarts(
  subclasses: SubclassStart[],
  calls: CallFact[],
  decl: Declarations,
  rules: Map<string, RuleSpec>,
  out: NativeResult,
): void {
  for (const s of subclasses) {
    const rule = rules.get(s.spec.rule);
    if (!rule || isDeferred(s.spec, calls, decl)) continue;
    const app = decl.manifests.find(
      (m) => m.applicationName && namesClass(m.applicationName.value, s.className, s.packageName),
    );
    if (!app) continue;
    const what = `${s.className} : ${s.superclass}`;
    const message = `${rule.message}: \`${s.className}\` extends \`${s.superclass}\` and is the app's Application class (${app.applicationName!.at.file}), so the SDK starts when the app launches, before any consent check (${rule.requires.map((p) => `'${p}'`).join(' and ')} consent missing)`;
    out.findings.push(
      finding(
        rule,
        s.at,
        message,
        [
          {
            file: app.applicationName!.at.file,
            line: app.applicationName!.at.line,
            column: app.applicationName!.at.column,
            label: `<application android:name="${app.applicationName!.value}"> (entry: app launch)`,
          },
          { file: s.at.file, line: s.at.line, column: s.at.column, label: what },
        ],
        s.className,
        s.superclass,
        [s.at.file, app.applicationName!.at.file],
        rule.requires,
        rule.requires,
      ),
    );
  }
}

function decideStarts(
  specs: NativeStartSpec[],
  starts: { spec: NativeStartSpec; fact: CallFact }[],
  calls: CallFact[],
  decl: Declarations,
  rules: Map<string, RuleSpec>,
  out: NativeResult,
  linked: LinkedProducts,
): void {
  for (const { spec, fact } of starts) {
    const rule = rules.get(spec.rule);
    if (!rule || !fact.granted || isDeferred(spec, calls, decl, fact)) continue;
    const missing = rule.requires.filter((p) => !fact.granted!.includes(p));
    if (!missing.length) continue;
    const f = withLink(spec, linked, makeFinding(rule, fact.file, fact, rule.requires, missing));
    if (f) out.findings.push(f);
  }
  // Starts declared in the manifest or by a Gradle dependency run with no app code at all: never guarded.
  for (const spec of specs) {
    const rule = rules.get(spec.rule);
    if (!rule || isDeferred(spec, calls, decl)) continue;
    expoPluginStarts(spec, rule, decl, out);
    if (spec.platform !== 'android') continue;
    gradleStarts(spec, rule, decl, out);
    npmStarts(spec, rule, decl, out);
    for (const m of decl.manifests) {
      const hits: { at: Located; what: string }[] = [];
      for (const md of m.metaData)
        if (spec.manifestMetaData?.includes(md.name))
          hits.push({ at: md.at, what: `<meta-data android:name="${md.name}">` });
      if (m.applicationName && spec.manifestApplication?.includes(m.applicationName.value))
        hits.push({ at: m.applicationName.at, what: `<application android:name="${m.applicationName.value}">` });
      for (const h of hits)
        out.findings.push(launchStart(rule, h.at, h.what, `\`${h.what}\` starts the SDK`, 'manifest', h.what));
    }
  }
}

/**
 * An Expo config plugin that writes the start into the native project prebuild generates (`expoPlugins`):
 * the generated code runs at launch, and a managed app does not even commit it; never guarded.
 */
function expoPluginStarts(spec: NativeStartSpec, rule: RuleSpec, decl: Declarations, out: NativeResult): void {
  if (!spec.expoPlugins?.length) return;
  for (const e of decl.expo)
    for (const p of e.plugins) {
      if (!spec.expoPlugins.includes(p.name)) continue;
      const what = `the Expo config plugin \`${p.name}\` writes the SDK's start into the native app that prebuild generates, which runs`;
      out.findings.push(launchStart(rule, p.at, p.name, what, 'expo-plugin', p.name));
    }
}

/** A Gradle dependency that starts the SDK with no app code (`gradleDependencies`): never guarded. */
function gradleStarts(spec: NativeStartSpec, rule: RuleSpec, decl: Declarations, out: NativeResult): void {
  for (const dep of decl.gradle) {
    if (!spec.gradleDependencies?.includes(dep.module)) continue;
    const what = `\`${dep.written}\` links ${dep.module}, which starts`;
    const also = dep.catalog ? dep.catalog.split(', ') : [];
    out.findings.push(launchStart(rule, dep.at, dep.module, what, 'gradle', dep.module, also));
  }
}

/** An npm dependency whose autolinked native module starts the SDK (`npmDependencies`): never guarded. */
function npmStarts(spec: NativeStartSpec, rule: RuleSpec, decl: Declarations, out: NativeResult): void {
  for (const dep of decl.npm) {
    if (!spec.npmDependencies?.includes(dep.module)) continue;
    const what = `\`${dep.module}\` is a dependency, whose native module React Native and Expo autolink into the Android app, where it starts`;
    out.findings.push(launchStart(rule, dep.at, dep.module, what, 'npm', dep.module));
  }
}

/**
 * A start that applies only with a product linked (`whenLinked`): left out (undefined) only on
 * evidence that it is not; else the finding says why it applies, in the message and with the
 * evidence as the trace's last step.
 */
function withLink(spec: NativeStartSpec, linked: LinkedProducts, f: Finding): Finding | undefined {
  if (!spec.whenLinked || spec.platform !== 'ios') return f;
  const link: LinkVerdict = linked.verdict(f.file, spec.whenLinked);
  if (!link.linked) return undefined;
  return {
    ...f,
    message: link.note ? `${f.message} (${link.note})` : f.message,
    trace: link.step ? [...f.trace, link.step] : f.trace,
    dependsOn: [...new Set([...(f.dependsOn ?? []), ...link.files])],
  };
}

// ------------------------------------------------------------ declarations

/**
 * A start no app code makes (a manifest entry, a Gradle or npm dependency, an Expo config plugin): it runs
 * when the app launches, before any consent check. `what` says how it starts, up to "when the app launches".
 */
function launchStart(
  rule: RuleSpec,
  at: Located,
  label: string,
  what: string,
  scope: string,
  callee: string,
  alsoDependsOn: string[] = [],
): Finding {
  const message = `${rule.message}: ${what} when the app launches, before any consent check (${rule.requires.map((p) => `'${p}'`).join(' and ')} consent missing)`;
  const trace = [{ file: at.file, line: at.line, column: at.column, label: `${label} (entry: app launch)` }];
  return finding(rule, at, message, trace, scope, callee, [at.file, ...alsoDependsOn], rule.requires, rule.requires);
}

function finding(
  rule: RuleSpec,
  at: Located,
  message: string,
  trace: TraceStep[],
  scope: string,
  callee: string,
  dependsOn: string[],
  requires: string[] = rule.requires,
  missing: string[] = [],
): Finding {
  return {
    ruleId: rule.id,
    severity: rule.severity,
    file: at.file,
    line: at.line,
    column: at.column,
    endLine: at.endLine,
    endColumn: at.endColumn,
    message,
    requires,
    missing,
    trace,
    suppressed: false,
    identity: { path: scope ? scope.split('/') : [], callee, ordinal: 0 },
    dependsOn,
  };
}

function callAt(c: CallFact): Located {
  const n = c.expr.node;
  return {
    file: c.file,
    line: n.startPosition.row + 1,
    column: n.startPosition.column + 1,
    endLine: n.endPosition.row + 1,
    endColumn: n.endPosition.column + 1,
  };
}

interface Trigger {
  at: Located;
  what: string;
  trace: TraceStep[];
  scope: string;
}

function triggersOf(spec: DeclarationSpec, calls: CallFact[], files: DiscoveredFile[]): Trigger[] {
  const out: Trigger[] = [];
  for (const t of spec.triggers ?? []) {
    for (const c of calls) {
      if (c.platform !== t.platform || !t.calls.includes(c.path) || !c.granted) continue;
      if (
        t.arguments &&
        !Object.entries(t.arguments).every(([i, vs]) =>
          c.argument(i).values.some((v) => vs.map(String).includes(String(v))),
        )
      )
        continue;
      if (t.mentions && !c.mentions(t.mentions)) continue;
      out.push({ at: callAt(c), what: `\`${c.path}\``, trace: c.trace, scope: c.scope });
    }
  }
  for (const t of spec.jsTriggers ?? []) {
    const importRe = new RegExp(
      `(?:from\\s*|require\\s*\\(\\s*|import\\s*\\(\\s*|import\\s+)['"]${escapeRegExp(t.module)}['"]`,
    );
    const callRe = new RegExp(`(?<![\\w.$])(${t.functions.map(escapeRegExp).join('|')})\\s*\\(`, 'g');
    const names = t.functions.map((f) => f.split('.').pop()!);
    for (const f of files) {
      // cheap text tests first: most files of a React Native app import 'react-native'
      if (
        !JS_RE.test(f.relPath) ||
        !names.some((n) => f.text.includes(n)) ||
        !f.text.includes(t.module) ||
        !importRe.test(f.text)
      )
        continue;
      for (const m of f.text.matchAll(callRe)) {
        const index = m.index ?? 0;
        const lineStart = f.text.lastIndexOf('\n', index) + 1;
        const lineEnd = f.text.indexOf('\n', index);
        const text = f.text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
        const trimmed = text.trimStart();
        if (trimmed.startsWith('//') || trimmed.startsWith('*') || /^\s*import\b/.test(text)) continue;
        if (t.mentions && !text.includes(t.mentions)) continue;
        let line = 1;
        for (let i = f.text.indexOf('\n'); i !== -1 && i < index; i = f.text.indexOf('\n', i + 1)) line++;
        const column = index - lineStart + 1;
        const at = { file: f.relPath, line, column, endLine: line, endColumn: column + m[1].length };
        out.push({
          at,
          what: `\`${m[1]}\` (${t.module})`,
          trace: [{ file: f.relPath, line, column, label: `${m[1]}()` }],
          scope: m[1],
        });
      }
    }
  }
  return out;
}

function expoProvides(spec: DeclarationSpec, expo: Declarations['expo']): boolean {
  return expo.some((e) => {
    const plugin = (spec.expoPlugins ?? []).some((p) =>
      e.plugins.some(
        (x) =>
          x.name === p.plugin &&
          !(p.option && x.options && p.disabledBy !== undefined && x.options[p.option] === p.disabledBy),
      ),
    );
    if (spec.kind === 'ios-plist-key') {
      const v = e.infoPlist.get(spec.name)?.value;
      return plugin || (typeof v === 'string' && v.trim() !== '');
    }
    const blocked = e.blockedPermissions.some((p) => samePermission(p.name, spec.name));
    return !blocked && (plugin || e.permissions.some((p) => samePermission(p.name, spec.name)));
  });
}

/** One app target's Info.plist files (and Expo configs) against the calls that need `spec.name`. */
function plistKey(
  spec: DeclarationSpec,
  rule: RuleSpec,
  plists: Declarations['plists'],
  expo: Declarations['expo'],
  triggers: Trigger[],
  out: NativeResult,
): void {
  const first = triggers[0];
  const set = (p: (typeof plists)[number]) => {
    const v = p.keys.get(spec.name)?.value;
    return typeof v === 'string' && v.trim() !== '';
  };
  if ((plists.length && plists.every(set)) || expoProvides(spec, expo)) return;
  // Declared, but empty (or not a string): App Review rejects it, and the prompt has no purpose text.
  const empty = plists
    .filter((p) => !set(p))
    .flatMap((p) => {
      const k = p.keys.get(spec.name);
      return k ? [k] : [];
    });
  if (empty.length) {
    for (const k of empty) {
      const trace = [
        ...first.trace,
        { file: k.at.file, line: k.at.line, column: k.at.column, label: `${spec.name} (empty)` },
      ];
      out.findings.push(
        finding(
          rule,
          k.at,
          `${rule.message}: \`${spec.name}\` is declared here without a text, but ${first.what} needs one`,
          trace,
          'Info.plist',
          spec.name,
          [k.at.file, first.at.file],
        ),
      );
    }
    return;
  }
  const where = [...plists.map((p) => p.file), ...expo.map((e) => e.file)].join(', ');
  for (const t of triggers) {
    out.findings.push(
      finding(
        rule,
        t.at,
        `${rule.message}: ${t.what} is called, but \`${spec.name}\` is not declared (${where})`,
        t.trace,
        t.scope,
        spec.name,
        [t.at.file, ...plists.map((p) => p.file), ...expo.map((e) => e.file)],
      ),
    );
  }
}

/**
 * A Flutter app calls an SDK from Dart through its plugin, and consent-lint does
 * not analyse Dart: each such dependency of a pubspec.yaml is an analysis error
 * (the run fails), never a pass. The native code (ios/, android/) is still checked.
 */
function checkFlutterPlugins(
  plugins: Map<string, string>,
  decl: Declarations,
  rules: Map<string, RuleSpec>,
  out: NativeResult,
): void {
  for (const p of decl.pubspecs)
    for (const dep of p.dependencies) {
      const rule = plugins.get(dep.name);
      if (!rule || !rules.has(rule)) continue;
      out.errors.push({
        file: dep.at.file,
        line: dep.at.line,
        column: dep.at.column,
        kind: 'unsupported',
        message: `Dart is not analysed: the app depends on the Flutter plugin \`${dep.name}\`, so its calls from Dart are unchecked (${rule}). Check them by hand; once reviewed, exclude ${p.file} in the config.`,
      });
    }
}

function checkDeclarations(
  specs: DeclarationSpec[],
  calls: CallFact[],
  decl: Declarations,
  files: DiscoveredFile[],
  rules: Map<string, RuleSpec>,
  out: NativeResult,
): void {
  for (const spec of specs) {
    const rule = rules.get(spec.rule);
    if (!rule) continue;
    // Declarations are checked where the scan holds the platform's declaration files
    // (Info.plist / AndroidManifest.xml, or an Expo config): a web app, a library or a
    // scan of src/ alone has nothing to check against.
    const sources = spec.kind === 'ios-plist-key' ? decl.plists.length : decl.manifests.length;
    if (!sources && !decl.expo.length) continue;
    const triggers = triggersOf(spec, calls, files);
    if (!triggers.length) continue;
    const first = triggers[0];
    if (spec.kind === 'ios-plist-key') {
      // Per app target: the Info.plist (and Expo config) nearest to each call.
      const groups = new Map<string, { plists: typeof decl.plists; expo: typeof decl.expo; triggers: Trigger[] }>();
      for (const t of triggers) {
        const plists = targetPlists(t.at.file, decl.plists);
        const expo = nearestOf(t.at.file, decl.expo);
        const key = [...plists, ...expo].map((x) => x.file).join('\0');
        const g = groups.get(key) ?? { plists, expo, triggers: [] };
        g.triggers.push(t);
        groups.set(key, g);
      }
      for (const g of groups.values()) plistKey(spec, rule, g.plists, g.expo, g.triggers, out);
      continue;
    }
    // android-permission
    const removed = decl.manifests.flatMap((m) =>
      m.permissions.filter((p) => p.removed && samePermission(p.name, spec.name)),
    );
    const blocked = decl.expo.flatMap((e) => e.blockedPermissions.filter((p) => samePermission(p.name, spec.name)));
    if (removed.length || blocked.length) {
      for (const r of [...removed, ...blocked]) {
        const trace = [
          ...first.trace,
          { file: r.at.file, line: r.at.line, column: r.at.column, label: `${spec.name} removed` },
        ];
        out.findings.push(
          finding(
            rule,
            r.at,
            `${rule.message}: \`${spec.name}\` is removed here (${removed.includes(r as never) ? 'tools:node="remove"' : 'expo.android.blockedPermissions'}), but ${first.what} needs it`,
            trace,
            'manifest',
            spec.name,
            [r.at.file, first.at.file],
          ),
        );
      }
      continue;
    }
    // A permission of a debug or test manifest is not in the release app.
    const declared = releaseManifests(decl).some((m) =>
      m.permissions.some((p) => !p.removed && samePermission(p.name, spec.name)),
    );
    if (declared || expoProvides(spec, decl.expo)) continue;
    const release = new Set(releaseManifests(decl));
    const variants = decl.manifests.filter((m) => !release.has(m)).map((m) => m.file);
    const where =
      [...release]
        .map((m) => m.file)
        .concat(decl.expo.map((e) => e.file))
        .join(', ') +
      (variants.length ? `; build-variant and test manifests do not count: ${variants.join(', ')}` : '');
    for (const t of triggers) {
      out.findings.push(
        finding(
          rule,
          t.at,
          `${rule.message}: ${t.what} is called, but \`<uses-permission android:name="${spec.name}"/>\` is not declared (${where})`,
          t.trace,
          t.scope,
          spec.name,
          [t.at.file, ...decl.manifests.map((m) => m.file)],
        ),
      );
    }
  }
}
