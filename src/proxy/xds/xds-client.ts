// The proxy's ADS client: one gRPC stream to the discovery server carrying CDS, EDS, LDS and RDS,
// delta xDS first and state of the world if the server does not implement delta. Each response is
// decoded per resource; good resources apply, bad ones are NACKed with their name and field while
// the last good version stays. Like Envoy it asks for clusters (and their endpoints) first and for
// listeners once clusters are warm, and reconnects with backoff while the last config keeps serving.
import * as grpc from '@grpc/grpc-js';
import { logger } from '../../shared/index.js';
import {
  AdsClient, TypeUrl,
  type Any__Output, type DeltaDiscoveryRequest, type DeltaDiscoveryResponse__Output, type DiscoveryRequest,
  type DiscoveryResponse__Output, type Node,
} from '../../xds-api/index.js';
import type { ProxyConfig } from '../config/types.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { resourceTypes, type ResourceTypes } from './resource-types.js';
import { XdsState, type TypeState } from './xds-state.js';

const log = logger('xds-client');
const INVALID_ARGUMENT = 3;

export type XdsMode = 'auto' | 'delta' | 'sotw';

export interface XdsClientOptions {
  /** host:port of the discovery server (plaintext). */
  readonly address: string;
  readonly node: Node;
  /** Applies an assembled config; throws to reject it (the update is NACKed and rolled back). */
  readonly apply: (config: ProxyConfig) => Promise<void>;
  readonly mode?: XdsMode;
  /** Envoy's initial_fetch_timeout for RDS/EDS during warming; 0 waits forever. Default 15 s. */
  readonly initialFetchTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  readonly types?: ResourceTypes;
  /** Called once, after the first config in which every listener is warm has been applied. */
  readonly onReady?: () => void;
}

/** Per type, what the client last sent and received (for /config_dump, tests and logs). */
export interface TypeStatus {
  readonly typeUrl: string;
  readonly versionInfo: string;
  readonly nonce: string;
  readonly subscribed: readonly string[] | '*';
  readonly lastNack?: { readonly nonce: string; readonly message: string };
}

type AnyStream = grpc.ClientDuplexStream<object, object>;

interface Sub {
  readonly ts: TypeState<unknown>;
  requested: boolean;
  names: Set<string>;
  nonce: string;
  lastNack?: { nonce: string; message: string };
}

export class XdsClient {
  readonly state: XdsState;
  private readonly client: InstanceType<typeof AdsClient>;
  private readonly backoff: Backoff;
  private mode: 'delta' | 'sotw';
  private stream: AnyStream | undefined;
  private readonly subs: Map<string, Sub>;
  private queue: Promise<void> = Promise.resolve();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private warmTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readyFired = false;
  private firstOnStream = true;
  /** Streams opened and responses handled, for tests and /server_info. */
  readonly counters = { streams: 0, responses: 0, acks: 0, nacks: 0, applies: 0 };
  connected = false;

  constructor(private readonly o: XdsClientOptions) {
    const types = o.types ?? resourceTypes();
    this.state = new XdsState(types, o.initialFetchTimeoutMs ?? 15_000);
    this.mode = o.mode === 'sotw' ? 'sotw' : 'delta';
    this.backoff = new Backoff(o.backoff ?? DEFAULT_BACKOFF);
    // Two paces, both 0.5 s → 30 s with jitter: grpc-js's own connection backoff (gRPC's: ×1.6,
    // ±20 %) paces TCP connection attempts, and `backoff` paces re-opening a stream that failed
    // after connecting. Streams wait for the channel to be ready instead of failing at once while
    // istiod is unreachable: a channel reconnects by itself as long as it lives (pick_first), so
    // failing streams fast and retrying them would not reduce connection attempts (with grpc-js's
    // 100 ms → 1 s, ~1 a second), only delay noticing that istiod is back.
    const pace = o.backoff ?? DEFAULT_BACKOFF;
    this.client = new AdsClient(o.address, grpc.credentials.createInsecure(), {
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.max_receive_message_length': -1,
      'grpc.initial_reconnect_backoff_ms': pace.initialMs,
      'grpc.max_reconnect_backoff_ms': pace.maxMs,
    });
    const sub = (ts: TypeState<unknown>): Sub => ({ ts, requested: false, names: new Set(), nonce: '' });
    this.subs = new Map([this.state.clusters, this.state.endpoints, this.state.listeners, this.state.routes].map((ts) => [ts.type.typeUrl, sub(ts as TypeState<unknown>)]));
  }

