// A whole mesh on the namespace network, shaped like a cluster: an istiod host (config from a
// directory of Kubernetes and Istio YAML), app hosts each running an unmodified app beside a
// `pilot-agent proxy sidecar` as UID 1337 with Istio's iptables capture, an ingress-gateway host
// (`pilot-agent proxy router`) and an "outside" host with no proxy. Services get ClusterIPs in
// 10.96.0.0/16, which every app host routes on-link where no host owns them: nothing answers, so a
// connection reaches a service only if the sidecar captured it. Service names resolve through a
// per-namespace /etc/hosts (`ip netns exec` bind-mounts /etc/netns/<ns>/hosts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, type Proc } from './exec.js';
import { PROXY_UID, repoRoot, type Host } from './host.js';
import { hostsFile, kubeYaml, type PodSpec, type ServiceSpec } from './kube-yaml.js';
import type { LoadReport } from './load-client.js';
import { Network } from './network.js';

/** Istio's sidecar-injector capture flags. */
export const CAPTURE_FLAGS = ['-p', '15001', '-z', '15006', '-u', String(PROXY_UID), '-m', 'REDIRECT', '-i', '*', '-b', '*'];
export const SERVICE_CIDR = '10.96.0.0/16';
export const ADMIN_PORT = 15000;
export const STATUS_PORT = 15020;

export interface AppSpec {
  /** Host and pod name (e.g. `reviews-v1`). */
  readonly host: string;
  /** `app` label = the Service that selects it (e.g. `reviews`). */
  readonly app: string;
  readonly version?: string;
  /** HTTP ports the app listens on (default [8080]). */
  readonly http?: readonly number[];
  readonly tcp?: readonly number[];
  /** Every HTTP request answers 500 (an outlier). */
  readonly failAll?: boolean;
  /** Default true; false = a host with the app only, outside the mesh's data plane. */
  readonly sidecar?: boolean;
  /** Default true; false = no Service, EndpointSlice or Pod: a destination the mesh does not know. */
  readonly registered?: boolean;
}

export interface LoadOptions {
  readonly durationMs: number;
  /** Requests per second, in total. */
  readonly rate: number;
  /** Keep-alive connections (and requests in flight at most). */
  readonly concurrency: number;
  readonly headers?: readonly string[];
}

export interface MeshOptions {
  readonly apps: readonly AppSpec[];
  /** Default: one Service per app label, ports `http` 8080 and `tcp` 9000 when the apps listen there. */
  readonly services?: readonly ServiceSpec[];
  /** Istio YAML (VirtualServices, DestinationRules, Gateways, ...) written beside the Kubernetes objects. */
  readonly istio?: Readonly<Record<string, string>>;
  /** MeshConfig YAML for istiod's --meshConfig. */
  readonly meshConfig?: string;
  readonly ingress?: boolean;
  /** A host with only a client (curl), no sidecar: "outside" the mesh. */
  readonly outside?: boolean;
  readonly subnet?: string;
}

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const here = dirname(fileURLToPath(import.meta.url));

/** Entry point of one of our programs, for Host.startNode (tsx maps nothing for entry files). */
export function program(name: 'istiod' | 'pilot-agent'): string {
  return join(repoRoot(), FROM_SOURCE ? 'src' : join('dist', 'src'), 'bin', `${name}.${FROM_SOURCE ? 'ts' : 'js'}`);
}

function harnessFile(name: string): string {
  return join(here, `${name}.${FROM_SOURCE ? 'ts' : 'js'}`);
}

function defaultServices(apps: readonly AppSpec[]): ServiceSpec[] {
  const out: ServiceSpec[] = [];
  for (const app of [...new Set(apps.filter((a) => a.registered !== false).map((a) => a.app))]) {
    const members = apps.filter((a) => a.app === app);
    const ports = [];
    if (members.some((a) => (a.http ?? [8080]).includes(8080))) ports.push({ name: 'http', port: 8080, targetPort: 8080 });
    if (members.some((a) => (a.tcp ?? []).includes(9000))) ports.push({ name: 'tcp', port: 9000, targetPort: 9000 });
    out.push({ name: app, namespace: 'default', clusterIP: `10.96.0.${10 + out.length}`, ports, selector: app });
  }
  return out;
}

