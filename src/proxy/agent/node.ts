// The xDS node the agent presents, built as Istio's pilot-agent builds it: the ID
// `<type>~<ip>~<pod>.<ns>~<ns>.svc.cluster.local` and metadata from the pod's environment
// (POD_NAME, POD_NAMESPACE, INSTANCE_IP, SERVICE_ACCOUNT, ISTIO_META_*, ISTIO_METAJSON_*).
import { jsonToStruct, type Json, type Node } from '../../xds-api/index.js';

export type ProxyType = 'sidecar' | 'router';

export interface NodeInputs {
  readonly type: ProxyType;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly serviceCluster?: string;
  readonly istioVersion: string;
  readonly concurrency: number;
  readonly statusPort: number;
  readonly adminPort: number;
  /** Used when INSTANCE_IP is unset (Istio falls back to the first non-loopback address). */
  readonly fallbackIp?: string;
}

export interface NodeIdentity {
  readonly id: string;
  readonly ip: string;
  readonly podName: string;
  readonly namespace: string;
  readonly dnsDomain: string;
  readonly metadata: Record<string, Json>;
}

/** Istio's `<ns>.svc.cluster.local` unless the environment names another domain suffix. */
function domainFor(ns: string, env: NodeInputs['env']): string {
  const suffix = env.ISTIO_META_DNS_DOMAIN_SUFFIX ?? env.DOMAIN_SUFFIX ?? 'cluster.local';
  return `${ns}.svc.${suffix}`;
}

function parseJsonEnv(name: string, text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new Error(`${name}: invalid JSON: ${(e as Error).message}`);
  }
}

export function buildNodeIdentity(i: NodeInputs): NodeIdentity {
  const env = i.env;
  const podName = env.POD_NAME ?? env.HOSTNAME ?? 'unknown';
  const namespace = env.POD_NAMESPACE ?? 'default';
  const ip = env.INSTANCE_IP ?? i.fallbackIp ?? '127.0.0.1';
  const dnsDomain = domainFor(namespace, env);
  const meta: Record<string, Json> = {};
  // ISTIO_META_FOO=bar → FOO: "bar"; ISTIO_METAJSON_FOO={...} → FOO: {...} (labels, annotations).
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (k.startsWith('ISTIO_METAJSON_')) meta[k.slice('ISTIO_METAJSON_'.length)] = parseJsonEnv(k, v);
    else if (k.startsWith('ISTIO_META_')) meta[k.slice('ISTIO_META_'.length)] = v;
  }
  const labels = (meta.LABELS !== undefined && typeof meta.LABELS === 'object' && !Array.isArray(meta.LABELS) ? meta.LABELS : {}) as Record<string, Json>;
  meta.LABELS = labels;
  meta.NAMESPACE ??= namespace;
  meta.NAME ??= podName;
  meta.INSTANCE_IPS ??= ip;
  meta.CLUSTER_ID ??= 'Kubernetes';
  meta.INTERCEPTION_MODE ??= 'REDIRECT';
  meta.ISTIO_VERSION ??= i.istioVersion;
  meta.MESH_ID ??= 'cluster.local';
  meta.ENVOY_STATUS_PORT ??= 15021;
  meta.ENVOY_PROMETHEUS_PORT ??= 15090;
  meta.PROXY_CONFIG ??= { concurrency: i.concurrency, statusPort: i.statusPort, proxyAdminPort: i.adminPort, discoveryAddress: env.DISCOVERY_ADDRESS ?? '' };
  if (env.SERVICE_ACCOUNT !== undefined) meta.SERVICE_ACCOUNT ??= env.SERVICE_ACCOUNT;
  // The injector sets WORKLOAD_NAME; without it, the Deployment name is the pod name minus the
  // ReplicaSet and pod suffixes (`reviews-v1-6b8c4d-x7k2p` → `reviews-v1`).
  if (meta.WORKLOAD_NAME === undefined) {
    const m = /^(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$/.exec(podName);
    meta.WORKLOAD_NAME = m ? m[1] : podName;
  }
  if (i.type === 'router') meta.ROUTER_MODE ??= 'sni-dnat';
  return { id: `${i.type}~${ip}~${podName}.${namespace}~${dnsDomain}`, ip, podName, namespace, dnsDomain, metadata: meta };
}

/** The Envoy Node message: Istio puts the service cluster (`app.namespace` by default) in `cluster`. */
export function buildNode(i: NodeInputs, ident: NodeIdentity = buildNodeIdentity(i)): Node {
  const labels = ident.metadata.LABELS as Record<string, Json>;
  const app = labels.app ?? labels['app.kubernetes.io/name'];
  const cluster = i.serviceCluster ?? (typeof app === 'string' ? `${app}.${ident.namespace}` : 'istio-proxy');
  const region = i.env.ISTIO_META_REGION ?? labels['topology.kubernetes.io/region'];
  const zone = i.env.ISTIO_META_ZONE ?? labels['topology.kubernetes.io/zone'];
  return {
    id: ident.id,
    cluster,
    metadata: jsonToStruct(ident.metadata as Record<string, Json>),
    user_agent_name: 'envoy',
    user_agent_version: i.istioVersion,
    ...(region || zone ? { locality: { region: String(region ?? ''), zone: String(zone ?? '') } } : {}),
  };
}
