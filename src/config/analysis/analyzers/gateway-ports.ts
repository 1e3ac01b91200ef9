// IST0101 / IST0162: a Gateway must select gateway workloads, and each server port must be a
// target port of a Service in front of those workloads, or clients cannot reach it through the
// Service. Istio retired IST0104 GatewayPortNotOnWorkload, which compared server ports with the
// Service's *port*; it would contradict IST0162 on every standard ingress gateway (Service port
// 80, targetPort 8080), so it is deliberately not reported. Both messages sit on the line of the
// selector's first label, as istioctl puts them. With files only, a Gateway is judged only when
// the input holds workloads (Pods, or Deployments and the like) at all.
import { formatPath } from '../../../api/diagnostics.js';
import type { Analyzer } from '../analyzer.js';
import { K } from '../kinds.js';
import { selectorMatches, selectorString, workloads, type Workload } from '../labels.js';
import { MSG } from '../messages.js';
import type { GatewaySpec, ServicePort, ServiceSpec } from '../specs.js';

/**
 * The port a Service port reaches on `w`: a numeric targetPort, the container port a named
 * targetPort names, or else the Service port itself (Istio's reading of an unset or
 * unresolvable targetPort).
 */
export function targetPortOf(p: ServicePort, w: Workload): number | undefined {
  const t = p.targetPort;
  if (typeof t === 'number') return t;
  if (typeof t === 'string' && /^\d+$/.test(t)) return Number(t);
  if (typeof t === 'string' && t !== '') {
    for (const c of w.pod.containers ?? []) for (const cp of c.ports ?? []) if (cp.name === t && cp.containerPort !== undefined) return cp.containerPort;
  }
  return p.port;
}

/** `spec.selector.istio`: where istioctl points for a selector finding (first key in sorted order). */
export function selectorPath(selector: Readonly<Record<string, string>>): string | undefined {
  const first = Object.keys(selector).sort()[0];
  return first === undefined ? undefined : formatPath(['spec', 'selector', first]);
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
      const path = selectorPath(selector);
      const selected = all.filter((w) => selectorMatches(selector, w.labels));
      if (selected.length === 0) {
        ctx.report(MSG.ReferencedResourceNotFound, gw, ['selector', selectorString(selector)], path);
        continue;
      }
      const targetPorts = new Set<number>();
      for (const w of selected) {
        for (const svc of services) {
          const spec = svc.config.spec ?? {};
          if (svc.config.meta.namespace !== w.namespace || !spec.selector || !selectorMatches(spec.selector, w.labels)) continue;
          for (const p of spec.ports ?? []) {
            // The API server defaults an unset protocol to TCP.
            if ((p.protocol ?? 'TCP') !== 'TCP') continue;
            const t = targetPortOf(p, w);
            if (t !== undefined) targetPorts.add(t);
          }
        }
      }
      for (const s of gw.config.spec?.servers ?? []) {
        const n = s.port?.number;
        if (n !== undefined && !targetPorts.has(n)) ctx.report(MSG.GatewayPortNotDefinedOnService, gw, [n, selectorString(selector)], path);
      }
    }
  },
};
