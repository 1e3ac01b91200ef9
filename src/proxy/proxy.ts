// The proxy's run-time state for one config version at a time: listeners bound to sockets,
// compiled route tables and clusters. `apply` compiles a new version beside the old one and swaps
// it in only when all of it compiled; unchanged clusters and listeners keep their connections.
import { createServer, type Server, type Socket } from 'node:net';
import type { ClusterConfig, FilterChain, HttpConnectionManager, LbEndpoint, ListenerConfig, ProxyConfig } from './config/types.js';
import { CoarseTimers } from './coarse-timers.js';
import type { AccessRecord, HcmContext } from './hcm-context.js';
import { H2CodecStats, createH2Server, registerClusterH2Stats } from './http2/index.js';
import { serveConnection, type ChainRuntime, type DownstreamHandle } from './listener/dispatch.js';
import { compileChainMatch, selectFilterChain, type CompiledChainMatch } from './listener/filter-chain-match.js';
import { inspectConnection, listenerStats, planListenerFilters, type Inspected, type ListenerFilterPlan } from './listener/listener-filters.js';
import { ListenerIndex, capturedLookup, restoresDestination } from './listener/handoff.js';
import { restoreDestination, type DestinationLookup } from './listener/original-dst.js';
import { compileHttpFilters } from './filters/http-filters.js';
import { RouteTable } from './router/route-table.js';
import { sameConfig } from './config/same-config.js';
import { StatsRegistry } from './stats.js';
import { tcpProxyContext } from './tcp/tcp-proxy.js';
import { Cluster } from './upstream/cluster.js';
import { OutlierStats } from './upstream/outlier-detection.js';

const DEFAULT_MAX_HEADERS_KB = 60;
/** Envoy's `stream_idle_timeout` when the HCM does not set it. */
const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;
/** Envoy's downstream connection `idle_timeout` when the HCM does not set it. */
const DEFAULT_IDLE_TIMEOUT_MS = 3_600_000;
const DEFAULT_MAX_HEADERS_COUNT = 100;

interface ListenerRuntime {
  readonly name: string;
  readonly server: Server;
  config: ListenerConfig;
  chains: CompiledChainMatch<ChainRuntime>[];
  defaultChain: ChainRuntime | undefined;
  /** tls_inspector / http_inspector to run before chain selection. */
  inspect: ListenerFilterPlan | undefined;
  /** original_dst listener filter (implied by use_original_dst): restore each connection's destination. */
  restore: boolean;
  useOriginalDst: boolean;
  readonly connections: Set<DownstreamHandle>;
}

export interface ProxyOptions {
  readonly onAccess?: (r: AccessRecord) => void;
  /** The dice of fault injection, CORS filter_enabled and mirror fractions (tests pass a seeded one). */
  readonly random?: () => number;
  /** Original destination of captured connections; default SO_ORIGINAL_DST, else the local address (TPROXY). */
  readonly originalDestination?: DestinationLookup;
}

export class Proxy {
  readonly stats = new StatsRegistry();
  readonly timers = new CoarseTimers();
  private config: ProxyConfig = { version: '', listeners: [], routeConfigs: [], clusters: [] };
  private routeTables = new Map<string, RouteTable>();
  private clusters = new Map<string, Cluster>();
  private readonly listeners = new Map<string, ListenerRuntime>();
  /** Listeners by address:port, for use_original_dst handoff. */
  private byAddress = new ListenerIndex<ListenerRuntime>();

  constructor(private readonly options: ProxyOptions = {}) {}

  get currentConfig(): ProxyConfig {
    return this.config;
  }

  /** The bound port of a listener (useful when it was configured with port 0). */
  listenerPort(name: string): number | undefined {
    const a = this.listeners.get(name)?.server.address();
    return a !== null && typeof a === 'object' ? a.port : undefined;
  }

  /** STRICT_DNS / LOGICAL_DNS clusters' current hosts, by cluster name (the admin's /clusters). */
  resolvedEndpoints(): Record<string, readonly LbEndpoint[]> {
    const out: Record<string, readonly LbEndpoint[]> = {};
    for (const [name, c] of this.clusters) if (c.resolvedEndpoints !== undefined) out[name] = c.resolvedEndpoints;
    return out;
  }

