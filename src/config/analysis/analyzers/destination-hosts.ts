// IST0101 / IST0112: every VirtualService destination must name a known service (Kubernetes
// Service or ServiceEntry host visible from the VirtualService's namespace) and, where that
// service has several ports, say which one.
import type { Analyzer } from '../analyzer.js';
import { K } from '../kinds.js';
import { MSG } from '../messages.js';
import { ServiceRegistry } from '../service-registry.js';
import type { VirtualServiceSpec } from '../specs.js';
import { mirrorDestinations, routeDestinations } from './vs-destinations.js';

export const destinationHostAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  description: 'Checks the destination hosts associated with each virtual service',
  inputs: [K.ServiceEntry, K.VirtualService, K.Service],
  analyze(ctx) {
    const registry = new ServiceRegistry(ctx);
    for (const r of ctx.list<VirtualServiceSpec>(K.VirtualService)) {
      const ns = r.config.meta.namespace;
      const spec = r.config.spec ?? {};
      for (const d of [...routeDestinations(spec), ...mirrorDestinations(spec)]) {
        const host = d.destination.host ?? '';
        if (host === '') continue;
        const svc = registry.lookup(host, ns);
        if (!svc) {
          ctx.report(MSG.ReferencedResourceNotFound, r, [d.mirror ? 'mirror host' : 'host', host], d.hostPath);
          continue;
        }
        const port = d.destination.port?.number;
        if (port === undefined) {
          if (svc.ports.length > 1) ctx.report(MSG.VirtualServiceDestinationPortSelectorRequired, r, [host, [...svc.ports]], d.hostPath);
        } else if (!svc.ports.includes(port)) {
          ctx.report(MSG.ReferencedResourceNotFound, r, ['host:port', `${host}:${port}`], d.hostPath);
        }
      }
    }
  },
};
