// One request through the connection manager and router, whatever the codecs: forwarding headers,
// route, HTTP filters (fault, CORS), cluster and load balancer, then attempts under the route's
// retry and timeout policy over an upstream codec, the response back, mirrors on the side, and
// outlier, stats and response-flag accounting. Downstream codecs (stream.ts for HTTP/1.1,
// http2/h2-stream.ts) subclass it and implement the few `send*` hooks; upstream codecs implement
// UpstreamStream. Callbacks, not Promises, and nothing allocated for features a route lacks.
import { NOT_ARMED, type Deadline } from '../coarse-timers.js';
import { decideFault, type FaultDecision } from '../filters/fault.js';
import { evaluateCors } from '../filters/cors.js';
import type { HcmContext } from '../hcm-context.js';
import { RequestHeaders } from '../http1/headers.js';
import { mutateRequestHeaders } from '../request-headers.js';
import { LocalReplies, type LocalReply } from '../response-flags.js';
import { routeRequest } from '../route-request.js';
import { countDownstreamStatus, countUpstreamStatus } from '../stats.js';
import type { Cluster, Host } from '../upstream/cluster.js';
import type { PickContext } from '../upstream/load-balancer.js';
import {
  openUpstream, type AttemptWaiter, type MessageBody, type OutgoingRequest, type ResponseStart,
  type UpstreamPool, type UpstreamReceiver, type UpstreamResetReason, type UpstreamStream,
} from '../upstream/upstream-stream.js';
import { HeaderMutation } from './header-ops.js';
import { MirrorRequest, shadowHost } from './mirror.js';
import { backoffMs, retriableFailure, retriableResponse } from './retry-policy.js';
import { RetryRun, type RetryOwner } from './retry-run.js';
import type { RoutePolicies } from './route-policies.js';
import { StreamTimeouts, type StreamTimeoutOwner } from './stream-timeouts.js';
import type { CompiledRoute } from './route-table.js';

const RESPONSE_HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'];

export const UpstreamResets = {
  remoteReset: {
    status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: remote reset', flag: 'UR',
    detail: 'upstream_reset_before_response_started{remote_reset}',
  },
  refusedStream: {
    status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: remote refused stream reset', flag: 'UR',
    detail: 'upstream_reset_before_response_started{remote_refused_stream_reset}',
  },
} as const satisfies Record<string, LocalReply>;

function resetReply(reason: UpstreamResetReason): LocalReply {
  switch (reason) {
    case 'termination': return LocalReplies.connectionTermination;
    case 'protocol': return LocalReplies.upstreamProtocolError;
    case 'remote_reset': return UpstreamResets.remoteReset;
    case 'refused_stream': return UpstreamResets.refusedStream;
  }
}

