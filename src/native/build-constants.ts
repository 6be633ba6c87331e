/**
 * Dependency coordinates a Gradle build names through constants of its own build logic
 * (`buildSrc/`, Gradle scripts' `ext` values): `object Libs { const val firebaseAnalytics = "com.google.firebase:firebase-analytics-ktx" }`
 * used as `implementation(Libs.firebaseAnalytics)`, or an enum of coordinates,
 * `FirebaseAnalytics("com.google.firebase", "firebase-analytics")` used as
 * `implementation(FirebaseLibrary.FirebaseAnalytics)` (k-tigre/kid-numbers). Without them such a
 * dependency was unread, and an SDK that starts from its library alone (Firebase Analytics) was silent.
 *
 * Read as text, never executed. A constant is found by its name, the last segment of the
 * reference: two constants of one name in different objects both count (more is reported,
 * never less).
 */
import type { DiscoveredFile } from '../model.js';

/**
 * A source of the build's own logic: `buildSrc/` (its Kotlin, Java or Groovy code; not its build output) and
 * Gradle scripts, whose `ext` blocks and maps name coordinates too (`ext.libs = [firebaseAnalytics: "g:a:v"]`
 * in a root `build.gradle` or an applied `gradle/dependencies.gradle`, used as `implementation libs.firebaseAnalytics`).
 */
export function isBuildLogicSource(relPath: string): boolean {
  return (
    /(?:^|\/)buildSrc\/src\/[^/]+\/(?:kotlin|java|groovy)\/.+\.(?:kt|kts|java|groovy)$/.test(relPath) ||
    isGradleScript(relPath)
  );
}

/** A Gradle script (`build.gradle`, `dependencies.gradle`, `versions.gradle.kts`), not a settings file. */
export function isGradleScript(relPath: string): boolean {
  return /\.gradle(?:\.kts)?$/.test(relPath) && !/(?:^|\/)settings\.gradle(?:\.kts)?$/.test(relPath);
}

const COORDINATE = String.raw`([\w.-]+):([\w.-]+)(?::[^"'\n]*)?`;
/** `NAME = "g:a:v"` (Kotlin `val`/`const val`, Java/Groovy fields, Groovy map entries `NAME: "g:a"`). */
const ASSIGNED = new RegExp(String.raw`\b(\w+)\b[ \t]*(?::[ \t]*String[ \t]*)?[=:][ \t]*["']${COORDINATE}["']`, 'g');
/** `NAME("g", "a"…)`: an enum entry or a call of the build's own coordinate type. */
const GROUP_ARTIFACT = /\b(\w+)[ \t]*\([ \t]*["']([\w.-]+)["'][ \t]*,[ \t]*["']([\w.-]+)["']/g;

/** Constant name -> the `group:artifact` modules it names, and the files that define it. */
export type BuildConstants = Map<string, { modules: string[]; files: string[] }>;

export function readBuildConstants(files: DiscoveredFile[]): BuildConstants {
  const out: BuildConstants = new Map();
  const add = (name: string, module: string, file: string) => {
    const e = out.get(name) ?? { modules: [], files: [] };
    if (!e.modules.includes(module)) e.modules.push(module);
    if (!e.files.includes(file)) e.files.push(file);
    out.set(name, e);
  };
  for (const f of files) {
    if (!isBuildLogicSource(f.relPath)) continue;
    for (const m of f.text.matchAll(ASSIGNED)) add(m[1], `${m[2]}:${m[3]}`, f.relPath);
    for (const m of f.text.matchAll(GROUP_ARTIFACT)) add(m[1], `${m[2]}:${m[3]}`, f.relPath);
  }
  return out;
}
