// Sidecar inbound listeners. Without a Sidecar `ingress`, each port the proxy's own services
// target becomes a filter chain of `virtualInbound` (15006) matched by destination port: HTTP ports
// an HCM with an inline route to `inbound|<port>||`, TCP ports a tcp_proxy, unknown protocols both
// (by ALPN). Sidecar ingress listeners do the same for their ports, binding a real socket when
// `captureMode: NONE` (or the proxy intercepts nothing). Unmatched traffic takes the passthrough
// chains. Plaintext only: mTLS chains (PeerAuthentication) come with the security translation.
import type { IstioIngressListener } from '../../../api/networking/sidecar.js';
import type { FilterChain, Listener, ListenerFilter, Route } from '../../../xds-api/index.js';
import { isHTTP, isUnsupported, parseProtocol, type Protocol } from '../../model/protocol.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { ServiceInstance } from '../../model/endpoint.js';
import { BLACKHOLE_CLUSTER, buildInboundSubsetKey, INBOUND_PASSTHROUGH_CLUSTER } from '../names.js';
import { protoDuration, ZERO_DURATION } from '../route/convert.js';
import { disabledOnPorts, HTTP_INSPECTOR, listenerName, ORIGINAL_DST, PLAINTEXT_HTTP_ALPNS, socketAddress, tcpProxy, WILDCARD } from './filters.js';
import { hcmFilter } from './hcm.js';

interface ChainConfig {
  port: number;
  protocol: Protocol;
  cluster: string;
  bind: string;
  bindToPort: boolean;
  passthrough: boolean;
  hostname: string;
  /** For passthrough chains: the IP family's catch-all prefix. */
  prefix?: string;
}

const instancesCache = new WeakMap<PushContext, Map<string, ServiceInstance[]>>();

/** The service endpoints that are this proxy (by IP), oldest service first: Istio's ServiceTargets. */
export function serviceTargets(proxy: Pick<Proxy, 'ipAddresses'>, push: PushContext): ServiceInstance[] {
  let byIp = instancesCache.get(push);
  if (!byIp) {
    byIp = new Map();
    for (const svc of push.services.all) {
      for (const inst of push.instances(svc)) {
        const list = byIp.get(inst.endpoint.address) ?? [];
        list.push(inst);
        byIp.set(inst.endpoint.address, list);
      }
    }
    instancesCache.set(push, byIp);
  }
  return proxy.ipAddresses.flatMap((ip) => byIp!.get(ip) ?? []);
}

function bindToPortFor(mode: string | undefined, proxy: Proxy): boolean {
  if (!mode || mode === 'DEFAULT') return proxy.interceptionMode === 'NONE';
  return mode === 'NONE';
}

