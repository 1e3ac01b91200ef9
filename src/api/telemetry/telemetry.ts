// Telemetry: per-workload, per-namespace or mesh-wide tracing, metrics and access-logging
// settings that select and tune the MeshConfig extension providers.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { duration, message, z } from '../schema.js';
import { checkDuration } from '../validation/common.js';
import { checkPolicyTarget, policyTargetReference, workloadSelector } from '../validation/policy-target.js';
import { checkCelExpression } from './cel.js';

export const TELEMETRY_GROUP = 'telemetry.istio.io';
export const TELEMETRY_VERSIONS = ['v1', 'v1alpha1'] as const;

export const WORKLOAD_MODES = ['CLIENT_AND_SERVER', 'CLIENT', 'SERVER'] as const;
export const METRICS = [
  'ALL_METRICS', 'REQUEST_COUNT', 'REQUEST_DURATION', 'REQUEST_SIZE', 'RESPONSE_SIZE', 'TCP_OPENED_CONNECTIONS',
  'TCP_CLOSED_CONNECTIONS', 'TCP_SENT_BYTES', 'TCP_RECEIVED_BYTES', 'GRPC_REQUEST_MESSAGES', 'GRPC_RESPONSE_MESSAGES',
] as const;

export const providerRef = message({ name: z.string() });
const providers = z.array(providerRef).optional();
const modeMatch = message({ mode: z.enum(WORKLOAD_MODES).optional() });

export const customTagSchema = message({
  literal: message({ value: z.string().optional() }).optional(),
  environment: message({ name: z.string().optional(), defaultValue: z.string().optional() }).optional(),
  header: message({ name: z.string().optional(), defaultValue: z.string().optional() }).optional(),
  formatter: message({ value: z.string().optional() }).optional(),
});
export type CustomTag = z.infer<typeof customTagSchema>;

export const tracingSchema = message({
  match: modeMatch.optional(),
  providers,
  randomSamplingPercentage: z.number().optional(),
  disableSpanReporting: z.boolean().optional(),
  customTags: z.record(z.string(), customTagSchema).optional(),
  useRequestIdForTraceSampling: z.boolean().optional(),
});
export type Tracing = z.infer<typeof tracingSchema>;

export const tagOverrideSchema = message({
  operation: z.enum(['UPSERT', 'REMOVE']).optional(),
  value: z.string().optional(),
});

export const metricsOverridesSchema = message({
  match: message({
    metric: z.enum(METRICS).optional(),
    customMetric: z.string().optional(),
    mode: z.enum(WORKLOAD_MODES).optional(),
  }).optional(),
  disabled: z.boolean().optional(),
  tagOverrides: z.record(z.string(), tagOverrideSchema).optional(),
});

export const metricsSchema = message({
  providers,
  overrides: z.array(metricsOverridesSchema).optional(),
  reportingInterval: duration.optional(),
});
export type Metrics = z.infer<typeof metricsSchema>;

export const accessLoggingSchema = message({
  match: modeMatch.optional(),
  providers,
  disabled: z.boolean().optional(),
  filter: message({ expression: z.string().optional() }).optional(),
});
export type AccessLogging = z.infer<typeof accessLoggingSchema>;

export const telemetrySpec = message({
  selector: workloadSelector.optional(),
  targetRef: policyTargetReference.optional(),
  targetRefs: z.array(policyTargetReference).optional(),
  tracing: z.array(tracingSchema).optional(),
  metrics: z.array(metricsSchema).optional(),
  accessLogging: z.array(accessLoggingSchema).optional(),
});
export type TelemetrySpec = z.infer<typeof telemetrySpec>;

function checkProviders(list: readonly { name: string }[] | undefined, d: Diagnostics): void {
  list?.forEach((p, i) => {
    if (p.name === '') d.error('providers.name may not be empty', 'providers', i, 'name');
  });
}

function validateTracing(t: Tracing, d: Diagnostics): void {
  checkProviders(t.providers, d);
  if ((t.providers?.length ?? 0) > 1) d.warning('multiple providers is not currently supported', 'providers');
  const pct = t.randomSamplingPercentage;
  if (pct !== undefined && (pct < 0 || pct > 100)) {
    d.error('randomSamplingPercentage must be in range [0.0, 100.0]', 'randomSamplingPercentage');
  }
  for (const [name, tag] of Object.entries(t.customTags ?? {})) {
    const td = d.at('customTags', name);
    if (name === '') td.error('tag name may not be empty');
    const kinds = (['literal', 'environment', 'header', 'formatter'] as const).filter((k) => tag[k] !== undefined);
    if (kinds.length !== 1) td.error('exactly one of literal, environment, header or formatter must be set');
    if (tag.literal && !tag.literal.value) td.error('literal tag value may not be empty', 'literal', 'value');
    if (tag.header && !tag.header.name) td.error('header tag name may not be empty', 'header', 'name');
    if (tag.environment && !tag.environment.name) td.error('environment tag name may not be empty', 'environment', 'name');
    if (tag.formatter && !tag.formatter.value) td.error('formatter tag value may not be empty', 'formatter', 'value');
  }
}

function validateMetrics(m: Metrics, d: Diagnostics): void {
  checkProviders(m.providers, d);
  m.overrides?.forEach((o, i) => {
    const od = d.at('overrides', i);
    for (const [tag, to] of Object.entries(o.tagOverrides ?? {})) {
      if (tag === '') od.warning('tagOverrides.name may not be empty', 'tagOverrides', tag);
      const op = to.operation ?? 'UPSERT';
      if (op === 'UPSERT' && !to.value) od.error('tagOverrides.value must be set when operation is UPSERT', 'tagOverrides', tag, 'value');
      if (op === 'REMOVE' && to.value) od.error('tagOverrides.value may only be set when operation is UPSERT', 'tagOverrides', tag, 'value');
    }
    const match = o.match;
    if (match?.metric !== undefined && match.customMetric !== undefined) {
      od.error('only one of metric or customMetric may be set', 'match');
    } else if (match?.customMetric === '') {
      od.error('customMetric may not be empty', 'match', 'customMetric');
    }
  });
  checkDuration(m.reportingInterval, d, ['reportingInterval']);
}

export function validateTelemetry(spec: TelemetrySpec, d: Diagnostics): void {
  checkPolicyTarget(spec, d);
  if ((spec.tracing?.length ?? 0) > 1) d.warning('multiple tracing is not currently supported', 'tracing');
  spec.tracing?.forEach((t, i) => validateTracing(t, d.at('tracing', i)));
  spec.metrics?.forEach((m, i) => validateMetrics(m, d.at('metrics', i)));
  spec.accessLogging?.forEach((l, i) => {
    const ld = d.at('accessLogging', i);
    checkProviders(l.providers, ld);
    if (l.filter?.expression !== undefined) checkCelExpression(l.filter.expression, ld, ['filter', 'expression']);
  });
}

export const telemetryKind = defineKind({
  group: TELEMETRY_GROUP,
  kind: 'Telemetry',
  plural: 'telemetries',
  versions: TELEMETRY_VERSIONS,
  body: 'spec',
  schema: telemetrySpec,
  validate: (spec, d) => validateTelemetry(spec, d),
});
