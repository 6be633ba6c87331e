/**
 * A tiny structured-program model for the dominance property test.
 *
 * This is deliberately NOT Babel: the oracle interprets this model directly,
 * so that it shares no code (and no bugs) with the engine under test. The
 * printer (print.ts) turns it into JavaScript source for the engine.
 */

/** Purposes used by the generated programs, as bits of a "granted" mask. */
export const MARKETING = 1;
export const ANALYTICS = 2;
/** Not a purpose: OneSignal's own switch (`OneSignal.setConsentRequired(true)`) has run; it holds back `init` sinks. */
export const HELD = 4;
export type Mask = number;

export type GuardPurpose = 'marketing' | 'analytics';

export const purposeBit: Record<GuardPurpose, Mask> = { marketing: MARKETING, analytics: ANALYTICS };

const cookiebotKey: Record<GuardPurpose, string> = { marketing: 'marketing', analytics: 'statistics' };

/**
 * Syntactic forms of the same guard read (all must be recognised: the spec
 * resolves what a value IS, not how it is spelled). Form 0 is the plain one.
 */
export const GUARD_FORMS = 5;
export function guardText(p: GuardPurpose, form = 0): string {
  const k = cookiebotKey[p];
  switch (form) {
    case 1:
      return `window.Cookiebot.consent.${k}`;
    case 2:
      return `Cookiebot.consent['${k}']`;
    case 3:
      return `Cookiebot?.consent?.${k}`; // nullish CMP object: falsy, not granted
    case 4:
      return `CookieConsent.consent.${k}`; // Cookiebot's other global name
    default:
      return `Cookiebot.consent.${k}`;
  }
}

export function maskToPurposes(m: Mask): string[] {
  const out: string[] = [];
  if (m & ANALYTICS) out.push('analytics');
  if (m & MARKETING) out.push('marketing');
  return out; // sorted alphabetically
}

/** Conditions: read-once boolean formulas over independent atoms. */
export type Cond =
  | { k: 'guard'; p: GuardPurpose; form?: number } // Cookiebot.consent.marketing / .statistics (see guardText)
  | { k: 'flag' } // flag(): opaque call (may throw when calls may throw)
  | { k: 'ready' } // ready: opaque identifier read
  | { k: 'not'; c: Cond }
  | { k: 'and'; a: Cond; b: Cond }
  | { k: 'or'; a: Cond; b: Cond }
  | { k: 'tern'; c: Cond; a: Cond; b: Cond }
  // Guard values (guard-values.property.test.ts; not in the harness / fromSource round trip):
  | { k: 'stored'; i: number } // s<i>: a `const` declared at the start of the body (Program.stores)
  | { k: 'nullish'; p: GuardPurpose; dflt: boolean } // (Cookiebot?.consent?.x ?? dflt): fail-open when true
  | { k: 'async'; p: GuardPurpose; awaited: boolean }; // (await hasConsentAsync('p')) / hasConsentAsync('p'): a promise is always truthy

/** `push`: Leanplum.registerForWebPush() (rule leanplum/push, needs marketing).
 *  `start`: Leanplum.start() (rule leanplum/init, needs analytics + marketing).
 *  `init`: OneSignal.initialize('APP_ID') (rule onesignal/init, needs analytics + marketing), held back
 *  where OneSignal.setConsentRequired(true) (`hold`) has run on every path (switches.property.test.ts). */
export type SinkKind = 'push' | 'start' | 'init';

export const sinkRequires: Record<SinkKind, Mask> = {
  push: MARKETING,
  start: MARKETING | ANALYTICS,
  init: MARKETING | ANALYTICS,
};
export const sinkRule: Record<SinkKind, string> = {
  push: 'leanplum/push',
  start: 'leanplum/init',
  init: 'onesignal/init',
};
const sinkMethod: Record<SinkKind, string> = { push: 'registerForWebPush', start: 'start', init: 'initialize' };

