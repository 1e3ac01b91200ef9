// A Kubernetes service's endpoints, from the best source the config holds: its EndpointSlices,
// else its Endpoints object, else (selector services only) the Pods the selector picks, as a
// cluster's endpoints controller would. WorkloadEntries the selector picks are added as Istio does.
import type { Config } from '../../../api/config.js';
import type { HealthStatus, IstioEndpoint, ServiceInstance, WorkloadInstance } from '../../model/endpoint.js';
import { selectorMatches } from '../../model/labels.js';
import type { Service, ServicePort } from '../../model/service.js';
import type { KubeEndpointPort, KubeEndpointSliceBody, KubeEndpointsBody, KubeObjectReference } from '../../model/specs.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface NamespaceWorkloads {
  /** Pods of the namespace by name and by IP. */
  readonly podsByName: ReadonlyMap<string, WorkloadInstance>;
  readonly podsByIp: ReadonlyMap<string, WorkloadInstance>;
  readonly workloadEntries: readonly WorkloadInstance[];
}

export function kubeServiceInstances(
  svc: Service,
  slices: readonly Config<KubeEndpointSliceBody>[],
  endpoints: Config<KubeEndpointsBody> | undefined,
  ws: NamespaceWorkloads,
): ServiceInstance[] {
  if (svc.resolution === 'Alias') return [];
  let out: ServiceInstance[];
  if (slices.length > 0) out = fromSlices(svc, slices, ws);
  else if (endpoints) out = fromEndpoints(svc, endpoints, ws);
  else if (svc.selector) out = fromPods(svc, ws);
  else out = [];
  if (svc.selector) out.push(...fromWorkloadEntries(svc, ws.workloadEntries));
  return out;
}

/** Slice and Endpoints ports name the service port they serve; an unnamed one serves the only port. */
function servicePortFor(svc: Service, p: KubeEndpointPort): ServicePort | undefined {
  const name = p.name ?? '';
  return svc.ports.find((sp) => sp.name === name);
}

function fromSlices(svc: Service, slices: readonly Config<KubeEndpointSliceBody>[], ws: NamespaceWorkloads): ServiceInstance[] {
  const out: ServiceInstance[] = [];
  for (const slice of slices) {
    if (slice.spec.addressType === 'FQDN') continue;
    for (const ep of slice.spec.endpoints ?? []) {
      let health: HealthStatus = 'Healthy';
      if (ep.conditions?.ready === false && !svc.publishNotReadyAddresses) {
        health = ep.conditions.terminating === true ? 'Terminating' : 'UnHealthy';
      }
      for (const address of ep.addresses) {
        const pod = podFor(ep.targetRef, address, ws);
        for (const p of slice.spec.ports ?? []) {
          const sp = servicePortFor(svc, p);
          if (!sp || p.port === undefined) continue;
          out.push({ service: svc, servicePort: sp, endpoint: endpointFor(svc, pod, address, p.port, sp.name, health, ep.hostname, ep.nodeName, ep.zone) });
        }
      }
    }
  }
  return out;
}

function fromEndpoints(svc: Service, eps: Config<KubeEndpointsBody>, ws: NamespaceWorkloads): ServiceInstance[] {
  const out: ServiceInstance[] = [];
  for (const subset of eps.spec.subsets ?? []) {
    const groups: [readonly NonNullable<typeof subset.addresses>[number][], HealthStatus][] = [
      [subset.addresses ?? [], 'Healthy'],
      [subset.notReadyAddresses ?? [], svc.publishNotReadyAddresses ? 'Healthy' : 'UnHealthy'],
    ];
    for (const [addresses, health] of groups) {
      for (const a of addresses) {
        const pod = podFor(a.targetRef, a.ip, ws);
        for (const p of subset.ports ?? []) {
          const sp = servicePortFor(svc, p);
          if (!sp || p.port === undefined) continue;
          out.push({ service: svc, servicePort: sp, endpoint: endpointFor(svc, pod, a.ip, p.port, sp.name, health, a.hostname, a.nodeName) });
        }
      }
    }
  }
  return out;
}

function fromPods(svc: Service, ws: NamespaceWorkloads): ServiceInstance[] {
  const out: ServiceInstance[] = [];
  for (const pod of ws.podsByName.values()) {
    if (!selectorMatches(svc.selector, pod.labels)) continue;
    for (const sp of svc.ports) {
      const port = targetPortOn(sp, pod.portMap);
      if (port === undefined) continue;
      const health = svc.publishNotReadyAddresses ? 'Healthy' : pod.endpoint.healthStatus;
      out.push({ service: svc, servicePort: sp, endpoint: endpointFor(svc, pod, pod.address, port, sp.name, health) });
    }
  }
  return out;
}

/** WorkloadEntry ports are matched by service port name first, as Istio maps them. */
function fromWorkloadEntries(svc: Service, wes: readonly WorkloadInstance[]): ServiceInstance[] {
  const out: ServiceInstance[] = [];
  for (const we of wes) {
    if (!selectorMatches(svc.selector, we.labels)) continue;
    for (const sp of svc.ports) {
      const port = we.portMap[sp.name] ?? targetPortOn(sp, we.portMap) ?? sp.port;
      out.push({ service: svc, servicePort: sp, endpoint: { ...we.endpoint, endpointPort: port, servicePortName: sp.name } });
    }
  }
  return out;
}

/** A numeric targetPort as is; a named one looked up among the workload's ports; none = the port. */
function targetPortOn(sp: ServicePort, portMap: Readonly<Record<string, number>>): number | undefined {
  if (sp.targetPort === undefined) return sp.port;
  if (typeof sp.targetPort === 'number') return sp.targetPort;
  if (/^\d+$/.test(sp.targetPort)) return Number(sp.targetPort);
  return portMap[sp.targetPort];
}

function podFor(ref: KubeObjectReference | undefined, ip: string, ws: NamespaceWorkloads): WorkloadInstance | undefined {
  if (ref?.kind === 'Pod' && ref.name) {
    const p = ws.podsByName.get(ref.name);
    if (p) return p;
  }
  return ws.podsByIp.get(ip);
}

function endpointFor(
  svc: Service, pod: WorkloadInstance | undefined, address: string, port: number, portName: string,
  health: HealthStatus, hostname?: string, nodeName?: string, zone?: string,
): IstioEndpoint {
  if (pod) {
    return {
      ...pod.endpoint, address, endpointPort: port, servicePortName: portName, healthStatus: health,
      ...(hostname ? { hostname } : {}), ...(nodeName ? { nodeName } : {}),
    };
  }
  // Endpoints that point at no known pod (selector-less services): only what the object says.
  return {
    address, endpointPort: port, servicePortName: portName, labels: {},
    locality: { region: '', zone: zone ?? '', subzone: '' }, network: '', weight: 0, tlsMode: 'disabled',
    serviceAccount: '', healthStatus: health, workloadName: '', namespace: svc.namespace,
    ...(hostname ? { hostname } : {}), ...(nodeName ? { nodeName } : {}),
  };
}
