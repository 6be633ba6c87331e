/**
 * Decoding an HTML attribute value while remembering where each decoded
 * character came from, so code in `onclick="… &quot;x&quot; …"` keeps exact
 * file positions. Covers numeric references and the named ones that occur in
 * code; the caller checks the result against parse5's own decoding and falls
 * back to approximate positions if they differ (an exotic entity).
 */

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0',
  Tab: '\t', NewLine: '\n', excl: '!', num: '#', dollar: '$', percnt: '%',
  lpar: '(', rpar: ')', ast: '*', midast: '*', plus: '+', comma: ',', period: '.',
  sol: '/', colon: ':', semi: ';', equals: '=', quest: '?', commat: '@',
  lsqb: '[', lbrack: '[', bsol: '\\', rsqb: ']', rbrack: ']', Hat: '^', lowbar: '_',
  grave: '`', lcub: '{', lbrace: '{', verbar: '|', vert: '|', rcub: '}', rbrace: '}',
  hyphen: '\u2010', dash: '\u2010', ndash: '\u2013', mdash: '\u2014', hellip: '\u2026',
  lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d', laquo: '\u00ab', raquo: '\u00bb',
  copy: '\u00a9', reg: '\u00ae', trade: '\u2122', euro: '\u20ac', middot: '\u00b7',
};

export interface Decoded {
  text: string;
  /** map[i]: offset in the raw value of decoded character i; map[text.length] = raw.length. */
  map: number[];
}

export function decodeAttributeWithMap(raw: string): Decoded {
  let text = '';
  const map: number[] = [];
  const push = (s: string, at: number) => {
    text += s;
    for (let k = 0; k < s.length; k++) map.push(at);
  };
  for (let i = 0; i < raw.length; ) {
    const c = raw[i];
    if (c === '\r') {
      // parse5 normalises CR LF and lone CR to LF
      push('\n', i);
      i += raw[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (c === '&') {
      const m = /^&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*);)/.exec(raw.slice(i, i + 40));
      if (m) {
        let decoded: string | undefined;
        if (m[1] !== undefined || m[2] !== undefined) {
          const cp = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2], 10);
          decoded =
            cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : String.fromCodePoint(cp);
        } else {
          decoded = NAMED[m[3]];
        }
        if (decoded !== undefined) {
          push(decoded, i);
          i += m[0].length;
          continue;
        }
      }
    }
    push(c, i);
    i++;
  }
  map.push(raw.length);
  return { text, map };
}
