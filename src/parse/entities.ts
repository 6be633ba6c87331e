/**
 * Decoding an HTML attribute value while remembering where each decoded
 * character came from, so code in `onclick="… &quot;x&quot; …"` keeps exact
 * file positions. Character references are decoded by the `entities` package
 * in attribute mode, the decoder parse5 itself uses, so the text agrees with
 * parse5's; the caller still checks that and falls back to approximate
 * positions if they ever differ.
 */
import { createRequire } from 'node:module';

type EntitiesDecode = typeof import('entities/decode');
const require = createRequire(import.meta.url);
let entities: EntitiesDecode | undefined;
/** Loaded on the first attribute with a character reference (an ES module, required synchronously: Node >= 20.19). */
const decodeModule = (): EntitiesDecode => (entities ??= require('entities/decode') as EntitiesDecode);

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
  let reference = '';
  let decoder: InstanceType<EntitiesDecode['HtmlEntityDecoder']> | undefined;
  for (let i = 0; i < raw.length;) {
    const c = raw[i];
    if (c === '\r') {
      // parse5 normalises CR LF and lone CR to LF
      push('\n', i);
      i += raw[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (c === '&') {
      reference = '';
      const { DecodingMode, HtmlEntityDecoder } = decodeModule();
      decoder ??= new HtmlEntityDecoder((cp) => {
        reference += String.fromCodePoint(cp);
      });
      decoder.startEntity(DecodingMode.Attribute);
      let consumed = decoder.write(raw, i + 1);
      if (consumed < 0) consumed = decoder.end();
      // `consumed` counts the `&`; 0 means this `&` starts no reference.
      if (consumed > 0) {
        push(reference, i);
        i += consumed;
        continue;
      }
    }
    push(c, i);
    i++;
  }
  map.push(raw.length);
  return { text, map };
}
