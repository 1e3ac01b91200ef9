// TrafficPolicy's structural schema: load balancing, connection pools, outlier detection, TLS,
// per-port overrides, tunneling and PROXY protocol (DestinationRule and its subsets).
import { boolValue, duration, int32, message, uint32, uint64, z } from '../schema.js';
import { portSelector } from './destination.js';
import { clientTlsSettings } from './tls-settings.js';

export const consistentHashLb = message({
  httpHeaderName: z.string().optional(),
  httpCookie: message({
    name: z.string().optional(),
    path: z.string().optional(),
    ttl: duration.optional(),
    attributes: z.array(message({ name: z.string(), value: z.string().optional() })).optional(),
  }).optional(),
  useSourceIp: z.boolean().optional(),
  httpQueryParameterName: z.string().optional(),
  ringHash: message({ minimumRingSize: uint64.optional() }).optional(),
  maglev: message({ tableSize: uint64.optional() }).optional(),
  minimumRingSize: uint64.optional(),
});
export type ConsistentHashLB = z.infer<typeof consistentHashLb>;

export const localityLbSetting = message({
  distribute: z.array(message({ from: z.string().optional(), to: z.record(z.string(), uint32).optional() })).optional(),
  failover: z.array(message({ from: z.string().optional(), to: z.string().optional() })).optional(),
  failoverPriority: z.array(z.string()).optional(),
  enabled: boolValue.optional(),
});
export type LocalityLoadBalancerSetting = z.infer<typeof localityLbSetting>;

export const loadBalancerSettings = message({
  simple: z.enum(['UNSPECIFIED', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST', 'LEAST_CONN']).optional(),
  consistentHash: consistentHashLb.optional(),
  localityLbSetting: localityLbSetting.optional(),
  warmupDurationSecs: duration.optional(),
  warmup: message({ duration: duration.optional(), minimumPercent: z.number().optional(), aggression: z.number().optional() }).optional(),
});
export type LoadBalancerSettings = z.infer<typeof loadBalancerSettings>;

export const connectionPoolSettings = message({
  tcp: message({
    maxConnections: int32.optional(),
    connectTimeout: duration.optional(),
    tcpKeepalive: message({ probes: uint32.optional(), time: duration.optional(), interval: duration.optional() }).optional(),
    maxConnectionDuration: duration.optional(),
    idleTimeout: duration.optional(),
  }).optional(),
  http: message({
    http1MaxPendingRequests: int32.optional(),
    http2MaxRequests: int32.optional(),
    maxRequestsPerConnection: int32.optional(),
    maxRetries: int32.optional(),
    idleTimeout: duration.optional(),
    h2UpgradePolicy: z.enum(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']).optional(),
    useClientProtocol: z.boolean().optional(),
    maxConcurrentStreams: int32.optional(),
  }).optional(),
});
export type ConnectionPoolSettings = z.infer<typeof connectionPoolSettings>;

export const outlierDetection = message({
  splitExternalLocalOriginErrors: z.boolean().optional(),
  consecutiveLocalOriginFailures: uint32.optional(),
  consecutiveGatewayErrors: uint32.optional(),
  consecutive5xxErrors: uint32.optional(),
  interval: duration.optional(),
  baseEjectionTime: duration.optional(),
  maxEjectionPercent: int32.optional(),
  minHealthPercent: int32.optional(),
  consecutiveErrors: int32.optional(),
});
export type OutlierDetection = z.infer<typeof outlierDetection>;

export const tunnelSettings = message({
  protocol: z.string().optional(),
  targetHost: z.string(),
  targetPort: uint32,
});
export type TunnelSettings = z.infer<typeof tunnelSettings>;

export const proxyProtocol = message({ version: z.enum(['V1', 'V2']).optional() });

export const portTrafficPolicy = message({
  port: portSelector.optional(),
  loadBalancer: loadBalancerSettings.optional(),
  connectionPool: connectionPoolSettings.optional(),
  outlierDetection: outlierDetection.optional(),
  tls: clientTlsSettings.optional(),
});
export type PortTrafficPolicy = z.infer<typeof portTrafficPolicy>;

export const trafficPolicy = message({
  loadBalancer: loadBalancerSettings.optional(),
  connectionPool: connectionPoolSettings.optional(),
  outlierDetection: outlierDetection.optional(),
  tls: clientTlsSettings.optional(),
  portLevelSettings: z.array(portTrafficPolicy).optional(),
  tunnel: tunnelSettings.optional(),
  proxyProtocol: proxyProtocol.optional(),
});
export type TrafficPolicy = z.infer<typeof trafficPolicy>;