export interface MeshHost {
  readonly host: Host;
  readonly spec?: AppSpec;
  readonly app?: Proc;
  readonly proxy?: Proc;
}

export class Mesh {
  readonly services: readonly ServiceSpec[];
  readonly configDir: string;
  readonly hosts = new Map<string, MeshHost>();
  istiod!: Proc;
  istiodHost!: Host;

  private constructor(readonly net: Network, readonly opts: MeshOptions) {
    this.services = opts.services ?? defaultServices(opts.apps);
    this.configDir = mkdtempSync(join(tmpdir(), 'istio-ts-e2e-'));
  }

  /** Builds the network, starts istiod, every app and sidecar, the gateway; waits until all proxies are ready. */
  static async create(opts: MeshOptions): Promise<Mesh> {
    const names = ['istiod', ...opts.apps.map((a) => a.host), ...(opts.ingress ? ['ingress'] : []), ...(opts.outside ? ['outside'] : [])];
    const net = await Network.create({ hosts: names, subnet: opts.subnet ?? '10.250.0' });
    const mesh = new Mesh(net, opts);
    try {
      await mesh.start();
      return mesh;
    } catch (err) {
      await mesh.close();
      throw err;
    }
  }

  /** Beside the config directory, so istiod does not read it as config. */
  get meshFile(): string {
    return `${this.configDir}-mesh.yaml`;
  }

  private readonly terminating = new Set<string>();

  /**
   * What Kubernetes does when a pod is deleted, beside sending SIGTERM: its endpoint turns not
   * ready and terminating in the EndpointSlice, so istiod stops sending traffic to it.
   */
  markTerminating(host: string): void {
    this.terminating.add(host);
    writeFileSync(join(this.configDir, 'kube.yaml'), kubeYaml(this.kubeServices(), this.pods()));
  }

  private pods(): PodSpec[] {
    const pods: PodSpec[] = this.opts.apps.filter((a) => a.registered !== false).map((a) => ({
      name: a.host, namespace: 'default', ip: this.net.host(a.host).ip,
      labels: { app: a.app, version: a.version ?? 'v1' }, serviceAccount: a.app, ports: [...(a.http ?? [8080]), ...(a.tcp ?? [])],
      ...(this.terminating.has(a.host) ? { terminating: true } : {}),
    }));
    if (this.opts.ingress) {
      pods.push({ name: 'istio-ingressgateway-e2e', namespace: 'istio-system', ip: this.net.host('ingress').ip, labels: INGRESS_LABELS, serviceAccount: 'istio-ingressgateway-service-account', ports: [80, 31400] });
    }
    return pods;
  }

  private kubeServices(): ServiceSpec[] {
    const services = [...this.services];
    if (this.opts.ingress) services.push({ name: 'istio-ingressgateway', namespace: 'istio-system', clusterIP: '10.96.200.1', ports: [{ name: 'http2', port: 80, targetPort: 80 }, { name: 'tcp', port: 31400, targetPort: 31400 }], selector: 'istio-ingressgateway' });
    return services;
  }

