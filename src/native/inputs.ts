/**
 * The light half of the native stage: which discovered files it reads, and the
 * rules it puts in force. A JavaScript-only scan needs only this; the analysis
 * itself (./index.ts: tree-sitter, the native IR, flow graphs, declarations)
 * is loaded when there is a file for it.
 */
import { escapeRegExp } from '../program/text.js';
import type { Config, DiscoveredFile, Policy, RuleSpec } from '../model.js';
import { ruleSeverity } from '../policy/severity.js';
import { isDeclarationFile, isExpoCodeConfig } from './declarations.js';
import { NativeKnowledge } from './knowledge.js';
import { isLinkEvidence } from './linked.js';
import { languageOf } from './parsers.js';

export const JS_RE = /\.(?:[cm]?[jt]sx?)$/;

/** Files the native stage reads (and the JavaScript stage does not). */
export function isNativeFile(relPath: string): boolean {
  return languageOf(relPath) !== undefined || isDeclarationFile(relPath) || isLinkEvidence(relPath);
}

/**
 * What the native stage reads: native sources, declaration files, Expo code
 * configs, what the iOS app links (Podfile, Podfile.lock, project.pbxproj:
 * they alone are no reason to run the stage), and the JavaScript files that may
 * hold a declaration trigger (they name one of its functions) or name a word of a
 * sink's `reportIfMentioned`. `native`: whether there is anything native at all.
 * Without a native file there is nothing to analyse: declarations are checked only
 * against declaration files the scan holds, and native starts live in native code,
 * so the JavaScript files are not searched then (no file: the result is the rules).
 */
export function nativeInputs(
  files: DiscoveredFile[],
  policies: Policy[],
): { files: DiscoveredFile[]; native: boolean } {
  const own = (f: DiscoveredFile) =>
    languageOf(f.relPath) !== undefined || isDeclarationFile(f.relPath) || isExpoCodeConfig(f.relPath);
  if (!files.some(own)) return { files: [], native: false };
  const set = new Set<string>();
  for (const p of policies) {
    for (const d of p.native?.declarations ?? [])
      for (const t of d.jsTriggers ?? []) for (const f of t.functions) set.add(f.split('.').pop()!);
    // Words whose mention makes an unreadable sink argument a match (a bridge may hand POST_NOTIFICATIONS over from JavaScript).
    for (const s of p.native?.sinks ?? [])
      for (const m of Object.values(s.arguments ?? {}))
        if (!Array.isArray(m)) for (const w of m.unreadable?.reportIfMentioned ?? []) set.add(w);
  }
  // One search per file for any of the names (a text search per name costs more on large trees).
  const names = set.size ? new RegExp([...set].map(escapeRegExp).join('|')) : undefined;
  // Podfile, Podfile.lock, project.pbxproj go along (what the iOS app links) but never start the stage.
  const out = files.filter(
    (f) => own(f) || isLinkEvidence(f.relPath) || (names && JS_RE.test(f.relPath) && names.test(f.text)),
  );
  return { files: out, native: true };
}

/** Rules in force: JS rules (native sinks may name them) and native-only rules, with config severities. */
export function nativeRules(policies: Policy[], k: NativeKnowledge, config: Config | undefined): Map<string, RuleSpec> {
  const out = new Map<string, RuleSpec>();
  for (const r of [...policies.flatMap((p) => p.rules), ...k.rules]) {
    const severity = ruleSeverity(r, config);
    if (severity === 'off') continue;
    out.set(r.id, severity !== r.severity ? { ...r, severity } : r);
  }
  return out;
}

/** The native-only rules in force, with their config severities: what `analyseNative` reports with no files. */
export function nativeRulesInForce(policies: Policy[], config: Config | undefined): RuleSpec[] {
  const k = new NativeKnowledge(policies);
  if (!k.tokens.length) return [];
  const rules = nativeRules(policies, k, config);
  return k.rules.filter((r) => rules.has(r.id)).map((r) => rules.get(r.id)!);
}
