// IST0101: a DestinationRule's host must name a known service (Kubernetes Service or ServiceEntry
// visible from its namespace); a policy for an unknown host never applies. Wildcard hosts are
// patterns over services, not references, and are not checked.
import type { Analyzer } from '../analyzer.js';
import { K } from '../kinds.js';
import { MSG } from '../messages.js';
import { ServiceRegistry } from '../service-registry.js';
import type { DestinationRuleSpec } from '../specs.js';

export const destinationRuleHostAnalyzer: Analyzer = {
  name: 'destinationrule.HostAnalyzer',
  description: 'Checks that the host of each destination rule names a known service',
  inputs: [K.DestinationRule, K.Service, K.ServiceEntry],
  analyze(ctx) {
    const registry = new ServiceRegistry(ctx);
    for (const r of ctx.list<DestinationRuleSpec>(K.DestinationRule)) {
      const host = r.config.spec?.host ?? '';
      if (host === '' || host.includes('*')) continue;
      if (!registry.lookup(host, r.config.meta.namespace)) ctx.report(MSG.ReferencedResourceNotFound, r, ['host', host], 'spec.host');
    }
  },
};
