// HTTP/1.1 Upgrade (WebSocket and any type the HCM's upgrade_configs enable): the request is
// routed like any other, sent on a dedicated upstream connection with its Upgrade and
// Connection headers kept, and once the upstream answers 101 the two sockets become a
// bidirectional byte pipe. A non-101 answer is relayed as a normal response and the connection
// closes. Upgraded connections never return to a pool.
import { STATUS_CODES } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { HcmContext } from './hcm-context.js';
import type { RequestHeaders } from './http1/headers.js';
import { HeadError, parseResponseHead, type RequestHead } from './http1/parse-head.js';
import { restoredDestination } from './listener/original-dst.js';
import { mutateRequestHeaders } from './request-headers.js';
import { LocalReplies, type LocalReply } from './response-flags.js';
import { routeRequest } from './route-request.js';
import type { HeaderMutation } from './router/header-ops.js';
import { countDownstreamStatus, countUpstreamStatus } from './stats.js';
import type { Cluster, Host } from './upstream/cluster.js';

const MAX_RESPONSE_HEAD = 60 * 1024;

/** The upgrade type a request asks for when the HCM enables it (lowercase), else undefined. */
export function enabledUpgrade(h: RequestHeaders, enabled: ReadonlySet<string>): string | undefined {
  const up = h.get('upgrade');
  if (up === undefined) return undefined;
  const type = up.trim().toLowerCase();
  if (!enabled.has(type)) return undefined;
  const conn = h.getJoined('connection');
  if (conn === undefined || !conn.toLowerCase().split(',').some((t) => t.trim() === 'upgrade')) return undefined;
  return type;
}

export class UpgradeTunnel {
  private up: Socket | undefined;
  private cluster: Cluster | undefined;
  private host: Host | undefined;
  private responseMutations: HeaderMutation[] | undefined;
  private respHead: Buffer | undefined;
  private finished = false;
  private piping = false;
  private status = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Draining does not cut an upgraded connection (it has no response boundary to close at). */
  closeAfterResponse = false;

  constructor(
    private readonly down: Socket, private readonly head: RequestHead, private readonly ctx: HcmContext,
    private pendingBytes: Buffer | undefined, private readonly remoteAddress: string,
  ) {}

  start(): void {
    const ctx = this.ctx;
    ctx.stats.downstream_rq_active++;
    ctx.stats.downstream_cx_upgrades_total++;
    ctx.stats.downstream_cx_upgrades_active++;
    this.down.once('close', () => this.finish());
    // Anything the client sends before the upstream answers waits in `pendingBytes`.
    this.down.on('data', (d: Buffer) => {
      if (this.piping) {
        if (!this.up!.write(d)) this.down.pause();
      } else {
        this.pendingBytes = this.pendingBytes === undefined ? d : Buffer.concat([this.pendingBytes, d]);
      }
    });
    const h = this.head.headers;
    const upgrade = h.get('upgrade')!;
    const authority = h.get('host');
    if (authority === undefined || authority === '') return this.reply(400, '', 'missing_host_header');
    const target = this.head.target;
    const q = target.indexOf('?');
    mutateRequestHeaders(h, ctx.forwarding, this.remoteAddress, ctx.scheme);
    const r = routeRequest(ctx, h, authority, q < 0 ? target : target.slice(0, q), q < 0 ? '' : target.slice(q), target);
    if (r.kind === 'local') {
      this.responseMutations = r.route?.responseHeaders as HeaderMutation[] | undefined;
      return this.reply(r.status, r.body, r.detail, r.extra);
    }
    this.responseMutations = r.responseMutations;
    const cluster = r.cluster;
    this.cluster = cluster;
    const host = cluster.originalDst === undefined ? cluster.pick() : cluster.pick({ hash: undefined, attempt: 0, destination: restoredDestination(this.down), header: (n) => h.get(n) });
    if (host === undefined) return this.localReply(LocalReplies.noHealthyUpstream);
    if (cluster.activeRequests >= cluster.maxRequests) {
      cluster.stats.upstream_cx_overflow++;
      return this.localReply(LocalReplies.overflow);
    }
    if (!cluster.openConnection()) return this.localReply(LocalReplies.overflow);
    this.host = host;
    cluster.activeRequests++;
    cluster.stats.upstream_rq_total++;
    cluster.stats.upstream_rq_active++;
    const up = connect(host.connectOptions());
    this.up = up;
    let connected = false;
    this.timer = setTimeout(() => {
      if (!connected) {
        cluster.stats.upstream_cx_connect_timeout++;
        up.destroy();
      } else {
        cluster.stats.upstream_rq_timeout++;
        this.localReply(LocalReplies.timeout);
      }
    }, cluster.connectTimeoutMs);
    up.on('error', () => { /* 'close' follows */ });
    up.once('connect', () => {
      connected = true;
      clearTimeout(this.timer);
      // Until the 101 arrives the route timeout bounds the handshake; afterwards nothing does.
      if (r.timeoutMs > 0) this.timer = setTimeout(() => { cluster.stats.upstream_rq_timeout++; this.localReply(LocalReplies.timeout); }, r.timeoutMs);
      up.write(`${this.head.method} ${r.target} HTTP/1.1\r\n${h.serialize()}connection: upgrade\r\nupgrade: ${upgrade}\r\n\r\n`, 'latin1');
    });
    up.on('data', (d: Buffer) => this.onUpstreamData(d));
    up.once('close', () => {
      cluster.closeConnection();
      if (!connected) {
        cluster.stats.upstream_cx_connect_fail++;
        return this.localReply(LocalReplies.connectFailure);
      }
      if (this.status === 0) return this.localReply(LocalReplies.connectionTermination);
      this.down.end();
    });
  }

