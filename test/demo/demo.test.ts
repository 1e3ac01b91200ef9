// `npm start`'s demo mesh, as a user runs it: the launcher (compiled, or from source under tsx)
// starts on a copy of examples/demo moved to a loopback subnet of its own (so parallel test runs
// and a demo the developer has open do not clash); a request through the ingress gateway reaches
// productpage, which reaches details and reviews through its sidecar; editing the reviews
// VirtualService file shifts traffic; SIGINT stops every process the launcher started.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');
const root = join(here, fromSource ? '../..' : '../../..');
const launcher = fromSource ? ['--import', 'tsx', join(root, 'src/bin/demo.ts')] : [join(root, 'dist/src/bin/demo.js')];

interface State {
  launcherPid: number;
  gatewayUrls: string[];
  routingFiles: string[];
  processes: Array<{ name: string; pid: number; log: string }>;
  proxies: Array<{ pod: string; namespace: string; role: string; admin: number }>;
}

const work = mkdtempSync(join(tmpdir(), 'istio-ts-demo-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const text = await r.text();
  return { status: r.status, body: r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

async function until(what: string, ms: number, f: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await f()) return Date.now() - t0;
    if (Date.now() - t0 > ms) assert.fail(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function setWeights(file: string, v1: number, v2: number): void {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(/(subset: v1\}\n\s+weight: )\d+/, `$1${v1}`).replace(/(subset: v2\}\n\s+weight: )\d+/, `$1${v2}`);
  assert.notEqual(next, text.replace(/weight: \d+/g, ''), 'the weights are where the test expects them');
  writeFileSync(file, next);
}

test('npm start demo: gateway → productpage → details and reviews through sidecars; a YAML edit shifts reviews; SIGINT stops all', { timeout: 60_000 }, async () => {
  // A subnet of our own: 127.<100..249>.<0..249>.x instead of 127.0.10.x.
  const net = `127.${100 + (process.pid % 150)}.${Math.floor(Math.random() * 250)}.`;
  const configDir = join(work, 'demo');
  const logDir = join(work, 'logs');
  cpSync(join(root, 'examples/demo'), configDir, { recursive: true });
  for (const f of readdirSync(configDir)) {
    const p = join(configDir, f);
    writeFileSync(p, readFileSync(p, 'utf8').replaceAll('127.0.10.', net));
  }
  const child = spawn(process.execPath, [...launcher, '--configDir', configDir, '--logDir', logDir, '--grpcAddr', `${net}1:15010`, '--monitoringAddr', `${net}1:15014`], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let state: State | undefined;
  try {
    await until(`the launcher's ready banner (stdout: ${stdout} stderr: ${stderr})`, 40_000, async () => {
      if (child.exitCode !== null) assert.fail(`launcher exited ${child.exitCode}: ${stdout}${stderr}`);
      return stdout.includes('Press Ctrl-C to stop everything.');
    });
    state = JSON.parse(readFileSync(join(logDir, 'state.json'), 'utf8')) as State;
    const gw = `http://${net}2:8080`;
    const routing = join(configDir, 'reviews-routing.yaml');
    // What the user is told to type.
    assert.ok(stdout.includes(`curl ${gw}/productpage `), stdout);
    assert.ok(stdout.includes(`proxy-config routes productpage-v1.default --admin-addr 127.0.0.1:`), stdout);
    assert.ok(stdout.includes(`\n  ${routing}\n`), stdout);
    assert.deepEqual(state.gatewayUrls, [gw]);
    assert.deepEqual(state.routingFiles, [routing]);
    assert.equal(state.processes.length, 12, state.processes.map((p) => p.name).join(' ')); // istiod, 5 apps, 5 sidecars, 1 gateway

    const page = await getJson(`${gw}/productpage`);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    const b = page.body;
    assert.equal(b.service, 'productpage');
    assert.equal(b.pod, 'productpage-v1.default');
    assert.match(b.versions, /^details v1; reviews (v1|v2 → ratings v1)$/);
    // The gateway added these; productpage forwarded x-request-id; each hop's sidecar kept it.
    const rid = b.request.headers['x-request-id'];
    assert.match(rid, /^[0-9a-f-]{36}$/);
    assert.equal(b.request.headers['x-forwarded-proto'], 'http');
    assert.equal(b.request.headers['x-forwarded-for'], '127.0.0.1');
    for (const [svc, callee] of [['details', b.details], ['reviews', b.reviews]] as const) {
      assert.equal(callee.status, 200, JSON.stringify(callee));
      assert.equal(callee.body.service, svc);
      assert.equal(callee.body.request.headers.host, `${svc}:9080`);
      assert.equal(callee.body.request.headers['x-request-id'], rid);
      assert.equal(callee.body.request.headers['x-forwarded-proto'], 'http');
    }
    // productpage's sidecar counted its calls to each service.
    const pp = state.proxies.find((p) => p.pod === 'productpage-v1')!;
    const stats = await (await fetch(`http://127.0.0.1:${pp.admin}/stats`)).text();
    for (const svc of ['details', 'reviews']) {
      const re = new RegExp(`^cluster\\.outbound\\|9080\\|[^|]*\\|${svc}\\.default\\.svc\\.cluster\\.local\\.upstream_rq_total: (\\d+)$`, 'gm');
      const total = [...stats.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
      assert.equal(total, 1, `productpage's sidecar sent one request to ${svc} (any subset):\n${stats.split('\n').filter((l) => l.includes('upstream_rq_total')).join('\n')}`);
    }
    const details = state.proxies.find((p) => p.pod === 'details-v1')!;
    const inbound = /^cluster\.inbound\|9090\|\|\.upstream_rq_total: (\d+)$/m.exec(await (await fetch(`http://127.0.0.1:${details.admin}/stats`)).text());
    assert.equal(inbound?.[1], '1', "details' sidecar passed one request to its app");

    // Live routing: the user's edit of reviews-routing.yaml, both ways.
    const versions = async (n: number) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = await getJson(`${gw}/api/v1/products/0/reviews`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const rv = r.body.reviews.body;
        out.push(rv.version === 'v2' && rv.reviews[0].rating?.stars === 5 ? 'v2+stars' : rv.version);
      }
      return out;
    };
    for (const [v1, v2, want] of [[100, 0, 'v1'], [0, 100, 'v2+stars']] as const) {
      setWeights(routing, v1, v2);
      const ms = await until(`reviews traffic shifts to ${want}`, 10_000, async () => (await versions(5)).every((v) => v === want));
      assert.deepEqual(await versions(10), Array(10).fill(want), `after the shift to ${want} (took ${ms} ms)`);
    }
  } finally {
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
    if (code === 'timeout') child.kill('SIGKILL');
    assert.equal(code, 0, `launcher exit after SIGINT; stdout: ${stdout.slice(-500)} stderr: ${stderr.slice(-2000)}`);
    assert.match(stdout, /demo: stopped\n$/);
    for (const p of state?.processes ?? []) assert.equal(isAlive(p.pid), false, `${p.name} (pid ${p.pid}) still running`);
  }
});
