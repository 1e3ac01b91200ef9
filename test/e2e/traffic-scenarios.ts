// The traffic-management scenarios as a table, run by mesh-gateway.test.ts (clients outside the
// mesh through the ingress gateway) and mesh-sidecar.test.ts (captured clients through their
// sidecars). The mesh they expect: httpbin v1 and v2 (HTTP 8080, TCP 9000), a `mirror` app, and
// an `outlier` service with one good and one always-failing endpoint.
import assert from 'node:assert/strict';
import type { AppSpec, Mesh } from './harness/index.js';
import {
  apply, delta, destinationRule, failures, fqdn, load, request, resetRouting, startLoad, tally, virtualService, who, V1_ONLY,
  type ClientPath,
} from './scenarios.js';

export const TRAFFIC_APPS: readonly AppSpec[] = [
  { host: 'httpbin-v1', app: 'httpbin', version: 'v1', tcp: [9000] },
  { host: 'httpbin-v2', app: 'httpbin', version: 'v2', tcp: [9000] },
  { host: 'mirror', app: 'mirror' },
  { host: 'outlier-good', app: 'outlier', version: 'good' },
  { host: 'outlier-bad', app: 'outlier', version: 'bad', failAll: true },
];

const HTTPBIN = fqdn('httpbin');
const to = (subset: string, weight?: number) => `{destination: {host: ${HTTPBIN}, subset: ${subset}, port: {number: 8080}}${weight === undefined ? '' : `, weight: ${weight}`}}`;

