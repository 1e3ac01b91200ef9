// HTTP/1.1 downstream to an HTTP/2 cluster. The HTTP/1.1 stream (stream.ts) writes requests in
// HTTP/1.1 wire form and reads responses framed as HTTP/1.1; this bridge stands where its pooled
// connection would: it parses the request head it is given into an HTTP/2 stream on the host's
// multiplexed pool, decodes a chunked request body, and frames the HTTP/2 response back as
// HTTP/1.1 (chunked, with trailers in the last chunk). The HTTP/1.1 ↔ HTTP/1.1 path never sees it.
import { STATUS_CODES } from 'node:http';
import type { ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import type { Http2ProtocolOptions } from '../config/types.js';
import { RequestHeaders } from '../http1/headers.js';
import { HeadError, parseRequestHead } from '../http1/parse-head.js';
import type { Host, PoolWaiter } from '../upstream/cluster.js';
import type { UpstreamConnection, UpstreamReceiver } from '../upstream/connection.js';
import { ChunkedDecoder, lastChunk } from './chunked-decoder.js';
import { H2Pool, NGHTTP2_CANCEL, type H2Connection } from './h2-pool.js';

const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

/** Acquires an HTTP/2 stream slot for an HTTP/1.1 stream; the returned handle withdraws a waiting request. */
export function acquireHttp2(host: Host, opts: Http2ProtocolOptions | undefined, w: PoolWaiter): { cancel(): void } {
  const pool = H2Pool.of(host, opts);
  const waiter = {
    onH2Ready: (conn: H2Connection) => w.onPoolReady(new H2Bridge(conn) as unknown as UpstreamConnection, host),
    onPoolFailure: (r: 'connect_failure' | 'overflow') => w.onPoolFailure(r),
  };
  pool.acquire(waiter);
  return { cancel: () => pool.cancel(waiter) };
}

const enum Req { Head, Length, Chunked, Done }

/** The socket-shaped half the HTTP/1.1 stream writes to. */
class BridgeSocket {
  constructor(private readonly b: H2Bridge) {}
  write(data: string | Buffer, enc?: BufferEncoding): boolean {
    return this.b.writeRequest(typeof data === 'string' ? Buffer.from(data, enc ?? 'latin1') : data);
  }
  cork(): void { /* HTTP/2 frames are coalesced by nghttp2 */ }
  uncork(): void { /* see cork */ }
  resume(): void { this.b.us?.resume(); }
  pause(): void { this.b.us?.pause(); }
}

class H2Bridge {
  readonly socket = new BridgeSocket(this);
  readonly reusable = false;
  readonly connected = true;
  closed = false;
  requests = 0;
  idleSince = 0;
  onDrain: (() => void) | undefined;
  us: ClientHttp2Stream | undefined;
  private receiver: UpstreamReceiver | undefined;
  private method = 'GET';
  private state = Req.Head;
  private head: Buffer | undefined;
  private remaining = 0;
  private decoder: ChunkedDecoder | undefined;
  private respChunked = false;
  private trailers: [string, string][] | undefined;
  private released = false;

  constructor(private readonly conn: H2Connection) {}

  begin(receiver: UpstreamReceiver, method: string): void {
    this.receiver = receiver;
    this.method = method;
    this.requests++;
  }

  writeRequest(d: Buffer): boolean {
    if (this.closed) return true;
    if (this.state === Req.Head) {
      const buf = this.head === undefined ? d : Buffer.concat([this.head, d]);
      const end = buf.indexOf('\r\n\r\n', 0, 'latin1');
      if (end < 0) {
        this.head = buf;
        return true;
      }
      this.head = undefined;
      const parsed = parseRequestHead(buf.toString('latin1', 0, end), 10_000);
      if (parsed instanceof HeadError) {
        this.fail('protocol');
        return true;
      }
      this.open(parsed.method, parsed.target, parsed.headers, parsed.bodyKind === 'none');
      if (parsed.bodyKind === 'length') {
        this.state = Req.Length;
        this.remaining = parsed.contentLength;
      } else if (parsed.bodyKind === 'chunked') {
        this.state = Req.Chunked;
        this.decoder = new ChunkedDecoder();
      } else {
        this.state = Req.Done;
      }
      return end + 4 < buf.length ? this.writeRequest(buf.subarray(end + 4)) : true;
    }
    const us = this.us!;
    if (this.state === Req.Length) {
      const part = d.length > this.remaining ? d.subarray(0, this.remaining) : d;
      this.remaining -= part.length;
      const ok = us.write(part);
      if (this.remaining === 0) {
        this.state = Req.Done;
        us.end();
      }
      return ok;
    }
    if (this.state === Req.Chunked) {
      const dec = this.decoder!;
      let ok = true;
      if (!dec.feed(d, (b) => { ok = us.write(b); })) {
        this.fail('protocol');
        return true;
      }
      if (dec.done) {
        this.state = Req.Done;
        us.end();
      }
      return ok;
    }
    return true;
  }

  private open(method: string, target: string, h: RequestHeaders, endStream: boolean): void {
    const headers: OutgoingHttpHeaders = { ':method': method, ':path': target, ':scheme': 'http', ':authority': h.get('host') ?? '' };
    const n = h.names;
    for (let i = 0; i < n.length; i++) {
      const k = n[i];
      if (CONNECTION_SPECIFIC.has(k)) continue;
      const prev = headers[k];
      if (prev === undefined) headers[k] = h.values[i];
      else if (Array.isArray(prev)) prev.push(h.values[i]);
      else headers[k] = [String(prev), h.values[i]];
    }
    const us = this.conn.session.request(headers, { endStream });
    this.us = us;
    us.on('response', (hdrs: IncomingHttpHeaders, flags: number) => this.onResponse(hdrs, (flags & 1) !== 0));
    us.on('data', (b: Buffer) => this.onData(b));
    us.on('trailers', (t: IncomingHttpHeaders) => {
      this.trailers = [];
      for (const [k, v] of Object.entries(t)) if (k.charCodeAt(0) !== 0x3a && v !== undefined) this.trailers.push([k, String(v)]);
    });
    us.once('end', () => this.onEnd());
    us.on('drain', () => this.onDrain?.());
    us.on('error', () => { /* 'close' follows */ });
    us.once('close', () => {
      this.release();
      if (this.receiver !== undefined) this.fail('termination');
    });
  }

  private onResponse(hdrs: IncomingHttpHeaders, endStream: boolean): void {
    const r = this.receiver;
    if (r === undefined) return;
    const h = new RequestHeaders();
    for (const k of Object.keys(hdrs)) {
      if (k.charCodeAt(0) === 0x3a) continue;
      const v = hdrs[k];
      if (Array.isArray(v)) for (const x of v) h.add(k, x);
      else if (v !== undefined) h.add(k, String(v));
    }
    const status = Number(hdrs[':status']);
    const noBody = endStream || this.method === 'HEAD' || status === 204 || status === 304;
    // Without a length the body is chunked, which also leaves room for trailers (gRPC's status).
    const len = h.get('content-length');
    const bodyKind = noBody ? 'none' : len !== undefined ? 'length' : 'chunked';
    this.respChunked = bodyKind === 'chunked';
    r.onResponseHead({ status, reason: STATUS_CODES[status] ?? 'Unknown', headers: h, keepAlive: true, bodyKind, contentLength: len === undefined ? -1 : Number(len) });
    r.onReadComplete();
  }

  private onData(b: Buffer): void {
    const r = this.receiver;
    if (r === undefined || b.length === 0) return;
    const ok = this.respChunked ? r.onResponseData(Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`, 'latin1'), b, CRLF])) : r.onResponseData(b);
    r.onReadComplete();
    if (!ok) this.us?.pause();
  }

  private onEnd(): void {
    const r = this.receiver;
    if (r === undefined) return;
    if (this.respChunked) r.onResponseData(Buffer.from(lastChunk(this.trailers), 'latin1'));
    this.receiver = undefined;
    this.release();
    r.onResponseEnd();
  }

  private fail(reason: 'termination' | 'protocol'): void {
    const r = this.receiver;
    this.receiver = undefined;
    this.destroy();
    r?.onUpstreamReset(reason);
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.conn.pool.release(this.conn);
  }

  abandon(): void {
    this.receiver = undefined;
    this.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    const us = this.us;
    if (us !== undefined && !us.closed) us.close(NGHTTP2_CANCEL);
    if (us === undefined) this.release();
  }

  get busy(): boolean {
    return this.receiver !== undefined;
  }

  get responseStarted(): boolean {
    return this.respChunked;
  }
}

const CRLF = Buffer.from('\r\n', 'latin1');
