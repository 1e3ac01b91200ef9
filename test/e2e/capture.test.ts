// Transparent capture end to end, before the full mesh: two hosts (network namespaces) on one
// bridge, our istio-iptables applying Istio's rules, and tiny capture listeners written with
// src/proxy/capture. Proves that an unmodified curl is redirected to :15001, that the listener
// recovers the original destination and its own (UID 1337) traffic is not re-captured, that
// inbound traffic reaches :15006 with the original destination while excluded ports do not, and
// that `clean` removes every rule.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Network, PROXY_UID, e2eSkipReason, srcModuleUrl, type Host } from './harness/index.js';

const skip = e2eSkipReason();
const CAPTURE = JSON.stringify(srcModuleUrl('proxy/capture/index.js'));

// An HTTP app: answers with who it is, the path, and the peer address it saw.
const APP = `
const http = await import('node:http');
const [name, ...ports] = process.argv.slice(1);
for (const port of ports) {
  http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ app: name, port: Number(port), path: req.url, peer: req.socket.remoteAddress }));
  }).listen(Number(port), '0.0.0.0');
}
`;

// A capture listener: logs each connection's original destination, then either forwards to it
// (outbound, like virtualOutbound's passthrough) or answers itself (inbound probe).
const CAPTURE_LISTENER = `
const net = await import('node:net');
const { originalDestination } = await import(${CAPTURE});
const [port, mode] = process.argv.slice(1);
net.createServer((sock) => {
  const dst = originalDestination(sock);
  console.log('DST ' + (dst ? dst.address + ':' + dst.port : 'none') + ' FROM ' + sock.remoteAddress);
  if (mode === 'answer') {
    const body = JSON.stringify({ captured: dst });
    sock.end('HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\ncontent-length: ' + body.length + '\\r\\nconnection: close\\r\\n\\r\\n' + body);
    sock.on('error', () => {});
    return;
  }
  if (!dst) return sock.destroy();
  const up = net.connect(dst.port, dst.address);
  sock.pipe(up).pipe(sock);
  const done = () => { sock.destroy(); up.destroy(); };
  up.on('error', done); sock.on('error', done);
}).listen(Number(port), '0.0.0.0');
`;

let net: Network;
let a: Host;
let b: Host;

before(async () => {
  if (skip) return;
  net = await Network.create({ hosts: ['a', 'b'] });
  a = net.host('a');
  b = net.host('b');
  const app = b.startNodeCode('app', APP, ['app-b', '8080', '9000', '15021']);
  await b.waitForPort(8080, { proc: app });
  await b.waitForPort(15021, { proc: app });
});

after(async () => {
  await net?.close();
});

function dstLines(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('DST '));
}

test('outbound: an unmodified curl is captured to :15001, forwarded to its original destination, and the forwarder is not re-captured', { skip, timeout: 30_000 }, async () => {
  const fwd = a.startNodeCode('outbound-15001', CAPTURE_LISTENER, ['15001', 'forward'], { uid: PROXY_UID });
  try {
    await a.waitForPort(15001, { proc: fwd });
    await a.capture(['-p', '15001', '-z', '15006', '-u', String(PROXY_UID), '-m', 'REDIRECT', '-i', '*', '-b', '']);

    const res = await a.curl(`http://${b.ip}:8080/hello`);
    assert.equal(res.code, 0, `curl failed: ${res.stderr}\n${fwd.describe()}`);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { app: 'app-b', port: 8080, path: '/hello', peer: a.ip });
    // Exactly one capture: had the forwarder's own connection (UID 1337) been redirected again,
    // it would have looped back into :15001.
    assert.deepEqual(dstLines(fwd.stdout), [`DST ${b.ip}:8080 FROM ${a.ip}`]);

    // The proxy UID itself is never captured.
    const direct = await a.curl(`http://${b.ip}:9000/direct`, { uid: PROXY_UID });
    assert.equal(direct.status, 200, direct.stderr);
    assert.equal(JSON.parse(direct.body).path, '/direct');
    assert.equal(dstLines(fwd.stdout).length, 1);

    // Loopback stays uncaptured (ISTIO_OUTPUT returns for -d 127.0.0.1/32): nothing listens
    // on a's 127.0.0.1:9999, so the connection is refused instead of reaching the forwarder.
    const lo = await a.curl('http://127.0.0.1:9999/');
    assert.equal(lo.code, 7, `curl to loopback should be refused: ${lo.stderr}`);
    assert.equal(dstLines(fwd.stdout).length, 1);
  } finally {
    await a.istioIptables(['clean']);
    await fwd.stop();
  }
});