  private async start(): Promise<void> {
    writeFileSync(join(this.configDir, 'kube.yaml'), kubeYaml(this.kubeServices(), this.pods()));
    for (const [name, text] of Object.entries(this.opts.istio ?? {})) this.writeConfig(name, text);
    if (this.opts.meshConfig !== undefined) writeFileSync(this.meshFile, this.opts.meshConfig);

    this.istiodHost = this.net.host('istiod');
    await this.startIstiod();

    const hosts = hostsFile(this.services);
    await Promise.all(this.opts.apps.map(async (spec) => {
      const host = this.net.host(spec.host);
      mkdirSync(`/etc/netns/${host.ns}`, { recursive: true });
      writeFileSync(`/etc/netns/${host.ns}/hosts`, hosts);
      // The service range leads nowhere (on-link, but no host on the bridge owns it; dummy
      // links are not available in every container): only the sidecar's capture answers.
      await host.check('ip', ['route', 'add', SERVICE_CIDR, 'dev', 'eth0']);
      const args = [spec.app, spec.version ?? 'v1', '--http', (spec.http ?? [8080]).join(',')];
      if (spec.tcp?.length) args.push('--tcp', spec.tcp.join(','));
      if (spec.failAll) args.push('--fail-all');
      const app = host.startNode('app', harnessFile('echo-app'), args);
      // The app owns its ports first, as in a pod: a proxy that tried to bind them would fail.
      await host.waitForPort((spec.http ?? [8080])[0], { proc: app, timeoutMs: 30_000 });
      let proxy: Proc | undefined;
      if (spec.sidecar !== false) {
        await host.capture(CAPTURE_FLAGS);
        proxy = this.startProxy(host, 'sidecar', {
          POD_NAME: spec.host, POD_NAMESPACE: 'default', SERVICE_ACCOUNT: spec.app,
          ISTIO_METAJSON_LABELS: JSON.stringify({ app: spec.app, version: spec.version ?? 'v1' }),
          ISTIO_META_INTERCEPTION_MODE: 'REDIRECT',
        });
      }
      this.hosts.set(spec.host, { host, spec, app, proxy });
    }));
    if (this.opts.ingress) {
      const host = this.net.host('ingress');
      // As Istio's gateway chart does (sysctl in the pod), so UID 1337 may bind port 80.
      await host.check('sysctl', ['-qw', 'net.ipv4.ip_unprivileged_port_start=0']);
      const proxy = this.startProxy(host, 'router', {
        POD_NAME: 'istio-ingressgateway-e2e', POD_NAMESPACE: 'istio-system', SERVICE_ACCOUNT: 'istio-ingressgateway-service-account',
        ISTIO_METAJSON_LABELS: JSON.stringify(INGRESS_LABELS),
      });
      this.hosts.set('ingress', { host, proxy });
    }
    if (this.opts.outside) this.hosts.set('outside', { host: this.net.host('outside') });
    await Promise.all([...this.hosts.values()].filter((h) => h.proxy).map((h) => this.waitReady(h.host, h.proxy!)));
  }

  private async startIstiod(): Promise<void> {
    const args = ['--configDir', this.configDir, '--grpcAddr', `${this.istiodHost.ip}:15010`, '--monitoringAddr', `${this.istiodHost.ip}:15014`];
    if (this.opts.meshConfig !== undefined) args.push('--meshConfig', this.meshFile);
    this.istiod = this.istiodHost.startNode('istiod', program('istiod'), args, { env: { ISTIO_TS_LOG: 'info' } });
    await this.istiodHost.waitForPort(15010, { proc: this.istiod, timeoutMs: 30_000 });
  }

  private startProxy(host: Host, type: 'sidecar' | 'router', env: Record<string, string>): Proc {
    return host.startNode(`pilot-agent-${type}`, program('pilot-agent'), [
      'proxy', type, '--discoveryAddress', `${this.istiodHost.ip}:15010`, '--concurrency', '1',
      '--proxyAdminPort', String(ADMIN_PORT), '--statusPort', String(STATUS_PORT),
    ], { uid: PROXY_UID, env: { INSTANCE_IP: host.ip, ISTIO_TS_LOG: 'info', ISTIO_TS_XDS_BACKOFF_MS: '200', ...env } });
  }

  /**
   * Waits for the proxy's /healthz/ready (the first full config is applied). A proxy that NACKed
   * its config will not become ready from static config, so that fails after a short grace.
   */
  async waitReady(host: Host, proxy: Proc, timeoutMs = 40_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let nackedAt: number | undefined;
    while (Date.now() < deadline) {
      if (!proxy.running) throw new Error(`${proxy.name} exited before ready:\n${proxy.describe()}`);
      if (nackedAt === undefined && /"msg":"NACK"/.test(proxy.stderr)) nackedAt = Date.now();
      if (nackedAt !== undefined && Date.now() - nackedAt > 5_000) {
        const nacks = proxy.stderr.split('\n').filter((l) => l.includes('NACK') || l.includes('"level":"error"'));
        throw new Error(`${proxy.name} NACKed its config and is not ready:\n${nacks.join('\n')}`);
      }
      const r = await host.run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', `http://127.0.0.1:${STATUS_PORT}/healthz/ready`]);
      if (r.stdout === '200') return;
      await sleep(250);
    }
    throw new Error(`${proxy.name} not ready after ${timeoutMs} ms\n${proxy.describe()}\n${this.istiod.describe()}`);
  }

