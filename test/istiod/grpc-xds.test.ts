// Acceptance: gRPC's own proxyless xDS client (@grpc/grpc-js-xds, which we did not write) against
// the istiod binary serving a config directory. Real gRPC servers v1/v2 on loopback are described
// by a ServiceEntry + WorkloadEntries; routing comes from a VirtualService over DestinationRule
// subsets, and edits of the YAML files reach the running client without a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { runIstioctl } from '../../src/cli/index.js';
import { createServer } from 'node:net';
import { call, eventually, startEchoServer, startIstiod, type IstiodProcess } from './harness.js';

const HOST = 'echo.default.svc.cluster.local';
const PORT = 7070;
const NODE_ID = 'sidecar~127.0.0.1~client.default~default.svc.cluster.local';

const services = (ports: { v1: number; v2: number }) => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: echo, namespace: default }
spec:
  hosts: [${HOST}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: ${PORT}, name: grpc, protocol: GRPC }]
  workloadSelector: { labels: { app: echo } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: echo-v1, namespace: default }
spec: { address: 127.0.0.1, ports: { grpc: ${ports.v1} }, labels: { app: echo, version: v1 } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: echo-v2, namespace: default }
spec: { address: 127.0.0.1, ports: { grpc: ${ports.v2} }, labels: { app: echo, version: v2 } }
`;

const DESTINATION_RULE = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: echo, namespace: default }
spec:
  host: ${HOST}
  subsets:
  - { name: v1, labels: { version: v1 } }
  - { name: v2, labels: { version: v2 } }
`;

const virtualService = (split: { v1: number; v2: number }) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: echo, namespace: default }
spec:
  hosts: [${HOST}]
  http:
  - name: canary
    match: [{ headers: { x-canary: { exact: "yes" } } }]
    route: [{ destination: { host: ${HOST}, subset: v2 } }]
  - name: fail
    match: [{ uri: { exact: /echo.Echo/Fail } }]
    fault: { abort: { grpcStatus: PERMISSION_DENIED, percentage: { value: 100 } } }
    route: [{ destination: { host: ${HOST}, subset: v1 } }]
  - name: split
    route:
    - { destination: { host: ${HOST}, subset: v1 }, weight: ${split.v1} }
    - { destination: { host: ${HOST}, subset: v2 }, weight: ${split.v2} }
