// Simulated sidecars for the control-plane benchmark: many delta-xDS ADS streams multiplexed over a
// few gRPC channels (HTTP/2 connections), each behaving as Envoy does: CDS and LDS wildcard, then
// EDS for every EDS cluster and RDS for every route name the listeners reference, ACKing every
// response. It records when each client holds its full initial config and, for an armed "phase",
// when each client ACKed the first response carrying a marker (the benchmark's config edit).
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { ADS_SERVICE_NAME, TypeUrl, jsonToStruct, lookupMessageType } from '../../src/xds-api/index.js';
import { readDeltaResponse, type WireDeltaResponse } from './delta-wire.js';
import { RefStates, type RefState } from './ref-states.js';
import { edsNameOf, rdsNamesOf } from './xds-refs.js';

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

const METHOD = {
  path: `/${ADS_SERVICE_NAME}/DeltaAggregatedResources`,
  requestSerialize: (m: Msg) => Buffer.from(REQ.encode(REQ.fromObject(m)).finish()),
  // Responses are walked lazily (delta-wire.ts): the simulator must cost far less than istiod.
  responseDeserialize: (b: Buffer) => readDeltaResponse(b),
};

/** The types whose names a client derives from others (EDS from CDS, RDS from LDS). */
type SimType = typeof TypeUrl.ClusterLoadAssignment | typeof TypeUrl.RouteConfiguration;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const wallNow = () => performance.timeOrigin + performance.now();

export interface Phase {
  typeUrl: string;
  /** A byte string that only the resource after the edit contains. */
  marker: string;
  /**
   * Indexes of the clients that must see the marker (all by default); with Sidecar scoping only
   * the sidecars that can see the edited service get it.
   */
  expect?: number[];
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
  firstErrorAt?: number;
  perType: Record<string, TypeCounters>;
  /** Distinct CDS/LDS transitions and decoded resources across all clients. */
  shared: { cds: { transitions: number; decoded: number }; lds: { transitions: number; decoded: number } };
}

class SimClient {
  private stream?: grpc.ClientDuplexStream<Msg, WireDeltaResponse>;
  private nodeSent = false;
  /** Shared, immutable: what this client's clusters and listeners reference. */
  private cds: RefState;
  private lds: RefState;
  private readonly awaiting = new Set<string>();
  private readonly got = new Set<string>();
  syncedAt?: number;
  observedAt?: number;
  closed = false;

  constructor(private readonly sim: Simulator, private readonly node: SimNode, private readonly client: grpc.Client, readonly index: number) {
    this.cds = sim.cdsStates.empty;
    this.lds = sim.ldsStates.empty;
  }

  start(): void {
    this.stream = this.client.makeBidiStreamRequest<Msg, WireDeltaResponse>(METHOD.path, METHOD.requestSerialize, METHOD.responseDeserialize);
    this.stream.on('data', (r: WireDeltaResponse) => this.onResponse(r));
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

  private onResponse(r: WireDeltaResponse): void {
    const type = r.type_url;
    this.sim.count(type, r);
    this.awaiting.delete(type);
    this.got.add(type);
    if (type === TypeUrl.Cluster) {
      const t = this.sim.cdsStates.apply(this.cds, r);
      this.cds = t.state;
      this.resubscribe(TypeUrl.ClusterLoadAssignment, t.add, t.drop);
    } else if (type === TypeUrl.Listener) {
      const t = this.sim.ldsStates.apply(this.lds, r);
      this.lds = t.state;
      this.resubscribe(TypeUrl.RouteConfiguration, t.add, t.drop);
    }
    // ACK (Envoy ACKs after applying; the subscriptions above went first, as cluster warming does).
    this.request(type, { response_nonce: r.nonce });
    const now = wallNow();
    const phase = this.sim.phase;
    if (phase && this.observedAt === undefined && type === phase.typeUrl && r.bytes.indexOf(phase.markerBytes) >= 0) {
      this.observedAt = now;
      if (!phase.expected || phase.expected.has(this.index)) this.sim.observed++;
    }
    if (this.syncedAt === undefined && this.got.has(TypeUrl.Cluster) && this.got.has(TypeUrl.Listener) && this.awaiting.size === 0) {
      this.syncedAt = now;
      this.sim.synced++;
    }
  }

  private resubscribe(type: SimType, add: readonly string[], drop: readonly string[]): void {
    if (add.length === 0 && drop.length === 0) return;
    // The server answers only when something was added; an unsubscribe alone gets no response.
    this.request(type, { resource_names_subscribe: add, resource_names_unsubscribe: drop }, add.length > 0);
  }
}

export interface SimulatorOptions {
  address: string;
  nodes: readonly SimNode[];
  /** gRPC channels (each its own HTTP/2 connection); streams are spread round-robin. */
  channels: number;
}

export class Simulator {
  readonly cdsStates = new RefStates((name, bytes) => {
    const eds = edsNameOf(name, bytes);
    return eds === undefined ? [] : [eds];
  });
  readonly ldsStates = new RefStates((_name, bytes) => rdsNamesOf(bytes));
  private readonly grpcClients: grpc.Client[] = [];
  private readonly clients: SimClient[] = [];
  connected = 0;
  synced = 0;
  observed = 0;
  errors = 0;
  lastError?: string;
  firstErrorAt?: number;
  phase?: Phase & { markerBytes: Buffer; armedAt: number; expected?: ReadonlySet<number> };
  private perType = new Map<string, TypeCounters>();

