// MeshConfig: the mesh-wide settings of Istio 1.30 (from --meshConfig or the `istio` ConfigMap's
// `mesh` key). Structural schema (unknown fields are errors) and Istio's semantic checks.
import type { Diagnostics } from '../diagnostics.js';
import { duration, int32, message, stringMap, uint32, z } from '../schema.js';
import { checkDuration, checkExportTo } from '../validation/common.js';
import { dns1123LabelError, hostnameError } from '../validation/names.js';
import { parseDuration } from '../../shared/index.js';
import { portError } from '../validation/net.js';
import { extensionProviderSchema } from './extension-providers.js';
import { proxyConfigSchema, validateProxyConfig } from './proxy-config.js';

const opaque = z.unknown();
const names = z.array(z.string()).optional();

const labelSelector = message({
  matchLabels: stringMap.optional(),
  matchExpressions: z.array(message({
    key: z.string(),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
    values: names,
  })).optional(),
});

export const tlsConfigSchema = message({
  minProtocolVersion: z.enum(['TLS_AUTO', 'TLSV1_2', 'TLSV1_3']).optional(),
  ecdhCurves: names,
  cipherSuites: names,
});

export const localityLbSettingSchema = message({
  distribute: z.array(message({ from: z.string().optional(), to: z.record(z.string(), uint32).optional() })).optional(),
  failover: z.array(message({ from: z.string().optional(), to: z.string().optional() })).optional(),
  failoverPriority: names,
  enabled: z.boolean().nullable().optional(),
});

export const meshConfigSchema = message({
  proxyListenPort: int32.optional(),
  proxyInboundListenPort: int32.optional(),
  proxyHttpPort: int32.optional(),
  connectTimeout: duration.optional(),
  protocolDetectionTimeout: duration.optional(),
  tcpKeepalive: opaque.optional(),
  ingressClass: z.string().optional(),
  ingressService: z.string().optional(),
  ingressControllerMode: z.enum(['UNSPECIFIED', 'OFF', 'DEFAULT', 'STRICT']).optional(),
  ingressSelector: z.string().optional(),
  enableTracing: z.boolean().optional(),
  accessLogFile: z.string().optional(),
  accessLogFormat: z.string().optional(),
  accessLogEncoding: z.enum(['TEXT', 'JSON']).optional(),
  enableEnvoyAccessLogService: z.boolean().optional(),
  disableEnvoyListenerLog: z.boolean().optional(),
  defaultConfig: proxyConfigSchema.optional(),
  outboundTrafficPolicy: message({ mode: z.enum(['REGISTRY_ONLY', 'ALLOW_ANY']).optional() }).optional(),
  inboundTrafficPolicy: message({ mode: z.enum(['PASSTHROUGH', 'LOCALHOST']).optional() }).optional(),
  configSources: z.array(opaque).optional(),
  enableAutoMtls: z.boolean().nullable().optional(),
  trustDomain: z.string().optional(),
  trustDomainAliases: names,
  caCertificates: z.array(message({
    pem: z.string().optional(),
    spiffeBundleUrl: z.string().optional(),
    certSigners: names,
    trustDomains: names,
  })).optional(),
  defaultServiceExportTo: names,
  defaultVirtualServiceExportTo: names,
  defaultDestinationRuleExportTo: names,
  rootNamespace: z.string().optional(),
  localityLbSetting: localityLbSettingSchema.optional(),
  dnsRefreshRate: duration.optional(),
  h2UpgradePolicy: z.enum(['DO_NOT_UPGRADE', 'UPGRADE']).optional(),
  inboundClusterStatName: z.string().optional(),
  outboundClusterStatName: z.string().optional(),
  certificates: z.array(opaque).optional(),
  serviceSettings: z.array(message({ settings: message({ clusterLocal: z.boolean().optional() }).optional(), hosts: names })).optional(),
  enablePrometheusMerge: z.boolean().nullable().optional(),
  verifyCertificateAtClient: z.boolean().nullable().optional(),
  ca: opaque.optional(),
  extensionProviders: z.array(extensionProviderSchema).optional(),
  defaultProviders: message({ tracing: names, metrics: names, accessLogging: names }).optional(),
  discoverySelectors: z.array(labelSelector).optional(),
  pathNormalization: message({
    normalization: z.enum(['DEFAULT', 'NONE', 'BASE', 'MERGE_SLASHES', 'DECODE_AND_MERGE_SLASHES']).optional(),
  }).optional(),
  defaultHttpRetryPolicy: opaque.optional(),
  meshMTLS: tlsConfigSchema.optional(),
  tlsDefaults: tlsConfigSchema.optional(),
  serviceScopeConfigs: z.array(opaque).optional(),
});
export type MeshConfig = z.infer<typeof meshConfigSchema>;

const ECDH_CURVES = new Set(['P-224', 'P-256', 'P-521', 'P-384', 'X25519', 'X25519MLKEM768']);

