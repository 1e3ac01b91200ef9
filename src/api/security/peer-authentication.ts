// PeerAuthentication: the mutual-TLS mode a workload (or namespace, or the mesh) accepts, with
// per-port overrides for workload-scoped policies.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { message, z } from '../schema.js';
import { checkWorkloadSelector, workloadSelector } from '../validation/policy-target.js';
import { SECURITY_GROUP, SECURITY_VERSIONS } from './versions.js';

export const MTLS_MODES = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'] as const;
export type MutualTlsMode = (typeof MTLS_MODES)[number];

export const mutualTlsSchema = message({ mode: z.enum(MTLS_MODES).optional() });

export const peerAuthenticationSpec = message({
  selector: workloadSelector.optional(),
  mtls: mutualTlsSchema.optional(),
  /** Keys are port numbers; YAML and JSON write them as strings. */
  portLevelMtls: z.record(z.string(), mutualTlsSchema).optional(),
});
export type PeerAuthenticationSpec = z.infer<typeof peerAuthenticationSpec>;

export function validatePeerAuthentication(spec: PeerAuthenticationSpec, d: Diagnostics): void {
  checkWorkloadSelector(spec.selector, d, ['selector']);
  const ports = spec.portLevelMtls;
  if (ports === undefined) return;
  const emptySelector = Object.keys(spec.selector?.matchLabels ?? {}).length === 0;
  if (Object.keys(ports).length === 0) {
    d.error('port level mTLS, if defined, must have at least one element', 'portLevelMtls');
  } else if (emptySelector) {
    d.error('mesh/namespace peer authentication cannot have port level mTLS', 'portLevelMtls');
  }
  for (const key of Object.keys(ports)) {
    const n = /^\d+$/.test(key) ? Number(key) : NaN;
    if (!(n >= 1 && n <= 65535)) d.error(`port must be in range 1..65535, got "${key}"`, 'portLevelMtls', key);
  }
}

export const peerAuthenticationKind = defineKind({
  group: SECURITY_GROUP,
  kind: 'PeerAuthentication',
  plural: 'peerauthentications',
  versions: SECURITY_VERSIONS,
  body: 'spec',
  schema: peerAuthenticationSpec,
  validate: (spec, d) => validatePeerAuthentication(spec, d),
});
