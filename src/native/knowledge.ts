/**
 * The native sections of the policies in force, indexed: classes by name and
 * JVM qualified name, sinks and starts by call path, guards, advertising-ID
 * sources, purpose bits. `resolve` turns a written path into a policy path
 * (or undefined when its root is not an SDK class in this file).
 */
import type { Policy, Purpose, RuleSpec } from '../model.js';
import { withoutSelfReturningSteps } from './fluent.js';
import type { NativeUnit } from './ir.js';
import type {
  DeclarationSpec,
  Deferral,
  NativeCallbackSpec,
  NativeClass,
  NativeGuardSpec,
  NativeSinkSpec,
  NativeStartSpec,
} from './types.js';

/** A deferral call with its flow bit. */
export type CallDeferral = Extract<Deferral, { call: string }> & { bit: number };

/** Deferral bits share the purposes' bit space under names no purpose can have. */
const DEFERRAL = '\0deferral:';

function deferralName(d: Extract<Deferral, { call: string }>): string {
  return DEFERRAL + JSON.stringify([d.platform, d.call, d.arguments ?? {}]);
}

/** Whether a call's arguments are those a deferral accepts (`setConsentRequired(true)`); an unreadable or absent one is not. */
export function acceptsArguments(
  d: Extract<Deferral, { call: string }>,
  read: (i: string) => { known: boolean; values: (string | number | boolean | null)[] },
): boolean {
  return Object.entries(d.arguments ?? {}).every(([i, accepted]) => {
    const v = read(i);
    return v.known && v.values.some((x) => accepted.some((a) => String(a) === String(x)));
  });
}

export class NativeKnowledge {
  readonly classes = new Map<string, NativeClass>();
  private readonly byJvm = new Map<string, string>();
  readonly sinksByCall = new Map<string, NativeSinkSpec[]>();
  readonly startsByCall = new Map<string, NativeStartSpec[]>();
  /** Sinks and starts that are property reads (`Firebase.analytics`), by property path. */
  readonly sinksByProperty = new Map<string, NativeSinkSpec[]>();
  readonly startsByProperty = new Map<string, NativeStartSpec[]>();
  /**
   * Last segments of the sink/start calls and properties (`analytics`,
   * `userNotificationsEnabled`): member reads and assignments of these names
   * are points of the control-flow graph (a read may be a start, an
   * assignment a setter call).
   */
  readonly memberNames = new Set<string>();
  /** Inherited method name -> the class whose member it is (`requestPermissions` -> `Activity`). */
  private readonly inherited = new Map<string, string>();
  /** Starts by SDK superclass (`CleverTapApplication`). */
  readonly startsBySuperclass = new Map<string, NativeStartSpec[]>();
  readonly starts: NativeStartSpec[] = [];
  /** Every call path a sink or start names (for "looks like an SDK call" diagnostics). */
  readonly sinkCalls = new Set<string>();
  /** SDK classes that sinks or starts are called on (`FirebaseApp` -> `FirebaseApp.configure`): their values matter. */
  readonly classesWithCalls = new Map<string, string[]>();
  readonly guards: NativeGuardSpec[] = [];
  /** SDK calls whose callback parameter is an SDK value (`UAirship.takeOff(…) { airship -> … }`). */
  readonly callbacks: NativeCallbackSpec[] = [];
  readonly advertisingIdSources: string[] = [];
  readonly declarations: DeclarationSpec[] = [];
  /** Flutter plugin package -> the rule whose calls it makes from Dart (not analysed). */
  readonly flutterPlugins = new Map<string, string>();
  /** npm packages whose dependency starts an SDK (`npmDependencies` of the starts). */
  readonly npmStartPackages: string[] = [];
  readonly rules: RuleSpec[] = [];
  readonly tokens: string[] = [];
  private readonly purposeBits = new Map<Purpose, number>();
  /**
   * Deferral calls (`OneSignal.setConsentRequired(true)`) by call path: each has a flow bit of its
   * own, beside the purposes', that holds once such a call has run (a start is deferred only
   * where it holds on every path: a deferral made after the start holds nothing back).
   */
  readonly deferralsByCall = new Map<string, CallDeferral[]>();
  /** The bits of all of them. */
  deferralMask = 0;
  /** Their method names (last segments): a call named otherwise makes none. */
  readonly deferralNames = new Set<string>();
  /** Swift class name -> the modules that declare it (`Analytics`: Segment, FirebaseAnalytics): `Segment.Analytics` names it too. */
  private readonly swiftModules = new Map<string, Set<string>>();