/** Reason `domain` is not a trust domain: dot-separated DNS labels, an optional trailing dot. */
export function trustDomainError(domain: string): string | undefined {
  if (domain === '') return 'empty domain name not allowed';
  const parts = domain.split('.');
  for (let i = 0; i < parts.length; i++) {
    if (i === parts.length - 1 && parts[i] === '' && i > 0) return undefined;
    if (dns1123LabelError(parts[i])) return `trust domain name "${domain}" invalid`;
  }
  return undefined;
}

function validateLocalityLb(lb: NonNullable<MeshConfig['localityLbSetting']>, d: Diagnostics): void {
  if ((lb.distribute?.length ?? 0) > 0 && (lb.failover?.length ?? 0) > 0) {
    d.error("can not simultaneously specify 'distribute' and 'failover'");
  }
  lb.distribute?.forEach((rule, i) => {
    let total = 0;
    for (const [loc, w] of Object.entries(rule.to ?? {})) {
      if (w < 1 || w > 100) d.error('locality weight must be in range [1, 100]', 'distribute', i, 'to', loc);
      total += w;
    }
    if (total !== 100) d.error(`total locality weight ${total} != 100`, 'distribute', i, 'to');
  });
  lb.failover?.forEach((f, i) => {
    if (f.from === f.to) d.error('locality lb failover settings must specify different regions', 'failover', i);
    if (f.from?.includes('/') || f.to?.includes('/')) d.error('locality lb failover only specify region', 'failover', i);
  });
}

/** Istio's MeshConfig rules, applied to the merged (defaults + user) config. */
export function validateMeshConfig(mesh: MeshConfig, d: Diagnostics): void {
  for (const f of ['proxyListenPort', 'proxyInboundListenPort', 'proxyHttpPort'] as const) {
    const p = mesh[f];
    if (p !== undefined && !(f === 'proxyHttpPort' && p === 0)) {
      const e = portError(p);
      if (e) d.error(`invalid ${f}: ${e}`, f);
    }
  }
  checkDuration(mesh.connectTimeout, d, ['connectTimeout']);
  if (mesh.protocolDetectionTimeout !== undefined) {
    const ms = parseDuration(mesh.protocolDetectionTimeout);
    if (ms === undefined || ms < 0) d.error(`invalid protocol detection timeout "${mesh.protocolDetectionTimeout}"`, 'protocolDetectionTimeout');
    else if (!Number.isInteger(ms)) d.error('only durations to ms precision are supported', 'protocolDetectionTimeout');
  }
  checkDuration(mesh.dnsRefreshRate, d, ['dnsRefreshRate']);
  if (mesh.defaultConfig) validateProxyConfig(mesh.defaultConfig, d.at('defaultConfig'));
  if (mesh.localityLbSetting) validateLocalityLb(mesh.localityLbSetting, d.at('localityLbSetting'));
  mesh.serviceSettings?.forEach((s, i) => {
    s.hosts?.forEach((h, j) => {
      const e = hostnameError(h);
      if (e) d.error(e, 'serviceSettings', i, 'hosts', j);
    });
  });
  if (mesh.trustDomain !== undefined) {
    const e = trustDomainError(mesh.trustDomain);
    if (e) d.error(e, 'trustDomain');
  }
  mesh.trustDomainAliases?.forEach((t, i) => {
    const e = trustDomainError(t);
    if (e) d.error(e, 'trustDomainAliases', i);
  });
  if (mesh.rootNamespace) {
    const e = dns1123LabelError(mesh.rootNamespace);
    if (e) d.error(`invalid rootNamespace "${mesh.rootNamespace}": ${e}`, 'rootNamespace');
  }
  checkExportTo(mesh.defaultServiceExportTo, d, ['defaultServiceExportTo']);
  checkExportTo(mesh.defaultVirtualServiceExportTo, d, ['defaultVirtualServiceExportTo']);
  checkExportTo(mesh.defaultDestinationRuleExportTo, d, ['defaultDestinationRuleExportTo']);
  const known = new Set((mesh.extensionProviders ?? []).map((p) => p.name));
  for (const f of ['tracing', 'metrics', 'accessLogging'] as const) {
    mesh.defaultProviders?.[f]?.forEach((n, i) => {
      if (!known.has(n)) d.warning(`default provider "${n}" is not defined in extensionProviders`, 'defaultProviders', f, i);
    });
  }
  if (mesh.meshMTLS?.ecdhCurves !== undefined) d.error('mesh TLS does not support ECDH curves configuration', 'meshMTLS', 'ecdhCurves');
  const seen = new Set<string>();
  mesh.tlsDefaults?.ecdhCurves?.forEach((c, i) => {
    if (!ECDH_CURVES.has(c)) d.warning(`detected unrecognized ECDH curve: ${c}`, 'tlsDefaults', 'ecdhCurves', i);
    else if (seen.has(c)) d.warning(`detected duplicate ECDH curve: ${c}`, 'tlsDefaults', 'ecdhCurves', i);
    seen.add(c);
  });
}
