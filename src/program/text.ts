/** Text patterns over source files (before any parsing). */

/** `text` as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regular expression matching any of `tokens` (one-character tokens are ignored), or undefined for none. */
export function tokenRegExp(tokens: Iterable<string>): RegExp | undefined {
  const list = [...new Set(tokens)].filter((t) => t.length > 1);
  return list.length ? new RegExp(list.map(escapeRegExp).join('|')) : undefined;
}
