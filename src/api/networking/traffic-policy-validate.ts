// Istio's semantic rules for TrafficPolicy and its parts; shared by DestinationRule (top level,
// subsets, port-level settings) and Sidecar (ingress and inbound connection pools).
import type { Diagnostics } from '../diagnostics.js';
import { checkDuration } from '../validation/common.js';
import { fqdnError } from '../validation/names.js';
import { isIPAddress, portError } from '../validation/net.js';
import { validatePortSelector } from './destination.js';
import { validateDuration } from './durations.js';
import { validateIntPercent } from './percent.js';
import { validateClientTls } from './tls-settings.js';
import type {
  ConnectionPoolSettings,
  LoadBalancerSettings,
  LocalityLoadBalancerSetting,
  OutlierDetection,
  TrafficPolicy,
  TunnelSettings,
} from './traffic-policy-schema.js';

const TOPOLOGY_LABELS = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone']);

const has = (o: object | undefined): boolean => o !== undefined;

export function validateTrafficPolicy(p: TrafficPolicy | undefined, d: Diagnostics): void {
  if (!p) return;
  if (!has(p.outlierDetection) && !has(p.connectionPool) && !has(p.loadBalancer) && !has(p.tls) && !has(p.portLevelSettings) && !has(p.tunnel) && !has(p.proxyProtocol)) {
    d.error('traffic policy must have at least one field');
    return;
  }
  if (p.tunnel && p.proxyProtocol) d.error('tunnel and proxyProtocol must not be specified simultaneously', 'proxyProtocol');
  validateOutlierDetection(p.outlierDetection, d.at('outlierDetection'));
  validateConnectionPool(p.connectionPool, d.at('connectionPool'));
  validateLoadBalancer(p.loadBalancer, p.outlierDetection, d.at('loadBalancer'));
  validateClientTls(p.tls, d, ['tls']);
  p.portLevelSettings?.forEach((pl, i) => {
    const pd = d.at('portLevelSettings', i);
    if (pl.port?.number === undefined) pd.error('portTrafficPolicy must have valid port', 'port');
    validatePortSelector(pl.port, pd, ['port']);
    if (!has(pl.outlierDetection) && !has(pl.connectionPool) && !has(pl.loadBalancer) && !has(pl.tls)) {
      pd.error('port traffic policy must have at least one field');
      return;
    }
    validateOutlierDetection(pl.outlierDetection, pd.at('outlierDetection'));
    validateConnectionPool(pl.connectionPool, pd.at('connectionPool'));
    validateLoadBalancer(pl.loadBalancer, pl.outlierDetection ?? p.outlierDetection, pd.at('loadBalancer'));
    validateClientTls(pl.tls, pd, ['tls']);
  });
  validateTunnel(p.tunnel, d.at('tunnel'));
}

export function validateOutlierDetection(o: OutlierDetection | undefined, d: Diagnostics): void {
  if (!o) return;
  validateDuration(o.baseEjectionTime, d, ['baseEjectionTime']);
  validateDuration(o.interval, d, ['interval']);
  if (o.consecutiveErrors !== undefined && o.consecutiveErrors !== 0) {
    d.warning('outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead', 'consecutiveErrors');
    if (o.consecutiveErrors < 0) d.error('outlier detection consecutive errors cannot be negative', 'consecutiveErrors');
  }
  validateIntPercent(o.maxEjectionPercent, d, ['maxEjectionPercent']);
  validateIntPercent(o.minHealthPercent, d, ['minHealthPercent']);
  if (!o.splitExternalLocalOriginErrors && (o.consecutiveLocalOriginFailures ?? 0) > 0) {
    d.error(
      'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false',
      'consecutiveLocalOriginFailures',
    );
  }
}

