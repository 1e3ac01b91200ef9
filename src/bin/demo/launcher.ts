// The demo mesh, start to stop: read the YAML, check every address is free, start istiod, each
// pod's app and sidecar and the gateways, wait until every proxy is ready, print where to go;
// `stop()` ends everything it started. Wiring only: the mesh's behaviour is istiod's and the
// proxies', configured by the same YAML a user edits.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPaths } from '../../config/index.js';
import { banner, gatewayRoutes, istioctlCommand, routingFiles, type RunningProxy } from './banner.js';
import type { DemoFlags } from './flags.js';
import { planPods, plannedSockets, type Doc, type PodPlan, type Socket } from './plan.js';
import { socketProblems } from './sockets.js';
import { Supervisor, tail, type Child } from './supervisor.js';

const here = dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');
/** The repository root (this file is src/bin/demo/ or dist/src/bin/demo/). */
export const REPO_ROOT = resolve(here, fromSource ? '../../..' : '../../../..');

function entry(rel: string): string[] {
  return fromSource ? ['--import', 'tsx', join(REPO_ROOT, 'src', `${rel}.ts`)] : [join(REPO_ROOT, 'dist', 'src', `${rel}.js`)];
}

const READY_TIMEOUT_MS = 30_000;

export class DemoError extends Error {}

/** What a running demo wrote to `<logDir>/state.json` (tests and scripts read it). */
export interface DemoState {
  readonly launcherPid: number;
  readonly configDir: string;
  readonly logDir: string;
  readonly grpcAddr: string;
  readonly monitoringAddr: string;
  readonly gatewayUrls: readonly string[];
  readonly routingFiles: readonly string[];
  readonly processes: ReadonlyArray<{ name: string; pid: number; log: string }>;
  readonly proxies: readonly RunningProxy[];
}

function splitAddr(addr: string): Socket & { owner: string } {
  const colon = addr.lastIndexOf(':');
  return { ip: addr.slice(0, colon) || '0.0.0.0', port: Number(addr.slice(colon + 1)), owner: '' };
}

