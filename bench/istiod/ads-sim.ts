// Simulated sidecars for the control-plane benchmark: many delta-xDS ADS streams multiplexed over a
// few gRPC channels (HTTP/2 connections), each behaving as Envoy does: CDS and LDS wildcard, then
// EDS for every EDS cluster and RDS for every route name the listeners reference, ACKing every
// response. It records when each client holds its full initial config and, for an armed "phase",
// when each client ACKed the first response carrying a marker (the benchmark's config edit).
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { ADS_SERVICE_NAME, TypeUrl, jsonToStruct, lookupMessageType } from '../../src/xds-api/index.js';
import { edsNameOf, rdsNamesOf, RefCache } from './xds-refs.js';

export interface SimNode {
  id: string;
  namespace: string;
  labels: Record<string, string>;
}

type Msg = Record<string, any>;

function typeOf(name: string): protobuf.Type {
  const t = lookupMessageType(name);
  if (!t) throw new Error(`unknown message ${name}`);
  return t;
}

const REQ = typeOf('envoy.service.discovery.v3.DeltaDiscoveryRequest');
const RESP = typeOf('envoy.service.discovery.v3.DeltaDiscoveryResponse');

/** Decoded without toObject (no defaults, Any values stay bytes): the simulator must stay cheap. */
interface DeltaResponse {
  type_url: string;
  nonce: string;
  system_version_info: string;
  resources: Array<{ name: string; version: string; resource?: { type_url: string; value: Uint8Array } }>;
  removed_resources: string[];
  size: number;
}

const METHOD: grpc.MethodDefinition<Msg, DeltaResponse> = {
  path: `/${ADS_SERVICE_NAME}/DeltaAggregatedResources`,
  requestStream: true,
  responseStream: true,
  requestSerialize: (m) => Buffer.from(REQ.encode(REQ.fromObject(m)).finish()),
  requestDeserialize: (b) => REQ.decode(b) as unknown as Msg,
  responseSerialize: (m) => Buffer.from(RESP.encode(RESP.fromObject(m as unknown as Msg)).finish()),
  responseDeserialize: (b) => {
    const m = RESP.decode(b) as unknown as DeltaResponse;
    m.size = b.length;
    return m;
  },
};

/** The types whose names a client derives from others (EDS from CDS, RDS from LDS). */
type SimType = typeof TypeUrl.ClusterLoadAssignment | typeof TypeUrl.RouteConfiguration;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const wallNow = () => performance.timeOrigin + performance.now();

export interface Phase {
  typeUrl: string;
  /** A byte string that only the resource after the edit contains. */
  marker: string;
}

export interface TypeCounters {
  responses: number;
  bytes: number;
  resources: number;
}

export interface SimStats {
  clients: number;
  connected: number;
  synced: number;
  errors: number;
  lastError?: string;
  perType: Record<string, TypeCounters>;
  decodes: { clusters: number; listeners: number; hits: number };
}

class SimClient {
  private stream?: grpc.ClientDuplexStream<Msg, DeltaResponse>;
  private nodeSent = false;
  private readonly clusters = new Map<string, string | undefined>();
  private readonly listeners = new Map<string, string[]>();
  private readonly subscribed = new Map<SimType, Set<string>>([[TypeUrl.ClusterLoadAssignment, new Set()], [TypeUrl.RouteConfiguration, new Set()]]);
  private readonly awaiting = new Set<string>();
  private readonly got = new Set<string>();
  syncedAt?: number;
  observedAt?: number;
  closed = false;

  constructor(private readonly sim: Simulator, private readonly node: SimNode, private readonly client: grpc.Client) {}

  start(): void {
    this.stream = this.client.makeBidiStreamRequest(METHOD.path, METHOD.requestSerialize, METHOD.responseDeserialize);
    this.stream.on('data', (r: DeltaResponse) => this.onResponse(r));
    this.stream.on('error', (e: Error) => {
      if (!this.closed) this.sim.error(`${this.node.id}: ${e.message}`);
    });
    this.sim.connected++;
    // Envoy opens CDS and LDS as wildcard subscriptions first.
    this.request(TypeUrl.Cluster, {}, true);
    this.request(TypeUrl.Listener, {}, true);
  }

  close(): void {
    this.closed = true;
    this.stream?.cancel();
  }

  /** `expectsResponse`: the server answers it (a new subscription), so the client is not yet in sync. */
  private request(typeUrl: string, fields: Msg, expectsResponse = false): void {
    const msg: Msg = { type_url: typeUrl, ...fields };
    if (!this.nodeSent) {
      msg.node = {
        id: this.node.id,
        cluster: `${this.node.labels.app ?? 'unknown'}.${this.node.namespace}`,
        metadata: jsonToStruct({ NAMESPACE: this.node.namespace, LABELS: this.node.labels, ISTIO_VERSION: '1.24.0', INTERCEPTION_MODE: 'REDIRECT', CLUSTER_ID: 'Kubernetes' }),
      };
      this.nodeSent = true;
    }
    if (expectsResponse) this.awaiting.add(typeUrl);
    this.stream!.write(msg);
  }

