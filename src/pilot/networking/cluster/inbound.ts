// Inbound clusters for the service ports a sidecar's own workload serves: one `inbound|port||` per
// workload (target) port, the first service on that port winning. With Istio's default inbound
// policy (PASSTHROUGH) they are ORIGINAL_DST to the pod IP, bound to 127.0.0.6 so that iptables does
// not capture the proxy's own traffic, and never cleaned up; with LOCALHOST they are STATIC to
// 127.0.0.1 (::1 on IPv6-only pods). Only the rule's connection pool applies inbound. A Sidecar with
// ingress listeners replaces all of this: one `inbound|<port>||` per ingress port, STATIC to its
// defaultEndpoint or ORIGINAL_DST without one.
import type { IstioIngressListener } from '../../../api/networking/sidecar.js';
import type { Cluster, LocalityLbEndpoints } from '../../../xds-api/index.js';
import type { ServiceInstance } from '../../model/endpoint.js';
import { parseProtocol } from '../../model/protocol.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { ServicePort } from '../../model/service.js';
import { destinationRuleFor, portTrafficPolicy, proxyServiceInstances, type TranslationMesh } from '../endpoint/index.js';
import { buildInboundSubsetKey } from '../names.js';
import { applyConnectionPool } from './connection-pool.js';
import { finish } from './draft.js';
import { configPath, serviceMetadata, setClusterMetadata, type ClusterMetadata } from './metadata.js';
import { baseCluster } from './outbound.js';
import { MAX_DURATION } from './proto.js';

export const INBOUND_PASSTHROUGH_BIND_IPV4 = '127.0.0.6';
export const INBOUND_PASSTHROUGH_BIND_IPV6 = '::6';
const UNIX_PREFIX = 'unix://';

type Client = Pick<Proxy, 'type' | 'configNamespace' | 'labels' | 'ipAddresses' | 'locality' | 'interceptionMode'>;

const isV6 = (ip: string): boolean => ip.includes(':');

export function supportsIpv4(proxy: Pick<Proxy, 'ipAddresses'>): boolean {
  return proxy.ipAddresses.some((ip) => !isV6(ip));
}

function inboundCluster(proxy: Client, push: PushContext, mesh: TranslationMesh, targetPort: number, instances: readonly ServiceInstance[]): Cluster | undefined {
  const primary = instances[0];
  const name = buildInboundSubsetKey(targetPort);
  const localhost = supportsIpv4(proxy) ? '127.0.0.1' : '::1';
  const bind = mesh.inboundTrafficPolicyMode === 'LOCALHOST' ? localhost : '';
  const endpoints = bind === '' ? undefined : [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: bind, port_value: targetPort } } } }] }];
  const d = baseCluster(name, bind === '' ? 'ORIGINAL_DST' : 'STATIC', endpoints, primary.servicePort, proxy, mesh);
  if (!d) return undefined;
  const c = d.cluster;
  if (c.type === 'ORIGINAL_DST') c.cleanup_interval = MAX_DURATION;
  const services: ClusterMetadata['services'] = [];
  const seen = new Set<string>();
  for (const i of instances) {
    if (i.servicePort.port !== primary.servicePort.port || seen.has(i.service.hostname)) continue;
    seen.add(i.service.hostname);
    services.push(serviceMetadata(i.service));
  }
  const md: ClusterMetadata = { services };
  const rule = destinationRuleFor(push, proxy, primary.service);
  if (rule?.spec.trafficPolicy) md.config = configPath(rule.meta);
  applyConnectionPool(d, mesh, portTrafficPolicy(rule?.spec.trafficPolicy, primary.servicePort.port).policy?.connectionPool);
  if (c.type === 'ORIGINAL_DST') c.lb_policy = 'CLUSTER_PROVIDED';
  if (bind !== '127.0.0.1' && bind !== '::1') {
    c.upstream_bind_config = { source_address: { address: supportsIpv4(proxy) ? INBOUND_PASSTHROUGH_BIND_IPV4 : INBOUND_PASSTHROUGH_BIND_IPV6, port_value: 0 } };
  }
  setClusterMetadata(c, md);
  return finish(d);
}

