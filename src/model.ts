/**
 * The shared vocabulary of the pipeline: files, policies, config, findings and
 * the result document. Besides these types, only the program layer (Project,
 * ScriptIndex, Resolver, Value: src/program) crosses stage boundaries, and a
 * stage imports only its declared upstream stages (docs/architecture.md;
 * enforced by .dependency-cruiser.cjs):
 *
 *   discover -> parse -> program -> sinks -> flow -> guards -> proof -> report
 */
import type { File as BabelFile } from '@babel/types';

/** A consent purpose: `analytics`, `marketing`, `advertising`, `tracking-authorization`, or any policy-defined string. */
export type Purpose = string;

export type Severity = 'error' | 'warn';
export type RuleSetting = Severity | 'off';

/** Something that could not be analysed; never silently ignored. */
export interface AnalysisError {
  file: string;
  line: number;
  column: number;
  message: string;
  /** `parse` | `skipped` | `unresolved` | `unsupported` | `config` ... */
  kind: string;
}

// ---------------------------------------------------------------- discover

export interface DiscoveredFile {
  /** Absolute path. */
  absPath: string;
  /** Path relative to the scan root, `/` separators. */
  relPath: string;
  /** File contents, decoded as UTF-8 (BOM stripped; positions unaffected since the BOM is not a column). */
  text: string;
}

export interface Discovery {
  root: string;
  files: DiscoveredFile[];
  /** Files listed but not read: binary, huge, minified, unreadable (text in any encoding is read). */
  skipped: AnalysisError[];
  /**
   * Files skipped as minified that nothing marks as vendored or bundled output:
   * their text, kept only to ask whether they name an SDK (then their skip is
   * an analysis error, `minifiedNamingSdk`).
   */
  minified?: DiscoveredFile[];
  /**
   * Files skipped as larger than 1 MiB (relative paths): searched later, a
   * chunk at a time, for SDK names (naming one, unless marked as vendored or
   * bundled output, their skip is an analysis error too).
   */
  tooLarge?: string[];
  /** Number of candidate files seen (read or skipped). */
  filesScanned: number;
  /** Committed build output left out by default (`dist/`, `build/`, `out/`, `vendor/`; config `include` brings them back). */
  ignoredByDefault?: IgnoredByDefault;
}

export interface IgnoredByDefault {
  /** The folders, relative to the scan root. */
  dirs: string[];
  files: number;
}

// ---------------------------------------------------------------- parse

export type ScriptLanguage = 'ts' | 'tsx' | 'js' | 'flow';

/**
 * One piece of JavaScript inside a file: the whole file for .ts/.js, or one
 * `<script>` block / event-handler attribute of an .html/.vue file.
 * Babel positions in `ast` are already file positions (startLine/startColumn).
 */
export interface ParsedScript {
  file: string; // relPath
  ast: BabelFile;
  language: ScriptLanguage;
  /** `module` for ES modules / CJS files; `script` for classic scripts (HTML, a `.js` file with no module system); `handler` for on* attributes. */
  kind: 'module' | 'script' | 'handler';
  /** Source text of the script (for code frames, suppressions). */
  code: string;
  /** Attributes of its `<script>` element (HTML pages), lower-case names. */
  attributes?: Record<string, string>;
}

export interface ParsedFile {
  file: string;
  scripts: ParsedScript[];
  errors: AnalysisError[];
  /** A server-side template's tags (file offsets, end exclusive): blanked before parsing, never analysed. */
  templateTags?: { start: number; end: number }[];
}

// ---------------------------------------------------------------- policy

/** Where a value comes from: an export of a module, or a global name. */
export type Origin = { module: string; export: string } | { global: string };

/**
 * A step from an origin to an SDK object (policy v2): a property, the result
 * of calling / constructing the value (`new Mixpanel(token)`,
 * `amplitude.getInstance()`), or the parameter of a callback passed to it
 * (`OneSignalDeferred.push(async (OneSignal) => …)`, `batchSDK((api) => …)`), also
 * one that is a property of an object-literal argument (`posthog.init(key, { loaded(ph) {…} })`).
 */
export type ReceiverStep =
  | string
  | { call: true }
  /** Any member, whatever its name (a named instance the SDK stores on its global). */
  | { anyProperty: true }
  | { callbackParameter: { argument: number; parameter: number; property?: string } };