  private onUpstreamData(d: Buffer): void {
    if (this.status !== 0) {
      if (!this.down.write(d)) this.up!.pause();
      return;
    }
    const buf = this.respHead === undefined ? d : Buffer.concat([this.respHead, d]);
    const end = buf.indexOf('\r\n\r\n', 0, 'latin1');
    if (end < 0) {
      if (buf.length > MAX_RESPONSE_HEAD) return this.protocolError();
      this.respHead = buf;
      return;
    }
    this.respHead = undefined;
    const parsed = parseResponseHead(buf.toString('latin1', 0, end), this.head.method, 100);
    if (parsed instanceof HeadError) return this.protocolError();
    if (parsed.status !== 101 && parsed.status < 200) return this.onUpstreamData(buf.subarray(end + 4)); // other 1xx
    clearTimeout(this.timer);
    this.status = parsed.status;
    const h = parsed.headers;
    const upgraded = parsed.status === 101;
    if (!upgraded) {
      h.remove('connection');
      h.add('connection', 'close');
    }
    this.decorate(h);
    this.down.write(`HTTP/1.1 ${parsed.status} ${parsed.reason}\r\n${h.serialize()}\r\n`, 'latin1');
    const rest = buf.subarray(end + 4);
    if (rest.length > 0) this.down.write(rest);
    const up = this.up!;
    this.down.on('drain', () => up.resume());
    if (!upgraded) return; // relay the rest of the response until the upstream closes
    this.piping = true;
    up.on('drain', () => this.down.resume());
    const pending = this.pendingBytes;
    this.pendingBytes = undefined;
    if (pending !== undefined) up.write(pending);
    this.down.once('end', () => up.end());
  }

  private decorate(h: RequestHeaders): void {
    const ctx = this.ctx;
    const m = this.responseMutations;
    if (m !== undefined) for (const x of m) x.apply(h);
    switch (ctx.serverHeaderTransformation) {
      case 'OVERWRITE': h.set('server', ctx.serverName); break;
      case 'APPEND_IF_ABSENT': if (!h.has('server')) h.add('server', ctx.serverName); break;
      case 'PASS_THROUGH': break;
    }
  }

  private protocolError(): void {
    this.cluster!.stats.upstream_cx_protocol_error++;
    this.localReply(LocalReplies.upstreamProtocolError);
  }

  private localReply(r: LocalReply): void {
    this.reply(r.status, r.body, r.detail);
  }

  private reply(status: number, body: string, _detail: string, extra?: RequestHeaders): void {
    if (this.status !== 0 || this.finished) return;
    this.status = status;
    clearTimeout(this.timer);
    let hdrs = '';
    if (extra !== undefined) {
      this.decorate(extra);
      hdrs = extra.serialize();
    } else if (this.ctx.serverHeaderTransformation !== 'PASS_THROUGH') {
      hdrs = `server: ${this.ctx.serverName}\r\n`;
    }
    const len = Buffer.byteLength(body);
    const type = len > 0 ? 'content-type: text/plain\r\n' : '';
    this.down.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n${hdrs}content-length: ${len}\r\n${type}connection: close\r\n\r\n${body}`, 'latin1');
    this.up?.destroy();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.up?.destroy();
    const stats = this.ctx.stats;
    stats.downstream_rq_active--;
    stats.downstream_rq_completed++;
    stats.downstream_cx_upgrades_active--;
    if (this.status > 0) countDownstreamStatus(stats, this.status);
    const c = this.cluster;
    if (c !== undefined && this.host !== undefined) {
      c.activeRequests--;
      c.stats.upstream_rq_active--;
      c.stats.upstream_rq_completed++;
      if (this.status > 0) countUpstreamStatus(c.stats, this.status);
    }
  }
}
