// `pilot-agent proxy sidecar|router` flags, with Istio's names and defaults; accepts both
// `--flag value` and `--flag=value`, as cobra does.

export interface ProxyFlags {
  readonly type: 'sidecar' | 'router';
  readonly discoveryAddress: string;
  readonly concurrency: number;
  readonly proxyAdminPort: number;
  readonly statusPort: number;
  readonly serviceCluster?: string;
  readonly proxyLogLevel?: string;
}

export class FlagError extends Error {}

const NUMERIC = new Set(['concurrency', 'proxyAdminPort', 'statusPort']);
const KNOWN = new Set(['discoveryAddress', 'concurrency', 'proxyAdminPort', 'statusPort', 'serviceCluster', 'proxyLogLevel', 'log_output_level']);

export function parseProxyFlags(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ProxyFlags {
  const [type, ...rest] = args;
  if (type !== 'sidecar' && type !== 'router') throw new FlagError(`proxy type must be "sidecar" or "router", got ${type === undefined ? 'nothing' : `"${type}"`}`);
  const v: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('-')) throw new FlagError(`unexpected argument "${a}"`);
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (!KNOWN.has(name)) throw new FlagError(`unknown flag: --${name}`);
    const value = eq >= 0 ? body.slice(eq + 1) : rest[++i];
    if (value === undefined) throw new FlagError(`flag needs an argument: --${name}`);
    if (NUMERIC.has(name) && !/^\d+$/.test(value)) throw new FlagError(`invalid argument "${value}" for "--${name}": must be a non-negative integer`);
    v[name] = value;
  }
  const discoveryAddress = v.discoveryAddress ?? env.DISCOVERY_ADDRESS ?? 'istiod.istio-system.svc:15012';
  if (!/^[^:\s]+:\d+$/.test(discoveryAddress) && !/^\[[0-9a-fA-F:]+\]:\d+$/.test(discoveryAddress)) {
    throw new FlagError(`invalid --discoveryAddress "${discoveryAddress}": want HOST:PORT`);
  }
  const port = (name: string, dflt: number): number => {
    const n = v[name] === undefined ? dflt : Number(v[name]);
    if (n > 65535) throw new FlagError(`invalid --${name} ${n}: must be at most 65535`);
    return n;
  };
  const concurrency = v.concurrency === undefined ? 2 : Number(v.concurrency);
  return {
    type,
    discoveryAddress,
    concurrency,
    proxyAdminPort: port('proxyAdminPort', 15000),
    statusPort: port('statusPort', 15020),
    ...(v.serviceCluster !== undefined ? { serviceCluster: v.serviceCluster } : {}),
    ...(v.proxyLogLevel !== undefined ? { proxyLogLevel: v.proxyLogLevel } : {}),
  };
}
