// `istioctl proxy-config listeners|routes|clusters|endpoints|all <pod> --admin-addr HOST:PORT`:
// reads a proxy's Envoy admin API (/config_dump, /clusters?format=json) and prints Istio's
// tables, or the raw resources with -o json. istio-ts extension: there is no kubectl
// port-forward, so the admin address is given explicitly (the pod name is only echoed).
import type { Command, CommandIO } from './command.js';
import { tabulate } from './proxy-config-table.js';

type Kind = 'listeners' | 'routes' | 'clusters' | 'endpoints' | 'all';
const KINDS: Record<string, Kind> = {
  listeners: 'listeners', listener: 'listeners', l: 'listeners',
  routes: 'routes', route: 'routes', r: 'routes',
  clusters: 'clusters', cluster: 'clusters', c: 'clusters',
  endpoints: 'endpoints', endpoint: 'endpoints', ep: 'endpoints', eps: 'endpoints',
  all: 'all',
};

const HELP = `A group of commands used to retrieve information about proxy configuration from the Envoy config dump

Usage:
  istioctl proxy-config [command] <pod-name> --admin-addr HOST:PORT [flags]

Available Commands:
  all         Retrieves all configuration for the Envoy in the specified pod
  cluster     Retrieves cluster configuration for the Envoy in the specified pod
  endpoint    Retrieves endpoint configuration for the Envoy in the specified pod
  listener    Retrieves listener configuration for the Envoy in the specified pod
  route       Retrieves route configuration for the Envoy in the specified pod

Flags:
      --admin-addr string   HOST:PORT of the proxy's admin API (istio-ts: replaces kubectl port-forward)
  -o, --output string       Output format: one of json|yaml|short (default "short")
      --fqdn string         Filter clusters/endpoints by substring of the service FQDN
      --port int            Filter by port
      --name string         Filter routes by name
`;

interface Opts { kind: Kind; pod: string; adminAddr: string; output: 'short' | 'json' | 'yaml'; fqdn?: string; port?: number; name?: string }

function parse(args: readonly string[]): Opts | string {
  const [kindArg, ...rest] = args;
  const kind = kindArg === undefined ? undefined : KINDS[kindArg];
  if (kind === undefined) return `unknown proxy-config command "${kindArg ?? ''}"`;
  let pod = '';
  let adminAddr = '';
  let output: Opts['output'] = 'short';
  let fqdn: string | undefined;
  let port: number | undefined;
  let name: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const val = (): string => (eq > 0 ? a.slice(eq + 1) : rest[++i] ?? '');
    switch (flag) {
      case '--admin-addr': adminAddr = val(); break;
      case '-o': case '--output': {
        const o = val();
        if (o !== 'short' && o !== 'json' && o !== 'yaml') return `--output must be one of json|yaml|short, got "${o}"`;
        output = o;
        break;
      }
      case '--fqdn': fqdn = val(); break;
      case '--port': port = Number(val()); break;
      case '--name': name = val(); break;
      default:
        if (a.startsWith('-')) return `unknown flag: ${flag}`;
        if (pod !== '') return `accepts 1 arg, received 2`;
        pod = a;
    }
  }
  if (!/^[^:\s]+:\d+$/.test(adminAddr)) return '--admin-addr HOST:PORT is required (istio-ts reads the proxy admin API directly; there is no kubectl port-forward)';
  return { kind, pod, adminAddr, output, fqdn, port, name };
}

async function fetchJson(addr: string, path: string): Promise<any> {
  const r = await fetch(`http://${addr}${path}`);
  if (!r.ok) throw new Error(`${path} on ${addr} answered ${r.status}`);
  return r.json();
}

const section = (dump: any, type: string): any => (dump.configs as any[]).find((c) => c['@type'] === `type.googleapis.com/envoy.admin.v3.${type}`) ?? {};

/** `outbound|9080|v1|reviews.default.svc.cluster.local` → direction, port, subset, fqdn. */
function subsetKey(name: string): { direction: string; port: string; subset: string; fqdn: string } | undefined {
  const p = name.split('|');
  if (p.length < 4) return undefined;
  return { direction: p[0], port: p[1], subset: p[2], fqdn: p[3] };
}

function destinationRule(c: any): string {
  const cfg = c.metadata?.filter_metadata?.istio?.config;
  const m = typeof cfg === 'string' ? /\/namespaces\/([^/]+)\/destination-rule\/([^/]+)$/.exec(cfg) : null;
  return m ? `${m[2]}.${m[1]}` : '';
}

