// HPACK's Huffman code (RFC 7541 Appendix B). The code is canonical, so the 257 code lengths are
// all the table there is: codes are assigned in order of (length, symbol). Decoding looks the
// next 8 bits up in a 256-entry table (every printable ASCII byte has a code of at most 8 bits)
// and walks the canonical code bit by bit only for the rare longer codes.

/** Code length of each symbol 0..256 (EOS), as a letter: 'A' is 5 bits. */
const LENGTHS = 'ISXXXXXXXTZXXZXXXXXXXXZXXXXXXXXXBFFHIBDGFFDGDBBBAAABBBBBBBCDKBHFIBCCCCCCCCCCCCCCCCCCCCCCDCDIOIJBKABABABBBACCBBBABCBAABCCCCCKGJIXPRPPRRRSRSSSSSTSTTRSTSSSSQRSRSSTRQPRRSSQSRRTQRSSQQRQSRSSPRRRSRRSVVPORSRUVVVWWVTUOQVWWVWTQQVVXWWWPTPQRQQSRRUUTTVSVWVVWWWWWXWWWWWVZ';

const EOS = 256;
const codeLen = new Uint8Array(257);
const code = new Uint32Array(257);
/** Canonical decoding: for each length, the first code, how many codes, and where their symbols start in `sorted`. */
const firstCode = new Float64Array(31);
const countOf = new Uint16Array(31);
const offsetOf = new Uint16Array(31);
const sorted = new Uint16Array(257);
/** The next 8 bits → symbol << 4 | length, for codes of at most 8 bits; 0 when the code is longer. */
const fast8 = new Uint16Array(256);

{
  for (let s = 0; s < 257; s++) codeLen[s] = LENGTHS.charCodeAt(s) - 65 + 5;
  const order = Array.from({ length: 257 }, (_, s) => s).sort((a, b) => codeLen[a] - codeLen[b] || a - b);
  let c = 0;
  let prev = codeLen[order[0]];
  for (let i = 0; i < order.length; i++) {
    const s = order[i];
    const len = codeLen[s];
    if (i > 0) c = (c + 1) * 2 ** (len - prev);
    prev = len;
    code[s] = c;
    sorted[i] = s;
    if (countOf[len] === 0) {
      firstCode[len] = c;
      offsetOf[len] = i;
    }
    countOf[len]++;
    if (len <= 8) {
      const span = 1 << (8 - len);
      const base = c << (8 - len);
      for (let j = 0; j < span; j++) fast8[base + j] = (s << 4) | len;
    }
  }
}

/** Bytes `s` (latin1) takes Huffman-coded. */
export function huffmanLength(s: string): number {
  let bits = 0;
  for (let i = 0; i < s.length; i++) bits += codeLen[s.charCodeAt(i) & 0xff];
  return (bits + 7) >> 3;
}

/** Writes `s` Huffman-coded at `out[pos]` (room for huffmanLength(s) bytes); returns the end. */
export function huffmanEncode(s: string, out: Buffer, pos: number): number {
  // 32-bit integer arithmetic: at most 7 pending bits plus at most 24 new ones at a time.
  let acc = 0;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const sym = s.charCodeAt(i) & 0xff;
    let len = codeLen[sym];
    const c = code[sym];
    if (len > 24) {
      const hi = len - 16;
      acc = (acc << hi) | (c >>> 16);
      n += hi;
      while (n >= 8) {
        n -= 8;
        out[pos++] = acc >>> n;
        acc &= (1 << n) - 1;
      }
      acc = (acc << 16) | (c & 0xffff);
      n += 16;
      len = 0;
    } else {
      acc = (acc << len) | c;
      n += len;
    }
    while (n >= 8) {
      n -= 8;
      out[pos++] = acc >>> n;
      acc &= (1 << n) - 1;
    }
  }
  // Padding: the most significant bits of EOS, all ones.
  if (n > 0) out[pos++] = (acc << (8 - n)) | ((1 << (8 - n)) - 1);
  return pos;
}

/** Decoded bytes, reused: a Huffman string decodes to at most 8/5 of its length. */
let scratch = Buffer.allocUnsafe(4096);

/** Decodes `buf[start..end)`; undefined when it is not a valid Huffman string (RFC 7541 §5.2). */
export function huffmanDecode(buf: Buffer, start: number, end: number): string | undefined {
  const need = Math.ceil(((end - start) * 8) / 5);
  if (need > scratch.length) scratch = Buffer.allocUnsafe(need);
  const out = scratch;
  let o = 0;
  let acc = 0; // < 2^16: at most 15 unread bits
  let n = 0;
  let i = start;
  for (;;) {
    while (n < 8 && i < end) {
      acc = ((acc << 8) | buf[i++]) & 0xffff;
      n += 8;
    }
    if (n === 0) return out.toString('latin1', 0, o);
    const peek = n >= 8 ? (acc >>> (n - 8)) & 0xff : ((acc << (8 - n)) | ((1 << (8 - n)) - 1)) & 0xff;
    const e = fast8[peek];
    const len = e & 15;
    if (e !== 0 && len <= n) {
      out[o++] = e >> 4;
      n -= len;
      continue;
    }
    if (n < 8) {
      // What is left must be padding: fewer than 8 bits, all ones (a prefix of EOS).
      return (acc & ((1 << n) - 1)) === (1 << n) - 1 ? out.toString('latin1', 0, o) : undefined;
    }
    // A code longer than 8 bits: extend bit by bit.
    let c = peek;
    let l = 8;
    n -= 8;
    for (;;) {
      if (n === 0) {
        if (i >= end) return undefined;
        acc = buf[i++];
        n = 8;
      }
      n--;
      c = c * 2 + ((acc >>> n) & 1);
      l++;
      if (l > 30) return undefined;
      const k = c - firstCode[l];
      if (countOf[l] > 0 && k >= 0 && k < countOf[l]) {
        const sym = sorted[offsetOf[l] + k];
        if (sym === EOS) return undefined;
        out[o++] = sym;
        break;
      }
    }
    acc &= (1 << n) - 1;
  }
}
