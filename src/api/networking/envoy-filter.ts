// EnvoyFilter (v1alpha3 only): patches applied to the generated Envoy configuration. The patch
// value is free-form; the enums, match classes and required fields are checked.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { anyJson, int32, message, uint32, z } from '../schema.js';
import { checkRegex } from '../validation/common.js';
import { checkTargetRef, policyTargetReference } from '../validation/policy-target.js';
import { checkNetworkingSelector, networkingWorkloadSelector } from './selectors.js';
import { NETWORKING_GROUP } from './versions.js';

const APPLY_TO = [
  'INVALID', 'LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER', 'ROUTE_CONFIGURATION', 'VIRTUAL_HOST',
  'HTTP_ROUTE', 'CLUSTER', 'EXTENSION_CONFIG', 'BOOTSTRAP', 'LISTENER_FILTER',
] as const;
const OPERATIONS = ['INVALID', 'MERGE', 'ADD', 'REMOVE', 'INSERT_BEFORE', 'INSERT_AFTER', 'INSERT_FIRST', 'REPLACE'] as const;

const subFilterMatch = message({ name: z.string().optional() });
const filterMatch = message({ name: z.string().optional(), subFilter: subFilterMatch.optional() });
const filterChainMatch = message({
  name: z.string().optional(),
  sni: z.string().optional(),
  transportProtocol: z.string().optional(),
  applicationProtocols: z.string().optional(),
  filter: filterMatch.optional(),
  destinationPort: uint32.optional(),
});
const listenerMatch = message({
  portNumber: uint32.optional(),
  portName: z.string().optional(),
  filterChain: filterChainMatch.optional(),
  listenerFilter: z.string().optional(),
  name: z.string().optional(),
});
const routeConfigurationMatch = message({
  portNumber: uint32.optional(),
  portName: z.string().optional(),
  gateway: z.string().optional(),
  vhost: message({
    name: z.string().optional(),
    domainName: z.string().optional(),
    route: message({ name: z.string().optional(), action: z.enum(['ANY', 'ROUTE', 'REDIRECT', 'DIRECT_RESPONSE']).optional() }).optional(),
  }).optional(),
  name: z.string().optional(),
});
const clusterMatch = message({
  portNumber: uint32.optional(),
  service: z.string().optional(),
  subset: z.string().optional(),
  name: z.string().optional(),
});

export const envoyConfigObjectMatch = message({
  context: z.enum(['ANY', 'SIDECAR_INBOUND', 'SIDECAR_OUTBOUND', 'GATEWAY']).optional(),
  proxy: message({ proxyVersion: z.string().optional(), metadata: z.record(z.string(), z.string()).optional() }).optional(),
  listener: listenerMatch.optional(),
  routeConfiguration: routeConfigurationMatch.optional(),
  cluster: clusterMatch.optional(),
});

export const envoyConfigObjectPatch = message({
  applyTo: z.enum(APPLY_TO).optional(),
  match: envoyConfigObjectMatch.optional(),
  patch: message({
    operation: z.enum(OPERATIONS).optional(),
    value: anyJson.optional(),
    filterClass: z.enum(['UNSPECIFIED', 'AUTHN', 'AUTHZ', 'STATS']).optional(),
  }).optional(),
});
export type EnvoyConfigObjectPatch = z.infer<typeof envoyConfigObjectPatch>;

export const envoyFilterSpec = message({
  workloadSelector: networkingWorkloadSelector.optional(),
  targetRefs: z.array(policyTargetReference).optional(),
  configPatches: z.array(envoyConfigObjectPatch).optional(),
  priority: int32.optional(),
});
export type EnvoyFilterSpec = z.infer<typeof envoyFilterSpec>;

const HCM = 'envoy.filters.network.http_connection_manager';
/** Names Envoy dropped in favour of the `envoy.filters.*` forms. */
const DEPRECATED_FILTER_NAMES: Record<string, string> = {
  'envoy.http_connection_manager': HCM,
  'envoy.tcp_proxy': 'envoy.filters.network.tcp_proxy',
  'envoy.router': 'envoy.filters.http.router',
  'envoy.cors': 'envoy.filters.http.cors',
  'envoy.fault': 'envoy.filters.http.fault',
  'envoy.lua': 'envoy.filters.http.lua',
  'envoy.ext_authz': 'envoy.filters.http.ext_authz',
  'envoy.filters.http.jwt_authn': 'envoy.filters.http.jwt_authn',
};

const LISTENER_CLASS = new Set(['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER']);
const ROUTE_CLASS = new Set(['ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE']);
/** Operations that need an existing named element to position against or replace. */
const POSITIONAL_TARGETS: Record<string, Set<string>> = {
  REPLACE: new Set(['HTTP_FILTER', 'NETWORK_FILTER', 'LISTENER_FILTER']),
  INSERT_BEFORE: new Set(['HTTP_FILTER', 'NETWORK_FILTER', 'LISTENER_FILTER', 'HTTP_ROUTE', 'FILTER_CHAIN']),
  INSERT_AFTER: new Set(['HTTP_FILTER', 'NETWORK_FILTER', 'LISTENER_FILTER', 'HTTP_ROUTE', 'FILTER_CHAIN']),
  INSERT_FIRST: new Set(['HTTP_FILTER', 'NETWORK_FILTER', 'LISTENER_FILTER', 'HTTP_ROUTE', 'FILTER_CHAIN']),
};