export function validateConnectionPool(c: ConnectionPoolSettings | undefined, d: Diagnostics): void {
  if (!c) return;
  if (!c.http && !c.tcp) {
    d.error('connection pool must have at least one field');
    return;
  }
  const h = c.http;
  if (h) {
    const nonNegative: Array<[keyof typeof h, string]> = [
      ['http1MaxPendingRequests', 'http1 max pending requests'],
      ['http2MaxRequests', 'http2 max requests'],
      ['maxRequestsPerConnection', 'max requests per connection'],
      ['maxRetries', 'max retries'],
      ['maxConcurrentStreams', 'max concurrent streams'],
    ];
    for (const [field, what] of nonNegative) {
      const v = h[field];
      if (typeof v === 'number' && v < 0) d.error(`${what} must be non-negative`, 'http', field);
    }
    validateDuration(h.idleTimeout, d, ['http', 'idleTimeout']);
    if (h.h2UpgradePolicy === 'UPGRADE' && h.useClientProtocol) {
      d.error('use client protocol must not be true when H2UpgradePolicy is UPGRADE', 'http', 'useClientProtocol');
    }
  }
  const t = c.tcp;
  if (t) {
    if ((t.maxConnections ?? 0) < 0) d.error('max connections must be non-negative', 'tcp', 'maxConnections');
    validateDuration(t.connectTimeout, d, ['tcp', 'connectTimeout']);
    validateDuration(t.maxConnectionDuration, d, ['tcp', 'maxConnectionDuration']);
    validateDuration(t.idleTimeout, d, ['tcp', 'idleTimeout']);
    // The kernel's keepalive timers have a granularity of one second.
    for (const f of ['time', 'interval'] as const) {
      const ms = validateDuration(t.tcpKeepalive?.[f], d, ['tcp', 'tcpKeepalive', f]);
      if (ms !== undefined && ms >= 1 && ms < 1000) d.error(`tcpKeepalive ${f} must be at least 1s`, 'tcp', 'tcpKeepalive', f);
    }
  }
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let i = 2; i * i <= n; i++) if (n % i === 0) return false;
  return true;
}

export function validateLoadBalancer(lb: LoadBalancerSettings | undefined, outlier: OutlierDetection | undefined, d: Diagnostics): void {
  if (!lb) return;
  if (lb.simple !== undefined && lb.consistentHash) d.error('only one of simple or consistentHash may be set', 'consistentHash');
  const ch = lb.consistentHash;
  if (ch) {
    const keys = [ch.httpHeaderName !== undefined, ch.httpCookie !== undefined, ch.useSourceIp !== undefined, ch.httpQueryParameterName !== undefined];
    if (keys.filter(Boolean).length > 1) d.error('only one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName may be set', 'consistentHash');
    if (ch.httpCookie) {
      if (!ch.httpCookie.name) d.error('name required for HttpCookie', 'consistentHash', 'httpCookie', 'name');
      // A zero TTL asks for a session cookie, so 0s is meaningful here.
      checkDuration(ch.httpCookie.ttl, d, ['consistentHash', 'httpCookie', 'ttl'], { allowZero: true, msPrecision: true });
    }
    if (ch.ringHash && ch.maglev) d.error('only one of ringHash or maglev may be set', 'consistentHash');
    if (ch.minimumRingSize !== undefined && (ch.ringHash || ch.maglev)) {
      d.error('only one of MinimumRingSize or Maglev/Ringhash can be specified', 'consistentHash', 'minimumRingSize');
    }
    if (ch.minimumRingSize !== undefined) d.warning('consistentHash.minimumRingSize is deprecated, use ringHash.minimumRingSize', 'consistentHash', 'minimumRingSize');
    if (ch.maglev?.tableSize !== undefined) {
      const size = Number(ch.maglev.tableSize);
      if (!isPrime(size)) d.error('tableSize must be a prime number for maglev', 'consistentHash', 'maglev', 'tableSize');
    }
  }
  validateLocality(lb.localityLbSetting, outlier, d.at('localityLbSetting'));
  validateDuration(lb.warmupDurationSecs, d, ['warmupDurationSecs']);
  if (lb.warmup) {
    if (lb.warmupDurationSecs !== undefined) d.error('only one of warmup or warmupDurationSecs may be set', 'warmup');
    validateDuration(lb.warmup.duration, d, ['warmup', 'duration']);
    const mp = lb.warmup.minimumPercent;
    if (mp !== undefined && (mp < 0 || mp > 100)) d.error('warmup minimumPercent must be in range [0, 100]', 'warmup', 'minimumPercent');
    const ag = lb.warmup.aggression;
    if (ag !== undefined && ag < 1) d.error('warmup aggression must be at least 1.0', 'warmup', 'aggression');
  }
}

