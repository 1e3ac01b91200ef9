// EndpointSlice (discovery.k8s.io/v1): the scalable endpoint list the registry prefers — address
// type, endpoints with readiness conditions and topology, and ports.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { int32, message, stringMap, z } from '../schema.js';
import { dns1123LabelError, hostnameError } from '../validation/names.js';
import { checkAppProtocol, checkPortName, checkPortNumber, objectReference, protocol } from './common.js';
import { isIP } from 'node:net';

export const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'] as const;

export const endpointSchema = message({
  addresses: z.array(z.string()),
  conditions: message({
    ready: z.boolean().optional(),
    serving: z.boolean().optional(),
    terminating: z.boolean().optional(),
  }).optional(),
  hostname: z.string().optional(),
  targetRef: objectReference.optional(),
  deprecatedTopology: stringMap.optional(),
  nodeName: z.string().optional(),
  zone: z.string().optional(),
  hints: message({
    forZones: z.array(message({ name: z.string() })).optional(),
    forNodes: z.array(message({ name: z.string() })).optional(),
  }).optional(),
});
export type SliceEndpoint = z.infer<typeof endpointSchema>;

export const endpointSlicePortSchema = message({
  name: z.string().optional(),
  protocol: protocol.optional(),
  port: int32.nullable().optional(),
  appProtocol: z.string().optional(),
});

export const endpointSliceBody = message({
  addressType: z.enum(ADDRESS_TYPES),
  endpoints: z.array(endpointSchema).optional(),
  ports: z.array(endpointSlicePortSchema).optional(),
});
export type EndpointSliceBody = z.infer<typeof endpointSliceBody>;

function addressError(type: (typeof ADDRESS_TYPES)[number], a: string): string | undefined {
  if (type === 'IPv4') return isIP(a) === 4 ? undefined : 'must be a valid IPv4 address';
  if (type === 'IPv6') return isIP(a) === 6 ? undefined : 'must be a valid IPv6 address';
  return hostnameError(a, false);
}

export function validateEndpointSlice(body: EndpointSliceBody, d: Diagnostics): void {
  body.endpoints?.forEach((ep, i) => {
    const ed = d.at('endpoints', i);
    if (ep.addresses.length === 0) ed.error('Required value: must contain at least 1 address', 'addresses');
    if (ep.addresses.length > 100) ed.error('Too many: must have at most 100 items', 'addresses');
    ep.addresses.forEach((a, j) => {
      const e = addressError(body.addressType, a);
      if (e) ed.error(`Invalid value: "${a}": ${e}`, 'addresses', j);
    });
    if (ep.hostname) {
      const e = dns1123LabelError(ep.hostname);
      if (e) ed.error(`Invalid value: "${ep.hostname}": ${e}`, 'hostname');
    }
  });
  if ((body.endpoints?.length ?? 0) > 1000) d.error('Too many: must have at most 1000 items', 'endpoints');
  const names = new Set<string>();
  body.ports?.forEach((p, i) => {
    const pd = d.at('ports', i);
    checkPortName(p.name, pd, ['name']);
    const name = p.name ?? '';
    if (names.has(name)) pd.error(`Duplicate value: "${name}"`, 'name');
    names.add(name);
    if (p.port !== null) checkPortNumber(p.port, pd, ['port']);
    checkAppProtocol(p.appProtocol, pd, ['appProtocol']);
  });
}

export const endpointSliceKind = defineKind({
  group: 'discovery.k8s.io',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  versions: ['v1'],
  body: 'root',
  schema: endpointSliceBody,
  validate: (body, d) => validateEndpointSlice(body, d),
});
