// DestinationRule outlierDetection → Envoy outlier_detection, as Istio maps it: success-rate
// ejection off, a consecutive-error count enforced at 100% when positive (0 disables it), local
// origin errors split out only on request, and the healthy panic threshold set from
// minHealthPercent even when unset (0), which turns Envoy's default panic mode (50%) off.
import type { OutlierDetection } from '../../../api/networking/index.js';
import { parseDuration } from '../../../shared/index.js';
import type { ClusterDraft } from './draft.js';
import { duration, u32 } from './proto.js';

export function applyOutlierDetection(d: ClusterDraft, od: OutlierDetection | undefined): void {
  if (!od) return;
  const out: NonNullable<ClusterDraft['cluster']['outlier_detection']> = { enforcing_success_rate: u32(0) };
  if (od.consecutive5xxErrors !== undefined) {
    out.consecutive_5xx = u32(od.consecutive5xxErrors);
    out.enforcing_consecutive_5xx = u32(od.consecutive5xxErrors > 0 ? 100 : 0);
  }
  if (od.consecutiveGatewayErrors !== undefined) {
    out.consecutive_gateway_failure = u32(od.consecutiveGatewayErrors);
    out.enforcing_consecutive_gateway_failure = u32(od.consecutiveGatewayErrors > 0 ? 100 : 0);
  }
  const interval = od.interval === undefined ? undefined : parseDuration(od.interval);
  if (interval !== undefined) out.interval = duration(interval);
  const base = od.baseEjectionTime === undefined ? undefined : parseDuration(od.baseEjectionTime);
  if (base !== undefined) out.base_ejection_time = duration(base);
  if ((od.maxEjectionPercent ?? 0) > 0) out.max_ejection_percent = u32(od.maxEjectionPercent as number);
  if (od.splitExternalLocalOriginErrors) {
    out.split_external_local_origin_errors = true;
    if ((od.consecutiveLocalOriginFailures ?? 0) > 0) {
      out.consecutive_local_origin_failure = u32(od.consecutiveLocalOriginFailures as number);
      out.enforcing_consecutive_local_origin_failure = u32(100);
    }
    out.enforcing_local_origin_success_rate = u32(0);
  }
  d.cluster.outlier_detection = out;
  const min = od.minHealthPercent ?? 0;
  if (min >= 0) {
    d.cluster.common_lb_config ??= {};
    d.cluster.common_lb_config.healthy_panic_threshold = { value: min };
  }
}
