// The fields of Istio and Kubernetes kinds that the registry and PushContext read, named as in
// Istio's and Kubernetes' APIs. They are structural subsets of `src/api`'s spec types, so configs
// parsed by the kind registry fit them; each is replaced by the api's type as that kind lands.
import type { Labels } from './labels.js';

// ---- Kubernetes (core/v1, discovery.k8s.io/v1) ----

export interface KubeServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly protocol?: string;
  readonly appProtocol?: string;
  readonly nodePort?: number;
}

export interface KubeServiceSpec {
  readonly type?: string;
  readonly clusterIP?: string;
  readonly clusterIPs?: readonly string[];
  readonly externalName?: string;
  readonly ports?: readonly KubeServicePort[];
  readonly selector?: Labels;
  readonly publishNotReadyAddresses?: boolean;
}

export interface KubeObjectReference {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

export interface KubeEndpointPort {
  readonly name?: string;
  readonly port?: number;
  readonly protocol?: string;
  readonly appProtocol?: string;
}

/** Endpoints has no `spec`: its body is the object root (`subsets`). */
export interface KubeEndpointsBody {
  readonly subsets?: readonly {
    readonly addresses?: readonly KubeEndpointAddress[];
    readonly notReadyAddresses?: readonly KubeEndpointAddress[];
    readonly ports?: readonly KubeEndpointPort[];
  }[];
}

export interface KubeEndpointAddress {
  readonly ip: string;
  readonly hostname?: string;
  readonly nodeName?: string;
  readonly targetRef?: KubeObjectReference;
}

/** EndpointSlice's body is the object root (`addressType`, `endpoints`, `ports`). */
export interface KubeEndpointSliceBody {
  readonly addressType?: string;
  readonly endpoints?: readonly {
    readonly addresses: readonly string[];
    readonly conditions?: { readonly ready?: boolean; readonly serving?: boolean; readonly terminating?: boolean };
    readonly hostname?: string;
    readonly nodeName?: string;
    readonly zone?: string;
    readonly targetRef?: KubeObjectReference;
  }[];
  readonly ports?: readonly KubeEndpointPort[];
}

export interface KubePodSpec {
  readonly serviceAccountName?: string;
  readonly serviceAccount?: string;
  readonly nodeName?: string;
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly containers?: readonly { readonly name?: string; readonly ports?: readonly { readonly name?: string; readonly containerPort: number; readonly protocol?: string }[] }[];
}

export interface KubePodStatus {
  readonly phase?: string;
  readonly podIP?: string;
  readonly podIPs?: readonly { readonly ip: string }[];
  readonly conditions?: readonly { readonly type: string; readonly status: string }[];
}

// ---- networking.istio.io ----

export interface WorkloadEntrySpec {
  readonly address?: string;
  readonly ports?: Readonly<Record<string, number>>;
  readonly labels?: Labels;
  readonly network?: string;
  readonly locality?: string;
  readonly weight?: number;
  readonly serviceAccount?: string;
}

export interface ServiceEntryPort {
  readonly number: number;
  readonly protocol?: string;
  readonly name: string;
  readonly targetPort?: number;
}

export interface ServiceEntrySpec {
  readonly hosts: readonly string[];
  readonly addresses?: readonly string[];
  readonly ports?: readonly ServiceEntryPort[];
  readonly location?: 'MESH_EXTERNAL' | 'MESH_INTERNAL';
  readonly resolution?: 'NONE' | 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN';
  readonly endpoints?: readonly WorkloadEntrySpec[];
  readonly workloadSelector?: { readonly labels?: Labels };
  readonly exportTo?: readonly string[];
  readonly subjectAltNames?: readonly string[];
}

export interface Destination {
  readonly host: string;
  readonly subset?: string;
  readonly port?: { readonly number?: number };
}

export interface HTTPRouteSpec {
  readonly name?: string;
  readonly match?: readonly Record<string, unknown>[];
  readonly route?: readonly { readonly destination?: Destination; readonly weight?: number }[];
  readonly mirror?: Destination;
  readonly mirrors?: readonly { readonly destination: Destination }[];
  readonly delegate?: { readonly name?: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

export interface L4RouteSpec {
  readonly match?: readonly ({ readonly gateways?: readonly string[] } & Record<string, unknown>)[];
  readonly route?: readonly { readonly destination?: Destination; readonly weight?: number }[];
}

export interface VirtualServiceSpec {
  readonly hosts?: readonly string[];
  readonly gateways?: readonly string[];
  readonly http?: readonly HTTPRouteSpec[];
  readonly tls?: readonly L4RouteSpec[];
  readonly tcp?: readonly L4RouteSpec[];
  readonly exportTo?: readonly string[];
}

export interface SubsetSpec {
  readonly name: string;
  readonly labels?: Labels;
  readonly trafficPolicy?: unknown;
}

export interface DestinationRuleSpec {
  readonly host: string;
  readonly trafficPolicy?: unknown;
  readonly subsets?: readonly SubsetSpec[];
  readonly exportTo?: readonly string[];
  readonly workloadSelector?: { readonly matchLabels?: Labels };
}

export interface GatewaySpec {
  readonly servers?: readonly { readonly port?: { readonly number?: number; readonly protocol?: string; readonly name?: string }; readonly hosts?: readonly string[]; readonly [field: string]: unknown }[];
  readonly selector?: Labels;
}

export interface IstioEgressListener {
  readonly port?: { readonly number?: number; readonly protocol?: string; readonly name?: string };
  readonly bind?: string;
  readonly captureMode?: string;
  readonly hosts: readonly string[];
}

export interface SidecarSpec {
  readonly workloadSelector?: { readonly labels?: Labels };
  readonly ingress?: readonly unknown[];
  readonly egress?: readonly IstioEgressListener[];
  readonly outboundTrafficPolicy?: { readonly mode?: 'REGISTRY_ONLY' | 'ALLOW_ANY' };
}

// ---- security.istio.io: only how they select workloads ----

export interface WorkloadPolicySpec {
  readonly selector?: { readonly matchLabels?: Labels };
  readonly targetRef?: unknown;
  readonly targetRefs?: readonly unknown[];
}
