// Sidecar outbound RDS: the route configuration named after a listener port (`9080`). One virtual
// host per reachable HTTP service on that port (its VirtualService's routes, else a default route
// to its cluster), virtual hosts for VirtualService hosts outside the registry, sorted by name,
// then the catch-all `allow_any` (PassthroughCluster) or `block_all` (502) host.
import type { Config } from '../../../api/config.js';
import type { Destination } from '../../../api/networking/destination.js';
import type { VirtualServiceSpec } from '../../../api/networking/virtual-service-schema.js';
import type { Route, RouteConfiguration, VirtualHost } from '../../../xds-api/index.js';
import { hostsMatch, isWildcard } from '../../model/host.js';
import { isHTTP, isUnsupported } from '../../model/protocol.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import type { EgressScope } from '../../model/sidecar-scope.js';
import { hashPolicyForDestination } from '../cluster/hash-policy.js';
import { buildSubsetKey, PASSTHROUGH_CLUSTER, PASSTHROUGH_ROUTE, BLACKHOLE_ROUTE } from '../names.js';
import { ZERO_DURATION } from './convert.js';
import { domainName, virtualHostDomains } from './domains.js';
import { buildVirtualServiceRoutes, defaultRoute, destinationCluster, meshRetryPolicy, type RouteContext } from './http-route.js';

export type RouteProxy = Pick<Proxy, 'type' | 'configNamespace' | 'labels' | 'dnsDomain'>;
type VsConfig = Config<VirtualServiceSpec>;

/** Envoy's default cap is 4 KiB; Istio validates direct responses up to 1 MiB. */
export const MAX_DIRECT_RESPONSE_BODY = 1024 * 1024;
const MESH = new Set(['mesh']);

const httpOrSniffed = (s: Service, port: number): boolean => s.ports.some((p) => p.port === port && (isHTTP(p.protocol) || isUnsupported(p.protocol)));

interface Wrapper { port: number; services: Service[]; vsHosts: string[]; routes: Route[] }

/** The egress listener whose port is `port`, else the catch-all one. */
export function egressForPort(egress: readonly EgressScope[], port: number): EgressScope | undefined {
  return egress.find((e) => e.listener?.port?.number === port) ?? egress.find((e) => !e.listener?.port?.number);
}

/** For each service host, the most specific wildcard VirtualService host that covers it (exact hosts win elsewhere). */
function wildcardIndex(vss: readonly VsConfig[], services: ReadonlyMap<string, Service>): Map<string, VsConfig> {
  const out = new Map<string, VsConfig>();
  const best = new Map<string, string>();
  const exact = new Set(vss.flatMap((v) => (v.spec.hosts ?? []).filter((h) => !isWildcard(h))));
  for (const vs of vss) {
    for (const h of vs.spec.hosts ?? []) {
      if (!isWildcard(h)) continue;
      for (const svcHost of services.keys()) {
        if (exact.has(svcHost) || !hostsMatch(svcHost, h)) continue;
        const cur = best.get(svcHost);
        if (cur === undefined || h.length > cur.length) {
          best.set(svcHost, h);
          out.set(svcHost, vs);
        }
      }
    }
  }
  return out;
}

function splitHosts(vs: VsConfig, services: ReadonlyMap<string, Service>, wc: ReadonlyMap<string, VsConfig>): { hosts: string[]; matched: Service[] } {
  const hosts: string[] = [];
  const matched: Service[] = [];
  const wildcards: string[] = [];
  for (const h of vs.spec.hosts ?? []) {
    if (isWildcard(h)) wildcards.push(h);
    else if (services.has(h)) matched.push(services.get(h)!);
    else hosts.push(h);
  }
  for (const h of wildcards) {
    let found = false;
    for (const [svcHost, svc] of services) {
      if (!hostsMatch(svcHost, h)) continue;
      found = true;
      if (wc.get(svcHost) === vs) matched.push(svc);
    }
    if (!found) hosts.push(h);
  }
  return { hosts, matched };
}

function selectVirtualServices(vss: readonly VsConfig[], services: ReadonlyMap<string, Service>): VsConfig[] {
  return vss.filter((vs) => (vs.spec.hosts ?? []).some((h) => services.has(h) || [...services.keys()].some((s) => hostsMatch(h, s) && (isWildcard(h) || isWildcard(s)))));
}

export function catchAllVirtualHost(mode: 'ALLOW_ANY' | 'REGISTRY_ONLY', egressProxy?: Destination): VirtualHost {
  if (mode === 'ALLOW_ANY') {
    const cluster = egressProxy ? destinationCluster(egressProxy, undefined, 0) : PASSTHROUGH_CLUSTER;
    return {
      name: PASSTHROUGH_ROUTE,
      domains: ['*'],
      routes: [{ name: PASSTHROUGH_ROUTE, match: { prefix: '/' }, route: { cluster, timeout: ZERO_DURATION, max_grpc_timeout: ZERO_DURATION } }],
      include_request_attempt_count: true,
    };
  }
  return {
    name: BLACKHOLE_ROUTE,
    domains: ['*'],
    routes: [{ name: BLACKHOLE_ROUTE, match: { prefix: '/' }, direct_response: { status: 502 } }],
    include_request_attempt_count: true,
  };
}

