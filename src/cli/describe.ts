// `istioctl x describe service|pod`: what governs traffic to a service or pod — its ports,
// endpoints, DestinationRule subsets and policy, VirtualService routes, and (for a pod) its
// proxy's sync state — read from istiod's debug endpoints (registryz, endpointz, configz, syncz).
import type { Command, CommandIO } from './command.js';
import { fetchIstiodJson, parseIstiodArgs, proxyStatusRows, type SyncRow } from './proxy-status.js';

interface ServiceJson { hostname: string; namespace: string; name: string; ports: Array<{ name: string; port: number; protocol: string; targetPort?: number | string }> }
interface EndpointJson { address: string; port: number; servicePort: number; labels: Record<string, string>; workloadName: string; healthStatus: string }
interface ConfigJson { kind: string; metadata: { name: string; namespace: string; labels?: Record<string, string> }; spec: Record<string, any> }

interface MeshView {
  services: ServiceJson[];
  endpoints: Map<string, EndpointJson[]>;
  configs: ConfigJson[];
  syncz: SyncRow[];
}

async function load(addr: string): Promise<MeshView> {
  const [services, endpointz, configz, syncz] = await Promise.all([
    fetchIstiodJson(addr, '/debug/registryz'), fetchIstiodJson(addr, '/debug/endpointz'),
    fetchIstiodJson(addr, '/debug/configz'), fetchIstiodJson(addr, '/debug/syncz'),
  ]);
  const endpoints = new Map<string, EndpointJson[]>();
  for (const e of endpointz as Array<{ service: string; namespace: string; endpoints: EndpointJson[] }>) endpoints.set(`${e.namespace}/${e.service}`, e.endpoints);
  const items = Array.isArray(configz) ? configz : (configz as { items: ConfigJson[] }).items;
  return { services: services as ServiceJson[], endpoints, configs: items as ConfigJson[], syncz: syncz as SyncRow[] };
}

const labelsMatch = (sel: Record<string, string> | undefined, labels: Record<string, string>) => Object.entries(sel ?? {}).every(([k, v]) => labels[k] === v);

/** Resolves a host as written in a config in `ns` (short names are Kubernetes services of that namespace). */
function fqdn(host: string, ns: string): string {
  return host.includes('.') || host.startsWith('*') ? host : `${host}.${ns}.svc.cluster.local`;
}

function hostMatches(pattern: string, host: string): boolean {
  return pattern === host || pattern === '*' || (pattern.startsWith('*') && host.endsWith(pattern.slice(1)));
}

function matchText(m: Record<string, any>): string {
  const parts: string[] = [];
  if (m.uri) parts.push(`uri ${Object.entries(m.uri).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join('')}`);
  for (const [h, sm] of Object.entries((m.headers ?? {}) as Record<string, Record<string, string>>)) parts.push(`header ${h} ${Object.entries(sm).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join('') || 'present'}`);
  if (m.port) parts.push(`port ${m.port}`);
  if (m.sourceLabels) parts.push(`source labels ${Object.entries(m.sourceLabels).map(([k, v]) => `${k}=${v}`).join(',')}`);
  return parts.join(' and ');
}

