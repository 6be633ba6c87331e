/**
 * Self-returning SDK methods (`returnsSelf` on a policy class). Fluent calls such as
 * Amplitude's `Amplitude.getInstance().trackSessionEvents(true).initialize(ctx, key)`
 * return the instance they were called on, so the step names no new value: the call
 * after it is made on the instance before it. Dropping the step gives the path the
 * policy names (`AmplitudeApi.getInstance.initialize`); without this, any setter in
 * between hid the start. Only methods the SDK documents as `return this` are listed,
 * since a dropped step that returned another object would make a wrong path.
 */
import type { NativeClass } from './types.js';

/**
 * `AmplitudeApi.getInstance.trackSessionEvents.initialize` -> `AmplitudeApi.getInstance.initialize`.
 * The segment after the class is the class's own (static) member and the last one is the call
 * being made: only the steps between them are dropped.
 */
export function withoutSelfReturningSteps(resolved: string, classes: ReadonlyMap<string, NativeClass>): string {
  const segs = resolved.split('.');
  const fluent = classes.get(segs[0])?.returnsSelf;
  if (!fluent?.length || segs.length < 4) return resolved;
  const kept = segs.filter((s, i) => i < 2 || i === segs.length - 1 || !fluent.includes(s));
  return kept.length === segs.length ? resolved : kept.join('.');
}
