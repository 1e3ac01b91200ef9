import { runValidationCases } from '../validation-cases.js';

const vs = (spec: string, apiVersion = 'networking.istio.io/v1') => `
apiVersion: ${apiVersion}
kind: VirtualService
metadata: { name: reviews, namespace: default }
spec:
${spec}`;

const route = (extra: string) => vs(`  hosts: [reviews]\n  http:\n  - route:\n    - destination: { host: reviews }\n${extra}`);

runValidationCases('VirtualService', [
  // Istio documentation examples.
  {
    name: 'documented reviews canary by header and subset',
    yaml: vs(`  hosts: [reviews.prod.svc.cluster.local]
  http:
  - name: reviews-v2-routes
    match:
    - headers: { end-user: { exact: jason } }
      uri: { prefix: /wpcatalog }
    - uri: { prefix: /consumercatalog }
    rewrite: { uri: /newcatalog }
    route:
    - destination: { host: reviews.prod.svc.cluster.local, subset: v2 }
  - name: reviews-v1-route
    route:
    - destination: { host: reviews.prod.svc.cluster.local, subset: v1 }`),
  },
  {
    name: 'documented weighted split 75/25',
    yaml: vs(`  hosts: [reviews.prod.svc.cluster.local]
  http:
  - route:
    - destination: { host: reviews.prod.svc.cluster.local, subset: v2 }
      weight: 25
    - destination: { host: reviews.prod.svc.cluster.local, subset: v1 }
      weight: 75`, 'networking.istio.io/v1beta1'),
  },
  {
    name: 'documented gateway-bound bookinfo with port selector',
    yaml: vs(`  hosts: ['*']
  gateways: [bookinfo-gateway]
  http:
  - match:
    - uri: { exact: /productpage }
    - uri: { prefix: /static }
    - uri: { regex: '^/api/v1/products(/.*)?$' }
    route:
    - destination: { host: productpage, port: { number: 9080 } }`, 'networking.istio.io/v1alpha3'),
  },
  {
    name: 'documented fault delay and abort',
    yaml: vs(`  hosts: [ratings]
  http:
  - fault:
      delay: { percentage: { value: 0.1 }, fixedDelay: 5s }
      abort: { percentage: { value: 10 }, httpStatus: 400 }
    route:
    - destination: { host: ratings, subset: v1 }`),
  },
  {
    name: 'documented retries and timeout',
    yaml: route('    timeout: 10s\n    retries: { attempts: 3, perTryTimeout: 2s, retryOn: "gateway-error,connect-failure,refused-stream" }'),
  },
  {
    name: 'documented CORS policy',
    yaml: route(`    corsPolicy:
      allowOrigins: [{ exact: https://example.com }, { regex: 'https://.*\\.example\\.org' }]
      allowMethods: [POST, GET]
      allowCredentials: false
      allowHeaders: [X-Foo-Bar]
      exposeHeaders: [X-Expose]
      maxAge: 24h
      unmatchedPreflights: IGNORE`),
  },
  {
    name: 'documented mirror with mirrorPercentage',
    yaml: route('    mirror: { host: httpbin, subset: v2 }\n    mirrorPercentage: { value: 100.0 }'),
  },
  {
    name: 'documented mirrors list',
    yaml: route('    mirrors:\n    - destination: { host: httpbin, subset: v2 }\n      percentage: { value: 50 }'),
  },
  {
    name: 'documented redirect with derivePort',
    yaml: vs(`  hosts: [ratings.prod.svc.cluster.local]
  http:
  - match: [{ uri: { exact: /v1/getProductRatings } }]
    redirect: { uri: /v1/bookRatings, authority: newratings.default.svc.cluster.local, derivePort: FROM_REQUEST_PORT, redirectCode: 301 }
  - route: [{ destination: { host: ratings.prod.svc.cluster.local } }]`),
  },
  {
    name: 'documented direct response',
    yaml: vs(`  hosts: [ratings.prod.svc.cluster.local]
  http:
  - match: [{ uri: { exact: /v1/getProductRatings } }]
    directResponse: { status: 503, body: { string: "unknown error" } }
  - route: [{ destination: { host: ratings.prod.svc.cluster.local } }]`),
  },
  {
    name: 'documented header manipulation',
    yaml: vs(`  hosts: [reviews.prod.svc.cluster.local]
  http:
  - headers:
      request: { set: { test: "true" } }
    route:
    - destination: { host: reviews.prod.svc.cluster.local, subset: v2 }
      weight: 25
    - destination: { host: reviews.prod.svc.cluster.local, subset: v1 }
      headers:
        response: { remove: [foo] }
      weight: 75`),
  },
  {
    name: 'documented uriRegexRewrite',
    yaml: route('    rewrite: { uriRegexRewrite: { match: "^/service/([^/]+)(/.*)$", rewrite: "\\\\2/instance/\\\\1" } }'),
  },
  {
    name: 'documented root delegating to delegate virtual services',
    yaml: vs(`  hosts: ['*.example.com']
  gateways: [istio-system/gateway]
  http:
  - match: [{ uri: { prefix: /productpage } }]
    delegate: { name: productpage, namespace: nsA }`.replace('nsA', 'ns-a')),
  },
  {
    name: 'documented delegate virtual service has no hosts',
    yaml: vs(`  http:
  - match: [{ uri: { prefix: /productpage/v1/ } }]
    route: [{ destination: { host: productpage-v1.nsA.svc.cluster.local } }]
  - route: [{ destination: { host: productpage.nsA.svc.cluster.local } }]`),
  },
  {
    name: 'documented TCP route with port match',
    yaml: vs(`  hosts: [mongo.prod.svc.cluster.local]
  tcp:
  - match: [{ port: 27017 }]
    route: [{ destination: { host: mongo.backup.svc.cluster.local, port: { number: 5555 } } }]`),
  },
  {
    name: 'documented TLS passthrough route by SNI',
    yaml: vs(`  hosts: ['*.bookinfo.com']
  gateways: [mygateway]
  tls:
  - match: [{ port: 443, sniHosts: [login.bookinfo.com] }]
    route: [{ destination: { host: login.prod.svc.cluster.local } }]
  - match: [{ port: 443, sniHosts: [reviews.bookinfo.com] }]
    route: [{ destination: { host: reviews.prod.svc.cluster.local } }]`),
  },
  {
    name: 'IP address host is accepted',
    yaml: vs('  hosts: [10.0.0.1]\n  http: [{ route: [{ destination: { host: reviews } }] }]'),
  },
  {
    name: 'match on sourceLabels, sourceNamespace, gateways, queryParams, withoutHeaders, port, statPrefix',
    yaml: route(`    match:
    - sourceLabels: { app: reviews, version: v2 }
      sourceNamespace: foo
      gateways: [mesh, istio-system/ingress]
      queryParams: { id: { exact: "1" } }
      withoutHeaders: { x-debug: {} }
      port: 9080
      ignoreUriCase: true
      statPrefix: reviews-v2
      scheme: { exact: https }
      method: { exact: GET }
      authority: { prefix: reviews }`),
  },

  // Rejections, at Istio's paths.
  { name: 'no routes at all', yaml: vs('  hosts: [reviews]'), errors: [['spec', 'http, tcp or tls must be provided']] },
  { name: 'unknown field in route destination', yaml: route('      wieght: 10'), errors: [['spec.http[0].route[0].wieght', 'unknown field']] },
  {
    name: 'negative weight on the second destination',
    yaml: vs('  hosts: [reviews]\n  http:\n  - route:\n    - destination: { host: reviews, subset: v1 }\n      weight: 110\n    - destination: { host: reviews, subset: v2 }\n      weight: -10'),
    errors: [['spec.http[0].route[1].weight', 'weight -10 < 0']],
  },
  {
    name: 'several destinations whose weights are all zero',
    yaml: vs('  hosts: [reviews]\n  http:\n  - route:\n    - destination: { host: reviews, subset: v1 }\n    - destination: { host: reviews, subset: v2 }'),
    errors: [['spec.http[0].route', 'total destination weight = 0']],
  },
  { name: 'single destination may omit weight', yaml: route('') },
  { name: 'wildcard host bound to mesh', yaml: vs('  hosts: ["*"]\n  http: [{ route: [{ destination: { host: reviews } }] }]'), errors: [['spec.hosts[0]', 'mesh gateway']] },
  { name: 'invalid host label', yaml: vs('  hosts: ["rev_iews"]\n  http: [{ route: [{ destination: { host: reviews } }] }]'), errors: [['spec.hosts[0]', 'invalid']] },
  {
    name: 'overlapping hosts',
    yaml: vs('  hosts: ["*.example.com", a.example.com]\n  gateways: [gw]\n  http: [{ route: [{ destination: { host: reviews } }] }]'),
    errors: [['spec.hosts[1]', 'duplicate hosts']],
  },
  { name: 'destination host "*"', yaml: vs('  hosts: [reviews]\n  http: [{ route: [{ destination: { host: "*" } }] }]'), errors: [['spec.http[0].route[0].destination.host', 'invalid destination host']] },
  { name: 'invalid subset name', yaml: vs('  hosts: [reviews]\n  http: [{ route: [{ destination: { host: reviews, subset: "v_1" } }] }]'), errors: [['spec.http[0].route[0].destination.subset', 'subset name is invalid']] },
  { name: 'destination port out of range', yaml: vs('  hosts: [reviews]\n  http: [{ route: [{ destination: { host: reviews, port: { number: 70000 } } }] }]'), errors: [['spec.http[0].route[0].destination.port.number', '1..65535']] },
  {
    name: 'redirect together with route',
    yaml: route('    redirect: { uri: /x }'),
    errors: [['spec.http[0].redirect', 'both route and redirect']],
  },
  {
    name: 'direct response together with route',
    yaml: route('    directResponse: { status: 200 }'),
    errors: [['spec.http[0].directResponse', 'both route and direct_response']],
  },
  {
    name: 'route rule with nothing to do',
    yaml: vs('  hosts: [reviews]\n  http:\n  - match: [{ uri: { prefix: /a } }]\n    timeout: 1s'),
    errors: [['spec.http[0].route', 'HTTP route, redirect or direct_response is required']],
  },
  {
    name: 'redirect with rewrite and fault',
    yaml: vs('  hosts: [reviews]\n  http:\n  - redirect: { uri: /x }\n    rewrite: { uri: /y }\n    fault: { abort: { httpStatus: 500 } }'),
    errors: [['spec.http[0].rewrite', 'rewrite and redirect'], ['spec.http[0].fault', 'fault and redirect']],
  },
  { name: 'empty redirect', yaml: vs('  hosts: [reviews]\n  http: [{ redirect: {} }]'), errors: [['spec.http[0].redirect', 'redirect must specify']] },
  { name: 'redirect code 200', yaml: vs('  hosts: [reviews]\n  http: [{ redirect: { uri: /a, redirectCode: 200 } }]'), errors: [['spec.http[0].redirect.redirectCode', 'must be 3xx']] },
  { name: 'unknown derivePort value', yaml: vs('  hosts: [reviews]\n  http: [{ redirect: { derivePort: FROM_HEADER } }]'), errors: [['spec.http[0].redirect.derivePort', 'Unsupported value']] },
  { name: 'direct response status 700', yaml: vs('  hosts: [reviews]\n  http: [{ directResponse: { status: 700 } }]'), errors: [['spec.http[0].directResponse.status', 'between 200 and 599']] },
  { name: 'mirror and mirrors together', yaml: route('    mirror: { host: a }\n    mirrors: [{ destination: { host: b } }]'), errors: [['spec.http[0].mirrors', 'both mirror and mirrors']] },
  {
    name: 'deprecated mirrorPercent warns and is bounded',
    yaml: route('    mirror: { host: a }\n    mirrorPercent: 150'),
    errors: [['spec.http[0].mirrorPercent', 'max value of 100']],
    warnings: [['spec.http[0].mirrorPercent', 'deprecated']],
  },
  { name: 'mirrorPercentage above 100', yaml: route('    mirror: { host: a }\n    mirrorPercentage: { value: 101 }'), errors: [['spec.http[0].mirrorPercentage.value', 'max value of 100']] },
  { name: 'rewrite with both uri and uriRegexRewrite', yaml: route('    rewrite: { uri: /a, uriRegexRewrite: { match: a, rewrite: b } }'), errors: [['spec.http[0].rewrite', 'only contain one of URI or UriRegexRewrite']] },
  { name: 'empty rewrite', yaml: route('    rewrite: {}'), errors: [['spec.http[0].rewrite', 'at least one of']] },
  { name: 'invalid RE2 in uriRegexRewrite', yaml: route('    rewrite: { uriRegexRewrite: { match: "(a", rewrite: b } }'), errors: [['spec.http[0].rewrite.uriRegexRewrite.match', 'not a valid regex']] },
  { name: 'invalid RE2 in uri match', yaml: route('    match: [{ uri: { regex: "[a-" } }]'), errors: [['spec.http[0].match[0].uri.regex', 'not a valid regex']] },
  { name: 'lookahead is not RE2', yaml: route('    match: [{ headers: { x-user: { regex: "(?=admin)" } } }]'), errors: [['spec.http[0].match[0].headers.x-user.regex', 'not a valid regex']] },
  { name: 'string match with two kinds', yaml: route('    match: [{ uri: { exact: /a, prefix: /b } }]'), errors: [['spec.http[0].match[0].uri', 'only one of exact, prefix or regex']] },
  { name: 'invalid header name in match', yaml: route('    match: [{ headers: { "bad header": { exact: a } } }]'), errors: [['spec.http[0].match[0].headers["bad header"]', 'not a valid HTTP header name']] },
  { name: 'match port out of range', yaml: route('    match: [{ port: 0 }]'), errors: [['spec.http[0].match[0].port', '1..65535']] },
  { name: 'invalid sourceNamespace', yaml: route('    match: [{ sourceNamespace: Foo_Bar }]'), errors: [['spec.http[0].match[0].sourceNamespace', 'is invalid']] },
  { name: 'invalid source label', yaml: route('    match: [{ sourceLabels: { app: "a b" } }]'), errors: [['spec.http[0].match[0].sourceLabels.app', 'invalid label value']] },
  { name: 'timeout below 1ms', yaml: route('    timeout: 0.5ms'), errors: [['spec.http[0].timeout', 'greater than 1ms']] },
  { name: 'timeout 0s disables the timeout', yaml: route('    timeout: 0s') },
  { name: 'timeout is not a duration', yaml: route('    timeout: soon'), errors: [['spec.http[0].timeout', 'invalid duration']] },
  { name: 'timeout finer than ms', yaml: route('    timeout: 1500us'), errors: [['spec.http[0].timeout', 'ms precision']] },
  { name: 'negative retry attempts', yaml: route('    retries: { attempts: -1 }'), errors: [['spec.http[0].retries.attempts', 'cannot be negative']] },
  { name: 'retry policy with zero attempts warns', yaml: route('    retries: { attempts: 0, retryOn: 5xx }'), warnings: [['spec.http[0].retries', 'attempts are set to 0']] },
  { name: 'unknown retryOn policy', yaml: route('    retries: { attempts: 2, retryOn: "5xx,sometimes" }'), errors: [['spec.http[0].retries.retryOn', '"sometimes" is not a valid retryOn policy']] },
  { name: 'retryOn status codes and retry flags', yaml: route('    retries: { attempts: 2, retryOn: "503,retriable-status-codes", retryRemoteLocalities: true, retryIgnorePreviousHosts: true, backoff: 25ms }') },
  { name: 'perTryTimeout too small', yaml: route('    retries: { attempts: 2, perTryTimeout: 0s }'), errors: [['spec.http[0].retries.perTryTimeout', 'greater than 1ms']] },
  { name: 'fault without abort or delay', yaml: route('    fault: {}'), errors: [['spec.http[0].fault', 'abort and/or a delay']] },
  { name: 'abort percentage above 100', yaml: route('    fault: { abort: { httpStatus: 503, percentage: { value: 120 } } }'), errors: [['spec.http[0].fault.abort.percentage.value', 'range [0.0001, 100.0]']] },
  { name: 'abort http status out of range', yaml: route('    fault: { abort: { httpStatus: 99 } }'), errors: [['spec.http[0].fault.abort.httpStatus', 'invalid abort http status']] },
  { name: 'abort grpc status by name', yaml: route('    fault: { abort: { grpcStatus: UNAVAILABLE, percentage: { value: 50 } } }') },
  { name: 'abort unknown grpc status', yaml: route('    fault: { abort: { grpcStatus: BROKEN } }'), errors: [['spec.http[0].fault.abort.grpcStatus', 'not a valid gRPC status']] },
  {
    name: 'deprecated delay percent warns and is bounded',
    yaml: route('    fault: { delay: { fixedDelay: 1s, percent: 101 } }'),
    errors: [['spec.http[0].fault.delay.percent', 'not in range 0..100']],
    warnings: [['spec.http[0].fault.delay.percent', 'deprecated']],
  },
  { name: 'delay percent and percentage together', yaml: route('    fault: { delay: { fixedDelay: 1s, percent: 10, percentage: { value: 10 } } }'), errors: [['spec.http[0].fault.delay.percentage', 'only one of percent or percentage']], warnings: [['spec.http[0].fault.delay.percent']] },
  { name: 'CORS unsupported method', yaml: route('    corsPolicy: { allowMethods: [FETCH] }'), errors: [['spec.http[0].corsPolicy.allowMethods[0]', 'not a supported HTTP method']] },
  { name: 'CORS maxAge in fractional seconds', yaml: route('    corsPolicy: { maxAge: 1500ms }'), errors: [['spec.http[0].corsPolicy.maxAge', 'seconds precision']] },
  { name: 'CORS bad origin regex', yaml: route('    corsPolicy: { allowOrigins: [{ regex: "*" }] }'), errors: [['spec.http[0].corsPolicy.allowOrigins[0].regex', 'not a valid regex']] },
  { name: 'CORS deprecated allowOrigin warns', yaml: route('    corsPolicy: { allowOrigin: ["*"] }'), warnings: [['spec.http[0].corsPolicy.allowOrigin', 'deprecated']] },
  { name: 'CORS empty header name', yaml: route('    corsPolicy: { allowHeaders: [""] }'), errors: [['spec.http[0].corsPolicy.allowHeaders[0]', 'cannot be empty']] },
  { name: 'removing a pseudo-header', yaml: route('    headers: { request: { remove: [":path"] } }'), errors: [['spec.http[0].headers.request.remove[0]', 'pseudo-headers']] },
  { name: 'setting the response host header', yaml: route('    headers: { response: { set: { host: x } } }'), errors: [['spec.http[0].headers.response.set.host', 'cannot be modified']] },
  { name: 'request authority set via headers', yaml: route('    headers: { request: { set: { ":authority": foo.com } } }') },
  {
    name: 'authority rewritten twice',
    yaml: route('    rewrite: { authority: a.com }\n    headers: { request: { set: { host: b.com } } }'),
    errors: [['spec.http[0].headers.request.set.host', 'authority header cannot be set multiple times']],
  },
  {
    name: 'root route with route and delegate',
    yaml: vs('  hosts: [a.com]\n  gateways: [gw]\n  http:\n  - delegate: { name: d }\n    route: [{ destination: { host: a } }]'),
    errors: [['spec.http[0].route', 'must not specify route']],
  },
  {
    name: 'regex match in a root route',
    yaml: vs('  hosts: [a.com]\n  http:\n  - match: [{ uri: { regex: "/a.*" } }]\n    delegate: { name: d }'),
    errors: [['spec.http[0].match[0].uri.regex', 'does not support regex match for delegating']],
  },
  {
    name: 'delegate virtual service cannot delegate further or bind gateways',
    yaml: vs('  gateways: [gw]\n  http:\n  - delegate: { name: d }\n    route: [{ destination: { host: a } }]'),
    errors: [['spec.gateways', 'no gateways'], ['spec.http[0].delegate', 'cannot contain delegate']],
  },
  { name: 'delegate virtual service with tcp routes', yaml: vs('  tcp: [{ route: [{ destination: { host: a } }] }]'), errors: [['spec.tcp', 'no tcp route']] },
  { name: 'invalid gateway reference', yaml: vs('  hosts: [a.com]\n  gateways: ["ns/Bad_Name"]\n  http: [{ route: [{ destination: { host: a } }] }]'), errors: [['spec.gateways[0]', 'invalid value for gateway name']] },
  {
    name: 'legacy dotted gateway name warns',
    yaml: vs('  hosts: [a.com]\n  gateways: [gw.istio-system.svc.cluster.local]\n  http: [{ route: [{ destination: { host: a } }] }]'),
    warnings: [['spec.gateways[0]', 'istio-system/gw']],
  },
  {
    name: 'rules after a catch-all are unreachable',
    yaml: vs('  hosts: [a]\n  http:\n  - route: [{ destination: { host: a } }]\n  - name: never\n    match: [{ uri: { prefix: /x } }]\n    route: [{ destination: { host: b } }]'),
    warnings: [['spec.http[1]', 'rule never not used']],
  },
  {
    name: 'match repeated from an earlier rule',
    yaml: vs('  hosts: [a]\n  http:\n  - match: [{ uri: { prefix: /x } }]\n    route: [{ destination: { host: a } }]\n  - match: [{ uri: { prefix: /x } }, { uri: { prefix: /y } }]\n    route: [{ destination: { host: b } }]'),
    warnings: [['spec.http[1].match[0]', 'duplicate/overlapping']],
  },
  { name: 'TLS route without match', yaml: vs('  hosts: [a.com]\n  tls: [{ route: [{ destination: { host: a } }] }]'), errors: [['spec.tls[0].match', 'at least one match']] },
  { name: 'TLS match without SNI hosts', yaml: vs('  hosts: [a.com]\n  tls: [{ match: [{ port: 443 }], route: [{ destination: { host: a } }] }]'), errors: [['spec.tls[0].match[0].sniHosts', 'at least one SNI host']] },
  {
    name: 'SNI host outside the virtual service hosts',
    yaml: vs('  hosts: ["*.bookinfo.com"]\n  tls: [{ match: [{ sniHosts: [login.example.com] }], route: [{ destination: { host: a } }] }]'),
    errors: [['spec.tls[0].match[0].sniHosts[0]', 'not a compatible subset']],
  },
  { name: 'TCP route without destinations', yaml: vs('  hosts: [a]\n  tcp: [{ match: [{ port: 27017 }] }]'), errors: [['spec.tcp[0].route', 'TCP route is required']] },
  { name: 'TCP destination subnet invalid', yaml: vs('  hosts: [a]\n  tcp: [{ match: [{ destinationSubnets: [10.0.0.0/33] }], route: [{ destination: { host: a } }] }]'), errors: [['spec.tcp[0].match[0].destinationSubnets[0]', 'prefix length']] },
  { name: 'TCP source subnet and labels', yaml: vs('  hosts: [a]\n  tcp: [{ match: [{ destinationSubnets: [10.1.0.0/16], sourceLabels: { app: x }, sourceNamespace: ns1, gateways: [mesh] }], route: [{ destination: { host: a } }] }]') },
  { name: 'exportTo with duplicate and "*" mixed', yaml: route('  exportTo: [".", "*"]'), errors: [['spec.exportTo', 'cannot have both public']] },
  { name: 'exportTo invalid namespace', yaml: route('  exportTo: [Bad_NS]'), errors: [['spec.exportTo[0]', 'DNS 1123 label']] },
  { name: 'hosts must be a list', yaml: vs('  hosts: reviews\n  http: [{ route: [{ destination: { host: a } }] }]'), errors: [['spec.hosts', 'must be of type array']] },
  { name: 'destination host is required', yaml: vs('  hosts: [a]\n  http: [{ route: [{ destination: { subset: v1 } }] }]'), errors: [['spec.http[0].route[0].destination.host', 'Required value']] },
]);
