// Simulation of VirtualService HTTP features: each request is walked through the generated
// listener → route config → virtual host → route → cluster (→ CDS → EDS), and the test states
// where it lands and what the matched route does to it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateYaml } from './harness.js';
import type { SimRequest, SimResult } from './simulate.js';

const MESH = `
kind: GoldenCase
proxy:
  id: sidecar~10.1.0.1~productpage-v1.default~default.svc.cluster.local
  metadata: { NAMESPACE: default, LABELS: { app: productpage, version: v1 } }
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec: { clusterIP: 10.0.0.10, selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: default }
spec: { clusterIP: 10.0.0.11, selector: { app: ratings }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: multi, namespace: default }
spec: { clusterIP: 10.0.0.12, ports: [{ name: http, port: 8080 }, { name: http-admin, port: 8081 }] }
---
apiVersion: v1
kind: Pod
metadata: { name: reviews-v1, namespace: default, labels: { app: reviews, version: v1 } }
spec: { containers: [{ name: app }] }
status: { podIP: 10.1.0.5, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: v1
kind: Pod
metadata: { name: reviews-v2, namespace: default, labels: { app: reviews, version: v2 } }
spec: { containers: [{ name: app }] }
status: { podIP: 10.1.0.6, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec:
  host: reviews
  subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews]
  http:
  - name: exact
    match: [{ uri: { exact: /exact } }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - name: regex
    match: [{ uri: { regex: "/re/[0-9]+" } }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - name: nocase
    match: [{ uri: { prefix: /NoCase }, ignoreUriCase: true }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - name: scheme
    match: [{ scheme: { exact: https }, uri: { prefix: /scheme } }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - name: method
    match: [{ method: { exact: DELETE } }]
    route: [{ destination: { host: ratings } }]
  - name: authority
    match: [{ authority: { prefix: reviews.default } }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - name: headers
    match:
    - { name: exact, headers: { end-user: { exact: jason } } }
    - { name: prefix, headers: { x-team: { prefix: blue } } }
    - { name: regex, headers: { x-id: { regex: "[a-f]{4}" } } }
    - { name: present, headers: { x-canary: {} } }
    route: [{ destination: { host: reviews, subset: v2 } }]
  - name: without
    match: [{ uri: { prefix: /without }, withoutHeaders: { x-legacy: { exact: "1" } } }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - name: query
    match:
    - { name: exact, queryParams: { v: { exact: "2" } } }
    - { name: regex, queryParams: { id: { regex: "[0-9]+" } } }
    route: [{ destination: { host: reviews, subset: v2 } }]
  - name: source-labels
    match: [{ uri: { prefix: /from-productpage }, sourceLabels: { app: productpage } }, { uri: { prefix: /from-other }, sourceLabels: { app: other } }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - name: source-namespace
    match: [{ uri: { prefix: /from-default }, sourceNamespace: default }, { uri: { prefix: /from-prod }, sourceNamespace: prod }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - name: gateways
    match: [{ uri: { prefix: /mesh-only }, gateways: [mesh] }, { uri: { prefix: /gw-only }, gateways: [istio-system/ingress] }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - name: other-port
    match: [{ uri: { prefix: /port }, port: 9999 }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - name: redirect
    match: [{ uri: { prefix: /redirect } }]
    redirect: { uri: /moved, authority: new.example.com, derivePort: FROM_REQUEST_PORT, redirectCode: 307 }
  - name: redirect-https
    match: [{ uri: { prefix: /secure } }]
    redirect: { scheme: https, port: 443 }
  - name: direct
    match: [{ uri: { prefix: /direct } }]
    directResponse: { status: 503, body: { string: down } }
  - name: rewrite
    match: [{ uri: { prefix: /old } }]
    rewrite: { uri: /new, authority: reviews-internal }
    route: [{ destination: { host: reviews, subset: v1 } }]
  - name: regex-rewrite
    match: [{ uri: { prefix: /rx } }]
    rewrite: { uriRegexRewrite: { match: "^/rx/(.*)$", rewrite: "/\\\\1" } }
    route: [{ destination: { host: reviews, subset: v1 } }]
  - name: headers-ops
    match: [{ uri: { prefix: /hdr } }]
    headers: { request: { set: { x-route: r } }, response: { remove: [x-internal] } }
    route: [{ destination: { host: reviews, subset: v1 }, headers: { request: { add: { x-dest: d } }, response: { set: { x-dest-resp: "1" } } } }]
  - name: timeout-retries
    match: [{ uri: { prefix: /slow } }]
    timeout: 3s
    retries: { attempts: 4, perTryTimeout: 1s, retryOn: "5xx,429" }
    route: [{ destination: { host: reviews, subset: v1 } }]
  - name: no-retries
    match: [{ uri: { prefix: /once } }]
    retries: { attempts: 0 }
    route: [{ destination: { host: reviews, subset: v1 } }]
  - name: fault-http
    match: [{ uri: { prefix: /fault-http } }]
    fault: { delay: { fixedDelay: 2s, percentage: { value: 10 } }, abort: { httpStatus: 418, percentage: { value: 100 } } }
    route: [{ destination: { host: reviews, subset: v1 } }]
  - name: fault-grpc
    match: [{ uri: { prefix: /fault-grpc } }]
    fault: { abort: { grpcStatus: UNAVAILABLE, percentage: { value: 50 } } }
    route: [{ destination: { host: reviews, subset: v1 } }]
  - name: mirror
    match: [{ uri: { prefix: /mirror } }]
    mirrors: [{ destination: { host: ratings }, percentage: { value: 25.5 } }, { destination: { host: reviews, subset: v2 }, percentage: { value: 10 } }]
    route: [{ destination: { host: reviews, subset: v1 } }]
  - name: mirror-legacy
    match: [{ uri: { prefix: /legacy-mirror } }]
    mirror: { host: ratings }
    route: [{ destination: { host: reviews, subset: v1 } }]
  - name: cors
    match: [{ uri: { prefix: /cors } }]
    corsPolicy: { allowOrigins: [{ exact: "https://a.example.com" }], allowMethods: [GET], maxAge: 1h }
    route: [{ destination: { host: reviews, subset: v1 } }]
  - name: split
    route:
    - { destination: { host: reviews, subset: v1 }, weight: 75 }
    - { destination: { host: reviews, subset: v2 }, weight: 25 }
`;

