// The downstream exchange of one stream on our own HTTP/2 codec (h2-session.ts): the decoded
// request fields become the request the shared pipeline (router/exchange.ts) routes — :authority
// as host, split cookies joined — DATA its body, and the response goes back as HEADERS/DATA/
// trailers encoded straight from the pipeline's header list. Chunked HTTP/1.1 bodies are decoded
// (their trailers become HTTP/2 trailers); local replies to gRPC requests are trailers-only.
import type { HcmContext } from '../hcm-context.js';
import { RequestHeaders } from '../http1/headers.js';
import { restoredDestination } from '../listener/original-dst.js';
import { Exchange } from '../router/exchange.js';
import type { HeaderMutation } from '../router/header-ops.js';
import type { ResponseStart } from '../upstream/upstream-stream.js';
import { ChunkedDecoder } from './chunked-decoder.js';
import { H2Error } from './frames.js';
import { encodeGrpcMessage, httpToGrpcStatus, isGrpcContentType } from './grpc.js';
import { foldRequestFields } from './request-fields.js';
import type { HpackEncoder } from './hpack.js';
import type { H2SessionStream, H2StreamListener } from './h2-session-stream.js';

/** Connection-specific headers HTTP/2 forbids (RFC 9113 §8.2.2). */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** Writes `:status` and the header list, without what HTTP/2 forbids. */
export function responseFields(status: number, h: RequestHeaders): (enc: HpackEncoder) => void {
  return (enc) => {
    enc.field(':status', String(status));
    const n = h.names;
    const v = h.values;
    for (let i = 0; i < n.length; i++) if (!CONNECTION_SPECIFIC.has(n[i])) enc.field(n[i], v[i]);
  };
}

function trailerFields(t: readonly [string, string][]): (enc: HpackEncoder) => void {
  return (enc) => {
    for (const [k, v] of t) if (!CONNECTION_SPECIFIC.has(k)) enc.field(k, v);
  };
}

export class NativeH2Stream extends Exchange implements H2StreamListener {
  private decoder: ChunkedDecoder | undefined;
  private headSent = false;

  constructor(private readonly s: H2SessionStream, endStream: boolean, ctx: HcmContext, private readonly remote: string) {
    super(ctx, new RequestHeaders(), true);
    this.requestDone = endStream;
    s.listener = this;
  }

  start(fields: string[], oversize: boolean): void {
    this.ctx.stats.downstream_rq_total++;
    this.begin();
    const h = this.headers;
    const { method, path, authority } = foldRequestFields(fields, h);
    if (method !== undefined) this.method = method;
    this.grpc = isGrpcContentType(h.get('content-type'));
    if (path !== undefined) this.target = path;
    if (oversize || h.size > this.ctx.maxHeaders + 1) return this.respondLocally(431, '', 'header_overflow', undefined, undefined);
    if (authority === undefined || authority === '') return this.respondLocally(400, '', 'missing_host_header', undefined, undefined);
    if (path === undefined || this.method === 'CONNECT') return this.respondLocally(this.method === 'CONNECT' ? 403 : 400, '', 'missing_path_rejected', undefined, undefined);
    h.values[0] = authority;
    this.authority = authority;
    if (!this.requestDone) this.bodyKind = h.has('content-length') ? 'length' : 'stream';
    this.dispatch();
  }

  // ── H2StreamListener ──

  /** Request trailers end the body; HTTP/2 upstreams get them, HTTP/1.1 ones drop them (Envoy's default). */
  onHeaders(fields: string[], endStream: boolean): void {
    if (!endStream) return;
    const t: [string, string][] = [];
    for (let i = 0; i < fields.length; i += 2) t.push([fields[i], fields[i + 1]]);
    this.onRequestData(Buffer.alloc(0), true, t.length > 0 ? t : undefined);
  }

  onData(data: Buffer, endStream: boolean): void {
    this.onRequestData(data, endStream);
  }

  onReset(): void {
    this.onDownstreamClose();
  }

  onWritable(): void {
    this.downstreamDrained();
  }

  // ── Exchange ──

  protected get remoteAddress(): string {
    return this.remote;
  }

  protected get remotePort(): number {
    return this.s.session.socket.remotePort ?? 0;
  }

  protected override get downstreamDestination(): { address: string; port: number } | undefined {
    return restoredDestination(this.s.session.socket);
  }

  protected pauseRequest(): void {
    this.s.pause();
  }

  protected resumeRequest(): void {
    this.s.resume();
  }

  protected sendHead(r: ResponseStart): void {
    const h = r.headers;
    if (r.bodyKind === 'chunked') this.decoder = new ChunkedDecoder();
    else if (r.bodyKind === 'close') h.remove('content-length');
    this.headSent = true;
    this.s.sendHeaders(responseFields(r.status, h), r.bodyKind === 'none');
  }

  protected flush(): void { /* frames leave together at the end of this turn of the event loop */ }

  protected sendData(data: Buffer): boolean {
    const d = this.decoder;
    if (d === undefined) return this.s.write(data);
    let ok = true;
    if (!d.feed(data, (b) => { ok = this.s.write(b); })) {
      this.upstreamProtocolError();
      return true;
    }
    return ok;
  }

  protected sendEnd(trailers: readonly [string, string][] | undefined): void {
    const d = this.decoder;
    const t = d !== undefined ? d.trailers : trailers;
    this.s.end(t !== undefined && t.length > 0 ? trailerFields(t) : undefined);
    this.stopRequestBody();
  }

  /** The response is complete but the request body is not: RST_STREAM(NO_ERROR) stops it (§8.1). */
  private stopRequestBody(): void {
    const s = this.s;
    if (!s.remoteClosed && s.localClosed && !s.closedState) s.reset(H2Error.NO_ERROR);
  }

  protected sendLocal(status: number, body: string, extra: RequestHeaders | undefined, mutations: readonly HeaderMutation[] | undefined, grpcStatus: number | undefined): void {
    const s = this.s;
    if (this.headSent) {
      this.flags = this.flags === '' ? 'UR' : this.flags;
      s.reset(H2Error.INTERNAL_ERROR);
      return;
    }
    if (s.closedState) return;
    this.headSent = true;
    const h = extra ?? new RequestHeaders();
    if (mutations !== undefined) for (const x of mutations) x.apply(h);
    if (this.ctx.serverHeaderTransformation !== 'PASS_THROUGH') h.set('server', this.ctx.serverName);
    if (this.grpc) {
      // Trailers-only: the gRPC status travels in the one HEADERS frame that ends the stream.
      h.set('content-type', 'application/grpc');
      h.set('grpc-status', String(grpcStatus ?? httpToGrpcStatus(status)));
      if (body !== '') h.set('grpc-message', encodeGrpcMessage(body));
      this.statusOnWire = 200;
      s.sendHeaders(responseFields(200, h), true);
    } else {
      const len = Buffer.byteLength(body);
      h.set('content-length', String(len));
      if (len > 0) h.set('content-type', 'text/plain');
      s.sendHeaders(responseFields(status, h), len === 0);
      if (len > 0) {
        s.write(Buffer.from(body));
        s.end();
      }
    }
    this.stopRequestBody();
  }

  protected resetDownstream(): void {
    this.s.reset(H2Error.INTERNAL_ERROR);
  }

  protected ended(): void { /* the session goes on */ }
}
