// Flags of `demo` (npm start): where the mesh's YAML is, where logs go, and istiod's addresses.
export interface DemoFlags {
  readonly configDir?: string;
  readonly logDir?: string;
  readonly grpcAddr: string;
  readonly monitoringAddr: string;
  readonly help: boolean;
}

export const DEMO_USAGE = `Runs the istio-ts demo mesh on loopback: istiod, the sample apps with their sidecars and the
ingress gateway, all from the YAML in one directory (watched: edit it while the mesh runs).

Usage:
  node dist/src/bin/demo.js [flags]        (npm start builds first, then runs this)

Flags:
      --configDir string        directory of the mesh's YAML (default: examples/demo in this repo)
      --logDir string           where each process's log goes (default: a new directory under the OS temp dir)
      --grpcAddr string         istiod's xDS address (default 127.0.10.1:15010)
      --monitoringAddr string   istiod's /debug and /metrics address (default 127.0.10.1:15014)
  -h, --help                    this help
`;

export class FlagError extends Error {}

export function parseDemoFlags(argv: readonly string[]): DemoFlags {
  const values: Record<string, string> = {};
  let help = false;
  const names = new Set(['configDir', 'logDir', 'grpcAddr', 'monitoringAddr']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      help = true;
      continue;
    }
    const m = /^--([A-Za-z]+)(?:=(.*))?$/.exec(a);
    if (!m || !names.has(m[1])) throw new FlagError(`unknown flag: ${a}`);
    const v = m[2] ?? argv[++i];
    if (v === undefined || v === '') throw new FlagError(`flag needs an argument: --${m[1]}`);
    values[m[1]] = v;
  }
  return {
    ...(values.configDir ? { configDir: values.configDir } : {}),
    ...(values.logDir ? { logDir: values.logDir } : {}),
    grpcAddr: values.grpcAddr ?? '127.0.10.1:15010',
    monitoringAddr: values.monitoringAddr ?? '127.0.10.1:15014',
    help,
  };
}
