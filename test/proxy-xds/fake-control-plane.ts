// A fake discovery server for proxy tests: the real ADS server (src/xds) over a mutable set of
// hand-written Envoy resources, plus builders for the Envoy messages the tests need.
import {
  TypeUrl, WellKnownName, encodeAny, typedAny, type Any__Output,
} from '../../src/xds-api/index.js';
import { AdsServer } from '../../src/xds/index.js';
import type { Generator } from '../../src/xds/index.js';
import { pushRequest } from '../../src/xds/push-request.js';

export const LDS = TypeUrl.Listener;
export const RDS = TypeUrl.RouteConfiguration;
export const CDS = TypeUrl.Cluster;
export const EDS = TypeUrl.ClusterLoadAssignment;

export class FakeControlPlane {
  version = 1;
  readonly byType = new Map<string, Map<string, Any__Output>>([[LDS, new Map()], [RDS, new Map()], [CDS, new Map()], [EDS, new Map()]]);
  server!: AdsServer<string>;
  port = 0;

  /** `delta: false` leaves DeltaAggregatedResources unimplemented, as an SotW-only server would. */
  async start(port = 0, opts: { delta?: boolean } = {}): Promise<number> {
    const gen = (type: string): Generator<string> => ({
      generate: () => ({ version: `v${this.version}`, resources: [...this.byType.get(type)!].map(([name, resource]) => ({ name, resource })) }),
    });
    this.server = new AdsServer<string>({
      generators: new Map([LDS, RDS, CDS, EDS].map((t) => [t, gen(t)])),
      debounce: { quietMs: 5, maxMs: 50 },
      controlPlaneId: 'fake-istiod',
    });
    if (opts.delta === false) delete (this.server.handlers as Record<string, unknown>).DeltaAggregatedResources;
    this.port = await this.server.listen(`127.0.0.1:${port}`);
    return this.port;
  }

  set(type: string, name: string, any: Any__Output | undefined): void {
    if (any) this.byType.get(type)!.set(name, any);
    else this.byType.get(type)!.delete(name);
  }

  /** Bumps the version and pushes the current resources to every connected proxy. */
  async push(): Promise<void> {
    this.version++;
    await this.server.pushAll(pushRequest({ full: true, reason: 'config', start: 0 }));
  }

  async stop(): Promise<void> {
    await this.server.close(0);
  }
}

const ads = { ads: {}, resource_api_version: 'V3' as const };

export function listener(name: string, port: number, rds: string, extraHttpFilters: object[] = []): Any__Output {
  return encodeAny(LDS, {
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    filter_chains: [{ filters: [{ name: WellKnownName.HttpConnectionManager, typed_config: typedAny(TypeUrl.HttpConnectionManager, {
      stat_prefix: name, rds: { route_config_name: rds, config_source: ads },
      http_filters: [...extraHttpFilters as never[], { name: WellKnownName.Router, typed_config: typedAny(TypeUrl.Router, {}) }],
    }) }] }],
  });
}

export interface RouteSpec { prefix?: string; regex?: string; cluster: string }

export function routeConfig(name: string, routes: RouteSpec[], domains = ['*']): Any__Output {
  return encodeAny(RDS, {
    name,
    virtual_hosts: [{
      name: 'vh', domains,
      routes: routes.map((r) => ({ match: r.regex !== undefined ? { safe_regex: { regex: r.regex } } : { prefix: r.prefix ?? '/' }, route: { cluster: r.cluster } })),
    }],
  });
}

export function edsCluster(name: string): Any__Output {
  return encodeAny(CDS, { name, type: 'EDS', connect_timeout: { seconds: 1 }, eds_cluster_config: { eds_config: ads, service_name: name } });
}

export function cla(name: string, ports: number[]): Any__Output {
  return encodeAny(EDS, {
    cluster_name: name,
    endpoints: [{ lb_endpoints: ports.map((p) => ({ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: p } } } })) }],
  });
}

export const waitFor = async (cond: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

export function freePort(): Promise<number> {
  return import('node:net').then(({ createServer }) => new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  }));
}
