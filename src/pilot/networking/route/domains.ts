// The Host/:authority values a virtual host answers to, as Istio generates them for a sidecar:
// the FQDN, the shorter names a client in the proxy's DNS domain may use (`reviews`,
// `reviews.default`, `reviews.default.svc`), `*.`-prefixed names for headless Kubernetes services,
// and the service VIPs. Sidecar route configs ignore the port in host matching, so `:port`
// variants are only added where the port is not ignored (listener port 0, proxyless gRPC).
import type { ProxyView } from '../../model/push-context.js';
import { UNSPECIFIED_IP, type Service } from '../../model/service.js';

/** Marks "do not append a port suffix". */
export const NO_PORT = 0;

export function domainName(host: string, port: number): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

function ipv6Compliant(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function withPort(out: string[], host: string, port: number): void {
  out.push(ipv6Compliant(host));
  if (port !== NO_PORT) out.push(domainName(host, port));
}

function kubeAltHosts(hostname: string, port: number, proxyDomain: string): string[] {
  const id = proxyDomain.indexOf('.svc.');
  const ih = hostname.indexOf('.svc.');
  if (ih <= 0) return [];
  const ns = hostname.indexOf('.');
  if (ns + 1 >= hostname.length || ns + 1 > ih) return [];
  const out: string[] = [];
  if (hostname.slice(ns + 1, ih) === proxyDomain.slice(0, id)) {
    withPort(out, hostname.slice(0, ns), port);
    withPort(out, `${hostname.slice(0, ih)}.svc`, port);
    withPort(out, hostname.slice(0, ih), port);
  } else {
    withPort(out, hostname.slice(0, ih), port);
    withPort(out, `${hostname.slice(0, ih)}.svc`, port);
  }
  return out;
}

/**
 * Alternative names for `hostname` as seen from `proxyDomain` (`ns.svc.cluster.local`): only
 * Kubernetes-style names sharing the cluster suffix get short forms; other hosts get the labels
 * unique to them when they share a DNS suffix with the proxy.
 */
export function altVirtualHosts(hostname: string, port: number, proxyDomain: string): string[] {
  if (proxyDomain.includes('.svc.')) {
    const suffix = proxyDomain.slice(proxyDomain.indexOf('.svc.'));
    return hostname.endsWith(suffix) ? kubeAltHosts(hostname, port, proxyDomain) : [];
  }
  const h = hostname.split('.').reverse();
  const d = proxyDomain.split('.').reverse();
  let shared = 0;
  while (shared < Math.min(h.length, d.length) && h[shared] === d[shared]) shared++;
  if (shared === 0) return [];
  const unique = h.slice(shared).reverse();
  const sharedParts = d.slice(0, shared).reverse();
  const out: string[] = [];
  withPort(out, unique.join('.'), port);
  if (unique.length === 2) withPort(out, `${unique.join('.')}.${sharedParts[0]}`, port);
  return out;
}

export interface GeneratedDomains {
  domains: string[];
  /** The alternative (expanded) names, so duplicates of real FQDNs can be dropped. */
  altHosts: string[];
}

/** Every domain of `svc` on `port` for `proxy`, listened for on `listenerPort` (0: HTTP proxy / UDS). */
export function virtualHostDomains(svc: Service, listenerPort: number, port: number, proxy: ProxyView & { dnsDomain?: string }): GeneratedDomains {
  const p = proxy.type !== 'proxyless' && listenerPort !== 0 ? NO_PORT : port;
  const domains: string[] = [];
  withPort(domains, svc.hostname, p);
  const altHosts = altVirtualHosts(svc.hostname, p, proxy.dnsDomain ?? '');
  domains.push(...altHosts);
  if (svc.resolution === 'Passthrough' && svc.registry === 'Kubernetes') {
    for (const d of [...domains]) domains.push(`*.${d}`);
  }
  const vips = svc.addresses.length > 0 ? svc.addresses : [svc.defaultAddress];
  for (const a of vips) if (a && a !== UNSPECIFIED_IP) withPort(domains, a, p);
  return { domains, altHosts };
}
