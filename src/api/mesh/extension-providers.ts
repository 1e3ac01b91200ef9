// MeshConfig.extensionProviders: named external services (ext_authz, tracers, metrics, access-log
// sinks) that AuthorizationPolicy CUSTOM and Telemetry refer to by name.
import type { Diagnostics } from '../diagnostics.js';
import { duration, message, stringMap, uint32, z } from '../schema.js';
import { checkDuration } from '../validation/common.js';
import { portError } from '../validation/net.js';

const opaque = z.unknown();
const headerList = z.array(z.string()).optional();
const bodyInCheck = message({
  maxRequestBytes: uint32.optional(),
  allowPartialMessage: z.boolean().optional(),
  packAsBytes: z.boolean().optional(),
}).optional();
const logFormat = message({ text: z.string().optional(), labels: opaque.optional() }).optional();
const service = { service: z.string().optional(), port: uint32.optional() };

export const extAuthzHttpSchema = message({
  ...service,
  timeout: duration.optional(),
  pathPrefix: z.string().optional(),
  failOpen: z.boolean().optional(),
  clearRouteCache: z.boolean().optional(),
  statusOnError: z.string().optional(),
  includeHeadersInCheck: headerList,
  includeRequestHeadersInCheck: headerList,
  includeAdditionalHeadersInCheck: stringMap.optional(),
  includeRequestBodyInCheck: bodyInCheck,
  headersToUpstreamOnAllow: headerList,
  headersToDownstreamOnDeny: headerList,
  headersToDownstreamOnAllow: headerList,
});

export const extAuthzGrpcSchema = message({
  ...service,
  timeout: duration.optional(),
  failOpen: z.boolean().optional(),
  clearRouteCache: z.boolean().optional(),
  statusOnError: z.string().optional(),
  includeRequestBodyInCheck: bodyInCheck,
});

export const zipkinSchema = message({
  ...service,
  maxTagLength: uint32.optional(),
  enable64bitTraceId: z.boolean().optional(),
  traceContextOption: z.enum(['USE_B3', 'USE_B3_WITH_W3C_PROPAGATION']).optional(),
  timeout: duration.optional(),
  headers: z.array(opaque).optional(),
});

export const openTelemetrySchema = message({
  ...service,
  maxTagLength: uint32.optional(),
  http: message({ path: z.string().optional(), timeout: duration.optional(), headers: z.array(opaque).optional() }).optional(),
  grpc: message({ timeout: duration.optional(), initialMetadata: z.array(opaque).optional() }).optional(),
  resourceDetectors: opaque.optional(),
  dynatraceSampler: opaque.optional(),
});

export const PROVIDER_KINDS = [
  'envoyExtAuthzHttp', 'envoyExtAuthzGrpc', 'zipkin', 'lightstep', 'datadog', 'stackdriver', 'opencensus', 'skywalking',
  'opentelemetry', 'prometheus', 'envoyFileAccessLog', 'envoyHttpAls', 'envoyTcpAls', 'envoyOtelAls', 'sds',
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const extensionProviderSchema = message({
  name: z.string().optional(),
  envoyExtAuthzHttp: extAuthzHttpSchema.optional(),
  envoyExtAuthzGrpc: extAuthzGrpcSchema.optional(),
  zipkin: zipkinSchema.optional(),
  lightstep: opaque.optional(),
  datadog: message({ ...service, maxTagLength: uint32.optional() }).optional(),
  stackdriver: opaque.optional(),
  opencensus: opaque.optional(),
  skywalking: message({ ...service, accessToken: z.string().optional() }).optional(),
  opentelemetry: openTelemetrySchema.optional(),
  prometheus: message({}).optional(),
  envoyFileAccessLog: message({ path: z.string().optional(), logFormat }).optional(),
  envoyHttpAls: message({
    ...service,
    logName: z.string().optional(),
    filterStateObjectsToLog: headerList,
    additionalRequestHeadersToLog: headerList,
    additionalResponseHeadersToLog: headerList,
    additionalResponseTrailersToLog: headerList,
  }).optional(),
  envoyTcpAls: message({ ...service, logName: z.string().optional(), filterStateObjectsToLog: headerList }).optional(),
  envoyOtelAls: message({ ...service, logName: z.string().optional(), logFormat }).optional(),
  sds: opaque.optional(),
});
export type ExtensionProvider = z.infer<typeof extensionProviderSchema>;

/** The one provider kind an entry configures (undefined when none or several). */
export function providerKind(p: ExtensionProvider): ProviderKind | undefined {
  const set = PROVIDER_KINDS.filter((k) => p[k] !== undefined);
  return set.length === 1 ? set[0] : undefined;
}

/** Providers that call a service need its host and port. */
const NEEDS_SERVICE: readonly ProviderKind[] = [
  'envoyExtAuthzHttp', 'envoyExtAuthzGrpc', 'zipkin', 'datadog', 'skywalking', 'opentelemetry', 'envoyHttpAls', 'envoyTcpAls', 'envoyOtelAls',
];

/**
 * Istio only logs invalid extension providers (they matter once something refers to them), so
 * these findings are warnings. Run on the user's own list, so indices match the document.
 */
export function validateExtensionProviders(list: readonly ExtensionProvider[], d: Diagnostics): void {
  const names = new Set<string>();
  list.forEach((p, i) => {
    const pd = d.at(i);
    if (!p.name) pd.warning('empty extension provider name', 'name');
    else if (names.has(p.name)) pd.warning(`duplicate extension provider name ${p.name}`, 'name');
    if (p.name) names.add(p.name);
    const set = PROVIDER_KINDS.filter((k) => p[k] !== undefined);
    if (set.length !== 1) pd.warning(set.length === 0 ? 'extension provider must set one provider' : `only one provider may be set, found ${set.join(', ')}`);
    for (const k of set) {
      if (!NEEDS_SERVICE.includes(k)) continue;
      const cfg = p[k] as { service?: string; port?: number; timeout?: string };
      if (!cfg.service) pd.warning('service must not be empty', k, 'service');
      if (cfg.port === undefined) pd.warning('port must be set', k, 'port');
      else if (portError(cfg.port)) pd.warning(portError(cfg.port) as string, k, 'port');
      checkDuration(cfg.timeout, pd, [k, 'timeout']);
    }
    const http = p.envoyExtAuthzHttp;
    if (http?.pathPrefix !== undefined && http.pathPrefix !== '' && !http.pathPrefix.startsWith('/')) {
      pd.warning(`pathPrefix must begin with /: ${http.pathPrefix}`, 'envoyExtAuthzHttp', 'pathPrefix');
    }
    const status = p.envoyExtAuthzHttp?.statusOnError ?? p.envoyExtAuthzGrpc?.statusOnError;
    if (status !== undefined && status !== '' && !(/^\d{3}$/.test(status) && Number(status) >= 100 && Number(status) <= 599)) {
      pd.warning(`invalid statusOnError value ${status}`, p.envoyExtAuthzHttp ? 'envoyExtAuthzHttp' : 'envoyExtAuthzGrpc', 'statusOnError');
    }
  });
}
