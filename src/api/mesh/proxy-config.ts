// ProxyConfig as MeshConfig.defaultConfig carries it: the proxy's own settings (discovery address,
// drain, ports, metadata, tracing). Fields the control plane does not read are typed loosely.
import type { Diagnostics } from '../diagnostics.js';
import { duration, int32, message, stringMap, uint32, z } from '../schema.js';
import { checkDuration } from '../validation/common.js';
import { hostnameError } from '../validation/names.js';
import { isIPAddress, portError } from '../validation/net.js';

const opaque = z.unknown();
const address = message({ address: z.string().optional() });

export const tracingConfigSchema = message({
  zipkin: address.optional(),
  datadog: address.optional(),
  lightstep: opaque.optional(),
  stackdriver: opaque.optional(),
  openCensusAgent: opaque.optional(),
  customTags: z.record(z.string(), opaque).optional(),
  maxPathTagLength: uint32.optional(),
  sampling: z.number().optional(),
  tlsSettings: opaque.optional(),
  enableIstioTags: z.boolean().optional(),
});

export const proxyConfigSchema = message({
  configPath: z.string().optional(),
  binaryPath: z.string().optional(),
  serviceCluster: z.string().optional(),
  tracingServiceName: z.enum(['APP_LABEL_AND_NAMESPACE', 'CANONICAL_NAME_ONLY', 'CANONICAL_NAME_AND_NAMESPACE']).optional(),
  drainDuration: duration.optional(),
  parentShutdownDuration: duration.optional(),
  terminationDrainDuration: duration.optional(),
  discoveryAddress: z.string().optional(),
  discoveryRefreshDelay: duration.optional(),
  zipkinAddress: z.string().optional(),
  statsdUdpAddress: z.string().optional(),
  envoyMetricsServiceAddress: z.string().optional(),
  proxyAdminPort: int32.optional(),
  availabilityZone: z.string().optional(),
  controlPlaneAuthPolicy: z.enum(['NONE', 'MUTUAL_TLS', 'INHERIT']).optional(),
  customConfigFile: z.string().optional(),
  statNameLength: int32.optional(),
  concurrency: int32.nullable().optional(),
  proxyBootstrapTemplatePath: z.string().optional(),
  interceptionMode: z.enum(['REDIRECT', 'TPROXY', 'NONE']).optional(),
  tracing: tracingConfigSchema.optional(),
  sds: opaque.optional(),
  envoyAccessLogService: opaque.optional(),
  envoyMetricsService: opaque.optional(),
  proxyMetadata: stringMap.optional(),
  runtimeValues: stringMap.optional(),
  statusPort: int32.optional(),
  extraStatTags: z.array(z.string()).optional(),
  gatewayTopology: opaque.optional(),
  meshId: z.string().optional(),
  readinessProbe: opaque.optional(),
  proxyStatsMatcher: opaque.optional(),
  holdApplicationUntilProxyStarts: z.boolean().nullable().optional(),
  caCertificatesPem: z.array(z.string()).optional(),
  image: opaque.optional(),
  privateKeyProvider: opaque.optional(),
  proxyHeaders: opaque.optional(),
  fileFlushInterval: duration.optional(),
  fileFlushMinSizeKb: uint32.optional(),
});
export type ProxyConfig = z.infer<typeof proxyConfigSchema>;

/** Reason `addr` is not `host:port` with a DNS name or IP host and a valid port. */
export function proxyAddressError(addr: string): string | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(addr);
  if (!m) return `unable to split "${addr}" into host and port`;
  const host = m[1] ?? m[2];
  const port = Number(m[3]);
  const pe = portError(port);
  if (pe) return pe;
  if (!isIPAddress(host)) {
    const he = hostnameError(host, false);
    if (he) return he;
  }
  return undefined;
}

export function validateProxyConfig(pc: ProxyConfig, d: Diagnostics): void {
  if (pc.configPath === '') d.error('config path must be set', 'configPath');
  if (pc.binaryPath === '') d.error('binary path must be set', 'binaryPath');
  checkDuration(pc.drainDuration, d, ['drainDuration']);
  checkDuration(pc.terminationDrainDuration, d, ['terminationDrainDuration'], { allowZero: true });
  checkDuration(pc.parentShutdownDuration, d, ['parentShutdownDuration']);
  checkDuration(pc.fileFlushInterval, d, ['fileFlushInterval']);
  if (pc.discoveryAddress !== undefined) {
    const e = proxyAddressError(pc.discoveryAddress);
    if (e) d.error(`invalid discovery address: ${e}`, 'discoveryAddress');
  }
  for (const f of ['proxyAdminPort', 'statusPort'] as const) {
    const p = pc[f];
    if (p !== undefined) {
      const e = portError(p);
      if (e) d.error(e, f);
    }
  }
  if (pc.concurrency !== undefined && pc.concurrency !== null && pc.concurrency < 0) {
    d.error('concurrency must be greater than or equal to 0', 'concurrency');
  }
  if (pc.statNameLength !== undefined && pc.statNameLength < 0) d.error('statNameLength must be non-negative', 'statNameLength');
  for (const t of ['zipkin', 'datadog'] as const) {
    const a = pc.tracing?.[t]?.address;
    if (a) {
      const e = proxyAddressError(a.replace('$(HOST_IP)', '127.0.0.1'));
      if (e) d.error(`invalid ${t} address: ${e}`, 'tracing', t, 'address');
    }
  }
  const s = pc.tracing?.sampling;
  if (s !== undefined && (s < 0 || s > 100)) d.error('sampling must be in range [0.0, 100.0]', 'tracing', 'sampling');
}
