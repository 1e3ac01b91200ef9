// IST0102 / IST0123: a Namespace object should say whether its pods get sidecars
// (`istio-injection` or a revision via `istio.io/rev`), and say it only once.
import type { Analyzer } from '../analyzer.js';
import { K } from '../kinds.js';
import { MSG } from '../messages.js';
import { SYSTEM_NAMESPACES } from './system-namespaces.js';

const INJECTION_LABEL = 'istio-injection';
const REVISION_LABEL = 'istio.io/rev';
const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';

export const namespaceInjectionAnalyzer: Analyzer = {
  name: 'injection.Analyzer',
  description: 'Checks that namespaces are labelled for (or explicitly against) sidecar injection',
  inputs: [K.Namespace],
  analyze(ctx) {
    for (const r of ctx.list(K.Namespace)) {
      const ns = r.config.meta.name;
      if (SYSTEM_NAMESPACES.has(ns)) continue;
      const labels = r.config.meta.labels;
      // Ambient namespaces run without sidecars by design.
      if (labels[DATAPLANE_MODE_LABEL] === 'ambient') continue;
      const present = [INJECTION_LABEL, REVISION_LABEL].filter((l) => labels[l] !== undefined);
      if (present.length === 0) ctx.report(MSG.NamespaceNotInjected, r, [ns, ns]);
      else if (present.length > 1) ctx.report(MSG.NamespaceMultipleInjectionLabels, r, [present], 'metadata.labels');
    }
  },
};
