// VirtualService TCP and TLS routes as filter chains. Match conditions that are static for this
// proxy (port, source labels, source namespace, gateways) are settled here; SNI hosts and
// destination subnets become filter-chain matches; destinations become a tcp_proxy to one cluster
// or to weighted clusters. A service without a matching route gets a chain to its own cluster
// (with SNI on its hostname when the listener cannot tell services apart by address).
import type { Config } from '../../../api/config.js';
import type { L4MatchAttributes, RouteDestination, TLSMatchAttributes, VirtualServiceSpec } from '../../../api/networking/virtual-service-schema.js';
import { hostsMatch } from '../../model/host.js';
import { selectorMatches } from '../../model/labels.js';
import { isTLS, type Protocol } from '../../model/protocol.js';
import type { PushContext, ProxyView } from '../../model/push-context.js';
import { UNSPECIFIED_IP, type Service } from '../../model/service.js';
import { buildSubsetKey } from '../names.js';
import { configMetadata } from '../route/convert.js';
import { destinationCluster } from '../route/http-route.js';
import { tcpProxy, weightedTcpProxy, WILDCARD, type ChainMatchOptions, type TcpProxyFilter } from './filters.js';

export interface L4ChainOptions extends ChainMatchOptions {
  filters: TcpProxyFilter[];
  metadata?: ReturnType<typeof configMetadata>;
}

type VsConfig = Config<VirtualServiceSpec>;

function staticMatch(m: L4MatchAttributes | TLSMatchAttributes | undefined, proxy: ProxyView, gateways: ReadonlySet<string>, port: number): boolean {
  if (!m) return true;
  const gw = !m.gateways?.length || m.gateways.some((g) => gateways.has(g));
  return gw && selectorMatches(m.sourceLabels, proxy.labels) && (!m.port || m.port === port) && (!m.sourceNamespace || m.sourceNamespace === proxy.configNamespace);
}

/** tcp_proxy for route destinations: one cluster, or weighted clusters (zero weights dropped). */
export function l4RouteFilters(push: PushContext, proxy: ProxyView, routes: readonly RouteDestination[], port: number, vs: VsConfig): TcpProxyFilter[] {
  const cluster = (r: RouteDestination): string => destinationCluster(r.destination, push.serviceForHostname(proxy, r.destination.host), port);
  if (routes.length === 1) {
    const c = cluster(routes[0]);
    return [tcpProxy(c, c)];
  }
  const clusters = routes.filter((r) => (r.weight ?? 0) > 0).map((r) => ({ name: cluster(r), weight: r.weight! }));
  return [weightedTcpProxy(`${vs.meta.name}.${vs.meta.namespace}`, clusters)];
}

export function vsForHost(vss: readonly VsConfig[], hostname: string): VsConfig[] {
  return vss.filter((vs) => (vs.spec.hosts ?? []).some((h) => hostsMatch(h, hostname)));
}

export interface L4Target {
  /** undefined for Sidecar egress listeners without a service. */
  service?: Service;
  port: number;
  protocol: Protocol;
  bind: string;
  /** The service address when it is a CIDR (listener on 0.0.0.0 with a prefix match). */
  cidrs: string[];
}

export function tlsChains(push: PushContext, proxy: ProxyView, t: L4Target, gateways: ReadonlySet<string>, vss: readonly VsConfig[]): L4ChainOptions[] {
  if (!isTLS(t.protocol)) return [];
  const out: L4ChainOptions[] = [];
  const handled = new Set<string>();
  let hasMatch = false;
  for (const vs of vss) {
    for (const tls of vs.spec.tls ?? []) {
      for (const m of tls.match ?? []) {
        if (!staticMatch(m, proxy, gateways, t.port)) continue;
        const cidrs = m.destinationSubnets?.length && t.port > 0 ? m.destinationSubnets : t.cidrs;
        const key = `${(m.sniHosts ?? []).join(',')}|${(m.destinationSubnets ?? []).join(',')}`;
        if (!handled.has(key)) {
          out.push({ sniHosts: m.sniHosts ?? [], destinationCidrs: cidrs, filters: l4RouteFilters(push, proxy, tls.route ?? [], t.port, vs), metadata: configMetadata(vs.meta) });
          hasMatch = true;
        }
        handled.add(key);
      }
    }
  }
  if (!hasMatch && t.service) {
    const svc = t.service;
    const port = svc.ports.length === 1 ? svc.ports[0].port : t.port;
    const cluster = buildSubsetKey('outbound', '', svc.hostname, port);
    const addr = svc.defaultAddress.includes('/') ? '' : svc.defaultAddress;
    const sni = t.cidrs.length > 0 || addr === '' || (addr === UNSPECIFIED_IP && t.bind === WILDCARD) ? [svc.hostname] : [];
    out.push({ sniHosts: sni, destinationCidrs: t.cidrs, filters: [tcpProxy(cluster, cluster)] });
  }
  return out;
}

export function tcpChains(push: PushContext, proxy: ProxyView, t: L4Target, gateways: ReadonlySet<string>, vss: readonly VsConfig[]): L4ChainOptions[] {
  if (isTLS(t.protocol)) return [];
  const out: L4ChainOptions[] = [];
  let defaultAdded = false;
  outer: for (const vs of vss) {
    for (const tcp of vs.spec.tcp ?? []) {
      if (!tcp.match?.length) {
        out.push({ destinationCidrs: t.cidrs, filters: l4RouteFilters(push, proxy, tcp.route ?? [], t.port, vs), metadata: configMetadata(vs.meta) });
        defaultAdded = true;
        break outer;
      }
      const subnets: string[] = [];
      for (const m of tcp.match) {
        if (!staticMatch(m, proxy, gateways, t.port)) continue;
        if (!m.destinationSubnets?.length || t.port === 0) {
          out.push({ destinationCidrs: t.cidrs, filters: l4RouteFilters(push, proxy, tcp.route ?? [], t.port, vs), metadata: configMetadata(vs.meta) });
          defaultAdded = true;
          break outer;
        }
        subnets.push(...m.destinationSubnets);
      }
      if (subnets.length) {
        out.push({ destinationCidrs: subnets, filters: l4RouteFilters(push, proxy, tcp.route ?? [], t.port, vs) });
        if ([...subnets].sort().join() === [...t.cidrs].sort().join()) defaultAdded = true;
      }
    }
  }
  if (!defaultAdded && t.service) {
    const svc = t.service;
    const port = svc.ports.length === 1 ? svc.ports[0].port : t.port;
    const cluster = buildSubsetKey('outbound', '', svc.hostname, port);
    out.push({ destinationCidrs: t.cidrs, filters: [tcpProxy(cluster, cluster)] });
  }
  return out;
}
