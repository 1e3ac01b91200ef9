// ServiceEntry → registry services (one per host and address, as Istio makes them) and their
// endpoints: inline `endpoints`, WorkloadEntries and Pods picked by `workloadSelector`, or for DNS
// resolution without either, the host itself.
import { isIP } from 'node:net';
import type { Config } from '../../../api/config.js';
import type { IstioEndpoint, ServiceInstance, WorkloadInstance } from '../../model/endpoint.js';
import { selectorMatches } from '../../model/labels.js';
import { parseProtocol } from '../../model/protocol.js';
import { creationTimeOf, UNSPECIFIED_IP, type Resolution, type Service, type ServicePort } from '../../model/service.js';
import type { ServiceEntryPort, ServiceEntrySpec } from '../../model/specs.js';
import type { ConversionContext } from '../kinds.js';
import { UNIX_ADDRESS_PREFIX, workloadEntryInstance } from './workload-entry.js';

const RESOLUTIONS: Readonly<Record<NonNullable<ServiceEntrySpec['resolution']>, Resolution>> = {
  NONE: 'Passthrough',
  STATIC: 'ClientSideLB',
  DNS: 'DNSLB',
  DNS_ROUND_ROBIN: 'DNSRoundRobinLB',
};

function convertPort(p: ServiceEntryPort): ServicePort {
  return { name: p.name, port: p.number, protocol: parseProtocol(p.protocol ?? ''), ...(p.targetPort ? { targetPort: p.targetPort } : {}) };
}

/** `a.b.c.d/32` is an address; wider CIDRs stay CIDRs (matched by destination range). */
function normaliseAddress(a: string): string | undefined {
  if (isIP(a) !== 0) return a;
  const slash = a.indexOf('/');
  if (slash < 0) return undefined;
  const ip = a.slice(0, slash);
  const bits = Number(a.slice(slash + 1));
  const family = isIP(ip);
  if (family === 0 || !Number.isInteger(bits)) return undefined;
  return bits === (family === 4 ? 32 : 128) ? ip : a;
}

export function convertServiceEntry(cfg: Config<ServiceEntrySpec>): Service[] {
  const se = cfg.spec;
  const resolution = RESOLUTIONS[se.resolution ?? 'NONE'];
  const ports = (se.ports ?? []).map(convertPort);
  let passthroughTargetPorts: Map<number, number> | undefined;
  if (resolution === 'Passthrough') {
    for (const p of se.ports ?? []) {
      if (p.targetPort) (passthroughTargetPorts ??= new Map()).set(p.number, p.targetPort);
    }
  }
  const addresses = (se.addresses ?? []).map(normaliseAddress).filter((a): a is string => a !== undefined);
  const out: Service[] = [];
  for (const host of se.hosts) {
    for (const address of addresses.length > 0 ? addresses : [undefined]) {
      out.push({
        hostname: host,
        namespace: cfg.meta.namespace,
        name: host,
        registry: 'External',
        configName: cfg.meta.name,
        ports,
        resolution,
        meshExternal: (se.location ?? 'MESH_EXTERNAL') === 'MESH_EXTERNAL',
        defaultAddress: address ?? UNSPECIFIED_IP,
        addresses: address ? [address] : [],
        ...(se.exportTo && se.exportTo.length > 0 ? { exportTo: se.exportTo } : {}),
        labels: cfg.meta.labels,
        ...(se.workloadSelector?.labels ? { selector: se.workloadSelector.labels } : {}),
        serviceAccounts: se.subjectAltNames ?? [],
        creationTime: creationTimeOf(cfg.meta.creationTimestamp),
        ...(passthroughTargetPorts ? { passthroughTargetPorts } : {}),
      });
    }
  }
  return out;
}

/**
 * Endpoint port priority, as Istio: a unix socket has none; then the workload's port named like
 * the service port; then the ServiceEntry port's targetPort; then its number.
 */
function endpointPort(w: WorkloadInstance, p: ServiceEntryPort): number {
  if (w.address.startsWith(UNIX_ADDRESS_PREFIX)) return 0;
  const named = w.portMap[p.name];
  if (named !== undefined && named > 0) return named;
  return p.targetPort || p.number;
}

export function serviceEntryInstances(
  cfg: Config<ServiceEntrySpec>, services: readonly Service[], selectable: readonly WorkloadInstance[], ctx: ConversionContext,
): ServiceInstance[] {
  const se = cfg.spec;
  const out: ServiceInstance[] = [];
  // A host with several addresses is several services sharing one set of endpoints.
  services = services.filter((s, i) => services.findIndex((o) => o.hostname === s.hostname) === i);
  const sePorts = se.ports ?? [];
  const bind = (svc: Service, w: WorkloadInstance) => {
    for (const p of sePorts) {
      const sp = svc.ports.find((x) => x.port === p.number)!;
      out.push({ service: svc, servicePort: sp, endpoint: { ...w.endpoint, endpointPort: endpointPort(w, p), servicePortName: p.name } });
    }
  };
  if (se.workloadSelector) {
    const picked = selectable.filter((w) => w.namespace === cfg.meta.namespace && selectorMatches(se.workloadSelector?.labels, w.labels));
    for (const svc of services) for (const w of picked) bind(svc, w);
    return out;
  }
  const inline = (se.endpoints ?? []).map((e) => workloadEntryInstance(e, '', cfg.meta.namespace, ctx));
  if (inline.length > 0) {
    for (const svc of services) for (const w of inline) bind(svc, w);
    return out;
  }
  if (svcResolvesByDns(services)) {
    for (const svc of services) {
      for (const p of sePorts) {
        const sp = svc.ports.find((x) => x.port === p.number)!;
        out.push({ service: svc, servicePort: sp, endpoint: hostEndpoint(svc, p, cfg.meta.namespace) });
      }
    }
  }
  return out;
}

function svcResolvesByDns(services: readonly Service[]): boolean {
  const r = services[0]?.resolution;
  return r === 'DNSLB' || r === 'DNSRoundRobinLB';
}

/** DNS ServiceEntries without endpoints resolve their own host. */
function hostEndpoint(svc: Service, p: ServiceEntryPort, namespace: string): IstioEndpoint {
  return {
    address: svc.hostname, endpointPort: p.targetPort || p.number, servicePortName: p.name, labels: {},
    locality: { region: '', zone: '', subzone: '' }, network: '', weight: 0, tlsMode: 'disabled',
    serviceAccount: '', healthStatus: 'Healthy', workloadName: '', namespace,
  };
}
