// One HTTP/2 downstream stream through the router: the same routing, forwarding headers, circuit
// breakers, load balancing, timeouts and local replies as an HTTP/1.1 request, then an upstream
// exchange over HTTP/2 (multiplexed pool) or HTTP/1.1 (keep-alive pool), as the cluster's
// protocol options say. Translation both ways: :authority ↔ host, hop-by-hop removal, chunked
// framing and trailers. Local replies to gRPC requests are trailers-only gRPC responses.
import { constants, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Deadline } from '../coarse-timers.js';
import type { HcmContext } from '../hcm-context.js';
import { RequestHeaders } from '../http1/headers.js';
import type { ResponseHead } from '../http1/parse-head.js';
import { mutateRequestHeaders } from '../request-headers.js';
import { LocalReplies, type LocalReply } from '../response-flags.js';
import { routeRequest } from '../route-request.js';
import type { HeaderMutation } from '../router/header-ops.js';
import type { CompiledRoute } from '../router/route-table.js';
import { countDownstreamStatus, countUpstreamStatus } from '../stats.js';
import type { Cluster, Host, PoolWaiter } from '../upstream/cluster.js';
import type { UpstreamConnection, UpstreamReceiver } from '../upstream/connection.js';
import { ChunkedDecoder, chunk, lastChunk } from './chunked-decoder.js';
import { encodeGrpcMessage, httpToGrpcStatus, isGrpcContentType } from './grpc.js';
import { H2Pool, type H2Connection, type H2PoolWaiter } from './h2-pool.js';

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR, NGHTTP2_REFUSED_STREAM } = constants;

/** Connection-specific headers HTTP/2 forbids (RFC 9113 §8.2.2); Node refuses to send them. */
const CONNECTION_SPECIFIC = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'];

const remoteReset: LocalReply = {
  status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: remote reset', flag: 'UR',
  detail: 'upstream_reset_before_response_started{remote_reset}',
};
const refusedStream: LocalReply = {
  status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: remote refused stream reset', flag: 'UR',
  detail: 'upstream_reset_before_response_started{remote_refused_stream_reset}',
};

function toOutgoing(h: RequestHeaders, out: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const n = h.names;
  for (let i = 0; i < n.length; i++) {
    const k = n[i];
    if (CONNECTION_SPECIFIC.includes(k)) continue;
    const prev = out[k];
    if (prev === undefined) out[k] = h.values[i];
    else if (Array.isArray(prev)) prev.push(h.values[i]);
    else out[k] = [String(prev), h.values[i]];
  }
  return out;
}

export class H2Stream implements UpstreamReceiver, PoolWaiter, H2PoolWaiter, Deadline {
  private readonly h = new RequestHeaders();
  private method = '';
  private path = '';
  private authority = '';
  private grpc = false;
  private route: CompiledRoute | undefined;
  private clusterName = '';
  private cluster: Cluster | undefined;
  private host: Host | undefined;
  private responseMutations: HeaderMutation[] | undefined;
  private timeoutMs = 0;
  private timerArmed = false;
  deadline = 0;
  private target = '';
  private requestDone: boolean;
  private queued: Buffer[] | undefined;
  private finished = false;
  private responseStarted = false;
  private status = 0;
  private flags = '';
  private detail = '';
  private start0 = 0;
  private upstreamStart = 0;
  // HTTP/1.1 upstream
  private h1: UpstreamConnection | undefined;
  private h1Chunked = false;
  private decoder: ChunkedDecoder | undefined;
  // HTTP/2 upstream
  private pool: H2Pool | undefined;
  private h2conn: H2Connection | undefined;
  private us: ClientHttp2Stream | undefined;
  private trailers: OutgoingHttpHeaders | undefined;
  private waiting = false;

  constructor(
    private readonly ds: ServerHttp2Stream, private readonly raw: string[], endStream: boolean,
    private readonly ctx: HcmContext, private readonly remoteAddress: string,
  ) {
    this.requestDone = endStream;
  }

