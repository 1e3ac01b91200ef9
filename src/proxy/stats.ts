// Counters and gauges in Envoy's names (`cluster.<name>.upstream_rq_total`,
// `http.<stat_prefix>.downstream_rq_total`), kept as plain numeric fields so the hot path pays one
// property increment; the admin server walks them only when asked.

export class ClusterStats {
  upstream_cx_total = 0;
  upstream_cx_active = 0;
  upstream_cx_connect_fail = 0;
  upstream_cx_connect_timeout = 0;
  upstream_cx_overflow = 0;
  upstream_cx_destroy = 0;
  upstream_cx_destroy_remote = 0;
  upstream_cx_destroy_local = 0;
  upstream_cx_idle_timeout = 0;
  upstream_cx_max_requests = 0;
  upstream_cx_protocol_error = 0;
  upstream_rq_total = 0;
  upstream_rq_active = 0;
  upstream_rq_completed = 0;
  upstream_rq_pending_total = 0;
  upstream_rq_pending_active = 0;
  upstream_rq_pending_overflow = 0;
  upstream_rq_timeout = 0;
  upstream_rq_rx_reset = 0;
  upstream_rq_tx_reset = 0;
  upstream_rq_1xx = 0;
  upstream_rq_2xx = 0;
  upstream_rq_3xx = 0;
  upstream_rq_4xx = 0;
  upstream_rq_5xx = 0;
  upstream_rq_retry = 0;
  upstream_rq_retry_success = 0;
  upstream_rq_retry_overflow = 0;
  upstream_rq_retry_limit_exceeded = 0;
  upstream_rq_retry_backoff_exponential = 0;
  upstream_rq_per_try_timeout = 0;
  retry_or_shadow_abandoned = 0;
  membership_total = 0;
  membership_healthy = 0;
  /** DNS clusters: resolutions started, answered, failed, and answers that changed the hosts. */
  update_attempt = 0;
  update_success = 0;
  update_failure = 0;
  membership_change = 0;
  upstream_cx_none_healthy = 0;
  upstream_cx_rx_bytes_total = 0;
  upstream_cx_tx_bytes_total = 0;
  upstream_cx_http2_total = 0;
}

/** `tcp.<stat_prefix>.*` of Envoy's tcp_proxy filter. */
export class TcpStats {
  downstream_cx_total = 0;
  downstream_cx_no_route = 0;
  downstream_cx_rx_bytes_total = 0;
  downstream_cx_tx_bytes_total = 0;
  idle_timeout = 0;
  upstream_flush_total = 0;
}

export class HttpStats {
  downstream_cx_total = 0;
  downstream_cx_active = 0;
  downstream_cx_protocol_error = 0;
  /** Connections closed by the HCM's idle_timeout. */
  downstream_cx_idle_timeout = 0;
  downstream_cx_destroy_remote_active_rq = 0;
  downstream_cx_http1_total = 0;
  downstream_cx_http2_total = 0;
  downstream_cx_upgrades_total = 0;
  downstream_cx_upgrades_active = 0;
  downstream_rq_total = 0;
  downstream_rq_active = 0;
  downstream_rq_completed = 0;
  downstream_rq_1xx = 0;
  downstream_rq_2xx = 0;
  downstream_rq_3xx = 0;
  downstream_rq_4xx = 0;
  downstream_rq_5xx = 0;
  /** `request_timeout` fired. */
  downstream_rq_timeout = 0;
  /** `request_headers_timeout` fired. */
  downstream_rq_header_timeout = 0;
  /** `stream_idle_timeout` fired. */
  downstream_rq_idle_timeout = 0;
  downstream_rq_too_large = 0;
  /** HTTP/2 connections closed for Rapid Reset (CVE-2023-44487). */
  downstream_rq_too_many_premature_resets = 0;
  downstream_rq_failed_path_normalization = 0;
  downstream_rq_redirected_with_normalized_path = 0;
  no_route = 0;
  no_cluster = 0;
  rq_redirect = 0;
  rq_direct_response = 0;
}

export function countUpstreamStatus(s: ClusterStats, status: number): void {
  switch ((status / 100) | 0) {
    case 1: s.upstream_rq_1xx++; break;
    case 2: s.upstream_rq_2xx++; break;
    case 3: s.upstream_rq_3xx++; break;
    case 4: s.upstream_rq_4xx++; break;
    case 5: s.upstream_rq_5xx++; break;
  }
}

export function countDownstreamStatus(s: HttpStats, status: number): void {
  switch ((status / 100) | 0) {
    case 1: s.downstream_rq_1xx++; break;
    case 2: s.downstream_rq_2xx++; break;
    case 3: s.downstream_rq_3xx++; break;
    case 4: s.downstream_rq_4xx++; break;
    case 5: s.downstream_rq_5xx++; break;
  }
}

/** All stats of a proxy; each holder registers under its Envoy prefix. */
export class StatsRegistry {
  private readonly entries = new Map<string, object>();

  cluster(name: string): ClusterStats {
    return this.getOrAdd(`cluster.${name}`, () => new ClusterStats());
  }

  http(statPrefix: string): HttpStats {
    return this.getOrAdd(`http.${statPrefix}`, () => new HttpStats());
  }

  tcp(statPrefix: string): TcpStats {
    return this.getOrAdd(`tcp.${statPrefix}`, () => new TcpStats());
  }

  /** A holder of numeric fields under any Envoy prefix (`cluster.x.outlier_detection`, `http.p.fault`). */
  group<T extends object>(key: string, make: () => T): T {
    return this.getOrAdd(key, make);
  }

  private getOrAdd<T extends object>(key: string, make: () => T): T {
    let v = this.entries.get(key) as T | undefined;
    if (v === undefined) {
      v = make();
      this.entries.set(key, v);
    }
    return v;
  }

  /** `name: value` pairs sorted by name, as Envoy's `/stats` lists them. */
  snapshot(): [string, number][] {
    const out: [string, number][] = [];
    for (const [prefix, holder] of this.entries) {
      for (const [k, v] of Object.entries(holder)) if (typeof v === 'number') out.push([`${prefix}.${k}`, v]);
    }
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}
