// Gateways end to end with the real istiod (--configDir holding users' Gateway, VirtualService,
// ServiceEntry YAML) and real pilot-agent processes in router mode:
// - an ingress gateway: HTTP routed by Host and path from VirtualServices bound to the gateway,
//   TLS PASSTHROUGH chosen by SNI (the client completes its handshake with the backend's own
//   certificate), and a TCP server;
// - Istio's egress-gateway pattern: a sidecar sends traffic for a ServiceEntry host to the egress
//   gateway (VirtualService on `mesh`), which forwards it to the external service (on loopback).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { echoBackend, get } from '../../src/proxy/testing.js';
import { startIstiod } from '../istiod/harness.js';
import { httpGet, startAgent, type AgentProcess } from '../proxy-xds/agent-process.js';
import { freePort, waitFor } from '../proxy-xds/fake-control-plane.js';
import { tlsBackend, tlsGet, type TlsBackend } from './tls-backend.js';

const cleanup: Array<() => unknown> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

/** A Kubernetes Service with one ready endpoint on 127.0.0.1:`target`. */
function service(name: string, ns: string, ip: string, port: number, portName: string, target: number): string {
  return `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  clusterIP: ${ip}
  ports: [{name: ${portName}, port: ${port}, targetPort: ${target}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: ${ns}, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
ports: [{name: ${portName}, port: ${target}, protocol: TCP}]
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
---`;
}

async function router(grpcAddr: string, pod: string, label: string): Promise<AgentProcess> {
  const ag = await startAgent(['proxy', 'router', '--discoveryAddress', grpcAddr, '--proxyAdminPort', '0', '--statusPort', '0', '--concurrency', '1'], {
    POD_NAME: pod, POD_NAMESPACE: 'istio-system', INSTANCE_IP: '127.0.0.1', ISTIO_METAJSON_LABELS: JSON.stringify({ istio: label }), ISTIO_META_ENVOY_STATUS_PORT: '0',
  });
  cleanup.push(() => ag.stop());
  await waitFor(async () => (await httpGet(ag.status, '/healthz/ready')).status === 200, `${pod} ready`, 20_000);
  return ag;
}

/** Waits until the listener on `port` accepts (the gateway binds it once LDS arrives). */
const listening = (port: number): Promise<void> => waitFor(() => new Promise<boolean>((resolve) => {
  const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
  s.on('error', () => resolve(false));
}), `listener ${port}`, 10_000);

