// The simulator against the real ADS server (delta xDS over loopback gRPC) with a small fake
// translation: every client must end up holding CDS/EDS/LDS/RDS, ACKed, and observe a marked push.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypeUrl, WellKnownName, encodeAny, typedAny } from '../../src/xds-api/index.js';
import type { Generator } from '../../src/xds/generator.js';
import { pushRequest } from '../../src/xds/push-request.js';
import { AdsServer } from '../../src/xds/server.js';
import { Simulator, wallNow, type SimNode } from './ads-sim.js';

const CDS = TypeUrl.Cluster;
const EDS = TypeUrl.ClusterLoadAssignment;
const LDS = TypeUrl.Listener;
const RDS = TypeUrl.RouteConfiguration;

/** Three EDS clusters and one STATIC one; a listener per route name; endpoints carry `ip`. */
class FakeMesh {
  ip = '10.0.0.1';
  routeTag = 'r0';
  readonly edsClusters = ['outbound|80||a.ns.svc.cluster.local', 'outbound|80||b.ns.svc.cluster.local', 'outbound|80|v1|b.ns.svc.cluster.local'];
  readonly asked = new Map<string, Set<string>>();

  generators(): Map<string, Generator<string>> {
    const gen = (type: string, all: () => Array<{ name: string; resource: ReturnType<typeof encodeAny> }>): Generator<string> => ({
      generate: (_proxy, watch) => {
        if (!watch.wildcard) {
          const seen = this.asked.get(type) ?? new Set();
          for (const n of watch.names) seen.add(n);
          this.asked.set(type, seen);
        }
        return { version: `${this.ip}/${this.routeTag}`, resources: all() };
      },
    });
    return new Map([
      [CDS, gen(CDS, () => [
        ...this.edsClusters.map((name) => ({ name, resource: encodeAny(CDS, { name, type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } } }) })),
        { name: 'BlackHoleCluster', resource: encodeAny(CDS, { name: 'BlackHoleCluster', type: 'STATIC' }) },
      ])],
      [EDS, gen(EDS, () => this.edsClusters.map((name) => ({
        name,
        resource: encodeAny(EDS, { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: name.includes('|a.') ? this.ip : '10.0.9.9', port_value: 8080 } } } }] }] }),
      })))],
      [LDS, gen(LDS, () => ['80', '9090'].map((rds) => ({
        name: `0.0.0.0_${rds}`,
        resource: encodeAny(LDS, {
          name: `0.0.0.0_${rds}`,
          filter_chains: [{ filters: [{ name: WellKnownName.HttpConnectionManager, typed_config: typedAny(TypeUrl.HttpConnectionManager, {
            stat_prefix: rds, rds: { route_config_name: rds, config_source: { ads: {} } },
          }) }] }],
        }),
      })))],
      [RDS, gen(RDS, () => ['80', '9090'].map((name) => ({
        name,
        resource: encodeAny(RDS, { name, virtual_hosts: [{ name: 'a', domains: ['*'], routes: [{ name: this.routeTag, match: { prefix: '/' }, route: { cluster: this.edsClusters[0] } }] }] }),
      })))],
    ]);
  }
}

const nodes = (n: number): SimNode[] => Array.from({ length: n }, (_, i) => ({
  id: `sidecar~10.1.0.${i + 1}~pod-${i}.ns~ns.svc.cluster.local`, namespace: 'ns', labels: { app: `app-${i % 3}` },
}));

test('ads-sim: clients over shared channels sync CDS/EDS/LDS/RDS, ACK everything, and observe marked pushes', { timeout: 30_000 }, async () => {
  const mesh = new FakeMesh();
  const server = new AdsServer<string>({ generators: mesh.generators(), debounce: { quietMs: 5, maxMs: 50 } });
  const port = await server.listen('127.0.0.1:0');
  const sim = new Simulator({ address: `127.0.0.1:${port}`, nodes: nodes(24), channels: 3 });
  try {
    const t0 = wallNow();
    const initial = await sim.connect(10_000);
    assert.equal(initial.syncedAt.filter((t) => t >= t0).length, 24);
    // Every client asked for exactly the EDS clusters and the routes the listeners name.
    assert.deepEqual([...mesh.asked.get(EDS)!].sort(), [...mesh.edsClusters].sort());
    assert.deepEqual([...mesh.asked.get(RDS)!].sort(), ['80', '9090']);
    const stats = sim.stats();
    assert.deepEqual(
      Object.fromEntries(Object.entries(stats.perType).map(([k, v]) => [k, [v.responses, v.resources]])),
      { Cluster: [24, 24 * 4], Listener: [24, 24 * 2], ClusterLoadAssignment: [24, 24 * 3], RouteConfiguration: [24, 24 * 2] },
    );
    assert.equal(stats.errors, 0);
    // Clusters and listeners were decoded once each, and one shared state served every client.
    assert.deepEqual(stats.shared, { cds: { transitions: 1, decoded: 4 }, lds: { transitions: 1, decoded: 2 } });
    await waitFor(() => server.syncz().every((s) => s.types.length === 4 && s.types.every((t) => t.state === 'ACKED')));
    assert.equal(server.syncz().length, 24);

    // An endpoint-only push carrying a new address.
    sim.arm({ typeUrl: EDS, marker: '10.0.0.2' });
    mesh.ip = '10.0.0.2';
    const t1 = wallNow();
    await server.pushAll(pushRequest({ full: false, reason: 'endpoint', start: 0 }));
    const seen = (await sim.collect(5000)).times;
    assert.equal(seen.filter((t) => t >= t1).length, 24);
    // Delta: only the changed CLA travelled, and nothing but EDS.
    assert.deepEqual(Object.fromEntries(Object.entries(sim.stats().perType).map(([k, v]) => [k, [v.responses, v.resources]])), { ClusterLoadAssignment: [24, 24] });

    // Only some clients expected (Sidecar scoping): their times, and the others counted apart.
    sim.arm({ typeUrl: EDS, marker: '10.0.0.3', expect: [0, 1, 2] });
    mesh.ip = '10.0.0.3';
    await server.pushAll(pushRequest({ full: false, reason: 'endpoint', start: 0 }));
    const some = await sim.collect(5000);
    assert.equal(some.times.filter(Number.isFinite).length, 3);
    // The other 21 got it too; how many arrived within collect's grace depends on the machine.
    assert.ok(some.unexpected >= 1 && some.unexpected <= 21, `unexpected ${some.unexpected}`);

    // A marker that never arrives is reported as not seen, within the timeout.
    sim.arm({ typeUrl: RDS, marker: 'never-sent' });
    assert.deepEqual((await sim.collect(100)).times.filter((t) => !Number.isNaN(t)), []);
  } finally {
    sim.close();
    await server.close(200);
  }
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
