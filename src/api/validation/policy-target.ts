// What a policy applies to, shared by AuthorizationPolicy, PeerAuthentication,
// RequestAuthentication, Telemetry and WasmPlugin: a workload selector, or targetRef(s) naming a
// Service, ServiceEntry, Gateway or GatewayClass (istio.type.v1beta1).
import type { Diagnostics, PathSegment } from '../diagnostics.js';
import { message, stringMap, z } from '../schema.js';

export const workloadSelector = message({ matchLabels: stringMap.optional() });
export type WorkloadSelector = z.infer<typeof workloadSelector>;

export const policyTargetReference = message({
  group: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
});
export type PolicyTargetReference = z.infer<typeof policyTargetReference>;

/** The group/kind pairs a targetRef may name; the empty group is core. */
const ALLOWED_TARGETS: ReadonlyArray<readonly [group: string, kind: string]> = [
  ['', 'Service'],
  ['networking.istio.io', 'ServiceEntry'],
  ['gateway.networking.k8s.io', 'Gateway'],
  ['gateway.networking.k8s.io', 'GatewayClass'],
];

export function checkWorkloadSelector(sel: WorkloadSelector | undefined, d: Diagnostics, path: PathSegment[]): void {
  if (!sel) return;
  const labels = sel.matchLabels ?? {};
  for (const [k, v] of Object.entries(labels)) {
    if (k === '') d.error(`empty key is not supported in selector: "${k}=${v}"`, ...path, 'matchLabels', k);
    if (k.includes('*') || v.includes('*')) {
      d.error(`wildcard is not supported in selector: "${k}=${v}"`, ...path, 'matchLabels', k);
    }
  }
  if (Object.keys(labels).length === 0) d.warning('workload selector specified without labels', ...path);
}

export function checkTargetRef(ref: PolicyTargetReference, d: Diagnostics, path: PathSegment[]): void {
  if (!ref.name) d.error('targetRef name must be set', ...path, 'name');
  if (ref.namespace) {
    d.error('targetRef namespace must not be set; cross namespace referencing is not supported', ...path, 'namespace');
  }
  const group = ref.group ?? '';
  const ok = ALLOWED_TARGETS.some(([g, k]) => g === group && k === ref.kind);
  if (!ok) {
    const allowed = ALLOWED_TARGETS.map(([g, k]) => `${g || 'core'}/${k}`).join(', ');
    d.error(`targetRef must be to one of ${allowed} but was ${group}/${ref.kind ?? ''}`, ...path);
  }
}

export interface PolicyTargetFields {
  readonly selector?: WorkloadSelector;
  readonly targetRef?: PolicyTargetReference;
  readonly targetRefs?: readonly PolicyTargetReference[];
}

/** selector, targetRef and targetRefs are mutually exclusive; each is then checked on its own. */
export function checkPolicyTarget(spec: PolicyTargetFields, d: Diagnostics): void {
  const set = [spec.selector !== undefined, spec.targetRef !== undefined, (spec.targetRefs?.length ?? 0) > 0];
  if (set.filter(Boolean).length > 1) d.error('only one of targetRefs or workloadSelector can be set');
  checkWorkloadSelector(spec.selector, d, ['selector']);
  if (spec.targetRef) checkTargetRef(spec.targetRef, d, ['targetRef']);
  spec.targetRefs?.forEach((r, i) => checkTargetRef(r, d, ['targetRefs', i]));
}