  start(): void {
    const ctx = this.ctx;
    this.start0 = performance.now();
    ctx.stats.downstream_rq_total++;
    ctx.stats.downstream_rq_active++;
    const ds = this.ds;
    ds.on('error', () => { /* 'close' follows */ });
    ds.once('close', () => this.onDownstreamClose());
    let path: string | undefined;
    let authority: string | undefined;
    let cookies: string | undefined;
    const h = this.h;
    const raw = this.raw;
    h.add('host', '');
    for (let i = 0; i < raw.length; i += 2) {
      const k = raw[i];
      const v = raw[i + 1];
      if (k.charCodeAt(0) === 0x3a) {
        if (k === ':method') this.method = v;
        else if (k === ':path') path = v;
        else if (k === ':authority') authority = v;
      } else if (k === 'cookie') {
        // HTTP/2 may split cookies into several fields; HTTP/1.1 needs one (RFC 9113 §8.2.3).
        cookies = cookies === undefined ? v : `${cookies}; ${v}`;
      } else if (k === 'host') {
        authority ??= v;
      } else {
        h.add(k, v);
      }
    }
    if (cookies !== undefined) h.add('cookie', cookies);
    this.grpc = isGrpcContentType(h.get('content-type'));
    if (authority === undefined || authority === '') return this.respondLocally(400, '', '', 'missing_host_header', undefined);
    if (path === undefined || this.method === 'CONNECT') return this.respondLocally(this.method === 'CONNECT' ? 403 : 400, '', '', 'missing_path_rejected', undefined);
    h.values[0] = authority;
    this.authority = authority;
    this.path = path;
    const q = path.indexOf('?');
    const p = q < 0 ? path : path.slice(0, q);
    const query = q < 0 ? '' : path.slice(q);
    mutateRequestHeaders(h, ctx.forwarding, this.remoteAddress, ctx.scheme);
    const r = routeRequest(ctx, h, authority, p, query, path);
    if (r.kind === 'local') {
      this.route = r.route;
      return this.respondLocally(r.status, r.body, r.flag, r.detail, r.extra);
    }
    this.route = r.route;
    this.clusterName = r.clusterName;
    this.responseMutations = r.responseMutations;
    this.timeoutMs = r.timeoutMs;
    this.target = r.target;
    const cluster = r.cluster;
    this.cluster = cluster;
    if (cluster.activeRequests >= cluster.maxRequests) {
      cluster.stats.upstream_rq_pending_overflow++;
      return this.localReply(LocalReplies.overflow);
    }
    const host = cluster.pick();
    if (host === undefined) return this.localReply(LocalReplies.noHealthyUpstream);
    this.host = host;
    cluster.activeRequests++;
    host.activeRequests++;
    cluster.stats.upstream_rq_total++;
    cluster.stats.upstream_rq_active++;
    if (!this.requestDone) {
      ds.on('data', (d: Buffer) => this.onRequestData(d));
      ds.once('end', () => this.onRequestEnd());
    } else {
      this.armTimeout();
    }
    ds.on('drain', () => {
      this.h1?.socket.resume();
      this.us?.resume();
    });
    this.waiting = true;
    const proto = cluster.config.httpProtocolOptions;
    // USE_DOWNSTREAM: this request came over HTTP/2, so it goes upstream over HTTP/2.
    if (proto !== undefined && proto.upstreamProtocol !== 'HTTP1') {
      this.pool = H2Pool.of(host, proto.http2ProtocolOptions);
      this.pool.acquire(this);
    } else {
      host.acquire(this);
    }
  }

  private armTimeout(): void {
    if (this.timeoutMs > 0 && !this.timerArmed && !this.finished) {
      this.timerArmed = true;
      this.deadline = performance.now() + this.timeoutMs;
      this.ctx.timers.add(this);
    }
  }

  // ── request body ────────────────────────────────────────────────────────────────────────

  private onRequestData(d: Buffer): void {
    if (this.finished) return;
    if (this.h1 !== undefined) {
      if (!this.writeH1Body(d)) this.ds.pause();
    } else if (this.us !== undefined) {
      if (!this.us.write(d)) this.ds.pause();
    } else {
      (this.queued ??= []).push(d);
      if (this.queued.length > 16) this.ds.pause();
    }
  }

