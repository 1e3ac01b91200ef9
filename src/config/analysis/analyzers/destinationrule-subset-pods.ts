// IST0174 / IST0173 (Istio's destinationrule.SubsetSelectPodAnalyzer): a DestinationRule's host
// must name a known service, and each subset must select at least one of that service's pods, or
// requests routed to the subset fail with 503 UH. Both are reported at the DestinationRule's
// document, as istioctl does.
//
// Where this reads more precisely than Istio, on purpose:
// - a subset's pods are the Service's pods (its selector, its namespace) that carry the subset's
//   labels (Istio matches the subset's labels alone, in every namespace, which hides a missing
//   subset whenever another app's pods share a `version` label);
// - Services without a selector and ServiceEntries without a workloadSelector are not judged:
//   their endpoints are addresses, not pods;
// - wildcard hosts (`*.example.com`) are patterns over services, not references, so no IST0174;
// - with files only, IST0173 is judged only when the input holds workloads at all.
// Pod labels are read as the service registry sees an endpoint's: with `kubernetes.io/hostname`
// from `spec.nodeName`, and, when that Node is in the input, its region/zone/subzone labels, so
// subsets keyed on locality are not false positives (fixed the same way in Istio 1.30).
import type { Analyzer } from '../analyzer.js';
import type { AnalysisContext } from '../context.js';
import { K } from '../kinds.js';
import { selectorMatches, workloads, type Workload } from '../labels.js';
import { MSG } from '../messages.js';
import type { AnalysisResource } from '../resource.js';
import { ServiceRegistry, type RegistryHost } from '../service-registry.js';
import type { DestinationRuleSpec, ServiceEntrySpec, ServiceSpec } from '../specs.js';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_REGION = 'topology.kubernetes.io/region';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_SUBZONE = 'topology.istio.io/subzone';

type Labels = Readonly<Record<string, string>>;

function nodeLabels(ctx: AnalysisContext): Map<string, Labels> {
  return new Map(ctx.list(K.Node).map((r) => [r.config.meta.name, r.config.meta.labels]));
}

/**
 * A workload's labels plus what the registry adds from its node. The locality follows Istio's
 * `region/zone/subzone` string: a subzone counts only under a zone.
 */
export function endpointLabels(w: Workload, nodes: ReadonlyMap<string, Labels>): Record<string, string> {
  const out: Record<string, string> = { ...w.labels };
  const nodeName = w.pod.nodeName ?? '';
  if (nodeName === '') return out;
  const node = nodes.get(nodeName);
  if (node) {
    const region = node[LABEL_REGION] ?? '';
    const zone = node[LABEL_ZONE] ?? '';
    const subzone = node[LABEL_SUBZONE] ?? '';
    if (region !== '') out[LABEL_REGION] = region;
    if (zone !== '') {
      out[LABEL_ZONE] = zone;
      if (subzone !== '') out[LABEL_SUBZONE] = subzone;
    }
  }
  out[LABEL_HOSTNAME] = nodeName;
  return out;
}

/** The pods behind a registry host: a Service's selector or a ServiceEntry's workloadSelector. */
function podSelector(h: RegistryHost): Labels | undefined {
  const kind = h.resource.config.meta.gvk.kind;
  const labels =
    kind === K.Service.kind
      ? (h.resource as AnalysisResource<ServiceSpec>).config.spec?.selector
      : (h.resource as AnalysisResource<ServiceEntrySpec>).config.spec?.workloadSelector?.labels;
  return labels && Object.keys(labels).length > 0 ? labels : undefined;
}

export const subsetSelectPodAnalyzer: Analyzer = {
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  description: 'Checks if pods are selected by subsets in destination rules.',
  inputs: [K.DestinationRule, K.Pod, K.Deployment, K.Service, K.ServiceEntry, K.Node],
  analyze(ctx) {
    const registry = new ServiceRegistry(ctx);
    const nodes = nodeLabels(ctx);
    const endpoints = workloads(ctx).map((w) => ({ namespace: w.namespace, labels: endpointLabels(w, nodes) }));
    for (const r of ctx.list<DestinationRuleSpec>(K.DestinationRule)) {
      const host = r.config.spec?.host ?? '';
      if (host === '' || host.includes('*')) continue;
      const svc = registry.lookup(host, r.config.meta.namespace);
      if (!svc) {
        ctx.report(MSG.UnknownDestinationRuleHost, r, [host]);
        continue;
      }
      const base = podSelector(svc);
      if (!base || endpoints.length === 0) continue;
      const mine = endpoints.filter((e) => e.namespace === svc.namespace && selectorMatches(base, e.labels));
      for (const subset of r.config.spec?.subsets ?? []) {
        if (!mine.some((e) => selectorMatches(subset.labels, e.labels))) ctx.report(MSG.DestinationRuleSubsetNotSelectPods, r, [subset.name ?? '']);
      }
    }
  },
};
