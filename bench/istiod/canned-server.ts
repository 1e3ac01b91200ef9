// The serving floor: the real ADS server (src/xds) with canned, pre-encoded resources of the sizes
// the benchmark mesh produces (an EDS cluster and a 3-endpoint CLA per service port, one listener
// per port, route configs with every service's virtual host), and no translation at all. Run as
// `BENCH_ISTIOD=.../canned-server.js BENCH_REPS=0 npm run bench istiod`: it tells how much of the
// initial-sync time and CPU is the protocol, gRPC and the simulator rather than istiod's translation.
// It speaks istiod's start-up line. Of config edits it knows the benchmark's two: an EndpointSlice
// edit replaces that service's CLA address (an EDS-only push), a VirtualService edit adds its
// marker header to the first virtual host of route `80` (a full push; every client gets the whole
// 0.6 MB route configuration again, as with istiod): the wire floor of both, without translation.
import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pushRequest } from '../../src/xds/push-request.js';
import { TypeUrl, WellKnownName, encodeAny, typedAny, type Any__Output } from '../../src/xds-api/index.js';
import type { Generator } from '../../src/xds/generator.js';
import { AdsServer } from '../../src/xds/server.js';
import { DEFAULT_SHAPE, svcHost } from './mesh-gen.js';

const services = Number(process.env.BENCH_SERVICES ?? DEFAULT_SHAPE.services);
const shape = { ...DEFAULT_SHAPE, services };
const ports = (i: number) => [80, ...(i % 4 === 1 ? [9090] : [])];

interface Canned { name: string; version: string; resource: Any__Output }
const canned = (name: string, resource: Any__Output): Canned => ({
  name, version: createHash('sha256').update(resource.value).digest('base64url').slice(0, 16), resource,
});

const clusters: Canned[] = [];
const clas: Canned[] = [];
for (let i = 0; i < services; i++) {
  for (const port of ports(i)) {
    const name = `outbound|${port}||${svcHost(i, shape)}`;
    clusters.push(canned(name, encodeAny(TypeUrl.Cluster, {
      name, type: 'EDS', connect_timeout: { seconds: 10 },
      eds_cluster_config: { service_name: name, eds_config: { ads: {}, resource_api_version: 'V3' } },
      circuit_breakers: { thresholds: [{ max_connections: { value: 4294967295 }, max_pending_requests: { value: 4294967295 }, max_requests: { value: 4294967295 }, max_retries: { value: 4294967295 } }] },
      common_lb_config: { locality_weighted_lb_config: {} },
    })));
    clas.push(canned(name, encodeAny(TypeUrl.ClusterLoadAssignment, {
      cluster_name: name,
      endpoints: [{ locality: {}, lb_endpoints: [1, 2, 3].map((k) => ({
        endpoint: { address: { socket_address: { address: `10.16.${i % 250}.${k}`, port_value: port === 80 ? 8080 : port } } },
        load_balancing_weight: { value: 1 },
      })) }],
    })));
  }
}
const clusterIndex = new Map(clusters.map((c, i) => [c.name, i]));

const listeners = [80, 9090].map((port) => canned(`0.0.0.0_${port}`, encodeAny(TypeUrl.Listener, {
  name: `0.0.0.0_${port}`,
  address: { socket_address: { address: '0.0.0.0', port_value: port } },
  filter_chains: [{ filters: [{ name: WellKnownName.HttpConnectionManager, typed_config: typedAny(TypeUrl.HttpConnectionManager, {
    stat_prefix: `outbound_0.0.0.0_${port}`, rds: { route_config_name: String(port), config_source: { ads: {}, resource_api_version: 'V3' } },
    http_filters: [{ name: WellKnownName.Router, typed_config: typedAny(TypeUrl.Router, {}) }],
  }) }] }],
})));
const routeConfig = (port: number, marker?: string) => canned(String(port), encodeAny(TypeUrl.RouteConfiguration, {
  name: String(port),
  virtual_hosts: clusters.filter((c) => c.name.startsWith(`outbound|${port}|`)).map((c) => {
    const host = c.name.split('|')[3];
    const [svc, ns] = host.split('.');
    return {
      name: `${host}:${port}`,
      domains: [`${host}:${port}`, host, `${svc}.${ns}.svc:${port}`, `${svc}.${ns}.svc`, `${svc}.${ns}:${port}`, `${svc}.${ns}`],
      routes: [
        ...(marker && c === clusters[0] ? [{ name: 'canary', match: { prefix: '/', headers: [{ name: 'x-canary', string_match: { exact: marker } }] }, route: { cluster: c.name } }] : []),
        { name: 'default', match: { prefix: '/' }, route: { cluster: c.name, timeout: { seconds: 0 }, retry_policy: { retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', num_retries: { value: 2 } } } },
      ],
    };
  }),
}));
const routes = [routeConfig(80), routeConfig(9090)];

const fixed = (rs: Canned[]): Generator<string> => ({ generate: () => ({ version: 'canned', resources: rs }) });
const server = new AdsServer<string>({
  generators: new Map([[TypeUrl.Cluster, fixed(clusters)], [TypeUrl.ClusterLoadAssignment, fixed(clas)], [TypeUrl.Listener, fixed(listeners)], [TypeUrl.RouteConfiguration, fixed(routes)]]),
});
// The benchmark's edits, recognised by their content.
const dirAt = process.argv.indexOf('--configDir');
if (dirAt > 0) {
  const dir = process.argv[dirAt + 1];
  watch(dir, { recursive: true }, (_event, file) => {
    if (!file) return;
    void readFile(join(dir, file.toString()), 'utf8').then((text) => {
      const marker = /bench-rev-\d+-canary/.exec(text)?.[0];
      const slice = /kubernetes\.io\/service-name: (svc-\d+)/.exec(text)?.[1];
      const ip = /10\.250\.\d+\.\d+/.exec(text)?.[0];
      if (marker && text.includes('kind: VirtualService')) {
        routes[0] = routeConfig(80, marker);
        void server.pushAll(pushRequest({ full: true, reason: 'config', start: Date.now(), configsUpdated: [`VirtualService.networking.istio.io/x/${marker}`] }));
      } else if (slice && ip) {
        const i = clusterIndex.get(clusters.find((c) => c.name.includes(`|${slice}.`))?.name ?? '');
        if (i === undefined) return;
        const name = clas[i].name;
        clas[i] = canned(name, encodeAny(TypeUrl.ClusterLoadAssignment, {
          cluster_name: name,
          endpoints: [{ locality: {}, lb_endpoints: [{ endpoint: { address: { socket_address: { address: ip, port_value: 8080 } } }, load_balancing_weight: { value: 1 } }] }],
        }));
        void server.pushAll(pushRequest({ full: false, reason: 'endpoint', start: Date.now() }));
      }
    }, () => {});
  });
}

const at = process.argv.indexOf('--grpcAddr');
const port = await server.listen(at > 0 ? process.argv[at + 1] : '127.0.0.1:0');
process.stdout.write(`${JSON.stringify({ msg: 'istiod listening', grpcAddr: `127.0.0.1:${port}`, monitoringAddr: '127.0.0.1:0' })}\n`);
process.once('SIGTERM', () => void server.close(500).then(() => process.exit(0)));