/**
 * The SDK object whose members are sinks: an origin, then `path` steps. A
 * module namespace (`export: '*'`) also covers named imports of its
 * functions: `{ module: '@braze/web-sdk', export: '*' }` + method
 * `initialize` is both `braze.initialize(…)` and `import { initialize }`.
 */
export type Receiver = Origin & { path?: ReceiverStep[] };

/**
 * A test on an argument of a sink call (or a property of an object argument,
 * through `path`). `equals` lists literal values (`null` also matches
 * `undefined` and an absent property of an object literal; a missing
 * argument is undecidable); `length` tests an array literal's length
 * (`enabledFeatures: []`).
 */
export interface ArgumentCondition {
  argument: number;
  path?: string[];
  equals?: (string | number | boolean | null)[];
  length?: number;
}

/**
 * A framework plugin that puts the SDK on every page (Gatsby `plugins`, Nuxt
 * `modules`, Docusaurus `plugins`): no app code runs before it.
 */
export interface ConfigPlugin {
  package: string;
  /** The config key holding its options besides its own entry (Nuxt `gtag: { … }`). */
  optionsKey?: string;
  /** Not a sink when one of these certainly holds of its options (argument 0). */
  unless?: ArgumentCondition[];
  /** A sink only with this option given (Docusaurus preset-classic `gtag`): it names the SDK, not the package. */
  option?: string;
  /** Named only in this config key's list (Docusaurus `presets`): the anchor of a package named by a common word (`classic`). */
  list?: string;
}

export interface SinkSpec {
  /** Receivers: the SDK object(s) whose members are sinks. */
  receivers: Receiver[];
  methods: string[];
  /** The methods are properties: assigning one is the sink (`sdk.dataCollectionEnabled = true`, the value as argument 0). */
  property?: boolean;
  /** A sink only when every condition holds or cannot be decided (`setOptOut(false)`, `setConsentGiven(true)`). */
  when?: ArgumentCondition[];
  /** Not a sink when one of these certainly holds (`init({ requiresUserPrivacyConsent: true })`). */
  unless?: ArgumentCondition[];
  /** Held back when one of these switches has run before it on every path (`setConsentRequired(true)` before `init`). */
  unlessDeferredBy?: SinkDeferral[];
}

/** An SDK switch that holds back later sinks: `method` called on one of the sink's receivers, every `when` certainly holding. */
export interface SinkDeferral {
  method: string;
  when?: ArgumentCondition[];
}

/** Rule presets: `recommended` (the default) and `strict` (also rules marked `strict`). */
export type Preset = 'recommended' | 'strict';

export interface ArgumentRequirement {
  argument: number;
  /** Values flowing from any of these (call results, members thereof) trigger the extra purposes. */
  sources?: Origin[];
  /** Text known statically to start with one of these (`'AW-123'`, `` `AW-${id}` ``) triggers them too. */
  startsWith?: string[];
  requires: Purpose[];
  description: string;
}

export interface RuleSpec {
  id: string;
  description: string;
  severity: Severity;
  requires: Purpose[];
  message: string;
  legalBasis: string;
  docs: string;
  sinks: SinkSpec[];
  /**
   * Script URLs (`*` wildcards) whose loading is itself the sink: `<script src>`
   * in HTML/JSX, `el.src = url`, `el.setAttribute('src', url)`.
   */
  scripts?: string[];
  /** Framework plugins whose naming in the build config is the sink (`plugins: ['gatsby-plugin-google-gtag']`). */
  configPlugins?: ConfigPlugin[];
  /** The lowest preset that turns the rule on (default `recommended`); `strict` rules are off otherwise. */
  preset?: Preset;
  argumentRequirements?: ArgumentRequirement[];
  examples?: { compliant: string; nonCompliant: string };
}

/** A step of an access path from an origin to a consent value. */
export type PathStep =
  | string // a property name
  | { anyProperty: true } // `{key}`: any property; its name is the key
  | { call: true; keyArgument?: number; argumentEquals?: Record<string, (string | number)[]> }
  | {
      callbackParameter: { argument: number; parameter: number; property?: string };
      argumentEquals?: Record<string, (string | number)[]>;
    }
  /** `this` inside the callback given as `property` of object argument `argument` (`onInitialise: function () { this… }`). */
  | { callbackThis: { argument: number; property: string }; argumentEquals?: Record<string, (string | number)[]> }
  | { find: { property: string } }; // `.find(el => el.<property> === key)`: the element whose property is the key

