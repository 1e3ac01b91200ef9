// Helpers for the HTTP/2 codec tests: a server on our codec (H2Session) whose streams are
// answered by a handler, and a raw client that writes hand-built frames and reads the server's
// frames back, for the edge cases a well-behaved client never produces.
import { createServer, connect as netConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { F, FRAME_HEADER, PREFACE, T, frame, settingsFrame, writeFrameHeader } from '../../src/proxy/http2/frames.js';
import { HpackDecoder, HpackEncoder } from '../../src/proxy/http2/hpack.js';
import { H2Session, type H2SessionOptions } from '../../src/proxy/http2/h2-session.js';
import type { H2SessionStream } from '../../src/proxy/http2/h2-session-stream.js';

export const defaults: H2SessionOptions = { maxConcurrentStreams: 100, streamWindow: 65535, connectionWindow: 65535, maxHeaderListSize: 16384 };

export interface ServerStream { s: H2SessionStream; fields: string[]; body: Buffer[]; oversize: boolean; reset?: number }

/** Our codec as a server: `onRequest` runs when a request ends (or at once for `early` paths). */
export async function codecServer(
  onRequest: (r: ServerStream) => void, opts: Partial<H2SessionOptions> = {},
): Promise<{ server: Server; port: number; streams: ServerStream[]; sessions: H2Session[] }> {
  const streams: ServerStream[] = [];
  const sessions: H2Session[] = [];
  const server = createServer((sock: Socket) => {
    const session = new H2Session(sock, true, { ...defaults, ...opts }, {
      onStream: (s, fields, end, oversize) => {
        const r: ServerStream = { s, fields, body: [], oversize };
        streams.push(r);
        s.listener = {
          onHeaders: (_f, e) => { if (e) onRequest(r); },
          onData: (d, e) => { r.body.push(Buffer.from(d)); if (e) onRequest(r); },
          onReset: (code) => { r.reset = code; },
          onWritable: () => { /* the tests write small bodies or wait on flow control themselves */ },
        };
        if (end) onRequest(r);
      },
      onClose: () => { /* nothing held */ },
    });
    sessions.push(session);
    session.start();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, streams, sessions };
}

export function field(r: ServerStream, name: string): string | undefined {
  const i = r.fields.indexOf(name);
  return i >= 0 && i % 2 === 0 ? r.fields[i + 1] : undefined;
}

/** A header block for hand-built HEADERS frames. */
export function block(fields: [string, string][], enc = new HpackEncoder()): Buffer {
  enc.begin(0);
  for (const [n, v] of fields) enc.field(n, v);
  return Buffer.from(enc.output);
}

export function headersFrame(id: number, blockBytes: Buffer, flags = F.END_HEADERS | F.END_STREAM): Buffer {
  return frame(T.HEADERS, flags, id, blockBytes);
}

export function rawFrame(type: number, flags: number, id: number, payload: Buffer): Buffer {
  const b = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  writeFrameHeader(b, 0, payload.length, type, flags, id);
  payload.copy(b, FRAME_HEADER);
  return b;
}

export const GET: [string, string][] = [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'x']];

export interface Frame { type: number; flags: number; id: number; payload: Buffer; fields?: string[] }

/** A client speaking raw frames; `frames` collects what the server sent, decoded lazily. */
export class RawClient {
  readonly frames: Frame[] = [];
  closed = false;
  private buf = Buffer.alloc(0);
  private readonly waiters: (() => void)[] = [];
  readonly decoder = new HpackDecoder();
  private pendingHeaders: Frame | undefined;
  private pendingBlock: Buffer[] = [];

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= FRAME_HEADER) {
        const len = this.buf.readUIntBE(0, 3);
        if (this.buf.length < FRAME_HEADER + len) break;
        const f: Frame = { type: this.buf[3], flags: this.buf[4], id: this.buf.readUInt32BE(5) & 0x7fffffff, payload: this.buf.subarray(FRAME_HEADER, FRAME_HEADER + len) };
        this.frames.push(f);
        // Header blocks are decoded as they arrive, in order, so the HPACK state stays right.
        if (f.type === T.HEADERS) {
          this.pendingHeaders = f;
          this.pendingBlock = [f.payload];
        } else if (f.type === T.CONTINUATION) {
          this.pendingBlock.push(f.payload);
        }
        if ((f.type === T.HEADERS || f.type === T.CONTINUATION) && (f.flags & F.END_HEADERS) !== 0 && this.pendingHeaders !== undefined) {
          const list: string[] = [];
          this.decoder.decode(Buffer.concat(this.pendingBlock), list);
          this.pendingHeaders.fields = list;
          this.pendingHeaders = undefined;
        }
        this.buf = this.buf.subarray(FRAME_HEADER + len);
      }
      this.wake();
    });
    socket.on('error', () => { /* 'close' follows */ });
    socket.on('close', () => { this.closed = true; this.wake(); });
  }

  static async open(port: number, preface = true): Promise<RawClient> {
    const socket = netConnect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const c = new RawClient(socket);
    if (preface) c.write(Buffer.concat([PREFACE, settingsFrame([])]));
    return c;
  }

  write(b: Buffer): void {
    this.socket.write(b);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits for a frame matching `pred` (or the connection to close: undefined). */
  async waitFor(pred: (f: Frame) => boolean, ms = 3000): Promise<Frame | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const f = this.frames.find(pred);
      if (f !== undefined) return f;
      if (this.closed) return undefined;
      if (Date.now() > deadline) throw new Error(`no such frame; got ${this.frames.map((x) => `${x.type}/${x.flags}/${x.id}`).join(' ')}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 50); });
    }
  }

  async goaway(): Promise<{ last: number; code: number } | undefined> {
    const f = await this.waitFor((x) => x.type === T.GOAWAY);
    return f === undefined ? undefined : { last: f.payload.readUInt32BE(0), code: f.payload.readUInt32BE(4) };
  }

  async rst(id: number): Promise<number | undefined> {
    const f = await this.waitFor((x) => x.type === T.RST_STREAM && x.id === id);
    return f?.payload.readUInt32BE(0);
  }

  /** The header blocks received on stream `id` so far, decoded. */
  headers(id: number): string[][] {
    return this.frames.filter((f) => f.type === T.HEADERS && f.id === id && f.fields !== undefined).map((f) => f.fields!);
  }

  close(): void {
    this.socket.destroy();
  }
}
