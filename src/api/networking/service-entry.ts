// ServiceEntry: adds services to Istio's registry — external APIs, VMs, or hosts the platform
// does not know — with their ports, addresses, resolution and endpoints.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { message, uint32, z } from '../schema.js';
import { checkExportTo } from '../validation/common.js';
import { fqdnError, wildcardDomainError } from '../validation/names.js';
import { cidrError, isIPAddress } from '../validation/net.js';
import { checkNetworkingSelector, networkingWorkloadSelector } from './selectors.js';
import { isHttpProtocol, isTlsProtocol, parseProtocol, validatePortName, validatePortNumber, validateProtocol } from './port.js';
import { NETWORKING_GROUP, NETWORKING_VERSIONS } from './versions.js';
import { validateWorkloadEntry, workloadEntrySpec } from './workload-entry.js';

export const servicePort = message({
  number: uint32,
  protocol: z.string().optional(),
  name: z.string(),
  targetPort: uint32.optional(),
});
export type ServicePort = z.infer<typeof servicePort>;

export const serviceEntrySpec = message({
  hosts: z.array(z.string()).optional(),
  addresses: z.array(z.string()).optional(),
  ports: z.array(servicePort).optional(),
  location: z.enum(['MESH_EXTERNAL', 'MESH_INTERNAL']).optional(),
  resolution: z.enum(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN']).optional(),
  endpoints: z.array(workloadEntrySpec).optional(),
  workloadSelector: networkingWorkloadSelector.optional(),
  exportTo: z.array(z.string()).optional(),
  subjectAltNames: z.array(z.string()).optional(),
});
export type ServiceEntrySpec = z.infer<typeof serviceEntrySpec>;

export function validateServiceEntry(se: ServiceEntrySpec, d: Diagnostics): void {
  const hosts = se.hosts ?? [];
  const endpoints = se.endpoints ?? [];
  const addresses = se.addresses ?? [];
  const resolution = se.resolution ?? 'NONE';
  if (se.workloadSelector && se.endpoints) d.error('only one of WorkloadSelector or Endpoints is allowed in Service Entry', 'workloadSelector');
  checkNetworkingSelector(se.workloadSelector, d, ['workloadSelector']);

  if (hosts.length === 0) d.error('service entry must have at least one host', 'hosts');
  hosts.forEach((h, i) => {
    if (h === '*') d.error(`invalid host ${h}`, 'hosts', i);
    else {
      const e = wildcardDomainError(h);
      if (e) d.error(e, 'hosts', i);
    }
  });

  let cidrFound = false;
  addresses.forEach((a, i) => {
    cidrFound ||= a.includes('/');
    const e = cidrError(a);
    if (e) d.error(e, 'addresses', i);
  });
  if (cidrFound && resolution !== 'NONE' && resolution !== 'STATIC') {
    d.error('CIDR addresses are allowed only for NONE/STATIC resolution types', 'addresses');
  }

  const portNames = new Set<string>();
  const portNumbers = new Set<number>();
  se.ports?.forEach((p, i) => {
    const pd = d.at('ports', i);
    if (portNames.has(p.name)) pd.error(`service entry port name "${p.name}" already defined`, 'name');
    portNames.add(p.name);
    if (portNumbers.has(p.number)) pd.error(`service entry port ${p.number} already defined`, 'number');
    portNumbers.add(p.number);
    if (p.name === '') pd.error('port name must be set', 'name');
    else validatePortName(p.name, pd, ['name']);
    validateProtocol(p.protocol, pd, ['protocol']);
    validatePortNumber(p.number, pd, ['number']);
    if (p.targetPort !== undefined && p.targetPort !== 0) validatePortNumber(p.targetPort, pd, ['targetPort']);
    const proto = parseProtocol(p.protocol);
    // Plain TCP is matched by destination IP only; without an address every host on the port collides.
    if (addresses.length === 0 && (p.protocol === undefined || p.protocol === '' || proto === 'TCP')) {
      d.warning('addresses are required for ports serving TCP (or unset) protocol when ISTIO_META_DNS_AUTO_ALLOCATE is not set on a proxy', 'ports', i, 'protocol');
    }
  });

  switch (resolution) {
    case 'NONE':
      if (endpoints.length > 0) d.error('no endpoints should be provided for resolution type none', 'endpoints');
      if (se.workloadSelector) d.warning('workloadSelector should not be set when resolution mode is NONE', 'workloadSelector');
      break;
    case 'STATIC':
      if (endpoints.length === 0 && !se.workloadSelector) {
        d.error('endpoints or workloadSelector must be provided if service entry resolution mode is STATIC', 'endpoints');
      }
      endpoints.forEach((ep, i) => {
        const a = ep.address ?? '';
        if (!isIPAddress(a) && !a.startsWith('unix://')) d.error(`endpoint address "${a}" is not a valid IP address`, 'endpoints', i, 'address');
      });
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        hosts.forEach((h, i) => {
          if (h !== '*' && !wildcardDomainError(h) && fqdnError(h)) {
            d.error(`hosts must be FQDN if no endpoints are provided for resolution mode ${resolution}`, 'hosts', i);
          }
        });
      }
      if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
        d.error(`there must only be 0 or 1 endpoint for resolution mode ${resolution}`, 'endpoints');
      }
      endpoints.forEach((ep, i) => {
        const a = ep.address ?? '';
        if (!isIPAddress(a)) {
          const e = fqdnError(a);
          if (e) d.error(`failed to validate endpoint ${i}: ${e}`, 'endpoints', i, 'address');
        }
      });
      break;
  }
  endpoints.forEach((ep, i) => {
    const ed = d.at('endpoints', i);
    validateWorkloadEntry(ep, ed, { addressRequired: false });
    for (const name of Object.keys(ep.ports ?? {})) {
      if (!portNames.has(name)) ed.error(`endpoint port ${name} is not defined by the service entry`, 'ports', name);
    }
    if ((ep.address ?? '').startsWith('unix://') && (se.ports?.length ?? 0) !== 1) {
      ed.error('exactly 1 service port required for unix endpoints', 'address');
    }
  });

  // Several hosts on one TCP port cannot be told apart unless the hosts are ignored (NONE).
  if (resolution !== 'NONE' && hosts.length > 1) {
    const opaque = se.ports?.some((p) => {
      const proto = parseProtocol(p.protocol);
      return !isHttpProtocol(proto) && !isTlsProtocol(proto);
    });
    if (opaque) d.error('multiple hosts provided with non-HTTP, non-TLS ports', 'hosts');
  }
  checkExportTo(se.exportTo, d, ['exportTo']);
}

export const serviceEntryKind = defineKind({
  group: NETWORKING_GROUP,
  kind: 'ServiceEntry',
  plural: 'serviceentries',
  versions: NETWORKING_VERSIONS,
  body: 'spec',
  schema: serviceEntrySpec,
  validate: (spec, d) => validateServiceEntry(spec, d),
});
