// HPACK (RFC 7541): the header compression of HTTP/2. The decoder turns a header block into a
// flat [name, value, name, value, ...] list (latin1 strings, as the HTTP/1.1 codec keeps them)
// and keeps the peer's dynamic table; the encoder writes fields from the static table by index,
// indexes repeated fields in its own dynamic table (found again through a map), and
// Huffman-codes a literal when that is shorter. Sensitive fields are never indexed.
import { huffmanDecode, huffmanEncode, huffmanLength } from './hpack-huffman.js';

export const STATIC_TABLE: readonly (readonly [string, string])[] = [
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''],
  ['etag', ''], ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''],
  ['if-modified-since', ''], ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''],
  ['last-modified', ''], ['link', ''], ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''],
  ['proxy-authorization', ''], ['range', ''], ['referer', ''], ['refresh', ''], ['retry-after', ''],
  ['server', ''], ['set-cookie', ''], ['strict-transport-security', ''], ['transfer-encoding', ''],
  ['user-agent', ''], ['vary', ''], ['via', ''], ['www-authenticate', ''],
];
const STATIC_LEN = STATIC_TABLE.length;

/** name → static index of its first entry; name → value → static index of an exact entry. */
const staticName = new Map<string, number>();
const staticField = new Map<string, Map<string, number>>();
for (let i = STATIC_TABLE.length - 1; i >= 0; i--) {
  const [n, v] = STATIC_TABLE[i];
  staticName.set(n, i + 1);
  if (v === '') continue;
  let m = staticField.get(n);
  if (m === undefined) staticField.set(n, (m = new Map()));
  m.set(v, i + 1);
}

/** RFC 7541 §4.1: an entry's size is its name and value lengths plus 32. */
const ENTRY_OVERHEAD = 32;

export class HpackError extends Error {}

/** The peer's dynamic table as a ring, newest first: entry 0 is index 62. */
class DecodingTable {
  private names: string[] = new Array<string>(16);
  private values: string[] = new Array<string>(16);
  private mask = 15;
  /** Where the next entry goes; the newest is at head - 1. */
  private head = 0;
  length = 0;
  size = 0;
  constructor(public maxSize: number) {}

  name(i: number): string {
    return this.names[(this.head - 1 - i) & this.mask];
  }

  value(i: number): string {
    return this.values[(this.head - 1 - i) & this.mask];
  }

  add(name: string, value: string): void {
    const entry = name.length + value.length + ENTRY_OVERHEAD;
    // §4.4: evict first; an entry larger than the table empties it and is not added.
    this.evict(this.maxSize - entry);
    if (entry > this.maxSize) return;
    if (this.length > this.mask) this.grow();
    this.names[this.head] = name;
    this.values[this.head] = value;
    this.head = (this.head + 1) & this.mask;
    this.length++;
    this.size += entry;
  }

  private grow(): void {
    const n = this.mask + 1;
    const names = new Array<string>(n * 2);
    const values = new Array<string>(n * 2);
    for (let i = 0; i < this.length; i++) {
      names[this.length - 1 - i] = this.name(i);
      values[this.length - 1 - i] = this.value(i);
    }
    this.names = names;
    this.values = values;
    this.mask = n * 2 - 1;
    this.head = this.length & this.mask;
  }

  evict(limit: number): void {
    while (this.size > limit && this.length > 0) {
      const oldest = (this.head - this.length) & this.mask;
      this.size -= this.names[oldest].length + this.values[oldest].length + ENTRY_OVERHEAD;
      this.length--;
    }
  }

  resize(max: number): void {
    this.maxSize = max;
    this.evict(max);
  }
}

export class HpackDecoder {
  private readonly table: DecodingTable;
  private pos = 0;

  /** `maxTableSize`: what our SETTINGS_HEADER_TABLE_SIZE allows the peer to use. */
  constructor(private readonly maxTableSize = 4096) {
    this.table = new DecodingTable(maxTableSize);
  }

  get tableSize(): number {
    return this.table.size;
  }

  /** Dynamic table entries, newest first (for tests). */
  entries(): [string, string][] {
    const out: [string, string][] = [];
    for (let i = 0; i < this.table.length; i++) out.push([this.table.name(i), this.table.value(i)]);
    return out;
  }

