// Resource names proxyless gRPC clients ask for: listeners are the dialled target `host:port`
// (short names allowed), routes and clusters use Istio's cluster key
// `outbound|<port>|<subset>|<host>`, and endpoints are named after their cluster.

export interface ClusterKey {
  readonly direction: 'outbound' | 'inbound';
  readonly port: number;
  readonly subset: string;
  readonly hostname: string;
}

/** `outbound|9080|v1|reviews.default.svc.cluster.local` (Istio's BuildSubsetKey). */
export function clusterKey(hostname: string, port: number, subset = '', direction: ClusterKey['direction'] = 'outbound'): string {
  return `${direction}|${port}|${subset}|${hostname}`;
}

/** The inverse of `clusterKey`; undefined for anything else (a name Istio would not build). */
export function parseClusterKey(name: string): ClusterKey | undefined {
  const parts = name.split('|');
  if (parts.length !== 4) return undefined;
  const [direction, portText, subset, hostname] = parts;
  if (direction !== 'outbound' && direction !== 'inbound') return undefined;
  if (!/^[0-9]+$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535 || hostname === '') return undefined;
  return { direction, port, subset, hostname };
}

/** Prefix of the listener names gRPC servers (xds.NewGRPCServer) request. */
export const GRPC_SERVER_LISTENER_PREFIX = 'xds.istio.io/grpc/lds/inbound/';

/** What one or more requested listener names select for one FQDN. */
export interface ListenerSelection {
  /** The names as requested (e.g. `echo:7070` and `echo.default:7070` both map to one FQDN). */
  readonly requestedHosts: ReadonlySet<string>;
  /** Ports asked for; empty means every port of the service. */
  readonly ports: ReadonlySet<number>;
}

/** `host:port` or `[v6]:port` → parts; a name without a port gives port undefined. */
export function splitHostPort(name: string): { host: string; port?: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):([0-9]+)$/.exec(name);
  if (!m) return { host: name };
  return { host: m[1] ?? m[2], port: Number(m[3]) };
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The FQDN a short name means to a client in `namespace` whose DNS domain is
 * `<ns>.svc.cluster.local`: `echo` and `echo.<ns>` and `echo.<ns>.svc` all become
 * `echo.<ns>.svc.cluster.local`. undefined when the name is not a short name of that namespace.
 */
export function expandShortName(name: string, namespace: string, dnsDomain: string): string | undefined {
  if (!name.includes('.')) return `${name}.${dnsDomain}`;
  for (const suffix of [namespace, `${namespace}.svc`]) {
    if (suffix && name.endsWith(`.${suffix}`) && dnsDomain.startsWith(suffix)) {
      return `${name.slice(0, -suffix.length - 1)}.${dnsDomain}`;
    }
  }
  return undefined;
}

/**
 * Groups requested listener names by the hostname they may refer to (as written, and expanded to
 * the FQDN). A requested name without a port selects every port of the service.
 */
export function listenerSelections(names: Iterable<string>, namespace: string, dnsDomain: string): Map<string, ListenerSelection> {
  const out = new Map<string, { requestedHosts: Set<string>; ports: Set<number>; allPorts: boolean }>();
  for (const name of names) {
    if (name.startsWith(GRPC_SERVER_LISTENER_PREFIX)) continue;
    const { host, port } = splitHostPort(name);
    const fqdn = expandShortName(host, namespace, dnsDomain);
    for (const key of fqdn && fqdn !== host ? [host, fqdn] : [host]) {
      let sel = out.get(key);
      if (!sel) out.set(key, (sel = { requestedHosts: new Set(), ports: new Set(), allPorts: false }));
      sel.requestedHosts.add(host);
      if (port === undefined) sel.allPorts = true;
      else sel.ports.add(port);
    }
  }
  return new Map([...out].map(([k, v]) => [k, { requestedHosts: v.requestedHosts, ports: v.allPorts ? new Set<number>() : v.ports }]));
}
