// IST0101 / IST0132: the gateways a VirtualService binds to must exist, and at least one of its
// hosts must be among the hosts those gateways' servers accept.
import type { Analyzer } from '../analyzer.js';
import { hostsOverlap } from '../hosts.js';
import { K } from '../kinds.js';
import { MSG } from '../messages.js';
import type { GatewaySpec, VirtualServiceSpec } from '../specs.js';
import { gatewayRef, MESH_GATEWAY, serverHostsFor } from './gateway-refs.js';

export const virtualServiceGatewayAnalyzer: Analyzer = {
  name: 'virtualservice.GatewayAnalyzer',
  description: 'Checks the gateways associated with each virtual service',
  inputs: [K.Gateway, K.VirtualService],
  analyze(ctx) {
    for (const r of ctx.list<VirtualServiceSpec>(K.VirtualService)) {
      const vsNs = r.config.meta.namespace;
      const vsHosts = r.config.spec?.hosts ?? [];
      (r.config.spec?.gateways ?? []).forEach((ref, i) => {
        if (ref === MESH_GATEWAY) return;
        const { namespace, name } = gatewayRef(ref, vsNs);
        const gw = ctx.get<GatewaySpec>(K.Gateway, namespace, name);
        const path = `spec.gateways[${i}]`;
        if (!gw) {
          // A missing gateway is one finding; "host not in gateway" would only repeat it.
          ctx.report(MSG.ReferencedResourceNotFound, r, ['gateway', ref], path);
          return;
        }
        const gwHosts = (gw.config.spec?.servers ?? []).flatMap((s) => serverHostsFor(s.hosts ?? [], namespace, vsNs));
        if (!gwHosts.some((gh) => vsHosts.some((vh) => hostsOverlap(gh, vh)))) {
          ctx.report(MSG.VirtualServiceHostNotFoundInGateway, r, [vsHosts, `${vsNs}/${r.config.meta.name}`, `${namespace}/${name}`], path);
        }
      });
    }
  },
};
