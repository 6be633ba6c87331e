/**
 * Offsets <-> positions in a file's text, counting lines the way Babel does
 * (`\n`, `\r\n`, `\r`, U+2028, U+2029), so an embedded script's start position
 * and Babel's own counting inside it agree.
 *
 * Positions here use Babel's convention: 1-based line, 0-based column (UTF-16
 * code units). Reports add 1 to the column.
 */
export interface BabelPos {
  line: number;
  column: number;
}

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    const re = /\r\n?|[\n\u2028\u2029]/g;
    for (let m = re.exec(text); m; m = re.exec(text)) this.starts.push(m.index + m[0].length);
  }

  pos(offset: number): BabelPos {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - s[lo] };
  }
}