  /**
   * Decodes one complete header block into `out` (pairs appended). Returns the header list size
   * (RFC 9113 §6.5.2: lengths + 32 per field); throws HpackError on a malformed block, which is a
   * connection error (COMPRESSION_ERROR).
   */
  decode(buf: Buffer, out: string[]): number {
    this.pos = 0;
    let listSize = 0;
    let fieldsSeen = false;
    const end = buf.length;
    while (this.pos < end) {
      const b = buf[this.pos];
      let name: string;
      let value: string;
      if (b & 0x80) {
        const idx = this.integer(buf, 7);
        if (idx === 0) throw new HpackError('index 0');
        name = this.nameAt(idx);
        value = this.valueAt(idx);
      } else if ((b & 0xe0) === 0x20) {
        // Dynamic table size update: only before the first field of a block.
        if (fieldsSeen) throw new HpackError('table size update after a field');
        const size = this.integer(buf, 5);
        if (size > this.maxTableSize) throw new HpackError('table size update above the limit');
        this.table.resize(size);
        continue;
      } else {
        const indexed = (b & 0xc0) === 0x40;
        const idx = this.integer(buf, indexed ? 6 : 4);
        name = idx === 0 ? this.string(buf) : this.nameAt(idx);
        value = this.string(buf);
        if (indexed) this.table.add(name, value);
      }
      fieldsSeen = true;
      out.push(name, value);
      listSize += name.length + value.length + ENTRY_OVERHEAD;
    }
    return listSize;
  }

  private nameAt(idx: number): string {
    if (idx <= STATIC_LEN) return STATIC_TABLE[idx - 1][0];
    const d = idx - STATIC_LEN - 1;
    if (d >= this.table.length) throw new HpackError(`index ${idx} beyond the table`);
    return this.table.name(d);
  }

  private valueAt(idx: number): string {
    if (idx <= STATIC_LEN) return STATIC_TABLE[idx - 1][1];
    return this.table.value(idx - STATIC_LEN - 1);
  }