  constructor(policies: Policy[]) {
    for (const p of policies) {
      const n = p.native;
      if (!n) continue;
      this.tokens.push(...n.tokens);
      for (const [name, c] of Object.entries(n.classes ?? {})) {
        this.classes.set(name, { ...this.classes.get(name), ...c });
        if (c.jvm) this.byJvm.set(c.jvm, name);
        if (c.swift) this.swiftModules.set(name, (this.swiftModules.get(name) ?? new Set()).add(c.swift));
        for (const m of c.inheritedMembers ?? []) if (!this.inherited.has(m)) this.inherited.set(m, name);
      }
      for (const s of n.sinks ?? []) {
        for (const c of s.calls ?? []) this.add(this.sinksByCall, c, s);
        for (const c of s.properties ?? []) this.add(this.sinksByProperty, c, s);
      }
      for (const s of n.starts ?? []) this.addStart(s);
      this.guards.push(...(n.guards ?? []));
      this.callbacks.push(...(n.callbacks ?? []));
      this.advertisingIdSources.push(...(n.advertisingIdSources ?? []));
      this.declarations.push(...(n.declarations ?? []));
      for (const f of n.flutterPlugins ?? []) this.flutterPlugins.set(f.package, f.rule);
      for (const r of n.rules ?? []) this.rules.push({ ...r, sinks: [] });
    }
    for (const k of [...this.sinksByCall.keys(), ...this.startsByCall.keys()]) this.sinkCalls.add(k);
    for (const k of [
      ...this.sinksByCall.keys(),
      ...this.startsByCall.keys(),
      ...this.sinksByProperty.keys(),
      ...this.startsByProperty.keys(),
    ])
      this.memberNames.add(k.split('.').pop()!);
    for (const k of this.sinkCalls) {
      const [cls, ...rest] = k.split('.');
      if (rest.length) this.classesWithCalls.set(cls, [...new Set([...(this.classesWithCalls.get(cls) ?? []), k])]);
    }
  }

  /** The class of an inherited method called without a receiver (JVM), if a policy names one. */
  inheritedClass(name: string): string | undefined {
    return this.inherited.get(name);
  }

  private addStart(s: NativeStartSpec): void {
    this.starts.push(s);
    for (const c of s.calls ?? []) this.add(this.startsByCall, c, s);
    for (const c of s.properties ?? []) this.add(this.startsByProperty, c, s);
    for (const c of s.superclasses ?? []) this.add(this.startsBySuperclass, c, s);
    // A start call carrying its own deferral (Mixpanel created opted out) needs no bit.
    for (const d of s.unlessDeferredBy ?? [])
      if ('call' in d && !s.calls?.includes(d.call) && !this.deferralBit(d)) {
        const bit = this.bits([deferralName(d)]);
        if (bit) this.add(this.deferralsByCall, d.call, { ...d, bit });
        this.deferralMask |= bit;
        this.deferralNames.add(d.call.split('.').pop()!);
      }
    this.npmStartPackages.push(...(s.npmDependencies ?? []));
  }

  /** The flow bit of a deferral call (0: none, e.g. no bit left: it then holds nowhere, and the start is reported). */
  deferralBit(d: Extract<Deferral, { call: string }>): number {
    return this.purposeBits.get(deferralName(d)) ?? 0;
  }

  private add<T>(m: Map<string, T[]>, k: string, v: T): void {
    m.set(k, [...(m.get(k) ?? []), v]);
  }

  /** Bit mask of purposes (new purposes get the next bit; at most 31). */
  bits(ps: Purpose[]): number {
    let b = 0;
    for (const p of ps) {
      let bit = this.purposeBits.get(p);
      if (bit === undefined) {
        bit = this.purposeBits.size < 31 ? 1 << this.purposeBits.size : 0;
        this.purposeBits.set(p, bit);
      }
      b |= bit;
    }
    return b;
  }

  purposesOf(bits: number): Purpose[] {
    return [...this.purposeBits].filter(([p, b]) => b & bits && !p.startsWith(DEFERRAL)).map(([p]) => p);
  }

  /**
   * `['Leanplum', 'start']` -> `Leanplum.start` when `Leanplum` in this file is
   * the SDK class: on the JVM through an import (`com.leanplum.Leanplum`, a
   * wildcard, a Kotlin alias, a static member import), the file's own package
   * or a fully qualified path; on Apple platforms by name (Objective-C has one
   * global class namespace) unless the file declares a type of that name.
   */
  resolve(path: string[], unit: NativeUnit): string | undefined {
    const resolved = this.resolveWritten(path, unit);
    return resolved && withoutSelfReturningSteps(resolved, this.classes);
  }