function validateLocalities(list: Array<[string, (string | number)[]]>, d: Diagnostics): void {
  const seen: string[] = [];
  for (const [loc, path] of list) {
    const stars = loc.split('*').length - 1;
    if (stars > 1 || (stars === 1 && !loc.endsWith('*'))) {
      d.error(`locality ${loc} wildcard '*' number can not exceed 1 and must be in the end`, ...path);
      continue;
    }
    const prefix = loc.endsWith('*') ? loc.slice(0, -1) : loc;
    if (seen.some((s) => s === loc || (s.endsWith('*') && loc.startsWith(s.slice(0, -1))) || (loc.endsWith('*') && s.startsWith(prefix)))) {
      d.error(`locality ${loc} overlap with previous specified ones`, ...path);
    }
    seen.push(loc);
  }
}

function validateLocality(lb: LocalityLoadBalancerSetting | undefined, outlier: OutlierDetection | undefined, d: Diagnostics): void {
  if (!lb) return;
  const distribute = lb.distribute ?? [];
  const failover = lb.failover ?? [];
  const priority = lb.failoverPriority ?? [];
  if (distribute.length > 0 && failover.length > 0) d.error("can not simultaneously specify 'distribute' and 'failover'");
  if (failover.length > 0) {
    priority.forEach((label, i) => {
      if (TOPOLOGY_LABELS.has(label)) d.error(`can not simultaneously set 'failover' and topology label '${label}' in 'failover_priority'`, 'failoverPriority', i);
    });
  }
  // Failover moves traffic only when endpoints are ejected as unhealthy.
  if ((failover.length > 0 || priority.length > 0) && !outlier && lb.enabled !== false) {
    d.warning('outlier detection policy must be provided for failover');
  }
  distribute.forEach((dist, i) => {
    let total = 0;
    const dests: Array<[string, (string | number)[]]> = [];
    for (const [loc, w] of Object.entries(dist.to ?? {})) {
      dests.push([loc, ['distribute', i, 'to', loc]]);
      if (w <= 0 || w > 100) d.error('locality weight must be in range [1, 100]', 'distribute', i, 'to', loc);
      total += w;
    }
    if (total !== 100) d.error(`total locality weight ${total} != 100`, 'distribute', i, 'to');
    validateLocalities(dests, d);
  });
  validateLocalities(distribute.map((x, i) => [x.from ?? '', ['distribute', i, 'from']]), d);
  failover.forEach((f, i) => {
    const from = f.from ?? '';
    const to = f.to ?? '';
    if (from === to) d.error('locality lb failover settings must specify different regions', 'failover', i);
    if (from.includes('/') || to.includes('/')) d.error('locality lb failover only specify region', 'failover', i);
    if (from.includes('*') || to.includes('*')) d.error("locality lb failover region should not contain '*' wildcard", 'failover', i);
  });
}

function validateTunnel(t: TunnelSettings | undefined, d: Diagnostics): void {
  if (!t) return;
  if (t.protocol !== undefined && t.protocol !== '' && t.protocol !== 'CONNECT' && t.protocol !== 'POST') {
    d.error('tunnel protocol must be "CONNECT" or "POST"', 'protocol');
  }
  const fe = fqdnError(t.targetHost);
  if (fe && !isIPAddress(t.targetHost)) d.error(`tunnel target host must be valid FQDN or IP address: ${fe}`, 'targetHost');
  const pe = portError(t.targetPort);
  if (pe) d.error(`tunnel target port is invalid: ${pe}`, 'targetPort');
}
