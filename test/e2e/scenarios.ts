// Traffic-management scenarios shared by the two client paths of the e2e mesh: through the
// ingress gateway (an "outside" curl to `pilot-agent proxy router`) and through sidecars (an
// unmodified curl in one app host, captured by iptables). Each scenario writes its own Istio
// YAML into istiod's directory, waits until the proxies behave accordingly (pushes are
// asynchronous), proves the behaviour from the client, the backends' logs and the proxies'
// stats, and removes its YAML again so the next scenario starts from plain routing.
import assert from 'node:assert/strict';
import type { EchoReply, LoadReport, Mesh } from './harness/index.js';

/** Where requests come from and which proxy routes them. */
export interface ClientPath {
  readonly kind: 'gateway' | 'sidecar';
  /** The host the client runs in. */
  readonly from: string;
  /** The proxy whose stats count the client side (`ingress` or the client's host). */
  readonly proxy: string;
  url(service: string, path: string): string;
  headers(service: string): string[];
}

export const fqdn = (service: string): string => `${service}.default.svc.cluster.local`;

export function viaGateway(mesh: Mesh): ClientPath {
  const ip = mesh.host('ingress').ip;
  return { kind: 'gateway', from: 'outside', proxy: 'ingress', url: (_s, p) => `http://${ip}${p}`, headers: (s) => [`Host: ${fqdn(s)}`] };
}

export function viaSidecar(client: string): ClientPath {
  return { kind: 'sidecar', from: client, proxy: client, url: (s, p) => `http://${s}:8080${p}`, headers: () => [] };
}

export const GATEWAY_YAML = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: e2e-gateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
  - port: {number: 31400, name: tcp, protocol: TCP}
    hosts: ["*"]
`;

/** A VirtualService for `service` bound to the mesh and the e2e gateway; `http` is the YAML list under `http:`. */
export function virtualService(service: string, http: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${service}, namespace: default}
spec:
  hosts: [${fqdn(service)}]
  gateways: [mesh, istio-system/e2e-gateway]
  http:
${http.replace(/^/gm, '  ').trimEnd()}
`;
}

export function destinationRule(service: string, trafficPolicy = '', subsets = ['v1', 'v2']): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${service}, namespace: default}
spec:
  host: ${fqdn(service)}
