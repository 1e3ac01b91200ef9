// IST0109: two VirtualServices bound to the mesh gateway (no `gateways`, or `mesh` listed) that
// define the same host, visible in the same namespace, conflict: sidecars would use only one.
import type { Analyzer } from '../analyzer.js';
import { resolveShortName } from '../hosts.js';
import { K } from '../kinds.js';
import { MSG } from '../messages.js';
import type { AnalysisResource } from '../resource.js';
import type { VirtualServiceSpec } from '../specs.js';
import { MESH_GATEWAY } from './gateway-refs.js';

/** Istio scopes a host by exportTo: `.` (private to its namespace) or public. */
function scopeOf(r: AnalysisResource<VirtualServiceSpec>): string {
  const exportTo = r.config.spec?.exportTo ?? [];
  return exportTo.length === 1 && exportTo[0] === '.' ? r.config.meta.namespace : '*';
}

export const conflictingMeshGatewayHostsAnalyzer: Analyzer = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  description: 'Checks if multiple virtual services associated with the mesh gateway have conflicting hosts',
  inputs: [K.VirtualService],
  analyze(ctx) {
    const byHost = new Map<string, { r: AnalysisResource<VirtualServiceSpec>; hostIndex: number; host: string }[]>();
    for (const r of ctx.list<VirtualServiceSpec>(K.VirtualService)) {
      const gateways = r.config.spec?.gateways ?? [];
      if (gateways.length > 0 && !gateways.includes(MESH_GATEWAY)) continue;
      (r.config.spec?.hosts ?? []).forEach((h, hostIndex) => {
        const fqdn = resolveShortName(h, r.config.meta.namespace);
        const key = `${scopeOf(r)}|${fqdn}`;
        let list = byHost.get(key);
        if (!list) byHost.set(key, (list = []));
        if (!list.some((x) => x.r === r)) list.push({ r, hostIndex, host: fqdn });
      });
    }
    for (const list of byHost.values()) {
      if (list.length < 2) continue;
      const names = list.map((x) => `${x.r.config.meta.namespace}/${x.r.config.meta.name}`).sort().join(',');
      for (const x of list) ctx.report(MSG.ConflictingMeshGatewayVirtualServiceHosts, x.r, [names, x.host], `spec.hosts[${x.hostIndex}]`);
    }
  },
};
