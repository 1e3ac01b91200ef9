// Locality-aware load balancing as Istio applies it to a ClusterLoadAssignment for one client:
// `distribute` rewrites locality weights (localities no rule names get no traffic); failover
// assigns priorities by how much of the client's locality an endpoint shares (region/zone/subzone),
// demoting regions a `failover` rule does not name; `failoverPriority` ranks endpoints by how many
// of the listed labels (in order) they share with the client. Failover needs outlier detection,
// otherwise Envoy never learns a priority is unhealthy, so callers enable it only then.
import type { Locality } from '../../model/endpoint.js';
import type { Labels } from '../../model/labels.js';

export interface LocalitySetting {
  readonly distribute?: readonly { readonly from?: string; readonly to?: Readonly<Record<string, number>> }[];
  readonly failover?: readonly { readonly from?: string; readonly to?: string }[];
  readonly failoverPriority?: readonly string[];
}

/** One locality's endpoints, before conversion to Envoy's LocalityLbEndpoints. */
export interface LocalityGroup<E> {
  readonly locality: Locality;
  endpoints: E[];
  /** Sum of the endpoints' weights (Istio's locality weight), or the `distribute` weight. */
  weight: number;
  priority: number;
}

/**
 * The settings in force: a DestinationRule's own (unless it sets `enabled: false`), else the
 * mesh's (already undefined when the mesh disables locality load balancing).
 */
export function effectiveLocalitySetting(
  rule: (LocalitySetting & { readonly enabled?: boolean }) | undefined, mesh: LocalitySetting | undefined,
): LocalitySetting | undefined {
  if (rule) return rule.enabled === false ? undefined : rule;
  return mesh;
}

/** `region/zone/subzone` with `*` (or an absent zone/subzone) matching anything. */
export function localityMatches(l: Locality, rule: string | undefined): boolean {
  const [region = '', zone = '', subzone = ''] = (rule ?? '').split('/');
  return (region === '*' || l.region === region)
    && (zone === '*' || zone === '' || l.zone === zone)
    && (subzone === '*' || subzone === '' || l.subzone === subzone);
}

/** 0: same subzone, 1: same zone, 2: same region, 3: elsewhere. */
export function localityPriority(client: Locality, ep: Locality): number {
  if (client.region !== ep.region) return 3;
  if (client.zone !== ep.zone) return 2;
  if (client.subzone !== ep.subzone) return 1;
  return 0;
}

/** Renumbers priorities 0..N without gaps, keeping their order. */
function compact<E>(groups: LocalityGroup<E>[]): void {
  const distinct = [...new Set(groups.map((g) => g.priority))].sort((a, b) => a - b);
  const rank = new Map(distinct.map((p, i) => [p, i]));
  for (const g of groups) g.priority = rank.get(g.priority) as number;
}

export function applyDistribute<E>(client: Locality, groups: LocalityGroup<E>[], distribute: NonNullable<LocalitySetting['distribute']>): void {
  const rule = distribute.find((d) => localityMatches(client, d.from));
  if (!rule) return;
  const unmatched = new Set(groups);
  for (const [to, weight] of Object.entries(rule.to ?? {})) {
    const hit = groups.filter((g) => unmatched.has(g) && localityMatches(g.locality, to));
    const total = hit.reduce((s, g) => s + (g.weight || 1), 0);
    for (const g of hit) {
      unmatched.delete(g);
      const w = Math.ceil(((g.weight || 1) * weight) / total);
      if (w > 0) g.weight = w;
    }
  }
  for (const g of unmatched) g.endpoints = [];
}

export function applyLocalityFailover<E>(client: Locality, groups: LocalityGroup<E>[], failover: LocalitySetting['failover']): void {
  for (const g of groups) {
    let p = localityPriority(client, g.locality);
    if (p === 3) {
      const rule = failover?.find((f) => f.from === client.region);
      if (rule && g.locality.region !== rule.to) p = 4;
    }
    // Five locality levels fit under each failoverPriority level assigned before.
    g.priority = g.priority * 5 + p;
  }
  compact(groups);
}

/**
 * Splits each locality by how many leading `failoverPriority` labels its endpoints share with the
 * client. A `label=value` entry compares endpoints with that value instead of the client's.
 */
export function applyFailoverPriority<E>(
  groups: LocalityGroup<E>[], clientLabels: Labels, failoverPriority: readonly string[], labelsOf: (e: E) => Labels, weightOf: (e: E) => number,
): LocalityGroup<E>[] {
  if (Object.keys(clientLabels).length === 0 || groups.length === 0) return groups;
  const keys = failoverPriority.map((entry) => {
    const eq = entry.indexOf('=');
    return eq < 0 ? { label: entry } : { label: entry.slice(0, eq), value: entry.slice(eq + 1) };
  });
  const out: LocalityGroup<E>[] = [];
  for (const g of groups) {
    const byPriority = new Map<number, E[]>();
    for (const e of g.endpoints) {
      let priority = 0;
      const labels = labelsOf(e);
      for (let j = 0; j < keys.length; j++) {
        const want = keys[j].value ?? clientLabels[keys[j].label];
        if (want !== labels[keys[j].label]) {
          priority = keys.length - j;
          break;
        }
      }
      const list = byPriority.get(priority);
      if (list) list.push(e);
      else byPriority.set(priority, [e]);
    }
    for (const p of [...byPriority.keys()].sort((a, b) => a - b)) {
      const eps = byPriority.get(p) as E[];
      out.push({ locality: g.locality, endpoints: eps, weight: eps.reduce((s, e) => s + weightOf(e), 0), priority: p });
    }
  }
  compact(out);
  return out;
}

/**
 * Applies the settings to one client's view of a cluster. Returns the groups to emit (failover
 * priority may split localities).
 */
export function applyLocalityLb<E>(
  groups: LocalityGroup<E>[], setting: LocalitySetting, client: { locality: Locality; labels: Labels }, enableFailover: boolean,
  labelsOf: (e: E) => Labels, weightOf: (e: E) => number,
): LocalityGroup<E>[] {
  if (setting.distribute && setting.distribute.length > 0) {
    applyDistribute(client.locality, groups, setting.distribute);
    return groups;
  }
  if (!enableFailover) return groups;
  if (setting.failoverPriority && setting.failoverPriority.length > 0) {
    const split = applyFailoverPriority(groups, client.labels, setting.failoverPriority, labelsOf, weightOf);
    if (setting.failover && setting.failover.length > 0) applyLocalityFailover(client.locality, split, setting.failover);
    return split;
  }
  applyLocalityFailover(client.locality, groups, setting.failover);
  return groups;
}
