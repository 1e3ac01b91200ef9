// Endpoints (v1): the legacy per-Service address list (subsets of addresses and ports).
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { int32, message, z } from '../schema.js';
import { dns1123LabelError } from '../validation/names.js';
import { checkAppProtocol, checkIP, checkPortName, checkPortNumber, objectReference, protocol } from './common.js';

export const endpointAddressSchema = message({
  ip: z.string(),
  hostname: z.string().optional(),
  nodeName: z.string().optional(),
  targetRef: objectReference.optional(),
});
export type EndpointAddress = z.infer<typeof endpointAddressSchema>;

export const endpointPortSchema = message({
  name: z.string().optional(),
  port: int32,
  protocol: protocol.optional(),
  appProtocol: z.string().optional(),
});
export type EndpointPort = z.infer<typeof endpointPortSchema>;

export const endpointSubsetSchema = message({
  addresses: z.array(endpointAddressSchema).optional(),
  notReadyAddresses: z.array(endpointAddressSchema).optional(),
  ports: z.array(endpointPortSchema).optional(),
});
export type EndpointSubset = z.infer<typeof endpointSubsetSchema>;

export const endpointsBody = message({ subsets: z.array(endpointSubsetSchema).optional() });
export type EndpointsBody = z.infer<typeof endpointsBody>;

function validateAddress(a: EndpointAddress, d: Diagnostics): void {
  checkIP(a.ip, d, ['ip']);
  if (a.hostname) {
    const e = dns1123LabelError(a.hostname);
    if (e) d.error(`Invalid value: "${a.hostname}": ${e}`, 'hostname');
  }
}

export function validateEndpoints(body: EndpointsBody, d: Diagnostics): void {
  body.subsets?.forEach((s, i) => {
    const sd = d.at('subsets', i);
    if ((s.addresses?.length ?? 0) === 0 && (s.notReadyAddresses?.length ?? 0) === 0) {
      sd.error('Required value: must specify `addresses` or `notReadyAddresses`');
    }
    s.addresses?.forEach((a, j) => validateAddress(a, sd.at('addresses', j)));
    s.notReadyAddresses?.forEach((a, j) => validateAddress(a, sd.at('notReadyAddresses', j)));
    const ports = s.ports ?? [];
    ports.forEach((p, j) => {
      const pd = sd.at('ports', j);
      if (ports.length > 1 && !p.name) pd.error('Required value', 'name');
      checkPortName(p.name, pd, ['name']);
      checkPortNumber(p.port, pd, ['port']);
      checkAppProtocol(p.appProtocol, pd, ['appProtocol']);
    });
  });
}

export const endpointsKind = defineKind({
  group: '',
  kind: 'Endpoints',
  plural: 'endpoints',
  versions: ['v1'],
  body: 'root',
  schema: endpointsBody,
  validate: (body, d) => validateEndpoints(body, d),
});
