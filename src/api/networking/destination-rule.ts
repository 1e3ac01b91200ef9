// DestinationRule: what happens to traffic for a host after routing — load balancing, pools,
// outlier detection, upstream TLS — and the named subsets routes can pick.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { message, stringMap, z } from '../schema.js';
import { checkExportTo, checkLabels } from '../validation/common.js';
import { wildcardDomainError } from '../validation/names.js';
import { checkWorkloadSelector, workloadSelector } from '../validation/policy-target.js';
import { subsetNameError } from './destination.js';
import { trafficPolicy } from './traffic-policy-schema.js';
import { validateTrafficPolicy } from './traffic-policy-validate.js';
import { NETWORKING_GROUP, NETWORKING_VERSIONS } from './versions.js';

export * from './traffic-policy-schema.js';
export { validateTrafficPolicy, validateConnectionPool } from './traffic-policy-validate.js';

export const subset = message({
  name: z.string(),
  labels: stringMap.optional(),
  trafficPolicy: trafficPolicy.optional(),
});
export type Subset = z.infer<typeof subset>;

export const destinationRuleSpec = message({
  host: z.string(),
  trafficPolicy: trafficPolicy.optional(),
  subsets: z.array(subset).optional(),
  exportTo: z.array(z.string()).optional(),
  workloadSelector: workloadSelector.optional(),
});
export type DestinationRuleSpec = z.infer<typeof destinationRuleSpec>;

export function validateDestinationRule(dr: DestinationRuleSpec, d: Diagnostics): void {
  const he = wildcardDomainError(dr.host);
  if (he) d.error(he, 'host');
  validateTrafficPolicy(dr.trafficPolicy, d.at('trafficPolicy'));
  const names = new Set<string>();
  dr.subsets?.forEach((s, i) => {
    const sd = d.at('subsets', i);
    if (names.has(s.name)) sd.error(`duplicate subset names: ${s.name}`, 'name');
    names.add(s.name);
    const ne = subsetNameError(s.name);
    if (ne) sd.error(ne, 'name');
    // Istio accepts a subset without labels; it then selects every endpoint of the host,
    // which is rarely what was meant.
    if (Object.keys(s.labels ?? {}).length === 0) sd.warning('subset has no labels: it selects every endpoint of the host', 'labels');
    checkLabels(s.labels, sd, ['labels']);
    validateTrafficPolicy(s.trafficPolicy, sd.at('trafficPolicy'));
  });
  checkExportTo(dr.exportTo, d, ['exportTo']);
  checkWorkloadSelector(dr.workloadSelector, d, ['workloadSelector']);
}

export const destinationRuleKind = defineKind({
  group: NETWORKING_GROUP,
  kind: 'DestinationRule',
  plural: 'destinationrules',
  versions: NETWORKING_VERSIONS,
  body: 'spec',
  schema: destinationRuleSpec,
  validate: (spec, d) => validateDestinationRule(spec, d),
});