  private onRequestEnd(): void {
    this.requestDone = true;
    if (this.finished) return;
    this.armTimeout();
    if (this.h1 !== undefined) {
      if (this.h1Chunked) this.h1.socket.write(lastChunk(undefined), 'latin1');
    } else if (this.us !== undefined) {
      this.us.end();
    }
  }

  private writeH1Body(d: Buffer): boolean {
    const s = this.h1!.socket;
    if (!this.h1Chunked) return s.write(d);
    let ok = true;
    for (const part of chunk(d)) ok = s.write(part);
    return ok;
  }

  // ── HTTP/1.1 upstream ───────────────────────────────────────────────────────────────────

  onPoolReady(conn: UpstreamConnection): void {
    this.waiting = false;
    if (this.finished) {
      this.host!.release(conn);
      return;
    }
    this.h1 = conn;
    this.upstreamStart = performance.now();
    conn.begin(this, this.method);
    const h = this.h;
    let framing = '';
    const q = this.queued;
    this.queued = undefined;
    if (!h.has('content-length')) {
      if (!this.requestDone) {
        this.h1Chunked = true;
        framing = 'transfer-encoding: chunked\r\n';
      } else if (q !== undefined) {
        // The whole body arrived while the connection was being set up: send it with its length.
        framing = `content-length: ${q.reduce((n, b) => n + b.length, 0)}\r\n`;
      }
    }
    const s = conn.socket;
    s.cork();
    s.write(`${this.method} ${this.target} HTTP/1.1\r\n${h.serialize()}${framing}\r\n`, 'latin1');
    if (q !== undefined) for (const b of q) this.writeH1Body(b);
    if (this.requestDone && this.h1Chunked) s.write(lastChunk(undefined), 'latin1');
    s.uncork();
    if (!this.requestDone) {
      conn.onDrain = () => this.ds.resume();
      this.ds.resume();
    }
  }

  onPoolFailure(reason: 'connect_failure' | 'overflow'): void {
    this.waiting = false;
    this.localReply(reason === 'overflow' ? LocalReplies.overflow : LocalReplies.connectFailure);
  }

  onResponseHead(r: ResponseHead): void {
    if (r.bodyKind === 'chunked') this.decoder = new ChunkedDecoder();
    const h = r.headers;
    if (r.bodyKind === 'close') h.remove('content-length');
    this.sendResponseHeaders(r.status, h, r.bodyKind === 'none', r.bodyKind === 'chunked');
  }

  onResponseData(data: Buffer): boolean {
    const d = this.decoder;
    if (d === undefined) return this.ds.write(data);
    let ok = true;
    if (!d.feed(data, (b) => { ok = this.ds.write(b); })) {
      this.h1?.destroy();
      return true;
    }
    return ok;
  }

  onReadComplete(): void { /* HTTP/2 frames go out as they are written */ }

  onResponseEnd(): void {
    const up = this.h1!;
    this.h1 = undefined;
    const d = this.decoder;
    if (d !== undefined) {
      const t: OutgoingHttpHeaders = {};
      for (const [k, v] of d.trailers) if (!CONNECTION_SPECIFIC.includes(k)) t[k] = v;
      this.trailers = t;
    }
    if (!this.requestDone) up.destroy();
    else this.host!.release(up);
    this.endResponse();
  }

  onUpstreamReset(reason: 'termination' | 'protocol'): void {
    this.h1 = undefined;
    const stats = this.cluster!.stats;
    stats.upstream_rq_rx_reset++;
    if (reason === 'protocol') stats.upstream_cx_protocol_error++;
    if (this.responseStarted) return this.resetDownstream('UR');
    this.localReply(reason === 'protocol' ? LocalReplies.upstreamProtocolError : LocalReplies.connectionTermination);
  }

  // ── HTTP/2 upstream ─────────────────────────────────────────────────────────────────────