export type GuardTest = { truthy: true } | { equals: (string | number | boolean)[] } | { includes: true }; // `.includes(key)` / `.indexOf(key) >= 0`; key is the argument

export interface GuardSpec {
  id: string;
  description: string;
  from: Origin | { function: string; module?: string };
  path: PathStep[];
  test: GuardTest;
  /** Purposes granted regardless of key. */
  purposes?: Purpose[];
  /** Key (property name / argument / included value) -> purposes. `"*"`: the key itself is the purpose. */
  keys?: Record<string, Purpose[]>;
  keyIsPurpose?: boolean;
  /** Returns a promise: only a guard when awaited. */
  async?: boolean;
  /** `callback`: the function passed as `callbackArgument` runs only when granted. `assert`: code after the call runs only when granted. */
  kind?: 'value' | 'callback' | 'assert';
  callbackArgument?: number;
  /**
   * `callback` guards: the callback is this property of the object-literal argument `callbackArgument`
   * (`optionalCookies[].onAccept`), written inline or in a never-reassigned local passed once.
   */
  callbackProperty?: string;
  /** With `callbackProperty`: the key is the literal of this sibling property of the callback's object (`name`); several: each proves. */
  keyProperty?: string | string[];
  /**
   * With `callbackProperty`, instead of `callbackArgument`: the object holding the callback is stored at the
   * guard's path (`tarteaucitron.services.x = { js() {…} }`; a classic script's `var klaroConfig = {…}`).
   */
  callbackAssigned?: boolean;
  /** With `callbackProperty`: the callback proves something only when its object has these properties as one of these literals. */
  callbackRequires?: Record<string, (string | number | boolean)[]>;
  /**
   * With `callbackProperty`: the callback proves nothing when its object, or an object literal around it, has one of
   * these properties with a value other than the listed literals (Klaro's `required: true`).
   */
  callbackUnless?: Record<string, (string | number | boolean)[]>;
  /**
   * With `callbackProperty`: not the callback's body but its parameter at this position proves the purposes when
   * truthy (Klaro's `callback(consent, service)`, run on every change: `if (consent) …`).
   */
  grantedParameter?: number;
  /**
   * With `callbackAssigned`: a page script declaring the `from` global as an object literal with all these
   * properties is the CMP's own library, self-hosted (`var tarteaucitron = { init, services, addService, … }`).
   */
  libraryProperties?: string[];
  /**
   * With `callbackProperty`: calls and writes anywhere in the project that let the CMP run the callback without an answer
   * (`tarteaucitron.init({ highPrivacy: false })`, `tarteaucitron.user.bypass = true`): any of them voids the guard.
   */
  callbackVoidedBy?: {
    /** A call of `from` + `path` whose argument `argument` has one of these properties other than the listed literals. */
    calls?: { path: PathStep[]; argument: number; harmless: Record<string, (string | number | boolean)[]> }[];
    /** Property paths under the `from` global: writing one (or an object holding it) voids the guard. */
    writes?: string[][];
  };
  /** Where the mapping comes from (vendor documentation). */
  mapping?: string;
  /** A snippet this guard makes compliant and its near miss (run by the tests). */
  examples?: { compliant: string; nonCompliant: string };
}

/** `<script type="text/plain" data-cookieconsent="marketing">`: the CMP runs it only after consent. */
export interface ScriptBlockingSpec {
  id: string;
  description: string;
  /** `type` values of a blocked script; default `["text/plain"]`. */
  types?: string[];
  attribute: string;
  prefix?: string;
  separator?: string;
  keys?: Record<string, Purpose[]>;
  keyIsPurpose?: boolean;
  purposes?: Purpose[];
  mapping?: string;
  examples?: { compliant: string; nonCompliant: string };
}

/**
 * An SDK call that invokes other SDK methods by name: a queue of objects
 * (`applyQueue([{ name: 'start' }])`, `nameProperty`), an array command
 * (`OneSignal.push(['init', …])`, `nameElement`), or a command string given to
 * a method or to the receiver itself (`batchSDK('setup', …)`,
 * `AF('pba', 'event', …)` with `argument: [0, 1]` naming `pba.event`).
 */
