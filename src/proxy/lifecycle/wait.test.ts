import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { parseWaitFlags, waitMain, WAIT_DEFAULTS } from './wait.js';

test('pilot-agent wait flags: Istio names and defaults', () => {
  assert.deepEqual(parseWaitFlags([]), { timeoutSeconds: 60, requestTimeoutMillis: 500, periodMillis: 500, url: 'http://localhost:15021/healthz/ready' });
  assert.deepEqual(parseWaitFlags(['--timeoutSeconds', '5', '--periodMillis=100', '--url', 'http://127.0.0.1:1/x']), { ...WAIT_DEFAULTS, timeoutSeconds: 5, periodMillis: 100, url: 'http://127.0.0.1:1/x' });
  const errors: [string[], RegExp][] = [
    [['--bogus', '1'], /unknown flag: --bogus/],
    [['--timeoutSeconds', 'ten'], /invalid argument "ten" for "--timeoutSeconds"/],
    [['--url'], /flag needs an argument: --url/],
    [['extra'], /unexpected argument "extra"/],
  ];
  for (const [args, re] of errors) assert.throws(() => parseWaitFlags(args), re);
});

test('pilot-agent wait: 0 once the URL answers 200, 1 with the last error on timeout, 64 on bad flags', async () => {
  let readyAfter = Date.now() + 300;
  const server: Server = createServer((_req, res) => {
    const ok = Date.now() >= readyAfter;
    res.writeHead(ok ? 200 : 503);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/healthz/ready`;
  const run = async (args: string[]): Promise<{ code: number; info: string[]; error: string[] }> => {
    const info: string[] = [];
    const error: string[] = [];
    const code = await waitMain(args, { info: (l) => info.push(l), error: (l) => error.push(l) });
    return { code, info, error };
  };
  try {
    const t0 = Date.now();
    const ok = await run(['--url', url, '--periodMillis', '50', '--timeoutSeconds', '5']);
    assert.deepEqual(ok, { code: 0, info: ['Waiting for Envoy proxy to be ready (timeout: 5 seconds)...', 'Envoy is ready!'], error: [] });
    assert.ok(Date.now() - t0 >= 280, 'waited for readiness');
    readyAfter = Infinity;
    const t1 = Date.now();
    const late = await run(['--url', url, '--periodMillis', '100', '--timeoutSeconds', '1']);
    assert.deepEqual(late, { code: 1, info: ['Waiting for Envoy proxy to be ready (timeout: 1 seconds)...'], error: ['Error: timeout waiting for Envoy proxy to become ready. Last error: HTTP status code 503'] });
    assert.ok(Date.now() - t1 >= 1000 && Date.now() - t1 < 2500, `timed out after ${Date.now() - t1} ms`);
  } finally {
    server.close();
  }
  const closedPort = port; // the server is closed: nothing listens there now
  const refused = await run(['--url', `http://127.0.0.1:${closedPort}/healthz/ready`, '--periodMillis', '100', '--timeoutSeconds', '1']);
  assert.equal(refused.code, 1);
  assert.equal(refused.error[0], `Error: timeout waiting for Envoy proxy to become ready. Last error: connect ECONNREFUSED 127.0.0.1:${closedPort}`);
  assert.equal((await run(['--timeoutSeconds', 'x'])).code, 64);
});