/** Syntactic forms of the same sink call (script-tag global). Form 0 is the plain one. */
export const SINK_FORMS = 6;
export function sinkText(kind: SinkKind, form = 0): string {
  const m = sinkMethod[kind];
  const [sdk, args] = kind === 'init' ? ['OneSignal', "'APP_ID'"] : ['Leanplum', ''];
  switch (form) {
    case 1:
      return `window.${sdk}.${m}(${args})`;
    case 2:
      return `globalThis.${sdk}.${m}(${args})`;
    case 3:
      return `${sdk}['${m}'](${args})`;
    case 4:
      return `${sdk}?.${m}(${args})`;
    case 5:
      return `${sdk}.${m}?.(${args})`;
    default:
      return `${sdk}.${m}(${args})`;
  }
}

/** The `hold` statement: OneSignal's own switch, which holds back later `init` sinks once it has run. */
export const HOLD_TEXT = 'OneSignal.setConsentRequired(true)';

export type Label = 'outer' | 'inner';

/**
 * Statements. `id` on sink-bearing statements is assigned by `legalize`
 * (gen.ts) in source order, so the printer and the oracle agree on it.
 */
export type Stmt =
  | { k: 'block'; body: Stmt[] }
  | { k: 'if'; c: Cond; then: Stmt[]; else?: Stmt[] }
  // Loop tests are optional: none means `while (true)` / `do ... while (true)` / `for (;;)`.
  | { k: 'while'; c?: Cond; body: Stmt[]; label?: Label }
  | { k: 'doWhile'; c?: Cond; body: Stmt[]; label?: Label }
  | { k: 'for'; c?: Cond; body: Stmt[]; label?: Label } // for (; C; ) { ... }
  | { k: 'forOf'; body: Stmt[]; label?: Label } // for (const item of xs) { ... }
  | { k: 'labelled'; label: Label; body: Stmt[] } // L: { ... }
  | { k: 'break'; label?: Label }
  | { k: 'continue'; label?: Label }
  | { k: 'return' }
  | { k: 'throw' } // throw new Error();
  | { k: 'try'; block: Stmt[]; handler?: Stmt[]; finalizer?: Stmt[] }
  | { k: 'switch'; cases: SwitchCase[] } // switch (x) { ... }
  | { k: 'work' } // work();
  | { k: 'hold' } // OneSignal.setConsentRequired(true);  (switches.property.test.ts)
  // `form`: the sink's spelling (see sinkText)
  | { k: 'sink'; sink: SinkKind; form?: number; id?: number } // Leanplum.xxx();
  | { k: 'andSink'; c: Cond; sink: SinkKind; form?: number; id?: number } // C && Leanplum.xxx();
  | { k: 'orSink'; c: Cond; sink: SinkKind; form?: number; id?: number } // C || Leanplum.xxx();  (runs when C is falsy)
  | { k: 'ternSink'; c: Cond; sink: SinkKind; onTrue: boolean; form?: number; id?: number }; // C ? Leanplum.xxx() : work();  (or swapped)

/** `test === null` is `default:`. Case values are distinct. */
export interface SwitchCase {
  test: number | null;
  body: Stmt[];
}

export interface Program {
  /** true: statements at module top level; false: inside `function main(x, xs) { ... }` (never referenced). */
  topLevel: boolean;
  body: Stmt[];
  /** Number of sinks; sink ids are 0..sinks-1 (assigned by legalize). */
  sinks: number;
  /** Sink id -> kind. */
  sinkKinds: SinkKind[];
  /** `const s<i> = <cond>;` at the start of the body, in order (guard values). */
  stores?: Cond[];
  /** Purposes whose Cookiebot value the app overwrites (`function qa() { Cookiebot.consent.x = true; }`): their guards prove nothing. */
  mutated?: GuardPurpose[];
}

/** The config the guard-value programs are scanned with (the async predicate). */
export const GUARD_VALUE_CONFIG = { guards: [{ function: 'hasConsentAsync', purposeArgument: 0, async: true }] };

export function cookiebotKeyOf(p: GuardPurpose): string {
  return cookiebotKey[p];
}
