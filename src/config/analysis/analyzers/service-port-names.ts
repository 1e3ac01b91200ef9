// IST0118: Istio picks a Service port's protocol from `appProtocol` or from a name of the form
// `<protocol>[-<suffix>]` (`http`, `grpc-web`, `tcp-db`); any other name leaves it to protocol
// sniffing, which is slower and cannot see server-first protocols.
import type { Analyzer } from '../analyzer.js';
import { K } from '../kinds.js';
import { MSG } from '../messages.js';
import type { ServiceSpec } from '../specs.js';
import { SYSTEM_NAMESPACES } from './system-namespaces.js';

const PROTOCOLS = new Set(['grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tcp', 'tls', 'udp', 'mongo', 'redis', 'mysql']);

export function protocolFromPortName(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (PROTOCOLS.has(lower)) return lower;
  // `grpc-web-foo` names grpc-web; otherwise the prefix before the first dash names the protocol.
  if (lower.startsWith('grpc-web-')) return 'grpc-web';
  const dash = lower.indexOf('-');
  const prefix = dash < 0 ? lower : lower.slice(0, dash);
  return PROTOCOLS.has(prefix) ? prefix : undefined;
}

export const portNameAnalyzer: Analyzer = {
  name: 'service.PortNameAnalyzer',
  description: 'Checks the port names associated with each service',
  inputs: [K.Service],
  analyze(ctx) {
    for (const r of ctx.list<ServiceSpec>(K.Service)) {
      if (SYSTEM_NAMESPACES.has(r.config.meta.namespace)) continue;
      const spec = r.config.spec ?? {};
      if (spec.type === 'ExternalName') continue;
      (spec.ports ?? []).forEach((p, i) => {
        if ((p.appProtocol ?? '') !== '') return;
        if ((p.protocol ?? 'TCP').toUpperCase() !== 'TCP') return;
        const name = p.name ?? '';
        if (protocolFromPortName(name) !== undefined) return;
        const target = p.targetPort === undefined || p.targetPort === '' ? String(p.port ?? 0) : String(p.targetPort);
        ctx.report(MSG.PortNameIsNotUnderNamingConvention, r, [name, p.port ?? 0, target], `spec.ports[${i}].name`);
      });
    }
  },
};
