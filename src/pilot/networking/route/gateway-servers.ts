// The servers of every Gateway selecting a router proxy, grouped by port (Istio's "merged
// gateway"), with the RDS names Istio gives them: `http.<port>` for plain HTTP servers and
// `https.<port>.<portName>.<gateway>.<namespace>` for HTTPS servers the gateway terminates.
import type { Server } from '../../../api/networking/gateway.js';
import { hostSubsetOf } from '../../model/host.js';
import type { GatewayConfig, PushContext, ProxyView } from '../../model/push-context.js';

export interface GatewayServer {
  readonly gateway: GatewayConfig;
  /** `namespace/name`, as VirtualServices name gateways. */
  readonly gatewayName: string;
  readonly server: Server;
}

export const isHttpProtocol = (p: string | undefined): boolean => ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB'].includes((p ?? '').toUpperCase());
export const isPassthrough = (s: Server): boolean => s.tls?.mode === 'PASSTHROUGH' || s.tls?.mode === 'AUTO_PASSTHROUGH';

/** '' for servers without an HTTP route configuration (TCP, TLS, passthrough HTTPS). */
export function gatewayRouteName(s: GatewayServer): string {
  const proto = (s.server.port.protocol ?? '').toUpperCase();
  const bind = s.server.bind ? `.${s.server.bind}` : '';
  if (isHttpProtocol(proto)) return `http.${s.server.port.number}${bind}`;
  if (proto === 'HTTPS' && !isPassthrough(s.server)) return `https.${s.server.port.number}.${s.server.port.name}.${s.gateway.meta.name}.${s.gateway.meta.namespace}${bind}`;
  return '';
}

/** Servers by port number, in Gateway creation order. */
export function gatewayServersByPort(push: PushContext, proxy: ProxyView): Map<number, GatewayServer[]> {
  const out = new Map<number, GatewayServer[]>();
  for (const gw of push.gatewaysForProxy(proxy)) {
    for (const server of (gw.spec.servers ?? []) as Server[]) {
      const port = server.port.number;
      if (port === undefined) continue;
      const list = out.get(port) ?? [];
      list.push({ gateway: gw, gatewayName: `${gw.meta.namespace}/${gw.meta.name}`, server });
      out.set(port, list);
    }
  }
  return out;
}

/**
 * The hosts a VirtualService may serve through a server: each VirtualService host paired with a
 * server host (`ns/host`; namespace `*` is any, `.` the Gateway's) that covers it or that it covers,
 * keeping the more specific of the two.
 */
export function matchingGatewayHosts(serverHosts: readonly string[], gatewayNs: string, vsNs: string, vsHosts: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of serverHosts) {
    const slash = raw.indexOf('/');
    const ns = slash < 0 ? '*' : raw.slice(0, slash) === '.' ? gatewayNs : raw.slice(0, slash);
    const host = slash < 0 ? raw : raw.slice(slash + 1);
    if (ns !== '*' && ns !== vsNs) continue;
    for (const vh of vsHosts) {
      let pick: string | undefined;
      if (hostSubsetOf(host, vh)) pick = host;
      else if (hostSubsetOf(vh, host)) pick = vh;
      if (pick !== undefined && !out.includes(pick)) out.push(pick);
    }
  }
  return out;
}

/** A server host without its `ns/` part. */
export function serverHostName(raw: string): string {
  const slash = raw.indexOf('/');
  return slash < 0 ? raw : raw.slice(slash + 1);
}
