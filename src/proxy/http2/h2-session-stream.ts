// One stream of an H2Session: what it has sent and received, its flow-control windows, the DATA
// waiting for window, and the request/response field rules of RFC 9113 §8.2–8.3. A stream
// reports to one listener (the downstream exchange, or the upstream codec) and is written to
// through write()/end(); pause()/resume() hold received DATA back, and with it the WINDOW_UPDATEs
// that would let the peer send more.
import { F, T } from './frames.js';
import type { HpackEncoder } from './hpack.js';
import type { H2Session } from './h2-session.js';

export interface H2StreamListener {
  /** The response head (client side), or trailers (either side). */
  onHeaders(fields: string[], endStream: boolean): void;
  onData(data: Buffer, endStream: boolean): void;
  /** The peer reset the stream (`connection`: the connection failed or closed). */
  onReset(code: number, connection: boolean): void;
  /** Data written earlier has gone out: write() may be called again. */
  onWritable(): void;
}

export type FieldWriter = (enc: HpackEncoder) => void;

export class H2SessionStream {
  listener: H2StreamListener | undefined;
  sendWindow: number;
  recvWindow: number;
  recvUnacked = 0;
  headersReceived = false;
  /** The peer's content-length (-1: none), checked against the DATA it sends (§8.1.1). */
  contentLength = -1;
  dataReceived = 0;
  /** A response to HEAD: its content-length describes no content. */
  bodiless = false;
  remoteClosed = false;
  localClosed = false;
  closedState = false;
  /** Server: when the peer opened it, and whether we answered (Rapid Reset accounting). */
  openedAt = 0;
  responded = false;
  queue: Buffer[] | undefined;
  queued = 0;
  private endPending = false;
  private trailersPending: FieldWriter | undefined;
  private paused = false;
  private held: Buffer[] | undefined;
  private heldEnd = false;

  constructor(readonly session: H2Session, readonly id: number) {
    this.sendWindow = session.peerInitialWindow;
    this.recvWindow = session.opts.streamWindow;
  }

  // ── receiving ───────────────────────────────────────────────────────────────────────────

  /** DATA from the session (padding already counted). */
  received(data: Buffer, padding: number, end: boolean): void {
    if (padding > 0) this.session.ackData(this, padding);
    if (this.paused || this.held !== undefined) {
      (this.held ??= []).push(data);
      this.heldEnd = end;
      return;
    }
    this.deliver(data, end);
  }

  private deliver(data: Buffer, end: boolean): void {
    if (data.length > 0 || end) this.listener?.onData(data, end);
    if (data.length > 0 && !this.closedState) this.session.ackData(this, data.length);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    if (held === undefined) return;
    while (held.length > 0 && !this.paused) {
      const d = held.shift()!;
      this.deliver(d, held.length === 0 && this.heldEnd);
    }
    if (held.length === 0) this.held = undefined;
  }

  // ── sending ─────────────────────────────────────────────────────────────────────────────

  sendHeaders(fields: FieldWriter, endStream: boolean): void {
    if (this.localClosed || this.closedState) return;
    this.responded = true;
    this.session.sendHeaders(this.id, fields, endStream);
    if (endStream) this.localDone();
  }

  /** Queues DATA; false when it waits for window or the socket is backed up (onWritable follows). */
  write(data: Buffer): boolean {
    if (this.localClosed || this.closedState || this.endPending) return true;
    if (data.length > 0) {
      (this.queue ??= []).push(data);
      this.queued += data.length;
      this.pump();
    }
    if (this.queued > 0 || this.session.socketBlocked) {
      this.session.wantWritable.add(this);
      return false;
    }
    return true;
  }

  /** Ends the stream once queued DATA is out: with trailers, or an empty END_STREAM DATA frame. */
  end(trailers?: FieldWriter): void {
    if (this.localClosed || this.closedState || this.endPending) return;
    this.endPending = true;
    this.trailersPending = trailers;
    if (this.queued === 0) this.finish();
  }

  private finish(): void {
    const t = this.trailersPending;
    this.trailersPending = undefined;
    if (t !== undefined) {
      this.session.sendHeaders(this.id, t, true);
    } else {
      this.session.emitFrame(T.DATA, F.END_STREAM, this.id, undefined);
    }
    this.localDone();
  }

  private localDone(): void {
    this.localClosed = true;
    if (this.remoteClosed) this.session.closeStream(this);
  }

  /** Sends what the stream's and the connection's windows allow. */
  pump(): void {
    const s = this.session;
    const q = this.queue;
    while (q !== undefined && q.length > 0) {
      const head = q[0];
      const n = Math.min(head.length, this.sendWindow, s.connSendWindow, s.peerMaxFrame);
      if (n <= 0) {
        if (s.connSendWindow <= 0) s.windowBlocked.add(this);
        return;
      }
      const chunk = n === head.length ? head : head.subarray(0, n);
      if (n === head.length) q.shift();
      else q[0] = head.subarray(n);
      this.queued -= n;
      this.sendWindow -= n;
      s.connSendWindow -= n;
      const last = this.queued === 0 && this.endPending && this.trailersPending === undefined;
      s.emitFrame(T.DATA, last ? F.END_STREAM : 0, this.id, chunk);
      if (last) {
        this.localDone();
        return;
      }
    }
    if (this.endPending) this.finish();
  }

  /** RST_STREAM with `code`; no further events reach the listener. */
  reset(code: number): void {
    this.listener = undefined;
    this.session.rst(this, code);
  }
}

const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);
const REQUEST_PSEUDO = new Set([':method', ':scheme', ':path', ':authority', ':protocol']);
/** 1 for the characters of a lowercase field name (RFC 9110 token, no uppercase: §8.2.1). */
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz") TOKEN[c.charCodeAt(0)] = 1;

/** RFC 9113 §8.2–8.3: a malformed field section is a stream error (PROTOCOL_ERROR). */
export function validateFields(fields: string[], kind: 'request' | 'response' | 'trailers'): boolean {
  let regular = false;
  let seen = 0;
  for (let i = 0; i < fields.length; i += 2) {
    const n = fields[i];
    if (n.length === 0) return false;
    if (n.charCodeAt(0) === 0x3a) {
      if (regular || kind === 'trailers') return false;
      if (kind === 'response') {
        if (n !== ':status' || seen !== 0 || !/^\d{3}$/.test(fields[i + 1])) return false;
        seen = 1;
        continue;
      }
      if (!REQUEST_PSEUDO.has(n)) return false;
      const bit = n === ':method' ? 1 : n === ':scheme' ? 2 : n === ':path' ? 4 : n === ':authority' ? 8 : 16;
      if ((seen & bit) !== 0) return false;
      seen |= bit;
      continue;
    }
    regular = true;
    for (let j = 0; j < n.length; j++) {
      const c = n.charCodeAt(j);
      if (c > 0x7f || TOKEN[c] === 0) return false;
    }
    const v = fields[i + 1];
    // NUL, CR and LF would let a field split into two on an HTTP/1.1 hop (§8.2.1).
    for (let j = 0; j < v.length; j++) {
      const c = v.charCodeAt(j);
      if (c === 0 || c === 0x0a || c === 0x0d) return false;
    }
    if (CONNECTION_SPECIFIC.has(n)) return false;
    if (n === 'te' && v !== 'trailers') return false;
  }
  if (kind === 'request') return (seen & 1) !== 0;
  if (kind === 'response') return seen === 1;
  return true;
}
