// One request/response exchange through the router: route lookup, header mutations, circuit
// breakers, load balancing, then the upstream exchange with streaming in both directions. Every
// failure ends as an Envoy-style local reply with a status and a response flag. Callbacks, not
// Promises: a request that finds an idle pooled connection runs without a single microtask.
import { STATUS_CODES } from 'node:http';
import type { HcmContext } from './hcm-context.js';
import type { DownstreamConnection } from './downstream.js';
import type { RequestHead, ResponseHead } from './http1/parse-head.js';
import { RequestHeaders } from './http1/headers.js';
import { mutateRequestHeaders } from './request-headers.js';
import { LocalReplies, type LocalReply } from './response-flags.js';
import type { CompiledRoute } from './router/route-table.js';
import { routeRequest, type Routed } from './route-request.js';
import { evaluateCors } from './filters/cors.js';
import { decideFault, type FaultDecision } from './filters/fault.js';
import { HeaderMutation } from './router/header-ops.js';
import { MirrorRequest, shadowHost } from './router/mirror.js';
import { retriableFailure, retriableResponse, backoffMs } from './router/retry-policy.js';
import { RetryRun, type RetryOwner } from './router/retry-run.js';
import type { RoutePolicies } from './router/route-policies.js';
import type { PickContext } from './upstream/load-balancer.js';
import { acquireHttp2 } from './http2/h1-to-h2.js';
import { countDownstreamStatus, countUpstreamStatus } from './stats.js';
import type { Cluster, Host, PoolWaiter } from './upstream/cluster.js';
import type { UpstreamConnection, UpstreamReceiver } from './upstream/connection.js';

const RESPONSE_HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'];

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

export class Stream implements UpstreamReceiver, PoolWaiter, RetryOwner {
  private route: CompiledRoute | undefined;
  private clusterName = '';
  private cluster: Cluster | undefined;
  private host: Host | undefined;
  private upstream: UpstreamConnection | undefined;
  private waiting = false;
  private responseStarted = false;
  private finished = false;
  private flags = '';
  private detail = '';
  private status = 0;
  private start0 = 0;
  private upstreamStart = 0;
  private authority = '';
  private path = '';
  private requestLine = '';
  private queuedBody: Buffer[] | undefined;
  private requestDone: boolean;
  private chunkWrap = false;
  private responseMutations: HeaderMutation[] | undefined;
  private timerArmed = false;
  private pendingHead: string | undefined;
  private timeoutMs = 0;
  /** Retries, hashing, mirrors, per-route filter configs: set only for routes that have any. */
  private policies: RoutePolicies | undefined;
  private retry: RetryRun | undefined;
  private pickCtx: PickContext | undefined;
  private mirrors: MirrorRequest[] | undefined;
  private faultTimer: NodeJS.Timeout | undefined;
  /** Set while waiting for an HTTP/2 cluster's stream slot (http2/h1-to-h2.ts). */
  private h2Wait: { cancel(): void } | undefined;
  deadline = 0;

  constructor(private readonly conn: DownstreamConnection, private readonly head: RequestHead, private readonly ctx: HcmContext) {
    this.requestDone = head.bodyKind === 'none';
  }

