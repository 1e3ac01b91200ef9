// Sidecar outbound listeners. Each (bind, port) gets one listener: HTTP services share
// `0.0.0.0_<port>` (HCM with RDS `<port>`, chosen by the HTTP inspector's ALPN so other TCP still
// passes), TCP/TLS services get `<VIP>_<port>` with tcp_proxy chains, unknown protocols get both
// (sniffing). Sidecar egress listeners with a port, a `bind` or `captureMode: NONE` bind real
// sockets; everything else is reached from `virtualOutbound` (15001) through original-dst handoff.
import type { Config } from '../../../api/config.js';
import type { VirtualServiceSpec } from '../../../api/networking/virtual-service-schema.js';
import type { FilterChain, Listener } from '../../../xds-api/index.js';
import { isHTTP, isTCP, isUnsupported, parseProtocol, type Protocol } from '../../model/protocol.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { UNSPECIFIED_IP, type Service } from '../../model/service.js';
import { BLACKHOLE_CLUSTER } from '../names.js';
import { protoDuration, ZERO_DURATION } from '../route/convert.js';
import {
  catchAllTcp, filterChainMatch, HTTP_INSPECTOR, isMatchAll, listenerName, LOCALHOST, PASSTHROUGH_FILTER_CHAIN,
  PLAINTEXT_HTTP_ALPNS, socketAddress, tcpProxy, TLS_INSPECTOR, WILDCARD, type ChainMatchOptions, type TcpProxyFilter,
} from './filters.js';
import { hcmFilter } from './hcm.js';
import { tcpChains, tlsChains, vsForHost, type L4ChainOptions } from './l4-routes.js';

type VsConfig = Config<VirtualServiceSpec>;
const MESH = new Set(['mesh']);

interface ChainOpts extends ChainMatchOptions {
  /** RDS name for an HTTP chain; undefined for a TCP chain. */
  rds?: string;
  httpProtocol?: Protocol;
  filters?: TcpProxyFilter[];
  metadata?: L4ChainOptions['metadata'];
}

interface Entry {
  bind: string;
  bindToPort: boolean;
  port: number;
  protocol: Protocol;
  chains: ChainOpts[];
  locked: boolean;
}

interface BuildInput {
  service: Service;
  port: { port: number; protocol: Protocol };
  bind: string;
  bindToPort: boolean;
  vss: readonly VsConfig[];
}

type Kind = 'HTTP' | 'TCP' | 'AUTO' | undefined;
function kindOf(p: Protocol): Kind {
  if (p === 'HTTP_PROXY' || isHTTP(p)) return 'HTTP';
  if (isTCP(p)) return 'TCP';
  if (isUnsupported(p)) return 'AUTO';
  return undefined;
}

function conflicts(a: ChainOpts, b: ChainOpts): boolean {
  const set = (xs: readonly string[] | undefined) => [...new Set((xs ?? []).filter((x) => x !== '*'))].sort().join(',');
  return (a.transportProtocol ?? '') === (b.transportProtocol ?? '') && (a.applicationProtocols ?? []).join() === (b.applicationProtocols ?? []).join()
    && set(a.sniHosts) === set(b.sniHosts) && set(a.destinationCidrs) === set(b.destinationCidrs);
}

function mergeChains(cur: Entry, incoming: ChainOpts[]): void {
  for (const c of incoming) if (!cur.chains.some((e) => conflicts(e, c))) cur.chains.push(c);
}

class OutboundBuilder {
  readonly entries = new Map<string, Entry>();
  constructor(private readonly proxy: Proxy, private readonly push: PushContext) {}

  private httpOpts(i: BuildInput, kind: Kind): ChainOpts[] {
    const rds = kind === 'AUTO' && i.bind !== WILDCARD ? `${i.service.hostname}:${i.port.port}` : String(i.port.port);
    return [{ rds, httpProtocol: i.port.protocol }];
  }

  private tcpOpts(i: BuildInput, cidrs: string[]): ChainOpts[] {
    const vss = vsForHost(i.vss, i.service.hostname);
    const t = { service: i.service, port: i.port.port, protocol: i.port.protocol, bind: i.bind, cidrs };
    return [...tlsChains(this.push, this.proxy, t, MESH, vss), ...tcpChains(this.push, this.proxy, t, MESH, vss)];
  }

