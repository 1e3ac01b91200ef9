// A Pod as a workload: address, labels, identity, locality, health and named ports, as the
// Kubernetes registry and ServiceEntry's workloadSelector both use it.
import type { Config } from '../../../api/config.js';
import {
  augmentLabels, localityFromLabels, NETWORK_LABEL, spiffeIdentity, tlsModeFromLabels,
  type HealthStatus, type WorkloadInstance,
} from '../../model/endpoint.js';
import type { KubePodSpec, KubePodStatus } from '../../model/specs.js';
import type { ConversionContext } from '../kinds.js';

/** undefined for pods that cannot serve: no IP yet, or finished. */
export function podWorkload(pod: Config<KubePodSpec>, ctx: ConversionContext): WorkloadInstance | undefined {
  const status = (pod.status ?? {}) as KubePodStatus;
  const address = status.podIP ?? status.podIPs?.[0]?.ip;
  if (!address || status.phase === 'Succeeded' || status.phase === 'Failed') return undefined;
  const spec = pod.spec;
  const labels = pod.meta.labels;
  const sa = spec.serviceAccountName || spec.serviceAccount || 'default';
  const locality = localityFromLabels(labels);
  const network = labels[NETWORK_LABEL] ?? '';
  const portMap: Record<string, number> = {};
  for (const c of spec.containers ?? []) for (const p of c.ports ?? []) if (p.name) portMap[p.name] = p.containerPort;
  return {
    kind: 'Pod',
    name: pod.meta.name,
    namespace: pod.meta.namespace,
    address,
    labels,
    serviceAccount: spiffeIdentity(ctx.mesh.trustDomain, pod.meta.namespace, sa),
    portMap,
    endpoint: {
      address,
      labels: augmentLabels(labels, locality, network, ctx.clusterId),
      locality,
      network,
      weight: 0,
      tlsMode: tlsModeFromLabels(labels),
      serviceAccount: spiffeIdentity(ctx.mesh.trustDomain, pod.meta.namespace, sa),
      healthStatus: podHealth(status),
      workloadName: podWorkloadName(pod.meta.name, labels),
      namespace: pod.meta.namespace,
      ...(spec.hostname ? { hostname: spec.hostname } : {}),
      ...(spec.nodeName ? { nodeName: spec.nodeName } : {}),
    },
  };
}

/** A pod without reported conditions (hand-written YAML) counts as ready. */
function podHealth(status: KubePodStatus): HealthStatus {
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  return !ready || ready.status === 'True' ? 'Healthy' : 'UnHealthy';
}

/**
 * The owning Deployment's name for ReplicaSet pods (`reviews-v1-5c8d7f9b6-x2x7k` → `reviews-v1`,
 * via the `pod-template-hash` label), else the pod's own name.
 */
export function podWorkloadName(podName: string, labels: Readonly<Record<string, string>>): string {
  const hash = labels['pod-template-hash'];
  if (hash) {
    const at = podName.lastIndexOf(`-${hash}-`);
    if (at > 0) return podName.slice(0, at);
  }
  return podName;
}