/** Parses `9080` (shared per-port route) or `host:9080` (a sniffed service's own route). */
export function parseRouteName(name: string): { port: number; host?: string } | undefined {
  if (/^\d+$/.test(name)) return { port: Number(name) };
  const i = name.lastIndexOf(':');
  if (i > 0 && /^\d+$/.test(name.slice(i + 1))) return { port: Number(name.slice(i + 1)), host: name.slice(0, i) };
  return undefined;
}

/** The sidecar route configuration `routeName`, or undefined when the name is not one Istio generates. */
export function buildSidecarRouteConfig(proxy: RouteProxy, push: PushContext, routeName: string): RouteConfiguration | undefined {
  const parsed = parseRouteName(routeName);
  if (!parsed) return undefined;
  const listenerPort = parsed.port;
  const scope = push.sidecarScope(proxy);
  const egress = egressForPort(scope.egress, listenerPort);
  if (!egress) return undefined;

  const services = new Map<string, Service>();
  for (const svc of egress.services) {
    const port = svc.ports.find((p) => p.port === listenerPort);
    if (port) services.set(svc.hostname, { ...svc, ports: [port] });
  }
  let vss = egress.virtualServices as readonly VsConfig[];
  // Istio keeps VirtualServices for non-registry hosts only on port 80.
  if (listenerPort !== 80) vss = selectVirtualServices(vss, services);
  const ctx: RouteContext = { proxy, push, listenPort: listenerPort, gateways: MESH, services, isTLS: false };

  const wrappers: Wrapper[] = [];
  const wc = wildcardIndex(vss, services);
  for (const vs of vss) {
    const routes = buildVirtualServiceRoutes(ctx, vs);
    if (routes.length === 0) continue;
    const { hosts, matched } = splitHosts(vs, services, wc);
    const onPort = matched.filter((s) => httpOrSniffed(s, listenerPort));
    if (onPort.length > 0) wrappers.push({ port: listenerPort, services: onPort, vsHosts: hosts, routes });
    else if (listenerPort === 80) wrappers.push({ port: 80, services: [], vsHosts: hosts, routes });
  }
  const covered = new Set(wrappers.flatMap((w) => w.services.map((s) => s.hostname)));
  for (const svc of services.values()) {
    if (covered.has(svc.hostname) || svc.resolution === 'Alias' || !httpOrSniffed(svc, listenerPort)) continue;
    const cluster = buildSubsetKey('outbound', '', svc.hostname, listenerPort);
    const hash = hashPolicyForDestination(push, proxy, svc, listenerPort);
    wrappers.push({ port: listenerPort, services: [svc], vsHosts: [], routes: [defaultRoute(cluster, `${svc.hostname}:${listenerPort}/*`, hash, meshRetryPolicy(push))] });
  }

  const names = new Set<string>();
  const seenDomains = new Set<string>();
  const knownFqdn = new Set<string>();
  for (const w of wrappers) for (const s of w.services) knownFqdn.add(domainName(s.hostname, w.port)).add(s.hostname);
  const vhosts: VirtualHost[] = [];
  const add = (hostname: string, w: Wrapper, svc: Service | undefined): void => {
    const name = domainName(hostname, w.port);
    if (names.has(name)) return;
    names.add(name);
    let domains: string[];
    let alt: string[] = [];
    if (!svc) domains = proxy.type !== 'proxyless' ? [hostname] : [hostname, name];
    else ({ domains, altHosts: alt } = virtualHostDomains(svc, listenerPort, w.port, proxy));
    domains = domains.filter((d) => {
      const lower = d.toLowerCase();
      if (seenDomains.has(lower)) return false;
      if (alt.includes(d) && knownFqdn.has(d)) return false;
      seenDomains.add(lower);
      return true;
    });
    if (domains.length > 0) vhosts.push({ name, domains, routes: w.routes, include_request_attempt_count: true });
  };
  for (const w of wrappers) {
    for (const h of w.vsHosts) add(h, w, undefined);
    for (const s of w.services) add(s.hostname, w, s);
  }
  vhosts.sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0));

  let out = vhosts;
  if (parsed.host !== undefined) {
    // A sniffed service's own route config: only its virtual host, matching any authority.
    out = vhosts.filter((v) => v.domains!.includes(routeName) || v.domains!.includes(parsed.host!));
    if (out.length === 1) out = [{ ...out[0], domains: ['*'] }];
  } else {
    const egressProxy = (scope.sidecar?.spec.outboundTrafficPolicy as { egressProxy?: Destination } | undefined)?.egressProxy;
    out = [...out, catchAllVirtualHost(scope.outboundTrafficPolicyMode, egressProxy)];
  }
  return {
    name: routeName,
    virtual_hosts: out,
    validate_clusters: { value: false },
    max_direct_response_body_size_bytes: { value: MAX_DIRECT_RESPONSE_BODY },
    ignore_port_in_host_matching: true,
  };
}
