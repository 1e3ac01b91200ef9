// Which DestinationRule traffic policy governs one cluster, with Istio's precedence: a
// portLevelSettings entry for the port replaces the rule-level policy outright (its unset fields
// take defaults, they are not inherited); a subset's policy then overrides per section
// (connectionPool, outlierDetection, loadBalancer, tls), and a subset port-level entry replaces all four.
import type { Config } from '../../../api/config.js';
import type { DestinationRuleSpec, Subset, TrafficPolicy } from '../../../api/networking/index.js';
import type { PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import type { Service } from '../../model/service.js';

export type DestinationRuleConfig = Config<DestinationRuleSpec>;

/** The rule a proxy applies to a service, typed as the api parses it. */
export function destinationRuleFor(push: PushContext, proxy: Pick<Proxy, 'type' | 'configNamespace' | 'labels'>, service: Pick<Service, 'hostname' | 'namespace'>): DestinationRuleConfig | undefined {
  return push.destinationRule(proxy, service)?.rule as DestinationRuleConfig | undefined;
}

/** The policy for `port`: its portLevelSettings entry when one exists, else the policy itself. */
export function portTrafficPolicy(policy: TrafficPolicy | undefined, port: number): { policy: TrafficPolicy | undefined; portLevel: boolean } {
  if (!policy) return { policy: undefined, portLevel: false };
  const p = policy.portLevelSettings?.find((s) => s.port?.number === port);
  if (!p) return { policy, portLevel: false };
  const out: TrafficPolicy = {
    ...(p.connectionPool ? { connectionPool: p.connectionPool } : {}),
    ...(p.loadBalancer ? { loadBalancer: p.loadBalancer } : {}),
    ...(p.outlierDetection ? { outlierDetection: p.outlierDetection } : {}),
    ...(p.tls ? { tls: p.tls } : {}),
  };
  return { policy: out, portLevel: true };
}

/** The policy of a subset cluster: the rule's (port-level applied) overridden by the subset's. */
export function subsetTrafficPolicy(rulePolicy: TrafficPolicy | undefined, subsetPolicy: TrafficPolicy | undefined, port: number): TrafficPolicy | undefined {
  const base = portTrafficPolicy(rulePolicy, port).policy;
  if (!subsetPolicy) return base;
  const { policy: sub, portLevel } = portTrafficPolicy(subsetPolicy, port);
  if (!base || !sub) return sub ?? base;
  const pick = <K extends 'connectionPool' | 'outlierDetection' | 'loadBalancer' | 'tls'>(k: K): TrafficPolicy[K] =>
    (sub[k] !== undefined || portLevel ? sub[k] : base[k]);
  const merged: TrafficPolicy = {
    connectionPool: pick('connectionPool'),
    outlierDetection: pick('outlierDetection'),
    loadBalancer: pick('loadBalancer'),
    tls: pick('tls'),
    tunnel: sub.tunnel ?? base.tunnel,
    proxyProtocol: sub.proxyProtocol ?? base.proxyProtocol,
  };
  for (const k of Object.keys(merged) as (keyof TrafficPolicy)[]) if (merged[k] === undefined) delete merged[k];
  return merged;
}

/** The effective policy for the cluster of (rule, subset name, port); subset '' is the default cluster. */
export function clusterTrafficPolicy(rule: DestinationRuleSpec | undefined, subsetName: string, port: number): TrafficPolicy | undefined {
  if (!rule) return undefined;
  if (subsetName === '') return portTrafficPolicy(rule.trafficPolicy, port).policy;
  const subset: Subset | undefined = rule.subsets?.find((s) => s.name === subsetName);
  return subsetTrafficPolicy(rule.trafficPolicy, subset?.trafficPolicy, port);
}
