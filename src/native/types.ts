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
import type { Purpose, RuleSpec } from '../model.js';

export type Platform = 'android' | 'ios';

/** Where a class lives: its JVM qualified name (Kotlin/Java imports), Swift module, Objective-C header/framework. */
export interface NativeClass {
  jvm?: string;
  swift?: string;
  objc?: string;
}

export interface NativeSinkSpec {
  rule: string;
  /** Platforms the sink applies to (default both). */
  platforms?: Platform[];
  calls: string[];
  /** Argument index -> accepted values (enum members as `Type.MEMBER`, string/number literals): the call is a sink only with one of them. */
  arguments?: Record<string, (string | number | boolean)[]>;
  /** Extra purposes when `arguments` matched. */
  requires?: Purpose[];
  /** Argument index whose value flowing from an advertising-ID source adds `advertisingRequires`. */
  advertisingIdArgument?: number;
  advertisingRequires?: Purpose[];
}

/** Something that keeps an SDK's native start off until the JavaScript side turns it on. */
export type Deferral =
  | { call: string; platform: Platform }
  | { plist: { key: string; equals: boolean | string } }
  | { manifestMetaData: { name: string; equals: string } }
  | { androidResource: { name: string; equals: string } }
  | { expoPlugin: { plugin: string; option: string; equals: boolean | string } };

export interface NativeStartSpec {
  rule: string;
  platform: Platform;
  /** Native calls that start the SDK. */
  calls?: string[];
  /** Manifest `<meta-data android:name=…>` whose presence starts the SDK with no app code (Airship autopilot). */
  manifestMetaData?: string[];
  /** Manifest `<application android:name=…>` values that start the SDK (CleverTap's Application class). */
  manifestApplication?: string[];
  /** The start is not a sink when any of these is declared; the JavaScript call named by `jsRule` then is. */
  unlessDeferredBy?: Deferral[];
  /** The JavaScript rule that takes over when deferred (documentation; that rule is always checked). */
  jsRule?: string;
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

export interface DeclarationSpec {
  rule: string;
  /** `ios-plist-key`: an Info.plist key must be set; `android-permission`: a `<uses-permission>` must be declared and not removed. */
  kind: 'ios-plist-key' | 'android-permission';
  /** The plist key or the Android permission name. */
  name: string;
  /** Native calls that need the declaration (with `arguments` as for sinks). */
  triggers?: { calls: string[]; platform: Platform; arguments?: Record<string, (string | number | boolean)[]>; mentions?: string[] }[];
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
  declarations?: DeclarationSpec[];
}
