// IST0101 / IST0162: a Gateway must select gateway workloads, and each server port must be a
// target port of a Service in front of those workloads, or clients cannot reach it through the
// Service. (Istio retired IST0104 GatewayPortNotOnWorkload in favour of IST0162, which compares
// against the Service's targetPort.) With files only, a Gateway is judged only when the input
// holds workloads at all; otherwise there is nothing to compare with.
import type { Analyzer } from '../analyzer.js';
import { K } from '../kinds.js';
import { selectorMatches, selectorString, workloads, type Workload } from '../labels.js';
import { MSG } from '../messages.js';
import type { GatewaySpec, ServiceSpec } from '../specs.js';

/** The container port a Service port lands on: a number, a named container port, or the port itself. */
function targetPortOf(p: { port?: number; targetPort?: number | string }, w: Workload): number | undefined {
  const t = p.targetPort;
  if (t === undefined || t === '') return p.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  for (const c of w.pod.containers ?? []) for (const cp of c.ports ?? []) if (cp.name === t) return cp.containerPort;
  return undefined;
}

export const gatewayPortAnalyzer: Analyzer = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  description: "Checks a gateway's ports against the gateway's Kubernetes service ports",
  inputs: [K.Gateway, K.Pod, K.Deployment, K.Service],
  analyze(ctx) {
    const all = workloads(ctx);
    if (all.length === 0) return;
    const services = ctx.list<ServiceSpec>(K.Service);
    for (const gw of ctx.list<GatewaySpec>(K.Gateway)) {
      const selector = gw.config.spec?.selector ?? {};
      const selected = all.filter((w) => selectorMatches(selector, w.labels));
      if (selected.length === 0) {
        ctx.report(MSG.ReferencedResourceNotFound, gw, ['selector', selectorString(selector)], 'spec.selector');
        continue;
      }
      const targetPorts = new Set<number>();
      for (const w of selected) {
        for (const svc of services) {
          const spec = svc.config.spec ?? {};
          if (svc.config.meta.namespace !== w.namespace || !spec.selector || !selectorMatches(spec.selector, w.labels)) continue;
          for (const p of spec.ports ?? []) {
            if ((p.protocol ?? 'TCP') !== 'TCP') continue;
            const t = targetPortOf(p, w);
            if (t !== undefined) targetPorts.add(t);
          }
        }
      }
      (gw.config.spec?.servers ?? []).forEach((s, i) => {
        const n = s.port?.number;
        if (n !== undefined && !targetPorts.has(n)) ctx.report(MSG.GatewayPortNotDefinedOnService, gw, [n, selectorString(selector)], `spec.servers[${i}].port.number`);
      });
    }
  },
};
