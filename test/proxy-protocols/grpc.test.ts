// Real @grpc/grpc-js clients and servers through the proxy (h2c downstream, HTTP/2 upstream):
// unary, server streaming, trailing metadata, status errors, grpc-timeout, and local replies as
// trailers-only responses with the mapped gRPC status.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterConfig, VirtualHost } from '../../src/proxy/config/types.js';
import { simpleConfig, startProxy } from '../../src/proxy/testing.js';

const raw = (b: Buffer): Buffer => b;
const method = (path: string, responseStream: boolean): grpc.MethodDefinition<Buffer, Buffer> => ({
  path, requestStream: false, responseStream,
  requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw,
});
const service = {
  Echo: method('/test.Echo/Echo', false),
  Fail: method('/test.Echo/Fail', false),
  Hang: method('/test.Echo/Hang', false),
  Stream: method('/test.Echo/Stream', true),
};
const Client = grpc.makeGenericClientConstructor(service, 'Echo');
type EchoClient = InstanceType<typeof Client> & Record<string, (...a: unknown[]) => grpc.ClientUnaryCall & grpc.ClientReadableStream<Buffer>>;

function unary(c: EchoClient, name: string, req: Buffer, opts: grpc.CallOptions = {}): Promise<{ err: grpc.ServiceError | null; res?: Buffer; trailers?: grpc.Metadata }> {
  return new Promise((resolve) => {
    let trailers: grpc.Metadata | undefined;
    const call = c[name](req, new grpc.Metadata(), opts, (err: grpc.ServiceError | null, res?: Buffer) => {
      setImmediate(() => resolve({ err, res, trailers }));
    });
    call.on('status', (s: grpc.StatusObject) => { trailers = s.metadata; });
  });
}

describe('gRPC through the proxy', () => {
  let server: grpc.Server;
  let px: Awaited<ReturnType<typeof startProxy>>;
  let client: EchoClient;
  const seen: grpc.Metadata[] = [];

  before(async () => {
    server = new grpc.Server();
    server.addService(service, {
      Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        seen.push(call.metadata);
        const t = new grpc.Metadata();
        t.set('x-trailer', 'from-server');
        cb(null, Buffer.concat([Buffer.from('echo:'), call.request]), t);
      },
      Fail: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        cb({ code: grpc.status.NOT_FOUND, details: 'no such thing' });
      },
      Hang: (call: grpc.ServerUnaryCall<Buffer, Buffer>) => { seen.push(call.metadata); },
      Stream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
        for (let i = 0; i < 3; i++) call.write(Buffer.from(`m${i}:${call.request.toString()}`));
        call.end();
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p)));
    });
    const vhosts: VirtualHost[] = [{
      name: 'grpc', domains: ['*'],
      routes: [
        { match: { prefix: '/test.Echo/Hang' }, route: { cluster: 'backend', timeoutMs: 0, maxGrpcTimeoutMs: 0 } },
        { match: { prefix: '/test.Echo/' }, route: { cluster: 'backend' } },
        { match: { prefix: '/test.Empty/' }, route: { cluster: 'empty' } },
      ],
    }];
    const config = simpleConfig(vhosts, { backend: [port], empty: [] });
    px = await startProxy({
      ...config,
      clusters: config.clusters.map((c): ClusterConfig => ({ ...c, httpProtocolOptions: { upstreamProtocol: 'HTTP2' } })),
    });
    client = new Client(`127.0.0.1:${px.port}`, grpc.credentials.createInsecure()) as EchoClient;
  });

  after(async () => {
    client.close();
    server.forceShutdown();
    await px.proxy.close();
  });

  it('carries a unary call and the server trailing metadata', async () => {
    const r = await unary(client, 'Echo', Buffer.from('hi'));
    assert.equal(r.err, null);
    assert.equal(r.res?.toString(), 'echo:hi');
    assert.deepEqual(r.trailers?.get('x-trailer'), ['from-server']);
    const md = seen[seen.length - 1];
    assert.deepEqual(md.get('x-forwarded-proto'), ['http']);
    assert.equal(md.get('x-request-id').length, 1);
  });

  it('carries a server stream', async () => {
    const msgs: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const call = client.Stream(Buffer.from('s'));
      call.on('data', (m: Buffer) => msgs.push(m.toString()));
      call.on('error', reject);
      call.on('end', () => resolve());
    });
    assert.deepEqual(msgs, ['m0:s', 'm1:s', 'm2:s']);
  });

  it('passes a gRPC status error through', async () => {
    const r = await unary(client, 'Fail', Buffer.from('x'));
    assert.equal(r.err?.code, grpc.status.NOT_FOUND);
    assert.equal(r.err?.details, 'no such thing');
  });

  it('answers an unrouted gRPC request as trailers-only UNIMPLEMENTED (404 NR)', async () => {
    const c = new grpc.Client(`127.0.0.1:${px.port}`, grpc.credentials.createInsecure());
    const err = await new Promise<grpc.ServiceError | null>((resolve) => {
      c.makeUnaryRequest('/other.Svc/Method', raw, raw, Buffer.from('x'), (e) => resolve(e));
    });
    c.close();
    assert.equal(err?.code, grpc.status.UNIMPLEMENTED);
    assert.equal(px.access[px.access.length - 1].responseFlags, 'NR');
  });

  it('answers no healthy upstream as trailers-only UNAVAILABLE with the reason as grpc-message', async () => {
    const c = new grpc.Client(`127.0.0.1:${px.port}`, grpc.credentials.createInsecure());
    const err = await new Promise<grpc.ServiceError | null>((resolve) => {
      c.makeUnaryRequest('/test.Empty/Call', raw, raw, Buffer.from('x'), (e) => resolve(e));
    });
    c.close();
    assert.equal(err?.code, grpc.status.UNAVAILABLE);
    assert.equal(err?.details, 'no healthy upstream');
    assert.equal(px.access[px.access.length - 1].responseFlags, 'UH');
  });

  it('honours grpc-timeout where the route sets maxGrpcTimeout', async () => {
    const before = seen.length;
    const r = await unary(client, 'Hang', Buffer.from('x'), { deadline: Date.now() + 400 });
    assert.equal(r.err?.code, grpc.status.DEADLINE_EXCEEDED);
    const md = seen[before];
    const expected = Number(md.get('x-envoy-expected-rq-timeout-ms')[0]);
    assert.ok(expected > 200 && expected <= 400, `expected-rq-timeout ${expected}`);
  });
});