  private resolveWritten(path: string[], unit: NativeUnit): string | undefined {
    if (!path.length) return undefined;
    if (unit.kotlinNative) return this.resolveKotlinNative(path, unit);
    const jvm = unit.language === 'kotlin' || unit.language === 'java';
    const [root, ...rest] = path;
    if (jvm) {
      // Java reaching a Kotlin `object` or companion (`Exponea.INSTANCE.init(…)`, `Braze.Companion.getInstance(…)`):
      // the same member as Kotlin's `Exponea.init(…)`.
      if (path.length > 2 && (path[1] === 'INSTANCE' || path[1] === 'Companion'))
        return this.resolveWritten([root, ...path.slice(2)], unit);
      for (let i = path.length; i >= 2; i--) {
        const cls = this.byJvm.get(path.slice(0, i).join('.'));
        if (cls) return [cls, ...path.slice(i)].join('.');
      }
      if (unit.declaredTypes.has(root)) return undefined;
      for (const imp of unit.imports) {
        const m = /^(.*?)(?:\s+as\s+(\w+))?$/.exec(imp)!;
        const q = m[1];
        const simple = m[2] ?? q.split('.').pop();
        if (q.endsWith('.*')) {
          const cls = this.byJvm.get(`${q.slice(0, -2)}.${root}`);
          if (cls) return [cls, ...rest].join('.');
          continue;
        }
        if (simple !== root) continue;
        const cls = this.byJvm.get(q);
        if (cls) return [cls, ...rest].join('.');
        // a static member import: com.leanplum.LeanplumDeviceIdMode.ADVERTISING_ID; of a Kotlin companion or object
        // member: com.braze.Braze.Companion.configure
        const owner = this.byJvm.get(
          q
            .split('.')
            .slice(0, -1)
            .join('.')
            .replace(/\.(?:Companion|INSTANCE)$/, ''),
        );
        if (owner) return [owner, q.split('.').pop()!, ...rest].join('.');
      }
      if (unit.packageName) {
        const cls = this.byJvm.get(`${unit.packageName}.${root}`);
        if (cls) return [cls, ...rest].join('.');
      }
      // `requestPermissions(…)` written in an Activity: the platform class's method (the file's own function shadows it)
      const owner = this.inherited.get(root);
      if (owner && !unit.functions.some((f) => f.name === root)) return [owner, ...path].join('.');
      return undefined;
    }
    if (unit.declaredTypes.has(root)) return undefined;
    const c = this.classes.get(root);
    if (c && (c.swift !== undefined || c.objc !== undefined)) return path.join('.');
    // Swift: a type qualified by its module (`Segment.Analytics(configuration:)`, `FirebaseAnalytics.Analytics`).
    if (unit.language === 'swift' && rest.length && this.swiftModules.get(rest[0])?.has(root)) return rest.join('.');
    return undefined;
  }

  /**
   * Kotlin for Apple platforms: an Objective-C class reaches the file through Kotlin/Native's interop
   * packages, `import cocoapods.Mixpanel.Mixpanel` (a pod's module) or `import platform.UserNotifications.*`
   * (a system framework). An import naming the class binds it by name, as Objective-C's one class
   * namespace does; a wildcard import only the classes of that module. The file's own types shadow them.
   */
  private resolveKotlinNative(path: string[], unit: NativeUnit): string | undefined {
    const [root, ...rest] = path;
    if (unit.declaredTypes.has(root)) return undefined;
    const apple = (name: string) => {
      const c = this.classes.get(name);
      return c && (c.swift !== undefined || c.objc !== undefined) ? c : undefined;
    };
    for (const imp of unit.imports) {
      const m = /^(?:cocoapods|platform)\.(\w+)\.(\w+|\*)(?:\s+as\s+(\w+))?$/.exec(imp);
      if (!m) continue;
      const [, module, name, alias] = m;
      if (name === '*') {
        const c = apple(root);
        if (c && (c.objc === module || c.swift === module)) return path.join('.');
      } else if ((alias ?? name) === root && apple(name)) return [name, ...rest].join('.');
    }
    return undefined;
  }

  /**
   * A written path that resolves to the SDK class `cls` in `unit` whatever the file imports: its JVM
   * qualified name (`com.urbanairship.UAirship`), else its name (Swift, Objective-C).
   */
  classPath(cls: string, unit: NativeUnit): string[] | undefined {
    const c = this.classes.get(cls);
    if (!c) return undefined;
    if (unit.kotlinNative) return undefined;
    if (unit.language === 'kotlin' || unit.language === 'java') return c.jvm ? c.jvm.split('.') : undefined;
    return c.swift !== undefined || c.objc !== undefined ? [cls] : undefined;
  }

  /** A written path whose root has the name of an SDK class that the file did not import (JVM, Kotlin/Native). */
  unresolvedRoot(raw: string, unit: NativeUnit): boolean {
    const root = raw.split('.')[0];
    if (unit.declaredTypes.has(root)) return false;
    const c = this.classes.get(root);
    if (unit.kotlinNative) return !!c && (c.swift !== undefined || c.objc !== undefined);
    return !!c && (unit.language === 'kotlin' || unit.language === 'java') && !!c.jvm;
  }
}
