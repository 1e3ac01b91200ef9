// IST0101: a VirtualService destination's subset must be defined by a DestinationRule for that host.
import type { Analyzer } from '../analyzer.js';
import { hostCovers, resolveShortName } from '../hosts.js';
import { K } from '../kinds.js';
import { MSG } from '../messages.js';
import type { DestinationRuleSpec, VirtualServiceSpec } from '../specs.js';
import { mirrorDestinations, routeDestinations } from './vs-destinations.js';

export const destinationSubsetAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  description: 'Checks the destination rules associated with each virtual service',
  inputs: [K.VirtualService, K.DestinationRule],
  analyze(ctx) {
    const defined: { host: string; subset: string }[] = [];
    for (const r of ctx.list<DestinationRuleSpec>(K.DestinationRule)) {
      const host = resolveShortName(r.config.spec?.host ?? '', r.config.meta.namespace);
      for (const s of r.config.spec?.subsets ?? []) if (s.name) defined.push({ host, subset: s.name });
    }
    for (const r of ctx.list<VirtualServiceSpec>(K.VirtualService)) {
      const spec = r.config.spec ?? {};
      for (const d of [...routeDestinations(spec), ...mirrorDestinations(spec)]) {
        const subset = d.destination.subset ?? '';
        const host = d.destination.host ?? '';
        if (subset === '' || host === '') continue;
        const fqdn = resolveShortName(host, r.config.meta.namespace);
        if (defined.some((x) => x.subset === subset && hostCovers(x.host, fqdn))) continue;
        ctx.report(MSG.ReferencedResourceNotFound, r, [d.mirror ? 'mirror+subset in destinationrule' : 'host+subset in destinationrule', `${host}+${subset}`], d.hostPath);
      }
    }
  },
};
