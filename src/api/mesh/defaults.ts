// Istio's built-in MeshConfig defaults (what istiod uses for fields a mesh config leaves out).
import type { MeshConfig } from './mesh-config.js';
import type { ProxyConfig } from './proxy-config.js';

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * ProxyConfig defaults. `concurrency` is left unset: current Istio derives the worker count from
 * the proxy's CPU limit (older releases defaulted to 2).
 */
export const DEFAULT_PROXY_CONFIG: Readonly<ProxyConfig> = deepFreeze({
  configPath: './etc/istio/proxy',
  binaryPath: '/usr/local/bin/envoy',
  serviceCluster: 'istio-proxy',
  drainDuration: '45s',
  terminationDrainDuration: '5s',
  proxyAdminPort: 15000,
  controlPlaneAuthPolicy: 'MUTUAL_TLS',
  discoveryAddress: 'istiod.istio-system.svc:15012',
  tracing: { zipkin: { address: 'zipkin.istio-system:9411' } },
  statNameLength: 189,
  statusPort: 15020,
});

export const DEFAULT_MESH_CONFIG: Readonly<MeshConfig> = deepFreeze({
  enableTracing: true,
  accessLogFile: '',
  accessLogEncoding: 'TEXT',
  accessLogFormat: '',
  enableEnvoyAccessLogService: false,
  protocolDetectionTimeout: '0s',
  ingressService: 'istio-ingressgateway',
  ingressControllerMode: 'STRICT',
  ingressClass: 'istio',
  trustDomain: 'cluster.local',
  trustDomainAliases: [],
  enableAutoMtls: true,
  outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
  localityLbSetting: { enabled: true },
  defaultConfig: DEFAULT_PROXY_CONFIG,
  rootNamespace: 'istio-system',
  proxyListenPort: 15001,
  proxyInboundListenPort: 15006,
  connectTimeout: '10s',
  defaultServiceExportTo: ['*'],
  defaultVirtualServiceExportTo: ['*'],
  defaultDestinationRuleExportTo: ['*'],
  dnsRefreshRate: '60s',
  serviceSettings: [],
  enablePrometheusMerge: true,
  defaultProviders: {},
  extensionProviders: [
    { name: 'prometheus', prometheus: {} },
    { name: 'envoy', envoyFileAccessLog: { path: '/dev/stdout' } },
  ],
});