function chainConfigs(proxy: Proxy, push: PushContext): ChainConfig[] {
  const byPort = new Map<number, ChainConfig>();
  const sidecar = push.sidecarFor(proxy);
  const ingress = (sidecar?.spec.ingress ?? []) as IstioIngressListener[];
  if (ingress.length === 0) {
    // Without iptables nothing reaches virtualInbound; apps would clash with listeners on their own ports.
    if (proxy.interceptionMode === 'NONE') return [];
    for (const inst of serviceTargets(proxy, push)) {
      const port = inst.endpoint.endpointPort;
      if (byPort.has(port)) continue;
      byPort.set(port, { port, protocol: inst.servicePort.protocol, cluster: buildInboundSubsetKey(port), bind: WILDCARD, bindToPort: false, passthrough: false, hostname: inst.service.hostname });
    }
  } else {
    for (const i of ingress) {
      const port = i.port.number!;
      if (byPort.has(port)) continue;
      byPort.set(port, {
        port, protocol: parseProtocol(i.port.protocol ?? ''), cluster: buildInboundSubsetKey(port), bind: i.bind || WILDCARD,
        bindToPort: bindToPortFor(i.captureMode, proxy), passthrough: false, hostname: `${sidecar!.meta.name}.${sidecar!.meta.namespace}`,
      });
    }
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}

function inboundRoute(cluster: string, operation: string): Route {
  return {
    name: 'default',
    match: { prefix: '/' },
    route: {
      cluster, timeout: ZERO_DURATION, max_stream_duration: { max_stream_duration: ZERO_DURATION, grpc_timeout_header_max: ZERO_DURATION },
      // Istio ≥ 1.24 retries requests the app reset before reading them.
      retry_policy: { retry_on: 'reset-before-request', num_retries: { value: 2 } },
    },
    decorator: { operation },
  };
}

function chainsFor(cc: ChainConfig, push: PushContext): FilterChain[] {
  const kinds: ('HTTP' | 'TCP')[] = isHTTP(cc.protocol) ? ['HTTP'] : isUnsupported(cc.protocol) ? ['HTTP', 'TCP'] : ['TCP'];
  const out: FilterChain[] = [];
  for (const kind of kinds) {
    const match: Record<string, unknown> = {};
    if (cc.port > 0) match.destination_port = { value: cc.port };
    if (cc.prefix) match.prefix_ranges = [{ address_prefix: cc.prefix, prefix_len: { value: 0 } }];
    match.transport_protocol = 'raw_buffer';
    if (kind === 'HTTP' && kinds.length === 2) match.application_protocols = [...PLAINTEXT_HTTP_ALPNS];
    let name = listenerName(cc.bind, cc.port);
    if (cc.passthrough) name = kind === 'HTTP' ? 'virtualInbound-catchall-http' : 'virtualInbound';
    const statPrefix = cc.passthrough ? cc.cluster : `inbound_${listenerName(cc.bind, cc.port)}`;
    const filters = kind === 'HTTP'
      ? [hcmFilter({
          statPrefix, class: 'sidecar-inbound', protocol: isUnsupported(cc.protocol) ? 'HTTP' : cc.protocol, mesh: push.mesh,
          routeConfig: {
            name: cc.cluster,
            virtual_hosts: [{ name: `inbound|http|${cc.port}`, domains: ['*'], routes: [inboundRoute(cc.cluster, `${cc.hostname}:${cc.port}/*`)] }],
            validate_clusters: { value: false },
          },
        })]
      : [tcpProxy(cc.cluster, cc.cluster)];
    out.push({ filter_chain_match: match as FilterChain['filter_chain_match'], filters: filters as never, name });
  }
  return out;
}

/** original_dst for redirected listeners; the HTTP inspector wherever a chain matches on ALPN. */
function listenerFilters(chains: readonly FilterChain[], bindToPort: boolean): ListenerFilter[] {
  const out: ListenerFilter[] = [];
  if (!bindToPort) out.push(ORIGINAL_DST);
  const needs = new Map<number, boolean>();
  for (const c of chains) {
    const port = c.filter_chain_match?.destination_port?.value ?? 0;
    const http = (c.filter_chain_match?.application_protocols ?? []).some((a) => a === 'http/1.1' || a === 'h2c');
    needs.set(port, (needs.get(port) ?? false) || http);
  }
  if ([...needs.values()].some(Boolean)) {
    const off = [...needs].filter(([, n]) => !n).map(([p]) => p).sort((a, b) => a - b);
    out.push(disabledOnPorts(HTTP_INSPECTOR, off));
  }
  return out;
}

function inboundListener(name: string, address: string, port: number, bindToPort: boolean, chains: FilterChain[], push: PushContext): Listener {
  const l: Listener = { name, address: socketAddress(address, port), traffic_direction: 'INBOUND', continue_on_listener_filters_timeout: true, filter_chains: chains };
  const lf = listenerFilters(chains, bindToPort);
  if (lf.length) l.listener_filters = lf;
  l.listener_filters_timeout = protoDuration(push.mesh.protocolDetectionTimeout) ?? ZERO_DURATION;
  return l;
}

export function buildSidecarInboundListeners(proxy: Proxy, push: PushContext): Listener[] {
  const listeners: Listener[] = [];
  const virtualChains: FilterChain[] = [];
  for (const cc of chainConfigs(proxy, push)) {
    const chains = chainsFor(cc, push);
    if (cc.bindToPort) listeners.push(inboundListener(listenerName(cc.bind, cc.port), cc.bind, cc.port, true, chains, push));
    else virtualChains.push(...chains);
  }
  if (proxy.interceptionMode === 'NONE') return listeners;
  const port = push.mesh.proxyInboundListenPort;
  const all: FilterChain[] = [
    { name: 'virtualInbound-blackhole', filter_chain_match: { destination_port: { value: port } }, filters: [tcpProxy(BLACKHOLE_CLUSTER, BLACKHOLE_CLUSTER)] as never },
  ];
  all.push(...chainsFor({ port: 0, protocol: 'UnsupportedProtocol', cluster: INBOUND_PASSTHROUGH_CLUSTER, bind: WILDCARD, bindToPort: false, passthrough: true, hostname: '' }, push));
  all.push(...virtualChains);
  return [inboundListener('virtualInbound', WILDCARD, port, false, all, push), ...listeners];
}