async function waitReady(child: Child): Promise<void> {
  const { name, logFile } = child;
  const statusPort = Number(child.hello.status);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) throw new DemoError(`${name} exited before it was ready\n${tail(logFile)}`);
    try {
      const r = await fetch(`http://127.0.0.1:${statusPort}/healthz/ready`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return;
      last = `${r.status} ${(await r.text()).trim()}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new DemoError(`${name} was not ready within ${READY_TIMEOUT_MS} ms (/healthz/ready: ${last})\n${tail(logFile)}`);
}

function proxyEnv(p: PodPlan): Record<string, string> {
  return {
    POD_NAME: p.name, POD_NAMESPACE: p.namespace, INSTANCE_IP: p.ip, SERVICE_ACCOUNT: p.serviceAccount,
    ISTIO_METAJSON_LABELS: JSON.stringify(p.labels),
    // No iptables: the proxy only has the listeners its Sidecar binds (captureMode: NONE).
    ...(p.role === 'app' ? { ISTIO_META_INTERCEPTION_MODE: 'NONE' } : {}),
  };
}

export class DemoMesh {
  private readonly supervisor: Supervisor;
  readonly logDir: string;
  readonly configDir: string;

  constructor(private readonly flags: DemoFlags, private readonly out: (line: string) => void) {
    this.configDir = resolve(flags.configDir ?? join(REPO_ROOT, 'examples', 'demo'));
    if (flags.logDir) mkdirSync(flags.logDir, { recursive: true });
    this.logDir = resolve(flags.logDir ?? mkdtempSync(join(tmpdir(), 'istio-ts-demo-')));
    this.supervisor = new Supervisor({
      cwd: REPO_ROOT, logDir: this.logDir, execPath: process.execPath,
      onUnexpectedExit: (c, code, signal) => this.out(`demo: ${c.name} exited (${signal ?? `code ${code}`}); its log: ${c.logFile}`),
    });
  }

  async start(): Promise<DemoState> {
    const docs = await this.readDocs();
    const pods = planPods(docs);
    if (pods.length === 0) throw new DemoError(`no Pods in ${this.configDir}: nothing to run`);
    const sockets = [
      { ...splitAddr(this.flags.grpcAddr), owner: 'istiod --grpcAddr' },
      { ...splitAddr(this.flags.monitoringAddr), owner: 'istiod --monitoringAddr' },
      ...plannedSockets(docs, pods),
    ];
    const problems = await socketProblems(sockets);
    if (problems.length > 0) throw new DemoError(`cannot start the demo:\n  ${problems.join('\n  ')}`);

    this.out(`demo: config ${this.configDir}; logs ${this.logDir}`);
    const istiod = await this.supervisor.start({
      name: 'istiod', stopOrder: 3, env: {},
      args: [...entry('bin/istiod'), '--configDir', this.configDir, '--grpcAddr', this.flags.grpcAddr, '--monitoringAddr', this.flags.monitoringAddr],
    });
    const grpcAddr = String(istiod.hello.grpcAddr ?? this.flags.grpcAddr);
    const monitoringAddr = String(istiod.hello.monitoringAddr ?? this.flags.monitoringAddr);
    this.out(`demo: istiod up (xDS ${grpcAddr}, debug http://${monitoringAddr}); starting ${pods.length} pods`);

    const proxyArgs = (type: 'sidecar' | 'router') =>
      [...entry('bin/pilot-agent'), 'proxy', type, '--discoveryAddress', grpcAddr, '--proxyAdminPort', '0', '--statusPort', '0', '--concurrency', '1'];
    const starts: Array<Promise<{ pod: PodPlan; role: RunningProxy['role']; child: Child } | undefined>> = [];
    const startApp = (p: PodPlan) =>
      this.supervisor.start({ name: `${p.name}.${p.namespace}.app`, stopOrder: 2, env: p.env, args: [...entry('demo/main'), p.app!] });
    for (const p of pods) {
      let proxy: Promise<Child> | undefined;
      if (p.role === 'gateway' || p.sidecar) {
        proxy = this.supervisor.start({ name: `${p.name}.${p.namespace}.${p.role === 'gateway' ? 'gateway' : 'sidecar'}`, stopOrder: 1, env: proxyEnv(p), args: proxyArgs(p.role === 'gateway' ? 'router' : 'sidecar') });
        const role = p.role === 'gateway' ? 'gateway' : 'sidecar';
        starts.push(proxy.then((child) => ({ pod: p, role, child })));
      }
      if (p.role === 'app') {
        // holdApplicationUntilProxyStarts: the app waits for `pilot-agent wait`, like Istio's postStart hook.
        const app = p.holdApplication && proxy ? proxy.then((child) => this.holdUntilReady(p, child)).then(() => startApp(p)) : startApp(p);
        starts.push(app.then(() => undefined));
      }
    }
    const proxies = (await Promise.all(starts)).filter((x) => x !== undefined);
    await Promise.all(proxies.map((x) => waitReady(x.child)));

    const running: RunningProxy[] = proxies.map((x) => ({
      pod: x.pod.name, namespace: x.pod.namespace, role: x.role, admin: Number(x.child.hello.admin), status: Number(x.child.hello.status),
    }));
    const state: DemoState = {
      launcherPid: process.pid, configDir: this.configDir, logDir: this.logDir, grpcAddr, monitoringAddr,
      gatewayUrls: [...new Set(gatewayRoutes(docs, pods).map((r) => r.url))],
      routingFiles: routingFiles(docs),
      processes: this.supervisor.running.map((c) => ({ name: c.name, pid: c.pid, log: c.logFile })),
      proxies: running,
    };
    writeFileSync(join(this.logDir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
    this.out(banner({ docs, pods, proxies: running, monitoringAddr, logDir: this.logDir, istioctl: istioctlCommand(REPO_ROOT, process.cwd()) }));
    return state;
  }

  private holdUntilReady(p: PodPlan, sidecar: Child): Promise<void> {
    const url = `http://127.0.0.1:${Number(sidecar.hello.status)}/healthz/ready`;
    const args = [...entry('bin/pilot-agent'), 'wait', '--url', url, '--timeoutSeconds', String(READY_TIMEOUT_MS / 1000)];
    return new Promise((done, fail) => {
      execFile(process.execPath, args, { cwd: REPO_ROOT }, (err, stdout, stderr) => {
        if (err) fail(new DemoError(`${p.name}: pilot-agent wait failed (holdApplicationUntilProxyStarts): ${stderr || stdout || err.message}`));
        else {
          this.out(`demo: ${p.name}.${p.namespace}: sidecar ready, starting the app (holdApplicationUntilProxyStarts)`);
          done();
        }
      });
    });
  }

  stop(): Promise<void> {
    return this.supervisor.stopAll();
  }

  killAllNow(): void {
    this.supervisor.killAllNow();
  }

  /** The documents istiod will read, with absolute file names (printed to the user). */
  private async readDocs(): Promise<Doc[]> {
    const files = await loadPaths([this.configDir], { recursive: true });
    const docs: Doc[] = [];
    for (const f of files) {
      if (f.error) throw new DemoError(f.error.message);
      for (const d of f.documents) if (!d.error && d.value) docs.push({ file: resolve(f.file), value: d.value });
    }
    return docs;
  }
}
