// Test harness shared by golden and simulation tests: builds a proxy's whole push (LDS, the RDS
// names LDS references, CDS, and EDS for every EDS cluster CDS lists) from a `kind: GoldenCase`
// YAML, and asserts what every push must satisfy — each resource encodes as its Envoy message, every
// RDS name a listener references is generated, every EDS cluster is answered under its name.
import assert from 'node:assert/strict';
import type { Cluster, ClusterLoadAssignment, Listener, RouteConfiguration } from '../../xds-api/index.js';
import { encodeAny, TypeUrl } from '../../xds-api/index.js';
import { buildClusters } from '../networking/cluster/index.js';
import { buildEndpoints } from '../networking/endpoint/index.js';
import { caseFromYaml, type GoldenCase } from '../networking/endpoint/golden-fixture.js';
import { buildListeners, referencedRouteNames } from '../networking/listener/index.js';
import { buildRoutes } from '../networking/route/index.js';
import { Simulation } from './simulate.js';

export interface GeneratedPush {
  readonly listeners: Listener[];
  readonly routes: RouteConfiguration[];
  readonly clusters: Cluster[];
  readonly endpoints: ClusterLoadAssignment[];
}

/** Every resource a proxy would receive for this case, checked with `assertConsistentPush`. */
export function generatePush(c: GoldenCase): GeneratedPush {
  const listeners = buildListeners(c.proxy, c.push);
  const routes = buildRoutes(c.proxy, c.push, referencedRouteNames(listeners));
  const clusters = buildClusters(c.proxy, c.push, { mesh: c.mesh });
  const endpoints = buildEndpoints(c.proxy, c.push, edsClusterNames(clusters), { mesh: c.mesh });
  const gen = { listeners, routes, clusters, endpoints };
  assertConsistentPush(gen);
  return gen;
}

export function edsClusterNames(clusters: readonly Cluster[]): string[] {
  return clusters.filter((cl) => cl.type === 'EDS').map((cl) => cl.eds_cluster_config?.service_name ?? cl.name ?? '');
}

/** Encoding and cross-reference checks every generated push must pass. */
export function assertConsistentPush(gen: GeneratedPush): void {
  for (const l of gen.listeners) assert.doesNotThrow(() => encodeAny(TypeUrl.Listener, l), `listener ${l.name} does not encode`);
  for (const r of gen.routes) assert.doesNotThrow(() => encodeAny(TypeUrl.RouteConfiguration, r), `route ${r.name} does not encode`);
  for (const c of gen.clusters) assert.doesNotThrow(() => encodeAny(TypeUrl.Cluster, c), `cluster ${c.name} does not encode`);
  for (const e of gen.endpoints) assert.doesNotThrow(() => encodeAny(TypeUrl.ClusterLoadAssignment, e), `endpoints ${e.cluster_name} do not encode`);
  const names = (xs: readonly { name?: string | null; cluster_name?: string | null }[]) => xs.map((x) => x.name ?? x.cluster_name ?? '');
  assert.deepEqual([...new Set(names(gen.listeners))].length, gen.listeners.length, 'listener names are unique');
  assert.deepEqual([...new Set(names(gen.clusters))].length, gen.clusters.length, 'cluster names are unique');
  assert.deepEqual(names(gen.routes).sort(), referencedRouteNames(gen.listeners), 'every RDS name referenced by LDS is generated, and only those');
  assert.deepEqual(names(gen.endpoints).sort(), edsClusterNames(gen.clusters).sort(), 'every EDS cluster in CDS has its ClusterLoadAssignment');
  // Outbound clusters may be missing on purpose (a VirtualService naming an undefined subset is a
  // 503 NC at run time, as in Istio); every other cluster config references is Istio's own.
  const defined = new Set(names(gen.clusters));
  for (const ref of referencedClusters(gen)) {
    if (!ref.startsWith('outbound|')) assert.ok(defined.has(ref), `cluster ${ref} is referenced but not generated`);
  }
}

/** Cluster names referenced by listeners (tcp_proxy, inline routes) and route configurations. */
export function referencedClusters(gen: Pick<GeneratedPush, 'listeners' | 'routes'>): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown, key = ''): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x, key);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        // `name` of a weighted cluster entry is a cluster; elsewhere `cluster` is.
        if (typeof x === 'string' && (k === 'cluster' || (k === 'name' && key === 'clusters'))) out.add(x);
        else visit(x, k);
      }
    }
  };
  for (const l of gen.listeners) for (const c of [...(l.filter_chains ?? []), ...(l.default_filter_chain ? [l.default_filter_chain] : [])]) visit(c.filters);
  for (const r of gen.routes) visit(r.virtual_hosts);
  return out;
}

/** A case from YAML, its consistent push, and a simulation over it. */
export function simulateYaml(yaml: string, name = 'sim'): { c: GoldenCase; gen: GeneratedPush; sim: Simulation } {
  const c = caseFromYaml(name, yaml);
  const gen = generatePush(c);
  return { c, gen, sim: new Simulation(gen.listeners, gen.routes, gen.clusters, gen.endpoints) };
}
