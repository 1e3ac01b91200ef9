// `istioctl proxy-status`: per connected proxy, whether each xDS type is in sync with istiod, read
// from istiod's /debug/syncz (Istio's SyncStatus JSON: nonce sent vs nonce acknowledged).
import type { Command, CommandIO } from './command.js';

export const DEFAULT_ISTIOD_MONITORING = 'localhost:15014';

export interface SyncRow {
  cluster_id?: string;
  proxy: string;
  proxy_type?: string;
  istio_version?: string;
  proxy_version?: string;
  istiod?: string;
  nacks?: Record<string, string>;
  [field: string]: unknown;
}

/** GET http://<addr><path> from istiod's monitoring port, as JSON; throws with a clear message. */
export async function fetchIstiodJson(addr: string, path: string, timeoutMs = 5000): Promise<unknown> {
  const url = `http://${addr}${path}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Error(`cannot reach istiod at ${addr}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`);
  }
  const body = await res.text();
  if (!res.ok) throw new Error(`istiod ${path} returned ${res.status}: ${body.trim()}`);
  return JSON.parse(body) as unknown;
}

/** Istio's per-type status: NOT SENT, SYNCED, STALE, STALE (Never Acknowledged); ERROR when NACKed. */
export function xdsStatus(sent: string, acked: string, nacked: boolean): string {
  if (!sent) return 'NOT SENT';
  if (nacked) return 'ERROR';
  if (sent === acked) return 'SYNCED';
  if (!acked) return 'STALE (Never Acknowledged)';
  return 'STALE';
}

const TYPES: Array<[column: string, field: string, short: string]> = [
  ['CDS', 'cluster', 'CDS'], ['LDS', 'listener', 'LDS'], ['EDS', 'endpoint', 'EDS'], ['RDS', 'route', 'RDS'], ['ECDS', 'extension_config', 'ECDS'],
];

export function proxyStatusRows(rows: readonly SyncRow[]): string[][] {
  const header = ['NAME', 'CLUSTER', ...TYPES.map((t) => t[0]), 'ISTIOD', 'VERSION'];
  const body = [...rows].sort((a, b) => (a.proxy < b.proxy ? -1 : a.proxy > b.proxy ? 1 : 0)).map((r) => [
    r.proxy,
    r.cluster_id ?? '',
    ...TYPES.map(([, f, short]) => xdsStatus(String(r[`${f}_sent`] ?? ''), String(r[`${f}_acked`] ?? ''), r.nacks?.[short] !== undefined)),
    r.istiod ?? '',
    r.istio_version || r.proxy_version || '',
  ]);
  return [header, ...body];
}

/** Left-aligned columns separated by at least three spaces (istioctl's tabwriter look). */
export function formatTable(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3))).join('').trimEnd()).join('\n') + '\n';
}

const HELP = `Retrieves last sent and last acknowledged xDS sync from Istiod to each Envoy in the mesh

Usage:
  istioctl proxy-status [<pod-name>[.<namespace>]] [flags]

Flags:
      --istiod string   istiod monitoring address host:port (default "${DEFAULT_ISTIOD_MONITORING}")
  -o, --output string   Output format: table or json (default "table")
  -h, --help            help for proxy-status
`;

interface Parsed { istiod: string; output: string; pod?: string; help: boolean }

export function parseIstiodArgs(args: readonly string[], extra: readonly string[] = []): Parsed & { positional: string[] } {
  const out: Parsed & { positional: string[] } = { istiod: process.env.ISTIOD_MONITORING_ADDR ?? DEFAULT_ISTIOD_MONITORING, output: 'table', help: false, positional: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = () => {
      if (eq > 0) return a.slice(eq + 1);
      if (i + 1 >= args.length) throw new Error(`flag needs an argument: ${name}`);
      return args[++i];
    };
    if (name === '-h' || name === '--help') out.help = true;
    else if (name === '--istiod') out.istiod = value();
    else if (name === '--xds-address') throw new Error('--xds-address (debug types over xDS) is not supported yet; use --istiod <monitoring host:port>');
    else if (name === '-o' || name === '--output') out.output = value();
    else if (extra.includes(name)) out.positional.push(name);
    else if (a.startsWith('-')) throw new Error(`unknown flag: ${name}`);
    else out.positional.push(a);
  }
  return out;
}

async function run(args: readonly string[], io: CommandIO): Promise<number> {
  let p;
  try {
    p = parseIstiodArgs(args);
  } catch (err) {
    io.stderr.write(`Error: ${(err as Error).message}\n`);
    return 1;
  }
  if (p.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (p.output !== 'table' && p.output !== 'json') {
    io.stderr.write(`Error: unknown output format "${p.output}": want table or json\n`);
    return 1;
  }
  let rows: SyncRow[];
  try {
    rows = (await fetchIstiodJson(p.istiod, '/debug/syncz')) as SyncRow[];
  } catch (err) {
    io.stderr.write(`Error: ${(err as Error).message}\n`);
    return 1;
  }
  const pod = p.positional[0];
  if (pod) {
    const want = pod.includes('.') ? pod : `${pod}.default`;
    rows = rows.filter((r) => r.proxy === want);
    if (rows.length === 0) {
      io.stderr.write(`Error: proxy ${want} is not connected to istiod at ${p.istiod}\n`);
      return 1;
    }
  }
  if (p.output === 'json') io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else io.stdout.write(formatTable(proxyStatusRows(rows)));
  return 0;
}

export const proxyStatusCommand: Command = {
  name: 'proxy-status',
  summary: 'Retrieves the synchronization status of each proxy connected to istiod',
  run,
};
