// The discovery server of the proxy memory benchmark: the real ADS server (src/xds) over a fixed set
// of encoded resources. Two configs: a small one (one listener → one route → one EDS cluster) and a
// sidecar's config as istiod pushes it for an N-service mesh (sidecar-capture.ts), in which the
// listeners that bind are moved to free loopback ports (the machine is shared; 15001/15006 may be
// taken) and one service's endpoints point at the local backend so that load runs through istiod's
// own outbound HTTP listener and its N-virtual-host route configuration.
import {
  TypeUrl, WellKnownName, decodeAny, encodeAny, typedAny, type Any__Output, type Listener__Output,
} from '../../src/xds-api/index.js';
import { AdsServer, type Generator } from '../../src/xds/index.js';
import type { CapturedConfig } from './sidecar-capture.js';

export type Resources = Map<string, Map<string, Any__Output>>;

const ads = { ads: {}, resource_api_version: 'V3' as const };

/** The host the load targets in the captured config: svc-0001 has no VirtualService or DestinationRule. */
export const CAPTURED_HOST = 'svc-0001.bench-ns-01.svc.cluster.local';
const CAPTURED_CLA = `outbound|80||${CAPTURED_HOST}`;

function cla(name: string, port: number): Any__Output {
  return encodeAny(TypeUrl.ClusterLoadAssignment, {
    cluster_name: name,
    endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } }] }],
  });
}

/** One listener on 127.0.0.1:`port` → route `bench` (one virtual host `*`) → EDS cluster `backend` → 127.0.0.1:`backend`. */
export function smallConfig(port: number, backend: number): Resources {
  const listener = encodeAny(TypeUrl.Listener, {
    name: 'bench',
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    filter_chains: [{ filters: [{ name: WellKnownName.HttpConnectionManager, typed_config: typedAny(TypeUrl.HttpConnectionManager, {
      stat_prefix: 'bench', rds: { route_config_name: 'bench', config_source: ads },
      http_filters: [{ name: WellKnownName.Router, typed_config: typedAny(TypeUrl.Router, {}) }],
    }) }] }],
  });
  const route = encodeAny(TypeUrl.RouteConfiguration, {
    name: 'bench',
    virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'backend' } }] }],
  });
  const cluster = encodeAny(TypeUrl.Cluster, {
    name: 'backend', type: 'EDS', connect_timeout: { seconds: 1 }, eds_cluster_config: { eds_config: ads, service_name: 'backend' },
  });
  return new Map([
    [TypeUrl.Listener, new Map([['bench', listener]])],
    [TypeUrl.RouteConfiguration, new Map([['bench', route]])],
    [TypeUrl.Cluster, new Map([['backend', cluster]])],
    [TypeUrl.ClusterLoadAssignment, new Map([['backend', cla('backend', backend)]])],
  ]);
}

/**
 * istiod's config for one sidecar, with the binding listeners moved to loopback ports from `ports()`,
 * istiod's `0.0.0.0_80` listener also bound on 127.0.0.1:`port`, and svc-0001's port-80 endpoints
 * replaced by the backend.
 */
export async function capturedConfig(cfg: CapturedConfig, port: number, backend: number, ports: () => Promise<number>): Promise<Resources> {
  const out: Resources = new Map(Object.entries(cfg).map(([t, rs]) => [t, new Map(rs.map((r) => [r.name, r.resource]))]));
  const listeners = out.get(TypeUrl.Listener)!;
  for (const [name, any] of listeners) {
    const l = decodeAny(any, TypeUrl.Listener) as Listener__Output & Record<string, unknown>;
    const binds = l.bind_to_port?.value !== false;
    if (!binds && name !== '0.0.0.0_80') continue;
    l.address = { socket_address: { address: '127.0.0.1', port_value: binds ? await ports() : port } } as never;
    if (!binds) l.bind_to_port = { value: true } as never;
    listeners.set(name, encodeAny(TypeUrl.Listener, l as never));
  }
  if (!listeners.has('0.0.0.0_80')) throw new Error('captured config has no 0.0.0.0_80 listener');
  const clas = out.get(TypeUrl.ClusterLoadAssignment)!;
  if (!clas.has(CAPTURED_CLA)) throw new Error(`captured config has no load assignment ${CAPTURED_CLA}`);
  clas.set(CAPTURED_CLA, cla(CAPTURED_CLA, backend));
  return out;
}

/** Serves `resources` over ADS (delta and SotW) on 127.0.0.1; returns the port and a stop function. */
export async function serveResources(resources: Resources): Promise<{ port: number; stop: () => Promise<void> }> {
  const gen = (type: string): Generator<string> => ({
    generate: () => ({ version: 'v1', resources: [...resources.get(type)!].map(([name, resource]) => ({ name, resource })) }),
  });
  const server = new AdsServer<string>({
    generators: new Map([...resources.keys()].map((t) => [t, gen(t)])),
    debounce: { quietMs: 5, maxMs: 50 },
    controlPlaneId: 'bench-xds',
  });
  const port = await server.listen('127.0.0.1:0');
  return { port, stop: () => server.close(0) };
}

/** Counts of what the proxy was given, for the report. */
export function describe(resources: Resources): string {
  const n = (t: string) => resources.get(t)?.size ?? 0;
  const bytes = [...resources.values()].reduce((a, m) => a + [...m.values()].reduce((b, r) => b + r.value.length, 0), 0);
  return `${n(TypeUrl.Cluster)} clusters, ${n(TypeUrl.ClusterLoadAssignment)} CLAs, ${n(TypeUrl.Listener)} listeners, `
    + `${n(TypeUrl.RouteConfiguration)} route configs, ${(bytes / 1048576).toFixed(2)} MiB encoded`;
}
