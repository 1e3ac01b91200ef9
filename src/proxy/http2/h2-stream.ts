// The HTTP/2 downstream codec of one stream: pseudo-headers become the request the shared
// pipeline (router/exchange.ts) routes — :authority as host, split cookies joined — DATA frames
// its body, and the response goes back as HEADERS/DATA/trailers: chunked HTTP/1.1 bodies are
// decoded (their trailers become HTTP/2 trailers), connection-specific headers dropped. Local
// replies to gRPC requests are trailers-only gRPC responses.
import { constants, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { HcmContext } from '../hcm-context.js';
import { RequestHeaders } from '../http1/headers.js';
import { restoredDestination } from '../listener/original-dst.js';
import { Exchange } from '../router/exchange.js';
import type { HeaderMutation } from '../router/header-ops.js';
import type { ResponseStart } from '../upstream/upstream-stream.js';
import { ChunkedDecoder } from './chunked-decoder.js';
import { encodeGrpcMessage, httpToGrpcStatus, isGrpcContentType } from './grpc.js';
import { foldRequestFields } from './request-fields.js';
import { toOutgoing } from './h2-upstream.js';

const { NGHTTP2_INTERNAL_ERROR } = constants;

/** Connection-specific headers HTTP/2 forbids (RFC 9113 §8.2.2); Node refuses to send them. */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

const EMPTY = Buffer.alloc(0);

export class H2Stream extends Exchange {
  private decoder: ChunkedDecoder | undefined;
  private trailers: readonly [string, string][] | undefined;

  constructor(
    private readonly ds: ServerHttp2Stream, private readonly raw: string[], endStream: boolean,
    ctx: HcmContext, private readonly remote: string,
  ) {
    super(ctx, new RequestHeaders(), true);
    this.requestDone = endStream;
  }

  start(): void {
    this.ctx.stats.downstream_rq_total++;
    this.begin();
    const ds = this.ds;
    ds.on('error', () => { /* 'close' follows */ });
    ds.once('close', () => this.onDownstreamClose());
    const h = this.headers;
    const { method, path, authority } = foldRequestFields(this.raw, h);
    if (method !== undefined) this.method = method;
    this.grpc = isGrpcContentType(h.get('content-type'));
    if (path !== undefined) this.target = path;
    if (authority === undefined || authority === '') return this.respondLocally(400, '', 'missing_host_header', undefined, undefined);
    if (path === undefined || this.method === 'CONNECT') return this.respondLocally(this.method === 'CONNECT' ? 403 : 400, '', 'missing_path_rejected', undefined, undefined);
    h.values[0] = authority;
    this.authority = authority;
    if (!this.requestDone) {
      this.bodyKind = h.has('content-length') ? 'length' : 'stream';
      ds.on('data', (d: Buffer) => this.onRequestData(d, false));
      ds.once('end', () => this.onRequestData(EMPTY, true));
    }
    ds.on('drain', () => this.downstreamDrained());
    this.dispatch();
  }

  protected get remoteAddress(): string {
    return this.remote;
  }

  protected get remotePort(): number {
    return this.ds.session?.socket?.remotePort ?? 0;
  }

  protected override get downstreamDestination(): { address: string; port: number } | undefined {
    return restoredDestination(this.ds.session?.socket);
  }

  protected pauseRequest(): void {
    this.ds.pause();
  }

  protected resumeRequest(): void {
    this.ds.resume();
  }

  // ── response ────────────────────────────────────────────────────────────────────────────

  protected sendHead(r: ResponseStart): void {
    const ds = this.ds;
    if (ds.destroyed || ds.closed) return;
    const h = r.headers;
    if (r.bodyKind === 'chunked') this.decoder = new ChunkedDecoder();
    else if (r.bodyKind === 'close') h.remove('content-length');
    const endStream = r.bodyKind === 'none';
    // HTTP/1.1 carries trailers only in a chunked body; HTTP/2 upstreams may always send them.
    const mayHaveTrailers = r.bodyKind === 'chunked' || r.bodyKind === 'stream';
    ds.respond(toOutgoing(h, { ':status': r.status }, CONNECTION_SPECIFIC), { endStream, waitForTrailers: mayHaveTrailers });
  }

  protected flush(): void { /* HTTP/2 frames go out as they are written */ }

  protected sendData(data: Buffer): boolean {
    const ds = this.ds;
    if (ds.destroyed || ds.writableEnded) return true;
    const d = this.decoder;
    if (d === undefined) return ds.write(data);
    let ok = true;
    if (!d.feed(data, (b) => { ok = ds.write(b); })) {
      this.upstreamProtocolError();
      return true;
    }
    return ok;
  }

  protected sendEnd(trailers: readonly [string, string][] | undefined): void {
    const ds = this.ds;
    if (ds.destroyed || ds.closed || ds.writableEnded) return;
    const d = this.decoder;
    this.trailers = d !== undefined ? d.trailers : trailers;
    ds.once('wantTrailers', () => this.sendTrailers());
    ds.end();
  }

  private sendTrailers(): void {
    const out: OutgoingHttpHeaders = {};
    const t = this.trailers;
    if (t !== undefined) for (const [k, v] of t) if (!CONNECTION_SPECIFIC.has(k)) out[k] = v;
    this.ds.sendTrailers(out);
  }

  protected sendLocal(status: number, body: string, extra: RequestHeaders | undefined, mutations: readonly HeaderMutation[] | undefined, grpcStatus: number | undefined): void {
    const ds = this.ds;
    if (ds.headersSent) {
      this.flags = this.flags === '' ? 'UR' : this.flags;
      if (!ds.destroyed) ds.close(NGHTTP2_INTERNAL_ERROR);
      return;
    }
    if (ds.destroyed || ds.closed) return;
    const h = extra ?? new RequestHeaders();
    if (mutations !== undefined) for (const x of mutations) x.apply(h);
    if (this.ctx.serverHeaderTransformation !== 'PASS_THROUGH') h.set('server', this.ctx.serverName);
    if (this.grpc) {
      // Trailers-only: the gRPC status travels in the one HEADERS frame that ends the stream.
      h.set('content-type', 'application/grpc');
      h.set('grpc-status', String(grpcStatus ?? httpToGrpcStatus(status)));
      if (body !== '') h.set('grpc-message', encodeGrpcMessage(body));
      this.statusOnWire = 200;
      ds.respond(toOutgoing(h, { ':status': 200 }, CONNECTION_SPECIFIC), { endStream: true });
    } else {
      const len = Buffer.byteLength(body);
      h.set('content-length', String(len));
      if (len > 0) h.set('content-type', 'text/plain');
      ds.respond(toOutgoing(h, { ':status': status }, CONNECTION_SPECIFIC), { endStream: len === 0 });
      if (len > 0) ds.end(body);
    }
    // The request body, if any, is no longer wanted.
    if (!this.requestDone) ds.resume();
  }

  protected resetDownstream(): void {
    if (!this.ds.destroyed) this.ds.close(NGHTTP2_INTERNAL_ERROR);
  }

  protected ended(): void { /* the session goes on */ }
}
