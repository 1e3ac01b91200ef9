// Every destination a VirtualService names, with the field path of its host (for the line).
import type { Destination, VirtualServiceSpec } from '../specs.js';

export interface AnnotatedDestination {
  readonly destination: Destination;
  /** `spec.http[0].route[1].destination.host` */
  readonly hostPath: string;
  readonly mirror: boolean;
}

export function routeDestinations(vs: VirtualServiceSpec): AnnotatedDestination[] {
  const out: AnnotatedDestination[] = [];
  for (const section of ['http', 'tcp', 'tls'] as const) {
    (vs[section] ?? []).forEach((rule, i) => {
      (rule.route ?? []).forEach((rd, j) => {
        if (rd.destination) out.push({ destination: rd.destination, hostPath: `spec.${section}[${i}].route[${j}].destination.host`, mirror: false });
      });
    });
  }
  return out;
}

export function mirrorDestinations(vs: VirtualServiceSpec): AnnotatedDestination[] {
  const out: AnnotatedDestination[] = [];
  (vs.http ?? []).forEach((rule, i) => {
    if (rule.mirror) out.push({ destination: rule.mirror, hostPath: `spec.http[${i}].mirror.host`, mirror: true });
    (rule.mirrors ?? []).forEach((m, k) => {
      if (m.destination) out.push({ destination: m.destination, hostPath: `spec.http[${i}].mirrors[${k}].destination.host`, mirror: true });
    });
  });
  return out;
}