  /** Compiles and applies `next`; throws (leaving the current config in force) when any part is invalid. */
  async apply(next: ProxyConfig): Promise<void> {
    const routeTables = new Map<string, RouteTable>();
    for (const rc of next.routeConfigs) routeTables.set(rc.name, new RouteTable(rc));
    const inline = new Map<HttpConnectionManager, RouteTable>();
    for (const l of next.listeners) {
      for (const fc of [...l.filterChains, ...(l.defaultFilterChain ? [l.defaultFilterChain] : [])]) {
        const h = fc.httpConnectionManager;
        if (h?.routeConfig !== undefined) inline.set(h, new RouteTable(h.routeConfig));
      }
    }
    const eds = new Map((next.endpoints ?? []).map((e) => [e.clusterName, e]));
    const clusters = new Map<string, Cluster>();
    const warming: Promise<void>[] = [];
    for (const c of next.clusters) {
      const old = this.clusters.get(c.name);
      const cluster = old !== undefined && sameConfig(old.config, c) ? old : this.newCluster(c);
      const cla = eds.get(c.name);
      if (c.type === 'EDS' && cla !== undefined) cluster.setEndpoints(cla);
      if (cluster !== old && cluster.warming !== undefined) warming.push(cluster.warming);
      clusters.set(c.name, cluster);
    }
    // New DNS clusters go live after their first resolution (Envoy's warming); the old version serves meanwhile.
    if (warming.length > 0) await Promise.all(warming);
    // Swap: from here on, new requests see the new version.
    const oldClusters = this.clusters;
    this.config = next;
    this.routeTables = routeTables;
    this.clusters = clusters;
    for (const [name, c] of oldClusters) if (clusters.get(name) !== c) c.close();
    await this.applyListeners(next.listeners, inline);
  }

  private newCluster(c: ClusterConfig): Cluster {
    const outlier = c.outlierDetection === undefined ? undefined : this.stats.group(`cluster.${c.name}.outlier_detection`, () => new OutlierStats());
    const stats = this.stats.cluster(c.name);
    const proto = c.httpProtocolOptions?.upstreamProtocol;
    if (proto !== undefined && proto !== 'HTTP1') registerClusterH2Stats(stats, this.stats.group(`cluster.${c.name}.http2`, () => new H2CodecStats()));
    return new Cluster(c, stats, Math.random, outlier);
  }

  private chainRuntime(fc: FilterChain, inline: Map<HttpConnectionManager, RouteTable>): ChainRuntime {
    const tcp = fc.tcpProxy;
    if (tcp !== undefined) {
      return { kind: 'tcp', tcp: tcpProxyContext(tcp, this.stats.tcp(tcp.statPrefix), (name) => this.clusters.get(name)) };
    }
    const h = fc.httpConnectionManager;
    if (h === undefined) throw new Error(`filter chain ${fc.name ?? ''} has neither httpConnectionManager nor tcpProxy`);
    const hcm = this.hcmContext(h, inline);
    return { kind: 'http', hcm, codec: h.codecType ?? 'AUTO', h2: createH2Server(hcm, h.http2ProtocolOptions, this.stats.group('http2', () => new H2CodecStats())) };
  }

  private hcmContext(h: HttpConnectionManager, inline: Map<HttpConnectionManager, RouteTable>): HcmContext {
    const table = inline.get(h);
    const rdsName = h.routeConfigName;
    return {
      statPrefix: h.statPrefix,
      stats: this.stats.http(h.statPrefix),
      forwarding: {
        useRemoteAddress: h.useRemoteAddress ?? false,
        skipXffAppend: h.skipXffAppend ?? false,
        generateRequestId: h.generateRequestId ?? true,
        preserveExternalRequestId: h.preserveExternalRequestId ?? false,
      },
      maxHeadBytes: (h.maxRequestHeadersKb ?? DEFAULT_MAX_HEADERS_KB) * 1024,
      maxHeaders: h.maxHeadersCount ?? DEFAULT_MAX_HEADERS_COUNT,
      serverName: h.serverName ?? 'envoy',
      serverHeaderTransformation: h.serverHeaderTransformation ?? 'OVERWRITE',
      suppressEnvoyHeaders: h.suppressEnvoyHeaders ?? false,
      scheme: 'http',
      timers: this.timers,
      routeTable: table !== undefined ? () => table : () => (rdsName === undefined ? undefined : this.routeTables.get(rdsName)),
      cluster: (name) => this.clusters.get(name),
      onAccess: this.options.onAccess,
      upgrades: new Set((h.upgradeConfigs ?? []).filter((u) => u.enabled !== false).map((u) => u.upgradeType.toLowerCase())),
      httpFilters: compileHttpFilters(h.httpFilters, h.statPrefix, this.stats, this.options.random),
      pathNormalization: h.pathNormalization,
      streamIdleTimeoutMs: h.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
      requestTimeoutMs: h.requestTimeoutMs ?? 0,
      idleTimeoutMs: h.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      requestHeadersTimeoutMs: h.requestHeadersTimeoutMs ?? 0,
    };
  }

