// Outbound clusters for the services a proxy can reach: one `outbound|port||host` per service port
// (UDP skipped, ExternalName aliases skipped) and one `outbound|port|subset|host` per
// DestinationRule subset. The discovery type follows the service's resolution: EDS over ADS for
// Kubernetes services and STATIC ServiceEntries, STRICT_DNS / LOGICAL_DNS with the endpoints inline
// for DNS ServiceEntries, ORIGINAL_DST for resolution NONE and headless services (sidecars only).
import type { Subset, TrafficPolicy } from '../../../api/networking/index.js';
import type { Cluster, LocalityLbEndpoints } from '../../../xds-api/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service, ServicePort } from '../../model/service.js';
import { isHTTP2, isUnsupported } from '../../model/protocol.js';
import {
  clusterTrafficPolicy, destinationRuleFor, effectiveLocalitySetting, localityLbEndpoints, serviceMtlsMode,
  type DestinationRuleConfig, type TranslationMesh,
} from '../endpoint/index.js';
import { serviceConfigKey, type CacheableUnit } from '../cache-key.js';
import { buildDnsSrvSubsetKey, buildSubsetKey } from '../names.js';
import { applyConnectionPool, applyH2Upgrade } from './connection-pool.js';
import { finish, setH2, setUseDownstreamProtocol, type ClusterDraft } from './draft.js';
import { applyLoadBalancer } from './load-balancer.js';
import { configPath, serviceMetadata, setClusterMetadata, type ClusterMetadata } from './metadata.js';
import { applyOutlierDetection } from './outlier-detection.js';
import { duration, u32 } from './proto.js';
import { serviceAccountsFor } from './service-accounts.js';
import { applyUpstreamTls } from './tls.js';
import type { ClusterOptions } from './options.js';

export type DiscoveryType = 'EDS' | 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'ORIGINAL_DST';

type Client = Pick<Proxy, 'type' | 'configNamespace' | 'labels' | 'ipAddresses' | 'locality'>;

/** Istio's resolution → cluster type. Gateways cannot use ORIGINAL_DST, so headless falls back to EDS. */
export function discoveryType(service: Service, proxyType: Proxy['type']): DiscoveryType {
  switch (service.resolution) {
    case 'DNSLB': return 'STRICT_DNS';
    case 'DNSRoundRobinLB': return 'LOGICAL_DNS';
    case 'Passthrough': return proxyType === 'router' ? 'EDS' : 'ORIGINAL_DST';
    default: return 'EDS';
  }
}

/** IPv4-only proxies resolve A records, IPv6-only AAAA; dual-stack stays on IPv4 as Istio does without dual-stack mode. */
export function dnsLookupFamily(ips: readonly string[]): 'V4_ONLY' | 'V6_ONLY' {
  return ips.length > 0 && ips.every((ip) => ip.includes(':')) ? 'V6_ONLY' : 'V4_ONLY';
}

/**
 * The skeleton every Istio cluster starts from: name, type, alt stat name `<name>;`, DNS settings
 * and inline endpoints for DNS types (undefined when a DNS/STATIC cluster has no endpoints, which
 * Istio drops), the upstream protocol the port implies, and the service's telemetry metadata.
 */
export function baseCluster(
  name: string, type: DiscoveryType, endpoints: LocalityLbEndpoints[] | undefined, port: ServicePort, proxy: Client,
  mesh: TranslationMesh, passthroughPort?: number,
): ClusterDraft | undefined {
  const c: Cluster = { name, type, common_lb_config: {}, alt_stat_name: `${name};` };
  if (type === 'STRICT_DNS' || type === 'LOGICAL_DNS') {
    c.dns_lookup_family = dnsLookupFamily(proxy.ipAddresses);
    c.dns_refresh_rate = duration(mesh.dnsRefreshRateMs);
    c.respect_dns_ttl = true;
  }
  if (type === 'STRICT_DNS' || type === 'LOGICAL_DNS' || type === 'STATIC') {
    if (!endpoints || endpoints.length === 0) return undefined;
    c.load_assignment = { cluster_name: name, endpoints };
  }
  if (type === 'ORIGINAL_DST' && passthroughPort !== undefined) c.original_dst_lb_config = { upstream_port_override: u32(passthroughPort) };
  const d: ClusterDraft = { cluster: c };
  if (isHTTP2(port.protocol)) setH2(d);
  else if (proxy.type === 'sidecar' && isUnsupported(port.protocol)) setUseDownstreamProtocol(d);
  return d;
}

