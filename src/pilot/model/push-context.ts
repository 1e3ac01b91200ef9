// PushContext: one immutable, indexed view of everything translation needs — services and their
// endpoints, VirtualServices, DestinationRules, Gateways, Sidecars and security policies — built
// once per push from a config snapshot, the service registry and MeshConfig. Generators read it;
// nothing writes to it after `build`. Per-proxy scopes are computed on first use and memoised.
import type { Config } from '../../api/config.js';
import type { ConfigSnapshot } from '../../config/snapshot.js';
import type { ServiceDiscovery } from '../serviceregistry/service-discovery.js';
import { DestinationRuleIndex, type ConsolidatedDestinationRule, type DestinationRuleConfig } from './destination-rule-index.js';
import type { ServiceInstance } from './endpoint.js';
import { selectorMatches, type Labels } from './labels.js';
import { resolveMesh, type MeshSettings, type ResolvedMesh } from './mesh.js';
import { PolicyIndex, type PolicyConfig } from './policy-index.js';
import type { Proxy } from './proxy.js';
import { serviceKey, type Service } from './service.js';
import { ServiceIndex } from './service-index.js';
import { buildSidecarScope, type SidecarConfig, type SidecarScope } from './sidecar-scope.js';
import type { GatewaySpec } from './specs.js';
import { compareConfigsByCreation, VirtualServiceIndex, type VirtualServiceConfig } from './virtual-service-index.js';

/** What of a Proxy the push context looks at. */
export type ProxyView = Pick<Proxy, 'type' | 'configNamespace' | 'labels'>;

export type GatewayConfig = Config<GatewaySpec>;

export const NETWORKING = 'networking.istio.io';
export const SECURITY = 'security.istio.io';
export const KINDS = {
  virtualService: { group: NETWORKING, kind: 'VirtualService' },
  destinationRule: { group: NETWORKING, kind: 'DestinationRule' },
  gateway: { group: NETWORKING, kind: 'Gateway' },
  sidecar: { group: NETWORKING, kind: 'Sidecar' },
  peerAuthentication: { group: SECURITY, kind: 'PeerAuthentication' },
  requestAuthentication: { group: SECURITY, kind: 'RequestAuthentication' },
  authorizationPolicy: { group: SECURITY, kind: 'AuthorizationPolicy' },
} as const;

export interface PushContextInput {
  readonly snapshot: ConfigSnapshot;
  readonly registry: ServiceDiscovery;
  readonly mesh?: MeshSettings | ResolvedMesh;
  /** Push version (Istio: a timestamp-derived string); defaults to the snapshot's version. */
  readonly version?: string;
}

const NO_INSTANCES: readonly ServiceInstance[] = Object.freeze([]);

export class PushContext {
  readonly version: string;
  readonly mesh: ResolvedMesh;
  readonly snapshot: ConfigSnapshot;
  readonly services: ServiceIndex;
  readonly virtualServices: VirtualServiceIndex;
  readonly destinationRules: DestinationRuleIndex;
  readonly gateways: readonly GatewayConfig[];
  readonly peerAuthentications: PolicyIndex;
  readonly requestAuthentications: PolicyIndex;
  readonly authorizationPolicies: PolicyIndex;
  private readonly instancesByService = new Map<string, readonly ServiceInstance[]>();
  private readonly sidecarsByNamespace = new Map<string, SidecarConfig[]>();
  private readonly scopes = new Map<string, SidecarScope>();

  private constructor(input: PushContextInput) {
    const { snapshot, registry } = input;
    this.snapshot = snapshot;
    this.version = input.version ?? String(snapshot.version);
    this.mesh = isResolved(input.mesh) ? input.mesh : resolveMesh(input.mesh);
    const services = registry.services();
    this.services = new ServiceIndex(services, this.mesh);
    // Endpoints are captured now so that a push sees one consistent registry state.
    for (const s of services) {
      const key = serviceKey(s);
      if (!this.instancesByService.has(key)) this.instancesByService.set(key, registry.instances(s));
    }
    this.virtualServices = new VirtualServiceIndex(snapshot.list(KINDS.virtualService) as readonly VirtualServiceConfig[], this.mesh);
    this.destinationRules = new DestinationRuleIndex(snapshot.list(KINDS.destinationRule) as readonly DestinationRuleConfig[], this.mesh);
    this.gateways = [...(snapshot.list(KINDS.gateway) as readonly GatewayConfig[])].sort(compareConfigsByCreation);
    for (const sc of [...(snapshot.list(KINDS.sidecar) as readonly SidecarConfig[])].sort(compareConfigsByCreation)) {
      const list = this.sidecarsByNamespace.get(sc.meta.namespace);
      if (list) list.push(sc);
      else this.sidecarsByNamespace.set(sc.meta.namespace, [sc]);
    }
    const root = this.mesh.rootNamespace;
    this.peerAuthentications = new PolicyIndex(snapshot.list(KINDS.peerAuthentication) as readonly PolicyConfig[], root, false);
    this.requestAuthentications = new PolicyIndex(snapshot.list(KINDS.requestAuthentication) as readonly PolicyConfig[], root, false);
    this.authorizationPolicies = new PolicyIndex(snapshot.list(KINDS.authorizationPolicy) as readonly PolicyConfig[], root, true);
  }

