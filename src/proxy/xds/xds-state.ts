// What the proxy has been told, per resource type, and which versions are active. Listeners and
// clusters warm as in Envoy: a new or changed cluster goes live once its endpoints arrived, a
// listener once its route configurations did (or the initial fetch timeout passed); until then the
// previous version, if any, keeps serving. `assemble` turns the active set into one ProxyConfig.
import type { Any__Output } from '../../xds-api/index.js';
import type { ClusterConfig, ClusterLoadAssignment, ListenerConfig, ProxyConfig, RouteConfiguration } from '../config/types.js';
import type { DecodedCluster } from './decode-cluster.js';
import { rdsNames, type DecodedResource, type ResourceType, type ResourceTypes } from './resource-types.js';

export interface Entry<T> {
  readonly resource: DecodedResource<T>;
  /** version_info of the SotW response, or the resource's own version in delta xDS. */
  readonly version: string;
  readonly lastUpdated: Date;
}

export interface RejectedUpdate {
  readonly name: string;
  readonly details: string;
  readonly version: string;
  readonly at: Date;
}

/** Per type: accepted resources, the last rejection per name, and the protocol's bookkeeping. */
export class TypeState<T> {
  entries = new Map<string, Entry<T>>();
  readonly rejected = new Map<string, RejectedUpdate>();
  /** version_info of the last response accepted in full (SotW ACK) or the last system_version_info. */
  versionInfo = '';
  lastUpdated: Date | undefined;
  /** Set once the first response for the type has been processed. */
  received = false;
  constructor(readonly type: ResourceType<T>) {}
}

export interface UpdateResult {
  readonly errors: readonly RejectedUpdate[];
  /** Restores the entries as they were before the update (when the assembled config fails to apply). */
  rollback(): void;
}

export interface Assembled {
  readonly config: ProxyConfig;
  /** Listeners and clusters that exist but are not live yet. */
  readonly warming: { readonly listeners: readonly string[]; readonly clusters: readonly string[] };
  /** The earliest time (ms since epoch) a warming resource times out, for a re-assembly. */
  readonly nextTimeoutAt: number | undefined;
}

/**
 * The name of a Listener, Cluster, RouteConfiguration (`name`) or ClusterLoadAssignment
 * (`cluster_name`): field 1, a string, which encoders write first. Undefined when the bytes do not
 * start with it (then the resource is decoded to learn its name).
 */
export function leadingName(bytes: Uint8Array): string | undefined {
  if (bytes.length < 2 || bytes[0] !== 0x0a) return undefined;
  let len = 0;
  let i = 1;
  for (let shift = 0; ; shift += 7) {
    if (i >= bytes.length || shift > 28) return undefined;
    const b = bytes[i++];
    len += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
  }
  if (i + len > bytes.length) return undefined;
  return Buffer.from(bytes.buffer, bytes.byteOffset + i, len).toString('utf8');
}

function sameBytes(a: Any__Output, b: Any__Output): boolean {
  return a.type_url === b.type_url && Buffer.compare(a.value, b.value) === 0;
}

export class XdsState {
  readonly listeners: TypeState<ListenerConfig>;
  readonly routes: TypeState<RouteConfiguration>;
  readonly clusters: TypeState<DecodedCluster>;
  readonly endpoints: TypeState<ClusterLoadAssignment>;
  /** The versions that went live in the last applied config. */
  activeListeners = new Map<string, Entry<ListenerConfig>>();
  activeClusters = new Map<string, Entry<DecodedCluster>>();
  private seq = 0;

  constructor(types: ResourceTypes, private readonly initialFetchTimeoutMs: number, private readonly now: () => number = Date.now) {
    this.listeners = new TypeState(types.listener);
    this.routes = new TypeState(types.route);
    this.clusters = new TypeState(types.cluster);
    this.endpoints = new TypeState(types.endpoints);
  }

  byTypeUrl(url: string): TypeState<unknown> | undefined {
    return [this.listeners, this.routes, this.clusters, this.endpoints].find((t) => t.type.typeUrl === url) as TypeState<unknown> | undefined;
  }

  /**
   * Records one response: decodes every resource, keeps the last good version of any that fail,
   * and removes `removed` names (delta) or, for a SotW wildcard type, every name not sent.
   */
  update<T>(ts: TypeState<T>, resources: ReadonlyArray<{ any: Any__Output; name?: string; version?: string }>, version: string, removed: readonly string[] | 'absent'): UpdateResult {
    const before = new Map(ts.entries);
    const beforeRejected = new Map(ts.rejected);
    const errors: RejectedUpdate[] = [];
    const at = new Date(this.now());
    const seen = new Set<string>();
    for (const r of resources) {
      // The same bytes as the entry in force (a SotW response resends everything): nothing to decode.
      const known = r.name ?? leadingName(r.any.value);
      const same = known === undefined ? undefined : ts.entries.get(known);
      if (same !== undefined && sameBytes(same.resource.any, r.any)) {
        seen.add(known!);
        ts.rejected.delete(known!);
        ts.entries.set(known!, { ...same, version: r.version ?? version });
        continue;
      }
      const d = ts.type.decode(r.any, r.name);
      seen.add(d.name);
      if (d.error !== undefined) {
        const rej = { name: d.name, details: d.error, version: r.version ?? version, at };
        errors.push(rej);
        ts.rejected.set(d.name, rej);
        continue;
      }
      ts.rejected.delete(d.name);
      const prev = ts.entries.get(d.name);
      // An identical resource keeps its entry (and its warm state and lastUpdated).
      if (prev !== undefined && JSON.stringify(prev.resource.value) === JSON.stringify(d.value.value)) {
        ts.entries.set(d.name, { ...prev, version: r.version ?? version });
        continue;
      }
      ts.entries.set(d.name, { resource: d.value, version: r.version ?? version, lastUpdated: at });
    }
    if (removed === 'absent') {
      for (const name of [...ts.entries.keys()]) if (!seen.has(name)) ts.entries.delete(name);
    } else {
      for (const name of removed) ts.entries.delete(name);
    }
    ts.received = true;
    ts.lastUpdated = at;
    return {
      errors,
      rollback: () => {
        ts.entries = before;
        ts.rejected.clear();
        for (const [k, v] of beforeRejected) ts.rejected.set(k, v);
      },
    };
  }

