/** Text patterns over source files (before any parsing). */

/** The 1-based line and column of `offset` in `text` (lines end at `\n`): for data files, not scripts (see parse/positions). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** `text` as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regular expression matching any of `tokens` (one-character tokens are ignored), or undefined for none. */
export function tokenRegExp(tokens: Iterable<string>): RegExp | undefined {
  const list = [...new Set(tokens)].filter((t) => t.length > 1);
  // A two-letter name (Universal Analytics' global `ga`) is a word: as text it is in nearly every file.
  const pattern = (t: string) => (t.length === 2 && /^\w+$/.test(t) ? `\\b${t}\\b` : escapeRegExp(t));
  return list.length ? new RegExp(list.map(pattern).join('|')) : undefined;
}

/**
 * A case-insensitive regular expression that matches wherever any of `literals`
 * occurs (and possibly elsewhere: it is a prefilter, exact texts are tested
 * after it). Shaped as a trie of the lower-cased literals: V8's irregexp runs a
 * wide flat alternation over every position of the text, which costs several
 * times a trie; literals containing another one are dropped (the shorter one
 * already matches there). Undefined for no literal or an empty one (it would
 * match everywhere).
 */
export function literalPrefilter(literals: Iterable<string>): RegExp | undefined {
  // ASCII letters only: a non-ASCII literal's lower case may differ in length, while under `i` any text matches itself.
  const lower = [...new Set([...literals].map((l) => l.replace(/[A-Z]/g, (c) => c.toLowerCase())))];
  if (!lower.length || lower.includes('')) return undefined;
  const kept = lower.filter((l) => !lower.some((o) => o !== l && l.includes(o)));
  type Node = Map<string, Node>;
  const root: Node = new Map();
  for (const l of kept) {
    let n = root;
    for (const c of l) {
      let next = n.get(c);
      if (!next) n.set(c, (next = new Map<string, Node>()));
      n = next;
    }
  }
  // No kept literal is a prefix of another, so every leaf ends one and no inner node does.
  const emit = (n: Node): string => {
    const alts = [...n].map(([c, next]) => escapeRegExp(c) + emit(next));
    return alts.length <= 1 ? (alts[0] ?? '') : `(?:${alts.join('|')})`;
  };
  return new RegExp(emit(root), 'i');
}