export function describeService(view: MeshView, svc: ServiceJson): string {
  const lines: string[] = [`Service: ${svc.name}`];
  const eps = view.endpoints.get(`${svc.namespace}/${svc.hostname}`) ?? [];
  for (const p of svc.ports) {
    const targets = [...new Set(eps.filter((e) => e.servicePort === p.port).map((e) => e.port))];
    lines.push(`   Port: ${p.name} ${p.port}/${p.protocol} targets pod port ${targets.length > 0 ? targets.join(',') : (p.targetPort ?? p.port)}`);
  }
  lines.push(eps.length > 0 ? `   Endpoints: ${eps.map((e) => `${e.address}:${e.port}${e.healthStatus === 'Healthy' ? '' : ` (${e.healthStatus})`}`).join(', ')}` : '   Endpoints: none');
  const drs = view.configs.filter((c) => c.kind === 'DestinationRule' && fqdn(String(c.spec.host), c.metadata.namespace) === svc.hostname);
  for (const dr of drs) {
    lines.push(`DestinationRule: ${dr.metadata.name}.${dr.metadata.namespace} for "${dr.spec.host}"`);
    const subsets = (dr.spec.subsets ?? []) as Array<{ name: string; labels?: Record<string, string> }>;
    const matching = subsets.filter((s) => eps.some((e) => labelsMatch(s.labels, e.labels))).map((s) => s.name);
    const other = subsets.map((s) => s.name).filter((n) => !matching.includes(n));
    if (subsets.length > 0) lines.push(`   Matching subsets: ${matching.join(',') || '(none)'}`);
    if (other.length > 0) lines.push(`      (Non-matching subsets ${other.join(',')})`);
    const tp = dr.spec.trafficPolicy as Record<string, any> | undefined;
    if (!tp) lines.push('   No Traffic Policy');
    else {
      if (tp.tls?.mode) lines.push(`   Traffic Policy TLS Mode: ${tp.tls.mode}`);
      if (tp.loadBalancer) lines.push(`   Policies: load balancer ${JSON.stringify(tp.loadBalancer)}`);
    }
  }
  const vss = view.configs.filter((c) => c.kind === 'VirtualService'
    && ((c.spec.gateways ?? []) as string[]).every((g) => g === 'mesh')
    && ((c.spec.hosts ?? []) as string[]).some((h) => hostMatches(fqdn(h, c.metadata.namespace), svc.hostname)));
  for (const vs of vss) {
    const http = (vs.spec.http ?? []) as Array<Record<string, any>>;
    lines.push(`VirtualService: ${vs.metadata.name}.${vs.metadata.namespace}`);
    lines.push(`   ${http.length} HTTP route(s)`);
    for (const r of http) {
      const matches = ((r.match ?? []) as Array<Record<string, any>>).map(matchText).filter(Boolean);
      if (matches.length > 0) lines.push(`   when ${matches.join(' or ')}`);
      if (r.fault?.abort) lines.push(`      Fault: abort ${r.fault.abort.grpcStatus ? `gRPC ${r.fault.abort.grpcStatus}` : `HTTP ${r.fault.abort.httpStatus}`} for ${r.fault.abort.percentage?.value ?? 100}%`);
      if (r.fault?.delay) lines.push(`      Fault: delay ${r.fault.delay.fixedDelay} for ${r.fault.delay.percentage?.value ?? 100}%`);
      const dests = (r.route ?? []) as Array<{ destination: { host: string; subset?: string }; weight?: number }>;
      for (const d of dests) {
        lines.push(`      Route to host "${d.destination.host}"${d.destination.subset ? ` subset "${d.destination.subset}"` : ''}${dests.length > 1 || d.weight !== undefined ? ` with weight ${d.weight ?? 0}%` : ''}`);
      }
    }
  }
  if (vss.length === 0) lines.push('VirtualService: none (traffic goes to all endpoints)');
  return `${lines.join('\n')}\n`;
}

const HELP = `Describe resource and related Istio configuration

Usage:
  istioctl x describe service <name>[.<namespace>] [--istiod host:port]
  istioctl x describe pod <name>[.<namespace>] [--istiod host:port]
`;

function split(nameNs: string): { name: string; ns: string } {
  const dot = nameNs.indexOf('.');
  return dot < 0 ? { name: nameNs, ns: 'default' } : { name: nameNs.slice(0, dot), ns: nameNs.slice(dot + 1) };
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
  const [kind, target] = p.positional;
  if (!['service', 'svc', 'pod', 'po'].includes(kind ?? '') || !target) {
    io.stderr.write(`Error: expected "service <name>" or "pod <name>"\n\n${HELP}`);
    return 1;
  }
  const { name, ns } = split(target);
  let view: MeshView;
  try {
    view = await load(p.istiod);
  } catch (err) {
    io.stderr.write(`Error: ${(err as Error).message}\n`);
    return 1;
  }
  if (kind === 'service' || kind === 'svc') {
    const svc = view.services.find((s) => s.namespace === ns && (s.name === name || s.hostname === name || s.hostname.startsWith(`${name}.${ns}.svc.`)));
    if (!svc) {
      io.stderr.write(`Error: service ${name} not found in namespace ${ns}\n`);
      return 1;
    }
    io.stdout.write(describeService(view, svc));
    return 0;
  }
  const pod = view.configs.find((c) => c.kind === 'Pod' && c.metadata.name === name && c.metadata.namespace === ns);
  const served = view.services.filter((s) => s.namespace === ns && (view.endpoints.get(`${s.namespace}/${s.hostname}`) ?? []).some((e) => e.workloadName === name));
  const proxy = view.syncz.filter((r) => r.proxy === `${name}.${ns}`);
  if (!pod && served.length === 0 && proxy.length === 0) {
    io.stderr.write(`Error: pod ${name} not found in namespace ${ns}\n`);
    return 1;
  }
  const out: string[] = [`Pod: ${name}`];
  if (pod) out.push(`   Pod Labels: ${Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || '(none)'}`);
  if (proxy.length > 0) {
    const [, row] = proxyStatusRows(proxy);
    out.push(`   Proxy: connected, CDS ${row[2]}, LDS ${row[3]}, EDS ${row[4]}, RDS ${row[5]}`);
    for (const [type, msg] of Object.entries(proxy[0].nacks ?? {})) out.push(`   WARNING: ${type} rejected by the proxy: ${msg}`);
  } else {
    out.push('   Proxy: not connected to this istiod');
  }
  io.stdout.write(`${out.join('\n')}\n`);
  for (const s of served) io.stdout.write(`--------------------\n${describeService(view, s)}`);
  return 0;
}

export const describeCommand: Command = {
  name: 'x describe',
  summary: 'Describe a service or pod and the Istio configuration that applies to it',
  run,
};