  private async applyListeners(next: readonly ListenerConfig[], inline: Map<HttpConnectionManager, RouteTable>): Promise<void> {
    const keep = new Set<string>();
    for (const l of next) {
      keep.add(l.name);
      const existing = this.listeners.get(l.name);
      if (existing !== undefined && sameConfig(existing.config, l)) continue;
      const chains = l.filterChains.map((fc) => compileChainMatch(this.chainRuntime(fc, inline), fc.filterChainMatch));
      const defaultChain = l.defaultFilterChain ? this.chainRuntime(l.defaultFilterChain, inline) : undefined;
      if (existing !== undefined && existing.config.address === l.address && existing.config.port === l.port) {
        // Same socket, new filter chains: new connections pick them up, open ones finish as they were.
        existing.config = l;
        existing.chains = chains;
        existing.defaultChain = defaultChain;
        existing.inspect = this.listenerFilterPlan(l);
        existing.restore = restoresDestination(l);
        existing.useOriginalDst = l.useOriginalDst === true;
        continue;
      }
      if (existing !== undefined) this.drainListener(existing);
      this.listeners.set(l.name, await this.bind(l, chains, defaultChain));
    }
    for (const [name, rt] of this.listeners) if (!keep.has(name)) this.drainListener(rt);
    const index = new ListenerIndex<ListenerRuntime>();
    for (const l of next) {
      const rt = this.listeners.get(l.name);
      if (rt !== undefined) index.add(l.address, l.port, rt);
    }
    this.byAddress = index;
  }

  private listenerFilterPlan(l: ListenerConfig): ListenerFilterPlan | undefined {
    return planListenerFilters(l.listenerFilters, l.listenerFiltersTimeoutMs, l.continueOnListenerFiltersTimeout, this.stats, `${l.address}_${l.port}`);
  }

  private drainListener(rt: ListenerRuntime): void {
    this.listeners.delete(rt.name);
    // Stop accepting; open connections close as their current request ends.
    rt.server.close();
    for (const c of rt.connections) c.closeAfterResponse = true;
  }

  private bind(l: ListenerConfig, chains: CompiledChainMatch<ChainRuntime>[], defaultChain: ChainRuntime | undefined): Promise<ListenerRuntime> {
    const connections = new Set<DownstreamHandle>();
    const rt: ListenerRuntime = {
      name: l.name, server: undefined as unknown as Server, config: l, chains, defaultChain, inspect: this.listenerFilterPlan(l),
      restore: restoresDestination(l), useOriginalDst: l.useOriginalDst === true, connections,
    };
    const ls = listenerStats(this.stats, l.address, l.port);
    const server = createServer({ noDelay: true }, (socket: Socket) => {
      ls.downstream_cx_total++;
      ls.downstream_cx_active++;
      socket.once('close', () => { ls.downstream_cx_active--; });
      this.accept(rt, socket);
    });
    (rt as { server: Server }).server = server;
    // bind_to_port false: a listener that only receives connections handed off by use_original_dst.
    if (l.bindToPort === false) return Promise.resolve(rt);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(l.port, l.address, () => {
        server.off('error', reject);
        resolve(rt);
      });
    });
  }

  /** A connection accepted on `rt`: restore its destination, hand it off, or serve it here. */
  private accept(rt: ListenerRuntime, socket: Socket): void {
    if (rt.restore) {
      const dst = (this.options.originalDestination ?? capturedLookup)(socket);
      if (dst !== undefined) {
        restoreDestination(socket, dst);
        // Envoy's use_original_dst: the listener for the exact IP:port, else the wildcard one for the port.
        const target = rt.useOriginalDst ? this.byAddress.find(dst.address, dst.port) : undefined;
        if (target !== undefined && target !== rt) return this.serve(target, socket);
      }
    }
    this.serve(rt, socket);
  }

  private serve(rt: ListenerRuntime, socket: Socket): void {
    const connections = rt.connections;
    const dispatch = (found: Inspected | undefined): void => {
      const ctx = selectFilterChain(rt.chains, {
        destinationAddress: socket.localAddress ?? '',
        destinationPort: socket.localPort ?? 0,
        sourceAddress: socket.remoteAddress ?? '',
        sourcePort: socket.remotePort ?? 0,
        serverName: found?.serverName,
        transportProtocol: found?.transportProtocol ?? 'raw_buffer',
        applicationProtocols: found?.applicationProtocols ?? [],
      }) ?? rt.defaultChain;
      if (ctx === undefined) {
        socket.destroy(); // Envoy closes connections no filter chain accepts
        return;
      }
      serveConnection(socket, ctx, connections, undefined, found?.initial);
    };
    if (rt.inspect === undefined) {
      dispatch(undefined);
      return;
    }
    // Tracked while inspecting so that close() can end a connection that never sent a byte.
    const pending: DownstreamHandle = { closeAfterResponse: false, destroy: () => socket.destroy() };
    connections.add(pending);
    socket.once('close', () => connections.delete(pending));
    inspectConnection(socket, rt.inspect, (found) => {
      connections.delete(pending);
      dispatch(found);
    });
  }

  /** Stops every listener, closes all connections and pools. */
  async close(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const rt of this.listeners.values()) {
      closing.push(new Promise((r) => rt.server.close(() => r())));
      for (const c of rt.connections) c.destroy();
    }
    this.listeners.clear();
    for (const cluster of this.clusters.values()) cluster.close();
    this.clusters.clear();
    this.timers.stop();
    await Promise.all(closing);
  }
}