export interface DispatcherSpec {
  receivers: Receiver[];
  /** The dispatching method; absent when the receiver itself is called. */
  method?: string;
  /** The argument(s) naming the command; several are joined with `.`. */
  argument: number | number[];
  nameProperty?: string;
  nameElement?: number;
  /** The command may be qualified before this separator (`ga('t1.send')`: tracker `t1`, command `send`). */
  qualifier?: string;
  /**
   * A project function whose body pushes its own `arguments` onto this queue is
   * a stand-in for the receiver (GA4's `function gtag() { dataLayer.push(arguments); }`
   * written as a module's own function): its calls dispatch like the receiver's.
   */
  argumentsQueue?: { global: string; method: string };
}

/** How functions outside the analysed code treat an SDK value passed to them (dotted callee names; `x.*` any member). */
export interface ValueUses {
  /** Look at the value, never call it (logging, serialisation, assertions). */
  inspect?: string[];
  /** Certainly call it (forwarders). */
  call?: string[];
}

export interface Policy {
  id: string;
  /** Display name (`OneSignal`); the id when absent. */
  name?: string;
  description: string;
  dispatchers?: DispatcherSpec[];
  valueUses?: ValueUses;
  /** Text tokens whose presence makes a file worth parsing (module names, globals). */
  tokens: string[];
  /** The vendor's packages the rules leave out (server SDKs): not reported as possible forks of the SDK. */
  otherModules?: string[];
  /** The vendor's npm scopes (`@amplitude`): a package of one that nothing here names is reported as an SDK module no policy knows. */
  scopes?: string[];
  /** Names a framework module of the SDK provides without an import (Nuxt's `useGtag()` of `nuxt-gtag`). */
  autoImports?: { framework: 'nuxt'; module: string; names: string[] }[];
  rules: RuleSpec[];
  guards: GuardSpec[];
  scriptBlocking?: ScriptBlockingSpec[];
  /** Config options whose string value the CMP runs as code (Klaro's `services[].onAccept`): reported when they call an SDK. */
  codeStrings?: { id: string; description: string; properties: string[]; mapping?: string }[];
  /** Native sources and app declarations (src/native): Kotlin, Java, Swift, Objective-C, Info.plist, AndroidManifest.xml, Expo app.json. */
  native?: NativePolicy;
  /** Source file of the policy (for error messages). */
  source?: string;
}

export interface ConfigGuard {
  function?: string;
  property?: string;
  module?: string;
  purposeArgument?: number;
  purposes?: Purpose[];
  assert?: boolean;
  callbackArgument?: number;
  /** The function returns a promise: it proves something only awaited (or in `.then(onFulfilled)`). */
  async?: boolean;
  /** Storage form: `localStorage.getItem(key)` compared with one of `equals`. */
  storage?: 'localStorage' | 'sessionStorage';
  key?: string;
  /** Cookie form: `document.cookie` containing `cookie=value` for one of `equals`. */
  cookie?: string;
  equals?: string[];
}

export interface Config {
  /** Which rules are on by default: `recommended` (also when absent) or `strict`. */
  preset?: Preset;
  include?: string[];
  exclude?: string[];
  policies?: string[];
  guards?: ConfigGuard[];
  purposeAliases?: Record<string, Purpose>;
  rules?: Record<string, RuleSetting>;
  /**
   * Module name as the app imports it -> the SDK module it is (a bundler
   * alias, a fork published under another name): `{ "leanplum-javascript-sdk": "leanplum-sdk" }`.
   * A key maps its subpaths too. Listing a module here also acknowledges it
   * (no "name suggests an SDK" report).
   */
  moduleAliases?: Record<string, string>;
  /** Directory of the config file (relative module paths resolve from here). */
  dir?: string;
  source?: string;
}

// ---------------------------------------------------------------- findings

export interface TraceStep {
  file: string;
  line: number;
  column: number;
  label: string;
}

/**
 * A finding's structural identity. `path` names the enclosing declarations,
 * outermost first, by the names the code gives them (function, class, method,
 * variable or property holding a function); an unnamed function is named by
 * where it stands: `useEffect()[0]` (argument 0 of a call to `useEffect`),
 * `onClick=` (a JSX attribute), `default` (an anonymous default export),
 * `static` (a class static block), `(anonymous)` otherwise. `callee` is the
 * sink's callee as written (`Leanplum.start`); `ordinal` counts the earlier
 * findings with the same rule, file, path and callee.
 */
