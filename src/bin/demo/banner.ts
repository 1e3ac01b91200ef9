// What the demo prints once the mesh is up: where to send requests (from the Gateways and their
// VirtualServices), which file to edit to shift traffic, how to look inside, where the logs are.
import { relative } from 'node:path';
import type { Doc, PodPlan } from './plan.js';

export interface RunningProxy {
  readonly pod: string;
  readonly namespace: string;
  readonly role: 'sidecar' | 'gateway';
  readonly admin: number;
  readonly status: number;
}

export interface BannerInput {
  readonly docs: readonly Doc[];
  readonly pods: readonly PodPlan[];
  readonly proxies: readonly RunningProxy[];
  readonly monitoringAddr: string;
  readonly logDir: string;
  /** The command that runs istioctl, as the user would type it from their directory. */
  readonly istioctl: string;
}

export interface GatewayRoute {
  readonly url: string;
  /** `exact` or `prefix` match, as written. */
  readonly match: string;
  readonly path: string;
  readonly destination: string;
}

interface Obj { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: any }
const objs = (docs: readonly Doc[]) => docs.map((d) => ({ file: d.file, o: (d.value ?? {}) as Obj }));

/** Each gateway VirtualService route reachable on a Gateway server bound to an address we run. */
export function gatewayRoutes(docs: readonly Doc[], pods: readonly PodPlan[]): GatewayRoute[] {
  const out: GatewayRoute[] = [];
  const all = objs(docs);
  for (const { o: gw } of all.filter((x) => x.o.kind === 'Gateway')) {
    const gwNs = gw.metadata?.namespace || 'default';
    const selected = pods.some((p) => p.role === 'gateway' && Object.entries(gw.spec?.selector ?? {}).every(([k, v]) => p.labels[k] === v));
    if (!selected) continue;
    for (const server of gw.spec?.servers ?? []) {
      if (!['HTTP', 'HTTP2'].includes(String(server?.port?.protocol ?? '').toUpperCase())) continue;
      const url = `http://${server.bind || '127.0.0.1'}:${server.port.number}`;
      for (const { o: vs } of all.filter((x) => x.o.kind === 'VirtualService')) {
        const gws: string[] = vs.spec?.gateways ?? [];
        const vsNs = vs.metadata?.namespace || 'default';
        const bound = gws.some((g) => g === `${gwNs}/${gw.metadata?.name}` || (g === gw.metadata?.name && vsNs === gwNs));
        if (!bound) continue;
        for (const h of vs.spec?.http ?? []) {
          const dest = h.route?.[0]?.destination;
          const destination = dest ? `${dest.host}${dest.port?.number ? `:${dest.port.number}` : ''}` : h.redirect ? 'redirect' : 'direct response';
          for (const m of h.match?.length ? h.match : [{ uri: { prefix: '/' } }]) {
            const uri = m.uri ?? { prefix: '/' };
            const [match, path] = uri.exact !== undefined ? ['exact', uri.exact] : uri.prefix !== undefined ? ['prefix', uri.prefix] : ['regex', uri.regex];
            out.push({ url, match, path: String(path), destination });
          }
        }
      }
    }
  }
  return out;
}

/** A path worth curling for a route (regex matches have none). */
export function examplePath(r: GatewayRoute): string | undefined {
  return r.match === 'exact' || r.match === 'prefix' ? r.path : undefined;
}

/** Files holding a VirtualService that splits traffic by weight: the ones to edit for a live shift. */
export function routingFiles(docs: readonly Doc[]): string[] {
  const files = new Set<string>();
  for (const { file, o } of objs(docs)) {
    if (o.kind !== 'VirtualService') continue;
    if ((o.spec?.http ?? []).some((h: any) => (h.route ?? []).length > 1)) files.add(file);
  }
  return [...files];
}

export function banner(b: BannerInput): string {
  const lines: string[] = ['', 'istio-ts demo mesh is ready.', ''];
  const routes = gatewayRoutes(b.docs, b.pods);
  if (routes.length > 0) {
    lines.push('Send requests through the ingress gateway:');
    for (const r of routes) {
      const p = examplePath(r);
      if (p !== undefined) lines.push(`  curl ${r.url}${p}`.padEnd(52) + `# ${r.match} ${r.path} → ${r.destination}`);
    }
    lines.push('');
  }
  const files = routingFiles(b.docs);
  if (files.length > 0) {
    lines.push('Change routing live: edit the weights in', ...files.map((f) => `  ${f}`),
      'and save; istiod pushes the change to every proxy within about a second.', '');
  }
  lines.push('Look inside:', `  ${b.istioctl} proxy-status --istiod ${b.monitoringAddr}`);
  // The sidecar behind the gateway's first route is the one with the most interesting routes.
  const entryApp = routes[0]?.destination.split(/[.:]/)[0];
  const entryPod = b.pods.find((p) => p.sidecar && p.labels.app === entryApp);
  const first = b.proxies.find((p) => p.pod === entryPod?.name && p.namespace === entryPod.namespace) ?? b.proxies.find((p) => p.role === 'sidecar') ?? b.proxies[0];
  if (first) lines.push(`  ${b.istioctl} proxy-config routes ${first.pod}.${first.namespace} --admin-addr 127.0.0.1:${first.admin}`);
  lines.push(`  curl http://${b.monitoringAddr}/debug/syncz`, '');
  lines.push('Proxies (admin API on 127.0.0.1):');
  for (const p of b.proxies) lines.push(`  ${`${p.pod}.${p.namespace}`.padEnd(36)}${p.role.padEnd(9)}admin 127.0.0.1:${p.admin}`);
  lines.push('', `Logs of every process: ${b.logDir}`, 'Press Ctrl-C to stop everything.', '');
  return lines.join('\n');
}

/** How to run istioctl from `cwd`: the compiled entry point, relative when it is below cwd. */
export function istioctlCommand(root: string, cwd: string): string {
  const rel = relative(cwd, `${root}/dist/src/bin/istioctl.js`);
  return `node ${rel.startsWith('..') ? `${root}/dist/src/bin/istioctl.js` : rel}`;
}