${trafficPolicy ? `  trafficPolicy:\n${trafficPolicy.replace(/^/gm, '    ').trimEnd()}\n` : ''}  subsets:
${subsets.map((v) => `  - {name: ${v}, labels: {version: ${v}}}`).join('\n')}
`;
}

export interface Answer {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
  /** The backend's echo, when the answer came from an echo app. */
  readonly reply: EchoReply | undefined;
  readonly ms: number;
}

/** One request with curl from the path's client host; headers and status parsed from `curl -i`. */
export async function request(mesh: Mesh, path: ClientPath, service: string, p: string, headers: readonly string[] = []): Promise<Answer> {
  const args = ['-sS', '-i', '--max-time', '10'];
  // A Host given by the scenario replaces the path's (curl would send the first one).
  const own = headers.some((h) => /^host:/i.test(h));
  for (const h of [...path.headers(service).filter((h) => !own || !/^host:/i.test(h)), ...headers]) args.push('-H', h);
  const t0 = Date.now();
  const r = await mesh.host(path.from).run('curl', [...args, path.url(service, p)], { timeoutMs: 15_000 });
  const ms = Date.now() - t0;
  assert.equal(r.code, 0, `curl ${path.url(service, p)} from ${path.from} failed (exit ${r.code}): ${r.stderr}`);
  const split = r.stdout.indexOf('\r\n\r\n');
  const head = r.stdout.slice(0, split).split('\r\n');
  const body = r.stdout.slice(split + 4);
  const map = new Map<string, string>();
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    map.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  let reply: EchoReply | undefined;
  if (map.get('content-type') === 'application/json' && map.has('x-app')) reply = JSON.parse(body) as EchoReply;
  return { status: Number(head[0].split(' ')[1]), headers: map, body, reply, ms };
}

/** `app/version` of the backend that answered, or `<status>` for a non-echo answer. */
export async function who(mesh: Mesh, path: ClientPath, service: string, p = '/', headers: readonly string[] = []): Promise<string> {
  const a = await request(mesh, path, service, p, headers);
  return a.reply ? `${a.reply.app}/${a.reply.version}` : `<${a.status}>`;
}

export function load(mesh: Mesh, path: ClientPath, service: string, o: { durationMs: number; rate: number; concurrency: number; p?: string }): Promise<LoadReport> {
  return startLoad(mesh, path, service, o).report;
}

export function startLoad(mesh: Mesh, path: ClientPath, service: string, o: { durationMs: number; rate: number; concurrency: number; p?: string }): { started: Promise<void>; report: Promise<LoadReport> } {
  return mesh.startLoad(path.from, path.url(service, o.p ?? '/'), { ...o, headers: path.headers(service) });
}

export function failures(r: LoadReport): string[] {
  return r.requests.filter(([, s]) => s < 200 || s >= 300).map(([t, s, a]) => `${t}ms: ${s} ${a}`).concat(r.errors);
}

/** Counts answers per `app/version` among requests started in [fromMs, toMs). */
export function tally(r: LoadReport, fromMs = 0, toMs = Infinity): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [t, , a] of r.requests) if (t >= fromMs && t < toMs) out[a] = (out[a] ?? 0) + 1;
  return out;
}

/**
 * Writes config and waits until `probe` sees its effect; on timeout the error carries what the
 * client-side proxy holds (its routes) and the tail of istiod's and the proxy's logs.
 */
export async function apply(mesh: Mesh, path: ClientPath, files: Readonly<Record<string, string>>, what: string, probe: () => Promise<boolean | string>): Promise<void> {
  const proxy = path.proxy;
  for (const [name, text] of Object.entries(files)) mesh.writeConfig(name, text);
  try {
    await mesh.until(what, probe, 25_000);
  } catch (err) {
    const dump = JSON.parse(await mesh.admin(proxy, '/config_dump')) as { configs: Array<Record<string, unknown>> };
    const routes = JSON.stringify(dump.configs.find((c) => String(c['@type']).endsWith('.RoutesConfigDump'))).slice(0, 6000);
    const tail = (t: string) => t.split('\n').slice(-15).join('\n');
    throw new Error(`${(err as Error).message}\n--- ${proxy} routes\n${routes}\n--- istiod\n${tail(mesh.istiod.stderr)}\n--- proxy\n${tail(mesh.entry(proxy).proxy?.stderr ?? '')}`);
  }
}

/** The default routing every scenario returns to: the service's v1 subset. */
export const V1_ONLY = '- route: [{destination: {host: httpbin.default.svc.cluster.local, subset: v1, port: {number: 8080}}}]\n';

let resets = 0;

/**
 * Back to plain routing (httpbin v1, no traffic policy). The route stamps a response header with
 * a fresh token, so the wait ends only once this very config is in force: answers from v1 alone
 * would not prove that when the previous config also sent (some) traffic to v1.
 */
export async function resetRouting(mesh: Mesh, path: ClientPath): Promise<void> {
  for (const name of ['dr-extra', 'outlier']) mesh.removeConfig(name);
  const token = `reset-${++resets}`;
  const vs = virtualService('httpbin', `${V1_ONLY}  headers: {response: {set: {x-e2e-config: ${token}}}}\n`);
  await apply(mesh, path, { 'vs-httpbin': vs, 'dr-httpbin': destinationRule('httpbin') }, 'routing back to httpbin v1', async () => {
    const a = await request(mesh, path, 'httpbin', '/reset');
    const got = `${a.reply ? `${a.reply.app}/${a.reply.version}` : a.status} ${a.headers.get('x-e2e-config') ?? '(no token)'}`;
    return got === `httpbin/v1 ${token}` ? true : got;
  });
}

/** Counter delta between two /stats snapshots. */
export function delta(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>, name: string): number {
  return (after.get(name) ?? 0) - (before.get(name) ?? 0);
}