  /** Drops named resources nobody references any more (RDS/EDS after a listener or cluster went away). */
  retain<T>(ts: TypeState<T>, wanted: ReadonlySet<string>): void {
    for (const name of [...ts.entries.keys()]) if (!wanted.has(name)) ts.entries.delete(name);
  }

  /** EDS names the current clusters need. */
  edsWanted(): Set<string> {
    const out = new Set<string>();
    for (const e of this.clusters.entries.values()) if (e.resource.value.edsServiceName !== undefined) out.add(e.resource.value.edsServiceName);
    return out;
  }

  /** RDS names the current listeners need. */
  rdsWanted(): Set<string> {
    const out = new Set<string>();
    for (const e of this.listeners.entries.values()) for (const n of rdsNames(e.resource.value)) out.add(n);
    return out;
  }

  /** True when every cluster from CDS is live or timed out: Envoy asks for listeners only then. */
  clustersInitialized(): boolean {
    if (!this.clusters.received) return false;
    return [...this.clusters.entries.values()].every((e) => this.clusterWarm(e) !== 'warming');
  }

  private timedOut(e: Entry<unknown>): boolean {
    return this.initialFetchTimeoutMs > 0 && this.now() - e.lastUpdated.getTime() >= this.initialFetchTimeoutMs;
  }

  private clusterWarm(e: Entry<DecodedCluster>): 'warm' | 'warming' {
    const svc = e.resource.value.edsServiceName;
    if (svc === undefined || this.endpoints.entries.has(svc) || this.timedOut(e)) return 'warm';
    return 'warming';
  }

  private listenerWarm(e: Entry<ListenerConfig>): 'warm' | 'warming' {
    if (rdsNames(e.resource.value).every((n) => this.routes.entries.has(n)) || this.timedOut(e)) return 'warm';
    return 'warming';
  }

  /** The config to apply now: live versions of everything, previous versions of what is still warming. */
  assemble(): Assembled {
    const warming = { listeners: [] as string[], clusters: [] as string[] };
    let nextTimeoutAt: number | undefined;
    const noteTimeout = (e: Entry<unknown>): void => {
      if (this.initialFetchTimeoutMs <= 0) return;
      const t = e.lastUpdated.getTime() + this.initialFetchTimeoutMs;
      nextTimeoutAt = nextTimeoutAt === undefined ? t : Math.min(nextTimeoutAt, t);
    };
    const clusters = new Map<string, Entry<DecodedCluster>>();
    for (const [name, e] of this.clusters.entries) {
      if (this.clusterWarm(e) === 'warm') clusters.set(name, e);
      else {
        warming.clusters.push(name);
        noteTimeout(e);
        const old = this.activeClusters.get(name);
        if (old !== undefined) clusters.set(name, old);
      }
    }
    const listeners = new Map<string, Entry<ListenerConfig>>();
    if (this.listeners.received) {
      for (const [name, e] of this.listeners.entries) {
        if (this.listenerWarm(e) === 'warm') listeners.set(name, e);
        else {
          warming.listeners.push(name);
          noteTimeout(e);
          const old = this.activeListeners.get(name);
          if (old !== undefined) listeners.set(name, old);
        }
      }
    }
    const clusterConfigs: ClusterConfig[] = [];
    const endpoints: ClusterLoadAssignment[] = [];
    for (const [name, e] of clusters) {
      clusterConfigs.push(e.resource.value.config);
      const svc = e.resource.value.edsServiceName;
      const cla = svc === undefined ? undefined : this.endpoints.entries.get(svc);
      // EDS is keyed by service_name; the data path looks endpoints up by cluster name.
      if (svc !== undefined) endpoints.push(cla === undefined ? { clusterName: name, endpoints: [] } : { ...cla.resource.value, clusterName: name });
    }
    const config: ProxyConfig = {
      version: String(this.seq + 1),
      listeners: [...listeners.values()].map((e) => e.resource.value),
      routeConfigs: [...this.routes.entries.values()].map((e) => e.resource.value),
      clusters: clusterConfigs,
      endpoints,
    };
    this.pending = { listeners, clusters };
    return { config, warming, nextTimeoutAt };
  }

  private pending: { listeners: Map<string, Entry<ListenerConfig>>; clusters: Map<string, Entry<DecodedCluster>> } | undefined;

  /** Marks the last assembled config as applied. */
  commit(): void {
    if (this.pending === undefined) return;
    this.activeListeners = this.pending.listeners;
    this.activeClusters = this.pending.clusters;
    this.pending = undefined;
    this.seq++;
  }

  /** True once clusters are initialized, listeners received and none of them is still warming. */
  fullyWarm(a: Assembled): boolean {
    return this.clustersInitialized() && this.listeners.received && a.warming.listeners.length === 0;
  }
}
