// IST0101 (Sidecar) / IST0127 (AuthorizationPolicy): a workload selector that selects nothing
// makes the resource inert. Judged only when the input holds workloads at all: with files alone,
// an empty set of workloads means "not given", not "none exist".
import type { Analyzer } from '../analyzer.js';
import { K } from '../kinds.js';
import { selectorMatches, selectorString, workloads, type Workload } from '../labels.js';
import { MSG } from '../messages.js';
import type { AuthorizationPolicySpec, SidecarSpec } from '../specs.js';

/** Istio's root namespace: policies there apply mesh-wide, so their selectors look everywhere. */
export const ROOT_NAMESPACE = 'istio-system';

function anySelected(all: readonly Workload[], ns: string, selector: Readonly<Record<string, string>>): boolean {
  return all.some((w) => (ns === ROOT_NAMESPACE || w.namespace === ns) && selectorMatches(selector, w.labels));
}

export const sidecarSelectorAnalyzer: Analyzer = {
  name: 'sidecar.SelectorAnalyzer',
  description: 'Validates that sidecars that define a workload selector match at least one pod',
  inputs: [K.Sidecar, K.Pod, K.Deployment],
  analyze(ctx) {
    const all = workloads(ctx);
    if (all.length === 0) return;
    for (const r of ctx.list<SidecarSpec>(K.Sidecar)) {
      const labels = r.config.spec?.workloadSelector?.labels;
      if (!labels || Object.keys(labels).length === 0) continue;
      if (!anySelected(all, r.config.meta.namespace, labels)) {
        ctx.report(MSG.ReferencedResourceNotFound, r, ['selector', selectorString(labels)], 'spec.workloadSelector.labels');
      }
    }
  },
};

/** `*` alone, or a prefix/suffix wildcard, as AuthorizationPolicy namespaces allow. */
function namespaceMatches(pattern: string, ns: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return ns.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return ns.startsWith(pattern.slice(0, -1));
  return pattern === ns;
}

export const authorizationPoliciesAnalyzer: Analyzer = {
  name: 'auth.AuthorizationPoliciesAnalyzer',
  description: 'Checks the validity of authorization policies',
  inputs: [K.AuthorizationPolicy, K.Namespace, K.Pod, K.Deployment],
  analyze(ctx) {
    const all = workloads(ctx);
    const namespaces = ctx.namespaces();
    for (const r of ctx.list<AuthorizationPolicySpec>(K.AuthorizationPolicy)) {
      const spec = r.config.spec ?? {};
      const labels = spec.selector?.matchLabels;
      if (all.length > 0 && labels && Object.keys(labels).length > 0 && !anySelected(all, r.config.meta.namespace, labels)) {
        ctx.report(MSG.NoMatchingWorkloadsFound, r, [selectorString(labels)], 'spec.selector.matchLabels');
      }
      (spec.rules ?? []).forEach((rule, i) => {
        (rule.from ?? []).forEach((from, j) => {
          (from.source?.namespaces ?? []).forEach((ns, k) => {
            if (![...namespaces].some((known) => namespaceMatches(ns, known))) {
              ctx.report(MSG.ReferencedResourceNotFound, r, ['namespace', ns], `spec.rules[${i}].from[${j}].source.namespaces[${k}]`);
            }
          });
        });
      });
    }
  },
};
