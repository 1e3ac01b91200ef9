// One Generator per type URL that picks the implementation by who asks, as Istio picks a generator
// by node metadata GENERATOR: proxyless gRPC clients get grpcgen's output, Envoy-style proxies
// (sidecars, routers) the full translation. A type no implementation serves is not answered.
import type { PushContext } from '../../pilot/model/push-context.js';
import type { Generator, Generators } from '../generator.js';

export interface GeneratorSets {
  readonly grpc: ReadonlyMap<string, Generator<PushContext>>;
  readonly envoy: ReadonlyMap<string, Generator<PushContext>>;
}

export function dispatchGenerators(sets: GeneratorSets): Generators<PushContext> {
  const out = new Map<string, Generator<PushContext>>();
  for (const typeUrl of new Set([...sets.grpc.keys(), ...sets.envoy.keys()])) {
    out.set(typeUrl, {
      generate(proxy, watch, req) {
        const impl = (proxy.type === 'proxyless' ? sets.grpc : sets.envoy).get(typeUrl);
        return impl?.generate(proxy, watch, req);
      },
    });
  }
  return out;
}
