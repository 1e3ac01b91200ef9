// ProxyConfig (v1beta1 only): per-workload or per-namespace overrides of the proxy's concurrency,
// environment and image flavour.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { int32, message, stringMap, z } from '../schema.js';
import { checkWorkloadSelector, workloadSelector } from '../validation/policy-target.js';
import { NETWORKING_GROUP } from './versions.js';

export const proxyConfigSpec = message({
  selector: workloadSelector.optional(),
  concurrency: int32.optional(),
  environmentVariables: stringMap.optional(),
  image: message({ imageType: z.string().optional() }).optional(),
});
export type ProxyConfigSpec = z.infer<typeof proxyConfigSpec>;

const IMAGE_TYPES = new Set(['default', 'debug', 'distroless']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function validateProxyConfig(pc: ProxyConfigSpec, d: Diagnostics): void {
  if ((pc.concurrency ?? 0) < 0) d.error('concurrency must be greater than or equal to 0', 'concurrency');
  checkWorkloadSelector(pc.selector, d, ['selector']);
  for (const k of Object.keys(pc.environmentVariables ?? {})) {
    if (!ENV_NAME.test(k)) d.error(`invalid environment variable name "${k}"`, 'environmentVariables', k);
  }
  const t = pc.image?.imageType;
  if (t !== undefined && t !== '' && !IMAGE_TYPES.has(t)) {
    d.warning(`unknown imageType "${t}"; Istio publishes default, debug and distroless`, 'image', 'imageType');
  }
}

export const proxyConfigKind = defineKind({
  group: NETWORKING_GROUP,
  kind: 'ProxyConfig',
  plural: 'proxyconfigs',
  versions: ['v1beta1'],
  body: 'spec',
  schema: proxyConfigSpec,
  validate: (spec, d) => validateProxyConfig(spec, d),
});
