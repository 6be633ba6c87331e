/**
 * Argument labels, kept on a call so a policy may name an argument by label where its position
 * varies (`Mixpanel.initialize(token:…, optOutTrackingByDefault: true)` has a dozen defaulted
 * parameters before it): Swift `label:`, Kotlin named arguments `name =`, Objective-C selector
 * keywords (`sharedInstanceWithToken:… optOutTrackingByDefault:YES`).
 */
import type { SyntaxNode } from './parsers.js';

/** A Kotlin `value_argument`'s name, when it is written `name = value` (`value` is the argument's value node). */
export function kotlinArgumentLabel(a: SyntaxNode, value: SyntaxNode): string | undefined {
  const first = a.children[0];
  return first?.type === 'identifier' && a.children[1]?.type === '=' && first.id !== value.id ? first.text : undefined;
}

/** A Swift `value_argument`'s label (`optOutTrackingByDefault` of `optOutTrackingByDefault: true`). */
export function swiftArgumentLabel(a: SyntaxNode): string | undefined {
  for (const c of a.namedChildren) if (c?.type === 'value_argument_label') return c.text;
  return undefined;
}

/** `{ labels }` to spread into a call when any argument has one (calls without labels stay as they were). */
export function labelsOf(labels: (string | undefined)[]): { labels?: (string | undefined)[] } {
  return labels.some((l) => l !== undefined) ? { labels } : {};
}

/** An Objective-C message's labels: its selector keywords, one per argument. */
export function selectorLabels(keywords: SyntaxNode[], argCount: number): { labels?: (string | undefined)[] } {
  return keywords.length === argCount && argCount > 0 ? { labels: keywords.map((m) => m.text) } : {};
}

/**
 * How a policy names an argument: `"1"` (by position), `"optOutTrackingByDefault"` (by label), or
 * `"0:contract"` (position 0, or the argument written with that name: a Kotlin named argument may
 * stand anywhere, `rememberLauncherForActivityResult(contract = …)`).
 */
export function argumentKey(key: number | string): { index?: number; label?: string } {
  if (typeof key === 'number') return { index: key };
  const m = /^(\d+)?(?::?([A-Za-z_]\w*))?$/.exec(key);
  return { index: m?.[1] === undefined ? undefined : Number(m[1]), label: m?.[2] };
}

/** The key as a report says it: `argument 2`, `argument \`contract\`` (`Argument …` to start a sentence). */
export function argumentName(key: number | string, capital = false): string {
  const { index, label } = argumentKey(key);
  const word = capital ? 'Argument' : 'argument';
  return index !== undefined ? `${word} ${index + 1}` : `${word} \`${label ?? key}\``;
}
