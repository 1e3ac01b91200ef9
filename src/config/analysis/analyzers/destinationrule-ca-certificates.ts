// IST0128 / IST0129: a DestinationRule that originates TLS (SIMPLE or MUTUAL) without
// caCertificates or a credentialName does not verify the server's certificate.
import type { Analyzer } from '../analyzer.js';
import { K } from '../kinds.js';
import { MSG } from '../messages.js';
import type { ClientTLSSettings, DestinationRuleSpec } from '../specs.js';

function unverified(tls: ClientTLSSettings | undefined): string | undefined {
  if (!tls || (tls.mode !== 'SIMPLE' && tls.mode !== 'MUTUAL')) return undefined;
  // insecureSkipVerify states the choice explicitly; warning about it would only repeat it.
  if ((tls.caCertificates ?? '') !== '' || (tls.credentialName ?? '') !== '' || tls.insecureSkipVerify === true) return undefined;
  return tls.mode;
}

export const caCertificatesAnalyzer: Analyzer = {
  name: 'destinationrule.CaCertificateAnalyzer',
  description: 'Checks if caCertificates is set when TLS mode is SIMPLE/MUTUAL',
  inputs: [K.DestinationRule],
  analyze(ctx) {
    for (const r of ctx.list<DestinationRuleSpec>(K.DestinationRule)) {
      const { name, namespace } = r.config.meta;
      const host = r.config.spec?.host ?? '';
      const policy = r.config.spec?.trafficPolicy;
      const mode = unverified(policy?.tls);
      if (mode) ctx.report(MSG.NoServerCertificateVerificationDestinationLevel, r, [name, namespace, mode, host], 'spec.trafficPolicy.tls.mode');
      (policy?.portLevelSettings ?? []).forEach((pls, i) => {
        const m = unverified(pls.tls);
        if (m) ctx.report(MSG.NoServerCertificateVerificationPortLevel, r, [name, namespace, m, host, String(pls.port?.number ?? '')], `spec.trafficPolicy.portLevelSettings[${i}].tls.mode`);
      });
    }
  },
};
