// The ADS server: one gRPC stream per proxy carrying LDS/RDS/CDS/EDS/SDS, state of the world or
// delta. It owns the protocol only — nonces, ACK/NACK, subscriptions, debounce, push queue — and
// asks the Generators for resources. Requests and pushes for one connection run one at a time.
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { logger } from '../shared/log.js';
import { proxyFromNode, type Proxy } from '../pilot/model/proxy.js';
import {
  ADS_SERVICE, EncodedMessage, TypeUrl, XDS_RESOURCE_TYPES, isWildcardType, shortTypeName,
  type DeltaDiscoveryRequest__Output, type DiscoveryRequest__Output,
} from '../xds-api/index.js';
import { classifyRequest } from './classify.js';
import { systemClock, type Clock } from './clock.js';
import { Connection, type StreamKind, type SyncStatus } from './connection.js';
import { Debouncer, DEFAULT_DEBOUNCE, type DebounceOptions } from './debounce.js';
import type { Generated, Generators } from './generator.js';
import { PushQueue } from './push-queue.js';
import { Semaphore } from './semaphore.js';
import { pushRequest, formatReason, type PushRequest, type TriggerReason } from './push-request.js';
import { newWatch, type WatchedResource } from './watch.js';
import { Scratch, encodeDeltaResponse, encodeSotwResponse } from './wire.js';
import { deltaDiff } from './delta-diff.js';
import { OverlayMap, SharedNameSets, SharedVersions } from './shared-versions.js';

const log = logger('xds');

/**
 * gRPC server settings as istiod uses them: pings every 30 s with a 10 s timeout so dead proxies
 * are noticed, and connections recycled after 30 min so proxies rebalance across istiod replicas.
 */
export const ADS_GRPC_SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_connection_age_ms': 30 * 60_000,
  'grpc.max_connection_age_grace_ms': 10_000,
  'grpc.max_receive_message_length': 4 * 1024 * 1024,
  'grpc.max_send_message_length': -1,
};

export interface AdsServerOptions<P> {
  generators: Generators<P>;
  clock?: Clock;
  debounce?: Partial<DebounceOptions>;
  /** Concurrent per-proxy pushes (Istio's PILOT_PUSH_THROTTLE). */
  pushConcurrency?: number;
  /** Builds the snapshot for a debounced push (Istio's initPushContext); by default req.push is used. */
  refreshPush?: (req: PushRequest<P>, previous: P | undefined) => P | undefined;
  initialPush?: P;
  /** Sent as control_plane.identifier (Istio sends istiod's pod name). */
  controlPlaneId?: string;
  /** Hooks for metrics (pilot_xds_pushes, pilot_proxy_convergence_time, ...); must not throw. */
  observer?: AdsObserver<P>;
  /**
   * Whether a push concerns a proxy (Istio's ProxyNeedsPush), given the snapshots after and before
   * it; a proxy it does not concern is not pushed at all. By default every proxy is pushed.
   */
  proxyNeedsPush?: (proxy: Proxy, req: PushRequest<P>, push: P | undefined, previous: P | undefined) => boolean;
  /** The generators' shared cache: told of every new snapshot and what changed, before it is served. */
  cache?: { onPush(req: PushRequest<P>, push: P | undefined): void };
  /**
   * Responses being generated or written at once, over all connections (default 32). A response
   * holds its slot until grpc-js has handed its bytes to HTTP/2, so memory stays bounded when
   * thousands of proxies connect at once instead of growing with clients × config size.
   */
  maxConcurrentResponses?: number;
  /**
   * Bytes of responses in flight at once (default 32 MiB): a response is admitted against an
   * estimate (its watch's last response, else the last of its type) and charged its real size once
   * encoded, until grpc-js has handed it to HTTP/2. Bounds the external memory of 2 MB CDS
   * responses (and grpc-js's framed copies) where a count of slots would allow 32 × 2.2 MB.
   */
  maxBytesInFlight?: number;
  /** How long a response may wait for the stream to take it before its slot is freed anyway. */
  writeTimeoutMs?: number;
}