test('inbound: a connection to B:8080 is redirected to B:15006 with original destination B:8080; -d ports and 15021 are not captured', { skip, timeout: 30_000 }, async () => {
  const probe = b.startNodeCode('inbound-15006', CAPTURE_LISTENER, ['15006', 'answer'], { uid: PROXY_UID });
  try {
    await b.waitForPort(15006, { proc: probe });
    await b.capture(['-p', '15001', '-z', '15006', '-u', String(PROXY_UID), '-m', 'REDIRECT', '-i', '', '-b', '*', '-d', '9000']);

    const captured = await a.curl(`http://${b.ip}:8080/`);
    assert.equal(captured.status, 200, `${captured.stderr}\n${probe.describe()}`);
    assert.deepEqual(JSON.parse(captured.body), { captured: { address: b.ip, port: 8080 } });
    assert.deepEqual(dstLines(probe.stdout), [`DST ${b.ip}:8080 FROM ${a.ip}`]);

    for (const port of [9000, 15021]) {
      const excluded = await a.curl(`http://${b.ip}:${port}/x`);
      assert.equal(excluded.status, 200, excluded.stderr);
      assert.deepEqual(JSON.parse(excluded.body), { app: 'app-b', port, path: '/x', peer: a.ip });
    }
    assert.equal(dstLines(probe.stdout).length, 1);
  } finally {
    await b.istioIptables(['clean']);
    await probe.stop();
  }
});

test('clean removes every chain and rule istio-iptables created (REDIRECT and TPROXY)', { skip, timeout: 30_000 }, async () => {
  const before4 = await b.iptablesSave('v4');
  for (const mode of ['REDIRECT', 'TPROXY']) {
    await b.capture(['-u', String(PROXY_UID), '-m', mode, '-i', '*', '-b', '*', '-c', 'eth9', '-k', 'veth7', '-x', '10.9.0.0/16']);
    const applied = await b.iptablesSave('v4');
    for (const chain of ['ISTIO_INBOUND', 'ISTIO_IN_REDIRECT', 'ISTIO_OUTPUT', 'ISTIO_REDIRECT', ...(mode === 'TPROXY' ? ['ISTIO_DIVERT', 'ISTIO_TPROXY'] : [])]) {
      assert.match(applied, new RegExp(`^:${chain} `, 'm'), `${mode}: ${chain} missing after apply`);
    }
    // Applying twice replaces instead of duplicating.
    await b.capture(['-u', String(PROXY_UID), '-m', mode, '-i', '*', '-b', '*', '-c', 'eth9', '-k', 'veth7', '-x', '10.9.0.0/16']);
    const twice = await b.iptablesSave('v4');
    assert.equal(count(twice, '-A OUTPUT -j ISTIO_OUTPUT'), 1, twice);

    const r = await b.istioIptables(['clean', '-m', mode, '-c', 'eth9', '-k', 'veth7']);
    assert.equal(r.code, 0, r.stderr);
    const cleaned = await b.iptablesSave('v4');
    assert.doesNotMatch(cleaned, /ISTIO_/, `${mode}: Istio chains left after clean:\n${cleaned}`);
    assert.deepEqual(rulesOf(cleaned), rulesOf(before4), `${mode}: rules left after clean`);
  }
  // After clean, B:8080 answers directly again.
  const res = await a.curl(`http://${b.ip}:8080/after-clean`);
  assert.equal(JSON.parse(res.body).path, '/after-clean');
});

function count(text: string, line: string): number {
  return text.split('\n').filter((l) => l === line).length;
}

function rulesOf(save: string): string[] {
  return save.split('\n').filter((l) => l.startsWith('-A ') || l.startsWith(':ISTIO'));
}
