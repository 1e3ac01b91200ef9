// SO_ORIGINAL_DST for real: inside a throw-away network namespace, iptables REDIRECTs outbound
// connections to a local listener, which must recover each connection's original IP:port
// (IPv4, IPv6, and IPv4 on a dual-stack listener). Needs root (network namespaces, iptables).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { decodeSockaddr, formatIpv6 } from './original-dst.js';

const root = process.getuid?.() === 0;
const haveTools = root && ['ip', 'iptables', 'ip6tables'].every((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);
const skip = !root ? 'needs root: network namespaces' : !haveTools ? 'needs iproute2 and iptables (apt-get install iproute2 iptables)' : false;

test('decodeSockaddr reads sockaddr_in and sockaddr_in6', () => {
  const v4 = Buffer.from([2, 0, 0x1f, 0x90, 10, 250, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(decodeSockaddr(v4, 16), { address: '10.250.0.7', port: 8080 });
  const v6 = Buffer.alloc(28);
  v6.writeUInt16LE(10, 0);
  v6.writeUInt16BE(443, 2);
  Buffer.from('fd000251000000000000000000000009', 'hex').copy(v6, 8);
  assert.deepEqual(decodeSockaddr(v6, 28), { address: 'fd00:251::9', port: 443 });
  assert.equal(decodeSockaddr(Buffer.alloc(16), 16), undefined);
  assert.equal(decodeSockaddr(v4, 4), undefined);
});

const IPV6_CASES: readonly [string, string][] = [
  ['00000000000000000000000000000001', '::1'],
  ['00000000000000000000000000000000', '::'],
  ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
  ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
  ['00000000000000000000ffff0afa0001', '::ffff:10.250.0.1'],
  ['20010db8aaaabbbbccccddddeeee0001', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'],
];
for (const [hex, text] of IPV6_CASES) {
  test(`formatIpv6 ${text}`, () => assert.equal(formatIpv6(Buffer.from(hex, 'hex')), text));
}

// Runs in the namespace: listeners, redirected clients, lookups, and the per-call cost.
const CHILD = `
const net = await import('node:net');
const m = await import(process.env.MODULE_URL);
const listen = (host, port, opts = {}) => new Promise((res) => {
  const got = [];
  const s = net.createServer((sock) => { got.push(m.originalDestination(sock)); sock.end(); });
  s.listen({ host, port, ...opts }, () => res({ s, got }));
});
const connect = (host, port) => new Promise((res, rej) => {
  const c = net.connect({ host, port }, () => {});
  c.on('close', res); c.on('error', rej); c.resume();
});
const v4 = await listen('0.0.0.0', 15001);
const v6 = await listen('::', 15002, { ipv6Only: true });
const dual = await listen('::', 15003);
await connect('10.251.0.9', 8080);
await connect('10.251.0.10', 9090);
await connect('127.0.0.1', 15001);
await connect('fd00:251::9', 443);
await connect('10.251.1.5', 7070);
// Cost: one captured socket, looked up repeatedly.
const cost = await new Promise((res) => {
  const s = net.createServer((sock) => {
    const n = 20000;
    for (let i = 0; i < 1000; i++) m.originalDestination(sock);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) m.originalDestination(sock);
    const ns = Number(process.hrtime.bigint() - t0) / n;
    sock.end(); s.close(); res(ns);
  });
  s.listen(15004, '0.0.0.0', () => { const c = net.connect(5555, '10.251.2.1'); c.resume(); c.on('error', () => {}); });
});
console.log(JSON.stringify({ v4: v4.got, v6: v6.got, dual: dual.got, cost }));
for (const x of [v4, v6, dual]) x.s.close();
`;

test('originalDestination recovers IP:port of REDIRECTed connections (IPv4, IPv6, dual-stack)', { skip, timeout: 30_000 }, () => {
  const ns = `itsod-${process.pid}`;
  const sh = (cmd: string): void => void execFileSync('sh', ['-ec', cmd], { stdio: 'pipe' });
  try {
    sh(`ip netns add ${ns}
      ip -n ${ns} link set lo up
      ip -n ${ns} link add d0 type veth peer name d1
      ip -n ${ns} link set d0 up
      ip -n ${ns} link set d1 up
      ip -n ${ns} addr add 10.251.255.1/16 dev d0
      ip -n ${ns} addr add fd00:251::ff/64 dev d0 nodad
      ip netns exec ${ns} iptables -t nat -A OUTPUT -p tcp -d 10.251.0.0/24 -j REDIRECT --to-ports 15001
      ip netns exec ${ns} iptables -t nat -A OUTPUT -p tcp -d 10.251.1.0/24 -j REDIRECT --to-ports 15003
      ip netns exec ${ns} iptables -t nat -A OUTPUT -p tcp -d 10.251.2.0/24 -j REDIRECT --to-ports 15004
      ip netns exec ${ns} ip6tables -t nat -A OUTPUT -p tcp -d fd00:251::/120 -j REDIRECT --to-ports 15002`);
    const res = spawnSync('ip', ['netns', 'exec', ns, process.execPath, ...process.execArgv, '--input-type=module', '-e', CHILD], {
      env: { ...process.env, MODULE_URL: new URL('./original-dst.js', import.meta.url).href },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(res.status, 0, `child failed: ${res.stderr}`);
    const out = JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    assert.deepEqual(out.v4, [
      { address: '10.251.0.9', port: 8080 },
      { address: '10.251.0.10', port: 9090 },
      // Not NATed: the kernel reports the connection's own destination.
      { address: '127.0.0.1', port: 15001 },
    ]);
    assert.deepEqual(out.v6, [{ address: 'fd00:251::9', port: 443 }]);
    assert.deepEqual(out.dual, [{ address: '10.251.1.5', port: 7070 }]);
    const cost = out.cost as number;
    assert.ok(cost > 0 && cost < 50_000, `per-call cost ${cost} ns is out of bounds`);
    console.log(`# originalDestination: ${Math.round(cost)} ns per call`);
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
});