  get protocol(): 'delta' | 'sotw' {
    return this.mode;
  }

  start(): void {
    this.open();
  }

  status(): TypeStatus[] {
    return [...this.subs.values()].map((s) => ({
      typeUrl: s.ts.type.typeUrl,
      versionInfo: s.ts.versionInfo,
      nonce: s.nonce,
      subscribed: s.ts.type.wildcard ? '*' : [...s.names].sort(),
      ...(s.lastNack ? { lastNack: s.lastNack } : {}),
    }));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.warmTimer);
    this.stream?.cancel();
    this.stream = undefined;
    this.client.close();
  }

  private open(): void {
    if (this.closed) return;
    this.counters.streams++;
    this.firstOnStream = true;
    for (const s of this.subs.values()) {
      s.requested = false;
      s.nonce = '';
    }
    const md = new grpc.Metadata({ waitForReady: true });
    const stream = (this.mode === 'delta' ? this.client.DeltaAggregatedResources(md) : this.client.StreamAggregatedResources(md)) as unknown as AnyStream;
    this.stream = stream;
    let gotResponse = false;
    stream.on('data', (r: object) => {
      if (stream !== this.stream) return;
      if (!gotResponse) {
        gotResponse = true;
        this.connected = true;
        this.backoff.reset();
      }
      this.enqueue(() => (this.mode === 'delta' ? this.onDelta(r as DeltaDiscoveryResponse__Output) : this.onSotw(r as DiscoveryResponse__Output)));
    });
    stream.on('error', () => { /* 'status' follows */ });
    stream.on('status', (st: grpc.StatusObject) => {
      if (stream !== this.stream) return;
      this.stream = undefined;
      this.connected = false;
      if (this.closed) return;
      if (st.code === grpc.status.UNIMPLEMENTED && this.mode === 'delta' && this.o.mode !== 'delta') {
        log.info('discovery server does not implement delta xDS; using state of the world');
        this.mode = 'sotw';
        this.open();
        return;
      }
      const delay = this.backoff.next();
      log.warn({ code: st.code, details: st.details, retryInMs: delay }, 'xDS stream closed; keeping the last config and reconnecting');
      this.reconnectTimer = setTimeout(() => this.open(), delay);
    });
    // Envoy's order: clusters first; listeners once clusters are warm (sendPending decides).
    this.sendPending();
  }

  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((err: unknown) => log.error({ err }, 'xDS response handling failed'));
  }

  /** Subscribes what is due: CDS always, EDS/RDS for referenced names, LDS once clusters are warm. */
  private sendPending(): void {
    const cds = this.subs.get(TypeUrl.Cluster)!;
    if (!cds.requested) this.subscribe(cds, new Set());
    const eds = this.subs.get(TypeUrl.ClusterLoadAssignment)!;
    this.resubscribe(eds, this.state.edsWanted());
    const lds = this.subs.get(TypeUrl.Listener)!;
    if (!lds.requested && (this.state.clustersInitialized() || this.state.listeners.received)) this.subscribe(lds, new Set());
    const rds = this.subs.get(TypeUrl.RouteConfiguration)!;
    if (lds.requested) this.resubscribe(rds, this.state.rdsWanted());
  }

  private resubscribe(s: Sub, wanted: Set<string>): void {
    const same = s.requested && wanted.size === s.names.size && [...wanted].every((n) => s.names.has(n));
    if (same || (!s.requested && wanted.size === 0)) return;
    this.subscribe(s, wanted);
  }

  private subscribe(s: Sub, names: Set<string>): void {
    const stream = this.stream;
    if (stream === undefined) return;
    const first = !s.requested;
    if (this.mode === 'delta') {
      const req: DeltaDiscoveryRequest = { type_url: s.ts.type.typeUrl };
      if (first) {
        // Reconnect: tell the server what we hold so it sends only what changed.
        const versions: Record<string, string> = {};
        for (const [n, e] of s.ts.entries) if (s.ts.type.wildcard || names.has(n)) versions[n] = e.version;
        if (Object.keys(versions).length > 0) req.initial_resource_versions = versions;
        req.resource_names_subscribe = s.ts.type.wildcard ? [] : [...names];
      } else {
        req.resource_names_subscribe = [...names].filter((n) => !s.names.has(n));
        req.resource_names_unsubscribe = [...s.names].filter((n) => !names.has(n));
      }
      this.write(req);
    } else {
      this.write({
        type_url: s.ts.type.typeUrl,
        version_info: s.ts.versionInfo,
        response_nonce: s.nonce,
        resource_names: s.ts.type.wildcard ? [] : [...names],
      } satisfies DiscoveryRequest);
    }
    s.requested = true;
    s.names = names;
    if (!s.ts.type.wildcard) this.state.retain(s.ts, names);
  }

  private write(req: DiscoveryRequest | DeltaDiscoveryRequest): void {
    if (this.firstOnStream) {
      (req as { node?: Node }).node = this.o.node;
      this.firstOnStream = false;
    }
    this.stream?.write(req);
  }

  private async onSotw(r: DiscoveryResponse__Output): Promise<void> {
    const s = this.subs.get(r.type_url);
    if (s === undefined) return;
    this.counters.responses++;
    const resources = r.resources.map((any: Any__Output) => ({ any }));
    const message = await this.applyUpdate(s, resources, r.version_info, s.ts.type.wildcard ? 'absent' : []);
    s.nonce = r.nonce;
    if (message === undefined) s.ts.versionInfo = r.version_info;
    this.ackOrNack(s, r.nonce, message, () => ({
      type_url: r.type_url,
      version_info: s.ts.versionInfo,
      response_nonce: r.nonce,
      resource_names: s.ts.type.wildcard ? [] : [...s.names],
    }));
  }

  private async onDelta(r: DeltaDiscoveryResponse__Output): Promise<void> {
    const s = this.subs.get(r.type_url);
    if (s === undefined) return;
    this.counters.responses++;
    const resources = r.resources.filter((x) => x.resource).map((x) => ({ any: x.resource!, name: x.name, version: x.version }));
    const message = await this.applyUpdate(s, resources, r.system_version_info, r.removed_resources);
    s.nonce = r.nonce;
    if (message === undefined) s.ts.versionInfo = r.system_version_info;
    this.ackOrNack(s, r.nonce, message, () => ({ type_url: r.type_url, response_nonce: r.nonce }));
  }

  private ackOrNack(s: Sub, nonce: string, message: string | undefined, base: () => DiscoveryRequest | DeltaDiscoveryRequest): void {
    const req = base();
    if (message !== undefined) {
      req.error_detail = { code: INVALID_ARGUMENT, message };
      s.lastNack = { nonce, message };
      this.counters.nacks++;
      log.warn({ type: s.ts.type.short, nonce, message }, 'NACK');
    } else {
      this.counters.acks++;
    }
    this.write(req);
    // New references (EDS for new clusters, RDS for new listeners) and LDS after cluster warm-up.
    this.sendPending();
  }

  /** Decodes, applies and returns the NACK message (undefined when everything was accepted). */
  private async applyUpdate(s: Sub, resources: Array<{ any: Any__Output; name?: string; version?: string }>, version: string, removed: readonly string[] | 'absent'): Promise<string | undefined> {
    const upd = this.state.update(s.ts, resources, version, removed);
    const problems = upd.errors.map((e) => `${s.ts.type.short} ${e.name}: ${e.details}`);
    try {
      await this.reassemble();
    } catch (err) {
      upd.rollback();
      problems.push(`${s.ts.type.short}: update could not be applied: ${(err as Error).message}`);
      await this.reassemble().catch(() => undefined);
    }
    return problems.length === 0 ? undefined : problems.join('; ');
  }

  private async reassemble(): Promise<void> {
    const a = this.state.assemble();
    await this.o.apply(a.config);
    this.state.commit();
    this.counters.applies++;
    clearTimeout(this.warmTimer);
    if (a.nextTimeoutAt !== undefined) {
      // A warming resource's initial fetch timeout: go live without it then (Envoy's semantics).
      this.warmTimer = setTimeout(() => this.enqueue(async () => {
        await this.reassemble();
        this.sendPending();
      }), Math.max(0, a.nextTimeoutAt - Date.now()) + 5);
      this.warmTimer.unref();
    }
    if (!this.readyFired && this.state.fullyWarm(a)) {
      this.readyFired = true;
      this.o.onReady?.();
    }
  }
}
