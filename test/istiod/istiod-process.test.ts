// The istiod binary as a process: flag errors, an Envoy sidecar's ADS session (CDS → EDS, LDS →
// RDS, ACKs, snapshot consistency), a config edit reaching it as a push, /debug endpoints, and a
// clean exit on SIGTERM.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestAdsClient, testNode } from '../../src/xds/testing/ads-test-client.js';
import { snapshotInconsistencies } from '../../src/xds/testing/consistency.js';
import { TypeUrl, decodeAny, type DiscoveryResponse__Output } from '../../src/xds-api/index.js';
import { runIstioctl } from '../../src/cli/index.js';
import { eventually, repoRoot, startIstiod, type IstiodProcess } from './harness.js';

const SERVICE = `
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec: { clusterIP: 10.0.0.9, selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: reviews-1, namespace: default, labels: { kubernetes.io/service-name: reviews } }
addressType: IPv4
ports: [{ name: http, port: 9080 }]
endpoints: [{ addresses: [10.1.0.5] }]
`;

const NODE = 'sidecar~10.1.0.9~productpage.default~default.svc.cluster.local';

function ack(c: TestAdsClient, r: DiscoveryResponse__Output, names: string[] = []): void {
  c.send({ node: testNode(NODE), type_url: r.type_url, version_info: r.version_info, response_nonce: r.nonce, resource_names: names });
}