export interface FindingIdentity {
  path: string[];
  callee: string;
  ordinal: number;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  requires: Purpose[];
  missing: Purpose[];
  trace: TraceStep[];
  suppressed: boolean;
  suppressionReason?: string;
  /**
   * What makes this finding the same finding across edits that do not touch it
   * (result schema `identity`): baseline keys and SARIF `partialFingerprints`
   * derive from it and from `ruleId` and `file`, never from display text.
   */
  identity?: FindingIdentity;
  /** Hash of `ruleId`, `file` and `identity` (result schema `fingerprint`). */
  fingerprint?: string;
  /** Internal: every file whose code the verdict depended on (trace hops, guard wrappers), for --changed. */
  dependsOn?: string[];
}

export interface ResultDocument {
  version: 1;
  findings: Finding[];
  errors: AnalysisError[];
  stats: { filesScanned: number; filesParsed: number; durationMs: number; ignoredByDefault?: IgnoredByDefault };
}

// ---------------------------------------------------------------- native policies (src/native)
/**
 * The `native` section of a policy file: what the native stage looks for in
 * Kotlin, Java, Swift and Objective-C sources and in the app's declarations
 * (Info.plist, AndroidManifest.xml, Android resources, Expo app.json).
 *
 * Everything is data. A *call path* is a dotted string such as
 * `Leanplum.setDeviceIdMode` or `ATTrackingManager.requestTrackingAuthorization`:
 * its first segment is a class named in `classes` (resolved by imports on the
 * JVM, by name on Apple platforms unless a local declaration shadows it), the
 * rest are members, calls and Objective-C selectors (first keyword), e.g.
 * `[[ASIdentifierManager sharedManager] advertisingIdentifier]` has the path
 * `ASIdentifierManager.sharedManager.advertisingIdentifier`. Values reached
 * through local constants (`val ot = OTPublishersHeadlessSDK(this)`) and
 * declared types (`lateinit var ci: ConsentInformation`) continue the path of
 * their origin.
 */

export type Platform = 'android' | 'ios';

/** Where a class lives: its JVM qualified name (Kotlin/Java imports), Swift module, Objective-C header/framework. */
export interface NativeClass {
  jvm?: string;
  swift?: string;
  objc?: string;
  /**
   * Methods the app's subclasses call without a receiver (or on `this`/`super`), JVM only:
   * `requestPermissions(…)` in an Activity is `Activity.requestPermissions` (unless the file
   * declares a function of that name).
   */
  inheritedMembers?: string[];
  /**
   * Instance methods that return the instance they are called on (`trackSessionEvents` of
   * Amplitude's AmplitudeClient): a call path steps over them
   * (`Amplitude.getInstance().trackSessionEvents(true).initialize(…)` is `getInstance.initialize`).
   */
  returnsSelf?: string[];
}

/**
 * What a sink's argument must be. A list: the argument's value (through
 * constants and locals) is one of these. An object: `values` likewise, and
 * with `elements` also an array or collection literal (`arrayOf(…)`,
 * `new String[]{…}`, `listOf(…)`, `[…]`) with one of them among its elements;
 * `unreadable` says what an argument the analysis cannot read (a parameter,
 * a field, a call's result) means: by default an `unresolved` error ("not
 * checked"); `{ "reportIfMentioned": [words] }` a sink when a source file of
 * the project (native or JavaScript) mentions one of the words, otherwise not.
 */
export type NativeArgumentMatch =
  | (string | number | boolean)[]
  | {
      values: (string | number | boolean)[];
      elements?: boolean;
      unreadable?: { reportIfMentioned: string[] };
    };

