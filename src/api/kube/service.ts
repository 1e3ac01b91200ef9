// Service (v1): what the service registry builds mesh services from — type, cluster IPs, ports
// (with targetPort by number or name), selector and externalName — checked as the API server does.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { int32, message, stringMap, z } from '../schema.js';
import { checkLabels } from '../validation/common.js';
import { dns1123SubdomainError } from '../validation/names.js';
import { cidrError } from '../validation/net.js';
import { checkAppProtocol, checkIP, checkPortName, checkPortNumber, ianaSvcNameError, opaque, protocol } from './common.js';

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;

export const servicePortSchema = message({
  name: z.string().optional(),
  protocol: protocol.optional(),
  appProtocol: z.string().optional(),
  port: int32,
  targetPort: z.union([int32, z.string()]).optional(),
  nodePort: int32.optional(),
});
export type ServicePort = z.infer<typeof servicePortSchema>;

export const serviceSpec = message({
  type: z.enum(SERVICE_TYPES).optional(),
  ports: z.array(servicePortSchema).optional(),
  selector: stringMap.optional(),
  clusterIP: z.string().optional(),
  clusterIPs: z.array(z.string()).optional(),
  externalName: z.string().optional(),
  externalIPs: z.array(z.string()).optional(),
  ipFamilies: z.array(z.enum(['IPv4', 'IPv6'])).optional(),
  ipFamilyPolicy: z.enum(['SingleStack', 'PreferDualStack', 'RequireDualStack']).optional(),
  publishNotReadyAddresses: z.boolean().optional(),
  sessionAffinity: z.enum(['None', 'ClientIP']).optional(),
  sessionAffinityConfig: opaque.optional(),
  externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
  internalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
  healthCheckNodePort: int32.optional(),
  loadBalancerIP: z.string().optional(),
  loadBalancerSourceRanges: z.array(z.string()).optional(),
  loadBalancerClass: z.string().optional(),
  allocateLoadBalancerNodePorts: z.boolean().optional(),
  trafficDistribution: z.string().optional(),
});
export type ServiceSpec = z.infer<typeof serviceSpec>;

function validatePorts(spec: ServiceSpec, d: Diagnostics): void {
  const ports = spec.ports ?? [];
  const type = spec.type ?? 'ClusterIP';
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const pd = d.at('ports', i);
    if (ports.length > 1 && !p.name) pd.error('Required value: a name is required when a Service has more than one port', 'name');
    checkPortName(p.name, pd, ['name']);
    if (p.name) {
      if (names.has(p.name)) pd.error(`Duplicate value: "${p.name}"`, 'name');
      names.add(p.name);
    }
    checkPortNumber(p.port, pd, ['port']);
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (keys.has(key)) pd.error(`Duplicate value: ${key}`);
    keys.add(key);
    if (typeof p.targetPort === 'number') {
      checkPortNumber(p.targetPort, pd, ['targetPort']);
    } else if (p.targetPort !== undefined) {
      const e = ianaSvcNameError(p.targetPort);
      if (e) pd.error(`Invalid value: "${p.targetPort}": ${e}`, 'targetPort');
    }
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (type !== 'NodePort' && type !== 'LoadBalancer') pd.error('Forbidden: may not be used when `type` is \'' + type + "'", 'nodePort');
      else checkPortNumber(p.nodePort, pd, ['nodePort']);
    }
    checkAppProtocol(p.appProtocol, pd, ['appProtocol']);
  });
}

export function validateService(spec: ServiceSpec, d: Diagnostics): void {
  const type = spec.type ?? 'ClusterIP';
  const headless = spec.clusterIP === 'None';
  if (type === 'ExternalName') {
    const name = spec.externalName ?? '';
    if (name === '') d.error('Required value', 'externalName');
    else {
      const e = dns1123SubdomainError(name.endsWith('.') ? name.slice(0, -1) : name);
      if (e) d.error(`Invalid value: "${name}": ${e}`, 'externalName');
    }
    if (spec.clusterIP !== undefined && spec.clusterIP !== '') d.error('Forbidden: may not be set for ExternalName services', 'clusterIP');
  } else if ((spec.ports?.length ?? 0) === 0 && !headless) {
    d.error('Required value', 'ports');
  }
  if (spec.clusterIP !== undefined && spec.clusterIP !== '' && !headless) checkIP(spec.clusterIP, d, ['clusterIP']);
  if (spec.clusterIPs && spec.clusterIPs.length > 0) {
    if (spec.clusterIP !== undefined && spec.clusterIP !== '' && spec.clusterIPs[0] !== spec.clusterIP) {
      d.error('Invalid value: must match clusterIP when both are set', 'clusterIPs', 0);
    }
    if (spec.clusterIPs.length > 2) d.error('Too many: may contain at most 2 entries', 'clusterIPs');
    spec.clusterIPs.forEach((ip, i) => {
      if (ip !== 'None') checkIP(ip, d, ['clusterIPs', i]);
    });
  }
  spec.externalIPs?.forEach((ip, i) => checkIP(ip, d, ['externalIPs', i]));
  spec.loadBalancerSourceRanges?.forEach((r, i) => {
    if (cidrError(r)) d.error(`Invalid value: "${r}": must be a CIDR`, 'loadBalancerSourceRanges', i);
  });
  if (type === 'ExternalName' && spec.selector && Object.keys(spec.selector).length > 0) {
    d.warning('selector is ignored for ExternalName services', 'selector');
  }
  checkLabels(spec.selector, d, ['selector']);
  validatePorts(spec, d);
}

export const serviceKind = defineKind({
  group: '',
  kind: 'Service',
  plural: 'services',
  versions: ['v1'],
  body: 'spec',
  schema: serviceSpec,
  validate: (spec, d) => validateService(spec, d),
});
