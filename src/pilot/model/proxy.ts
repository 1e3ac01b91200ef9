// The proxy model: who is asking for config. Built from the xDS node Istio's agents send — the ID
// `<type>~<ip>~<pod>.<namespace>~<namespace>.svc.<domain>` and the ISTIO_META_* metadata — and
// read by translation (which listeners, which namespace's Sidecar) and by the ADS server.
import { isIP } from 'node:net';
import { IstioTsError } from '../../shared/errors.js';
import { structToJson, type Json, type Node__Output } from '../../xds-api/index.js';

/** `proxyless` is a gRPC client speaking xDS itself (node type sidecar, metadata GENERATOR=grpc). */
export type ProxyType = 'sidecar' | 'router' | 'proxyless';
export type InterceptionMode = 'REDIRECT' | 'TPROXY' | 'NONE';

export interface IstioVersion { major: number; minor: number; patch: number }
export interface Locality { region: string; zone: string; subZone: string }
export interface PodPort { name?: string; containerPort: number; protocol?: string }

/** The ISTIO_META_* fields istio-ts reads, camelCased; `raw` keeps every field as sent. */
export interface NodeMetadata {
  namespace?: string;
  labels: Record<string, string>;
  serviceAccount?: string;
  clusterId?: string;
  interceptionMode?: string;
  generator?: string;
  istioVersion?: string;
  meshId?: string;
  workloadName?: string;
  podName?: string;
  owner?: string;
  network?: string;
  routerMode?: string;
  instanceIps: string[];
  podPorts: PodPort[];
  raw: Record<string, Json>;
}

export interface Proxy {
  /** The node ID exactly as sent. */
  nodeId: string;
  type: ProxyType;
  /** `<pod>.<namespace>` for Kubernetes workloads. */
  id: string;
  ipAddresses: string[];
  /** `<namespace>.svc.cluster.local` for sidecars. */
  dnsDomain: string;
  /** Namespace whose config applies: metadata NAMESPACE, else the first label of dnsDomain. */
  configNamespace: string;
  labels: Record<string, string>;
  /** Istio's default when absent or unknown is REDIRECT. */
  interceptionMode: InterceptionMode;
  /** undefined when ISTIO_VERSION is absent or unparseable; callers then assume the newest behaviour. */
  istioVersion?: IstioVersion;
  locality: Locality;
  metadata: NodeMetadata;
}

export class ProxyParseError extends IstioTsError {
  constructor(message: string) {
    super('ISTS_XDS_STREAM', message);
    this.name = 'ProxyParseError';
  }
}

const NODE_TYPES = ['sidecar', 'router'] as const;

function optString(raw: Record<string, Json>, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ProxyParseError(`node metadata ${key} must be a string, got ${JSON.stringify(v)}`);
  return v === '' ? undefined : v;
}

function parseLabels(raw: Record<string, Json>): Record<string, string> {
  const v = raw.LABELS;
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ProxyParseError(`node metadata LABELS must be a map of strings, got ${JSON.stringify(v)}`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw new ProxyParseError(`node metadata LABELS.${k} must be a string, got ${JSON.stringify(val)}`);
    out[k] = val;
  }
  return out;
}

function parsePodPorts(raw: Record<string, Json>): PodPort[] {
  // The agent sends POD_PORTS as a JSON string (Kubernetes container ports).
  const text = optString(raw, 'POD_PORTS');
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProxyParseError(`node metadata POD_PORTS is not JSON: ${text}`);
  }
  if (!Array.isArray(parsed)) throw new ProxyParseError('node metadata POD_PORTS must be a JSON list');
  return parsed.map((p: Record<string, unknown>, i) => {
    if (typeof p?.containerPort !== 'number') throw new ProxyParseError(`node metadata POD_PORTS[${i}].containerPort must be a number`);
    return {
      containerPort: p.containerPort,
      ...(typeof p.name === 'string' ? { name: p.name } : {}),
      ...(typeof p.protocol === 'string' ? { protocol: p.protocol } : {}),
    };
  });
}