  constructor(private readonly opts: SimulatorOptions) {
    for (let i = 0; i < opts.channels; i++) {
      this.grpcClients.push(new grpc.Client(opts.address, grpc.credentials.createInsecure(), {
        // One HTTP/2 connection per channel instead of grpc-js's shared subchannel.
        'grpc.use_local_subchannel_pool': 1,
        'grpc.max_receive_message_length': -1,
        // Envoy's default HTTP/2 windows are 256 MiB; 64 KiB would throttle large CDS/RDS responses.
        'grpc-node.flow_control_window': 64 * 1024 * 1024,
      }));
    }
    opts.nodes.forEach((n, i) => this.clients.push(new SimClient(this, n, this.grpcClients[i % this.grpcClients.length], i)));
  }

  /** Opens every stream at once (as after an istiod restart) and resolves when all hold their initial config. */
  async connect(timeoutMs: number, progress?: (synced: number, elapsedMs: number) => void): Promise<{ startedAt: number; syncedAt: number[] }> {
    const startedAt = wallNow();
    for (const c of this.clients) c.start();
    const tick = progress && setInterval(() => progress(this.synced, wallNow() - startedAt), 10_000);
    await this.until(() => this.synced >= this.clients.length, timeoutMs);
    if (tick) clearInterval(tick);
    return { startedAt, syncedAt: this.clients.map((c) => c.syncedAt ?? NaN) };
  }

  /** From now on, each client records the first response of `typeUrl` carrying `marker`. */
  arm(phase: Phase): void {
    for (const c of this.clients) c.observedAt = undefined;
    this.observed = 0;
    this.perType = new Map();
    this.phase = { ...phase, markerBytes: Buffer.from(phase.marker), armedAt: wallNow(), ...(phase.expect ? { expected: new Set(phase.expect) } : {}) };
  }

  /**
   * Waits until every expected client observed the armed phase (or the timeout). Returns the
   * expected clients' wall-clock ACK times (NaN if not seen) and how many other clients saw it.
   */
  async collect(timeoutMs: number): Promise<{ times: number[]; unexpected: number }> {
    const expect = this.phase?.expect ?? this.clients.map((_c, i) => i);
    await this.until(() => this.observed >= expect.length, timeoutMs);
    // Expected clients all seen: a short grace for any unexpected ones to show up.
    if (this.phase?.expect) await new Promise((r) => setTimeout(r, 200));
    this.phase = undefined;
    const times = expect.map((i) => this.clients[i].observedAt ?? NaN);
    const seen = this.clients.filter((c) => c.observedAt !== undefined).length;
    return { times, unexpected: seen - times.filter(Number.isFinite).length };
  }

  count(typeUrl: string, r: WireDeltaResponse): void {
    let t = this.perType.get(typeUrl);
    if (!t) this.perType.set(typeUrl, (t = { responses: 0, bytes: 0, resources: 0 }));
    t.responses++;
    t.bytes += r.bytes.length;
    t.resources += r.resourceCount;
  }

  error(message: string): void {
    this.errors++;
    this.lastError = message;
    this.firstErrorAt ??= wallNow();
  }

  stats(): SimStats {
    const perType: Record<string, TypeCounters> = {};
    for (const [k, v] of this.perType) perType[k.slice(k.lastIndexOf('.') + 1)] = { ...v };
    return {
      clients: this.clients.length, connected: this.connected, synced: this.synced, errors: this.errors,
      ...(this.lastError ? { lastError: this.lastError, firstErrorAt: this.firstErrorAt } : {}),
      perType,
      shared: { cds: this.cdsStates.size, lds: this.ldsStates.size },
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
