// Port protocols as Istio names them, and how a Kubernetes Service port's protocol is derived:
// `appProtocol` when set, else the port name's prefix (`http`, `http-web`, `grpc-web-x`), else
// unknown (Envoy sniffs it), with TCP for a few well-known server-first ports.

export type Protocol =
  | 'GRPC' | 'GRPC-Web' | 'HTTP' | 'HTTP_PROXY' | 'HTTP2' | 'HTTPS' | 'TCP' | 'TLS' | 'UDP'
  | 'Mongo' | 'Redis' | 'MySQL' | 'UnsupportedProtocol';

const BY_LOWER_NAME: ReadonlyMap<string, Protocol> = new Map([
  ['tcp', 'TCP'], ['udp', 'UDP'], ['grpc', 'GRPC'], ['grpc-web', 'GRPC-Web'], ['http', 'HTTP'],
  ['http_proxy', 'HTTP_PROXY'], ['http2', 'HTTP2'], ['https', 'HTTPS'], ['tls', 'TLS'],
  ['mongo', 'Mongo'], ['redis', 'Redis'], ['mysql', 'MySQL'],
] as const);

/** Case-insensitive, as ServiceEntry and Gateway `protocol` fields are read. */
export function parseProtocol(s: string): Protocol {
  return BY_LOWER_NAME.get(s.toLowerCase()) ?? 'UnsupportedProtocol';
}

/**
 * Ports whose servers speak first (SMTP, DNS, MySQL, MongoDB): sniffing would stall them, so an
 * unnamed port here is plain TCP.
 */
const SERVER_FIRST_PORTS: ReadonlySet<number> = new Set([25, 53, 3306, 27017]);

/** Kubernetes' standard appProtocol values, which are not port-name prefixes. */
const KUBE_APP_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map([
  ['kubernetes.io/h2c', 'HTTP2'],
  ['kubernetes.io/ws', 'HTTP'],
  ['kubernetes.io/wss', 'HTTPS'],
] as const);

/** A Kubernetes Service/EndpointSlice port's protocol (`protocol` is the L4 one: TCP, UDP, SCTP). */
export function kubePortProtocol(port: number, name: string | undefined, l4: string | undefined, appProtocol?: string): Protocol {
  if (l4 === 'UDP') return 'UDP';
  let label = name ?? '';
  if (appProtocol !== undefined && appProtocol !== '') {
    const kube = KUBE_APP_PROTOCOLS.get(appProtocol);
    if (kube) return kube;
    label = appProtocol;
  }
  // `grpc-web` holds the separator the prefix rule splits on, so it is checked first.
  if (label.toLowerCase().startsWith('grpc-web')) return 'GRPC-Web';
  const dash = label.indexOf('-');
  const p = parseProtocol(dash >= 0 ? label.slice(0, dash) : label);
  if (p === 'UnsupportedProtocol' && SERVER_FIRST_PORTS.has(port)) return 'TCP';
  return p;
}

export function isHTTP(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
}

/** Protocols carried over HTTP/2 upstream. */
export function isHTTP2(p: Protocol): boolean {
  return p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-Web';
}

export function isGRPC(p: Protocol): boolean {
  return p === 'GRPC' || p === 'GRPC-Web';
}

/** Plain TCP-proxied protocols (no HTTP parsing). */
export function isTCP(p: Protocol): boolean {
  return p === 'TCP' || p === 'HTTPS' || p === 'TLS' || p === 'Mongo' || p === 'Redis' || p === 'MySQL';
}

export function isTLS(p: Protocol): boolean {
  return p === 'HTTPS' || p === 'TLS';
}

/** Unknown protocol: the proxy sniffs HTTP vs TCP on the first bytes. */
export function isUnsupported(p: Protocol): boolean {
  return p === 'UnsupportedProtocol';
}