export interface NativeSinkSpec {
  rule: string;
  /** Platforms the sink applies to (default both). */
  platforms?: Platform[];
  /** Call paths; an assignment `a.b = v` counts as the call `a.b(v)` (a Kotlin/Swift property setter). */
  calls?: string[];
  /** Property paths whose read is the sink (`Firebase.analytics`, a Kotlin extension property). */
  properties?: string[];
  /** Argument index -> accepted values (enum members as `Type.MEMBER`, string/number literals): the call is a sink only with one of them. */
  arguments?: Record<string, NativeArgumentMatch>;
  /**
   * Argument index -> accepted values, of the call the receiver comes from
   * (`launcher.launch(p)` with `launcher = registerForActivityResult(ActivityResultContracts.RequestPermission())`):
   * a value constructed in place is named by its constructor's path. The call is
   * not a sink when that argument is read and matches none; a receiver whose
   * origin cannot be read keeps it a sink.
   */
  receiverArguments?: Record<string, NativeArgumentMatch>;
  /** Extra purposes when `arguments` matched. */
  requires?: Purpose[];
  /** Argument index whose value flowing from an advertising-ID source adds `advertisingRequires`. */
  advertisingIdArgument?: number;
  advertisingRequires?: Purpose[];
}

/** Something that keeps an SDK's native start off until the JavaScript side turns it on. */
export type Deferral =
  | {
      /** Holds back a start call only when it has run before it on every path (see src/native/index.ts `deferred`). */
      call: string;
      platform: Platform;
      /**
       * Argument index, or label (Swift `optOutTrackingByDefault:`, Kotlin `name =`, an Objective-C selector keyword),
       * -> accepted values (`setConsentRequired(true)`): only such calls defer; an unreadable or absent argument does not.
       */
      arguments?: Record<string, (string | number | boolean)[]>;
    }
  | { plist: { key: string; equals: boolean | string } }
  | { manifestMetaData: { name: string; equals: string } }
  | { androidResource: { name: string; equals: string } }
  | { expoPlugin: { plugin: string; option: string; equals: boolean | string } }
  /** A key of a JSON config file the SDK's tooling reads (React Native Firebase's `firebase.json`). */
  | { jsonFile: { name: 'firebase.json'; path: string[]; equals: boolean | string } };

export interface NativeStartSpec {
  rule: string;
  platform: Platform;
  /** Native calls that start the SDK. */
  calls?: string[];
  /** Property reads that start the SDK (Kotlin `Firebase.analytics`). */
  properties?: string[];
  /** Manifest `<meta-data android:name=…>` whose presence starts the SDK with no app code (Airship autopilot). */
  manifestMetaData?: string[];
  /** Manifest `<application android:name=…>` values that start the SDK (CleverTap's Application class). */
  manifestApplication?: string[];
  /**
   * Gradle dependencies (`group:artifact`) whose presence in a module the app ships starts the SDK with no app
   * code (Firebase Analytics on Android: `com.google.firebase:firebase-analytics`), written as a string
   * coordinate or through a version catalog (`libs.firebase.analytics`). Android only.
   */
  gradleDependencies?: string[];
  /**
   * Expo config plugins (app.json `plugins` entries) that write the start into the native project `expo prebuild`
   * generates (`@config-plugins/react-native-branch`): a start with no app code in the scan, never guarded.
   */
  expoPlugins?: string[];
  /**
   * npm packages whose native module, autolinked into the Android app by React Native or Expo, links a
   * `gradleDependencies` one (`@react-native-firebase/analytics` links firebase-analytics): listed in a package.json's
   * dependencies or devDependencies, they start the SDK at launch with no app code, as the Gradle dependency
   * would. Android only.
   */
  npmDependencies?: string[];
  /**
   * SDK classes (names in `classes`) whose subclass, named as the app's `<application android:name=…>`,
   * starts the SDK (`class MainApplication : CleverTapApplication()`).
   */
  superclasses?: string[];
  /** The start is not a sink when any of these is declared; the JavaScript call named by `jsRule` then is. */
  unlessDeferredBy?: Deferral[];
  /** The JavaScript rule that takes over when deferred (documentation; that rule is always checked). */
  jsRule?: string;
  /**
   * iOS: the call starts the SDK only when this product is linked into the app (`FirebaseApp.configure()`
   * starts Analytics only with FirebaseAnalytics linked). The start is left out only on positive evidence
   * that it is not (src/native/linked.ts); with nothing telling what is linked, it is reported.
   */
  whenLinked?: LinkedProductSpec;
}