/** What the server reports as it works; times in clock milliseconds. */
export interface AdsObserver<P> {
  /** A debounced (or direct) push starts for every connection. */
  pushStarted?(req: PushRequest<P>): void;
  /** A connection's push finished: how long it waited in the queue and since the first event. */
  proxyPushed?(proxy: Proxy, req: PushRequest<P>, queueMs: number, sinceStartMs: number): void;
  /** One response written: how long generating and writing it took. */
  responseSent?(proxy: Proxy, typeUrl: string, mode: 'request' | 'push', ms: number): void;
  nackReceived?(proxy: Proxy, typeUrl: string): void;
  connected?(proxy: Proxy): void;
  disconnected?(proxy: Proxy): void;
}

/** A connection as debug endpoints see it: who, and what it watches. */
export interface ConnectionView {
  readonly connectionId: string;
  readonly proxy: Proxy;
  readonly watches: readonly WatchedResource[];
}

type Mode = 'request' | 'push';

export class AdsServer<P = unknown> {
  readonly handlers: grpc.UntypedServiceImplementation;
  private readonly connections = new Map<string, Connection>();
  private readonly serial = new Map<Connection, Promise<void>>();
  private readonly clock: Clock;
  private readonly debouncer: Debouncer<P>;
  private readonly queue: PushQueue<Connection, P>;
  private readonly enqueuedAt = new WeakMap<Connection, number>();
  /** Connection sequence numbers: the priority of their responses (earliest connected first). */
  private readonly order = new WeakMap<Connection, number>();
  private readonly responseSlots: Semaphore;
  private readonly responseBytes: Semaphore;
  /**
   * Estimates for the byte budget: each watch's last pushed response (a push often sends little or
   * nothing: one CLA, or no change), and the last response of each type (a request's answer).
   */
  private readonly lastPushBytes = new WeakMap<WatchedResource, number>();
  private readonly typeBytes = new Map<string, number>();
  private readonly sharedVersions = new SharedVersions();
  /** Responses are encoded here and copied out by grpc-js at once (see write()). */
  private readonly scratch = new Scratch();
  /** Subscribed name sets, one per distinct set across all streams. */
  private readonly nameSets = new SharedNameSets();
  private readonly noncePrefix = randomBytes(4).toString('hex');
  private nonceSeq = 0;
  private connSeq = 0;
  private current: P | undefined;
  private grpcServer: grpc.Server | undefined;
  /** Counters for /metrics: pushes per type, NACKs per type. */
  readonly stats = { responses: new Map<string, number>(), nacks: new Map<string, number>(), staleNonces: 0 };

