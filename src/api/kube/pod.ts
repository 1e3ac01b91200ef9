// Pod (v1): the registry reads container ports, the service account, node and host networking
// from the spec, and IPs, phase and conditions from the status. Fields the mesh does not read are
// accepted as Kubernetes defines them (containers are loose objects beyond name and ports), but a
// misspelled top-level PodSpec field is an error, as with the API server's strict field validation.
import type { Diagnostics } from '../diagnostics.js';
import { Diagnostics as DiagnosticsImpl } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { int32, int64, message, stringMap, z } from '../schema.js';
import { reportIssues } from '../schema-issues.js';
import { dns1123LabelError, dns1123SubdomainError } from '../validation/names.js';
import { checkIP, checkPortNumber, ianaSvcNameError, opaque, protocol } from './common.js';

export const containerPortSchema = message({
  name: z.string().optional(),
  containerPort: int32,
  hostPort: int32.optional(),
  hostIP: z.string().optional(),
  protocol: protocol.optional(),
});
export type ContainerPort = z.infer<typeof containerPortSchema>;

/** A container: name and ports are typed; image, probes, resources and the rest pass through. */
export const containerSchema = z.looseObject({
  name: z.string(),
  image: z.string().optional(),
  ports: z.array(containerPortSchema).optional(),
});
export type Container = z.infer<typeof containerSchema>;

export const podSpec = message({
  containers: z.array(containerSchema),
  initContainers: z.array(containerSchema).optional(),
  ephemeralContainers: z.array(opaque).optional(),
  serviceAccountName: z.string().optional(),
  serviceAccount: z.string().optional(),
  automountServiceAccountToken: z.boolean().optional(),
  nodeName: z.string().optional(),
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  hostUsers: z.boolean().optional(),
  hostname: z.string().optional(),
  hostnameOverride: z.string().optional(),
  subdomain: z.string().optional(),
  setHostnameAsFQDN: z.boolean().optional(),
  shareProcessNamespace: z.boolean().optional(),
  nodeSelector: stringMap.optional(),
  affinity: opaque.optional(),
  tolerations: z.array(opaque).optional(),
  topologySpreadConstraints: z.array(opaque).optional(),
  schedulerName: z.string().optional(),
  schedulingGates: z.array(opaque).optional(),
  priority: int32.optional(),
  priorityClassName: z.string().optional(),
  preemptionPolicy: z.string().optional(),
  runtimeClassName: z.string().optional(),
  restartPolicy: z.enum(['Always', 'OnFailure', 'Never']).optional(),
  terminationGracePeriodSeconds: int64.optional(),
  activeDeadlineSeconds: int64.optional(),
  dnsPolicy: z.enum(['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']).optional(),
  dnsConfig: opaque.optional(),
  hostAliases: z.array(opaque).optional(),
  enableServiceLinks: z.boolean().optional(),
  imagePullSecrets: z.array(opaque).optional(),
  volumes: z.array(opaque).optional(),
  securityContext: opaque.optional(),
  readinessGates: z.array(opaque).optional(),
  overhead: opaque.optional(),
  os: opaque.optional(),
  resourceClaims: z.array(opaque).optional(),
  resources: opaque.optional(),
});
export type PodSpec = z.infer<typeof podSpec>;

export const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;

export const podConditionSchema = z.looseObject({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const podStatusSchema = z.looseObject({
  phase: z.enum(POD_PHASES).optional(),
  conditions: z.array(podConditionSchema).optional(),
  podIP: z.string().optional(),
  podIPs: z.array(message({ ip: z.string() })).optional(),
  hostIP: z.string().optional(),
  hostIPs: z.array(message({ ip: z.string() })).optional(),
});
export type PodStatus = z.infer<typeof podStatusSchema>;

function validateContainers(list: readonly Container[] | undefined, field: string, d: Diagnostics, seenNames: Set<string>, seenPorts: Set<string>): void {
  list?.forEach((c, i) => {
    const cd = d.at(field, i);
    const e = dns1123LabelError(c.name);
    if (e) cd.error(`Invalid value: "${c.name}": ${e}`, 'name');
    if (seenNames.has(c.name)) cd.error(`Duplicate value: "${c.name}"`, 'name');
    seenNames.add(c.name);
    c.ports?.forEach((p, j) => {
      const pd = cd.at('ports', j);
      checkPortNumber(p.containerPort, pd, ['containerPort']);
      if (p.hostPort !== undefined && p.hostPort !== 0) checkPortNumber(p.hostPort, pd, ['hostPort']);
      if (p.hostIP) checkIP(p.hostIP, pd, ['hostIP']);
      if (p.name) {
        const ne = ianaSvcNameError(p.name);
        if (ne) pd.error(`Invalid value: "${p.name}": ${ne}`, 'name');
        if (seenPorts.has(p.name)) pd.error(`Duplicate value: "${p.name}"`, 'name');
        seenPorts.add(p.name);
      }
    });
  });
}

export function validatePodSpec(spec: PodSpec, d: Diagnostics): void {
  if (spec.containers.length === 0) d.error('Required value', 'containers');
  const names = new Set<string>();
  const ports = new Set<string>();
  validateContainers(spec.containers, 'containers', d, names, ports);
  validateContainers(spec.initContainers, 'initContainers', d, names, ports);
  for (const f of ['serviceAccountName', 'nodeName'] as const) {
    const v = spec[f];
    if (v) {
      const e = dns1123SubdomainError(v);
      if (e) d.error(`Invalid value: "${v}": ${e}`, f);
    }
  }
  if (spec.serviceAccount && spec.serviceAccountName && spec.serviceAccount !== spec.serviceAccountName) {
    d.warning('serviceAccount (deprecated) differs from serviceAccountName; serviceAccountName is used', 'serviceAccount');
  }
}

/**
 * Types a Pod's status (kept raw by the registry in Config.status). Paths are rooted at `status`.
 * IPs must be IP addresses and podIPs[0], when both are set, must equal podIP.
 */
export function readPodStatus(raw: unknown): { status?: PodStatus; diagnostics: Diagnostics } {
  const d = new DiagnosticsImpl(['status']);
  if (raw === undefined || raw === null) return { status: {}, diagnostics: d };
  const parsed = podStatusSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    reportIssues(parsed.error.issues, d);
    return { diagnostics: d };
  }
  const s = parsed.data;
  if (s.podIP) checkIP(s.podIP, d, ['podIP']);
  s.podIPs?.forEach((p, i) => checkIP(p.ip, d, ['podIPs', i, 'ip']));
  if (s.podIP && s.podIPs && s.podIPs.length > 0 && s.podIPs[0].ip !== s.podIP) {
    d.error('Invalid value: podIPs[0] must equal podIP', 'podIPs', 0, 'ip');
  }
  if (s.hostIP) checkIP(s.hostIP, d, ['hostIP']);
  return d.ok ? { status: s, diagnostics: d } : { diagnostics: d };
}

/** True when the Pod's Ready condition is True, as the registry decides endpoint health. */
export function isPodReady(status: PodStatus | undefined): boolean {
  return status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export const podKind = defineKind({
  group: '',
  kind: 'Pod',
  plural: 'pods',
  versions: ['v1'],
  body: 'spec',
  schema: podSpec,
  validate: (spec, d) => validatePodSpec(spec, d),
});
