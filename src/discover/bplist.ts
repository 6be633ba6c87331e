/**
 * Binary property lists (`bplist00`, what Xcode may leave in an Info.plist),
 * converted to the equivalent XML property list so that the one plist reader
 * (src/native/declarations.ts) reads both. Format (Apple's CFBinaryPList.c):
 * a 32-byte trailer gives the offset and object-reference sizes, the object
 * count, the top object and where the offset table lies; each object starts
 * with a marker byte (type in the high nibble, size or count in the low one,
 * 0xF: the count follows as an integer object).
 *
 * Positions in a converted file are those of the conversion (it starts with a
 * comment saying so); anything malformed throws, the caller reports the file.
 */

const MAX_DEPTH = 64;

export function isBinaryPlist(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).toString('latin1') === 'bplist00';
}

/** The XML property list equivalent to a `bplist00` file; throws on a malformed one. */
export function binaryPlistToXml(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isBinaryPlist(buf) || buf.length < 8 + 32) throw new Error('not a bplist00 file');
  const t = buf.length - 32;
  const offsetSize = buf[t + 6];
  const refSize = buf[t + 7];
  const count = Number(buf.readBigUInt64BE(t + 8));
  const top = Number(buf.readBigUInt64BE(t + 16));
  const table = Number(buf.readBigUInt64BE(t + 24));
  if (!offsetSize || offsetSize > 8 || !refSize || refSize > 8) throw new Error('bad trailer sizes');
  if (top >= count || table + count * offsetSize > t) throw new Error('bad trailer offsets');

  const uint = (at: number, size: number): number => {
    if (at + size > t) throw new Error('object outside the file');
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + buf[at + i];
    return v;
  };
  const offsetOf = (ref: number): number => {
    if (ref >= count) throw new Error(`object reference ${ref} out of range`);
    const at = uint(table + ref * offsetSize, offsetSize);
    if (at < 8 || at >= table) throw new Error(`object offset ${at} out of range`);
    return at;
  };
  /** Count in the low nibble, or an integer object after the marker; returns [count, start of content]. */
  const counted = (at: number): [number, number] => {
    const low = buf[at] & 0x0f;
    if (low !== 0x0f) return [low, at + 1];
    const m = buf[at + 1];
    if (m >> 4 !== 0x1) throw new Error('bad count');
    const size = 1 << (m & 0x0f);
    return [uint(at + 2, size), at + 2 + size];
  };
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const seen: number[] = [];

  const value = (ref: number, indent: string): string => {
    if (seen.length > MAX_DEPTH || seen.includes(ref)) throw new Error('nesting too deep or cyclic');
    const at = offsetOf(ref);
    const marker = buf[at];
    const type = marker >> 4;
    switch (type) {
      case 0x0:
        if (marker === 0x08) return `${indent}<false/>`;
        if (marker === 0x09) return `${indent}<true/>`;
        throw new Error(`unsupported marker 0x${marker.toString(16)}`);
      case 0x1: {
        const size = 1 << (marker & 0x0f);
        if (size > 16 || at + 1 + size > t) throw new Error('bad integer');
        const v = size === 8 ? buf.readBigInt64BE(at + 1).toString() : String(uint(at + 1, size));
        return `${indent}<integer>${v}</integer>`;
      }
      case 0x2: {
        const size = 1 << (marker & 0x0f);
        if (size !== 4 && size !== 8) throw new Error('bad real');
        uint(at + 1, size);
        return `${indent}<real>${size === 4 ? buf.readFloatBE(at + 1) : buf.readDoubleBE(at + 1)}</real>`;
      }
      case 0x3: {
        uint(at + 1, 8);
        const d = new Date(Date.UTC(2001, 0, 1) + buf.readDoubleBE(at + 1) * 1000);
        return `${indent}<date>${d.toISOString().replace(/\.\d{3}Z$/, 'Z')}</date>`;
      }
      case 0x4: {
        const [n, start] = counted(at);
        uint(start, n);
        return `${indent}<data>${buf.subarray(start, start + n).toString('base64')}</data>`;
      }
      case 0x5: {
        const [n, start] = counted(at);
        uint(start, n);
        return `${indent}<string>${esc(buf.subarray(start, start + n).toString('latin1'))}</string>`;
      }
      case 0x6: {
        const [n, start] = counted(at);
        uint(start, n * 2);
        const le = Buffer.from(buf.subarray(start, start + n * 2)).swap16();
        return `${indent}<string>${esc(le.toString('utf16le'))}</string>`;
      }
      case 0x8:
        return `${indent}<dict><key>CF$UID</key><integer>${uint(at + 1, (marker & 0x0f) + 1)}</integer></dict>`;
      case 0xa:
      case 0xd: {
        const [n, start] = counted(at);
        const refs = (from: number) => Array.from({ length: n }, (_, i) => uint(from + i * refSize, refSize));
        seen.push(ref);
        const inner = indent + '\t';
        let out: string;
        if (type === 0xa) {
          out = [`${indent}<array>`, ...refs(start).map((r) => value(r, inner)), `${indent}</array>`].join('\n');
        } else {
          const keys = refs(start);
          const values = refs(start + n * refSize);
          const lines = [`${indent}<dict>`];
          keys.forEach((k, i) => {
            const key = /^\s*<string>([\s\S]*)<\/string>$/.exec(value(k, ''));
            if (!key) throw new Error('a dictionary key that is not a string');
            lines.push(`${inner}<key>${key[1]}</key>`, value(values[i], inner));
          });
          lines.push(`${indent}</dict>`);
          out = lines.join('\n');
        }
        seen.pop();
        return out;
      }
      default:
        throw new Error(`unsupported marker 0x${marker.toString(16)}`);
    }
  };

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- converted by consent-lint from a binary property list (bplist00); lines and columns are those of this conversion -->',
    '<plist version="1.0">',
    value(top, ''),
    '</plist>',
    '',
  ].join('\n');
}
