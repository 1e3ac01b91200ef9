// tcp_proxy over real sockets: weighted clusters, half-close, idle timeout, upstream refusal, stats.
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ClusterConfig, ListenerConfig, TcpProxy } from '../config/types.js';
import { Proxy } from '../proxy.js';

/** Answers each connection's bytes with `<name>:<bytes>` once the client half-closes, then ends. */
async function tagServer(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    let got = '';
    s.on('data', (d) => { got += d.toString(); });
    s.on('end', () => s.end(`${name}:${got}`));
    s.on('error', () => { /* client reset */ });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Sends `msg`, half-closes, and returns what came back and whether the proxy closed. */
function exchange(port: number, msg: string, halfClose = true): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let got = '';
    s.on('data', (d) => { got += d.toString(); });
    s.on('error', () => { /* reported as what arrived */ });
    s.on('end', () => s.end());
    s.on('close', () => resolve(got));
    s.on('connect', () => {
      s.write(msg);
      if (halfClose) s.end();
    });
  });
}

function cluster(name: string, ports: number[]): ClusterConfig {
  return { name, type: 'STATIC', connectTimeoutMs: 500, loadAssignment: { clusterName: name, endpoints: ports.map((port) => ({ address: '127.0.0.1', port })) } };
}

describe('tcp_proxy', () => {
  let a: Awaited<ReturnType<typeof tagServer>>;
  let b: Awaited<ReturnType<typeof tagServer>>;
  let silent: Server;
  let silentPort: number;
  let deadPort: number;
  const proxy = new Proxy();
  const ports: Record<string, number> = {};

  before(async () => {
    a = await tagServer('a');
    b = await tagServer('b');
    silent = createServer(() => { /* accepts and says nothing */ });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    silentPort = (silent.address() as AddressInfo).port;
    const d = createServer();
    await new Promise<void>((r) => d.listen(0, '127.0.0.1', () => r()));
    deadPort = (d.address() as AddressInfo).port;
    await new Promise<void>((r) => d.close(() => r()));
    const listener = (name: string, tcpProxy: TcpProxy): ListenerConfig => ({ name, address: '127.0.0.1', port: 0, filterChains: [{ tcpProxy }] });
    await proxy.apply({
      version: 't',
      listeners: [
        listener('single', { statPrefix: 'single', cluster: 'a' }),
        listener('weighted', { statPrefix: 'weighted', weightedClusters: { clusters: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] } }),
        listener('only-b', { statPrefix: 'onlyb', weightedClusters: { clusters: [{ name: 'a', weight: 0 }, { name: 'b', weight: 5 }] } }),
        listener('idle', { statPrefix: 'idle', cluster: 'silent', idleTimeoutMs: 200 }),
        listener('refused', { statPrefix: 'refused', cluster: 'dead', maxConnectAttempts: 2 }),
        listener('unknown', { statPrefix: 'unknown', cluster: 'no-such-cluster' }),
      ],
      routeConfigs: [],
      clusters: [cluster('a', [a.port]), cluster('b', [b.port]), cluster('silent', [silentPort]), cluster('dead', [deadPort])],
    });
    for (const n of ['single', 'weighted', 'only-b', 'idle', 'refused', 'unknown']) ports[n] = proxy.listenerPort(n)!;
  });

  after(async () => {
    await proxy.close();
    a.server.close();
    b.server.close();
    silent.close();
  });

  const stat = (name: string): number => proxy.stats.snapshot().find(([k]) => k === name)?.[1] ?? NaN;

  it('pipes both ways and carries the half-close to the upstream and back', async () => {
    assert.equal(await exchange(ports.single, 'hello'), 'a:hello');
    assert.equal(stat('tcp.single.downstream_cx_total'), 1);
    assert.equal(stat('tcp.single.downstream_cx_rx_bytes_total'), 5);
    assert.equal(stat('tcp.single.downstream_cx_tx_bytes_total'), 7);
  });

  it('spreads connections over weighted clusters and never picks a zero weight', async () => {
    const got = await Promise.all(Array.from({ length: 30 }, (_, i) => exchange(ports.weighted, String(i))));
    const byCluster = new Set(got.map((g) => g.split(':')[0]));
    assert.deepEqual([...byCluster].sort(), ['a', 'b']);
    const onlyB = await Promise.all(Array.from({ length: 10 }, () => exchange(ports['only-b'], 'x')));
    assert.deepEqual([...new Set(onlyB)], ['b:x']);
  });

  it('closes an idle connection after idle_timeout', async () => {
    const t0 = Date.now();
    const got = await exchange(ports.idle, 'ping', false);
    const took = Date.now() - t0;
    assert.equal(got, '');
    assert.ok(took >= 180 && took < 2000, `closed after ${took} ms`);
    assert.equal(stat('tcp.idle.idle_timeout'), 1);
  });

  it('closes the downstream when the upstream refuses, after max_connect_attempts', async () => {
    assert.equal(await exchange(ports.refused, 'x'), '');
    assert.equal(stat('cluster.dead.upstream_cx_connect_fail'), 2);
    assert.equal(stat('cluster.dead.upstream_cx_total'), 2);
    assert.equal(stat('cluster.dead.upstream_cx_active'), 0);
  });

  it('closes the downstream when the cluster does not exist', async () => {
    assert.equal(await exchange(ports.unknown, 'x'), '');
    assert.equal(stat('tcp.unknown.downstream_cx_no_route'), 1);
  });
});
