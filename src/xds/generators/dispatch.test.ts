import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PushContext } from '../../pilot/model/push-context.js';
import { parseProxy } from '../../pilot/model/proxy.js';
import type { Generator } from '../generator.js';
import { pushRequest } from '../push-request.js';
import { dispatchGenerators } from './dispatch.js';

const fixed = (version: string): Generator<PushContext> => ({ generate: () => ({ version, resources: [] }) });

test('GENERATOR=grpc picks the gRPC set; sidecars and routers the Envoy set; a missing type is not answered', async () => {
  const gens = dispatchGenerators({
    grpc: new Map([['A', fixed('grpc-a')]]),
    envoy: new Map([['A', fixed('envoy-a')], ['B', fixed('envoy-b')]]),
  });
  const watch = (typeUrl: string) => ({ typeUrl, wildcard: true, names: new Set<string>() });
  const req = pushRequest<PushContext>({ full: true, reason: 'initial', start: 0 });
  const grpcProxy = parseProxy('sidecar~10.0.0.1~c.default~default.svc.cluster.local', { GENERATOR: 'grpc' });
  const sidecar = parseProxy('sidecar~10.0.0.2~s.default~default.svc.cluster.local');
  const router = parseProxy('router~10.0.0.3~gw.istio-system~istio-system.svc.cluster.local');
  const cases: Array<[string, ReturnType<typeof parseProxy>, string, string | undefined]> = [
    ['grpc A', grpcProxy, 'A', 'grpc-a'],
    ['grpc B', grpcProxy, 'B', undefined],
    ['sidecar A', sidecar, 'A', 'envoy-a'],
    ['router B', router, 'B', 'envoy-b'],
  ];
  for (const [name, proxy, type, want] of cases) {
    const out = await gens.get(type)!.generate(proxy, watch(type), req);
    assert.equal(out?.version, want, name);
  }
  assert.deepEqual([...gens.keys()].sort(), ['A', 'B']);
});