/** Reads Istio's node metadata from plain JSON (a decoded Struct). */
export function parseNodeMetadata(raw: Record<string, Json>): NodeMetadata {
  const ips = optString(raw, 'INSTANCE_IPS');
  return {
    namespace: optString(raw, 'NAMESPACE'),
    labels: parseLabels(raw),
    serviceAccount: optString(raw, 'SERVICE_ACCOUNT'),
    clusterId: optString(raw, 'CLUSTER_ID'),
    interceptionMode: optString(raw, 'INTERCEPTION_MODE'),
    generator: optString(raw, 'GENERATOR'),
    istioVersion: optString(raw, 'ISTIO_VERSION'),
    meshId: optString(raw, 'MESH_ID'),
    workloadName: optString(raw, 'WORKLOAD_NAME'),
    podName: optString(raw, 'NAME'),
    owner: optString(raw, 'OWNER'),
    network: optString(raw, 'NETWORK'),
    routerMode: optString(raw, 'ROUTER_MODE'),
    instanceIps: ips ? ips.split(',').map((s) => s.trim()).filter((s) => s !== '') : [],
    podPorts: parsePodPorts(raw),
    raw,
  };
}

/** "1.24.2", "1.25-dev", "1.22.0-beta.1" → {major, minor, patch}; undefined when not a version. */
export function parseIstioVersion(text: string | undefined): IstioVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? 0 : Number(m[3]) };
}

function interceptionMode(text: string | undefined): InterceptionMode {
  return text === 'TPROXY' || text === 'NONE' ? text : 'REDIRECT';
}

/**
 * Parses a node ID plus metadata as Istio does: four `~`-separated parts, type sidecar or router,
 * IPs from INSTANCE_IPS when all are valid, else the IP in the ID; at least one IP is required.
 */
export function parseProxy(nodeId: string, rawMetadata: Record<string, Json> = {}, locality?: Partial<Locality>): Proxy {
  const parts = nodeId.split('~');
  if (parts.length !== 4) {
    throw new ProxyParseError(`missing parts in the service node "${nodeId}": want <type>~<ip>~<id>~<domain>, got ${parts.length} part(s)`);
  }
  const [nodeType, idIp, id, dnsDomain] = parts;
  if (!(NODE_TYPES as readonly string[]).includes(nodeType)) {
    throw new ProxyParseError(`invalid node type "${nodeType}" (valid types: ${NODE_TYPES.join(', ')}) in the service node "${nodeId}"`);
  }
  const metadata = parseNodeMetadata(rawMetadata);
  let ipAddresses: string[] = [];
  if (metadata.instanceIps.length > 0 && metadata.instanceIps.every((ip) => isIP(ip) !== 0)) ipAddresses = metadata.instanceIps;
  else if (isIP(idIp) !== 0) ipAddresses = [idIp];
  if (ipAddresses.length === 0) {
    throw new ProxyParseError(`no valid IP address in the service node "${nodeId}" or metadata INSTANCE_IPS`);
  }
  if (id === '') throw new ProxyParseError(`empty proxy id in the service node "${nodeId}"`);
  const domainParts = dnsDomain.split('.');
  return {
    nodeId,
    type: metadata.generator === 'grpc' ? 'proxyless' : nodeType as 'sidecar' | 'router',
    id,
    ipAddresses,
    dnsDomain,
    configNamespace: metadata.namespace ?? (domainParts.length > 1 ? domainParts[0] : ''),
    labels: metadata.labels,
    interceptionMode: interceptionMode(metadata.interceptionMode),
    istioVersion: parseIstioVersion(metadata.istioVersion),
    locality: { region: locality?.region ?? '', zone: locality?.zone ?? '', subZone: locality?.subZone ?? '' },
    metadata,
  };
}

/** Parses the `node` of a DiscoveryRequest. */
export function proxyFromNode(node: Pick<Node__Output, 'id' | 'metadata' | 'locality'> | null | undefined): Proxy {
  if (!node) throw new ProxyParseError('the first request on an xDS stream must carry a node');
  const loc = node.locality;
  return parseProxy(node.id, structToJson(node.metadata), loc ? { region: loc.region, zone: loc.zone, subZone: loc.sub_zone } : undefined);
}
