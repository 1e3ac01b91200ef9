// Istio's Envoy cluster names, shared by every generator so that listeners, routes, clusters and
// endpoints agree: `outbound|9080|v1|reviews.default.svc.cluster.local`, `inbound|9080||`, the
// DNS-SRV style `outbound_.9080_.v1_.reviews.default.svc.cluster.local` used as mTLS SNI, and the
// fixed clusters (PassthroughCluster, BlackHoleCluster, InboundPassthroughClusterIpv4/Ipv6).

export type TrafficDirection = 'outbound' | 'inbound';

/** Sends traffic to the address the caller dialled (ORIGINAL_DST); used by `ALLOW_ANY`. */
export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
/** A cluster without endpoints: traffic routed to it fails (`REGISTRY_ONLY`, unmatched routes). */
export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';
/**
 * Inbound traffic to ports of the workload that no service declares. Current Istio emits one
 * cluster with both bind addresses; older releases emitted the Ipv4/Ipv6 pair below.
 */
export const INBOUND_PASSTHROUGH_CLUSTER = 'InboundPassthroughCluster';
export const INBOUND_PASSTHROUGH_CLUSTER_IPV4 = 'InboundPassthroughClusterIpv4';
export const INBOUND_PASSTHROUGH_CLUSTER_IPV6 = 'InboundPassthroughClusterIpv6';

/** Route name used for the virtual host that forwards unknown HTTP hosts (`ALLOW_ANY`). */
export const PASSTHROUGH_ROUTE = 'allow_any';
/** Route name used for the virtual host that rejects unknown HTTP hosts (`REGISTRY_ONLY`). */
export const BLACKHOLE_ROUTE = 'block_all';

/** The SDS resource names Istio's agent serves: the workload certificate and the mesh root. */
export const SDS_DEFAULT_SECRET = 'default';
export const SDS_ROOT_SECRET = 'ROOTCA';
/** The bootstrap cluster through which Envoy reaches the agent's SDS server. */
export const SDS_CLUSTER = 'sds-grpc';
/** Prefix of SDS secret names that refer to a Kubernetes Secret (DestinationRule credentialName). */
export const SDS_KUBERNETES_PREFIX = 'kubernetes://';
/** Suffix the agent recognises for the CA part of a credentialName secret. */
export const SDS_CA_SUFFIX = '-cacert';

export interface SubsetKey {
  direction: TrafficDirection;
  port: number;
  /** '' when the cluster is not for a DestinationRule subset. */
  subset: string;
  /** '' for inbound clusters, which Istio names by port only. */
  hostname: string;
}

/** `direction|port|subset|hostname`, the name of an outbound (or legacy inbound) cluster. */
export function buildSubsetKey(direction: TrafficDirection, subset: string, hostname: string, port: number): string {
  return `${direction}|${port}|${subset}|${hostname}`;
}

/** `inbound|port||`: inbound clusters carry neither subset nor hostname. */
export function buildInboundSubsetKey(port: number): string {
  return buildSubsetKey('inbound', '', '', port);
}

/** `direction_.port_.subset_.hostname`: a DNS-label-safe form used as the SNI of Istio mTLS. */
export function buildDnsSrvSubsetKey(direction: TrafficDirection, subset: string, hostname: string, port: number): string {
  return `${direction}_.${port}_.${subset}_.${hostname}`;
}

const SRV_SEP = '_.';

export function isDnsSrvSubsetKey(name: string): boolean {
  return name.startsWith(`outbound${SRV_SEP}`) || name.startsWith(`inbound${SRV_SEP}`);
}

/** A name with exactly four `|`-separated parts (the shape of `buildSubsetKey`). */
export function isValidSubsetKey(name: string): boolean {
  return name.split('|').length === 4;
}

/**
 * Reads either form back. Returns undefined for names that are neither (PassthroughCluster,
 * BlackHoleCluster, names with a non-numeric port or an unknown direction). The hostname keeps
 * any further separators, because a hostname may legitimately contain `_.` in the SRV form.
 */
export function parseSubsetKey(name: string): SubsetKey | undefined {
  const sep = isDnsSrvSubsetKey(name) ? SRV_SEP : '|';
  const parts: string[] = [];
  let rest = name;
  for (let i = 0; i < 3; i++) {
    const at = rest.indexOf(sep);
    if (at < 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + sep.length);
  }
  if (sep === '|' && rest.includes('|')) return undefined;
  const [direction, portText, subset] = parts;
  if (direction !== 'outbound' && direction !== 'inbound') return undefined;
  if (!/^\d+$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65535) return undefined;
  return { direction, port, subset, hostname: rest };
}

/** The hostname part of a subset key, '' when the name is not one. */
export function subsetKeyHostname(name: string): string {
  return parseSubsetKey(name)?.hostname ?? '';
}

/** The SNI Istio sets on an ISTIO_MUTUAL upstream: the DNS-SRV form of the outbound cluster. */
export function istioMtlsSni(subset: string, hostname: string, port: number): string {
  return buildDnsSrvSubsetKey('outbound', subset, hostname, port);
}
