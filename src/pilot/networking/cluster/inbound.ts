// Inbound clusters for the service ports a sidecar's own workload serves: one `inbound|port||` per
// workload (target) port, the first service on that port winning. With Istio's default inbound
// policy (PASSTHROUGH) they are ORIGINAL_DST to the pod IP, bound to 127.0.0.6 so that iptables does
// not capture the proxy's own traffic, and never cleaned up; with LOCALHOST they are STATIC to
// 127.0.0.1 (::1 on IPv6-only pods). Only the rule's connection pool applies inbound.
import type { Cluster } from '../../../xds-api/index.js';
import type { ServiceInstance } from '../../model/endpoint.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { destinationRuleFor, portTrafficPolicy, proxyServiceInstances, type TranslationMesh } from '../endpoint/index.js';
import { buildInboundSubsetKey } from '../names.js';
import { applyConnectionPool } from './connection-pool.js';
import { finish } from './draft.js';
import { configPath, serviceMetadata, setClusterMetadata, type ClusterMetadata } from './metadata.js';
import { baseCluster } from './outbound.js';
import { MAX_DURATION } from './proto.js';

export const INBOUND_PASSTHROUGH_BIND_IPV4 = '127.0.0.6';
export const INBOUND_PASSTHROUGH_BIND_IPV6 = '::6';

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
 * Inbound clusters of a sidecar. A proxy with interception mode NONE and no Sidecar ingress
 * listeners gets none: without capture there is no inbound listener to use them.
 */
export function buildInboundClusters(proxy: Client, push: PushContext, mesh: TranslationMesh): Cluster[] {
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
