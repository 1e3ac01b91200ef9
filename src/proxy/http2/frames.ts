// HTTP/2 framing (RFC 9113 §4, §6): frame types, flags, error codes and settings identifiers,
// and the 9-octet frame header. Frames are built straight into Buffers for one socket write.

export const FRAME_HEADER = 9;
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export const enum T {
  DATA = 0, HEADERS = 1, PRIORITY = 2, RST_STREAM = 3, SETTINGS = 4, PUSH_PROMISE = 5, PING = 6,
  GOAWAY = 7, WINDOW_UPDATE = 8, CONTINUATION = 9,
}

export const enum F {
  /** END_STREAM on DATA and HEADERS; ACK (the same bit) on SETTINGS and PING. */
  END_STREAM = 0x1, END_HEADERS = 0x4, PADDED = 0x8, PRIORITY = 0x20,
}
export const ACK = 0x1;

/** RFC 9113 §7 error codes. */
export const H2Error = {
  NO_ERROR: 0x0, PROTOCOL_ERROR: 0x1, INTERNAL_ERROR: 0x2, FLOW_CONTROL_ERROR: 0x3, SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5, FRAME_SIZE_ERROR: 0x6, REFUSED_STREAM: 0x7, CANCEL: 0x8, COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa, ENHANCE_YOUR_CALM: 0xb, INADEQUATE_SECURITY: 0xc, HTTP_1_1_REQUIRED: 0xd,
} as const;

export const enum S {
  HEADER_TABLE_SIZE = 1, ENABLE_PUSH = 2, MAX_CONCURRENT_STREAMS = 3, INITIAL_WINDOW_SIZE = 4,
  MAX_FRAME_SIZE = 5, MAX_HEADER_LIST_SIZE = 6,
}

export const DEFAULT_FRAME_SIZE = 16384;
export const DEFAULT_INITIAL_WINDOW = 65535;
export const MAX_WINDOW = 2147483647;

export function writeFrameHeader(b: Buffer, off: number, len: number, type: number, flags: number, stream: number): void {
  b[off] = len >>> 16;
  b[off + 1] = (len >>> 8) & 0xff;
  b[off + 2] = len & 0xff;
  b[off + 3] = type;
  b[off + 4] = flags;
  b.writeUInt32BE(stream, off + 5);
}

/** A frame with a payload copied in (or none). */
export function frame(type: number, flags: number, stream: number, payload?: Buffer): Buffer {
  const len = payload === undefined ? 0 : payload.length;
  const b = Buffer.allocUnsafe(FRAME_HEADER + len);
  writeFrameHeader(b, 0, len, type, flags, stream);
  if (payload !== undefined) payload.copy(b, FRAME_HEADER);
  return b;
}

export function u32Frame(type: number, flags: number, stream: number, v: number): Buffer {
  const b = Buffer.allocUnsafe(FRAME_HEADER + 4);
  writeFrameHeader(b, 0, 4, type, flags, stream);
  b.writeUInt32BE(v, FRAME_HEADER);
  return b;
}

export function settingsFrame(settings: readonly [number, number][]): Buffer {
  const b = Buffer.allocUnsafe(FRAME_HEADER + 6 * settings.length);
  writeFrameHeader(b, 0, 6 * settings.length, T.SETTINGS, 0, 0);
  let o = FRAME_HEADER;
  for (const [id, v] of settings) {
    b.writeUInt16BE(id, o);
    b.writeUInt32BE(v, o + 2);
    o += 6;
  }
  return b;
}

export function goawayFrame(lastStream: number, code: number): Buffer {
  const b = Buffer.allocUnsafe(FRAME_HEADER + 8);
  writeFrameHeader(b, 0, 8, T.GOAWAY, 0, 0);
  b.writeUInt32BE(lastStream, FRAME_HEADER);
  b.writeUInt32BE(code, FRAME_HEADER + 4);
  return b;
}
