/**
 * Compacting a fresh Babel AST for the rest of the run (ASTs live as long as
 * the analysis, so their size is most of the memory a parsed file keeps):
 *
 *   - each node's `loc` becomes its script's one `ScriptPositions`, shared by
 *     every node: `locOf(node)` computes the node's `start`/`end` from
 *     `node.start`/`node.end` when asked (the same line and column Babel
 *     gives), instead of Babel's `SourceLocation` and its `Position` objects
 *     (about 100 bytes a node less; a per-node location object alone was a
 *     tenth of the live heap on a dense tree). Read positions only through
 *     `locOf` (a lint rule forbids reading `.loc` elsewhere);
 *   - arrays are copied to their exact size: an array Babel grew by `push`
 *     keeps room for 16 more elements.
 *
 * Positions are read rarely (findings, errors, import diagnostics), so
 * computing them on demand costs nothing measurable.
 */
import type { File, Node, SourceLocation } from '@babel/types';
import type { BabelPos } from './positions.js';
import { VISITOR_KEYS } from './visitor-keys.js';

type Position = SourceLocation['start'];

/** File positions of a script's code offsets, as Babel counts lines (`\r\n`, `\n`, `\r`, U+2028, U+2029). */
export class ScriptPositions {
  /** Offsets where each line of the code starts (built on first use). */
  private starts: Uint32Array | undefined;

  constructor(
    private readonly code: string,
    readonly filename: string,
    /** File position of `code[0]`. */
    private readonly first: BabelPos,
    /** For decoded text: the file position of each code offset (then `first` is not used). */
    private readonly remap?: (index: number) => BabelPos,
  ) {}

  /** The position of a code offset: 1-based line and 0-based column in the file, and the offset itself. */
  at(index: number): Position {
    if (this.remap) {
      const p = this.remap(index);
      return { line: p.line, column: p.column, index };
    }
    const starts = (this.starts ??= lineStarts(this.code));
    // The last line starting at or before `index`.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    // Babel's `startColumn` shifts the first line only.
    return lo === 0
      ? { line: this.first.line, column: index + this.first.column, index }
      : { line: this.first.line + lo, column: index - starts[lo], index };
  }
}

function lineStarts(code: string): Uint32Array {
  const out = [0];
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 10 || c === 0x2028 || c === 0x2029) out.push(i + 1);
    else if (c === 13) {
      if (code.charCodeAt(i + 1) === 10) i++;
      out.push(i + 1);
    }
  }
  return Uint32Array.from(out);
}

/** A node's offsets, and where compaction left its location: its script's positions, or Babel's own `loc`. */
interface Located {
  start?: number | null;
  end?: number | null;
  loc?: SourceLocation | ScriptPositions | null;
}

/**
 * A node's (or comment's) location: computed from its offsets where compaction
 * left its script's positions, else Babel's own (a script kept as parsed, a
 * node built by hand). The one way to read a position.
 */
export function locOf(node: object): SourceLocation | undefined {
  // eslint-disable-next-line no-restricted-syntax -- the one reader of `loc`
  const { loc, start, end } = node as Located;
  if (loc instanceof ScriptPositions)
    return { start: loc.at(start ?? 0), end: loc.at(end ?? 0), filename: loc.filename, identifierName: undefined };
  return loc ?? undefined;
}

type Mutable = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && typeof (v as Node).type === 'string';

/**
 * Positions computed as Babel does for `code`, or undefined when they might not
 * be: Babel does not count a line separator (U+2028/U+2029) escaped by a
 * backslash in a string or template as a line break, and telling that from a
 * comment takes a tokenizer; such scripts (rare) keep Babel's own `loc`s.
 */
export function scriptPositions(
  code: string,
  filename: string,
  first: BabelPos,
  remap?: (index: number) => BabelPos,
): ScriptPositions | undefined {
  if (!remap && LINE_SEPARATORS.test(code)) return undefined;
  return new ScriptPositions(code, filename, first, remap);
}

const LINE_SEPARATORS = /[\u2028\u2029]/;

/**
 * Replace every node's and comment's `loc` with the script's shared `positions`
 * (when given; read through `locOf`), and every array with an exact-size copy. Children are
 * found by the node type's visitor keys (a `for…in` over every property of
 * every node cost more than the rest of compaction); a type the table lacks is
 * walked by its own keys, and the file's comments are walked too.
 */
export function compactAst(ast: File, positions: ScriptPositions | undefined): void {
  const stack: Mutable[] = [ast as unknown as Mutable];
  const file = ast as unknown as Mutable;
  if (Array.isArray(file.comments)) {
    file.comments = file.comments.slice();
    for (const c of file.comments as unknown[]) if (isNode(c)) stack.push(c as unknown as Mutable);
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    // eslint-disable-next-line no-restricted-syntax -- compaction writes the shared positions
    if (positions && node.loc) node.loc = positions;
    const keys = VISITOR_KEYS[node.type as string];
    if (keys) {
      for (let i = 0; i < keys.length; i++) compactChild(node, keys[i], stack);
      continue;
    }
    for (const key in node) {
      if (key === 'loc' || key === 'extra' || key === 'errors' || key === 'comments') continue;
      compactChild(node, key, stack);
    }
  }
}

/** Compact what `node[key]` holds: an array becomes exact-size; child nodes are queued. */
function compactChild(node: Mutable, key: string, stack: Mutable[]): void {
  const v = node[key];
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    if (v.length > 0) node[key] = v.slice();
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (isNode(x)) stack.push(x as unknown as Mutable);
    }
  } else if (isNode(v)) stack.push(v as unknown as Mutable);
}
