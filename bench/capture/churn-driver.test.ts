import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const fromSource = import.meta.url.endsWith('.ts');
const driver = fileURLToPath(new URL(`./churn-driver.${fromSource ? 'ts' : 'js'}`, import.meta.url));

interface Report { requests: number; errors: number; nonOk: number; p50: number; p99: number }

function runDriver(port: number, rps: number, seconds: number): Promise<Report> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [...(fromSource ? ['--import', 'tsx'] : []), driver, String(port), String(rps), String(seconds)], {
      env: { ...process.env, PACED_HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => c.kill('SIGKILL'), 20_000);
    c.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`driver exited ${code}: ${out}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as Report);
    });
  });
}

const cases: { name: string; status: number; wantOk: number; wantNonOk: number }[] = [
  { name: 'every request on a connection of its own, all 200', status: 200, wantOk: 40, wantNonOk: 0 },
  { name: 'non-200 answers are counted apart', status: 503, wantOk: 40, wantNonOk: 40 },
];

for (const c of cases) {
  test(`churn driver: ${c.name}`, { timeout: 30_000 }, async () => {
    let connections = 0;
    const requestsPerConnection: number[] = [];
    const server = createServer((s: Socket) => {
      connections++;
      let seen = '';
      s.on('data', (d: Buffer) => {
        seen += d.toString('latin1');
        if (!seen.endsWith('\r\n\r\n')) return;
        requestsPerConnection.push(seen.split('GET / HTTP/1.1').length - 1);
        assert.match(seen, /\r\nconnection: close\r\n/i);
        s.end(`HTTP/1.1 ${c.status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const report = await runDriver((server.address() as { port: number }).port, 40, 1);
      assert.equal(report.requests, c.wantOk);
      assert.equal(report.errors, 0);
      assert.equal(report.nonOk, c.wantNonOk);
      assert.equal(connections, 40);
      assert.ok(requestsPerConnection.every((n) => n === 1));
      assert.ok(report.p50 > 0 && report.p99 >= report.p50);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
}
