// What one proxy can reach: the services and VirtualServices its Sidecar's egress hosts import
// (`ns/host`, `*/host`, `./host`, `~/host`), or everything visible to its namespace without one.
// Same-host services resolve as Istio does: the first visible wins, a Kubernetes Service beats a
// ServiceEntry, and ServiceEntries of one namespace for one host merge their ports.
import type { Config } from '../../api/config.js';
import { hostSubsetOf, hostsMatch, isWildcard, MESH_GATEWAY } from './host.js';
import type { Service } from './service.js';
import type { ServiceIndex } from './service-index.js';
import type { IstioEgressListener, SidecarSpec } from './specs.js';
import type { VirtualServiceConfig, VirtualServiceIndex } from './virtual-service-index.js';

export type SidecarConfig = Config<SidecarSpec>;

export interface EgressScope {
  /** undefined for the implicit catch-all listener of a namespace without a Sidecar. */
  readonly listener?: IstioEgressListener;
  readonly services: readonly Service[];
  readonly virtualServices: readonly VirtualServiceConfig[];
}

export interface SidecarScope {
  readonly namespace: string;
  readonly sidecar?: SidecarConfig;
  readonly egress: readonly EgressScope[];
  /** Union of every egress listener's services, one per hostname. */
  readonly services: readonly Service[];
  readonly virtualServices: readonly VirtualServiceConfig[];
  serviceFor(hostname: string): Service | undefined;
  readonly outboundTrafficPolicyMode: 'REGISTRY_ONLY' | 'ALLOW_ANY';
}

/** `ns/host` split; a host without `ns/` means any namespace, as Istio reads it. */
function splitEgressHost(h: string, sidecarNs: string): { ns: string; host: string } {
  const slash = h.indexOf('/');
  if (slash < 0) return { ns: '*', host: h };
  const ns = h.slice(0, slash);
  return { ns: ns === '.' ? sidecarNs : ns, host: h.slice(slash + 1) };
}

class ServiceSet {
  readonly list: Service[] = [];
  private readonly at = new Map<string, number>();

  add(s: Service): void {
    const i = this.at.get(s.hostname);
    if (i === undefined) {
      this.at.set(s.hostname, this.list.length);
      this.list.push(s);
      return;
    }
    const existing = this.list[i];
    if (existing.registry === 'Kubernetes' && s.registry !== 'Kubernetes') return;
    if (existing.registry !== 'Kubernetes' && s.registry === 'Kubernetes') {
      this.list[i] = s;
      return;
    }
    if (existing.registry === 'External' && s.registry === 'External' && existing.namespace === s.namespace && existing !== s) {
      const ports = [...existing.ports];
      for (const p of s.ports) if (!ports.some((q) => q.port === p.port)) ports.push(p);
      if (ports.length !== existing.ports.length) this.list[i] = { ...existing, ports };
    }
  }

  get(hostname: string): Service | undefined {
    const i = this.at.get(hostname);
    return i === undefined ? undefined : this.list[i];
  }
}

function selectServices(hosts: readonly string[], sidecarNs: string, visible: readonly Service[]): Service[] {
  const out: Service[] = [];
  for (const raw of hosts) {
    const { ns, host } = splitEgressHost(raw, sidecarNs);
    if (ns === '~') continue;
    for (const s of visible) {
      if (ns !== '*' && s.namespace !== ns) continue;
      if (hostSubsetOf(s.hostname, host)) out.push(s);
      // A wildcard service (`*.foo.com`) imported by a specific host is narrowed to that host.
      else if (isWildcard(s.hostname) && !isWildcard(host) && hostSubsetOf(host, s.hostname)) out.push({ ...s, hostname: host });
    }
  }
  return out;
}

function selectVirtualServices(hosts: readonly string[], sidecarNs: string, vss: readonly VirtualServiceConfig[]): VirtualServiceConfig[] {
  return vss.filter((vs) => hosts.some((raw) => {
    const { ns, host } = splitEgressHost(raw, sidecarNs);
    if (ns === '~' || (ns !== '*' && vs.meta.namespace !== ns)) return false;
    return (vs.spec.hosts ?? []).some((h) => hostsMatch(h, host));
  }));
}

/** Destination hosts a VirtualService routes to. */
export function destinationHosts(vs: VirtualServiceConfig): string[] {
  const out: string[] = [];
  for (const r of vs.spec.http ?? []) {
    for (const w of r.route ?? []) if (w.destination) out.push(w.destination.host);
    if (r.mirror) out.push(r.mirror.host);
    for (const m of r.mirrors ?? []) out.push(m.destination.host);
  }
  for (const r of [...(vs.spec.tcp ?? []), ...(vs.spec.tls ?? [])]) for (const w of r.route ?? []) if (w.destination) out.push(w.destination.host);
  return out;
}

export function buildSidecarScope(
  namespace: string, sidecar: SidecarConfig | undefined, services: ServiceIndex, virtualServices: VirtualServiceIndex,
  meshOutboundMode: 'REGISTRY_ONLY' | 'ALLOW_ANY',
): SidecarScope {
  const visible = services.visibleTo(namespace);
  const meshVs = virtualServices.forGateway(namespace, MESH_GATEWAY);
  const egress: EgressScope[] = [];
  const all = new ServiceSet();
  const allVs = new Set<VirtualServiceConfig>();
  const listeners = sidecar?.spec.egress && sidecar.spec.egress.length > 0 ? sidecar.spec.egress : undefined;
  if (!listeners) {
    for (const s of visible) all.add(s);
    for (const vs of meshVs) allVs.add(vs);
    egress.push({ services: all.list, virtualServices: meshVs });
  } else {
    for (const l of listeners) {
      const set = new ServiceSet();
      for (const s of selectServices(l.hosts, namespace, visible)) set.add(s);
      const vss = selectVirtualServices(l.hosts, namespace, meshVs);
      // Services a selected VirtualService routes to are reachable through it even when the
      // egress hosts do not name them.
      for (const vs of vss) {
        for (const h of destinationHosts(vs)) {
          if (set.get(h)) continue;
          const target = visible.find((s) => s.hostname === h);
          if (target) set.add(target);
        }
      }
      for (const s of set.list) all.add(s);
      for (const vs of vss) allVs.add(vs);
      egress.push({ listener: l, services: set.list, virtualServices: vss });
    }
  }
  return {
    namespace,
    ...(sidecar ? { sidecar } : {}),
    egress,
    services: all.list,
    virtualServices: [...allVs],
    serviceFor: (h) => all.get(h),
    outboundTrafficPolicyMode: sidecar?.spec.outboundTrafficPolicy?.mode ?? meshOutboundMode,
  };
}