describe('istiod binary', { timeout: 60_000 }, () => {
  test('bad flags and a missing config directory exit 1 with a message', () => {
    const FROM_SOURCE = import.meta.url.endsWith('.ts');
    const root = repoRoot();
    const entry = FROM_SOURCE ? ['--import', 'tsx', join(root, 'src/bin/istiod.ts')] : [join(root, 'dist/src/bin/istiod.js')];
    const cases: Array<[string[], RegExp]> = [
      [['--nope'], /unknown flag: --nope/],
      [['--grpcAddr'], /flag needs an argument: --grpcAddr/],
      [['--grpcAddr', 'localhost', '--configDir', root], /invalid address "localhost"/],
      [['--configDir', join(root, 'does-not-exist'), '--grpcAddr', '127.0.0.1:0', '--monitoringAddr', '127.0.0.1:0'], /config directory .*does-not-exist/],
    ];
    for (const [args, want] of cases) {
      const r = spawnSync(process.execPath, [...entry, ...args], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, want);
    }
  });

  describe('an Envoy sidecar over ADS', () => {
    let dir: string;
    let istiod: IstiodProcess;
    let client: TestAdsClient;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'istiod-envoy-'));
      writeFileSync(join(dir, 'reviews.yaml'), SERVICE);
      istiod = await startIstiod(['--configDir', dir]);
      client = new TestAdsClient(Number(istiod.grpcAddr.split(':').pop()));
    });

    after(async () => {
      client?.close();
      const code = await istiod?.stop();
      rmSync(dir, { recursive: true, force: true });
      assert.equal(code, 0);
    });

    test('CDS, EDS, LDS and RDS are served, consistent, and ACKed; a config edit is pushed', async () => {
      client.send({ node: testNode(NODE), type_url: TypeUrl.Cluster });
      const cds = await client.next(10_000);
      const clusters = cds.resources.map((r) => decodeAny(r, TypeUrl.Cluster));
      const names = clusters.map((c) => c.name);
      for (const want of ['outbound|9080||reviews.default.svc.cluster.local', 'PassthroughCluster', 'BlackHoleCluster']) assert.ok(names.includes(want), `${want} in ${names.join(', ')}`);
      ack(client, cds);
      const edsNames = clusters.filter((c) => c.type === 'EDS').map((c) => c.eds_cluster_config?.service_name || c.name);
      client.send({ node: testNode(NODE), type_url: TypeUrl.ClusterLoadAssignment, resource_names: edsNames });
      const eds = await client.next(10_000);
      const cla = eds.resources.map((r) => decodeAny(r, TypeUrl.ClusterLoadAssignment)).find((c) => c.cluster_name === 'outbound|9080||reviews.default.svc.cluster.local');
      assert.deepEqual(cla?.endpoints.flatMap((l) => l.lb_endpoints.map((e) => e.endpoint?.address?.socket_address?.address)), ['10.1.0.5']);
      ack(client, eds, edsNames);
      client.send({ node: testNode(NODE), type_url: TypeUrl.Listener });
      const lds = await client.next(10_000);
      ack(client, lds);
      const rdsNames = new Set<string>();
      for (const l of lds.resources.map((r) => decodeAny(r, TypeUrl.Listener))) {
        for (const ch of [...l.filter_chains, ...(l.default_filter_chain ? [l.default_filter_chain] : [])]) {
          for (const f of ch.filters) {
            if (f.typed_config?.type_url !== TypeUrl.HttpConnectionManager) continue;
            const n = decodeAny(f.typed_config, TypeUrl.HttpConnectionManager).rds?.route_config_name;
            if (n) rdsNames.add(n);
          }
        }
      }
      assert.ok(rdsNames.has('9080'), `route 9080 referenced (got ${[...rdsNames].join(', ')})`);
      client.send({ node: testNode(NODE), type_url: TypeUrl.RouteConfiguration, resource_names: [...rdsNames] });
      const rds = await client.next(10_000);
      ack(client, rds, [...rdsNames]);
      assert.deepEqual(snapshotInconsistencies({ listeners: lds.resources, routes: rds.resources, clusters: cds.resources, endpoints: eds.resources }), []);

      const syncz = (await (await fetch(`http://${istiod.monitoringAddr}/debug/syncz`)).json()) as Array<Record<string, string>>;
      assert.equal(syncz[0].proxy, 'productpage.default');
      for (const f of ['cluster', 'endpoint', 'listener', 'route']) assert.equal(syncz[0][`${f}_acked`], syncz[0][`${f}_sent`], f);

      // A second port on the service: a full push brings a new outbound cluster.
      writeFileSync(join(dir, 'reviews.yaml'), SERVICE.replace('ports: [{ name: http, port: 9080 }] }', 'ports: [{ name: http, port: 9080 }, { name: http-alt, port: 9090 }] }'));
      let pushed: string[] = [];
      for (let i = 0; i < 6 && !pushed.includes('outbound|9090||reviews.default.svc.cluster.local'); i++) {
        const r = await client.next(10_000);
        if (r.type_url === TypeUrl.Cluster) pushed = r.resources.map((x) => decodeAny(x, TypeUrl.Cluster).name);
        ack(client, r, r.type_url === TypeUrl.Cluster || r.type_url === TypeUrl.Listener ? [] : r.type_url === TypeUrl.RouteConfiguration ? [...rdsNames] : edsNames);
      }
      assert.ok(pushed.includes('outbound|9090||reviews.default.svc.cluster.local'), `pushed clusters: ${pushed.join(', ')}`);

      const configz = (await (await fetch(`http://${istiod.monitoringAddr}/debug/configz`)).json()) as { items: Array<{ kind: string }> };
      assert.deepEqual(configz.items.map((c) => c.kind).sort(), ['EndpointSlice', 'Service']);
      const push = (await (await fetch(`http://${istiod.monitoringAddr}/debug/push_status`)).json()) as { connectedProxies: number; lastPush: { full: boolean } };
      assert.equal(push.connectedProxies, 1);
      assert.equal(push.lastPush.full, true);
      assert.equal((await fetch(`http://${istiod.monitoringAddr}/debug/config_dump`)).status, 400);

      // A second proxy rejects CDS: counted, shown by syncz and by proxy-status as ERROR.
      const node2 = 'sidecar~10.1.0.10~ratings.default~default.svc.cluster.local';
      const other = new TestAdsClient(Number(istiod.grpcAddr.split(':').pop()));
      try {
        other.send({ node: testNode(node2), type_url: TypeUrl.Cluster });
        const r = await other.next(10_000);
        other.send({ node: testNode(node2), type_url: TypeUrl.Cluster, version_info: '', response_nonce: r.nonce, error_detail: { code: 3, message: 'bad cluster' } });
        const rejected = await eventually(async () => /^pilot_total_xds_rejects\{type="cds"\} 1$/m.test(await (await fetch(`http://${istiod.monitoringAddr}/metrics`)).text()), 5000);
        assert.ok(rejected, 'pilot_total_xds_rejects{type="cds"} 1');
        const rows = (await (await fetch(`http://${istiod.monitoringAddr}/debug/syncz`)).json()) as Array<{ proxy: string; nacks: Record<string, string> }>;
        assert.deepEqual(rows.find((x) => x.proxy === 'ratings.default')?.nacks, { CDS: 'bad cluster' });
        let out = '';
        const sink = { write: (t: string) => { out += t; return true; } };
        assert.equal(await runIstioctl(['proxy-status', 'ratings.default', '--istiod', istiod.monitoringAddr], { stdout: sink, stderr: sink, stdin: process.stdin, cwd: process.cwd() } as never), 0, out);
        assert.deepEqual(out.trimEnd().split('\n')[1].split(/\s{2,}/).slice(0, 3), ['ratings.default', 'Kubernetes', 'ERROR']);
      } finally {
        other.close();
      }
      assert.equal((await fetch(`http://${istiod.monitoringAddr}/debug/config_dump?proxyID=nobody.default`)).status, 404);
    });
  });
});
