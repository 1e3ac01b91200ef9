// Security policies (PeerAuthentication, RequestAuthentication, AuthorizationPolicy) by the
// workloads they apply to: mesh-wide from the root namespace, namespace-wide without a selector,
// per workload with one. Root-namespace AuthorizationPolicy selectors apply in every namespace.
import type { Config } from '../../api/config.js';
import { selectorMatches, type Labels } from './labels.js';
import type { WorkloadPolicySpec } from './specs.js';
import { compareConfigsByCreation } from './virtual-service-index.js';

export type PolicyConfig = Config<WorkloadPolicySpec>;

export class PolicyIndex {
  private readonly byNamespace = new Map<string, PolicyConfig[]>();

  constructor(configs: readonly PolicyConfig[], private readonly rootNamespace: string, private readonly rootSelectorsMeshWide: boolean) {
    for (const c of [...configs].sort(compareConfigsByCreation)) {
      // targetRef policies attach to Gateway API objects, not to workloads by label.
      if (c.spec.targetRef || (c.spec.targetRefs?.length ?? 0) > 0) continue;
      const list = this.byNamespace.get(c.meta.namespace);
      if (list) list.push(c);
      else this.byNamespace.set(c.meta.namespace, [c]);
    }
  }

  /** Policies for a workload, root namespace first, then its own namespace; oldest first in each. */
  forWorkload(namespace: string, labels: Labels): PolicyConfig[] {
    const out: PolicyConfig[] = [];
    if (namespace !== this.rootNamespace) {
      for (const c of this.byNamespace.get(this.rootNamespace) ?? []) {
        const sel = c.spec.selector?.matchLabels;
        if (!sel || (this.rootSelectorsMeshWide && selectorMatches(sel, labels))) out.push(c);
      }
    }
    for (const c of this.byNamespace.get(namespace) ?? []) {
      if (selectorMatches(c.spec.selector?.matchLabels, labels)) out.push(c);
    }
    return out;
  }

  inNamespace(namespace: string): readonly PolicyConfig[] {
    return this.byNamespace.get(namespace) ?? [];
  }
}