/**
 * Where a Sidecar ingress listener's `defaultEndpoint` sends traffic: `127.0.0.1:PORT` (or `[::1]`)
 * the loopback the proxy has, `0.0.0.0:PORT` / `[::]:PORT` the proxy's own IP, `unix://path` a
 * socket; unset means the original destination (ORIGINAL_DST).
 */
function ingressEndpoint(proxy: Client, defaultEndpoint: string | undefined): LocalityLbEndpoints[] | undefined {
  if (!defaultEndpoint) return undefined;
  if (defaultEndpoint.startsWith(UNIX_PREFIX)) {
    return [{ lb_endpoints: [{ endpoint: { address: { pipe: { path: defaultEndpoint.slice(UNIX_PREFIX.length) } } } }] }];
  }
  const colon = defaultEndpoint.lastIndexOf(':');
  const host = defaultEndpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(defaultEndpoint.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port)) return undefined;
  const v4 = proxy.ipAddresses.find((ip) => !isV6(ip));
  const v6 = proxy.ipAddresses.find(isV6);
  let address = host;
  if (host === '0.0.0.0') address = v4 ?? '127.0.0.1';
  else if (host === '::') address = v6 ?? '::1';
  else if (host === '127.0.0.1' || host === '::1') address = supportsIpv4(proxy) || proxy.ipAddresses.length === 0 ? '127.0.0.1' : '::1';
  return [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address, port_value: port } } } }] }];
}

/** Istio builds inbound clusters from a Sidecar's ingress listeners, when it has any, instead of the services. */
function ingressClusters(proxy: Client, push: PushContext, mesh: TranslationMesh, ingress: readonly IstioIngressListener[]): Cluster[] {
  const out: Cluster[] = [];
  const seen = new Set<number>();
  for (const i of ingress) {
    const port = i.port.number!;
    if (seen.has(port)) continue;
    seen.add(port);
    const endpoints = ingressEndpoint(proxy, i.defaultEndpoint);
    const servicePort: ServicePort = { name: i.port.name ?? '', port, protocol: parseProtocol(i.port.protocol ?? '') };
    const d = baseCluster(buildInboundSubsetKey(port), endpoints ? 'STATIC' : 'ORIGINAL_DST', endpoints, servicePort, proxy, mesh);
    if (!d) continue;
    applyConnectionPool(d, mesh, undefined);
    const c = d.cluster;
    if (c.type === 'ORIGINAL_DST') {
      c.cleanup_interval = MAX_DURATION;
      c.lb_policy = 'CLUSTER_PROVIDED';
      c.upstream_bind_config = { source_address: { address: supportsIpv4(proxy) ? INBOUND_PASSTHROUGH_BIND_IPV4 : INBOUND_PASSTHROUGH_BIND_IPV6, port_value: 0 } };
    }
    out.push(finish(d));
  }
  return out;
}

/**
 * Inbound clusters of a sidecar: from its Sidecar's ingress listeners when it declares any, else
 * one per port its own services target. A proxy with interception mode NONE and no Sidecar ingress
 * listeners gets none: without capture there is no inbound listener to use them.
 */
export function buildInboundClusters(proxy: Client, push: PushContext, mesh: TranslationMesh): Cluster[] {
  const ingress = (push.sidecarFor(proxy)?.spec.ingress ?? []) as IstioIngressListener[];
  if (ingress.length > 0) return ingressClusters(proxy, push, mesh, ingress);
  if (proxy.interceptionMode === 'NONE') return [];
  const byPort = new Map<number, ServiceInstance[]>();
  for (const inst of proxyServiceInstances(proxy, push)) {
    const p = inst.endpoint.endpointPort;
    const list = byPort.get(p);
    if (list) list.push(inst);
    else byPort.set(p, [inst]);
  }
  const out: Cluster[] = [];
  for (const [port, instances] of byPort) {
    const c = inboundCluster(proxy, push, mesh, port, instances);
    if (c) out.push(c);
  }
  return out;
}