export interface Scenario {
  readonly name: string;
  /** Only for this client path (e.g. the TCP route needs the gateway's TCP server). */
  readonly only?: ClientPath['kind'];
  run(mesh: Mesh, path: ClientPath): Promise<void>;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'routing by header and path: x-canary and /v2 go to v2, everything else to v1',
    async run(mesh, path) {
      await apply(mesh, path, {
        'vs-httpbin': virtualService('httpbin', `- match: [{headers: {x-canary: {exact: "yes"}}}, {uri: {prefix: /v2}}]
  route: [${to('v2')}]
- route: [${to('v1')}]
`),
      }, 'the canary match', async () => (await who(mesh, path, 'httpbin', '/', ['x-canary: yes'])) === 'httpbin/v2');
      for (let i = 0; i < 3; i++) {
        assert.equal(await who(mesh, path, 'httpbin', '/plain'), 'httpbin/v1');
        assert.equal(await who(mesh, path, 'httpbin', '/plain', ['x-canary: yes']), 'httpbin/v2');
        assert.equal(await who(mesh, path, 'httpbin', '/v2/items'), 'httpbin/v2');
      }
      const a = await request(mesh, path, 'httpbin', '/v2/items?q=1');
      assert.equal(a.reply?.path, '/v2/items?q=1', 'the path reaches the backend unchanged');
    },
  },
  {
    name: 'weighted shift: 80/20 over 200 requests lands within tolerance',
    async run(mesh, path) {
      await apply(mesh, path, { 'vs-httpbin': virtualService('httpbin', `- route: [${to('v1', 80)}, ${to('v2', 20)}]\n`) }, 'both subsets answering', async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 12; i++) seen.add(await who(mesh, path, 'httpbin'));
        return seen.has('httpbin/v2') && seen.has('httpbin/v1') ? true : [...seen].join(',');
      });
      const r = await load(mesh, path, 'httpbin', { durationMs: 5_000, rate: 40, concurrency: 4 });
      assert.deepEqual(failures(r), []);
      assert.equal(r.requests.length, 200);
      const t = tally(r);
      // Binomial(200, 0.8): mean 160, sd 5.7; ±20 is 3.5 sd.
      assert.ok(t['httpbin/v1'] >= 140 && t['httpbin/v1'] <= 180, JSON.stringify(t));
      assert.equal(t['httpbin/v1'] + t['httpbin/v2'], 200, JSON.stringify(t));
    },
  },
  {
    name: 'changing the VirtualService during a 30 s load shifts v1 → v2 with zero failed requests',
    async run(mesh, path) {
      const running = startLoad(mesh, path, 'httpbin', { durationMs: 30_000, rate: 20, concurrency: 4 });
      await running.started;
      await new Promise((r) => setTimeout(r, 10_000));
      mesh.writeConfig('vs-httpbin', virtualService('httpbin', `- route: [${to('v2')}]\n`));
      const r = await running.report;
      assert.deepEqual(failures(r), [], `${r.requests.length} requests`);
      assert.ok(r.requests.length >= 580, `only ${r.requests.length} requests in 30 s`);
      assert.deepEqual(Object.keys(tally(r, 0, 9_000)), ['httpbin/v1']);
      assert.deepEqual(Object.keys(tally(r, 22_000)), ['httpbin/v2'], 'the shift took longer than 12 s');
    },
  },
  {
    name: 'restarting istiod during load loses no request, and the proxies reconnect (a later change still lands)',
    async run(mesh, path) {
      const running = startLoad(mesh, path, 'httpbin', { durationMs: 20_000, rate: 20, concurrency: 4 });
      await running.started;
      await new Promise((r) => setTimeout(r, 4_000));
      await mesh.restartIstiod();
      const r = await running.report;
      assert.deepEqual(failures(r), [], `${r.requests.length} requests`);
      assert.deepEqual(Object.keys(tally(r)), ['httpbin/v1']);
      await apply(mesh, path, { 'vs-httpbin': virtualService('httpbin', `- route: [${to('v2')}]\n`) }, 'a change after the restart', async () => (await who(mesh, path, 'httpbin')) === 'httpbin/v2');
    },
  },
  {
    name: 'retries: a backend failing every other request is hidden by retries (and visible without them)',
    async run(mesh, path) {
      await apply(mesh, path, { 'vs-httpbin': virtualService('httpbin', `- route: [${to('v1')}]\n  retries: {attempts: 0}\n`) }, 'retries off', async () => {
        const s = [];
        for (let i = 0; i < 4; i++) s.push((await request(mesh, path, 'httpbin', '/flaky')).status);
        return s.includes(503) ? true : `statuses ${s.join(',')}`;
      });
      await apply(mesh, path, { 'vs-httpbin': virtualService('httpbin', `- route: [${to('v1')}]\n  retries: {attempts: 3, retryOn: 5xx, perTryTimeout: 2s}\n`) }, 'retries on', async () => {
        const s = [];
        for (let i = 0; i < 4; i++) s.push((await request(mesh, path, 'httpbin', '/flaky')).status);
        return s.every((c) => c === 200) ? true : `statuses ${s.join(',')}`;
      });
      const before = await mesh.stats(path.proxy);
      const seenBefore = mesh.appRequests('httpbin-v1').filter((q) => q.path === '/flaky').length;
      for (let i = 0; i < 6; i++) {
        const a = await request(mesh, path, 'httpbin', '/flaky');
        assert.equal(a.status, 200, a.body);
      }
      const after = await mesh.stats(path.proxy);
      const tries = mesh.appRequests('httpbin-v1').filter((q) => q.path === '/flaky').length - seenBefore;
      // Every other attempt fails, so 6 successes cost 11 or 12 attempts.
      assert.ok(tries >= 11 && tries <= 12, `backend saw ${tries} attempts`);
      assert.equal(delta(before, after, `cluster.outbound|8080|v1|${HTTPBIN}.upstream_rq_retry`), tries - 6);
    },
  },
  {
    name: 'fault injection: abort 503 never reaches the backend; a 1 s delay delays',
    async run(mesh, path) {
      await apply(mesh, path, {
        'vs-httpbin': virtualService('httpbin', `- match: [{headers: {x-fault: {exact: abort}}}]
  fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
  route: [${to('v1')}]
- match: [{headers: {x-fault: {exact: delay}}}]
  fault: {delay: {fixedDelay: 1s, percentage: {value: 100}}}
  route: [${to('v1')}]
- route: [${to('v1')}]
`),
      }, 'the abort fault', async () => {
        const a = await request(mesh, path, 'httpbin', '/f', ['x-fault: abort']);
        return a.status === 503 ? true : `status ${a.status}`;
      });
      const seen = mesh.appRequests('httpbin-v1').length;
      const a = await request(mesh, path, 'httpbin', '/aborted', ['x-fault: abort']);
      assert.equal(a.status, 503);
      assert.equal(a.body, 'fault filter abort');
      const d = await request(mesh, path, 'httpbin', '/delayed', ['x-fault: delay']);
      assert.equal(d.status, 200);
      assert.ok(d.ms >= 1000, `delayed request took ${d.ms} ms`);
      const paths = mesh.appRequests('httpbin-v1').slice(seen).map((q) => q.path);
      assert.deepEqual(paths, ['/delayed']);
    },
  },
  {
    name: 'mirroring: the mirror backend receives a copy (Host with -shadow) of every request',
    async run(mesh, path) {
      await apply(mesh, path, {
        'vs-httpbin': virtualService('httpbin', `- route: [${to('v1')}]\n  mirror: {host: ${fqdn('mirror')}, port: {number: 8080}}\n  mirrorPercentage: {value: 100}\n`),
      }, 'the mirror', async () => {
        await request(mesh, path, 'httpbin', '/probe-mirror');
        return mesh.appRequests('mirror').some((q) => q.path === '/probe-mirror') ? true : `mirror saw ${JSON.stringify(mesh.appRequests('mirror').slice(-3))}`;
      });
      const a = await request(mesh, path, 'httpbin', '/mirrored');
      assert.equal(a.reply?.app, 'httpbin', 'the client gets the primary answer');
      await mesh.until('the mirrored copy', async () => mesh.appRequests('mirror').some((q) => q.path === '/mirrored'), 5_000);
      const copy = mesh.appRequests('mirror').find((q) => q.path === '/mirrored')!;
      const host = a.reply!.headers.host as string;
      assert.equal(copy.host, host.includes(':') ? host.replace(':', '-shadow:') : `${host}-shadow`);
    },
  },
  {
    name: 'circuit breaking: one connection and one pending request overflow to 503 UO under concurrency',
    async run(mesh, path) {
      await apply(mesh, path, {
        'dr-httpbin': destinationRule('httpbin', 'connectionPool:\n  tcp: {maxConnections: 1}\n  http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}\n'),
        'vs-httpbin': virtualService('httpbin', `- route: [${to('v1')}]\n  retries: {attempts: 0}\n`),
      }, 'the circuit breaker', async () => (await parallel(mesh, path, 8)).includes(503));
      const before = await mesh.stats(path.proxy);
      const codes = await parallel(mesh, path, 8);
      const after = await mesh.stats(path.proxy);
      assert.ok(codes.includes(200) && codes.includes(503), codes.join(','));
      const overflow = delta(before, after, `cluster.outbound|8080|v1|${HTTPBIN}.upstream_rq_pending_overflow`);
      assert.equal(overflow, codes.filter((c) => c === 503).length, `codes ${codes.join(',')}`);
    },
  },
  {
    name: 'outlier detection: the always-failing endpoint is ejected and the good one takes every request',
    async run(mesh, path) {
      await apply(mesh, path, {
        outlier: `${virtualService('outlier', `- route: [{destination: {host: ${fqdn('outlier')}, port: {number: 8080}}}]\n  retries: {attempts: 0}\n`)}---
${destinationRule('outlier', 'loadBalancer: {simple: ROUND_ROBIN}\noutlierDetection: {consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 60s, maxEjectionPercent: 100}\n', ['good', 'bad'])}`,
      }, 'outlier routes', async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 4; i++) seen.add(await who(mesh, path, 'outlier'));
        return seen.has('outlier/good') && seen.has('outlier/bad') ? true : [...seen].join(',');
      });
      await mesh.until('the bad endpoint ejected', async () => {
        const s = await mesh.stats(path.proxy);
        await who(mesh, path, 'outlier');
        return (s.get(`cluster.outbound|8080||${fqdn('outlier')}.outlier_detection.ejections_active`) ?? 0) === 1;
      }, 15_000);
      const answers = [];
      for (let i = 0; i < 8; i++) answers.push(await who(mesh, path, 'outlier'));
      assert.deepEqual(answers, Array(8).fill('outlier/good'));
    },
  },
  {
    name: 'TCP: bytes reach the TCP port of httpbin and come back',
    async run(mesh, path) {
      const target = path.kind === 'gateway' ? `${mesh.host('ingress').ip}/31400` : 'httpbin/9000';
      if (path.kind === 'gateway') {
        await apply(mesh, path, {
          'vs-tcp': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin-tcp, namespace: default}
spec:
  hosts: ["*"]
  gateways: [istio-system/e2e-gateway]
  tcp:
  - match: [{port: 31400}]
    route: [{destination: {host: ${HTTPBIN}, subset: v2, port: {number: 9000}}}]
`,
        }, 'the TCP route', async () => (await tcpEcho(mesh, path, target, 'probe')).startsWith('httpbin:'));
      }
      const out = await tcpEcho(mesh, path, target, 'hello-tcp');
      assert.equal(out, 'httpbin:hello-tcp');
      mesh.removeConfig('vs-tcp');
    },
  },
];

/** N concurrent slow requests (curl --parallel); their status codes in order. */
async function parallel(mesh: Mesh, path: ClientPath, n: number): Promise<number[]> {
  const args = ['-sS', '-Z', '--parallel-immediate', '--parallel-max', String(n), '--max-time', '10'];
  for (const h of path.headers('httpbin')) args.push('-H', h);
  for (let i = 0; i < n; i++) args.push('-o', '/dev/null', '-w', '%{http_code}\\n', path.url('httpbin', '/delay/700'));
  const r = await mesh.host(path.from).run('curl', args, { timeoutMs: 20_000 });
  return r.stdout.trim().split('\n').map(Number).sort();
}

/** Opens a TCP connection from the client host with bash's /dev/tcp, writes `text`, reads the echo. */
async function tcpEcho(mesh: Mesh, path: ClientPath, target: string, text: string): Promise<string> {
  const [host, port] = target.split('/');
  const want = `httpbin:${text}`.length;
  const script = `exec 3<>/dev/tcp/${host}/${port} && printf %s '${text}' >&3 && timeout 5 head -c ${want} <&3`;
  const r = await mesh.host(path.from).run('bash', ['-c', script], { timeoutMs: 10_000 });
  return r.stdout;
}

export { resetRouting, V1_ONLY };