  onH2Ready(conn: H2Connection): void {
    this.waiting = false;
    if (this.finished) {
      conn.pool.release(conn);
      return;
    }
    this.h2conn = conn;
    this.upstreamStart = performance.now();
    const h = this.h;
    const headers: OutgoingHttpHeaders = {
      ':method': this.method, ':path': this.target, ':scheme': 'http', ':authority': h.values[0],
    };
    h.remove('host');
    toOutgoing(h, headers);
    const q = this.queued;
    this.queued = undefined;
    const us = conn.session.request(headers, { endStream: this.requestDone && q === undefined });
    this.us = us;
    us.on('response', (hdrs: IncomingHttpHeaders, flags: number) => this.onH2Response(hdrs, (flags & 1) !== 0));
    us.on('data', (d: Buffer) => {
      if (!this.ds.write(d)) us.pause();
    });
    us.on('trailers', (t: IncomingHttpHeaders) => {
      const out: OutgoingHttpHeaders = {};
      for (const k of Object.keys(t)) if (k.charCodeAt(0) !== 0x3a) out[k] = t[k];
      this.trailers = out;
    });
    us.once('end', () => {
      if (this.us !== us) return;
      this.releaseH2();
      this.endResponse();
    });
    us.on('error', () => { /* 'close' follows */ });
    us.once('close', () => {
      if (this.us !== us) return;
      const code = us.rstCode;
      this.releaseH2();
      const stats = this.cluster!.stats;
      stats.upstream_rq_rx_reset++;
      if (this.responseStarted) return this.resetDownstream('UR');
      this.localReply(code === NGHTTP2_REFUSED_STREAM ? refusedStream : conn.usable ? remoteReset : LocalReplies.connectionTermination);
    });
    us.on('drain', () => this.ds.resume());
    if (q !== undefined) {
      for (const b of q) us.write(b);
      if (this.requestDone) us.end();
    }
    if (!this.requestDone) this.ds.resume();
  }

  private releaseH2(): void {
    const c = this.h2conn;
    this.us = undefined;
    this.h2conn = undefined;
    if (c !== undefined) c.pool.release(c);
  }

  private onH2Response(hdrs: IncomingHttpHeaders, endStream: boolean): void {
    const h = new RequestHeaders();
    for (const k of Object.keys(hdrs)) {
      if (k.charCodeAt(0) === 0x3a) continue;
      const v = hdrs[k];
      if (Array.isArray(v)) for (const x of v) h.add(k, x);
      else if (v !== undefined) h.add(k, String(v));
    }
    this.sendResponseHeaders(Number(hdrs[':status']), h, endStream, !endStream);
  }

  // ── response ────────────────────────────────────────────────────────────────────────────

  private sendResponseHeaders(status: number, h: RequestHeaders, endStream: boolean, mayHaveTrailers: boolean): void {
    const ds = this.ds;
    if (ds.destroyed || ds.closed) return;
    this.responseStarted = true;
    this.status = status;
    const ctx = this.ctx;
    const m = this.responseMutations;
    if (m !== undefined) for (const x of m) x.apply(h);
    if (!ctx.suppressEnvoyHeaders) h.set('x-envoy-upstream-service-time', String(Math.round(performance.now() - this.upstreamStart)));
    switch (ctx.serverHeaderTransformation) {
      case 'OVERWRITE': h.set('server', ctx.serverName); break;
      case 'APPEND_IF_ABSENT': if (!h.has('server')) h.add('server', ctx.serverName); break;
      case 'PASS_THROUGH': break;
    }
    const out = toOutgoing(h, { ':status': status });
    ds.respond(out, { endStream, waitForTrailers: mayHaveTrailers && !endStream });
    if (endStream) this.endResponse();
  }

  private endResponse(): void {
    const ds = this.ds;
    if (this.finished) return;
    if (!ds.destroyed && !ds.closed && !ds.writableEnded) {
      const t = this.trailers;
      ds.once('wantTrailers', () => ds.sendTrailers(t ?? {}));
      ds.end();
    }
    this.complete();
  }

