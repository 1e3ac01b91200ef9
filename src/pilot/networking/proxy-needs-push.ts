// Which proxies a config push concerns (Istio's ProxyNeedsPush / SidecarScope.DependsOnConfig): a
// push whose every change is a VirtualService skips a sidecar whose scope, before and after the
// push, holds none of those VirtualServices (or the roots that delegate to them). With a
// namespace-wide Sidecar (egress `./*`), an edit then reaches only the sidecars that can see its
// hosts instead of every proxy in the mesh. Any other change, gateways and proxyless clients are
// always pushed.
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';

const VIRTUAL_SERVICE = 'VirtualService.networking.istio.io/';

interface Req {
  readonly full: boolean;
  readonly configsUpdated: ReadonlySet<string>;
}

/** Whether `proxy` must be pushed for `req` (`push` after it, `previous` before it). */
export function proxyNeedsPush(proxy: Proxy, req: Req, push: PushContext | undefined, previous: PushContext | undefined): boolean {
  if (!req.full || req.configsUpdated.size === 0 || proxy.type !== 'sidecar' || !push || !previous) return true;
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