function clustersTable(dump: any, o: Opts): string {
  const cs = (section(dump, 'ClustersConfigDump').dynamic_active_clusters ?? []).map((d: any) => d.cluster);
  const rows = cs.map((c: any) => ({ c, k: subsetKey(c.name) }))
    .filter(({ c, k }: any) => (o.fqdn === undefined || c.name.includes(o.fqdn)) && (o.port === undefined || k?.port === String(o.port)))
    .sort((a: any, b: any) => {
      const ka = a.k ?? { fqdn: a.c.name, subset: '', port: '0', direction: '' };
      const kb = b.k ?? { fqdn: b.c.name, subset: '', port: '0', direction: '' };
      return ka.fqdn.localeCompare(kb.fqdn) || ka.subset.localeCompare(kb.subset) || Number(ka.port) - Number(kb.port) || ka.direction.localeCompare(kb.direction);
    })
    .map(({ c, k }: any) => (k ? [k.fqdn, k.port, k.subset || '-', k.direction, c.type ?? 'STATIC', destinationRule(c)] : [c.name, '-', '-', '-', c.type ?? 'STATIC', destinationRule(c)]));
  return tabulate([['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE'], ...rows], 5);
}

function listenerMatch(fc: any): string {
  const m = fc.filter_chain_match ?? {};
  const d: string[] = [];
  if (m.server_names?.length) d.push(`SNI: ${m.server_names.join(',')}`);
  if (m.transport_protocol) d.push(`Trans: ${m.transport_protocol}`);
  if (m.application_protocols?.length) d.push(`App: ${m.application_protocols.join(',')}`);
  const port = m.destination_port !== undefined ? `:${m.destination_port}` : '';
  if (m.prefix_ranges?.length) d.push(`Addr: ${m.prefix_ranges.map((p: any) => `${p.address_prefix}/${p.prefix_len ?? 0}`).join(',')}${port}`);
  else if (port) d.push(`Addr: *${port}`);
  return d.length === 0 ? 'ALL' : d.join('; ');
}

function listenerDestination(fc: any): string {
  for (const f of fc.filters ?? []) {
    const tc = f.typed_config ?? {};
    if (tc['@type']?.endsWith('HttpConnectionManager')) {
      if (tc.rds?.route_config_name) return `Route: ${tc.rds.route_config_name}`;
      const vhs = tc.route_config?.virtual_hosts ?? [];
      const r = vhs.length === 1 && vhs[0].domains?.length === 1 && vhs[0].domains[0] === '*' && vhs[0].routes?.length === 1 ? vhs[0].routes[0] : undefined;
      if (r?.match?.prefix === '/' && r.route?.cluster) return r.route.cluster.includes('Cluster') ? r.route.cluster : `Cluster: ${r.route.cluster}`;
      return tc.route_config ? 'Inline Route' : 'HTTP';
    }
    if (tc['@type']?.endsWith('TcpProxy') && tc.cluster) return tc.cluster.includes('Cluster') ? tc.cluster : `Cluster: ${tc.cluster}`;
  }
  return 'Non-HTTP/Non-TCP';
}

function listenersTable(dump: any, o: Opts): string {
  const ls = (section(dump, 'ListenersConfigDump').dynamic_listeners ?? []).filter((d: any) => d.active_state?.listener).map((d: any) => d.active_state.listener);
  const rows: string[][] = [];
  ls.filter((l: any) => o.port === undefined || l.address?.socket_address?.port_value === o.port)
    .sort((a: any, b: any) => (a.address?.socket_address?.port_value ?? 0) - (b.address?.socket_address?.port_value ?? 0) || String(a.address?.socket_address?.address).localeCompare(String(b.address?.socket_address?.address)))
    .forEach((l: any) => {
      const chains = [...(l.filter_chains ?? []), ...(l.default_filter_chain ? [l.default_filter_chain] : [])];
      const matches = chains.map((fc: any) => ({ match: listenerMatch(fc), destination: listenerDestination(fc) }))
        .sort((a: any, b: any) => (a.destination > b.destination ? -1 : a.destination < b.destination ? 1 : 0));
      for (const m of matches) rows.push([l.address?.socket_address?.address ?? '', String(l.address?.socket_address?.port_value ?? 0), m.match, m.destination]);
    });
  return tabulate([['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION'], ...rows], 1);
}

function describeMatch(m: any): string {
  if (m.prefix !== undefined) return `${m.prefix}*`;
  if (m.path !== undefined) return m.path;
  if (m.path_separated_prefix !== undefined) return `${m.path_separated_prefix}/*`;
  if (m.safe_regex !== undefined) return `regex ${m.safe_regex.regex}`;
  return '';
}