  private resetDownstream(flag: string): void {
    this.flags = flag;
    this.complete();
    if (!this.ds.destroyed) this.ds.close(NGHTTP2_INTERNAL_ERROR);
  }

  onDeadline(): void {
    this.timerArmed = false;
    if (this.finished) return;
    this.cluster!.stats.upstream_rq_timeout++;
    this.dropUpstream();
    if (this.responseStarted) return this.resetDownstream('UT');
    this.localReply(LocalReplies.timeout);
  }

  private onDownstreamClose(): void {
    if (this.finished) return;
    this.flags = this.flags === '' ? 'DC' : this.flags;
    this.dropUpstream();
    this.complete();
  }

  private dropUpstream(): void {
    if (this.waiting) {
      this.waiting = false;
      if (this.pool !== undefined) this.pool.cancel(this);
      else this.host?.cancel(this);
    }
    const h1 = this.h1;
    this.h1 = undefined;
    if (h1 !== undefined) {
      this.cluster!.stats.upstream_rq_tx_reset++;
      h1.abandon();
    }
    const us = this.us;
    if (us !== undefined) {
      this.cluster!.stats.upstream_rq_tx_reset++;
      this.releaseH2();
      us.close(NGHTTP2_CANCEL);
    }
  }

  // ── local replies ───────────────────────────────────────────────────────────────────────

  private localReply(r: LocalReply): void {
    this.respondLocally(r.status, r.body, r.flag ?? '', r.detail, undefined);
  }

  private respondLocally(status: number, body: string, flag: string, detail: string, extra: RequestHeaders | undefined): void {
    if (this.finished) return;
    if (flag !== '') this.flags = flag;
    this.status = status;
    this.detail = detail;
    const ds = this.ds;
    if (ds.headersSent) return this.resetDownstream(this.flags);
    if (ds.destroyed || ds.closed) return this.complete();
    const h = extra ?? new RequestHeaders();
    const m = this.route?.responseHeaders;
    if (m !== undefined) for (const x of m) x.apply(h);
    if (this.ctx.serverHeaderTransformation !== 'PASS_THROUGH') h.set('server', this.ctx.serverName);
    if (this.grpc) {
      // Trailers-only: the gRPC status travels in the one HEADERS frame that ends the stream.
      h.set('content-type', 'application/grpc');
      h.set('grpc-status', String(httpToGrpcStatus(status)));
      if (body !== '') h.set('grpc-message', encodeGrpcMessage(body));
      ds.respond(toOutgoing(h, { ':status': 200 }), { endStream: true });
    } else {
      const len = Buffer.byteLength(body);
      h.set('content-length', String(len));
      if (len > 0) h.set('content-type', 'text/plain');
      ds.respond(toOutgoing(h, { ':status': status }), { endStream: len === 0 });
      if (len > 0) ds.end(body);
    }
    // The request body, if any, is no longer wanted.
    if (!this.requestDone) ds.resume();
    this.complete();
  }

  private complete(): void {
    if (this.finished) return;
    this.finished = true;
    const ctx = this.ctx;
    if (this.timerArmed) {
      this.timerArmed = false;
      ctx.timers.delete(this);
    }
    const stats = ctx.stats;
    stats.downstream_rq_active--;
    stats.downstream_rq_completed++;
    if (this.status > 0) countDownstreamStatus(stats, this.grpc && !this.responseStarted ? 200 : this.status);
    const c = this.cluster;
    if (c !== undefined && this.host !== undefined) {
      c.activeRequests--;
      this.host.activeRequests--;
      c.stats.upstream_rq_active--;
      c.stats.upstream_rq_completed++;
      if (this.responseStarted) countUpstreamStatus(c.stats, this.status);
    }
    if (ctx.onAccess !== undefined) {
      ctx.onAccess({
        method: this.method, path: this.path, authority: this.authority, status: this.status,
        responseFlags: this.flags === '' ? '-' : this.flags, detail: this.detail || (this.responseStarted ? 'via_upstream' : ''),
        cluster: this.clusterName, upstreamHost: this.host?.key ?? '', durationMs: performance.now() - this.start0,
      });
    }
  }
}