  private onResponse(r: DeltaResponse): void {
    const type = r.type_url;
    this.sim.count(type, r);
    this.awaiting.delete(type);
    this.got.add(type);
    if (type === TypeUrl.Cluster) {
      for (const res of r.resources) this.clusters.set(res.name, this.sim.edsRefs.get(res.name, res.version, res.resource!.value));
      for (const n of r.removed_resources) this.clusters.delete(n);
      this.resubscribe(TypeUrl.ClusterLoadAssignment, [...this.clusters.values()]);
    } else if (type === TypeUrl.Listener) {
      for (const res of r.resources) this.listeners.set(res.name, this.sim.rdsRefs.get(res.name, res.version, res.resource!.value));
      for (const n of r.removed_resources) this.listeners.delete(n);
      this.resubscribe(TypeUrl.RouteConfiguration, [...this.listeners.values()].flat());
    }
    // ACK (Envoy ACKs after applying; the subscriptions above went first, as cluster warming does).
    this.request(type, { response_nonce: r.nonce });
    const now = wallNow();
    const phase = this.sim.phase;
    if (phase && this.observedAt === undefined && type === phase.typeUrl && r.resources.some((x) => carries(x.resource?.value, phase.markerBytes))) {
      this.observedAt = now;
      this.sim.observed++;
    }
    if (this.syncedAt === undefined && this.got.has(TypeUrl.Cluster) && this.got.has(TypeUrl.Listener) && this.awaiting.size === 0) {
      this.syncedAt = now;
      this.sim.synced++;
    }
  }

  private resubscribe(type: SimType, wanted: Array<string | undefined>): void {
    const have = this.subscribed.get(type)!;
    const want = new Set(wanted.filter((n): n is string => n !== undefined));
    const add = [...want].filter((n) => !have.has(n));
    const drop = [...have].filter((n) => !want.has(n));
    if (add.length === 0 && drop.length === 0) return;
    for (const n of add) have.add(n);
    for (const n of drop) have.delete(n);
    // The server answers only when something was added; an unsubscribe alone gets no response.
    this.request(type, { resource_names_subscribe: add, resource_names_unsubscribe: drop }, add.length > 0);
  }
}

function carries(value: Uint8Array | undefined, marker: Buffer): boolean {
  if (!value) return false;
  const b = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return b.indexOf(marker) >= 0;
}

export interface SimulatorOptions {
  address: string;
  nodes: readonly SimNode[];
  /** gRPC channels (each its own HTTP/2 connection); streams are spread round-robin. */
  channels: number;
}

export class Simulator {
  readonly edsRefs = new RefCache(edsNameOf);
  readonly rdsRefs = new RefCache((_name, bytes) => rdsNamesOf(bytes));
  private readonly grpcClients: grpc.Client[] = [];
  private readonly clients: SimClient[] = [];
  connected = 0;
  synced = 0;
  observed = 0;
  errors = 0;
  lastError?: string;
  phase?: Phase & { markerBytes: Buffer; armedAt: number };
  private perType = new Map<string, TypeCounters>();

  constructor(private readonly opts: SimulatorOptions) {
    for (let i = 0; i < opts.channels; i++) {
      this.grpcClients.push(new grpc.Client(opts.address, grpc.credentials.createInsecure(), {
        // One HTTP/2 connection per channel instead of grpc-js's shared subchannel.
        'grpc.use_local_subchannel_pool': 1,
        'grpc.max_receive_message_length': -1,
        // Envoy's default HTTP/2 windows are 256 MiB; 64 KiB would throttle large CDS/RDS responses.
        'grpc-node.flow_control_window': 64 * 1024 * 1024,
        'grpc.keepalive_time_ms': 60_000,
      }));
    }
    opts.nodes.forEach((n, i) => this.clients.push(new SimClient(this, n, this.grpcClients[i % this.grpcClients.length])));
  }

  /** Opens every stream at once (as after an istiod restart) and resolves when all hold their initial config. */
  async connect(timeoutMs: number): Promise<{ startedAt: number; syncedAt: number[] }> {
    const startedAt = wallNow();
    for (const c of this.clients) c.start();
    await this.until(() => this.synced >= this.clients.length, timeoutMs);
    return { startedAt, syncedAt: this.clients.map((c) => c.syncedAt ?? NaN) };
  }

  /** From now on, each client records the first response of `typeUrl` carrying `marker`. */
  arm(phase: Phase): void {
    for (const c of this.clients) c.observedAt = undefined;
    this.observed = 0;
    this.perType = new Map();
    this.phase = { ...phase, markerBytes: Buffer.from(phase.marker), armedAt: wallNow() };
  }

  /** Waits until every client observed the armed phase (or the timeout); wall-clock ACK times, NaN if not seen. */
  async collect(timeoutMs: number): Promise<number[]> {
    await this.until(() => this.observed >= this.clients.length, timeoutMs);
    this.phase = undefined;
    return this.clients.map((c) => c.observedAt ?? NaN);
  }

  count(typeUrl: string, r: DeltaResponse): void {
    let t = this.perType.get(typeUrl);
    if (!t) this.perType.set(typeUrl, (t = { responses: 0, bytes: 0, resources: 0 }));
    t.responses++;
    t.bytes += r.size;
    t.resources += r.resources.length;
  }

  error(message: string): void {
    this.errors++;
    this.lastError = message;
  }

  stats(): SimStats {
    const perType: Record<string, TypeCounters> = {};
    for (const [k, v] of this.perType) perType[k.slice(k.lastIndexOf('.') + 1)] = { ...v };
    return {
      clients: this.clients.length, connected: this.connected, synced: this.synced, errors: this.errors,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      perType,
      decodes: { clusters: this.edsRefs.size, listeners: this.rdsRefs.size, hits: this.edsRefs.hits + this.rdsRefs.hits },
    };
  }

  /** Resets the per-type counters (e.g. between the initial connect and a push). */
  resetCounters(): void {
    this.perType = new Map();
  }

  close(): void {
    for (const c of this.clients) c.close();
    for (const g of this.grpcClients) g.close();
  }

  private async until(done: () => boolean, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  }
}
