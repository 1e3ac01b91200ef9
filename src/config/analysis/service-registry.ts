// The hosts a destination may name, as Istio's analyzers see them: Kubernetes Services
// (`name.ns.svc.cluster.local`) and ServiceEntry hosts, each with its ports and visibility.
import type { AnalysisContext } from './context.js';
import { hostCovers, resolveShortName, visibleFrom } from './hosts.js';
import { K } from './kinds.js';
import type { AnalysisResource } from './resource.js';
import type { ServiceEntrySpec, ServiceSpec } from './specs.js';

export interface RegistryHost {
  /** FQDN, or a `*.suffix` wildcard from a ServiceEntry. */
  readonly host: string;
  readonly namespace: string;
  readonly ports: readonly number[];
  readonly exportTo?: readonly string[];
  readonly resource: AnalysisResource;
}

export class ServiceRegistry {
  readonly hosts: RegistryHost[] = [];

  constructor(ctx: AnalysisContext) {
    for (const r of ctx.list<ServiceSpec>(K.Service)) {
      const m = r.config.meta;
      const exportTo = m.annotations['networking.istio.io/exportTo']?.split(',').map((s) => s.trim());
      this.hosts.push({
        host: `${m.name}.${m.namespace}.svc.cluster.local`,
        namespace: m.namespace,
        ports: (r.config.spec?.ports ?? []).map((p) => p.port ?? 0),
        ...(exportTo ? { exportTo } : {}),
        resource: r,
      });
    }
    for (const r of ctx.list<ServiceEntrySpec>(K.ServiceEntry)) {
      const spec = r.config.spec ?? {};
      for (const h of spec.hosts ?? []) {
        this.hosts.push({
          host: resolveShortName(h, r.config.meta.namespace),
          namespace: r.config.meta.namespace,
          ports: (spec.ports ?? []).map((p) => p.number ?? 0),
          ...(spec.exportTo ? { exportTo: spec.exportTo } : {}),
          resource: r,
        });
      }
    }
  }

  /**
   * The service a destination host in `fromNamespace` resolves to: an exact host first, then the
   * most specific ServiceEntry wildcard covering it.
   */
  lookup(host: string, fromNamespace: string): RegistryHost | undefined {
    const fqdn = resolveShortName(host, fromNamespace);
    const visible = this.hosts.filter((h) => visibleFrom(h.exportTo, h.namespace, fromNamespace));
    const exact = visible.find((h) => h.host === fqdn);
    if (exact) return exact;
    return visible
      .filter((h) => h.host.startsWith('*') && hostCovers(h.host, fqdn))
      .sort((a, b) => b.host.length - a.host.length)[0];
  }
}
