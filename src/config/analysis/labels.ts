// Label selectors and workloads. In a file-only analysis the workloads are Pods plus the pod
// templates of Deployments/StatefulSets/DaemonSets/ReplicaSets, since those become Pods.
import type { AnalysisContext } from './context.js';
import { K } from './kinds.js';
import type { AnalysisResource } from './resource.js';
import type { PodSpec, WorkloadControllerSpec } from './specs.js';

export interface Workload {
  readonly resource: AnalysisResource;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly pod: PodSpec;
}

/** A map selector matches when every key/value is present; an empty selector matches everything. */
export function selectorMatches(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/** `app=reviews,version=v1`, keys sorted, as Kubernetes prints a selector. */
export function selectorString(selector: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(selector ?? {})
    .sort()
    .map((k) => `${k}=${selector![k]}`)
    .join(',');
}

export function workloads(ctx: AnalysisContext): Workload[] {
  const out: Workload[] = [];
  for (const r of ctx.list<PodSpec>(K.Pod)) {
    out.push({ resource: r, namespace: r.config.meta.namespace, labels: r.config.meta.labels, pod: r.config.spec ?? {} });
  }
  for (const kind of [K.Deployment, K.StatefulSet, K.DaemonSet, K.ReplicaSet]) {
    for (const r of ctx.list<WorkloadControllerSpec>(kind)) {
      const tpl = r.config.spec?.template;
      out.push({ resource: r, namespace: r.config.meta.namespace, labels: tpl?.metadata?.labels ?? {}, pod: tpl?.spec ?? {} });
    }
  }
  return out;
}
