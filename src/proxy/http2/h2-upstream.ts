// The HTTP/2 upstream codec: one request/response exchange as a stream on a pooled HTTP/2
// connection. It takes a request in any downstream framing (an HTTP/1.1 chunked body is decoded,
// bare data passes), drops what HTTP/2 forbids (connection-specific headers; host becomes
// :authority), and reports the response as bare data plus trailers, and resets with their reason.
import { STATUS_CODES } from 'node:http';
import { constants, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { RequestHeaders } from '../http1/headers.js';
import type { OutgoingRequest, UpstreamReceiver, UpstreamResetReason, UpstreamStream } from '../upstream/upstream-stream.js';
import { ChunkedDecoder } from './chunked-decoder.js';
import type { H2Connection } from './h2-pool.js';

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = constants;

/** Connection-specific headers HTTP/2 forbids (RFC 9113 §8.2.2), and host (sent as :authority). */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

/** Copies headers into Node's outgoing shape, skipping `skip`; repeated names become arrays. */
export function toOutgoing(h: RequestHeaders, out: OutgoingHttpHeaders, skip: ReadonlySet<string>): OutgoingHttpHeaders {
  const n = h.names;
  for (let i = 0; i < n.length; i++) {
    const k = n[i];
    if (skip.has(k)) continue;
    const prev = out[k];
    if (prev === undefined) out[k] = h.values[i];
    else if (Array.isArray(prev)) prev.push(h.values[i]);
    else out[k] = [String(prev), h.values[i]];
  }
  return out;
}

/** Node's incoming header object (pseudo-headers skipped) as a header list. */
export function fromIncoming(hdrs: IncomingHttpHeaders): RequestHeaders {
  const h = new RequestHeaders();
  for (const k of Object.keys(hdrs)) {
    if (k.charCodeAt(0) === 0x3a) continue;
    const v = hdrs[k];
    if (Array.isArray(v)) for (const x of v) h.add(k, x);
    else if (v !== undefined) h.add(k, String(v));
  }
  return h;
}

export class H2UpstreamStream implements UpstreamStream {
  private us: ClientHttp2Stream | undefined;
  private receiver: UpstreamReceiver | undefined;
  private decoder: ChunkedDecoder | undefined;
  private trailers: [string, string][] | undefined;
  private released = false;

  constructor(private readonly conn: H2Connection) {}

  start(receiver: UpstreamReceiver, req: OutgoingRequest, body: readonly Buffer[] | undefined, ended: boolean): void {
    this.receiver = receiver;
    const h = req.headers;
    const headers = toOutgoing(h, { ':method': req.method, ':path': req.upstreamTarget, ':scheme': 'http', ':authority': h.get('host') ?? '' }, NOT_FORWARDED);
    if (req.bodyKind === 'chunked') this.decoder = new ChunkedDecoder();
    const us = this.conn.session.request(headers, { endStream: ended && (body === undefined || body.every((b) => b.length === 0)) });
    this.us = us;
    us.on('response', (hdrs: IncomingHttpHeaders, flags: number) => this.onResponse(hdrs, (flags & 1) !== 0));
    us.on('data', (d: Buffer) => {
      const r = this.receiver;
      if (r === undefined || d.length === 0) return;
      const ok = r.onResponseData(d);
      if (this.receiver === r) r.onReadComplete();
      if (!ok) us.pause();
    });
    us.on('trailers', (t: IncomingHttpHeaders) => {
      const out: [string, string][] = [];
      for (const k of Object.keys(t)) if (k.charCodeAt(0) !== 0x3a && t[k] !== undefined) out.push([k, String(t[k])]);
      this.trailers = out;
    });
    us.once('end', () => {
      const r = this.receiver;
      if (r === undefined) return;
      this.receiver = undefined;
      this.release();
      r.onResponseEnd(this.trailers);
    });
    us.on('drain', () => this.receiver?.onUpstreamDrain());
    us.on('error', () => { /* 'close' follows */ });
    us.once('close', () => {
      const r = this.receiver;
      this.receiver = undefined;
      this.release();
      if (r !== undefined) r.onUpstreamReset(this.resetReason(us.rstCode));
    });
    if (body !== undefined) for (const b of body) this.writeBody(b);
    if (ended) this.endBody();
  }

  private resetReason(code: number): UpstreamResetReason {
    if (code === NGHTTP2_REFUSED_STREAM) return 'refused_stream';
    return this.conn.usable ? 'remote_reset' : 'termination';
  }

  private onResponse(hdrs: IncomingHttpHeaders, endStream: boolean): void {
    const r = this.receiver;
    if (r === undefined) return;
    const status = Number(hdrs[':status']);
    r.onResponseHead({ status, reason: STATUS_CODES[status] ?? 'Unknown', headers: fromIncoming(hdrs), bodyKind: endStream ? 'none' : 'stream' });
    if (this.receiver === r) r.onReadComplete();
  }

  writeBody(data: Buffer): boolean {
    const us = this.us;
    if (us === undefined || data.length === 0 || us.writableEnded) return true;
    const d = this.decoder;
    if (d === undefined) return us.write(data);
    let ok = true;
    // The downstream codec already checked the chunked framing.
    d.feed(data, (b) => { ok = us.write(b); });
    return ok;
  }

  endBody(): void {
    const us = this.us;
    if (us !== undefined && !us.writableEnded) us.end();
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
    if (us !== undefined && !us.closed) us.close(NGHTTP2_CANCEL);
  }
}
