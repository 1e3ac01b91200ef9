// The fields analyzers read, named as Istio and Kubernetes document them. Structural typing keeps
// these compatible with the api layer's full zod-inferred spec types; analyzers only read, and
// tolerate absent fields, because loosely loaded kinds (no schema registered yet) reach them too.

export interface PortSelector {
  number?: number;
}
export interface Destination {
  host?: string;
  subset?: string;
  port?: PortSelector;
}
export interface RouteDestination {
  destination?: Destination;
  weight?: number;
}
export interface HTTPRoute {
  name?: string;
  match?: Record<string, unknown>[];
  route?: RouteDestination[];
  mirror?: Destination;
  mirrors?: { destination?: Destination }[];
  delegate?: { name?: string; namespace?: string };
}
export interface TCPRoute {
  match?: Record<string, unknown>[];
  route?: RouteDestination[];
}
export interface VirtualServiceSpec {
  hosts?: string[];
  gateways?: string[];
  http?: HTTPRoute[];
  tcp?: TCPRoute[];
  tls?: TCPRoute[];
  exportTo?: string[];
}

export interface ClientTLSSettings {
  mode?: string;
  caCertificates?: string;
  credentialName?: string;
  insecureSkipVerify?: boolean;
}
export interface TrafficPolicy {
  tls?: ClientTLSSettings;
  portLevelSettings?: { port?: PortSelector; tls?: ClientTLSSettings }[];
}
export interface DestinationRuleSpec {
  host?: string;
  trafficPolicy?: TrafficPolicy;
  subsets?: { name?: string; labels?: Record<string, string>; trafficPolicy?: TrafficPolicy }[];
  exportTo?: string[];
  workloadSelector?: { matchLabels?: Record<string, string> };
}

export interface ServerPort {
  number?: number;
  name?: string;
  protocol?: string;
  targetPort?: number;
}
export interface GatewaySpec {
  selector?: Record<string, string>;
  servers?: { port?: ServerPort; hosts?: string[]; tls?: Record<string, unknown>; bind?: string }[];
}

export interface ServiceEntrySpec {
  hosts?: string[];
  ports?: { number?: number; name?: string; protocol?: string; targetPort?: number }[];
  exportTo?: string[];
  resolution?: string;
  location?: string;
  workloadSelector?: { labels?: Record<string, string> };
}

export interface SidecarSpec {
  workloadSelector?: { labels?: Record<string, string> };
  egress?: { hosts?: string[] }[];
}

export interface AuthorizationPolicySpec {
  selector?: { matchLabels?: Record<string, string> };
  rules?: { from?: { source?: { namespaces?: string[]; notNamespaces?: string[] } }[] }[];
}

export interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}
export interface ServiceSpec {
  selector?: Record<string, string>;
  ports?: ServicePort[];
  type?: string;
}

export interface PodSpec {
  nodeName?: string;
  containers?: { name?: string; ports?: { containerPort?: number; name?: string; protocol?: string }[] }[];
}

/** Deployment, StatefulSet, DaemonSet, ReplicaSet: what a Pod will be made from. */
export interface WorkloadControllerSpec {
  selector?: { matchLabels?: Record<string, string> };
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: PodSpec };
}
