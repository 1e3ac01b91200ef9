// How a config change becomes a push request, as Istio decides: Istio config kinds → full push
// (reason `config`); services added, removed or redefined → full push (`service`); only endpoints
// changed → EDS-only push (`endpoint`), unless a headless service needs its listeners rebuilt.
import type { ConfigChanges } from '../../config/store.js';
import { serviceConfigKey } from '../../pilot/networking/cache-key.js';
import type { RegistryChange } from '../../pilot/serviceregistry/service-discovery.js';
import type { TriggerReason } from '../../xds/push-request.js';

/** Kinds that only feed the service registry (their effect is judged by the registry's diff). */
export const REGISTRY_KINDS: ReadonlySet<string> = new Set([
  '/Service', '/Endpoints', 'discovery.k8s.io/EndpointSlice', '/Pod',
  'networking.istio.io/ServiceEntry', 'networking.istio.io/WorkloadEntry',
]);

export interface PushDecision {
  readonly full: boolean;
  readonly reasons: ReadonlyMap<TriggerReason, number>;
  readonly configsUpdated: readonly string[];
}

export function decidePush(changes: ConfigChanges, registry: RegistryChange | undefined): PushDecision | undefined {
  const reasons = new Map<TriggerReason, number>();
  const configsUpdated: string[] = [];
  let full = false;
  for (const [kind, c] of changes.kinds) {
    if (REGISTRY_KINDS.has(kind)) continue;
    const keys = [...c.added, ...c.updated, ...c.removed];
    configsUpdated.push(...keys);
    reasons.set('config', (reasons.get('config') ?? 0) + keys.length);
    full = true;
  }
  if (registry) {
    if (registry.services.length > 0) {
      full = true;
      reasons.set('service', registry.services.length);
      configsUpdated.push(...registry.services.map(serviceConfigKey));
    }
    if (registry.endpoints.length > 0) {
      reasons.set('endpoint', registry.endpoints.length);
      configsUpdated.push(...registry.endpoints.map(serviceConfigKey));
      if (registry.headless.length > 0) full = true;
    }
  }
  if (reasons.size === 0) return undefined;
  return { full, reasons, configsUpdated };
}
