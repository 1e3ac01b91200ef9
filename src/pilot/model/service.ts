// The registry's view of a service, whatever its source (Kubernetes Service, ServiceEntry host):
// hostname, ports with protocols, how clients resolve it, who may see it, and when it appeared.
import type { Protocol } from './protocol.js';

/**
 * How a client reaches a service's endpoints. `ClientSideLB`: the proxy balances over endpoints
 * (EDS); `DNSLB` / `DNSRoundRobinLB`: the proxy resolves the endpoint hostnames; `Passthrough`: to
 * the address the caller dialled (headless, ServiceEntry resolution NONE); `Alias`: another
 * hostname (Kubernetes ExternalName).
 */
export type Resolution = 'ClientSideLB' | 'DNSLB' | 'DNSRoundRobinLB' | 'Passthrough' | 'Alias';

/** Which kind of source produced a service; Kubernetes services win hostname conflicts. */
export type RegistryProvider = 'Kubernetes' | 'External';

export const UNSPECIFIED_IP = '0.0.0.0';

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** Kubernetes `targetPort` (number or container port name), ServiceEntry `targetPort`. */
  readonly targetPort?: number | string;
}

export interface Service {
  /** FQDN: `name.ns.svc.cluster.local`, or the ServiceEntry host (may be a wildcard). */
  readonly hostname: string;
  readonly namespace: string;
  /** The Kubernetes Service name, or the ServiceEntry host. */
  readonly name: string;
  readonly registry: RegistryProvider;
  /** For ServiceEntry-made services: the ServiceEntry's own name. */
  readonly configName?: string;
  readonly ports: readonly ServicePort[];
  readonly resolution: Resolution;
  readonly meshExternal: boolean;
  /** The first VIP, or `0.0.0.0` when the service has none (headless, ServiceEntry without addresses). */
  readonly defaultAddress: string;
  /** Every VIP (Kubernetes `clusterIPs`, ServiceEntry address); empty when unspecified. */
  readonly addresses: readonly string[];
  /** Raw exportTo values (`*`, `.`, `~`, namespaces); undefined means MeshConfig's default. */
  readonly exportTo?: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** Kubernetes `spec.selector` or ServiceEntry `workloadSelector.labels`. */
  readonly selector?: Readonly<Record<string, string>>;
  /** SPIFFE identities the service runs as (ServiceEntry subjectAltNames, service annotations). */
  readonly serviceAccounts: readonly string[];
  /** Milliseconds since the epoch; 0 when unknown. The oldest service wins a hostname conflict. */
  readonly creationTime: number;
  /** Kubernetes ExternalName target, for `Alias` resolution. */
  readonly externalName?: string;
  /** Kubernetes Service type (ClusterIP, NodePort, LoadBalancer, ExternalName). */
  readonly kubeType?: string;
  /** ServiceEntry resolution NONE with `targetPort`: service port → port dialled upstream. */
  readonly passthroughTargetPorts?: ReadonlyMap<number, number>;
  readonly publishNotReadyAddresses?: boolean;
}

/** Identity of a service within the mesh: the same hostname may exist in several namespaces. */
export function serviceKey(s: Pick<Service, 'namespace' | 'hostname'>): string {
  return `${s.namespace}/${s.hostname}`;
}

export function portByNumber(s: Service, port: number): ServicePort | undefined {
  return s.ports.find((p) => p.port === port);
}

export function portByName(s: Service, name: string): ServicePort | undefined {
  return s.ports.find((p) => p.name === name);
}

/**
 * Istio's conflict order: oldest first, then hostname, then namespace, so that a newer object
 * can never take over a hostname another already serves.
 */
export function compareServicesByCreation(a: Service, b: Service): number {
  if (a.creationTime !== b.creationTime) return a.creationTime - b.creationTime;
  if (a.hostname !== b.hostname) return a.hostname < b.hostname ? -1 : 1;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return 0;
}

/** RFC 3339 timestamp → epoch ms, 0 when absent or unreadable. */
export function creationTimeOf(ts: string | undefined): number {
  if (!ts) return 0;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? 0 : t;
}