/** gRPC status → HTTP status for a non-gRPC client (Envoy's mapping). */
export function grpcToHttpStatus(g: number): number {
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

export abstract class Exchange implements UpstreamReceiver, AttemptWaiter, RetryOwner, OutgoingRequest, Deadline, StreamTimeoutOwner {
  // ── the request, filled in by the downstream codec before dispatch() ─────────────────────
  method = '';
  /** The request target as received (path and query). */
  target = '';
  authority = '';
  headers: RequestHeaders;
  bodyKind: MessageBody = 'none';
  /** After route rewrites: what the upstream is asked for. */
  upstreamTarget = '';
  /** A gRPC request (content-type application/grpc[+...]): local replies take gRPC's shape where the codec can. */
  protected grpc = false;
  protected requestDone = false;

  // ── progress ─────────────────────────────────────────────────────────────────────────────
  protected route: CompiledRoute | undefined;
  private clusterName = '';
  private cluster: Cluster | undefined;
  private host: Host | undefined;
  private upstream: UpstreamStream | undefined;
  /** The pool this exchange waits in for an upstream stream, if it waits. */
  private waitingIn: UpstreamPool | undefined;
  protected responseStarted = false;
  protected finished = false;
  protected flags = '';
  private detail = '';
  protected status = 0;
  /** Counted as this status in downstream stats (a gRPC trailers-only reply is an HTTP 200). */
  protected statusOnWire = 0;
  private start0 = 0;
  private upstreamStart = 0;
  private queuedBody: Buffer[] | undefined;
  /** HTTP/2 request trailers, kept for the attempt that is not started yet or a retry. */
  private requestTrailers: readonly [string, string][] | undefined;
  private responseMutations: HeaderMutation[] | undefined;
  private timerArmed = false;
  private timeoutMs = 0;
  deadline = 0;
  /** Slot on the shared CoarseTimers while the timeout is armed; NOT_ARMED otherwise. */
  timerSlot = NOT_ARMED;
  /** Retries, hashing, mirrors, per-route filter configs: set only for routes that have any. */
  private policies: RoutePolicies | undefined;
  private retry: RetryRun | undefined;
  private pickCtx: PickContext | undefined;
  private mirrors: MirrorRequest[] | undefined;
  private faultTimer: NodeJS.Timeout | undefined;
  private streamTimeouts: StreamTimeouts | undefined;

  constructor(protected readonly ctx: HcmContext, headers: RequestHeaders, protected readonly downstreamHttp2: boolean) {
    this.headers = headers;
  }

  // ── the downstream codec's half ─────────────────────────────────────────────────────────

  protected abstract get remoteAddress(): string;
  protected abstract get remotePort(): number;
  /** The downstream connection's restored original destination (ORIGINAL_DST clusters); codecs that know it override. */
  protected get downstreamDestination(): PickContext['destination'] {
    return undefined;
  }
  /** Sends (or holds back, to coalesce with the body) the response head; headers are final. */
  protected abstract sendHead(r: ResponseStart): void;
  protected abstract sendData(data: Buffer): boolean;
  /** One upstream read has been handed on: anything held back goes out now. */
  protected abstract flush(): void;
  protected abstract sendEnd(trailers: readonly [string, string][] | undefined): void;
  /**
   * A complete local reply. `grpcStatus` is set for a gRPC fault abort; a codec that answers gRPC
   * requests trailers-only maps `status` itself otherwise. `mutations` are the route's.
   */
  protected abstract sendLocal(status: number, body: string, extra: RequestHeaders | undefined, mutations: readonly HeaderMutation[] | undefined, grpcStatus: number | undefined): void;
  /** The response started and cannot finish: cut the downstream stream (after complete()). */
  protected abstract resetDownstream(): void;
  protected abstract pauseRequest(): void;
  protected abstract resumeRequest(): void;
  /** Called once after the exchange's accounting. */
  protected abstract ended(): void;

  /** Starts the clock; the codec calls it before validating the request. */
  protected begin(): void {
    const ctx = this.ctx;
    this.start0 = performance.now();
    ctx.stats.downstream_rq_active++;
    if (ctx.streamIdleTimeoutMs > 0 || ctx.requestTimeoutMs > 0) {
      this.streamTimeouts = new StreamTimeouts(this, ctx.timers, ctx.streamIdleTimeoutMs, ctx.requestTimeoutMs, this.start0);
    }
  }

  /** Routes the request (headers, method, target, authority set) and starts it on its way. */
  protected dispatch(): void {
    const ctx = this.ctx;
    if (this.requestDone) this.streamTimeouts?.requestEnded();
    const h = this.headers;
    const target = this.target;
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = q < 0 ? '' : target.slice(q);
    mutateRequestHeaders(h, ctx.forwarding, this.remoteAddress, ctx.scheme);
    const r = routeRequest(ctx, h, this.authority, path, query, target);
    this.route = r.route;
    if (r.kind === 'local') {
      if (r.flag !== '') this.flags = r.flag;
      return this.respondLocally(r.status, r.body, r.detail, r.extra, undefined);
    }
    this.clusterName = r.clusterName;
    this.responseMutations = r.responseMutations;
    this.timeoutMs = r.timeoutMs;
    this.cluster = r.cluster;
    this.upstreamTarget = r.target;
    if (ctx.httpFilters !== undefined && this.runFilters(0)) return;
    this.proceed();
  }

  private proceed(): void {
    const cluster = this.cluster!;
    const pol = this.route!.policies;
    if (pol !== undefined) {
      this.applyPolicies(pol);
      if (pol.mirrors !== undefined) this.startMirrors(pol);
    }
    const stats = cluster.stats;
    if (cluster.activeRequests >= cluster.maxRequests) {
      stats.upstream_rq_pending_overflow++;
      return this.localReply(LocalReplies.overflow);
    }
    if (cluster.originalDst !== undefined) {
      // ORIGINAL_DST: the host is where this connection was going (or what the request's header names).
      this.pickCtx = { hash: this.pickCtx?.hash, attempt: 0, destination: this.downstreamDestination, header: (n) => this.headers.get(n) };
    }
    const host = cluster.pick(this.pickCtx);
    if (host === undefined) return this.localReply(LocalReplies.noHealthyUpstream);
    this.host = host;
    cluster.activeRequests++;
    host.activeRequests++;
    stats.upstream_rq_total++;
    stats.upstream_rq_active++;
    if (this.requestDone) this.armTimeout();
    this.acquire(host);
  }

  private acquire(host: Host): void {
    if (this.retry !== undefined) {
      this.retry.hosts.push(host);
      if (this.requestDone) this.retry.arm(this.ctx.timers);
    }
    this.waitingIn = openUpstream(host, this.downstreamHttp2, this);
  }

  private armTimeout(): void {
    const t = this.timeoutMs;
    if (t > 0 && !this.timerArmed && !this.finished) {
      this.timerArmed = true;
      this.deadline = performance.now() + t;
      this.ctx.timers.add(this);
    }
  }

  // ── pool ────────────────────────────────────────────────────────────────────────────────

  onPoolReady(up: UpstreamStream): void {
    this.waitingIn = undefined;
    if (this.finished) {
      up.release();
      return;
    }
    this.cluster!.outlier?.putLocalOrigin(this.host!, 'connect_success');
    this.upstream = up;
    this.upstreamStart = performance.now();
    const q = this.queuedBody;
    this.queuedBody = undefined;
    const t = this.requestDone ? this.requestTrailers : undefined;
    up.start(this, this, q, this.requestDone && t === undefined);
    if (t !== undefined) up.endBody(t);
    if (q !== undefined && !this.requestDone) this.resumeRequest();
  }

  onPoolFailure(reason: 'connect_failure' | 'overflow'): void {
    this.waitingIn = undefined;
    if (reason === 'connect_failure') {
      this.cluster!.outlier?.putLocalOrigin(this.host!, 'connect_failed');
      if (this.retry !== undefined && this.retryOrGiveUp(retriableFailure(this.retry.policy, 'connect_failure', false))) return;
    }
    this.localReply(reason === 'overflow' ? LocalReplies.overflow : LocalReplies.connectFailure);
  }

  // ── request body (from the downstream codec) ────────────────────────────────────────────

  /** Body bytes in `bodyKind` framing; `last` marks the end of the body (`data` may be empty), with its trailers. */
  onRequestData(data: Buffer, last: boolean, trailers?: readonly [string, string][]): void {
    if (this.finished) return;
    if (trailers !== undefined) this.requestTrailers = trailers;
    const st = this.streamTimeouts;
    if (st !== undefined) {
      st.touch();
      if (last) st.requestEnded();
    }
    if (last) {
      this.requestDone = true;
      this.armTimeout();
      if (this.retry !== undefined && (this.upstream !== undefined || this.waitingIn !== undefined)) this.retry.arm(this.ctx.timers);
    }
    if (this.policies !== undefined) this.teeBody(data, last);
    const up = this.upstream;
    if (up !== undefined) {
      if (!up.writeBody(data)) this.pauseRequest();
      if (last) up.endBody(this.requestTrailers);
    } else if (this.cluster !== undefined && data.length > 0) {
      (this.queuedBody ??= []).push(data);
      // Hold the client back until a connection exists rather than buffer an unbounded body.
      if (this.queuedBody.length > 16) this.pauseRequest();
    }
  }

  onUpstreamDrain(): void {
    this.resumeRequest();
  }

  /** The downstream can take more response bytes. */
  protected downstreamDrained(): void {
    this.upstream?.resumeResponse();
  }

  // ── response (from the upstream codec) ──────────────────────────────────────────────────

  onResponseHead(r: ResponseStart): void {
    this.cluster!.outlier?.putHttpStatus(this.host!, r.status);
    if (this.retry !== undefined && this.retryOnResponse(r)) return;
    const h = r.headers;
    if (this.policies?.attemptCountInResponse === true) h.set('x-envoy-attempt-count', String((this.retry?.retries ?? 0) + 1));
    this.responseStarted = true;
    this.status = r.status;
    this.statusOnWire = r.status;
    const st = this.streamTimeouts;
    if (st !== undefined) {
      st.touch();
      st.requestEnded();
    }
    const ctx = this.ctx;
    for (const n of RESPONSE_HOP_BY_HOP) h.remove(n);
    const m = this.responseMutations;
    if (m !== undefined) for (const x of m) x.apply(h);
    if (!ctx.suppressEnvoyHeaders) h.set('x-envoy-upstream-service-time', String(Math.round(performance.now() - this.upstreamStart)));
    switch (ctx.serverHeaderTransformation) {
      case 'OVERWRITE': h.set('server', ctx.serverName); break;
      case 'APPEND_IF_ABSENT': if (!h.has('server')) h.add('server', ctx.serverName); break;
      case 'PASS_THROUGH': break;
    }
    this.sendHead(r);
  }

  onResponseData(data: Buffer): boolean {
    this.streamTimeouts?.touch();
    return this.sendData(data);
  }

  onReadComplete(): void {
    this.flush();
  }

  onResponseEnd(trailers: readonly [string, string][] | undefined): void {
    const up = this.upstream!;
    this.upstream = undefined;
    // An upstream that answered before reading the whole request cannot take another one.
    if (this.requestDone) up.release();
    else up.abandon();
    this.sendEnd(trailers);
    this.complete();
  }

  onUpstreamReset(reason: UpstreamResetReason): void {
    this.upstream = undefined;
    const c = this.cluster!;
    c.stats.upstream_rq_rx_reset++;
    if (reason === 'protocol') c.stats.upstream_cx_protocol_error++;
    c.outlier?.putLocalOrigin(this.host!, 'reset');
    if (!this.responseStarted && this.retry !== undefined
      && this.retryOrGiveUp(retriableFailure(this.retry.policy, reason === 'refused_stream' ? 'refused_stream' : 'reset', true))) return;
    if (this.responseStarted) return this.cut('UR');
    this.localReply(resetReply(reason));
  }

  /** The downstream codec could not carry the upstream's response (bad framing): as a protocol reset. */
  protected upstreamProtocolError(): void {
    const up = this.upstream;
    if (up === undefined) return;
    up.abandon();
    this.onUpstreamReset('protocol');
  }

  onDeadline(): void {
    this.timerArmed = false;
    if (this.finished) return;
    this.cluster!.stats.upstream_rq_timeout++;
    if (this.upstream !== undefined) this.cluster!.outlier?.putLocalOrigin(this.host!, 'timeout');
    this.dropUpstream();
    if (this.responseStarted) return this.cut('UT');
    this.localReply(LocalReplies.timeout);
  }

  /** `stream_idle_timeout`: 408 while the response has not started, else the stream is cut (flag SI). */
  onStreamIdleTimeout(): void {
    if (this.finished) return;
    this.ctx.stats.downstream_rq_idle_timeout++;
    this.dropUpstream();
    if (this.responseStarted) return this.cut('SI');
    this.flags = 'SI';
    this.respondLocally(408, 'stream timeout', 'stream_idle_timeout', undefined, undefined);
  }

  /** `request_timeout`: the request did not arrive in time. */
  onRequestTimeout(): void {
    if (this.finished || this.responseStarted) return;
    this.ctx.stats.downstream_rq_timeout++;
    this.dropUpstream();
    this.respondLocally(408, 'request timeout', 'request_overall_timeout', undefined, undefined);
  }

  onDownstreamClose(): void {
    if (this.finished) return;
    this.flags = this.flags === '' ? 'DC' : this.flags;
    this.dropUpstream();
    this.complete();
  }

  private cut(flag: string): void {
    this.flags = flag;
    this.complete();
    this.resetDownstream();
  }

  private dropUpstream(): void {
    const pool = this.waitingIn;
    if (pool !== undefined) {
      this.waitingIn = undefined;
      pool.cancel(this);
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
  private runFilters(from: number): boolean {
    const chain = this.ctx.httpFilters!;
    const pol = this.route!.policies;
    const h = this.headers;
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
            else if (!this.runFilters(i + 1)) this.proceed();
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
        const o = evaluateCors(cors, this.method, h, chain.random, chain.corsStats);
        if (o.kind === 'preflight' || o.kind === 'deny') {
          const extra = new RequestHeaders();
          if (o.kind === 'preflight') for (const [k, v] of o.headers) extra.add(k, v);
          this.respondLocally(200, '', 'cors_response', extra, undefined);
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
      if (this.grpc) return this.respondLocally(200, 'fault filter abort', 'fault_filter_abort', undefined, d.grpcStatus);
      return this.respondLocally(grpcToHttpStatus(d.grpcStatus), 'fault filter abort', 'fault_filter_abort', undefined, undefined);
    }
    this.respondLocally(d.abortStatus, 'fault filter abort', 'fault_filter_abort', undefined, undefined);
  }

  private addFlag(f: string): void {
    this.flags = this.flags === '' ? f : `${this.flags},${f}`;
  }

  private applyPolicies(p: RoutePolicies): void {
    this.policies = p;
    const h = this.headers;
    if (p.retry !== undefined) this.retry = new RetryRun(p.retry, p.bufferLimitBytes, this);
    if (p.attemptCountInRequest) h.set('x-envoy-attempt-count', '1');
    if (p.hash !== undefined) {
      const q = this.target.indexOf('?');
      const res = p.hash.compute({ headers: h, remoteAddress: this.remoteAddress, remotePort: this.remotePort, query: q < 0 ? '' : this.target.slice(q) });
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
      const h = new RequestHeaders();
      const src = this.headers;
      for (let i = 0; i < src.names.length; i++) {
        const k = src.names[i];
        h.add(k, m.shadowSuffix && k === 'host' ? shadowHost(src.values[i]) : src.values[i]);
      }
      (this.mirrors ??= []).push(new MirrorRequest(c, { method: this.method, upstreamTarget: this.upstreamTarget, headers: h, bodyKind: this.bodyKind },
        this.downstreamHttp2, this.requestDone, p.bufferLimitBytes, this.timeoutMs));
    }
  }

  private teeBody(data: Buffer, last: boolean): void {
    if (this.retry !== undefined && data.length > 0) this.retry.buffer(data);
    if (this.mirrors !== undefined) for (const m of this.mirrors) m.data(data, last);
  }

  /** A response head arrived: true when it was discarded for a retry. */
  private retryOnResponse(r: ResponseStart): boolean {
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
      host = c.pick({ ...this.pickCtx, hash: this.pickCtx?.hash, attempt: i });
      if (host === undefined || !rr.policy.previousHosts || !rr.hosts.includes(host)) break;
    }
    if (host === undefined) return this.localReply(LocalReplies.noHealthyUpstream);
    this.host!.activeRequests--;
    host.activeRequests++;
    this.host = host;
    c.stats.upstream_rq_total++;
    if (this.policies!.attemptCountInRequest) this.headers.set('x-envoy-attempt-count', String(rr.retries + 1));
    // The buffered body is replayed; what the downstream still sends follows it.
    this.queuedBody = rr.body === undefined ? undefined : rr.body.slice();
    this.acquire(host);
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

  protected localReply(r: LocalReply): void {
    if (r.flag !== undefined) this.flags = this.flags === 'DI' ? `DI,${r.flag}` : r.flag;
    this.respondLocally(r.status, r.body, r.detail, undefined, undefined);
  }

  protected respondLocally(status: number, body: string, detail: string, extra: RequestHeaders | undefined, grpcStatus: number | undefined): void {
    if (this.finished) return;
    this.status = status;
    this.statusOnWire = status;
    this.detail = detail;
    this.sendLocal(status, body, extra, this.route?.responseHeaders, grpcStatus);
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
    this.streamTimeouts?.stop();
    const stats = ctx.stats;
    stats.downstream_rq_active--;
    stats.downstream_rq_completed++;
    if (this.statusOnWire > 0) countDownstreamStatus(stats, this.statusOnWire);
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
        method: this.method, path: this.target, authority: this.authority, status: this.status,
        responseFlags: this.flags === '' ? '-' : this.flags, detail: this.detail || (this.responseStarted ? 'via_upstream' : ''),
        cluster: this.clusterName, upstreamHost: this.host?.key ?? '', durationMs: performance.now() - this.start0,
      });
    }
    this.ended();
  }
}
