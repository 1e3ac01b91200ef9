// The service instances a proxy itself serves (its inbound side) and the locality it runs in,
// found by the proxy's IPs among the push's endpoints. Indexed once per PushContext.
import type { Locality, ServiceInstance } from '../../model/endpoint.js';
import { NO_LOCALITY } from '../../model/endpoint.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';

const byPush = new WeakMap<PushContext, Map<string, ServiceInstance[]>>();

function index(push: PushContext): Map<string, ServiceInstance[]> {
  let m = byPush.get(push);
  if (m) return m;
  m = new Map();
  for (const s of push.services.all) {
    for (const inst of push.instances(s)) {
      const list = m.get(inst.endpoint.address);
      if (list) list.push(inst);
      else m.set(inst.endpoint.address, [inst]);
    }
  }
  byPush.set(push, m);
  return m;
}

/** Instances whose endpoint address is one of the proxy's IPs, in service-creation order. */
export function proxyServiceInstances(proxy: Pick<Proxy, 'ipAddresses'>, push: PushContext): readonly ServiceInstance[] {
  const m = index(push);
  const out: ServiceInstance[] = [];
  for (const ip of proxy.ipAddresses) out.push(...(m.get(ip) ?? []));
  return out;
}

/** The node's locality when it sent one, else the locality of the workload at its address. */
export function proxyLocality(proxy: Pick<Proxy, 'ipAddresses' | 'locality'>, push: PushContext): Locality {
  const l = proxy.locality;
  if (l.region || l.zone || l.subZone) return { region: l.region, zone: l.zone, subzone: l.subZone };
  return proxyServiceInstances(proxy, push)[0]?.endpoint.locality ?? NO_LOCALITY;
}