function deprecatedName(name: string | undefined, d: Diagnostics, path: (string | number)[]): void {
  if (!name) return;
  const newer = DEPRECATED_FILTER_NAMES[name];
  if (newer && newer !== name) d.warning(`using deprecated filter name "${name}"; use "${newer}" instead`, ...path);
}

function validatePatch(cp: EnvoyConfigObjectPatch, d: Diagnostics): void {
  const applyTo = cp.applyTo ?? 'INVALID';
  if (applyTo === 'INVALID') return d.error('Envoy filter: missing applyTo', 'applyTo');
  if (!cp.patch) return d.error('Envoy filter: missing patch', 'patch');
  const op = cp.patch.operation ?? 'INVALID';
  if (op === 'INVALID') return d.error('Envoy filter: missing patch operation', 'patch', 'operation');
  if (op !== 'REMOVE' && cp.patch.value === undefined) return d.error('Envoy filter: missing patch value for non-remove operation', 'patch', 'value');
  if (cp.patch.value !== undefined && (cp.patch.value === null || typeof cp.patch.value !== 'object' || Array.isArray(cp.patch.value))) {
    d.error('Envoy filter: patch value must be an object', 'patch', 'value');
  }
  const m = cp.match;
  if (m?.proxy?.proxyVersion) checkRegex(m.proxy.proxyVersion, d, ['match', 'proxy', 'proxyVersion']);
  const classes = [m?.listener, m?.routeConfiguration, m?.cluster].filter((x) => x !== undefined).length;
  if (classes > 1) d.error('Envoy filter: only one of listener, routeConfiguration or cluster may be matched', 'match');
  if (m && classes > 0) {
    if (LISTENER_CLASS.has(applyTo)) {
      if (!m.listener) return d.error('Envoy filter: applyTo for listener class objects cannot have non listener match', 'match');
      const filter = m.listener.filterChain?.filter;
      if (filter) {
        const fp = ['match', 'listener', 'filterChain', 'filter'];
        if (applyTo === 'LISTENER' || applyTo === 'FILTER_CHAIN') d.warning(`Envoy filter: filter match has no effect when used with ${applyTo}`, ...fp);
        if (!filter.name) return d.error('Envoy filter: filter match has no name to match on', ...fp, 'name');
        if (filter.subFilter) {
          if (applyTo !== 'HTTP_FILTER') return d.error('Envoy filter: subfilter match can be used with applyTo HTTP_FILTER only', ...fp, 'subFilter');
          if (filter.name !== HCM && filter.name !== 'envoy.http_connection_manager') {
            return d.error(`Envoy filter: subfilter match requires filter match with ${HCM}`, ...fp, 'name');
          }
          if (!filter.subFilter.name) return d.error('Envoy filter: subfilter match has no name to match on', ...fp, 'subFilter', 'name');
        }
        deprecatedName(filter.name, d, [...fp, 'name']);
        deprecatedName(filter.subFilter?.name, d, [...fp, 'subFilter', 'name']);
      }
    } else if (ROUTE_CLASS.has(applyTo)) {
      if (!m.routeConfiguration) d.error('Envoy filter: applyTo for http route class objects cannot have non route configuration match', 'match');
    } else if (applyTo === 'CLUSTER') {
      if (!m.cluster) d.error('Envoy filter: applyTo for cluster class objects cannot have non cluster match', 'match');
    }
  }
  const allowed = POSITIONAL_TARGETS[op];
  if (allowed && !allowed.has(applyTo)) d.warning(`Envoy filter: ${op} has no effect when applyTo is ${applyTo}`, 'patch', 'operation');
}

export function validateEnvoyFilter(ef: EnvoyFilterSpec, d: Diagnostics): void {
  d.warning('EnvoyFilter exposes internal implementation details that may change at any time. Prefer other APIs if possible, and exercise extreme caution, especially around upgrades.');
  if (ef.workloadSelector && (ef.targetRefs?.length ?? 0) > 0) d.error('only one of targetRefs or workloadSelector can be set', 'targetRefs');
  if (checkNetworkingSelector(ef.workloadSelector, d, ['workloadSelector'])) {
    d.warning('Envoy filter: workload selector specified without labels, will be applied to all services in namespace', 'workloadSelector');
  }
  ef.targetRefs?.forEach((r, i) => checkTargetRef(r, d, ['targetRefs', i]));
  ef.configPatches?.forEach((cp, i) => validatePatch(cp, d.at('configPatches', i)));
}

export const envoyFilterKind = defineKind({
  group: NETWORKING_GROUP,
  kind: 'EnvoyFilter',
  plural: 'envoyfilters',
  versions: ['v1alpha3'],
  body: 'spec',
  schema: envoyFilterSpec,
  validate: (spec, d) => validateEnvoyFilter(spec, d),
});
