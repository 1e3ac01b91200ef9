// The proxy on our own HTTP/2 codec (ISTIO_TS_H2_CODEC=native) against third-party HTTP/2
// implementations: nghttp2's `nghttp` and `h2load` clients downstream, node:http2 upstream, an
// oversize request header list answered 431, and the protocol suites that run on the default
// codec run again here on the other one, so both codecs stay tested.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { simpleConfig, startProxy } from '../../src/proxy/testing.js';
import { h2EchoBackend, h2get } from './h2-helpers.js';

process.env.ISTIO_TS_H2_CODEC = 'native';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const t = setTimeout(() => c.kill(), 20_000);
    c.on('exit', (code) => { clearTimeout(t); resolve({ code: code ?? -1, out }); });
  });
}

describe('proxy on the native HTTP/2 codec', () => {
  let backend: Awaited<ReturnType<typeof h2EchoBackend>>;
  let px: Awaited<ReturnType<typeof startProxy>>;
  before(async () => {
    backend = await h2EchoBackend('b');
    px = await startProxy(simpleConfig(
      [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'b' } }] }],
      { b: [backend.port] },
      { hcm: { codecType: 'HTTP2', maxRequestHeadersKb: 8 }, cluster: { httpProtocolOptions: { upstreamProtocol: 'HTTP2' } } },
    ));
  });
  after(async () => {
    await px.proxy.close();
    backend.server.close();
  });

  it('nghttp (nghttp2\'s client) gets the response, headers and trailers through it', { skip: !has('nghttp') }, async () => {
    const r = await run('nghttp', ['-v', '-H', 'x-probe: 1', `http://127.0.0.1:${px.port}/trailers`]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /:status: 200/);
    assert.match(r.out, /x-backend: b/);
    assert.match(r.out, /x-checksum: abc/);
    assert.match(r.out, /with-trailers/);
    const echo = await run('nghttp', ['-d', '-', `http://127.0.0.1:${px.port}/echo`]);
    assert.equal(echo.code, 0, echo.out);
    assert.match(echo.out, /"backend":"b"/);
  });

  it('h2load: 2,000 requests over 4 connections × 16 streams, every one answered 2xx', { skip: !has('h2load') }, async () => {
    const r = await run('h2load', ['-n2000', '-c4', '-m16', `http://127.0.0.1:${px.port}/x`]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored/);
    assert.match(r.out, /status codes: 2000 2xx/);
  });

  it('a request header list over max_request_headers_kb is answered 431', async () => {
    const r = await h2get(px.port, '/big', { 'x-big': 'v'.repeat(10_000) });
    assert.equal(r.status, 431);
  });
});

describe('the protocol suites on the other HTTP/2 codec', () => {
  it('test/proxy-protocols and test/proxy-resilience pass with ISTIO_TS_H2_CODEC=node', { timeout: 200_000 }, async () => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const files = ['codecs.test', 'codec-type.test', 'grpc.test'].map((f) => `${here}${f}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`);
    const resilience = ['resilience.test', 'grpc-resilience.test'].map((f) => `${here}../proxy-resilience/${f}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`);
    const args = import.meta.url.endsWith('.ts') ? ['--import', 'tsx', '--test', ...files, ...resilience] : ['--test', ...files, ...resilience];
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      const c = spawn(process.execPath, args, { env: { ...process.env, ISTIO_TS_H2_CODEC: 'node' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      c.stdout.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-20_000); });
      c.stderr.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-20_000); });
      c.on('exit', (code) => resolve({ code: code ?? -1, out }));
    });
    assert.equal(r.code, 0, r.out.split('\n').filter((l) => /not ok|Error|expected|actual/.test(l)).join('\n'));
  });
});