function edsConfig(c: Cluster): void {
  if (c.type !== 'EDS') return;
  c.eds_cluster_config = { service_name: c.name, eds_config: { ads: {}, initial_fetch_timeout: { seconds: 0 }, resource_api_version: 'V3' } };
}

/** LOGICAL_DNS resolves one name: Envoy accepts exactly one endpoint. */
function firstEndpointOnly(eps: LocalityLbEndpoints[]): LocalityLbEndpoints[] {
  const first = eps.find((l) => (l.lb_endpoints?.length ?? 0) > 0);
  if (!first) return [];
  const ep = (first.lb_endpoints ?? [])[0];
  return [{ ...first, lb_endpoints: [ep], load_balancing_weight: ep.load_balancing_weight ?? { value: 1 } }];
}

interface OutboundContext {
  readonly proxy: Client;
  readonly push: PushContext;
  readonly mesh: TranslationMesh;
  readonly opts: ClusterOptions;
}

function applyPolicy(ctx: OutboundContext, d: ClusterDraft, service: Service, port: ServicePort, policy: TrafficPolicy | undefined, sni: string, rule: DestinationRuleConfig | undefined): void {
  applyConnectionPool(d, ctx.mesh, policy?.connectionPool);
  applyH2Upgrade(d, port.protocol, ctx.mesh, policy?.connectionPool);
  applyOutlierDetection(d, policy?.outlierDetection);
  applyLoadBalancer(d, policy?.loadBalancer, effectiveLocalitySetting(policy?.loadBalancer?.localityLbSetting, ctx.mesh.localityLbSetting));
  applyUpstreamTls(d, ctx.mesh, {
    ...(policy?.tls ? { tls: policy.tls } : {}),
    serviceAccounts: serviceAccountsFor(ctx.push, service, port.port),
    sni,
    meshExternal: service.meshExternal,
    external: service.registry === 'External',
    serviceMtlsMode: serviceMtlsMode(ctx.push, service),
    sidecar: ctx.proxy.type === 'sidecar',
    ruleHasSelector: rule?.spec.workloadSelector !== undefined,
  });
  if (d.cluster.type === 'ORIGINAL_DST') d.cluster.lb_policy = 'CLUSTER_PROVIDED';
  edsConfig(d.cluster);
}

function metadataFor(service: Service, rule: DestinationRuleConfig | undefined, policy: TrafficPolicy | undefined, subset?: string): ClusterMetadata {
  const md: ClusterMetadata = { services: [serviceMetadata(service)] };
  if (service.meshExternal && subset === undefined) md.external = true;
  if (rule) md.config = configPath(rule.meta);
  if (subset !== undefined) md.subset = subset;
  if (rule && (policy?.tls?.mode === 'SIMPLE' || policy?.tls?.mode === 'MUTUAL')) md.alpn_override = 'false';
  return md;
}

function endpointsFor(ctx: OutboundContext, type: DiscoveryType, service: Service, port: number, subset: string, rule: DestinationRuleConfig | undefined): LocalityLbEndpoints[] | undefined {
  if (type !== 'STRICT_DNS' && type !== 'LOGICAL_DNS') return undefined;
  const eps = localityLbEndpoints(ctx.proxy, ctx.push, { service, port, subset, ...(rule ? { rule } : {}) }, { ...(ctx.opts.mesh ? { mesh: ctx.opts.mesh } : {}), dns: true });
  return type === 'LOGICAL_DNS' ? firstEndpointOnly(eps) : eps;
}

