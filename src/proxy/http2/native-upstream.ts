// The upstream half on our own HTTP/2 codec: one request/response exchange as a stream of a
// pooled H2Session. It takes a request in any downstream framing (an HTTP/1.1 chunked body is
// decoded, bare data passes), drops what HTTP/2 forbids (connection-specific headers; host
// becomes :authority), and reports the response as bare data plus trailers, and resets with
// their reason.
import { STATUS_CODES } from 'node:http';
import { RequestHeaders } from '../http1/headers.js';
import type { OutgoingRequest, UpstreamReceiver, UpstreamResetReason, UpstreamStream } from '../upstream/upstream-stream.js';
import { ChunkedDecoder } from './chunked-decoder.js';
import { H2Error } from './frames.js';
import type { HpackEncoder } from './hpack.js';
import type { H2SessionStream, H2StreamListener } from './h2-session-stream.js';
import type { NativeH2Connection } from './native-pool.js';

/** Connection-specific headers HTTP/2 forbids (RFC 9113 §8.2.2), and host (sent as :authority). */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

function requestFields(req: OutgoingRequest): (enc: HpackEncoder) => void {
  return (enc) => {
    const h = req.headers;
    enc.field(':method', req.method);
    enc.field(':scheme', 'http');
    enc.field(':authority', h.get('host') ?? '');
    enc.field(':path', req.upstreamTarget);
    const n = h.names;
    const v = h.values;
    for (let i = 0; i < n.length; i++) {
      const k = n[i];
      if (NOT_FORWARDED.has(k)) continue;
      // TE is allowed in HTTP/2 only as "trailers" (gRPC sends it).
      if (k === 'te' && v[i] !== 'trailers') continue;
      enc.field(k, v[i]);
    }
  };
}

/** Request trailers, without what HTTP/2 forbids. */
function trailerFields(t: readonly [string, string][]): (enc: HpackEncoder) => void {
  return (enc) => {
    for (const [k, v] of t) if (!NOT_FORWARDED.has(k)) enc.field(k, v);
  };
}

/** Decoded fields (pseudo-headers skipped) as a header list. */
function headerList(fields: string[]): RequestHeaders {
  const h = new RequestHeaders();
  for (let i = 0; i < fields.length; i += 2) if (fields[i].charCodeAt(0) !== 0x3a) h.add(fields[i], fields[i + 1]);
  return h;
}

export class NativeH2UpstreamStream implements UpstreamStream, H2StreamListener {
  private us: H2SessionStream | undefined;
  private receiver: UpstreamReceiver | undefined;
  private decoder: ChunkedDecoder | undefined;
  private released = false;
  private gotHead = false;

  constructor(private readonly conn: NativeH2Connection) {}

  start(receiver: UpstreamReceiver, req: OutgoingRequest, body: readonly Buffer[] | undefined, ended: boolean): void {
    this.receiver = receiver;
    if (req.bodyKind === 'chunked') this.decoder = new ChunkedDecoder();
    const empty = ended && (body === undefined || body.every((b) => b.length === 0));
    const us = this.conn.session.request(requestFields(req), empty);
    us.listener = this;
    us.bodiless = req.method === 'HEAD';
    this.us = us;
    if (empty) return;
    if (body !== undefined) for (const b of body) this.writeBody(b);
    if (ended) this.endBody();
  }

  // ── H2StreamListener ──

  onHeaders(fields: string[], endStream: boolean): void {
    const r = this.receiver;
    if (r === undefined) return;
    if (!this.gotHead) {
      this.gotHead = true;
      const status = Number(fields[1]);
      r.onResponseHead({ status, reason: STATUS_CODES[status] ?? 'Unknown', headers: headerList(fields), bodyKind: endStream ? 'none' : 'stream' });
      if (this.receiver !== r) return;
      r.onReadComplete();
      if (endStream) this.finish(undefined);
      return;
    }
    const t: [string, string][] = [];
    for (let i = 0; i < fields.length; i += 2) t.push([fields[i], fields[i + 1]]);
    this.finish(t);
  }

  onData(data: Buffer, endStream: boolean): void {
    const r = this.receiver;
    if (r === undefined) return;
    if (data.length > 0) {
      const ok = r.onResponseData(data);
      if (this.receiver !== r) return;
      r.onReadComplete();
      if (!ok) this.us?.pause();
    }
    if (endStream) this.finish(undefined);
  }

  private finish(trailers: [string, string][] | undefined): void {
    const r = this.receiver;
    if (r === undefined) return;
    this.receiver = undefined;
    this.release();
    r.onResponseEnd(trailers);
  }

  onReset(code: number, connection: boolean): void {
    const r = this.receiver;
    this.receiver = undefined;
    this.release();
    if (r !== undefined) r.onUpstreamReset(this.resetReason(code, connection));
  }

  onWritable(): void {
    this.receiver?.onUpstreamDrain();
  }

  private resetReason(code: number, connection: boolean): UpstreamResetReason {
    if (code === H2Error.REFUSED_STREAM) return 'refused_stream';
    if (connection) return code === H2Error.CANCEL ? 'termination' : 'protocol';
    return this.conn.usable ? 'remote_reset' : 'termination';
  }

  // ── UpstreamStream ──

  writeBody(data: Buffer): boolean {
    const us = this.us;
    if (us === undefined || data.length === 0) return true;
    const d = this.decoder;
    if (d === undefined) return us.write(data);
    let ok = true;
    // The downstream codec already checked the chunked framing.
    d.feed(data, (b) => { ok = us.write(b); });
    return ok;
  }

  endBody(trailers?: readonly [string, string][]): void {
    this.us?.end(trailers === undefined ? undefined : trailerFields(trailers));
  }

  resumeResponse(): void {
    this.us?.resume();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.conn.pool.release(this.conn);
  }

  abandon(): void {
    this.receiver = undefined;
    this.release();
    const us = this.us;
    if (us !== undefined && !us.closedState) us.reset(H2Error.CANCEL);
  }
}