const { sim, gen } = simulateYaml(MESH);
const at = (path: string, extra: Partial<SimRequest> = {}): SimResult => sim.run({ address: '10.0.0.10', port: 9080, host: 'reviews', path, ...extra });
const V1 = 'outbound|9080|v1|reviews.default.svc.cluster.local';
const V2 = 'outbound|9080|v2|reviews.default.svc.cluster.local';

test('HTTP match kinds: each request lands on the route its match kind selects', () => {
  const cases: [string, SimRequest | string, string | undefined, string][] = [
    ['uri exact', '/exact', 'exact', V2],
    ['uri exact does not match a longer path', '/exact/more', 'split', ''],
    ['uri regex (RE2, full match)', '/re/42', 'regex', V2],
    ['uri regex is anchored', '/re/42x', 'split', ''],
    ['ignoreUriCase', '/nocase/x', 'nocase', V2],
    ['scheme https', { address: '10.0.0.10', port: 9080, host: 'reviews', path: '/scheme', scheme: 'https' }, 'scheme', V2],
    ['scheme http does not match https', '/scheme', 'split', ''],
    ['method', { address: '10.0.0.10', port: 9080, host: 'reviews', path: '/x', method: 'DELETE' }, 'method', 'outbound|9080||ratings.default.svc.cluster.local'],
    ['authority prefix', { port: 9080, host: 'reviews.default.svc.cluster.local', path: '/x' }, 'authority', V2],
    ['header exact', { port: 9080, host: 'reviews', path: '/x', headers: { 'end-user': 'jason' } }, 'headers.exact', V2],
    ['header exact is case-sensitive in value', { port: 9080, host: 'reviews', path: '/x', headers: { 'end-user': 'Jason' } }, 'split', ''],
    ['header prefix', { port: 9080, host: 'reviews', path: '/x', headers: { 'x-team': 'blue-7' } }, 'headers.prefix', V2],
    ['header regex', { port: 9080, host: 'reviews', path: '/x', headers: { 'x-id': 'beef' } }, 'headers.regex', V2],
    ['header present', { port: 9080, host: 'reviews', path: '/x', headers: { 'x-canary': '' } }, 'headers.present', V2],
    ['withoutHeaders: header absent', '/without', 'without', V2],
    ['withoutHeaders: header with the excluded value', { port: 9080, host: 'reviews', path: '/without', headers: { 'x-legacy': '1' } }, 'split', ''],
    ['withoutHeaders: header with another value', { port: 9080, host: 'reviews', path: '/without', headers: { 'x-legacy': '2' } }, 'without', V2],
    ['query param exact', '/x?v=2', 'query.exact', V2],
    ['query param regex', '/x?id=123', 'query.regex', V2],
    ['query param regex mismatch', '/x?id=abc', 'split', ''],
    ['sourceLabels matching this proxy', '/from-productpage', 'source-labels', V2],
    ['sourceLabels of another workload are dropped', '/from-other', 'split', ''],
    ['sourceNamespace of this proxy', '/from-default', 'source-namespace', V2],
    ['sourceNamespace of another namespace is dropped', '/from-prod', 'split', ''],
    ['gateways: mesh applies to sidecars', '/mesh-only', 'gateways', V2],
    ['gateways: a gateway-only match is dropped for sidecars', '/gw-only', 'split', ''],
    ['port match for another port is dropped', '/port', 'split', ''],
  ];
  for (const [name, req, route, cluster] of cases) {
    const got = typeof req === 'string' ? at(req) : sim.run(req);
    assert.equal(got.error, undefined, `${name}: ${got.error}`);
    assert.equal(got.route, route, name);
    if (cluster) assert.equal(got.cluster, cluster, name);
    else assert.deepEqual(got.weightedClusters, [{ name: V1, weight: 75 }, { name: V2, weight: 25 }], name);
  }
  // Gateway-only and other-port matches produce no Envoy route at all on this sidecar.
  const rc = gen.routes.find((r) => r.name === '9080')!;
  const vh = rc.virtual_hosts!.find((v) => v.name === 'reviews.default.svc.cluster.local:9080')!;
  const prefixes = vh.routes!.map((r) => r.match?.prefix).filter(Boolean);
  for (const p of ['/gw-only', '/port', '/from-other', '/from-prod']) assert.ok(!prefixes.includes(p), `${p} has no route`);
});

