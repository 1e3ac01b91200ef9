// What the demo runs, read from the same YAML istiod reads: every Pod becomes a workload (its
// app, plus a sidecar when Istio would inject one), a Pod running `proxy router` becomes a
// gateway, and the Sidecar and Gateway listeners bound on real addresses say which sockets the
// mesh will open, so they can be checked before anything starts. Pure: documents in, plan out.
import { parse as parseYaml } from 'yaml';
import { SAMPLE_APPS } from '../../demo/index.js';

export interface Doc {
  readonly file: string;
  readonly value: unknown;
}

export interface PodPlan {
  readonly name: string;
  readonly namespace: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  /** `gateway`: a standalone proxy (`pilot-agent proxy router`); `app`: a sample app. */
  readonly role: 'gateway' | 'app';
  /** The sample app (src/demo) for `app` pods. */
  readonly app?: string;
  /** For `app` pods: run a sidecar beside the app (Istio's injection rules). */
  readonly sidecar: boolean;
  /**
   * ProxyConfig `holdApplicationUntilProxyStarts` from the pod's `proxy.istio.io/config`
   * annotation: the app starts only after `pilot-agent wait` sees its sidecar ready, as Istio's
   * injected postStart hook does.
   */
  readonly holdApplication?: boolean;
  /** The container's env, plus what the downward API would give (POD_NAME, POD_IP, ...). */
  readonly env: Readonly<Record<string, string>>;
}

export interface Socket {
  readonly ip: string;
  readonly port: number;
  /** Who binds it, for messages: `productpage-v1 sidecar (Sidecar default/productpage-v1 ingress)`. */
  readonly owner: string;
}

export const DEMO_IMAGE_PREFIX = 'istio-ts/demo-';

interface Meta { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface Obj { kind?: string; apiVersion?: string; metadata?: Meta; spec?: any; status?: any }

const asObj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const nsOf = (o: Obj): string => o.metadata?.namespace || 'default';
const idOf = (o: Obj): string => `${o.kind}/${nsOf(o)}/${o.metadata?.name ?? '?'}`;

export class PlanError extends Error {}

/** Istio's injection policy: the pod's label or annotation wins, else the namespace label. */
function injected(pod: Obj, namespaces: Map<string, Obj>): boolean {
  const own = pod.metadata?.labels?.['sidecar.istio.io/inject'] ?? pod.metadata?.annotations?.['sidecar.istio.io/inject'];
  if (own !== undefined) return own === 'true';
  return namespaces.get(nsOf(pod))?.metadata?.labels?.['istio-injection'] === 'enabled';
}

function isRouter(container: any): boolean {
  const args: unknown[] = Array.isArray(container?.args) ? container.args : [];
  return args[0] === 'proxy' && args[1] === 'router';
}

function podPlan(pod: Obj, namespaces: Map<string, Obj>): PodPlan {
  const name = pod.metadata?.name ?? '';
  const namespace = nsOf(pod);
  const ip = String(pod.status?.podIP ?? '');
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip)) {
    throw new PlanError(`${idOf(pod)}: status.podIP must be a loopback address (127.x.y.z) for the demo, got "${ip}"`);
  }
  const labels = pod.metadata?.labels ?? {};
  const serviceAccount = pod.spec?.serviceAccountName || pod.spec?.serviceAccount || 'default';
  const containers: any[] = Array.isArray(pod.spec?.containers) ? pod.spec.containers : [];
  if (containers.length !== 1) throw new PlanError(`${idOf(pod)}: the demo runs pods with exactly one container (found ${containers.length})`);
  const c = containers[0];
  const base = { name, namespace, ip, labels, serviceAccount };
  if (isRouter(c)) return { ...base, role: 'gateway', sidecar: false, env: {} };
  const image = String(c.image ?? '');
  const app = image.startsWith(DEMO_IMAGE_PREFIX) ? image.slice(DEMO_IMAGE_PREFIX.length).split(':')[0] : '';
  if (!SAMPLE_APPS[app]) {
    throw new PlanError(`${idOf(pod)}: image "${image}" is not a demo app; use ${Object.keys(SAMPLE_APPS).map((a) => DEMO_IMAGE_PREFIX + a).join(', ')}, or args [proxy, router] for a gateway`);
  }
  const env: Record<string, string> = {};
  for (const e of Array.isArray(c.env) ? c.env : []) {
    if (typeof e?.name !== 'string') continue;
    if (typeof e.value !== 'string') throw new PlanError(`${idOf(pod)}: env ${e.name}: the demo supports only literal values`);
    env[e.name] = e.value;
  }
  Object.assign(env, { POD_NAME: name, POD_NAMESPACE: namespace, POD_IP: ip, SERVICE_VERSION: labels.version ?? 'v1' });
  const sidecar = injected(pod, namespaces);
  return { ...base, role: 'app', app, sidecar, holdApplication: sidecar && holdsApplication(pod), env };
}

