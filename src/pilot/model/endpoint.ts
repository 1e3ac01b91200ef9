// One reachable workload address behind a service port, with everything EDS and policy need:
// locality, network, weight, mTLS readiness, identity and health.
import type { Labels } from './labels.js';
import type { Service, ServicePort } from './service.js';

/** Pod/WorkloadEntry label saying whether the workload has an Istio sidecar to terminate mTLS. */
export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';
export type TlsMode = 'istio' | 'disabled';

export const LOCALITY_LABEL = 'istio-locality';
export const REGION_LABEL = 'topology.kubernetes.io/region';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const SUBZONE_LABEL = 'topology.istio.io/subzone';
export const NETWORK_LABEL = 'topology.istio.io/network';

export type HealthStatus = 'Healthy' | 'UnHealthy' | 'Draining' | 'Terminating';

export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subzone: string;
}

export const NO_LOCALITY: Locality = Object.freeze({ region: '', zone: '', subzone: '' });

export interface IstioEndpoint {
  /** IP, hostname (DNS resolution) or unix socket path. */
  readonly address: string;
  /** The port the workload listens on (targetPort resolved); 0 for unix sockets. */
  readonly endpointPort: number;
  /** Names the service port this endpoint serves. */
  readonly servicePortName: string;
  readonly labels: Labels;
  readonly locality: Locality;
  readonly network: string;
  /** Load-balancing weight; 0 means unset (treated as 1). */
  readonly weight: number;
  readonly tlsMode: TlsMode;
  /** SPIFFE identity, `spiffe://<trustDomain>/ns/<ns>/sa/<sa>`; '' when unknown. */
  readonly serviceAccount: string;
  readonly healthStatus: HealthStatus;
  /** Deployment, WorkloadEntry or pod name, as Istio's metrics label it. */
  readonly workloadName: string;
  readonly namespace: string;
  /** Pod hostname (headless services address pods by it). */
  readonly hostname?: string;
  readonly nodeName?: string;
}

/** An endpoint bound to one port of one service. */
export interface ServiceInstance {
  readonly service: Service;
  readonly servicePort: ServicePort;
  readonly endpoint: IstioEndpoint;
}

/** A workload independent of services: what a proxy with this IP is. */
export interface WorkloadInstance {
  readonly kind: 'Pod' | 'WorkloadEntry';
  readonly name: string;
  readonly namespace: string;
  readonly address: string;
  readonly labels: Labels;
  readonly serviceAccount: string;
  /** Named ports (container ports, WorkloadEntry.ports) for ServiceEntry port mapping. */
  readonly portMap: Readonly<Record<string, number>>;
  readonly endpoint: Omit<IstioEndpoint, 'endpointPort' | 'servicePortName'>;
}

/** `spiffe://<trustDomain>/ns/<ns>/sa/<sa>`. */
export function spiffeIdentity(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** `region/zone/subzone` (Istio's locality string and WorkloadEntry.locality). */
export function parseLocality(s: string | undefined): Locality {
  if (!s) return NO_LOCALITY;
  const [region = '', zone = '', subzone = ''] = s.split('/');
  return { region, zone, subzone };
}

export function localityString(l: Locality): string {
  if (l.subzone) return `${l.region}/${l.zone}/${l.subzone}`;
  if (l.zone) return `${l.region}/${l.zone}`;
  return l.region;
}

/**
 * A workload's locality from its labels: `istio-locality` (dots for slashes, since label values
 * cannot hold `/`) wins; else the Kubernetes topology labels plus Istio's subzone label.
 */
export function localityFromLabels(labels: Labels | undefined, fallbackZone = ''): Locality {
  const explicit = labels?.[LOCALITY_LABEL];
  if (explicit) return parseLocality(explicit.replaceAll('.', '/'));
  const region = labels?.[REGION_LABEL] ?? '';
  const zone = labels?.[ZONE_LABEL] ?? fallbackZone;
  const subzone = labels?.[SUBZONE_LABEL] ?? '';
  return region || zone || subzone ? { region, zone, subzone } : NO_LOCALITY;
}

/** Pods: the label decides; no label means no sidecar, so plaintext. */
export function tlsModeFromLabels(labels: Labels | undefined): TlsMode {
  return labels?.[TLS_MODE_LABEL] === 'istio' ? 'istio' : 'disabled';
}

/** WorkloadEntries: the label if set, else a service account implies an Istio workload. */
export function tlsModeForWorkloadEntry(labels: Labels | undefined, serviceAccount: string | undefined): TlsMode {
  const l = labels?.[TLS_MODE_LABEL];
  if (l !== undefined) return l === 'istio' ? 'istio' : 'disabled';
  return serviceAccount ? 'istio' : 'disabled';
}

/** The topology labels Istio adds to every endpoint so that policies can select on them. */
export function augmentLabels(labels: Labels, locality: Locality, network: string, clusterId: string): Labels {
  const out: Record<string, string> = { ...labels };
  if (locality.region) out[REGION_LABEL] = locality.region;
  if (locality.zone) out[ZONE_LABEL] = locality.zone;
  if (locality.subzone) out[SUBZONE_LABEL] = locality.subzone;
  if (network) out[NETWORK_LABEL] = network;
  if (clusterId) out['topology.istio.io/cluster'] = clusterId;
  return out;
}