test('HTTP actions: redirect, direct response, rewrites, header operations', () => {
  assert.deepEqual(at('/redirect/a').redirect, { response_code: 'TEMPORARY_REDIRECT', host_redirect: 'new.example.com', path_redirect: '/moved', port_redirect: 9080 });
  // https on 443 leaves the port implicit.
  assert.deepEqual(at('/secure').redirect, { response_code: 'MOVED_PERMANENTLY', scheme_redirect: 'https' });
  const direct = at('/direct');
  assert.equal(direct.directResponse, 503);
  assert.deepEqual(direct.matchedRoute?.direct_response?.body, { inline_string: 'down' });
  const rw = at('/old/page');
  assert.equal(rw.cluster, V1);
  assert.equal(rw.matchedRoute?.route?.prefix_rewrite, '/new');
  assert.equal(rw.matchedRoute?.route?.host_rewrite_literal, 'reviews-internal');
  assert.deepEqual(at('/rx/a/b').matchedRoute?.route?.regex_rewrite, { pattern: { regex: '^/rx/(.*)$' }, substitution: '/\\1' });
  const h = at('/hdr').matchedRoute!;
  assert.deepEqual(h.request_headers_to_add, [
    { header: { key: 'x-route', value: 'r' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
    { header: { key: 'x-dest', value: 'd' }, append_action: 'APPEND_IF_EXISTS_OR_ADD' },
  ]);
  assert.deepEqual(h.response_headers_to_remove, ['x-internal']);
  assert.deepEqual(h.response_headers_to_add, [{ header: { key: 'x-dest-resp', value: '1' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }]);
});

test('HTTP policies: timeout, retries (Istio default when unset), fault, mirrors, CORS', () => {
  const slow = at('/slow').matchedRoute!.route!;
  assert.deepEqual(slow.timeout, { seconds: 3, nanos: 0 });
  assert.equal(slow.retry_policy?.num_retries?.value, 4);
  assert.equal(slow.retry_policy?.retry_on, '5xx,retriable-status-codes');
  assert.deepEqual(slow.retry_policy?.retriable_status_codes, [429]);
  assert.deepEqual(slow.retry_policy?.per_try_timeout, { seconds: 1, nanos: 0 });
  assert.equal(at('/once').matchedRoute!.route!.retry_policy, undefined);
  // No retries field: Istio's default policy; no timeout field: none (0s).
  const split = at('/anything').matchedRoute!.route!;
  assert.deepEqual(split.timeout, { seconds: 0, nanos: 0 });
  assert.deepEqual({ n: split.retry_policy?.num_retries?.value, on: split.retry_policy?.retry_on, codes: split.retry_policy?.retriable_status_codes },
    { n: 2, on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', codes: [503] });
  const faultHttp = at('/fault-http').matchedRoute!.typed_per_filter_config!['envoy.filters.http.fault'] as unknown as Record<string, any>;
  assert.deepEqual(faultHttp.delay, { fixed_delay: { seconds: 2, nanos: 0 }, percentage: { numerator: 100000, denominator: 'MILLION' } });
  assert.deepEqual(faultHttp.abort, { http_status: 418, percentage: { numerator: 1000000, denominator: 'MILLION' } });
  const faultGrpc = at('/fault-grpc').matchedRoute!.typed_per_filter_config!['envoy.filters.http.fault'] as unknown as Record<string, any>;
  assert.deepEqual(faultGrpc.abort, { grpc_status: 14, percentage: { numerator: 500000, denominator: 'MILLION' } });
  assert.deepEqual(at('/mirror').matchedRoute!.route!.request_mirror_policies!.map((m) => [m.cluster, m.runtime_fraction?.default_value]), [
    ['outbound|9080||ratings.default.svc.cluster.local', { numerator: 255000, denominator: 'MILLION' }],
    [V2, { numerator: 100000, denominator: 'MILLION' }],
  ]);
  // mirror without a percentage mirrors everything.
  assert.deepEqual(at('/legacy-mirror').matchedRoute!.route!.request_mirror_policies!.map((m) => [m.cluster, m.runtime_fraction?.default_value]),
    [['outbound|9080||ratings.default.svc.cluster.local', { numerator: 100, denominator: 'HUNDRED' }]]);
  const cors = at('/cors').matchedRoute!.typed_per_filter_config!['envoy.filters.http.cors'] as unknown as Record<string, any>;
  assert.deepEqual(cors.allow_origin_string_match, [{ exact: 'https://a.example.com' }]);
  assert.equal(cors.allow_methods, 'GET');
  assert.equal(cors.max_age, '3600');
});

test('HTTP weighted routes and subsets reach clusters with endpoints of that subset only', () => {
  const got = at('/anything');
  assert.deepEqual(got.weightedClusters, [{ name: V1, weight: 75 }, { name: V2, weight: 25 }]);
  assert.deepEqual(sim.endpointsOf(V1), ['10.1.0.5:9080']);
  assert.deepEqual(sim.endpointsOf(V2), ['10.1.0.6:9080']);
  assert.deepEqual(sim.endpointsOf('outbound|9080||reviews.default.svc.cluster.local'), ['10.1.0.5:9080', '10.1.0.6:9080']);
  const exact = at('/exact');
  assert.equal(exact.clusterConfig?.type, 'EDS');
  assert.deepEqual(exact.endpoints, ['10.1.0.6:9080']);
  // A multi-port service without a VirtualService: each port its own route config and cluster.
  assert.equal(sim.run({ port: 8081, host: 'multi' }).cluster, 'outbound|8081||multi.default.svc.cluster.local');
  assert.equal(sim.run({ port: 8080, host: 'multi.default' }).cluster, 'outbound|8080||multi.default.svc.cluster.local');
});

// Regression: MeshConfig defaultHttpRetryPolicy was ignored; routes without `retries` always got
// Istio's built-in policy. It replaces that default (VirtualService routes and default routes),
// and `attempts: 0` there turns retries off mesh-wide.
test('MeshConfig defaultHttpRetryPolicy applies to routes that set no retries', () => {
  const withMesh = (policy: string) => simulateYaml(MESH.replace('kind: GoldenCase\n', `kind: GoldenCase\nmesh: { defaultHttpRetryPolicy: ${policy} }\n`)).sim;
  const s = withMesh('{ attempts: 5, retryOn: "reset,503" }');
  const run = (path: string, host = 'reviews') => s.run({ address: '10.0.0.10', port: 9080, host, path }).matchedRoute!.route!.retry_policy;
  for (const [name, rp] of [['VirtualService route', run('/anything')], ['default route', run('/', 'ratings')]] as const) {
    assert.deepEqual([rp?.num_retries?.value, rp?.retry_on, rp?.retriable_status_codes], [5, 'reset,retriable-status-codes', [503]], name);
  }
  // A route's own retries still win.
  assert.equal(run('/slow')?.num_retries?.value, 4);
  const off = withMesh('{ attempts: 0 }');
  assert.equal(off.run({ address: '10.0.0.10', port: 9080, host: 'ratings', path: '/' }).matchedRoute!.route!.retry_policy, undefined);
});