`;

/** Writes like an editor that saves atomically (temp file + rename). */
function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function captured() {
  let text = '';
  const sink = { write: (s: string) => { text += s; return true; } };
  return { io: { stdout: sink, stderr: sink, stdin: process.stdin, cwd: process.cwd() } as never, text: () => text };
}

describe('proxyless gRPC client (grpc-js-xds) against istiod --configDir', { timeout: 120_000 }, () => {
  let dir: string;
  let istiod: IstiodProcess;
  let client: grpc.Client;
  const servers: Array<Awaited<ReturnType<typeof startEchoServer>>> = [];

  before(async () => {
    const v1 = await startEchoServer('v1');
    const v2 = await startEchoServer('v2');
    servers.push(v1, v2);
    dir = mkdtempSync(join(tmpdir(), 'istiod-grpc-'));
    writeFileSync(join(dir, 'services.yaml'), services({ v1: v1.port, v2: v2.port }));
    writeFileSync(join(dir, 'destination-rule.yaml'), DESTINATION_RULE);
    writeFileSync(join(dir, 'virtual-service.yaml'), virtualService({ v1: 80, v2: 20 }));
    istiod = await startIstiod(['--configDir', dir]);
    process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify({
      xds_servers: [{ server_uri: istiod.grpcAddr, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
      server_listener_resource_name_template: 'xds.istio.io/grpc/lds/inbound/%s',
      node: { id: NODE_ID, metadata: { GENERATOR: 'grpc', NAMESPACE: 'default', ISTIO_VERSION: '1.24.0' }, locality: {} },
    });
    grpcXds.register();
    client = new grpc.Client(`xds:///${HOST}:${PORT}`, grpc.credentials.createInsecure());
    const up = await eventually(async () => (await call(client, 'Echo', {}, 2000)).code === 0, 20_000, 200);
    assert.ok(up, `the xDS client never reached a backend\n${istiod.stderr().slice(-3000)}`);
  });

  after(async () => {
    client?.close();
    const code = await istiod?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, 'istiod exits 0 on SIGTERM');
  });

  test('an 80/20 VirtualService split over DestinationRule subsets holds within ±5 % over 1,000 calls', async () => {
    const counts = new Map<string, number>();
    for (let batch = 0; batch < 20; batch++) {
      const results = await Promise.all(Array.from({ length: 50 }, () => call(client, 'Echo')));
      for (const r of results) {
        assert.equal(r.code, 0, r.details);
        counts.set(r.reply!, (counts.get(r.reply!) ?? 0) + 1);
      }
    }
    const v1 = counts.get('v1') ?? 0;
    const v2 = counts.get('v2') ?? 0;
    assert.equal(v1 + v2, 1000);
    assert.ok(v1 >= 750 && v1 <= 850, `v1 got ${v1} of 1000 (want 800 ± 50)`);
  });

  test('a header match routes every call to v2', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => call(client, 'Echo', { 'x-canary': 'yes' })));
    assert.deepEqual(new Set(results.map((r) => r.reply)), new Set(['v2']));
  });

  test('fault abort with a gRPC status reaches the client without touching the backend', async () => {
    const before = servers[0].calls() + servers[1].calls();
    const results = await Promise.all(Array.from({ length: 10 }, () => call(client, 'Fail')));
    for (const r of results) assert.equal(r.code, grpc.status.PERMISSION_DENIED, `got ${r.code} ${r.details}`);
    assert.equal(servers[0].calls() + servers[1].calls(), before);
  });

  test('rewriting the VirtualService file is picked up by the running client', async () => {
    writeAtomic(join(dir, 'virtual-service.yaml'), virtualService({ v1: 0, v2: 100 }));
    const switched = await eventually(async () => {
      const rs = await Promise.all(Array.from({ length: 20 }, () => call(client, 'Echo')));
      return rs.every((r) => r.reply === 'v2');
    }, 15_000, 100);
    assert.ok(switched, 'client still reaches v1 after the split moved to 0/100');
  });

  test('an endpoint-only change (WorkloadEntry port) is an EDS push the client follows', async () => {
    const v3 = await startEchoServer('v2-moved');
    servers.push(v3);
    writeAtomic(join(dir, 'services.yaml'), services({ v1: servers[0].port, v2: v3.port }));
    const moved = await eventually(async () => (await call(client, 'Echo', { 'x-canary': 'yes' })).reply === 'v2-moved', 15_000, 100);
    assert.ok(moved, 'client never reached the moved v2 endpoint');
    const metrics = await (await fetch(`http://${istiod.monitoringAddr}/metrics`)).text();
    assert.match(metrics, /^pilot_push_triggers\{type="endpoint"\} [1-9]/m);
  });

  test('/metrics, /debug/syncz and istioctl proxy-status show the connected client', async () => {
    const base = `http://${istiod.monitoringAddr}`;
    assert.equal((await fetch(`${base}/ready`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^pilot_xds\{version="1\.24\.0"\} 1$/m);
    for (const type of ['lds', 'rds', 'cds', 'eds']) assert.match(metrics, new RegExp(`^pilot_xds_pushes\\{type="${type}"\\} [1-9]`, 'm'));
    assert.match(metrics, /^pilot_push_triggers\{type="config"\} [1-9]/m);
    assert.match(metrics, /^pilot_proxy_convergence_time_count [1-9]/m);
    assert.match(metrics, /^pilot_xds_push_time_count\{type="rds"\} [1-9]/m);
    // Declared, and zero: the real client rejected nothing istiod sent.
    assert.match(metrics, /^# TYPE pilot_total_xds_rejects counter$/m);
    assert.doesNotMatch(metrics, /^pilot_total_xds_rejects\{/m);

    const syncz = (await (await fetch(`${base}/debug/syncz`)).json()) as Array<Record<string, string>>;
    assert.equal(syncz.length, 1);
    assert.equal(syncz[0].proxy, 'client.default');
    assert.equal(syncz[0].node_id, NODE_ID);
    for (const f of ['listener', 'route', 'cluster', 'endpoint']) {
      assert.notEqual(syncz[0][`${f}_sent`], '', `${f} sent`);
      assert.equal(syncz[0][`${f}_acked`], syncz[0][`${f}_sent`], `${f} acked`);
    }

    const dump = (await (await fetch(`${base}/debug/config_dump?proxyID=client.default`)).json()) as { configs: Array<Record<string, unknown>> };
    const listeners = dump.configs.find((c) => String(c['@type']).endsWith('ListenersConfigDump')) as { dynamic_listeners: Array<{ name: string }> };
    assert.deepEqual(listeners.dynamic_listeners.map((l) => l.name), [`${HOST}:${PORT}`]);

    const out = captured();
    assert.equal(await runIstioctl(['proxy-status', '--istiod', istiod.monitoringAddr], out.io), 0, out.text());
    const lines = out.text().trimEnd().split('\n');
    assert.deepEqual(lines[0].split(/\s{2,}/), ['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION']);
    const row = lines[1].split(/\s{2,}/);
    assert.deepEqual([row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[8]], ['client.default', 'Kubernetes', 'SYNCED', 'SYNCED', 'SYNCED', 'SYNCED', 'NOT SENT', '1.24.0']);

    const desc = captured();
    assert.equal(await runIstioctl(['x', 'describe', 'service', 'echo', '--istiod', istiod.monitoringAddr], desc.io), 0, desc.text());
    const d = desc.text().split('\n');
    assert.equal(d[0], `Service: ${HOST}`);
    assert.match(d[1], /^ {3}Port: grpc 7070\/GRPC targets pod port \d+,\d+$/);
    for (const line of [
      `DestinationRule: echo.default for "${HOST}"`, '   Matching subsets: v1,v2', 'VirtualService: echo.default', '   3 HTTP route(s)',
      '   when header x-canary exact "yes"', '      Fault: abort gRPC PERMISSION_DENIED for 100%',
      `      Route to host "${HOST}" subset "v2" with weight 100%`,
    ]) assert.ok(d.includes(line), `missing "${line}" in\n${desc.text()}`);
    const pod = captured();
    assert.equal(await runIstioctl(['x', 'describe', 'pod', 'client', '--istiod', istiod.monitoringAddr], pod.io), 0, pod.text());
    assert.deepEqual(pod.text().split('\n').slice(0, 2), ['Pod: client', '   Proxy: connected, CDS SYNCED, LDS SYNCED, EDS SYNCED, RDS SYNCED']);
  });

  test('a grpc-js-xds XdsServer gets its inbound listener and serves the client', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => resolve(p));
      });
    });
    writeFileSync(join(dir, 'xds-server.yaml'), `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: echo-xds, namespace: default }
spec:
  hosts: [echo-xds.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: ${PORT}, name: grpc, protocol: GRPC }]
  workloadSelector: { labels: { app: echo-xds } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: echo-xds, namespace: default }
spec: { address: 127.0.0.1, ports: { grpc: ${port} }, labels: { app: echo-xds } }
`);
    const server = new grpcXds.XdsServer();
    const identity = (b: Buffer) => b;
    const method = { path: '/echo.Echo/Echo', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity };
    server.addService({ Echo: method }, { Echo: (_c: unknown, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from('xds-server')) });
    try {
      // The listener exists only once istiod has read the new file, so binding may need retries.
      const bound = await eventually(() => new Promise<boolean>((resolve) => {
        server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err) => resolve(!err));
      }), 15_000, 300);
      assert.ok(bound, 'XdsServer could not bind');
      const xdsClient = new grpc.Client(`xds:///echo-xds.default.svc.cluster.local:${PORT}`, grpc.credentials.createInsecure());
      try {
        const served = await eventually(async () => (await call(xdsClient, 'Echo', {}, 2000)).reply === 'xds-server', 15_000, 200);
        assert.ok(served, 'the client never reached the XdsServer');
        const dump = (await (await fetch(`http://${istiod.monitoringAddr}/debug/config_dump?proxyID=client.default`)).json()) as { configs: Array<{ dynamic_listeners?: Array<{ name: string }> }> };
        const names = dump.configs.flatMap((c) => c.dynamic_listeners ?? []).map((l) => l.name);
        assert.ok(names.includes(`xds.istio.io/grpc/lds/inbound/127.0.0.1:${port}`), names.join(', '));
      } finally {
        xdsClient.close();
      }
    } finally {
      server.forceShutdown();
    }
  });
});
