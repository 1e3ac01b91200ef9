// Which proxies a config push concerns (Istio's ProxyNeedsPush / SidecarScope.DependsOnConfig): a
// push whose every change is a VirtualService skips a sidecar whose scope, before and after the
// push, holds none of those VirtualServices (or the roots that delegate to them). With a
// namespace-wide Sidecar (egress `./*`), an edit then reaches only the sidecars that can see its
// hosts instead of every proxy in the mesh. Any other change, gateways and proxyless clients are
// always pushed. Likewise an endpoint-only push whose changes all name services skips a sidecar
// whose scope has none of those services (its EDS watches only clusters of its scope's services).
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';

const VIRTUAL_SERVICE = 'VirtualService.networking.istio.io/';

interface Req {
  readonly full: boolean;
  readonly configsUpdated: ReadonlySet<string>;
}

/** Whether `proxy` must be pushed for `req` (`push` after it, `previous` before it). */
export function proxyNeedsPush(proxy: Proxy, req: Req, push: PushContext | undefined, previous: PushContext | undefined): boolean {
  if (req.configsUpdated.size === 0 || proxy.type !== 'sidecar' || !push || !previous) return true;
  if (!req.full) return endpointsConcern(proxy, req.configsUpdated, push, previous);
  const keys: string[] = [];
  for (const k of req.configsUpdated) {
    if (!k.startsWith(VIRTUAL_SERVICE)) return true;
    keys.push(k, ...(push.virtualServices.rootsByDelegate.get(k) ?? []), ...(previous.virtualServices.rootsByDelegate.get(k) ?? []));
  }
  for (const p of [previous, push]) {
    for (const vs of p.sidecarScope(proxy).virtualServices) {
      if (keys.includes(`${VIRTUAL_SERVICE}${vs.meta.namespace}/${vs.meta.name}`)) return true;
    }
  }
  return false;
}

const SERVICE_ENTRY = 'ServiceEntry/';

/** Whether an endpoint-only push of `keys` (`ServiceEntry/<ns>/<host>`) reaches any service in the proxy's scope. */
function endpointsConcern(proxy: Proxy, keys: ReadonlySet<string>, push: PushContext, previous: PushContext): boolean {
  const hosts: string[] = [];
  for (const k of keys) {
    if (!k.startsWith(SERVICE_ENTRY)) return true;
    hosts.push(k.slice(k.indexOf('/', SERVICE_ENTRY.length) + 1));
  }
  for (const p of [previous, push]) {
    const scope = p.sidecarScope(proxy);
    // An egress proxy's cluster may name a service outside the scope: do not guess.
    if ((scope.sidecar?.spec.outboundTrafficPolicy as { egressProxy?: unknown } | undefined)?.egressProxy) return true;
    if (hosts.some((h) => scope.serviceFor(h) !== undefined)) return true;
  }
  return false;
}