function subsetCluster(ctx: OutboundContext, service: Service, port: ServicePort, type: DiscoveryType, rule: DestinationRuleConfig, subset: Subset): Cluster | undefined {
  const name = buildSubsetKey('outbound', subset.name, service.hostname, port.port);
  const policy = clusterTrafficPolicy(rule.spec, subset.name, port.port);
  const passthrough = policy?.loadBalancer?.simple === 'PASSTHROUGH';
  const t: DiscoveryType = passthrough ? 'ORIGINAL_DST' : type;
  const d = baseCluster(name, t, passthrough ? undefined : endpointsFor(ctx, t, service, port.port, subset.name, rule), port, ctx.proxy, ctx.mesh, service.passthroughTargetPorts?.get(port.port));
  if (!d) return undefined;
  applyPolicy(ctx, d, service, port, policy, buildDnsSrvSubsetKey('outbound', subset.name, service.hostname, port.port), rule);
  setClusterMetadata(d.cluster, metadataFor(service, rule, policy, subset.name));
  return finish(d);
}

/** The clusters of one service port: the default cluster, then one per subset in rule order. */
export function serviceClusters(ctx: OutboundContext, service: Service, port: ServicePort): Cluster[] {
  const type = discoveryType(service, ctx.proxy.type);
  const rule = destinationRuleFor(ctx.push, ctx.proxy, service);
  const name = buildSubsetKey('outbound', '', service.hostname, port.port);
  const d = baseCluster(name, type, endpointsFor(ctx, type, service, port.port, '', rule), port, ctx.proxy, ctx.mesh, service.passthroughTargetPorts?.get(port.port));
  if (!d) return [];
  const policy = clusterTrafficPolicy(rule?.spec, '', port.port);
  applyPolicy(ctx, d, service, port, policy, buildDnsSrvSubsetKey('outbound', '', service.hostname, port.port), rule);
  setClusterMetadata(d.cluster, metadataFor(service, rule, policy));
  const out = [finish(d)];
  for (const s of rule?.spec.subsets ?? []) {
    const sc = subsetCluster(ctx, service, port, type, rule as DestinationRuleConfig, s);
    if (sc) out.push(sc);
  }
  return out;
}

/**
 * The outbound clusters as one unit per service port, each keyed by what it reads: the service
 * (content is a dep), the port, the DestinationRule(s) this proxy applies (their keys, so a rule
 * that newly applies changes the key), and the proxy type. DNS clusters carry endpoints shaped by
 * the proxy's locality and IP family, so they are not shared.
 */
export function outboundClusterUnits(proxy: Client, push: PushContext, mesh: TranslationMesh, opts: ClusterOptions): CacheableUnit<Cluster[]>[] {
  const ctx: OutboundContext = { proxy, push, mesh, opts };
  const out: CacheableUnit<Cluster[]>[] = [];
  for (const service of push.servicesForProxy(proxy)) {
    if (service.resolution === 'Alias') continue;
    const type = discoveryType(service, proxy.type);
    const shared = type === 'EDS' || type === 'ORIGINAL_DST';
    const rules = push.destinationRule(proxy, service)?.from ?? [];
    const deps = [serviceConfigKey(service), ...rules];
    const prefix = `${proxy.type}|${service.namespace}|${service.hostname}|${rules.join(',')}|`;
    for (const port of service.ports) {
      if (port.protocol === 'UDP') continue;
      out.push({ key: shared ? prefix + port.port : undefined, deps, build: () => serviceClusters(ctx, service, port) });
    }
  }
  return out;
}

export function buildOutboundClusters(proxy: Client, push: PushContext, mesh: TranslationMesh, opts: ClusterOptions): Cluster[] {
  return outboundClusterUnits(proxy, push, mesh, opts).flatMap((u) => u.build());
}
