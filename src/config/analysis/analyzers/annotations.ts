// IST0108: an annotation in one of Istio's domains (`*.istio.io/...`) that Istio does not define is
// almost always a typo (`sidecar.istio.io/injet`), and is silently ignored by Istio.
import type { Analyzer } from '../analyzer.js';
import { formatPath } from '../../../api/diagnostics.js';
import { K } from '../kinds.js';
import { MSG } from '../messages.js';
import type { AnalysisResource } from '../resource.js';
import type { WorkloadControllerSpec } from '../specs.js';
import { KNOWN_ANNOTATIONS } from './known-annotations.js';

function isIstioAnnotation(key: string): boolean {
  const slash = key.indexOf('/');
  const domain = slash < 0 ? '' : key.slice(0, slash);
  return domain === 'istio.io' || domain.endsWith('.istio.io');
}

function check(ctx: Parameters<Analyzer['analyze']>[0], r: AnalysisResource, annotations: Readonly<Record<string, string>>, base: (string | number)[]): void {
  for (const key of Object.keys(annotations)) {
    if (isIstioAnnotation(key) && KNOWN_ANNOTATIONS[key] === undefined) {
      ctx.report(MSG.UnknownAnnotation, r, [key], formatPath([...base, key]));
    }
  }
}

export const annotationsAnalyzer: Analyzer = {
  name: 'annotations.K8sAnalyzer',
  description: 'Checks for misplaced and invalid Istio annotations in Kubernetes resources',
  inputs: [K.Namespace, K.Service, K.Pod, K.Deployment],
  analyze(ctx) {
    for (const kind of [K.Namespace, K.Service, K.Pod]) {
      for (const r of ctx.list(kind)) check(ctx, r, r.config.meta.annotations, ['metadata', 'annotations']);
    }
    for (const r of ctx.list<WorkloadControllerSpec>(K.Deployment)) {
      check(ctx, r, r.config.meta.annotations, ['metadata', 'annotations']);
      check(ctx, r, r.config.spec?.template?.metadata?.annotations ?? {}, ['spec', 'template', 'metadata', 'annotations']);
    }
  },
};
