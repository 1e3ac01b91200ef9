// Passive outlier detection for one cluster (Envoy's consecutive 5xx, consecutive gateway failure
// and consecutive local-origin failure detectors). Results are reported per attempt; a host that
// crosses a threshold is ejected at once (subject to the enforcing percentage and the max ejection
// percent) for base_ejection_time × its ejection count, and comes back on the interval sweep.
import type { OutlierDetectionConfig } from '../config/types.js';
import { housekeeping } from '../coarse-timers.js';

/** What an attempt learned about a host without an HTTP status from it. */
export type LocalOriginResult = 'connect_success' | 'connect_failed' | 'timeout' | 'reset';

export class OutlierStats {
  ejections_active = 0;
  ejections_overflow = 0;
  ejections_total = 0;
  ejections_enforced_total = 0;
  ejections_detected_consecutive_5xx = 0;
  ejections_enforced_consecutive_5xx = 0;
  ejections_detected_consecutive_gateway_failure = 0;
  ejections_enforced_consecutive_gateway_failure = 0;
  ejections_detected_consecutive_local_origin_failure = 0;
  ejections_enforced_consecutive_local_origin_failure = 0;
}

/** Per-host detector state; the cluster's Host carries one when the cluster has outlier detection. */
export class HostOutlierState {
  consecutive5xx = 0;
  consecutiveGateway = 0;
  consecutiveLocal = 0;
  ejected = false;
  /** Ejections so far, the multiplier of the base ejection time (decays while healthy). */
  ejections = 0;
  ejectedAt = 0;
  unejectedAt: number | undefined;
}

export interface OutlierHost {
  readonly outlier: HostOutlierState;
}

type Kind = 'consecutive_5xx' | 'consecutive_gateway_failure' | 'consecutive_local_origin_failure';

export class OutlierDetector<H extends OutlierHost> {
  private readonly consecutive5xx: number;
  private readonly consecutiveGateway: number;
  private readonly consecutiveLocal: number;
  private readonly enforcing: Record<Kind, number>;
  private readonly split: boolean;
  readonly intervalMs: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly maxEjectionPercent: number;
  private readonly alwaysEjectOne: boolean;
  private stopTicker: (() => void) | undefined;

  constructor(
    c: OutlierDetectionConfig,
    readonly stats: OutlierStats,
    private readonly hosts: () => readonly H[],
    /** Called when a host is ejected or returned, so the balancer rebuilds its healthy sets. */
    private readonly onChange: () => void,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {
    this.consecutive5xx = c.consecutive5xx ?? 5;
    this.consecutiveGateway = c.consecutiveGatewayFailure ?? 5;
    this.consecutiveLocal = c.consecutiveLocalOriginFailure ?? 5;
    this.enforcing = {
      consecutive_5xx: c.enforcingConsecutive5xx ?? 100,
      consecutive_gateway_failure: c.enforcingConsecutiveGatewayFailure ?? 0,
      consecutive_local_origin_failure: c.enforcingConsecutiveLocalOriginFailure ?? 100,
    };
    this.split = c.splitExternalLocalOriginErrors ?? false;
    this.intervalMs = c.intervalMs ?? 10_000;
    this.baseMs = c.baseEjectionTimeMs ?? 30_000;
    this.maxMs = Math.max(c.maxEjectionTimeMs ?? 300_000, this.baseMs);
    this.maxEjectionPercent = Math.min(100, c.maxEjectionPercent ?? 10);
    this.alwaysEjectOne = c.alwaysEjectOneHost ?? false;
  }

  start(): void {
    this.stopTicker ??= housekeeping.add(this.intervalMs, () => this.sweep());
  }

  close(): void {
    this.stopTicker?.();
    this.stopTicker = undefined;
  }

  /** An HTTP response status from the host (external origin). */
  putHttpStatus(h: H, status: number): void {
    const s = h.outlier;
    if (status >= 500) {
      if (status >= 502 && status <= 504) {
        if (++s.consecutiveGateway === this.consecutiveGateway) {
          s.consecutiveGateway = 0;
          this.detected(h, 'consecutive_gateway_failure');
        }
      }
      if (++s.consecutive5xx === this.consecutive5xx) {
        s.consecutive5xx = 0;
        this.detected(h, 'consecutive_5xx');
      }
    } else {
      s.consecutive5xx = 0;
      s.consecutiveGateway = 0;
    }
  }

  /** A local-origin event (connect success or failure, timeout, reset). */
  putLocalOrigin(h: H, r: LocalOriginResult): void {
    if (!this.split) {
      // Without the split, local-origin failures count as the 5xx they turn into.
      if (r === 'timeout') this.putHttpStatus(h, 504);
      else if (r !== 'connect_success') this.putHttpStatus(h, 503);
      return;
    }
    const s = h.outlier;
    if (r === 'connect_success') {
      s.consecutiveLocal = 0;
      return;
    }
    if (++s.consecutiveLocal === this.consecutiveLocal) {
      s.consecutiveLocal = 0;
      this.detected(h, 'consecutive_local_origin_failure');
    }
  }

  private detected(h: H, kind: Kind): void {
    const st = this.stats;
    st[`ejections_detected_${kind}`]++;
    if (h.outlier.ejected) return;
    const hosts = this.hosts().length;
    const after = (100 * (st.ejections_active + 1)) / hosts;
    if (!(after <= this.maxEjectionPercent || (this.alwaysEjectOne && st.ejections_active === 0))) {
      st.ejections_overflow++;
      return;
    }
    if (this.random() * 100 >= this.enforcing[kind]) return;
    const s = h.outlier;
    s.ejected = true;
    s.ejectedAt = this.now();
    if (this.baseMs * (s.ejections + 1) <= this.maxMs) s.ejections++;
    else s.ejections = Math.max(s.ejections, 1);
    st.ejections_active++;
    st.ejections_total++;
    st.ejections_enforced_total++;
    st[`ejections_enforced_${kind}`]++;
    this.onChange();
  }

  /** The interval sweep: return hosts whose ejection time is over; decay the multiplier of healthy ones. */
  sweep(): void {
    const now = this.now();
    let changed = false;
    for (const h of this.hosts()) {
      const s = h.outlier;
      if (!s.ejected) {
        if (s.ejections > 0 && s.unejectedAt !== undefined && now - s.unejectedAt >= this.baseMs) {
          s.ejections--;
          s.unejectedAt = now;
        }
        continue;
      }
      if (now - s.ejectedAt >= Math.min(this.baseMs * s.ejections, this.maxMs)) {
        s.ejected = false;
        s.unejectedAt = now;
        s.consecutive5xx = 0;
        s.consecutiveGateway = 0;
        s.consecutiveLocal = 0;
        this.stats.ejections_active--;
        changed = true;
      }
    }
    if (changed) this.onChange();
  }

  /** A host left the cluster: its ejection no longer counts. */
  removed(h: H): void {
    if (h.outlier.ejected) {
      h.outlier.ejected = false;
      this.stats.ejections_active--;
    }
  }
}
