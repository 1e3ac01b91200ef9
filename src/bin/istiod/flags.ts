// istiod's command line, with Istio's flag names and defaults (`pilot-discovery discovery`).
// Go-style: `--flag value`, `--flag=value`, single or double dash; `discovery` may lead.

export interface IstiodFlags {
  configDir?: string;
  meshConfig?: string;
  grpcAddr: string;
  secureGRPCAddr: string;
  monitoringAddr: string;
  httpsAddr: string;
  caCertsDir?: string;
  domain: string;
  clusterID: string;
  logOutputLevel?: string;
  help: boolean;
}

export const ISTIOD_DEFAULTS: Readonly<IstiodFlags> = Object.freeze({
  grpcAddr: ':15010',
  secureGRPCAddr: ':15012',
  monitoringAddr: ':15014',
  httpsAddr: ':15017',
  domain: 'cluster.local',
  clusterID: 'Kubernetes',
  help: false,
});

const STRING_FLAGS: Record<string, keyof IstiodFlags> = {
  configDir: 'configDir',
  meshConfig: 'meshConfig',
  grpcAddr: 'grpcAddr',
  secureGRPCAddr: 'secureGRPCAddr',
  monitoringAddr: 'monitoringAddr',
  httpsAddr: 'httpsAddr',
  caCertsDir: 'caCertsDir',
  domain: 'domain',
  clusterID: 'clusterID',
  log_output_level: 'logOutputLevel',
};

export const ISTIOD_USAGE = `Usage: istiod [discovery] [flags]

Flags:
  --configDir DIR          directory of Istio and Kubernetes YAML/JSON, watched recursively
  --meshConfig FILE        MeshConfig YAML (default: Istio's defaults)
  --grpcAddr ADDR          plaintext xDS (default ":15010")
  --secureGRPCAddr ADDR    TLS xDS (default ":15012"; accepted, not served yet: needs the CA)
  --monitoringAddr ADDR    /metrics, /ready, /debug/* (default ":15014")
  --httpsAddr ADDR         webhooks (default ":15017"; accepted, not served yet)
  --caCertsDir DIR         plug-in CA certificates (accepted, not used yet)
  --domain SUFFIX          DNS domain suffix (default "cluster.local")
  --clusterID ID           cluster ID of this registry (default "Kubernetes")
  --log_output_level SPEC  e.g. "default:info,xds:debug"
Addresses take host:port or :port; port 0 picks a free port.
`;

export class FlagError extends Error {}

export function parseIstiodFlags(argv: readonly string[]): IstiodFlags {
  const out: IstiodFlags = { ...ISTIOD_DEFAULTS };
  const args = [...argv];
  if (args[0] === 'discovery') args.shift();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h' || a === '--help' || a === 'help') {
      out.help = true;
      continue;
    }
    const m = /^--?([A-Za-z_][A-Za-z0-9_-]*)(?:=(.*))?$/.exec(a);
    if (!m) throw new FlagError(`unexpected argument "${a}"`);
    const key = STRING_FLAGS[m[1]];
    if (!key) throw new FlagError(`unknown flag: --${m[1]}`);
    let value = m[2];
    if (value === undefined) {
      if (i + 1 >= args.length) throw new FlagError(`flag needs an argument: --${m[1]}`);
      value = args[++i];
    }
    (out as unknown as Record<string, string>)[key] = value;
  }
  return out;
}

/** `:15010` → all interfaces; `127.0.0.1:0`, `[::1]:15010`, `localhost:8080` as written. */
export function parseListenAddress(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):([0-9]{1,5})$/.exec(addr.trim());
  if (!m) throw new FlagError(`invalid address "${addr}": want host:port or :port`);
  const port = Number(m[3]);
  if (port > 65535) throw new FlagError(`invalid address "${addr}": port out of range`);
  const host = m[1] ?? m[2];
  return { host: host === '' ? '0.0.0.0' : host, port };
}

export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