  static build(input: PushContextInput): PushContext {
    return new PushContext(input);
  }

  /** Endpoints of a service (all ports), as the registry held them when this context was built. */
  instances(service: Pick<Service, 'hostname' | 'namespace'>): readonly ServiceInstance[] {
    return this.instancesByService.get(serviceKey(service)) ?? NO_INSTANCES;
  }

  /** Endpoints of one service port, optionally narrowed to a subset's labels. */
  endpoints(service: Pick<Service, 'hostname' | 'namespace'>, port: number, selector?: Labels): readonly ServiceInstance[] {
    return this.instances(service).filter((i) => i.servicePort.port === port && selectorMatches(selector, i.endpoint.labels));
  }

  /**
   * The Sidecar that configures a proxy: in its namespace, the oldest whose selector matches it,
   * else the namespace's selector-less one, else the root namespace's selector-less one.
   * Gateways (routers) are not configured by Sidecars.
   */
  sidecarFor(proxy: ProxyView): SidecarConfig | undefined {
    if (proxy.type !== 'sidecar') return undefined;
    const local = this.sidecarsByNamespace.get(proxy.configNamespace) ?? [];
    const selected = local.find((s) => s.spec.workloadSelector?.labels && selectorMatches(s.spec.workloadSelector.labels, proxy.labels));
    if (selected) return selected;
    const nsDefault = local.find((s) => !s.spec.workloadSelector?.labels);
    if (nsDefault) return nsDefault;
    return (this.sidecarsByNamespace.get(this.mesh.rootNamespace) ?? []).find((s) => !s.spec.workloadSelector?.labels);
  }

  /** What a proxy can reach (memoised per namespace and Sidecar). */
  sidecarScope(proxy: ProxyView): SidecarScope {
    const sidecar = this.sidecarFor(proxy);
    const key = `${proxy.configNamespace}\0${sidecar ? `${sidecar.meta.namespace}/${sidecar.meta.name}` : ''}`;
    let scope = this.scopes.get(key);
    if (!scope) {
      scope = buildSidecarScope(proxy.configNamespace, sidecar, this.services, this.virtualServices, this.mesh.outboundTrafficPolicyMode);
      this.scopes.set(key, scope);
    }
    return scope;
  }

  /** The services a proxy receives configuration for: Sidecar egress hosts ∩ exportTo. */
  servicesForProxy(proxy: ProxyView): readonly Service[] {
    return this.sidecarScope(proxy).services;
  }

  /** VirtualServices for a gateway (`ns/name`) or, with `mesh`, for sidecars, as seen from `namespace`. */
  virtualServicesForGateway(namespace: string, gateway: string): readonly VirtualServiceConfig[] {
    return this.virtualServices.forGateway(namespace, gateway);
  }

  /** The DestinationRule a proxy applies to traffic for a service. */
  destinationRule(proxy: ProxyView, service: Pick<Service, 'hostname' | 'namespace'>): ConsolidatedDestinationRule | undefined {
    return this.destinationRules.forProxy(proxy, service);
  }

  /** Gateways whose selector picks this gateway proxy (an empty selector picks every one). */
  gatewaysForProxy(proxy: ProxyView): readonly GatewayConfig[] {
    if (proxy.type !== 'router') return [];
    return this.gateways.filter((g) => selectorMatches(g.spec.selector, proxy.labels));
  }

  /** The service for a hostname as a proxy would resolve it (its scope's choice). */
  serviceForHostname(proxy: ProxyView, hostname: string): Service | undefined {
    return this.sidecarScope(proxy).serviceFor(hostname);
  }
}

function isResolved(m: MeshSettings | ResolvedMesh | undefined): m is ResolvedMesh {
  return m !== undefined && 'domainSuffix' in m;
}