describe('gateways with the real istiod', () => {
  let dir: string;
  let grpcAddr: string;
  let webA: Awaited<ReturnType<typeof echoBackend>>;
  let webB: Awaited<ReturnType<typeof echoBackend>>;
  let external: Awaited<ReturnType<typeof echoBackend>>;
  let tlsA: TlsBackend;
  let tlsB: TlsBackend;
  let tcpPort: number;
  const p: Record<string, number> = {};

  before(async () => {
    webA = await echoBackend('web-a');
    webB = await echoBackend('web-b');
    external = await echoBackend('external');
    tlsA = await tlsBackend('tls-a', 'a.tls.example.com');
    tlsB = await tlsBackend('tls-b', 'b.tls.example.com');
    const tcpEcho = createServer((s) => s.pipe(s));
    tcpEcho.listen(0, '127.0.0.1');
    await once(tcpEcho, 'listening');
    tcpPort = (tcpEcho.address() as AddressInfo).port;
    cleanup.push(() => webA.server.close(), () => webB.server.close(), () => external.server.close(), () => tlsA.close(), () => tlsB.close(), () => tcpEcho.close());
    for (const k of ['http', 'tls', 'tcp', 'egressGw', 'sidecarEgress']) p[k] = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'istio-ts-gateway-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'namespaces.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n');
    writeFileSync(join(dir, 'services.yaml'), [
      service('web-a', 'default', '10.96.1.1', 80, 'http', webA.port),
      service('web-b', 'default', '10.96.1.2', 80, 'http', webB.port),
      service('tls-a', 'default', '10.96.1.3', 443, 'tls', tlsA.port),
      service('tls-b', 'default', '10.96.1.4', 443, 'tls', tlsB.port),
      service('tcp-echo', 'default', '10.96.1.5', 9000, 'tcp', tcpPort),
      service('istio-egressgateway', 'istio-system', '10.96.1.6', p.egressGw, 'http', p.egressGw),
    ].join('\n'));
    writeFileSync(join(dir, 'ingress.yaml'), `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ingress, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: ${p.http}, name: http, protocol: HTTP}
    hosts: [a.example.com, b.example.com]
  - port: {number: ${p.tls}, name: tls, protocol: TLS}
    tls: {mode: PASSTHROUGH}
    hosts: [a.tls.example.com, b.tls.example.com]
  - port: {number: ${p.tcp}, name: tcp, protocol: TCP}
    hosts: ['*']
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: site-a, namespace: default}
spec:
  hosts: [a.example.com]
  gateways: [istio-system/ingress]
  http:
  - match: [{uri: {prefix: /b/}}]
    rewrite: {uri: /}
    route: [{destination: {host: web-b, port: {number: 80}}}]
  - route: [{destination: {host: web-a, port: {number: 80}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: site-b, namespace: default}
spec:
  hosts: [b.example.com]
  gateways: [istio-system/ingress]
  http:
  - route: [{destination: {host: web-b, port: {number: 80}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: passthrough, namespace: default}
spec:
  hosts: [a.tls.example.com, b.tls.example.com]
  gateways: [istio-system/ingress]
  tls:
  - match: [{port: ${p.tls}, sniHosts: [a.tls.example.com]}]
    route: [{destination: {host: tls-a, port: {number: 443}}}]
  - match: [{port: ${p.tls}, sniHosts: [b.tls.example.com]}]
    route: [{destination: {host: tls-b, port: {number: 443}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: tcp-echo, namespace: default}
spec:
  hosts: ['*']
  gateways: [istio-system/ingress]
  tcp:
  - match: [{port: ${p.tcp}}]
    route: [{destination: {host: tcp-echo, port: {number: 9000}}}]
`);
    // Istio's "Egress Gateways" task, with the external service simulated on loopback.
    writeFileSync(join(dir, 'egress.yaml'), `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: external, namespace: default}
spec:
  hosts: [external.example.com]
  location: MESH_EXTERNAL
  resolution: STATIC
  ports: [{number: ${p.sidecarEgress}, name: http, protocol: HTTP}]
  endpoints: [{address: 127.0.0.1, ports: {http: ${external.port}}}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: istio-egressgateway, namespace: default}
spec:
  selector: {istio: egressgateway}
  servers:
  - port: {number: ${p.egressGw}, name: http, protocol: HTTP}
    hosts: [external.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: direct-external-through-egress-gateway, namespace: default}
spec:
  hosts: [external.example.com]
  gateways: [istio-egressgateway, mesh]
  http:
  - match: [{gateways: [mesh], port: ${p.sidecarEgress}}]
    route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local, port: {number: ${p.egressGw}}}}]
  - match: [{gateways: [istio-egressgateway], port: ${p.egressGw}}]
    route: [{destination: {host: external.example.com, port: {number: ${p.sidecarEgress}}}}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress:
  - port: {number: ${p.sidecarEgress}, protocol: HTTP, name: http}
    bind: 127.0.0.1
    captureMode: NONE
    hosts: ['*/*']
`);
    const istiod = await startIstiod(['--configDir', dir]);
    cleanup.push(() => istiod.stop());
    grpcAddr = istiod.grpcAddr;
  });

  it('ingress: HTTP by Host and path, TLS passthrough by SNI, TCP', async () => {
    const gw = await router(grpcAddr, 'istio-ingressgateway-7d4f8-abcde', 'ingressgateway');
    await listening(p.http);
    const cases: [string, string, number, string | undefined, string | undefined][] = [
      ['a.example.com', '/x', 200, 'web-a', '/x'],
      ['a.example.com', '/b/y', 200, 'web-b', '/y'],
      [`b.example.com:${p.http}`, '/z', 200, 'web-b', '/z'],
      ['c.example.com', '/', 404, undefined, undefined],
    ];
    for (const [host, path, status, backend, seen] of cases) {
      const r = await get(p.http, path, { host });
      assert.equal(r.status, status, `${host}${path}: ${r.body}`);
      assert.equal(r.headers['x-backend'], backend, `${host}${path}`);
      if (seen !== undefined) assert.equal((backend === 'web-a' ? webA : webB).received.at(-1)?.url, seen);
    }

    await listening(p.tls);
    const a = await tlsGet(p.tls, 'a.tls.example.com', tlsA.cert.cert, ['h2', 'http/1.1']);
    assert.deepEqual(a, { body: 'tls-a sni=a.tls.example.com alpn=h2', peerCN: 'a.tls.example.com', authorized: true, alpn: 'h2' });
    const b = await tlsGet(p.tls, 'b.tls.example.com', tlsB.cert.cert);
    assert.deepEqual(b, { body: 'tls-b sni=b.tls.example.com alpn=http/1.1', peerCN: 'b.tls.example.com', authorized: true, alpn: 'http/1.1' });
    await assert.rejects(tlsGet(p.tls, 'c.tls.example.com', tlsA.cert.cert), /closed before the handshake completed/);

    await listening(p.tcp);
    const echoed = await new Promise<string>((resolve) => {
      const s = connect(p.tcp, '127.0.0.1', () => s.end('ping over tcp'));
      let got = '';
      s.on('data', (d: Buffer) => { got += d.toString(); });
      s.on('close', () => resolve(got));
    });
    assert.equal(echoed, 'ping over tcp');
    const stats = (await httpGet(gw.admin, '/stats?filter=tls_inspector')).body;
    assert.match(stats, /^tls_inspector\.sni_found: 3$/m);
  });

  it('egress: sidecar → egress gateway → external service (ServiceEntry)', async () => {
    const egw = await router(grpcAddr, 'istio-egressgateway-5c8b-fghij', 'egressgateway');
    const sc = await startAgent(['proxy', 'sidecar', '--discoveryAddress', grpcAddr, '--proxyAdminPort', '0', '--statusPort', '0', '--concurrency', '1'], {
      POD_NAME: 'sleep-6b8c4d9f7-x7k2p', POD_NAMESPACE: 'default', INSTANCE_IP: '127.0.0.1', ISTIO_META_INTERCEPTION_MODE: 'NONE', ISTIO_META_ENVOY_STATUS_PORT: '0',
    });
    cleanup.push(() => sc.stop());
    await waitFor(async () => (await httpGet(sc.status, '/healthz/ready')).status === 200, 'sidecar ready', 20_000);
    await listening(p.egressGw);
    await listening(p.sidecarEgress);
    const r = await get(p.sidecarEgress, '/headers', { host: `external.example.com:${p.sidecarEgress}` });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers['x-backend'], 'external');
    assert.equal(external.received.at(-1)?.url, '/headers');
    // Both hops counted the request: the sidecar to the gateway's cluster, the gateway to the external one.
    const scStats = (await httpGet(sc.admin, `/stats?filter=outbound|${p.egressGw}||istio-egressgateway.istio-system.svc.cluster.local.upstream_rq_2xx`)).body;
    assert.match(scStats, /upstream_rq_2xx: 1$/m);
    const gwStats = (await httpGet(egw.admin, `/stats?filter=outbound|${p.sidecarEgress}||external.example.com.upstream_rq_2xx`)).body;
    assert.match(gwStats, /upstream_rq_2xx: 1$/m);
  });
});