  private integer(buf: Buffer, prefix: number): number {
    const max = (1 << prefix) - 1;
    let v = buf[this.pos++] & max;
    if (v < max) return v;
    let shift = 0;
    for (;;) {
      if (this.pos >= buf.length) throw new HpackError('truncated integer');
      const b = buf[this.pos++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
      if (shift > 28) throw new HpackError('integer overflow');
    }
    return v;
  }

  private string(buf: Buffer): string {
    if (this.pos >= buf.length) throw new HpackError('truncated string');
    const huffman = (buf[this.pos] & 0x80) !== 0;
    const len = this.integer(buf, 7);
    const start = this.pos;
    const end = start + len;
    if (end > buf.length) throw new HpackError('truncated string');
    this.pos = end;
    if (!huffman) return buf.toString('latin1', start, end);
    const s = huffmanDecode(buf, start, end);
    if (s === undefined) throw new HpackError('bad Huffman string');
    return s;
  }
}

/** Names whose values are never indexed (RFC 7541 §7.1.3: secrets stay out of the table). */
const NEVER_INDEXED = new Set(['authorization', 'proxy-authorization', 'cookie']);
/** Values unique to each request: indexing them would only evict entries worth keeping. */
const NOT_INDEXED = new Set(['x-request-id', 'traceparent', 'tracestate', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-client-trace-id', 'x-amzn-trace-id']);
/** Longer fields are sent without indexing: they would evict many useful entries. */
const MAX_INDEXED_ENTRY = 512;

export class HpackEncoder {
  /** Our dynamic table by insertion number: entry `seq` is index 62 + (inserted - 1 - seq). */
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  private readonly sizes: number[] = [];
  private oldest = 0;
  private inserted = 0;
  private size = 0;
  /** name → value → insertion number of the newest entry with that field. */
  private readonly index = new Map<string, Map<string, number>>();
  private maxSize: number;
  /** A size update to announce at the start of the next block (RFC 7541 §4.2). */
  private pendingResize: number[] | undefined;
  private buf = Buffer.allocUnsafe(4096);
  private pos = 0;

  constructor(maxSize = 4096, private readonly useHuffman = true) {
    this.maxSize = maxSize;
  }

  get tableSize(): number {
    return this.size;
  }

  /** The peer's SETTINGS_HEADER_TABLE_SIZE: we use up to 4096 of it. */
  setMaxTableSize(peerMax: number): void {
    const next = Math.min(peerMax, 4096);
    if (next === this.maxSize) return;
    (this.pendingResize ??= []).push(next);
    this.maxSize = next;
    this.evict(next);
  }

  /** Starts a block, leaving `reserve` bytes in front (a frame header) for the caller. */
  begin(reserve: number): void {
    this.pos = reserve;
    const r = this.pendingResize;
    if (r !== undefined) {
      this.pendingResize = undefined;
      // The smallest size reached, then the final one (§4.2), so the peer evicts as we did.
      const min = Math.min(...r);
      this.integer(0x20, 5, min);
      if (min !== this.maxSize) this.integer(0x20, 5, this.maxSize);
    }
  }

  /** The block so far, including the reserved bytes; valid until the next begin(). */
  get output(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  field(name: string, value: string): void {
    const s = staticField.get(name)?.get(value);
    if (s !== undefined) return this.integer(0x80, 7, s);
    const byValue = this.index.get(name);
    const seq = byValue?.get(value);
    if (seq !== undefined) return this.integer(0x80, 7, STATIC_LEN + this.inserted - seq);
    const nameIdx = staticName.get(name) ?? 0;
    const entry = name.length + value.length + ENTRY_OVERHEAD;
    if (NEVER_INDEXED.has(name) && (name !== 'cookie' || value.length < 20)) {
      this.integer(0x10, 4, nameIdx);
    } else if (entry > MAX_INDEXED_ENTRY || entry > this.maxSize || NOT_INDEXED.has(name)) {
      this.integer(0x00, 4, nameIdx);
    } else {
      this.integer(0x40, 6, nameIdx);
      this.add(name, value, entry, byValue);
    }
    if (nameIdx === 0) this.string(name);
    this.string(value);
  }

  private add(name: string, value: string, entry: number, byValue: Map<string, number> | undefined): void {
    this.evict(this.maxSize - entry);
    this.names.push(name);
    this.values.push(value);
    this.sizes.push(entry);
    if (byValue === undefined) this.index.set(name, (byValue = new Map()));
    byValue.set(value, this.inserted++);
    this.size += entry;
  }

  private evict(limit: number): void {
    while (this.size > limit && this.oldest < this.inserted) {
      const k = this.oldest - (this.inserted - this.names.length);
      this.size -= this.sizes[k];
      const byValue = this.index.get(this.names[k]);
      if (byValue !== undefined && byValue.get(this.values[k]) === this.oldest) {
        byValue.delete(this.values[k]);
        if (byValue.size === 0) this.index.delete(this.names[k]);
      }
      this.oldest++;
    }
    // Compact the arrays now and then rather than shifting per eviction.
    const dead = this.oldest - (this.inserted - this.names.length);
    if (dead > 64 && dead * 2 > this.names.length) {
      this.names.splice(0, dead);
      this.values.splice(0, dead);
      this.sizes.splice(0, dead);
    }
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private integer(flags: number, prefix: number, v: number): void {
    this.ensure(8);
    const max = (1 << prefix) - 1;
    const b = this.buf;
    if (v < max) {
      b[this.pos++] = flags | v;
      return;
    }
    b[this.pos++] = flags | max;
    v -= max;
    while (v >= 128) {
      b[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    b[this.pos++] = v;
  }

  private string(s: string): void {
    const h = this.useHuffman ? huffmanLength(s) : s.length;
    if (this.useHuffman && h <= s.length) {
      this.integer(0x80, 7, h);
      this.ensure(h);
      this.pos = huffmanEncode(s, this.buf, this.pos);
    } else {
      this.integer(0, 7, s.length);
      this.ensure(s.length);
      this.pos += this.buf.write(s, this.pos, 'latin1');
    }
  }
}
