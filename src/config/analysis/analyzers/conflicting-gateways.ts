// IST0145: two Gateways that select the same gateway workloads (one selector contained in the
// other), on the same port and bind address, with overlapping hosts: only one server can win.
import type { Analyzer } from '../analyzer.js';
import { hostsOverlap } from '../hosts.js';
import { K } from '../kinds.js';
import { selectorMatches, selectorString } from '../labels.js';
import { MSG } from '../messages.js';
import type { AnalysisResource } from '../resource.js';
import type { GatewaySpec } from '../specs.js';

// Server hosts without their namespace part: `ns/host`, `./host` and `*` + `/host` all become `host`.
function bareHost(h: string): string {
  const slash = h.indexOf('/');
  return slash < 0 ? h : h.slice(slash + 1);
}

function selectorsOverlap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  return selectorMatches(a, b) || selectorMatches(b, a);
}

export const conflictingGatewayAnalyzer: Analyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  description: "Checks a gateway's selector, port number and hosts",
  inputs: [K.Gateway],
  analyze(ctx) {
    const gws = ctx.list<GatewaySpec>(K.Gateway);
    for (const a of gws) {
      const selA = a.config.spec?.selector ?? {};
      (a.config.spec?.servers ?? []).forEach((sa, i) => {
        const port = sa.port?.number;
        if (port === undefined) return;
        const others: AnalysisResource[] = [];
        const hosts = new Set<string>();
        for (const b of gws) {
          if (b === a || !selectorsOverlap(selA, b.config.spec?.selector ?? {})) continue;
          for (const sb of b.config.spec?.servers ?? []) {
            if (sb.port?.number !== port || (sb.bind ?? '') !== (sa.bind ?? '')) continue;
            const overlapping = (sa.hosts ?? []).map(bareHost).filter((ha) => (sb.hosts ?? []).some((hb) => hostsOverlap(ha, bareHost(hb))));
            if (overlapping.length === 0) continue;
            if (!others.includes(b)) others.push(b);
            for (const h of overlapping) hosts.add(h);
          }
        }
        if (others.length === 0) return;
        const names = others.map((o) => `${o.config.meta.namespace}/${o.config.meta.name}`).sort().join(',');
        ctx.report(MSG.ConflictingGateways, a, [names, selectorString(selA), String(port), [...hosts].join(',')], `spec.servers[${i}].port.number`);
      });
    }
  },
};
