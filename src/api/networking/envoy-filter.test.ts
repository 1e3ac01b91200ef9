import { runValidationCases } from '../validation-cases.js';

const ef = (spec: string, apiVersion = 'networking.istio.io/v1alpha3') => `
apiVersion: ${apiVersion}
kind: EnvoyFilter
metadata: { name: custom-protocol, namespace: istio-config }
spec:
${spec}`;

const always: [string, string] = ['spec', 'internal implementation details'];

runValidationCases('EnvoyFilter', [
  {
    name: 'documented lua filter inserted before the router',
    yaml: ef(`  workloadSelector: { labels: { app: reviews } }
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: SIDECAR_INBOUND
      listener:
        portNumber: 8080
        filterChain:
          filter:
            name: envoy.filters.network.http_connection_manager
            subFilter: { name: envoy.filters.http.router }
    patch:
      operation: INSERT_BEFORE
      value:
        name: envoy.lua
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
          inlineCode: "function envoy_on_request(handle) end"`),
    warnings: [always],
  },
  {
    name: 'documented cluster merge with proxy version',
    yaml: ef(`  configPatches:
  - applyTo: CLUSTER
    match:
      context: SIDECAR_OUTBOUND
      proxy: { proxyVersion: '^1\\.2.*' }
      cluster: { service: reviews.default.svc.cluster.local, portNumber: 9080 }
    patch:
      operation: MERGE
      value: { connect_timeout: 5s }
  priority: -1`),
    warnings: [always],
  },
  {
    name: 'documented route configuration virtual host add',
    yaml: ef(`  configPatches:
  - applyTo: VIRTUAL_HOST
    match: { context: GATEWAY, routeConfiguration: { portNumber: 443, vhost: { name: "a.com:443", route: { action: ANY } } } }
    patch: { operation: MERGE, value: { request_headers_to_add: [] } }
  - applyTo: NETWORK_FILTER
    match: { listener: { filterChain: { filter: { name: envoy.filters.network.tcp_proxy } } } }
    patch: { operation: REMOVE }`),
    warnings: [always],
  },
  { name: 'not served as v1', yaml: ef('  configPatches: []', 'networking.istio.io/v1'), errors: [['apiVersion', 'served versions: v1alpha3']] },
  { name: 'missing applyTo', yaml: ef('  configPatches:\n  - patch: { operation: MERGE, value: {} }'), errors: [['spec.configPatches[0].applyTo', 'missing applyTo']], warnings: [always] },
  { name: 'unknown applyTo', yaml: ef('  configPatches:\n  - applyTo: ROUTE\n    patch: { operation: MERGE, value: {} }'), errors: [['spec.configPatches[0].applyTo', 'Unsupported value']], warnings: [['spec', 'EnvoyFilter exposes internal implementation details']] },
  { name: 'missing patch', yaml: ef('  configPatches:\n  - applyTo: CLUSTER'), errors: [['spec.configPatches[0].patch', 'missing patch']], warnings: [always] },
  { name: 'missing operation', yaml: ef('  configPatches:\n  - applyTo: CLUSTER\n    patch: { value: {} }'), errors: [['spec.configPatches[0].patch.operation', 'missing patch operation']], warnings: [always] },
  { name: 'unknown operation', yaml: ef('  configPatches:\n  - applyTo: CLUSTER\n    patch: { operation: UPSERT, value: {} }'), errors: [['spec.configPatches[0].patch.operation', 'Unsupported value']], warnings: [['spec', 'EnvoyFilter exposes internal implementation details']] },
  { name: 'non-remove without value', yaml: ef('  configPatches:\n  - applyTo: CLUSTER\n    patch: { operation: ADD }'), errors: [['spec.configPatches[0].patch.value', 'missing patch value']], warnings: [always] },
  { name: 'unknown match context', yaml: ef('  configPatches:\n  - applyTo: CLUSTER\n    match: { context: SIDECAR }\n    patch: { operation: REMOVE }'), errors: [['spec.configPatches[0].match.context', 'Unsupported value']], warnings: [['spec', 'EnvoyFilter exposes internal implementation details']] },
  { name: 'listener class with cluster match', yaml: ef('  configPatches:\n  - applyTo: HTTP_FILTER\n    match: { cluster: { service: a } }\n    patch: { operation: REMOVE }'), errors: [['spec.configPatches[0].match', 'non listener match']], warnings: [always] },
  { name: 'route class with listener match', yaml: ef('  configPatches:\n  - applyTo: HTTP_ROUTE\n    match: { listener: { portNumber: 80 } }\n    patch: { operation: MERGE, value: {} }'), errors: [['spec.configPatches[0].match', 'non route configuration match']], warnings: [always] },
  { name: 'cluster class with route match', yaml: ef('  configPatches:\n  - applyTo: CLUSTER\n    match: { routeConfiguration: { portNumber: 80 } }\n    patch: { operation: MERGE, value: {} }'), errors: [['spec.configPatches[0].match', 'non cluster match']], warnings: [always] },
  { name: 'subfilter match on a network filter patch', yaml: ef('  configPatches:\n  - applyTo: NETWORK_FILTER\n    match: { listener: { filterChain: { filter: { name: envoy.filters.network.http_connection_manager, subFilter: { name: x } } } } }\n    patch: { operation: REMOVE }'), errors: [['spec.configPatches[0].match.listener.filterChain.filter.subFilter', 'HTTP_FILTER only']], warnings: [always] },
  { name: 'subfilter match outside the HTTP connection manager', yaml: ef('  configPatches:\n  - applyTo: HTTP_FILTER\n    match: { listener: { filterChain: { filter: { name: envoy.filters.network.tcp_proxy, subFilter: { name: x } } } } }\n    patch: { operation: REMOVE }'), errors: [['spec.configPatches[0].match.listener.filterChain.filter.name', 'requires filter match']], warnings: [always] },
  { name: 'filter match without a name', yaml: ef('  configPatches:\n  - applyTo: NETWORK_FILTER\n    match: { listener: { filterChain: { filter: {} } } }\n    patch: { operation: REMOVE }'), errors: [['spec.configPatches[0].match.listener.filterChain.filter.name', 'no name']], warnings: [always] },
  { name: 'invalid proxyVersion regex', yaml: ef('  configPatches:\n  - applyTo: CLUSTER\n    match: { proxy: { proxyVersion: "(1.2" } }\n    patch: { operation: REMOVE }'), errors: [['spec.configPatches[0].match.proxy.proxyVersion', 'not a valid regex']], warnings: [always] },
  { name: 'deprecated filter name warns', yaml: ef('  configPatches:\n  - applyTo: HTTP_FILTER\n    match: { listener: { filterChain: { filter: { name: envoy.http_connection_manager, subFilter: { name: envoy.router } } } } }\n    patch: { operation: INSERT_BEFORE, value: { name: x } }'), warnings: [always, ['spec.configPatches[0].match.listener.filterChain.filter.name', 'deprecated filter name'], ['spec.configPatches[0].match.listener.filterChain.filter.subFilter.name', 'deprecated filter name']] },
  { name: 'replace on a cluster has no effect', yaml: ef('  configPatches:\n  - applyTo: CLUSTER\n    patch: { operation: REPLACE, value: {} }'), warnings: [always, ['spec.configPatches[0].patch.operation', 'has no effect']] },
  { name: 'workload selector without labels warns', yaml: ef('  workloadSelector: {}\n  configPatches: []'), warnings: [always, ['spec.workloadSelector', 'all services in namespace']] },
  { name: 'workloadSelector and targetRefs together', yaml: ef('  workloadSelector: { labels: { app: a } }\n  targetRefs: [{ kind: Gateway, group: gateway.networking.k8s.io, name: gw }]'), errors: [['spec.targetRefs', 'only one of targetRefs or workloadSelector']], warnings: [always] },
  { name: 'patch value must be an object', yaml: ef('  configPatches:\n  - applyTo: CLUSTER\n    patch: { operation: MERGE, value: [1] }'), errors: [['spec.configPatches[0].patch.value', 'must be an object']], warnings: [always] },
]);
