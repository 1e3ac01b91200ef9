// Gateway names as VirtualServices write them: `name` (the VirtualService's namespace) or `ns/name`.
export const MESH_GATEWAY = 'mesh';

export function gatewayRef(ref: string, vsNamespace: string): { namespace: string; name: string } {
  const slash = ref.indexOf('/');
  return slash < 0 ? { namespace: vsNamespace, name: ref } : { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
}

/**
 * The hosts of a Gateway server as seen from a VirtualService's namespace: `ns/host` counts only
 * for that namespace (`.` = the Gateway's own, `*` = any); a bare host counts everywhere.
 */
export function serverHostsFor(hosts: readonly string[], gatewayNamespace: string, vsNamespace: string): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    const slash = h.indexOf('/');
    if (slash < 0) {
      out.push(h);
      continue;
    }
    const ns = h.slice(0, slash);
    const host = h.slice(slash + 1);
    const effective = ns === '.' ? gatewayNamespace : ns;
    if (effective === '*' || effective === vsNamespace) out.push(host);
  }
  return out;
}
