// RDS for proxyless gRPC clients: route configurations named by cluster key
// (`outbound|port||host`), each with one virtual host for that service port whose routes come
// from the VirtualService for the host, or Istio's default route to the service.
import type { RouteConfiguration } from '../../../xds-api/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import type { HTTPRoute } from '../../../api/networking/virtual-service-schema.js';
import { joinHostPort, parseClusterKey } from './names.js';
import { defaultRoute, translateHttpRoutes } from './routes.js';
import { serviceFor, virtualServiceFor } from './scope.js';

export interface NamedRouteConfiguration {
  readonly name: string;
  readonly routeConfiguration: RouteConfiguration;
}

/**
 * Every name a client may dial the service by: the FQDN, and for a client in the service's
 * namespace the short forms (`echo`, `echo.ns`, `echo.ns.svc`), each with and without the port,
 * plus the VIP with the port.
 */
export function virtualHostDomains(svc: Service, port: number, clientNamespace: string): string[] {
  const hosts = [svc.hostname];
  const suffix = `.${svc.namespace}.svc.`;
  const at = svc.hostname.indexOf(suffix);
  if (svc.registry === 'Kubernetes' && at > 0) {
    const name = svc.hostname.slice(0, at);
    if (clientNamespace === svc.namespace) hosts.push(name);
    hosts.push(`${name}.${svc.namespace}`, `${name}.${svc.namespace}.svc`);
  }
  const out: string[] = [];
  for (const h of hosts) out.push(h, joinHostPort(h, port));
  if (svc.defaultAddress !== '0.0.0.0') out.push(joinHostPort(svc.defaultAddress, port));
  return out;
}

export function buildGrpcRoute(proxy: Proxy, push: PushContext, name: string): RouteConfiguration | undefined {
  const key = parseClusterKey(name);
  if (!key) return undefined;
  const svc = serviceFor(proxy, push, key.hostname);
  if (!svc || !svc.ports.some((p) => p.port === key.port)) return undefined;
  const vs = virtualServiceFor(proxy, push, svc.hostname);
  const routes = vs
    ? translateHttpRoutes((vs.spec.http ?? []) as readonly HTTPRoute[], {
      proxy, service: svc, port: key.port, vsNamespace: vs.meta.namespace, domainSuffix: push.mesh.domainSuffix,
      lookup: (h) => serviceFor(proxy, push, h),
    })
    : [defaultRoute(svc, key.port)];
  return {
    name,
    virtual_hosts: [{ name: joinHostPort(svc.hostname, key.port), domains: virtualHostDomains(svc, key.port, proxy.configNamespace), routes }],
  };
}

/** Route configurations for the requested names (gRPC always names them; unknown names are skipped). */
export function buildGrpcRoutes(proxy: Proxy, push: PushContext, names: readonly string[]): NamedRouteConfiguration[] {
  const out: NamedRouteConfiguration[] = [];
  for (const name of names) {
    const rc = buildGrpcRoute(proxy, push, name);
    if (rc) out.push({ name, routeConfiguration: rc });
  }
  return out;
}
