// Services by hostname and by who may see them, as PushContext indexes them: the oldest service
// owns a hostname within a namespace (a Kubernetes Service beats a ServiceEntry regardless), and
// exportTo decides which namespaces see it.
import type { ResolvedMesh } from './mesh.js';
import { compareServicesByCreation, type Service } from './service.js';
import { resolveVisibility } from './visibility.js';

const NONE: readonly Service[] = Object.freeze([]);

export class ServiceIndex {
  /** hostname → namespace → the service that owns it there. */
  private readonly byHostAndNamespace = new Map<string, Map<string, Service>>();
  private readonly publicServices: Service[] = [];
  private readonly privateByNamespace = new Map<string, Service[]>();
  private readonly exportedToNamespace = new Map<string, Service[]>();
  readonly all: readonly Service[];

  constructor(services: readonly Service[], mesh: ResolvedMesh) {
    this.all = Object.freeze([...services].sort(compareServicesByCreation));
    for (const s of this.all) {
      let byNs = this.byHostAndNamespace.get(s.hostname);
      if (!byNs) this.byHostAndNamespace.set(s.hostname, (byNs = new Map()));
      const existing = byNs.get(s.namespace);
      // Oldest first, except a Kubernetes Service takes a hostname back from a ServiceEntry, so
      // nobody can squat on a name before its Service exists.
      if (!existing || (existing.registry !== 'Kubernetes' && s.registry === 'Kubernetes')) byNs.set(s.namespace, s);

      const v = resolveVisibility(s.exportTo, s.namespace, mesh.defaultServiceExportTo);
      if (v.kind === 'public') this.publicServices.push(s);
      else if (v.kind === 'namespaces') {
        for (const ns of v.namespaces) push(ns === s.namespace ? this.privateByNamespace : this.exportedToNamespace, ns, s);
      }
    }
  }

  /** The service for a hostname in a namespace, or in any namespace (oldest) when none is given. */
  get(hostname: string, namespace?: string): Service | undefined {
    const byNs = this.byHostAndNamespace.get(hostname);
    if (!byNs) return undefined;
    if (namespace !== undefined) return byNs.get(namespace);
    let best: Service | undefined;
    for (const s of byNs.values()) if (!best || compareServicesByCreation(s, best) < 0) best = s;
    return best;
  }

  /** Namespaces that define this hostname. */
  namespacesOf(hostname: string): string[] {
    return [...(this.byHostAndNamespace.get(hostname)?.keys() ?? [])];
  }

  /**
   * Services a workload in `namespace` may see: its own namespace's first, then those exported to
   * it by name, then public ones, so that on a hostname clash the nearest definition comes first.
   */
  visibleTo(namespace: string): readonly Service[] {
    const priv = this.privateByNamespace.get(namespace) ?? NONE;
    const exported = this.exportedToNamespace.get(namespace) ?? NONE;
    if (priv.length === 0 && exported.length === 0) return this.publicServices;
    return [...priv, ...exported, ...this.publicServices];
  }

  isVisible(s: Service, namespace: string): boolean {
    return this.visibleTo(namespace).includes(s);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