  add(i: BuildInput): void {
    if (i.service.resolution === 'Alias') return;
    const kind = kindOf(i.port.protocol);
    if (!kind) return;
    let bind = i.bind;
    let cidrs: string[] = [];
    if (kind !== 'HTTP' && bind === '') {
      const addr = i.service.defaultAddress;
      if (addr.includes('/')) {
        bind = WILDCARD;
        cidrs = [addr];
      } else bind = addr || WILDCARD;
    }
    if (kind === 'HTTP' && bind === '') bind = WILDCARD;
    const input = { ...i, bind };
    const key = `${bind}\0${i.port.port}`;
    const cur = this.entries.get(key);
    if (cur?.locked) return;
    let protocol: Protocol = i.port.protocol;
    let opts: ChainOpts[];
    if (i.port.protocol === 'HTTP_PROXY') opts = this.httpOpts(input, kind);
    else if (kind === 'HTTP') {
      if (cur && !isTCP(cur.protocol)) return;
      opts = this.httpOpts(input, kind);
      if (bind === WILDCARD) {
        for (const o of opts) {
          o.applicationProtocols = [...PLAINTEXT_HTTP_ALPNS];
          o.transportProtocol = 'raw_buffer';
        }
        protocol = 'UnsupportedProtocol';
      }
    } else if (kind === 'TCP') {
      opts = this.tcpOpts(input, cidrs);
    } else {
      if (cur && isUnsupported(cur.protocol)) return;
      const http = this.httpOpts(input, kind).map((o) => ({ ...o, applicationProtocols: [...PLAINTEXT_HTTP_ALPNS], transportProtocol: 'raw_buffer' }));
      opts = [...this.tcpOpts(input, cidrs), ...http];
    }
    if (cur) {
      const wellKnown = ['Mongo', 'MySQL'];
      if ((wellKnown.includes(i.port.protocol) || wellKnown.includes(cur.protocol)) && i.port.protocol !== cur.protocol) return;
      const curKind = isHTTP(cur.protocol) ? 'HTTP' : isTCP(cur.protocol) ? 'TCP' : 'AUTO';
      if (kind === 'AUTO' && curKind === 'HTTP') {
        this.entries.set(key, { bind, bindToPort: i.bindToPort, port: i.port.port, protocol, chains: opts, locked: false });
        return;
      }
      mergeChains(cur, opts);
      if (kind !== curKind) cur.protocol = 'UnsupportedProtocol';
      return;
    }
    this.entries.set(key, { bind, bindToPort: i.bindToPort, port: i.port.port, protocol, chains: opts, locked: false });
  }
}

function toListener(e: Entry, push: PushContext, mode: 'ALLOW_ANY' | 'REGISTRY_ONLY'): Listener {
  const name = listenerName(e.bind, e.port);
  const l: Listener = { name, address: socketAddress(e.bind, e.port), traffic_direction: 'OUTBOUND', continue_on_listener_filters_timeout: true };
  if (!e.bindToPort) l.bind_to_port = { value: false };
  const needHttp = e.chains.some((c) => (c.applicationProtocols?.length ?? 0) > 0);
  const needTls = e.chains.some((c) => (c.sniHosts?.length ?? 0) > 0);
  const lf = [];
  if (needTls || needHttp) lf.push(TLS_INSPECTOR);
  if (needHttp) lf.push(HTTP_INSPECTOR);
  if (lf.length) l.listener_filters = lf;
  l.listener_filters_timeout = needHttp ? (protoDuration(push.mesh.protocolDetectionTimeout) ?? ZERO_DURATION) : ZERO_DURATION;
  const chains: FilterChain[] = [];
  let def: FilterChain | undefined;
  for (const c of e.chains) {
    const chain: FilterChain = {};
    if (c.metadata) chain.metadata = c.metadata;
    if (c.rds !== undefined) {
      chain.filters = [hcmFilter({ statPrefix: `outbound_${name}`, rds: c.rds, protocol: c.httpProtocol ?? 'HTTP', class: 'sidecar-outbound', mesh: push.mesh }) as never];
    } else chain.filters = (c.filters ?? []) as never;
    if (isMatchAll(c)) def = chain;
    else {
      chain.filter_chain_match = filterChainMatch(c);
      chains.push(chain);
    }
  }
  if (def && chains.length === 0) l.filter_chains = [def];
  else {
    l.filter_chains = chains;
    l.default_filter_chain = def ?? { filter_chain_match: {}, name: PASSTHROUGH_FILTER_CHAIN, filters: [catchAllTcp(mode)] as never };
  }
  return l;
}