  start(): void {
    const ctx = this.ctx;
    this.start0 = performance.now();
    ctx.stats.downstream_rq_active++;
    const h = this.head.headers;
    let target = this.head.target;
    let authority = h.get('host');
    if (target.charCodeAt(0) !== 0x2f) {
      // Absolute form (a client talking to us as a forward proxy): the URL's authority wins.
      const m = /^https?:\/\/([^/?#]+)(.*)$/i.exec(target);
      if (m === null) return this.localError(400, '', undefined, 'http1.invalid_url');
      authority = m[1];
      target = m[2] === '' ? '/' : m[2];
      h.set('host', authority);
    }
    if (authority === undefined || authority === '') return this.localError(400, '', undefined, 'missing_host_header');
    this.authority = authority;
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = q < 0 ? '' : target.slice(q);
    this.path = target;
    mutateRequestHeaders(h, ctx.forwarding, this.conn.remoteAddress, ctx.scheme);
    const r = routeRequest(ctx, h, authority, path, query, target);
    if (r.kind === 'local') {
      this.route = r.route;
      if (r.flag !== '') this.flags = r.flag;
      return this.respondLocally(r.status, r.body, r.detail, r.extra);
    }
    this.route = r.route;
    this.clusterName = r.clusterName;
    this.responseMutations = r.responseMutations;
    this.timeoutMs = r.timeoutMs;
    const cluster = r.cluster;
    this.cluster = cluster;
    target = r.target;
    if (ctx.httpFilters !== undefined && this.runFilters(r, target, 0)) return;
    this.proceed(r, target);
  }

  private proceed(r: Routed, target: string): void {
    const h = this.head.headers;
    const cluster = r.cluster;
    if (r.route.policies !== undefined) this.applyPolicies(r.route.policies, h);
    let framing = '';
    if (this.head.bodyKind === 'chunked') framing = 'transfer-encoding: chunked\r\n';
    this.requestLine = `${this.head.method} ${target} HTTP/1.1\r\n${h.serialize()}${framing}\r\n`;
    if (this.policies?.mirrors !== undefined) this.startMirrors(this.policies);

    const stats = cluster.stats;
    if (cluster.activeRequests >= cluster.maxRequests) {
      stats.upstream_rq_pending_overflow++;
      return this.localReply(LocalReplies.overflow);
    }
    const host = cluster.pick(this.pickCtx);
    if (host === undefined) return this.localReply(LocalReplies.noHealthyUpstream);
    this.host = host;
    cluster.activeRequests++;
    host.activeRequests++;
    stats.upstream_rq_total++;
    stats.upstream_rq_active++;
    if (this.requestDone) this.armTimeout();
    this.waiting = true;
    this.acquire(cluster, host);
  }

  private acquire(cluster: Cluster, host: Host): void {
    if (this.retry !== undefined) {
      this.retry.hosts.push(host);
      if (this.requestDone) this.retry.arm(this.ctx.timers);
    }
    const proto = cluster.config.httpProtocolOptions;
    if (proto !== undefined && proto.upstreamProtocol === 'HTTP2') this.h2Wait = acquireHttp2(host, proto.http2ProtocolOptions, this);
    else host.acquire(this);
  }

  private armTimeout(): void {
    const t = this.timeoutMs;
    if (t > 0 && !this.timerArmed) {
      this.timerArmed = true;
      this.deadline = performance.now() + t;
      this.ctx.timers.add(this);
    }
  }

  // ── pool ────────────────────────────────────────────────────────────────────────────────

  onPoolReady(conn: UpstreamConnection): void {
    this.waiting = false;
    this.cluster!.outlier?.putLocalOrigin(this.host!, 'connect_success');
    this.upstream = conn;
    this.upstreamStart = performance.now();
    conn.begin(this, this.head.method);
    const s = conn.socket;
    const q = this.queuedBody;
    if (q === undefined) {
      s.write(this.requestLine, 'latin1');
    } else {
      this.queuedBody = undefined;
      s.cork();
      s.write(this.requestLine, 'latin1');
      for (const b of q) s.write(b);
      s.uncork();
      this.conn.socket.resume();
    }
    if (!this.requestDone) conn.onDrain = () => this.conn.socket.resume();
  }

  onPoolFailure(reason: 'connect_failure' | 'overflow'): void {
    this.waiting = false;
    if (reason === 'connect_failure') {
      this.cluster!.outlier?.putLocalOrigin(this.host!, 'connect_failed');
      if (this.retry !== undefined && this.retryOrGiveUp(retriableFailure(this.retry.policy, 'connect_failure', false))) return;
    }
    this.localReply(reason === 'overflow' ? LocalReplies.overflow : LocalReplies.connectFailure);
  }

  // ── request body ────────────────────────────────────────────────────────────────────────

  onRequestData(data: Buffer, last: boolean): void {
    if (this.finished) return;
    if (last) {
      this.requestDone = true;
      this.armTimeout();
      if (this.retry !== undefined && (this.upstream !== undefined || this.waiting)) this.retry.arm(this.ctx.timers);
    }
    if (this.policies !== undefined) this.teeBody(data, last);
    if (this.upstream !== undefined) {
      if (!this.upstream.socket.write(data)) this.conn.socket.pause();
    } else if (this.cluster !== undefined) {
      (this.queuedBody ??= []).push(data);
      // Hold the client back until a connection exists rather than buffer an unbounded body.
      if (this.queuedBody.length > 16) this.conn.socket.pause();
    }
  }

  onRequestBodyError(): void {
    this.conn.closeAfterResponse = true;
    if (!this.responseStarted && !this.finished) {
      this.localError(400, '', undefined, 'http1.codec_error');
    } else {
      this.conn.destroy();
    }
  }

  // ── response ────────────────────────────────────────────────────────────────────────────

  onResponseHead(r: ResponseHead): void {
    this.cluster!.outlier?.putHttpStatus(this.host!, r.status);
    if (this.retry !== undefined && this.retryOnResponse(r)) return;
    if (this.policies?.attemptCountInResponse === true) r.headers.set('x-envoy-attempt-count', String((this.retry?.retries ?? 0) + 1));
    this.responseStarted = true;
    this.status = r.status;
    const ctx = this.ctx;
    const h = r.headers;
    for (const n of RESPONSE_HOP_BY_HOP) h.remove(n);
    const m = this.responseMutations;
    if (m !== undefined) for (const x of m) x.apply(h);
    if (!ctx.suppressEnvoyHeaders) h.set('x-envoy-upstream-service-time', String(Math.round(performance.now() - this.upstreamStart)));
    switch (ctx.serverHeaderTransformation) {
      case 'OVERWRITE': h.set('server', ctx.serverName); break;
      case 'APPEND_IF_ABSENT': if (!h.has('server')) h.add('server', ctx.serverName); break;
      case 'PASS_THROUGH': break;
    }
    let framing = '';
    if (r.bodyKind === 'chunked') {
      framing = 'transfer-encoding: chunked\r\n';
    } else if (r.bodyKind === 'close') {
      framing = 'transfer-encoding: chunked\r\n';
      this.chunkWrap = true;
    }
    if (!this.conn.requestComplete) this.conn.closeAfterResponse = true;
    if (this.conn.closeAfterResponse) framing += 'connection: close\r\n';
    // Held back until the first body bytes (or the end of this read) so that head and body leave
    // in one write: one syscall and no writev bookkeeping for a typical small response.
    this.pendingHead = `HTTP/1.1 ${r.status} ${r.reason}\r\n${h.serialize()}${framing}\r\n`;
  }

  private flushHead(): void {
    const head = this.pendingHead;
    if (head !== undefined) {
      this.pendingHead = undefined;
      this.conn.socket.write(head, 'latin1');
    }
  }

  onReadComplete(): void {
    this.flushHead();
  }

  onResponseData(data: Buffer): boolean {
    const s = this.conn.socket;
    const head = this.pendingHead;
    if (head !== undefined && !this.chunkWrap) {
      this.pendingHead = undefined;
      const out = Buffer.allocUnsafe(head.length + data.length);
      out.write(head, 0, 'latin1');
      data.copy(out, head.length);
      return s.write(out);
    }
    this.flushHead();
    if (this.chunkWrap) {
      s.write(`${data.length.toString(16)}\r\n`, 'latin1');
      s.write(data);
      return s.write('\r\n', 'latin1');
    }
    return s.write(data);
  }

  onDownstreamDrain(): void {
    this.upstream?.socket.resume();
  }

  onResponseEnd(): void {
    this.flushHead();
    if (this.chunkWrap) this.conn.socket.write('0\r\n\r\n', 'latin1');
    const up = this.upstream!;
    this.upstream = undefined;
    if (!this.requestDone) up.destroy(); // the upstream answered before reading the whole request
    else this.host!.release(up);
    this.complete();
  }

  onUpstreamReset(reason: 'termination' | 'protocol'): void {
    this.upstream = undefined;
    const stats = this.cluster!.stats;
    stats.upstream_rq_rx_reset++;
    if (reason === 'protocol') stats.upstream_cx_protocol_error++;
    this.cluster!.outlier?.putLocalOrigin(this.host!, 'reset');
    if (!this.responseStarted && this.retry !== undefined && this.retryOrGiveUp(retriableFailure(this.retry.policy, 'reset', true))) return;
    if (this.responseStarted) {
      this.flags = 'UR';
      this.complete();
      this.conn.destroy();
      return;
    }
    this.localReply(reason === 'protocol' ? LocalReplies.upstreamProtocolError : LocalReplies.connectionTermination);
  }

  onDeadline(): void {
    this.timerArmed = false;
    if (this.finished) return;
    this.cluster!.stats.upstream_rq_timeout++;
    if (this.upstream !== undefined) this.cluster!.outlier?.putLocalOrigin(this.host!, 'timeout');
    this.dropUpstream();
    if (this.responseStarted) {
      this.flags = 'UT';
      this.complete();
      this.conn.destroy();
      return;
    }
    this.localReply(LocalReplies.timeout);
  }

  onDownstreamClose(): void {
    if (this.finished) return;
    this.flags = this.flags === '' ? 'DC' : this.flags;
    this.dropUpstream();
    this.complete();
  }

  private dropUpstream(): void {
    if (this.waiting) {
      this.waiting = false;
      if (this.h2Wait !== undefined) this.h2Wait.cancel();
      else this.host?.cancel(this);
    }
    const up = this.upstream;
    this.upstream = undefined;
    if (up !== undefined) {
      this.cluster!.stats.upstream_rq_tx_reset++;
      up.abandon();
    }
  }

  // ── filters, retries, mirrors (only for routes and listeners that configure them) ─────────

  /** Runs the HTTP filters from `from`; true when one answered or deferred the request. */
  private runFilters(r: Routed, target: string, from: number): boolean {
    const chain = this.ctx.httpFilters!;
    const pol = r.route.policies;
    const h = this.head.headers;
    for (let i = from; i < chain.filters.length; i++) {
      const f = chain.filters[i];
      if (f.kind === 'fault') {
        const cfg = pol?.fault ?? f.fault;
        if (cfg === undefined) continue;
        const d = decideFault(cfg, h, chain.random, chain.faultStats);
        if (d.delayMs > 0) {
          chain.faultStats.delays_injected++;
          chain.faultStats.active_faults++;
          this.addFlag('DI');
          this.faultTimer = setTimeout(() => {
            this.faultTimer = undefined;
            chain.faultStats.active_faults--;
            if (this.finished) return;
            if (d.abortStatus > 0) this.faultAbort(d);
            else if (!this.runFilters(r, target, i + 1)) this.proceed(r, target);
          }, d.delayMs);
          return true;
        }
        if (d.abortStatus > 0) {
          this.faultAbort(d);
          return true;
        }
      } else {
        const cors = pol?.cors;
        if (cors === undefined) continue;
        const o = evaluateCors(cors, this.head.method, h, chain.random, chain.corsStats);
        if (o.kind === 'preflight' || o.kind === 'deny') {
          const extra = emptyHeaders();
          if (o.kind === 'preflight') for (const [k, v] of o.headers) extra.add(k, v);
          this.respondLocally(200, '', 'cors_response', extra);
          return true;
        }
        if (o.kind === 'response') {
          const m = HeaderMutation.of(o.headers.map(([key, value]) => ({ header: { key, value }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' as const })), undefined);
          this.responseMutations = this.responseMutations === undefined ? [m] : [...this.responseMutations, m];
        }
      }
    }
    return false;
  }

  private faultAbort(d: FaultDecision): void {
    this.ctx.httpFilters!.faultStats.aborts_injected++;
    this.addFlag('FI');
    if (d.grpcStatus !== undefined) {
      const extra = emptyHeaders();
      const grpc = (this.head.headers.get('content-type') ?? '').startsWith('application/grpc');
      if (grpc) {
        extra.add('content-type', 'application/grpc');
        extra.add('grpc-status', String(d.grpcStatus));
        extra.add('grpc-message', 'fault filter abort');
        return this.respondLocally(200, '', 'fault_filter_abort', extra);
      }
      return this.respondLocally(grpcToHttpStatus(d.grpcStatus), 'fault filter abort', 'fault_filter_abort', undefined);
    }
    this.respondLocally(d.abortStatus, 'fault filter abort', 'fault_filter_abort', undefined);
  }

  private addFlag(f: string): void {
    this.flags = this.flags === '' ? f : `${this.flags},${f}`;
  }

  private applyPolicies(p: RoutePolicies, h: RequestHeaders): void {
    this.policies = p;
    if (p.retry !== undefined) this.retry = new RetryRun(p.retry, p.bufferLimitBytes, this);
    if (p.attemptCountInRequest) h.set('x-envoy-attempt-count', '1');
    if (p.hash !== undefined) {
      const q = this.path.indexOf('?');
      const res = p.hash.compute({ headers: h, remoteAddress: this.conn.remoteAddress, remotePort: this.conn.socket.remotePort ?? 0, query: q < 0 ? '' : this.path.slice(q) });
      this.pickCtx = { hash: res.hash, attempt: 0 };
      if (res.setCookie !== undefined) {
        const m = HeaderMutation.of([{ header: { key: 'set-cookie', value: res.setCookie } }], undefined);
        this.responseMutations = this.responseMutations === undefined ? [m] : [...this.responseMutations, m];
      }
    }
  }

  private startMirrors(p: RoutePolicies): void {
    const rnd = this.ctx.httpFilters?.random ?? Math.random;
    for (const m of p.mirrors!) {
      if (m.chance < 1 && rnd() >= m.chance) continue;
      const c = this.ctx.cluster(m.cluster);
      if (c === undefined) continue;
      const line = m.shadowSuffix ? this.requestLine.replace(/\r\nhost: ([^\r]*)\r\n/, (_x, v: string) => `\r\nhost: ${shadowHost(v)}\r\n`) : this.requestLine;
      (this.mirrors ??= []).push(new MirrorRequest(c, line, this.head.method, this.requestDone, p.bufferLimitBytes, this.timeoutMs));
    }
  }

  private teeBody(data: Buffer, last: boolean): void {
    if (this.retry !== undefined) this.retry.buffer(data);
    if (this.mirrors !== undefined) for (const m of this.mirrors) m.data(data, last);
  }

  /** A response head arrived: true when it was discarded for a retry. */
  private retryOnResponse(r: ResponseHead): boolean {
    const retriable = retriableResponse(this.retry!.policy, r.status, r.headers.get('grpc-status'), r.headers.has('x-envoy-ratelimited'));
    if (!this.retryOrGiveUp(retriable)) return false;
    // The rest of this response is unwanted; the connection cannot be reused mid-response.
    const up = this.upstream;
    this.upstream = undefined;
    up?.abandon();
    return true;
  }

  /** After an attempt ended: schedules a retry (true) or says why not through the flags (false). */
  private retryOrGiveUp(retriable: boolean): boolean {
    const rr = this.retry!;
    const c = this.cluster!;
    rr.disarm(this.ctx.timers);
    if (rr.holdsRetry) {
      rr.holdsRetry = false;
      c.activeRetries--;
    }
    if (this.finished || this.responseStarted) return false;
    if (!retriable) {
      if (rr.retries > 0) c.stats.upstream_rq_retry_success++;
      return false;
    }
    if (rr.retries >= rr.policy.numRetries) {
      c.stats.upstream_rq_retry_limit_exceeded++;
      rr.flag = 'URX';
      return false;
    }
    if (rr.bodyOverflow) {
      c.stats.retry_or_shadow_abandoned++;
      return false;
    }
    if (!c.tryRetry()) {
      c.stats.upstream_rq_retry_overflow++;
      rr.flag = 'UO';
      return false;
    }
    rr.holdsRetry = true;
    rr.retries++;
    c.stats.upstream_rq_retry++;
    c.stats.upstream_rq_retry_backoff_exponential++;
    rr.backoff = setTimeout(() => this.retryAttempt(), backoffMs(rr.policy, rr.retries, Math.random()));
    return true;
  }

  private retryAttempt(): void {
    const rr = this.retry!;
    rr.backoff = undefined;
    if (this.finished) return;
    const c = this.cluster!;
    // previous_hosts: re-pick up to host_selection_retry_max_attempts more times to avoid tried hosts.
    const tries = rr.policy.previousHosts ? rr.policy.hostSelectionMaxAttempts + 1 : 1;
    let host: Host | undefined;
    for (let i = 0; i < tries; i++) {
      host = c.pick({ hash: this.pickCtx?.hash, attempt: i });
      if (host === undefined || !rr.policy.previousHosts || !rr.hosts.includes(host)) break;
    }
    if (host === undefined) return this.localReply(LocalReplies.noHealthyUpstream);
    this.host!.activeRequests--;
    host.activeRequests++;
    this.host = host;
    c.stats.upstream_rq_total++;
    if (this.policies!.attemptCountInRequest) {
      this.requestLine = this.requestLine.replace(/\r\nx-envoy-attempt-count: \d+\r\n/, `\r\nx-envoy-attempt-count: ${rr.retries + 1}\r\n`);
    }
    this.queuedBody = rr.body === undefined ? undefined : rr.body.slice();
    this.waiting = true;
    this.acquire(c, host);
  }

  onPerTryTimeout(): void {
    if (this.finished || this.responseStarted) return;
    const c = this.cluster!;
    c.stats.upstream_rq_per_try_timeout++;
    if (this.host !== undefined) c.outlier?.putLocalOrigin(this.host, 'timeout');
    this.dropUpstream();
    if (this.retryOrGiveUp(retriableFailure(this.retry!.policy, 'timeout', true))) return;
    this.localReply(LocalReplies.timeout);
  }

  private finishRetry(): void {
    const rr = this.retry!;
    rr.cancel(this.ctx.timers);
    if (rr.holdsRetry) {
      rr.holdsRetry = false;
      this.cluster!.activeRetries--;
    }
    if (rr.flag !== '') this.addFlag(rr.flag);
  }

  // ── endings ─────────────────────────────────────────────────────────────────────────────

  private localReply(r: LocalReply): void {
    this.localError(r.status, r.body, r.flag, r.detail);
  }

  private localError(status: number, body: string, flag: string | undefined, detail: string): void {
    if (flag !== undefined) this.flags = this.flags === 'DI' ? `DI,${flag}` : flag;
    this.respondLocally(status, body, detail, undefined);
  }

  private respondLocally(status: number, body: string, detail: string, extra: RequestHeaders | undefined): void {
    if (this.finished) return;
    this.status = status;
    this.detail = detail;
    if (!this.conn.requestComplete) this.conn.discardRest();
    const mutations = this.route === undefined ? undefined : this.route.responseHeaders;
    writeLocalReply(this.conn, this.ctx, status, body, extra ?? (mutations !== undefined && mutations.length > 0 ? emptyHeaders() : undefined), mutations);
    this.complete();
  }

  private complete(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.retry !== undefined) this.finishRetry();
    if (this.faultTimer !== undefined) {
      clearTimeout(this.faultTimer);
      this.ctx.httpFilters!.faultStats.active_faults--;
    }
    const ctx = this.ctx;
    if (this.timerArmed) {
      this.timerArmed = false;
      ctx.timers.delete(this);
    }
    const stats = ctx.stats;
    stats.downstream_rq_active--;
    stats.downstream_rq_completed++;
    if (this.status > 0) countDownstreamStatus(stats, this.status);
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
        method: this.head.method, path: this.path, authority: this.authority, status: this.status,
        responseFlags: this.flags === '' ? '-' : this.flags, detail: this.detail || (this.responseStarted ? 'via_upstream' : ''),
        cluster: this.clusterName, upstreamHost: this.host?.key ?? '', durationMs: performance.now() - this.start0,
      });
    }
    if (this.flags !== 'DC') this.conn.onStreamComplete();
  }
}

function emptyHeaders(): RequestHeaders {
  return new RequestHeaders();
}

/** gRPC status → HTTP status for a non-gRPC client (Envoy's mapping). */
function grpcToHttpStatus(g: number): number {
  switch (g) {
    case 0: return 200;
    case 1: return 499;
    case 3: case 9: case 11: return 400;
    case 4: return 504;
    case 5: return 404;
    case 7: return 403;
    case 8: return 429;
    case 12: return 501;
    case 14: return 503;
    case 16: return 401;
    default: return 500;
  }
}