function holdsApplication(pod: Obj): boolean {
  const text = pod.metadata?.annotations?.['proxy.istio.io/config'];
  if (text === undefined) return false;
  let cfg: unknown;
  try {
    cfg = parseYaml(text);
  } catch (e) {
    throw new PlanError(`${idOf(pod)}: annotation proxy.istio.io/config is not YAML: ${(e as Error).message}`);
  }
  return asObj(cfg) !== undefined && (cfg as { holdApplicationUntilProxyStarts?: unknown }).holdApplicationUntilProxyStarts === true;
}

/** Every Pod in the documents, in file order; throws PlanError naming the pod that cannot run. */
export function planPods(docs: readonly Doc[]): PodPlan[] {
  const objs = docs.map((d) => asObj(d.value));
  const namespaces = new Map(objs.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata?.name ?? '', o]));
  const pods = objs.filter((o) => o.kind === 'Pod' && (o.apiVersion ?? 'v1') === 'v1').map((o) => podPlan(o, namespaces));
  const seen = new Map<string, string>();
  for (const p of pods) {
    const other = seen.get(p.ip);
    if (other) throw new PlanError(`pods ${other} and ${p.name}.${p.namespace} share the address ${p.ip}; give each its own`);
    seen.set(p.ip, `${p.name}.${p.namespace}`);
  }
  return pods;
}

function selects(selector: Record<string, string> | undefined, pod: PodPlan): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => pod.labels[k] === v);
}

/**
 * The sockets the mesh will bind: each selected Sidecar's `captureMode: NONE` listeners, each
 * selected Gateway server, and each app's PORT on its pod address. Duplicates keep the first owner.
 */
export function plannedSockets(docs: readonly Doc[], pods: readonly PodPlan[]): Socket[] {
  const out = new Map<string, Socket>();
  const add = (ip: string, port: number, owner: string) => {
    if (Number.isInteger(port) && port > 0 && !out.has(`${ip}:${port}`)) out.set(`${ip}:${port}`, { ip, port, owner });
  };
  for (const p of pods) if (p.role === 'app' && p.env.PORT) add(p.ip, Number(p.env.PORT), `${p.name} app`);
  for (const o of docs.map((d) => asObj(d.value))) {
    if (o.kind === 'Sidecar') {
      const sidecarPods = pods.filter((p) => p.sidecar && p.namespace === nsOf(o) && selects(o.spec?.workloadSelector?.labels, p));
      for (const p of sidecarPods) {
        for (const [dir, list] of [['ingress', o.spec?.ingress], ['egress', o.spec?.egress]] as const) {
          for (const l of Array.isArray(list) ? list : []) {
            if (l?.captureMode !== 'NONE' || !l.port?.number) continue;
            const bind = l.bind || (dir === 'egress' ? '127.0.0.1' : '0.0.0.0');
            if (!String(bind).startsWith('unix://')) add(bind, Number(l.port.number), `${p.name} sidecar (${idOf(o)} ${dir})`);
          }
        }
      }
    } else if (o.kind === 'Gateway' && String(o.apiVersion ?? '').startsWith('networking.istio.io/')) {
      for (const p of pods.filter((x) => x.role === 'gateway' && selects(o.spec?.selector, x))) {
        for (const s of Array.isArray(o.spec?.servers) ? o.spec.servers : []) add(s?.bind || '0.0.0.0', Number(s?.port?.number), `${p.name} (${idOf(o)})`);
      }
    }
  }
  return [...out.values()];
}
