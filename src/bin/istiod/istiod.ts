// istiod's wiring: watched config directory → config store → service registry → PushContext →
// debounced pushes over ADS, plus the monitoring/debug server. No logic of its own beyond
// deciding what kind of push a change needs (triggers.ts).
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parseMeshConfig } from '../../api/mesh/index.js';
import type { MeshConfig } from '../../api/mesh/index.js';
import { FileConfigSource } from '../../config/file-source.js';
import { ConfigStore } from '../../config/store.js';
import { resolveMesh, type ResolvedMesh } from '../../pilot/model/mesh.js';
import { PushContext } from '../../pilot/model/push-context.js';
import { virtualServiceDeps } from '../../pilot/networking/cache-key.js';
import { proxyNeedsPush } from '../../pilot/networking/proxy-needs-push.js';
import { SnapshotRegistry } from '../../pilot/serviceregistry/snapshot-registry.js';
import { logger } from '../../shared/log.js';
import { MonitoringServer } from '../../xds/debug/index.js';
import { istiodGenerators } from '../../xds/generators/index.js';
import { ControlPlaneMetrics } from '../../xds/metrics.js';
import { pushRequest } from '../../xds/push-request.js';
import { AdsServer } from '../../xds/server.js';
import { XdsCache } from '../../xds/cache.js';
import { systemClock } from '../../xds/clock.js';
import { formatAddress, parseListenAddress, type IstiodFlags } from './flags.js';
import { decidePush } from './triggers.js';

const log = logger('istiod');

export interface BoundAddresses {
  grpcAddr: string;
  monitoringAddr: string;
  /** Accepted but not served until the CA and webhooks land. */
  secureGRPCAddr: null;
  httpsAddr: null;
}

export class IstiodStartError extends Error {}

export class Istiod {
  readonly store = new ConfigStore();
  readonly metrics = new ControlPlaneMetrics<PushContext>({ defaultMetrics: true });
  readonly ads: AdsServer<PushContext>;
  /** Encoded clusters, routes and endpoints shared by every proxy with the same inputs. */
  readonly cache = new XdsCache({ virtualServiceDeps: virtualServiceDeps });
  private readonly registry: SnapshotRegistry;
  private readonly mesh: ResolvedMesh;
  private source?: FileConfigSource;
  private monitoring?: MonitoringServer;
  private serving = false;
  private unsubscribe?: () => void;

  private constructor(private readonly flags: IstiodFlags, meshConfig: MeshConfig | undefined) {
    this.mesh = resolveMesh(meshConfig ?? {}, flags.domain);
    this.registry = new SnapshotRegistry(this.mesh, flags.clusterID);
    this.ads = new AdsServer<PushContext>({
      generators: istiodGenerators(meshConfig, this.cache),
      cache: this.cache,
      proxyNeedsPush,
      ...bytesInFlight(),
      controlPlaneId: hostname(),
      observer: this.metrics,
      // Istio's initPushContext: one snapshot per debounced push, from the newest config.
      refreshPush: () => this.buildPushContext(),
    });
  }

  static async create(flags: IstiodFlags): Promise<Istiod> {
    let mesh: MeshConfig | undefined;
    if (flags.meshConfig) {
      const text = await readFile(flags.meshConfig, 'utf8').catch((err: unknown) => {
        throw new IstiodStartError(`cannot read --meshConfig ${flags.meshConfig}: ${(err as Error).message}`);
      });
      const res = parseMeshConfig(text, flags.meshConfig);
      if (!res.mesh) {
        throw new IstiodStartError(`invalid --meshConfig ${flags.meshConfig}: ${res.diagnostics.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`);
      }
      mesh = res.mesh;
    }
    return new Istiod(flags, mesh);
  }

  buildPushContext(): PushContext {
    return PushContext.build({ snapshot: this.store.snapshot(), registry: this.registry, mesh: this.mesh });
  }

  ready(): boolean {
    return this.serving && this.ads.pushContext !== undefined;
  }

  async start(): Promise<BoundAddresses> {
    this.unsubscribe = this.store.subscribe((snapshot, changes) => {
      const registryChange = this.registry.update(snapshot);
      if (!this.serving) return;
      const d = decidePush(changes, registryChange);
      if (!d) return;
      for (const [reason, n] of d.reasons) this.metrics.trigger(reason, n);
      const base = pushRequest<PushContext>({ full: d.full, reason: 'unknown', start: systemClock.now(), configsUpdated: d.configsUpdated });
      const req = { ...base, reason: new Map(d.reasons) };
      log.info({ full: d.full, reasons: Object.fromEntries(d.reasons), version: snapshot.version }, 'config change');
      this.ads.configUpdate(req);
    });
    if (this.flags.configDir) {
      this.source = new FileConfigSource({ dir: this.flags.configDir, store: this.store });
      await this.source.start();
      for (const p of this.source.errors()) log.warn({ problem: p }, 'config not loaded');
    } else {
      log.warn('no --configDir: serving an empty mesh');
    }
    // The first snapshot, so that the first proxies are served without waiting for a debounce.
    await this.ads.pushAll(pushRequest({ full: true, reason: 'global', start: systemClock.now() }));

    const grpc = parseListenAddress(this.flags.grpcAddr);
    const mon = parseListenAddress(this.flags.monitoringAddr);
    const grpcPort = await this.ads.listen(formatAddress(grpc.host, grpc.port)).catch((err: unknown) => {
      throw new IstiodStartError(`cannot listen on --grpcAddr ${this.flags.grpcAddr}: ${(err as Error).message}`);
    });
    this.monitoring = new MonitoringServer({
      ads: this.ads,
      metrics: this.metrics,
      ready: () => this.ready(),
      configs: () => this.store.snapshot().configs(),
      configErrors: () => this.source?.errors() ?? [],
      clusterId: this.flags.clusterID,
      istiodId: hostname(),
    });
    const monAddr = await this.monitoring.listen(mon.host, mon.port).catch((err: unknown) => {
      throw new IstiodStartError(`cannot listen on --monitoringAddr ${this.flags.monitoringAddr}: ${(err as Error).message}`);
    });
    for (const [flag, value] of [['secureGRPCAddr', this.flags.secureGRPCAddr], ['httpsAddr', this.flags.httpsAddr], ['caCertsDir', this.flags.caCertsDir]] as const) {
      if (value) log.info({ flag, value }, `--${flag} accepted but not served yet (needs the CA / webhooks)`);
    }
    this.serving = true;
    return {
      grpcAddr: formatAddress(grpc.host, grpcPort),
      monitoringAddr: formatAddress(mon.host, monAddr.port),
      secureGRPCAddr: null,
      httpsAddr: null,
    };
  }

  /** Stops watching, ends every xDS stream (forcefully after `graceMs`), closes the monitoring port. */
  async stop(graceMs = 2000): Promise<void> {
    this.serving = false;
    this.unsubscribe?.();
    await this.source?.stop();
    await this.ads.close(graceMs);
    await this.monitoring?.close();
  }
}

/**
 * PILOT_XDS_BYTES_IN_FLIGHT_MB (an Istio-style feature variable): the byte budget of responses in
 * flight over all streams (AdsServer's maxBytesInFlight); unset or invalid keeps the default.
 */
function bytesInFlight(): { maxBytesInFlight?: number } {
  const mb = Number(process.env.PILOT_XDS_BYTES_IN_FLIGHT_MB);
  return Number.isFinite(mb) && mb > 0 ? { maxBytesInFlight: mb * 1024 * 1024 } : {};
}
