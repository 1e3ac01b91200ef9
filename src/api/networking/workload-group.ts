// WorkloadGroup: the template VMs register from (auto-registration) and their readiness probe.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { int32, message, stringMap, uint32, z } from '../schema.js';
import { checkLabels } from '../validation/common.js';
import { qualifiedNameError } from '../validation/names.js';
import { headerNameError } from './headers.js';
import { validatePortNumber } from './port.js';
import { NETWORKING_GROUP, NETWORKING_VERSIONS } from './versions.js';
import { validateWorkloadEntry, workloadEntrySpec } from './workload-entry.js';

export const readinessProbe = message({
  initialDelaySeconds: int32.optional(),
  timeoutSeconds: int32.optional(),
  periodSeconds: int32.optional(),
  successThreshold: int32.optional(),
  failureThreshold: int32.optional(),
  httpGet: message({
    path: z.string().optional(),
    port: uint32,
    host: z.string().optional(),
    scheme: z.string().optional(),
    httpHeaders: z.array(message({ name: z.string().optional(), value: z.string().optional() })).optional(),
  }).optional(),
  tcpSocket: message({ host: z.string().optional(), port: uint32 }).optional(),
  exec: message({ command: z.array(z.string()).optional() }).optional(),
  grpc: message({ port: uint32, service: z.string().optional() }).optional(),
});
export type ReadinessProbe = z.infer<typeof readinessProbe>;

export const workloadGroupSpec = message({
  metadata: message({ labels: stringMap.optional(), annotations: stringMap.optional() }).optional(),
  template: workloadEntrySpec,
  probe: readinessProbe.optional(),
});
export type WorkloadGroupSpec = z.infer<typeof workloadGroupSpec>;

function validateProbe(p: ReadinessProbe | undefined, d: Diagnostics): void {
  if (!p) return;
  for (const f of ['periodSeconds', 'initialDelaySeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold'] as const) {
    if ((p[f] ?? 0) < 0) d.error(`${f} must be non-negative`, f);
  }
  const methods = (['httpGet', 'tcpSocket', 'exec', 'grpc'] as const).filter((m) => p[m] !== undefined);
  if (methods.length === 0) d.error('must have at least one health check method (httpGet, tcpSocket, exec or grpc)');
  if (methods.length > 1) d.error(`only one health check method may be set (got ${methods.join(', ')})`);
  if (p.httpGet) {
    validatePortNumber(p.httpGet.port, d, ['httpGet', 'port']);
    const scheme = p.httpGet.scheme;
    if (scheme !== undefined && scheme !== '' && !['HTTP', 'HTTPS', 'http', 'https'].includes(scheme)) {
      d.error('httpGet.scheme must be one of "http", "https"', 'httpGet', 'scheme');
    }
    p.httpGet.httpHeaders?.forEach((h, i) => {
      const e = headerNameError(h.name ?? '');
      if (e) d.error(e, 'httpGet', 'httpHeaders', i, 'name');
    });
  }
  if (p.tcpSocket) validatePortNumber(p.tcpSocket.port, d, ['tcpSocket', 'port']);
  if (p.grpc) validatePortNumber(p.grpc.port, d, ['grpc', 'port']);
  if (p.exec && (p.exec.command?.length ?? 0) === 0) d.error('exec.command is required', 'exec', 'command');
}

export function validateWorkloadGroup(wg: WorkloadGroupSpec, d: Diagnostics): void {
  checkLabels(wg.metadata?.labels, d, ['metadata', 'labels']);
  for (const k of Object.keys(wg.metadata?.annotations ?? {})) {
    const e = qualifiedNameError(k);
    if (e) d.error(`invalid annotation key "${k}": ${e}`, 'metadata', 'annotations', k);
  }
  // Each registering VM supplies its own address.
  if (wg.template.address) d.error('address must not be set in the WorkloadGroup template', 'template', 'address');
  validateWorkloadEntry(wg.template, d.at('template'), { addressRequired: false });
  validateProbe(wg.probe, d.at('probe'));
}

export const workloadGroupKind = defineKind({
  group: NETWORKING_GROUP,
  kind: 'WorkloadGroup',
  plural: 'workloadgroups',
  versions: NETWORKING_VERSIONS,
  body: 'spec',
  schema: workloadGroupSpec,
  validate: (spec, d) => validateWorkloadGroup(spec, d),
});
