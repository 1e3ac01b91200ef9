// The HTTP/1.1 downstream codec of one request: the request framing the connection parsed goes
// into the shared pipeline (router/exchange.ts), and the response comes back out as HTTP/1.1 —
// the head held back to leave in one write with the first body bytes, bodies from HTTP/1.1
// upstreams passed on in their own framing, close-delimited or HTTP/2 bodies re-framed as chunked
// (with HTTP/2 trailers in the last chunk). Local replies are written whole.
import { STATUS_CODES } from 'node:http';
import type { HcmContext } from './hcm-context.js';
import type { DownstreamConnection } from './downstream.js';
import { RequestHeaders } from './http1/headers.js';
import type { RequestHead } from './http1/parse-head.js';
import { lastChunk } from './http2/chunked-decoder.js';
import { restoredDestination } from './listener/original-dst.js';
import { Exchange } from './router/exchange.js';
import type { HeaderMutation } from './router/header-ops.js';
import type { ResponseStart } from './upstream/upstream-stream.js';

/** Writes a complete locally generated response (errors, redirects, direct responses). */
export function writeLocalReply(
  conn: DownstreamConnection, ctx: HcmContext, status: number, body: string,
  extra: RequestHeaders | undefined, mutations: readonly HeaderMutation[] | undefined,
): void {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  const len = Buffer.byteLength(body);
  let hdrs = '';
  if (extra !== undefined) {
    if (mutations !== undefined) for (const m of mutations) m.apply(extra);
    hdrs = extra.serialize();
  }
  head += hdrs;
  if (len > 0) head += `content-length: ${len}\r\ncontent-type: text/plain\r\n`;
  else head += 'content-length: 0\r\n';
  if (ctx.serverHeaderTransformation !== 'PASS_THROUGH') head += `server: ${ctx.serverName}\r\n`;
  if (conn.closeAfterResponse) head += 'connection: close\r\n';
  conn.socket.write(head + '\r\n' + body, 'latin1');
}

export class Stream extends Exchange {
  private pendingHead: string | undefined;
  /** The response body arrives unframed (close-delimited, or HTTP/2 data) and leaves chunked. */
  private chunkWrap = false;

  constructor(private readonly conn: DownstreamConnection, head: RequestHead, ctx: HcmContext) {
    super(ctx, head.headers, false);
    this.method = head.method;
    this.target = head.target;
    this.bodyKind = head.bodyKind;
    this.requestDone = head.bodyKind === 'none';
    this.grpc = (head.headers.get('content-type') ?? '').startsWith('application/grpc');
  }

  start(): void {
    this.begin();
    const h = this.headers;
    let authority = h.get('host');
    const target = this.target;
    if (target.charCodeAt(0) !== 0x2f) {
      // Absolute form (a client talking to us as a forward proxy): the URL's authority wins.
      const m = /^https?:\/\/([^/?#]+)(.*)$/i.exec(target);
      if (m === null) return this.respondLocally(400, '', 'http1.invalid_url', undefined, undefined);
      authority = m[1];
      this.target = m[2] === '' ? '/' : m[2];
      h.set('host', authority);
    }
    if (authority === undefined || authority === '') return this.respondLocally(400, '', 'missing_host_header', undefined, undefined);
    this.authority = authority;
    this.dispatch();
  }

  protected get remoteAddress(): string {
    return this.conn.remoteAddress;
  }

  protected get remotePort(): number {
    return this.conn.socket.remotePort ?? 0;
  }

  protected override get downstreamDestination(): { address: string; port: number } | undefined {
    return restoredDestination(this.conn.socket);
  }

  onRequestBodyError(): void {
    this.conn.closeAfterResponse = true;
    if (!this.responseStarted && !this.finished) {
      this.respondLocally(400, '', 'http1.codec_error', undefined, undefined);
    } else {
      this.conn.destroy();
    }
  }

  onDownstreamDrain(): void {
    this.downstreamDrained();
  }

  protected pauseRequest(): void {
    this.conn.socket.pause();
  }

  protected resumeRequest(): void {
    this.conn.socket.resume();
  }

  // ── response ────────────────────────────────────────────────────────────────────────────

  protected sendHead(r: ResponseStart): void {
    let framing = '';
    switch (r.bodyKind) {
      case 'chunked':
        framing = 'transfer-encoding: chunked\r\n';
        break;
      case 'close':
        framing = 'transfer-encoding: chunked\r\n';
        this.chunkWrap = true;
        break;
      case 'stream':
        if (!r.headers.has('content-length')) {
          framing = 'transfer-encoding: chunked\r\n';
          this.chunkWrap = true;
        }
        break;
      case 'none': case 'length':
        break;
    }
    if (!this.conn.requestComplete) this.conn.closeAfterResponse = true;
    if (this.conn.closeAfterResponse) framing += 'connection: close\r\n';
    // Held back until the first body bytes (or the end of this read) so that head and body leave
    // in one write: one syscall and no writev bookkeeping for a typical small response.
    this.pendingHead = `HTTP/1.1 ${r.status} ${r.reason}\r\n${r.headers.serialize()}${framing}\r\n`;
  }

  protected flush(): void {
    const head = this.pendingHead;
    if (head !== undefined) {
      this.pendingHead = undefined;
      this.conn.socket.write(head, 'latin1');
    }
  }

  protected sendData(data: Buffer): boolean {
    const s = this.conn.socket;
    const head = this.pendingHead;
    if (head !== undefined && !this.chunkWrap) {
      this.pendingHead = undefined;
      const out = Buffer.allocUnsafe(head.length + data.length);
      out.write(head, 0, 'latin1');
      out.set(data, head.length);
      return s.write(out);
    }
    this.flush();
    if (this.chunkWrap) {
      s.write(`${data.length.toString(16)}\r\n`, 'latin1');
      s.write(data);
      return s.write('\r\n', 'latin1');
    }
    return s.write(data);
  }

  protected sendEnd(trailers: readonly [string, string][] | undefined): void {
    this.flush();
    if (this.chunkWrap) this.conn.socket.write(lastChunk(trailers), 'latin1');
  }

  protected sendLocal(status: number, body: string, extra: RequestHeaders | undefined, mutations: readonly HeaderMutation[] | undefined, grpcStatus: number | undefined): void {
    if (!this.conn.requestComplete) this.conn.discardRest();
    if (grpcStatus !== undefined) {
      // A gRPC fault abort over HTTP/1.1: status and message in headers of an empty 200.
      extra ??= new RequestHeaders();
      extra.add('content-type', 'application/grpc');
      extra.add('grpc-status', String(grpcStatus));
      extra.add('grpc-message', body);
      body = '';
    }
    writeLocalReply(this.conn, this.ctx, status, body, extra ?? (mutations !== undefined && mutations.length > 0 ? new RequestHeaders() : undefined), mutations);
  }

  protected resetDownstream(): void {
    this.conn.destroy();
  }

  protected ended(): void {
    if (this.flags !== 'DC') this.conn.onStreamComplete();
  }
}
