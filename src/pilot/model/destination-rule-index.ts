// DestinationRules by host with Istio's precedence: a rule in the client's namespace, then one
// exported from the service's namespace, then one exported from the root namespace; within a
// namespace, the most specific host wins, and same-host rules merge (subsets appended, the first
// traffic policy kept) unless their workload selectors differ.
import type { Config } from '../../api/config.js';
import { configKey } from '../../api/config.js';
import { isWildcard, mostSpecificHostMatch, resolveShortName } from './host.js';
import { labelsEqual, selectorMatches, type Labels } from './labels.js';
import type { ResolvedMesh } from './mesh.js';
import type { Service } from './service.js';
import type { DestinationRuleSpec } from './specs.js';
import { compareConfigsByCreation } from './virtual-service-index.js';
import { PRIVATE, PUBLIC } from './visibility.js';

export type DestinationRuleConfig = Config<DestinationRuleSpec>;

/** One effective rule: the oldest rule's config with later same-host rules' subsets merged in. */
export interface ConsolidatedDestinationRule {
  readonly rule: DestinationRuleConfig;
  /** Keys of every rule merged into this one, oldest first. */
  readonly from: readonly string[];
  /** Raw exportTo of the first rule ([] = default). */
  readonly exportTo: readonly string[];
}

class HostRules {
  readonly exact = new Map<string, ConsolidatedDestinationRule[]>();
  readonly wildcard = new Map<string, ConsolidatedDestinationRule[]>();

  add(cfg: DestinationRuleConfig): void {
    const host = cfg.spec.host;
    const table = isWildcard(host) ? this.wildcard : this.exact;
    const existing = table.get(host);
    if (!existing) {
      table.set(host, [consolidated(cfg)]);
      return;
    }
    const sel = cfg.spec.workloadSelector?.matchLabels;
    let separate = true;
    for (let i = 0; i < existing.length; i++) {
      const old = existing[i];
      const oldSel = old.rule.spec.workloadSelector?.matchLabels;
      if (sel && oldSel && !labelsEqual(sel, oldSel)) continue;
      // Istio merges a selector-less rule into selector rules too, but keeps the selector rule
      // as its own entry as well.
      if ((!sel && !oldSel) || (sel && labelsEqual(sel, oldSel))) separate = false;
      existing[i] = mergeInto(old, cfg);
    }
    if (separate) existing.push(consolidated(cfg));
  }

  lookup(host: string): ConsolidatedDestinationRule[] | undefined {
    const key = mostSpecificHostMatch(host, this.exact, this.wildcard.keys());
    return key === undefined ? undefined : (this.exact.get(key) ?? this.wildcard.get(key));
  }
}

function consolidated(cfg: DestinationRuleConfig): ConsolidatedDestinationRule {
  return { rule: cfg, from: [configKey(cfg.meta)], exportTo: cfg.spec.exportTo ?? [] };
}

function mergeInto(into: ConsolidatedDestinationRule, cfg: DestinationRuleConfig): ConsolidatedDestinationRule {
  const base = into.rule.spec;
  const names = new Set((base.subsets ?? []).map((s) => s.name));
  // A duplicate subset name keeps the older rule's subset.
  const subsets = [...(base.subsets ?? []), ...(cfg.spec.subsets ?? []).filter((s) => !names.has(s.name))];
  const spec: DestinationRuleSpec = {
    ...base,
    ...(subsets.length > 0 ? { subsets } : {}),
    ...(base.trafficPolicy === undefined && cfg.spec.trafficPolicy !== undefined ? { trafficPolicy: cfg.spec.trafficPolicy } : {}),
  };
  return { rule: { ...into.rule, spec }, from: [...into.from, configKey(cfg.meta)], exportTo: into.exportTo };
}

export class DestinationRuleIndex {
  /** Rules visible in their own namespace (everything but exportTo that excludes it). */
  private readonly namespaceLocal = new Map<string, HostRules>();
  /** Rules exported beyond their namespace. */
  private readonly exported = new Map<string, HostRules>();
  /** Root-namespace rules exported only to the root namespace. */
  private readonly rootLocal = new HostRules();
  private readonly root: string;

  constructor(configs: readonly DestinationRuleConfig[], private readonly mesh: ResolvedMesh) {
    this.root = mesh.rootNamespace;
    const sorted = [...configs].sort(compareConfigsByCreation).map((c) => ({
      ...c, spec: { ...c.spec, host: resolveShortName(c.spec.host, c.meta.namespace, mesh.domainSuffix) },
    }));
    for (const cfg of sorted) {
      const ns = cfg.meta.namespace;
      const exportTo = cfg.spec.exportTo ?? [];
      if (exportTo.length === 0 || exportTo.includes(PUBLIC) || exportTo.includes(PRIVATE) || exportTo.includes(ns)) {
        table(this.namespaceLocal, ns).add(cfg);
      }
      const privateOnly = exportTo.length === 0
        ? mesh.defaultDestinationRuleExportTo.includes(PRIVATE)
        : exportTo.length === 1 && (exportTo[0] === PRIVATE || exportTo[0] === ns);
      if (!privateOnly) table(this.exported, ns).add(cfg);
      else if (ns === this.root) this.rootLocal.add(cfg);
    }
  }

  /** Every candidate rule for traffic from `clientNamespace` to `service`. */
  forService(clientNamespace: string, service: Pick<Service, 'hostname' | 'namespace'>): readonly ConsolidatedDestinationRule[] | undefined {
    if (clientNamespace !== this.root) {
      const local = this.namespaceLocal.get(clientNamespace)?.lookup(service.hostname);
      if (local) return local;
    } else {
      const local = this.rootLocal.lookup(service.hostname);
      if (local) return local;
    }
    if (service.namespace) {
      const own = this.exportedFrom(service.namespace, service.hostname, clientNamespace);
      if (own) return own;
    }
    return this.exportedFrom(this.root, service.hostname, clientNamespace);
  }

  /**
   * The rule a proxy applies to outbound traffic: among the candidates, one whose workload
   * selector (only honoured in the proxy's own namespace) matches the proxy, else the one
   * without a selector.
   */
  forProxy(proxy: { readonly configNamespace: string; readonly labels: Labels }, service: Pick<Service, 'hostname' | 'namespace'>): ConsolidatedDestinationRule | undefined {
    let catchAll: ConsolidatedDestinationRule | undefined;
    for (const r of this.forService(proxy.configNamespace, service) ?? []) {
      const sel = r.rule.spec.workloadSelector?.matchLabels;
      if (!sel) catchAll = r;
      else if (r.rule.meta.namespace === proxy.configNamespace && selectorMatches(sel, proxy.labels)) return r;
    }
    return catchAll;
  }

  private exportedFrom(owner: string, hostname: string, client: string): ConsolidatedDestinationRule[] | undefined {
    const rules = this.exported.get(owner)?.lookup(hostname);
    if (!rules) return undefined;
    const visible = rules.filter((r) => {
      const e = r.exportTo.length > 0 ? r.exportTo : this.mesh.defaultDestinationRuleExportTo;
      return e.includes(PUBLIC) || e.includes(client);
    });
    return visible.length > 0 ? visible : undefined;
  }
}

function table(m: Map<string, HostRules>, ns: string): HostRules {
  let t = m.get(ns);
  if (!t) m.set(ns, (t = new HostRules()));
  return t;
}