function routesTable(dump: any, o: Opts): string {
  const rcs = (section(dump, 'RoutesConfigDump').dynamic_route_configs ?? []).map((d: any) => d.route_config)
    .filter((r: any) => o.name === undefined || r.name === o.name);
  const rows: string[][] = [];
  for (const rc of rcs) {
    for (const vh of rc.virtual_hosts ?? []) {
      for (const r of vh.routes ?? []) {
        const vs = r.metadata?.filter_metadata?.istio?.config;
        const m = typeof vs === 'string' ? /\/namespaces\/([^/]+)\/virtual-service\/([^/]+)$/.exec(vs) : null;
        rows.push([rc.name, vh.name, (vh.domains ?? []).join(', ').length > 0 ? (vh.domains.length === 1 ? vh.domains[0] : `${vh.domains[0]} + ${vh.domains.length - 1} more...`) : '', describeMatch(r.match ?? {}), m ? `${m[2]}.${m[1]}` : '']);
      }
    }
  }
  return tabulate([['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE'], ...rows], 2);
}

function endpointsTable(clusters: any, o: Opts): string {
  const rows: string[][] = [];
  for (const c of clusters.cluster_statuses ?? []) {
    if (o.fqdn !== undefined && !c.name.includes(o.fqdn)) continue;
    for (const h of c.host_statuses ?? []) {
      const sa = h.address?.socket_address ?? {};
      if (o.port !== undefined && sa.port_value !== o.port) continue;
      const loc = h.locality ?? {};
      const locality = [loc.region, loc.zone, loc.sub_zone].filter((x) => x).join('/');
      rows.push([`${sa.address}:${sa.port_value}`, h.health_status?.eds_health_status ?? 'HEALTHY', locality, c.name]);
    }
  }
  return tabulate([['ENDPOINT', 'STATUS', 'LOCALITY', 'CLUSTER'], ...rows], 5);
}

async function run(args: readonly string[], io: CommandIO): Promise<number> {
  if (args.length === 0 || args[0] === '-h' || args[0] === '--help') {
    io.stdout.write(HELP);
    return args.length === 0 ? 1 : 0;
  }
  const o = parse(args);
  if (typeof o === 'string') {
    io.stderr.write(`Error: ${o}\n`);
    return 1;
  }
  try {
    const needDump = o.kind !== 'endpoints';
    const dump = needDump ? await fetchJson(o.adminAddr, '/config_dump') : undefined;
    const clusters = o.kind === 'endpoints' || o.kind === 'all' ? await fetchJson(o.adminAddr, '/clusters?format=json') : undefined;
    if (o.output !== 'short') {
      const pick = (type: string, list: string, key: string) => (section(dump, type)[list] ?? []).map((d: any) => d[key] ?? d.active_state?.listener).filter((x: any) => x);
      const value = o.kind === 'all' ? dump
        : o.kind === 'clusters' ? pick('ClustersConfigDump', 'dynamic_active_clusters', 'cluster')
          : o.kind === 'listeners' ? pick('ListenersConfigDump', 'dynamic_listeners', 'listener')
            : o.kind === 'routes' ? pick('RoutesConfigDump', 'dynamic_route_configs', 'route_config')
              : clusters.cluster_statuses ?? [];
      io.stdout.write(o.output === 'json' ? `${JSON.stringify(value, null, 4)}\n` : `${(await import('js-yaml')).dump(value)}`);
      return 0;
    }
    switch (o.kind) {
      case 'clusters': io.stdout.write(clustersTable(dump, o)); break;
      case 'listeners': io.stdout.write(listenersTable(dump, o)); break;
      case 'routes': io.stdout.write(routesTable(dump, o)); break;
      case 'endpoints': io.stdout.write(endpointsTable(clusters, o)); break;
      case 'all':
        io.stdout.write(`${clustersTable(dump, o)}\n${listenersTable(dump, o)}\n${routesTable(dump, o)}\n${endpointsTable(clusters, o)}`);
        break;
    }
    return 0;
  } catch (e) {
    io.stderr.write(`Error: failed to retrieve proxy config from ${o.adminAddr}${o.pod ? ` (${o.pod})` : ''}: ${(e as Error).message}\n`);
    return 1;
  }
}

export const proxyConfigCommand: Command = {
  name: 'proxy-config',
  summary: 'Retrieve information about proxy configuration from Envoy',
  run,
};
