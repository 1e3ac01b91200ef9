// The identities a client should expect from a service port's workloads: the service's declared
// ones (ServiceEntry subjectAltNames) plus every endpoint's SPIFFE ID, sorted and deduplicated,
// as Istio computes the default SANs for Istio mTLS.
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';

const cache = new WeakMap<PushContext, Map<string, readonly string[]>>();

export function serviceAccountsFor(push: PushContext, service: Service, port: number): readonly string[] {
  let byKey = cache.get(push);
  if (!byKey) cache.set(push, (byKey = new Map()));
  const key = `${service.namespace}/${service.hostname}:${port}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const set = new Set(service.serviceAccounts);
  for (const inst of push.instances(service)) {
    if (inst.servicePort.port === port && inst.endpoint.serviceAccount) set.add(inst.endpoint.serviceAccount);
  }
  const out = [...set].sort();
  byKey.set(key, out);
  return out;
}