/** What says that a product is linked into an iOS app: read as data from Podfile.lock, project.pbxproj, package.json. */
export interface LinkedProductSpec {
  /** The product, for messages (`FirebaseAnalytics`). */
  product: string;
  /** CocoaPods pods in Podfile.lock's (transitive) `PODS:` list that link it; `Firebase/Analytics` also matches its subspecs. */
  pods: string[];
  /** Swift Package Manager products (`productName` in project.pbxproj) that link it; these names mentioned anywhere in project.pbxproj (a linked framework) count too. */
  swiftPackageProducts: string[];
  /** Repository URLs of the Swift packages whose products are known by name: a product of any other package may link it transitively. */
  swiftPackages: string[];
  /** npm packages whose autolinked pod links it (React Native), in the app's package.json. */
  npmPackages?: string[];
  /**
   * Swift packages always resolved when it is linked (`googleappmeasurement`: FirebaseAnalytics needs it), by
   * identity: a project's Package.resolved listing none proves that no Swift package, known or not, links it.
   */
  swiftResolvedPackages?: string[];
}

export type NativeGuardTest = { truthy: true } | { equals: (string | number | boolean)[] };

export interface NativeGuardSpec {
  id: string;
  description?: string;
  /** Value form: the value of these paths (calls or properties) is the consent answer. */
  values?: string[];
  /** Callback form: parameter `parameter` of the closure passed as `argument` (-1: the last / trailing closure) to these calls carries the answer. */
  callbackParameter?: { calls: string[]; argument: number; parameter: number };
  /** Callback form without a value: the closure passed as `argument` runs only when granted. */
  grantedCallback?: { calls: string[]; argument: number };
  /** Index of the call argument naming the key (category, purpose id); for `values` ending in a call. */
  keyArgument?: number;
  test: NativeGuardTest;
  purposes?: Purpose[];
  keys?: Record<string, Purpose[]>;
}

/**
 * An SDK call taking a callback whose parameter is an SDK value: parameter `parameter` of the closure
 * (a Kotlin or Java lambda, Kotlin's implicit `it` included; a Swift closure) passed as `argument`
 * (-1: the last / trailing one) to one of `calls` is of class `type`, a name in `classes`, as if declared
 * with that type (`UAirship.takeOff(app, options) { airship -> airship.pushManager… }`).
 */
export interface NativeCallbackSpec {
  calls: string[];
  argument: number;
  parameter: number;
  type: string;
  platforms?: Platform[];
}

export interface DeclarationSpec {
  rule: string;
  /** `ios-plist-key`: an Info.plist key must be set; `android-permission`: a `<uses-permission>` must be declared and not removed. */
  kind: 'ios-plist-key' | 'android-permission';
  /** The plist key or the Android permission name. */
  name: string;
  /** Native calls that need the declaration (with `arguments` as for sinks). */
  triggers?: {
    calls: string[];
    platform: Platform;
    arguments?: Record<string, (string | number | boolean)[]>;
    mentions?: string[];
  }[];
  /** JavaScript calls that need it: `functions` (as written, e.g. `requestTrackingPermissionsAsync`, `PermissionsAndroid.request`) called in a file importing `module`; with `mentions`, only calls whose line mentions that text. */
  jsTriggers?: { module: string; functions: string[]; mentions?: string }[];
  /** Expo settings that provide it: a plugin (unless `option` equals `disabledBy`), `expo.ios.infoPlist.<name>`, `expo.android.permissions`. */
  expoPlugins?: { plugin: string; option?: string; disabledBy?: boolean | string }[];
}

export interface NativePolicy {
  /** Text that makes a native file worth parsing. */
  tokens: string[];
  classes?: Record<string, NativeClass>;
  /** Rules only the native stage reports (the same shape as JS rules, without `sinks`). */
  rules?: Omit<RuleSpec, 'sinks'>[];
  sinks?: NativeSinkSpec[];
  starts?: NativeStartSpec[];
  /** Paths whose values are an advertising identifier (IDFA / GAID). */
  advertisingIdSources?: string[];
  guards?: NativeGuardSpec[];
  /** SDK calls whose callback hands the app an SDK instance (Airship's `takeOff(app, options) { airship -> … }`). */
  callbacks?: NativeCallbackSpec[];
  declarations?: DeclarationSpec[];
  /**
   * Flutter plugins (pub.dev packages in a pubspec.yaml's `dependencies:`) through which the app calls the SDK
   * from Dart. consent-lint does not analyse Dart: such a dependency is an analysis error naming `rule`.
   */
  flutterPlugins?: { package: string; rule: string }[];
}