  constructor(private readonly opts: AdsServerOptions<P>) {
    this.clock = opts.clock ?? systemClock;
    this.current = opts.initialPush;
    this.responseSlots = new Semaphore(opts.maxConcurrentResponses ?? 32);
    this.responseBytes = new Semaphore(opts.maxBytesInFlight ?? 32 * 1024 * 1024);
    if (opts.initialPush !== undefined) opts.cache?.onPush(pushRequest({ full: true, reason: 'global', start: this.clock.now() }), opts.initialPush);
    this.debouncer = new Debouncer(this.clock, (req) => this.pushAll(req), { ...DEFAULT_DEBOUNCE, ...opts.debounce });
    this.queue = new PushQueue(opts.pushConcurrency ?? 100, (conn, req) => this.runSerial(conn, async () => {
      const queued = this.clock.now() - (this.enqueuedAt.get(conn) ?? this.clock.now());
      this.enqueuedAt.delete(conn);
      await this.pushConnection(conn, req);
      this.opts.observer?.proxyPushed?.(conn.proxy, req, queued, this.clock.now() - req.start);
    }),
      (conn, err) => log.error({ conn: conn.id, err }, 'push failed'));
    this.handlers = {
      StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest__Output, object>) => this.stream(call, 'sotw'),
      DeltaAggregatedResources: (call: grpc.ServerDuplexStream<DeltaDiscoveryRequest__Output, object>) => this.stream(call, 'delta'),
    };
  }

  /** The snapshot new connections are served from. */
  get pushContext(): P | undefined {
    return this.current;
  }

  /** A config or endpoint change: debounced, then pushed to every connection. */
  configUpdate(req: PushRequest<P>): void {
    this.debouncer.push(req);
  }

  /** Pushes `req` to every connection now, bypassing the debouncer. */
  async pushAll(req: PushRequest<P>): Promise<void> {
    const previous = this.current;
    const push = this.opts.refreshPush ? this.opts.refreshPush(req, previous) : (req.push ?? previous);
    this.current = push;
    this.opts.cache?.onPush(req, push);
    const withPush: PushRequest<P> = { ...req, push };
    log.debug({ reason: formatReason(req), full: req.full, connections: this.connections.size }, 'push');
    this.opts.observer?.pushStarted?.(withPush);
    const now = this.clock.now();
    const needs = this.opts.proxyNeedsPush;
    for (const conn of this.connections.values()) {
      if (needs && !needs(conn.proxy, withPush, push, previous)) continue;
      if (!this.enqueuedAt.has(conn)) this.enqueuedAt.set(conn, now);
      this.queue.enqueue(conn, withPush);
    }
    await this.queue.idle();
  }

  /** Per proxy, per type: sent, acked, nonce, last NACK (for /debug/syncz). */
  syncz(): SyncStatus[] {
    return [...this.connections.values()].map((c) => c.syncStatus()).sort((a, b) => a.connectionId.localeCompare(b.connectionId));
  }

  connectionCount(): number {
    return this.connections.size;
  }

  /** Live connections with their proxies and watches (read-only use: /debug/config_dump). */
  connectionViews(): ConnectionView[] {
    return [...this.connections.values()].map((c) => ({ connectionId: c.id, proxy: c.proxy, watches: [...c.watches.values()] }));
  }

  /** What the generators would send `connectionId` now for one of its watches (for debug dumps). */
  async generateFor(connectionId: string, typeUrl: string): Promise<Generated | undefined> {
    const conn = this.connections.get(connectionId);
    const w = conn?.watches.get(typeUrl);
    if (!conn || !w) return undefined;
    return this.generate(conn, w, this.newRequest('debug'));
  }

  /** Starts a gRPC server with the ADS service on `address` (e.g. `127.0.0.1:0`); returns the bound port. */
  async listen(address: string, credentials = grpc.ServerCredentials.createInsecure()): Promise<number> {
    const server = new grpc.Server(ADS_GRPC_SERVER_OPTIONS);
    server.addService(ADS_SERVICE, this.handlers);
    const port = await new Promise<number>((resolve, reject) => server.bindAsync(address, credentials, (err, p) => (err ? reject(err) : resolve(p))));
    this.grpcServer = server;
    return port;
  }

  /** Stops debouncing, ends every stream, and shuts the gRPC server down (forcefully after `graceMs`). */
  async close(graceMs = 1000): Promise<void> {
    this.debouncer.close();
    for (const c of this.connections.values()) c.closed = true;
    const server = this.grpcServer;
    this.grpcServer = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private stream(call: grpc.ServerDuplexStream<any, object>, kind: StreamKind): void {
    let conn: Connection | undefined;
    const fail = (code: grpc.status, details: string) => {
      log.warn({ details }, 'closing xDS stream');
      // grpc-js turns an 'error' event on a server stream into the call's final status.
      call.emit('error', Object.assign(new Error(details), { code, details }));
    };
    const cleanup = () => {
      if (!conn) return;
      conn.closed = true;
      if (this.connections.delete(conn.id)) this.opts.observer?.disconnected?.(conn.proxy);
      this.queue.remove(conn);
      log.info({ conn: conn.id }, 'ADS stream closed');
    };
    call.on('data', (req: DiscoveryRequest__Output | DeltaDiscoveryRequest__Output) => {
      if (!conn) {
        let proxy: Proxy;
        try {
          proxy = proxyFromNode(req.node);
        } catch (err) {
          fail(grpc.status.INVALID_ARGUMENT, (err as Error).message);
          return;
        }
        const seq = ++this.connSeq;
        conn = new Connection(`${proxy.id}-${seq}`, proxy, kind, this.clock.now(), (msg) => this.write(call, msg));
        this.order.set(conn, seq);
        this.connections.set(conn.id, conn);
        this.opts.observer?.connected?.(proxy);
        log.info({ conn: conn.id, stream: kind }, 'ADS stream opened');
      }
      const c = conn;
      void this.runSerial(c, () => (kind === 'sotw' ? this.onSotw(c, req as DiscoveryRequest__Output) : this.onDelta(c, req as DeltaDiscoveryRequest__Output)))
        .catch((err: unknown) => {
          log.error({ conn: c.id, err }, 'xDS request failed');
          fail(grpc.status.INTERNAL, `xDS request failed: ${(err as Error).message}`);
        });
    });
    call.on('end', () => {
      cleanup();
      call.end();
    });
    call.on('error', cleanup);
    call.on('close', cleanup);
  }

  private runSerial(conn: Connection, fn: () => Promise<void>): Promise<void> {
    const prev = this.serial.get(conn) ?? Promise.resolve();
    const next = prev.then(() => (conn.closed ? undefined : fn()));
    const tail = next.catch(() => {});
    this.serial.set(conn, tail);
    void tail.then(() => {
      if (this.serial.get(conn) === tail) this.serial.delete(conn);
    });
    return next;
  }

  private newRequest(reason: TriggerReason): PushRequest<P> {
    return pushRequest({ full: true, reason, start: this.clock.now(), push: this.current });
  }

  private async onSotw(conn: Connection, req: DiscoveryRequest__Output): Promise<void> {
    const prev = conn.watches.get(req.type_url);
    const c = classifyRequest(prev, req);
    log.debug({ conn: conn.id, type: shortTypeName(req.type_url), kind: c.kind }, 'request');
    switch (c.kind) {
      case 'initial':
      case 'reconnect': {
        const w = newWatch(req.type_url, this.nameSets.of(c.names), c.wildcard);
        conn.watches.set(req.type_url, w);
        await this.respond(conn, w, this.newRequest(c.kind === 'initial' ? 'initial' : 'reconnect'), 'request');
        return;
      }
      case 'nack':
        if (prev) {
          prev.lastNack = { message: c.message, code: c.code, nonce: c.nonce, keptVersion: c.keptVersion, at: this.clock.now() };
        }
        this.stats.nacks.set(req.type_url, (this.stats.nacks.get(req.type_url) ?? 0) + 1);
        this.opts.observer?.nackReceived?.(conn.proxy, req.type_url);
        log.warn({ conn: conn.id, type: shortTypeName(req.type_url), nonce: c.nonce, error: c.message }, 'NACK');
        return;
      case 'stale-nonce':
        this.stats.staleNonces++;
        return;
      case 'ack':
        this.recordAck(prev!, c.nonce, c.version);
        return;
      case 'unsubscribe':
        this.recordAck(prev!, c.nonce, c.version);
        prev!.names = this.nameSets.of(c.names);
        return;
      case 'unsubscribe-all':
        conn.watches.delete(req.type_url);
        return;
      case 'subscription-change':
        this.recordAck(prev!, c.nonce, c.version);
        prev!.names = this.nameSets.of(c.names);
        prev!.wildcard = c.wildcard;
        await this.respond(conn, prev!, this.newRequest('subscription'), 'request');
        return;
    }
  }

  private async onDelta(conn: Connection, req: DeltaDiscoveryRequest__Output): Promise<void> {
    const type = req.type_url;
    let w = conn.watches.get(type);
    if (req.error_detail) {
      if (w) w.lastNack = { message: req.error_detail.message, code: req.error_detail.code, nonce: req.response_nonce, keptVersion: '', at: this.clock.now() };
      this.stats.nacks.set(type, (this.stats.nacks.get(type) ?? 0) + 1);
      this.opts.observer?.nackReceived?.(conn.proxy, type);
      log.warn({ conn: conn.id, type: shortTypeName(type), nonce: req.response_nonce, error: req.error_detail.message }, 'delta NACK');
      return;
    }
    const subscribe = req.resource_names_subscribe;
    const unsubscribe = req.resource_names_unsubscribe;
    if (!w) {
      const wildcard = isWildcardType(type) && (subscribe.length === 0 || subscribe.includes('*'));
      w = newWatch(type, this.nameSets.of(subscribe.filter((n) => n !== '*')), wildcard);
      // initial_resource_versions: what the proxy already holds from an earlier stream.
      w.resourceVersions = new Map(Object.entries(req.initial_resource_versions ?? {}));
      conn.watches.set(type, w);
      const reason: TriggerReason = w.resourceVersions.size > 0 ? 'reconnect' : 'initial';
      await this.respond(conn, w, this.newRequest(reason), 'request');
      return;
    }
    if (req.response_nonce !== '') {
      if (req.response_nonce === w.nonceSent) {
        this.recordAck(w, req.response_nonce, w.versionSent ?? '');
      } else if (subscribe.length === 0 && unsubscribe.length === 0) {
        this.stats.staleNonces++;
        return;
      }
    }
    let added = false;
    // Names sets are shared between streams: change a copy, then take the shared one for it.
    let names: Set<string> | undefined;
    for (const n of subscribe) {
      if (n === '*') {
        added ||= !w.wildcard;
        w.wildcard = isWildcardType(type);
      } else if (!(names ?? w.names).has(n)) {
        (names ??= new Set(w.names)).add(n);
        added = true;
      }
    }
    for (const n of unsubscribe) {
      if (n === '*') w.wildcard = false;
      else if ((names ?? w.names).has(n)) (names ??= new Set(w.names)).delete(n);
      // The proxy dropped it; if it subscribes again it must be sent again.
      if (!w.wildcard && w.resourceVersions?.has(n)) w.resourceVersions = OverlayMap.with(w.resourceVersions, [], [n]);
    }
    if (names) w.names = this.nameSets.of(names);
    if (added) await this.respond(conn, w, this.newRequest('subscription'), 'request');
  }

  private recordAck(w: WatchedResource, nonce: string, version: string): void {
    w.nonceAcked = nonce;
    w.versionAcked = version;
    w.lastAckedAt = this.clock.now();
  }

  private async pushConnection(conn: Connection, req: PushRequest<P>): Promise<void> {
    const order = [...XDS_RESOURCE_TYPES, ...[...conn.watches.keys()].filter((t) => !(XDS_RESOURCE_TYPES as readonly string[]).includes(t))];
    for (const type of order) {
      const w = conn.watches.get(type);
      if (!w || conn.closed) continue;
      // EDS-only pushes (endpoints changed) leave the other types alone.
      if (!req.full && type !== TypeUrl.ClusterLoadAssignment) continue;
      await this.respond(conn, w, req, 'push');
    }
  }

  private nextNonce(): string {
    return `${this.noncePrefix}-${(++this.nonceSeq).toString(36)}`;
  }

  private async generate(conn: Connection, w: WatchedResource, req: PushRequest<P>): Promise<Generated | undefined> {
    const gen = this.opts.generators.get(w.typeUrl);
    if (!gen) {
      log.warn({ conn: conn.id, typeUrl: w.typeUrl }, 'no generator for type; not answering');
      return undefined;
    }
    const incremental = conn.kind === 'delta';
    const out = await gen.generate(conn.proxy, { typeUrl: w.typeUrl, wildcard: w.wildcard, names: w.names, incremental }, req);
    if (!out) return undefined;
    // Named watches get only what they asked for, whatever the generator returned.
    const resources = w.wildcard ? out.resources : out.resources.filter((r) => w.names.has(r.name));
    return { resources, version: out.version, ...(out.partial && incremental ? { partial: true } : {}) };
  }

  private async respond(conn: Connection, w: WatchedResource, req: PushRequest<P>, mode: Mode): Promise<void> {
    // Earliest-connected first: a proxy that got its CDS gets its EDS (then LDS, RDS) before
    // later proxies' CDS, so proxies become ready one after another rather than all at the end.
    const priority = this.order.get(conn);
    const estimate = mode === 'push' ? (this.lastPushBytes.get(w) ?? 0) : (this.typeBytes.get(w.typeUrl) ?? 0);
    const bytes = await this.responseBytes.acquire(priority, estimate);
    let release: (() => void) | undefined;
    try {
      release = await this.responseSlots.acquire(priority);
      if (conn.closed) return;
      const t0 = this.clock.now();
      const sent = w.responses;
      await this.respondInner(conn, w, req, mode, (size) => {
        bytes.resize(size);
        if (mode === 'push') this.lastPushBytes.set(w, size);
        else if (size > 0) this.typeBytes.set(w.typeUrl, size);
      });
      if (w.responses !== sent) this.opts.observer?.responseSent?.(conn.proxy, w.typeUrl, mode, this.clock.now() - t0);
    } finally {
      release?.();
      bytes();
    }
  }



  /**
   * Writes one response; resolves once grpc-js has serialized it and HTTP/2 has taken the bytes
   * (its write callback), or the stream ended, or writeTimeoutMs passed.
   */
  private write(call: grpc.ServerDuplexStream<any, object>, msg: object): Promise<void> | void {
    if (call.destroyed || call.writableEnded) return;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        call.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, this.opts.writeTimeoutMs ?? 10_000);
      timer.unref?.();
      call.once('close', done);
      call.write(msg, done);
      // grpc-js serializes (copies) at once unless the stream is busy; then the bytes must leave
      // the scratch buffer before the next response is encoded into it.
      if (msg instanceof EncodedMessage) msg.detach();
    });
  }

  /** `sized(n)`: the response's size once encoded (0 when nothing is sent), for the byte budget. */
  private async respondInner(conn: Connection, w: WatchedResource, req: PushRequest<P>, mode: Mode, sized: (bytes: number) => void): Promise<void> {
    const out = await this.generate(conn, w, req);
    // Nothing encoded yet: until a response is, it holds no bytes.
    sized(0);
    if (!out || conn.closed) return;
    if (conn.kind === 'sotw') {
      // Same version as last sent: nothing changed for this type; in particular a NACKed version is
      // never sent again. Requests (initial, new names) are always answered.
      if (mode === 'push' && !req.forced && out.version === w.versionSent) return;
      const nonce = this.nextNonce();
      const body = encodeSotwResponse({
        versionInfo: out.version,
        resources: out.resources.map((r) => r.resource),
        typeUrl: w.typeUrl,
        nonce,
        ...(this.opts.controlPlaneId ? { controlPlaneId: this.opts.controlPlaneId } : {}),
      }, this.scratch);
      sized(body.length);
      const written = conn.write(new EncodedMessage(body));
      this.recordSent(w, nonce, out.version);
      await written;
      return;
    }
    const d = deltaDiff(w.typeUrl, out, w.resourceVersions, (n) => w.wildcard || w.names.has(n), req.forced === true, this.sharedVersions);
    w.resourceVersions = d.holds;
    if (mode === 'push' && d.changed.length === 0 && d.removed.length === 0) return;
    const nonce = this.nextNonce();
    const body = encodeDeltaResponse({
      systemVersionInfo: out.version,
      resources: d.changed,
      typeUrl: w.typeUrl,
      removedResources: d.removed,
      nonce,
      ...(this.opts.controlPlaneId ? { controlPlaneId: this.opts.controlPlaneId } : {}),
    }, this.scratch);
    sized(body.length);
    const written = conn.write(new EncodedMessage(body));
    this.recordSent(w, nonce, out.version);
    await written;
  }

  private recordSent(w: WatchedResource, nonce: string, version: string): void {
    w.nonceSent = nonce;
    w.versionSent = version;
    w.lastSentAt = this.clock.now();
    w.responses++;
    this.stats.responses.set(w.typeUrl, (this.stats.responses.get(w.typeUrl) ?? 0) + 1);
  }
}
