// Host forms beyond plain DNS names: `namespace/dnsName` in Gateway servers and Sidecar egress,
// and gateway references (`mesh`, `name`, `namespace/name`) in VirtualService.
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import { fqdnError, isIstioDnsLabel, wildcardDomainError } from '../validation/names.js';

/**
 * Gateways accept a bare host (any namespace) or `ns/host` with ns `.`, `*` or a namespace;
 * Sidecars require `ns/host` and also accept `~` (no namespace).
 */
export function namespaceSlashHostError(host: string, where: 'gateway' | 'sidecar'): string | undefined {
  const slash = host.indexOf('/');
  if (slash < 0) {
    if (where === 'sidecar') return 'host must be of form namespace/dnsName';
    return wildcardDomainError(host);
  }
  const ns = host.slice(0, slash);
  const name = host.slice(slash + 1);
  if (ns === '' || name === '') return 'config namespace and dnsName in host entry cannot be empty';
  const special = where === 'sidecar' ? ['*', '.', '~'] : ['*', '.'];
  if (!special.includes(ns) && !isIstioDnsLabel(ns)) return `invalid namespace value "${ns}" in ${where}`;
  return wildcardDomainError(name);
}

/** `gateways` of a VirtualService or of a route match. */
export function validateGatewayNames(names: readonly string[] | undefined, d: Diagnostics, path: PathSegment[]): void {
  names?.forEach((name, i) => {
    const slash = name.indexOf('/');
    if (slash < 0) {
      if (name.includes('.')) {
        const dot = name.indexOf('.');
        const rest = name.slice(dot + 1);
        const ns = rest.split('.')[0];
        d.warning(
          `using legacy gatewayName format "${name}"; prefer the <namespace>/<name> format: "${ns}/${name.slice(0, dot)}"`,
          ...path,
          i,
        );
      }
      const e = fqdnError(name);
      if (e) d.error(`invalid gateway name "${name}": ${e}`, ...path, i);
      return;
    }
    const ns = name.slice(0, slash);
    const gw = name.slice(slash + 1);
    if (ns === '' || gw === '') d.error('config namespace and gateway name cannot be empty', ...path, i);
    else if (!isIstioDnsLabel(ns)) d.error(`invalid value for namespace: "${ns}"`, ...path, i);
    else if (!isIstioDnsLabel(gw)) d.error(`invalid value for gateway name: "${gw}"`, ...path, i);
  });
}