/** The real listeners of a sidecar's outbound side (virtualOutbound is built separately). */
export function buildSidecarOutboundListeners(proxy: Proxy, push: PushContext): Listener[] {
  const scope = push.sidecarScope(proxy);
  const b = new OutboundBuilder(proxy, push);
  const noneMode = proxy.interceptionMode === 'NONE';
  for (const eg of scope.egress) {
    const il = eg.listener;
    let bindToPort = noneMode;
    if (!noneMode && il) bindToPort = il.captureMode === 'NONE' || (il.bind ?? '').startsWith('unix://');
    const bind = il?.bind ? il.bind : bindToPort ? LOCALHOST : '';
    if (il?.port?.number) {
      const port = { port: il.port.number, protocol: parseProtocol(il.port.protocol ?? '') };
      for (const svc of eg.services) b.add({ service: svc, port, bind, bindToPort, vss: eg.virtualServices as readonly VsConfig[] });
      continue;
    }
    for (const e of b.entries.values()) e.locked = true;
    for (const svc of eg.services) {
      for (const sp of svc.ports) {
        const port = { port: sp.port, protocol: sp.protocol };
        const headlessTcp = bind === '' && svc.resolution === 'Passthrough' && svc.defaultAddress === UNSPECIFIED_IP && (isTCP(sp.protocol) || isUnsupported(sp.protocol));
        if (!headlessTcp) {
          b.add({ service: svc, port, bind, bindToPort, vss: eg.virtualServices as readonly VsConfig[] });
          continue;
        }
        // Headless TCP: one listener per endpoint address, since 0.0.0.0:port could not tell them apart.
        const instances = push.endpoints(svc, sp.port);
        if (svc.registry !== 'Kubernetes' && instances.length === 0 && !svc.selector) {
          b.add({ service: svc, port, bind, bindToPort, vss: eg.virtualServices as readonly VsConfig[] });
          continue;
        }
        for (const inst of instances) {
          if (inst.endpoint.address === proxy.ipAddresses[0] || !/^[0-9.:a-fA-F]+$/.test(inst.endpoint.address)) continue;
          b.add({ service: svc, port, bind: inst.endpoint.address, bindToPort, vss: eg.virtualServices as readonly VsConfig[] });
        }
      }
    }
  }
  const mode = scope.outboundTrafficPolicyMode;
  return [...b.entries.values()].map((e) => toListener(e, push, mode));
}

/** `virtualOutbound` (15001): hands captured connections to the listener for their original destination. */
export function buildVirtualOutboundListener(proxy: Proxy, push: PushContext): Listener | undefined {
  if (proxy.interceptionMode === 'NONE') return undefined;
  const port = push.mesh.proxyListenPort;
  const mode = push.sidecarScope(proxy).outboundTrafficPolicyMode;
  return {
    name: 'virtualOutbound',
    address: socketAddress(WILDCARD, port),
    filter_chains: [
      // Traffic addressed to 15001 itself would loop forever.
      { filter_chain_match: { destination_port: { value: port } }, filters: [tcpProxy(BLACKHOLE_CLUSTER, BLACKHOLE_CLUSTER)] as never, name: 'virtualOutbound-blackhole' },
      { filters: [catchAllTcp(mode)] as never, name: 'virtualOutbound-catchall-tcp' },
    ],
    use_original_dst: { value: true },
    traffic_direction: 'OUTBOUND',
  };
}
