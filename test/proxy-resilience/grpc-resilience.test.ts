// Resilience for real @grpc/grpc-js clients and servers through the proxy (h2c downstream,
// HTTP/2 upstream): retry_on "unavailable" replays a call the server answered UNAVAILABLE, the
// retry limit forwards the last status with URX, and the fault filter aborts with a gRPC status.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterConfig, VirtualHost } from '../../src/proxy/config/types.js';
import { simpleConfig, startProxy } from '../../src/proxy/testing.js';

const raw = (b: Buffer): Buffer => b;

function unary(c: grpc.Client, path: string, req: string): Promise<{ err: grpc.ServiceError | null; res?: string }> {
  return new Promise((resolve) => {
    c.makeUnaryRequest(path, raw, raw, Buffer.from(req), (err, res) => resolve({ err, res: res?.toString() }));
  });
}

describe('gRPC resilience through the proxy', () => {
  let server: grpc.Server;
  let px: Awaited<ReturnType<typeof startProxy>>;
  let client: grpc.Client;
  const calls: Record<string, string[]> = { Flaky: [], Down: [], Aborted: [] };
  let flakyFailures = 0;

  before(async () => {
    const handler = (name: string) => (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      calls[name].push(call.request.toString());
      if (name === 'Down' || (name === 'Flaky' && flakyFailures-- > 0)) return cb({ code: grpc.status.UNAVAILABLE, details: `${name} is down` });
      cb(null, Buffer.from(`${name}:${call.request.toString()}`));
    };
    const def = (path: string): grpc.MethodDefinition<Buffer, Buffer> => ({
      path, requestStream: false, responseStream: false,
      requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw,
    });
    server = new grpc.Server();
    server.addService(
      { Flaky: def('/test.R/Flaky'), Down: def('/test.R/Down'), Aborted: def('/test.R/Aborted') },
      { Flaky: handler('Flaky'), Down: handler('Down'), Aborted: handler('Aborted') },
    );
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p)));
    });
    const retryPolicy = { retryOn: 'unavailable', numRetries: 2, retryBackOff: { baseIntervalMs: 1, maxIntervalMs: 2 } };
    const vhosts: VirtualHost[] = [{
      name: 'grpc', domains: ['*'],
      routes: [
        { match: { prefix: '/test.R/Aborted' }, route: { cluster: 'backend' }, typedPerFilterConfig: { fault: { abort: { grpcStatus: 8, percentage: { numerator: 100 } } } } },
        { match: { prefix: '/test.R/' }, route: { cluster: 'backend', retryPolicy } },
      ],
    }];
    const config = simpleConfig(vhosts, { backend: [port] }, { hcm: { httpFilters: [{ name: 'envoy.filters.http.fault', kind: 'fault' }] } });
    px = await startProxy({
      ...config,
      clusters: config.clusters.map((c): ClusterConfig => ({ ...c, httpProtocolOptions: { upstreamProtocol: 'HTTP2' } })),
    });
    client = new grpc.Client(`127.0.0.1:${px.port}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    client.close();
    server.forceShutdown();
    await px.proxy.close();
  });

  const stat = (name: string): number => px.proxy.stats.snapshot().find(([k]) => k === name)?.[1] ?? -1;

  it('retries a call answered UNAVAILABLE and returns the retry\'s answer', async () => {
    flakyFailures = 1;
    const r = await unary(client, '/test.R/Flaky', 'once-more');
    assert.equal(r.err, null);
    assert.equal(r.res, 'Flaky:once-more');
    assert.deepEqual(calls.Flaky, ['once-more', 'once-more']);
    assert.equal(stat('cluster.backend.upstream_rq_retry'), 1);
    assert.equal(stat('cluster.backend.upstream_rq_retry_success'), 1);
    assert.equal(px.access.at(-1)!.responseFlags, '-');
  });

  it('forwards the last UNAVAILABLE with flag URX once num_retries are spent', async () => {
    const r = await unary(client, '/test.R/Down', 'x');
    assert.equal(r.err?.code, grpc.status.UNAVAILABLE);
    assert.equal(r.err?.details, 'Down is down');
    assert.equal(calls.Down.length, 3);
    assert.equal(px.access.at(-1)!.responseFlags, 'URX');
    assert.equal(stat('cluster.backend.upstream_rq_retry_limit_exceeded'), 1);
  });

  it('aborts with the configured gRPC status as a trailers-only response (FI), never reaching the server', async () => {
    const r = await unary(client, '/test.R/Aborted', 'x');
    assert.equal(r.err?.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.equal(r.err?.details, 'fault filter abort');
    assert.deepEqual(calls.Aborted, []);
    assert.equal(px.access.at(-1)!.responseFlags, 'FI');
    assert.equal(stat('http.test.fault.aborts_injected'), 1);
  });
});
