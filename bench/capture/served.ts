// Proof that each istio-ts run carried the traffic it is credited with, from the proxy's own
// counters: a captured request cannot reach nginx except through the captured proxy, and an
// explicit one must not have been captured. Without this, a capture rule that silently failed
// would make "captured" a second direct run.

/** What the load drivers completed against one proxy. */
export interface Sent {
  /** HTTP requests (all workloads, sanity checks and warm-up included). */
  http: number;
  /** Of those, requests made on a connection of their own (one capture each when captured). */
  churn: number;
  /** TCP connections through the tcp_proxy chain. */
  tcpConns: number;
}

export interface ServedOptions {
  /** The run went through iptables REDIRECT to `capturePort`. */
  readonly captured: boolean;
  readonly prefixes: { readonly http: string; readonly tcp: string };
  readonly capturePort: number;
  /** Requests wrk had in flight when it stopped reached the proxy but are not in `sent`. */
  readonly slack: number;
}

/**
 * Checks the proxy's counters against `sent`; throws naming every mismatch. Returns the
 * connections accepted on the capture port (each one a REDIRECT and an SO_ORIGINAL_DST lookup).
 */
export function checkServed(name: string, sent: Sent, stats: ReadonlyMap<string, number>, o: ServedOptions): number {
  const rq = stats.get(`http.${o.prefixes.http}.downstream_rq_total`) ?? 0;
  const tcp = stats.get(`tcp.${o.prefixes.tcp}.downstream_cx_total`) ?? 0;
  const cx = stats.get(`listener.0.0.0.0_${o.capturePort}.downstream_cx_total`) ?? 0;
  const problems: string[] = [];
  if (rq < sent.http || rq > sent.http + o.slack) problems.push(`${rq} HTTP requests counted, ${sent.http} completed by the drivers`);
  if (tcp < sent.tcpConns || tcp > sent.tcpConns + o.slack) problems.push(`${tcp} TCP connections counted, ${sent.tcpConns} opened by the drivers`);
  const mustCapture = sent.churn + sent.tcpConns;
  if (o.captured && cx < mustCapture) problems.push(`${cx} connections accepted on :${o.capturePort}, fewer than the ${mustCapture} captured`);
  if (!o.captured && cx !== 0) problems.push(`${cx} connections accepted on :${o.capturePort}`);
  if (problems.length > 0) throw new Error(`${name}: traffic did not take the path under test: ${problems.join('; ')}`);
  return cx;
}