  host(name: string): Host {
    return this.net.host(name);
  }

  entry(name: string): MeshHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no mesh host ${name}`);
    return h;
  }

  /** Writes (or replaces) one file of Istio YAML in istiod's watched directory. */
  writeConfig(name: string, text: string): void {
    writeFileSync(join(this.configDir, name.endsWith('.yaml') ? name : `${name}.yaml`), text);
  }

  removeConfig(name: string): void {
    rmSync(join(this.configDir, name.endsWith('.yaml') ? name : `${name}.yaml`), { force: true });
  }

  /** Restarts istiod on the same addresses (its proxies reconnect). */
  async restartIstiod(): Promise<void> {
    await this.istiod.stop(5_000);
    await this.startIstiod();
  }

  /** The proxy's `/stats` counters (`name: value` lines) as a map. */
  async stats(name: string): Promise<Map<string, number>> {
    const r = await this.host(name).check('curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${ADMIN_PORT}/stats`]);
    const out = new Map<string, number>();
    for (const line of r.stdout.split('\n')) {
      const m = /^(\S+): (\d+)$/.exec(line);
      if (m) out.set(m[1], Number(m[2]));
    }
    return out;
  }

  /** GET on a proxy's admin API from inside its host. */
  async admin(name: string, path: string): Promise<string> {
    return (await this.host(name).check('curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${ADMIN_PORT}${path}`])).stdout;
  }

  /** Every `REQ {...}` line an app logged so far (one per HTTP request it served). */
  appRequests(name: string): Array<{ app: string; path: string; peer: string; host: string; seq: number }> {
    const app = this.entry(name).app;
    if (!app) return [];
    return app.stdout.split('\n').filter((l) => l.startsWith('REQ ')).map((l) => JSON.parse(l.slice(4)));
  }

  /**
   * Starts the load client in `from` (captured like any app). `started` resolves when its clock
   * starts (the report's times count from there), `report` when it is done.
   */
  startLoad(from: string, url: string, o: LoadOptions): { started: Promise<void>; report: Promise<LoadReport> } {
    const args = [url, '--duration', String(o.durationMs), '--rate', String(o.rate), '--concurrency', String(o.concurrency)];
    for (const h of o.headers ?? []) args.push('--header', h);
    const proc = this.host(from).startNode('load', harnessFile('load-client'), args);
    const started = (async () => {
      const deadline = Date.now() + 30_000;
      while (!proc.stdout.startsWith('START\n')) {
        if (!proc.running || Date.now() > deadline) throw new Error(`load client did not start:\n${proc.describe()}`);
        await sleep(20);
      }
    })();
    const report = (async () => {
      const code = await Promise.race([proc.exited, sleep(o.durationMs + 60_000).then(() => -1)]);
      if (code !== 0) {
        await proc.stop();
        throw new Error(`load client failed (${code}):\n${proc.describe()}`);
      }
      return JSON.parse(proc.stdout.trim().split('\n').pop()!) as LoadReport;
    })();
    started.catch(() => undefined);
    return { started, report };
  }

  /** Runs the load client to completion. */
  load(from: string, url: string, o: LoadOptions): Promise<LoadReport> {
    return this.startLoad(from, url, o).report;
  }

  /**
   * Polls `probe` until it returns true (config propagation is asynchronous: istiod debounces,
   * then pushes); fails with `what` and the last probe's detail.
   */
  async until(what: string, probe: () => Promise<boolean | string>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: boolean | string = false;
    while (Date.now() < deadline) {
      last = await probe();
      if (last === true) return;
      await sleep(300);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${typeof last === 'string' ? `: ${last}` : ''}`);
  }

  /** Output of every process, for a failing assertion's message. */
  describe(): string {
    const procs = [this.istiod, ...[...this.hosts.values()].flatMap((h) => [h.app, h.proxy])].filter((p): p is Proc => p !== undefined);
    return procs.map((p) => p.describe().slice(-4000)).join('\n\n');
  }

  async close(): Promise<void> {
    await this.net.close();
    rmSync(this.configDir, { recursive: true, force: true });
    rmSync(this.meshFile, { force: true });
  }
}

export const INGRESS_LABELS: Readonly<Record<string, string>> = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
