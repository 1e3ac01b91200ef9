import { runValidationCases } from '../validation-cases.js';

const head = (spec: string, extra = ''): string =>
  `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: p
  namespace: foo
${extra}spec:
${spec}`;

runValidationCases('AuthorizationPolicy', [
  {
    name: 'documented httpbin ALLOW policy with from/to/when is accepted',
    yaml: head(`  selector:
    matchLabels:
      app: httpbin
      version: v1
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/sleep"]
    - source:
        namespaces: ["dev"]
    to:
    - operation:
        methods: ["GET"]
    when:
    - key: request.auth.claims[iss]
      values: ["https://accounts.google.com"]`),
  },
  {
    name: 'documented DENY from non-foo namespaces is accepted',
    yaml: head(`  action: DENY
  rules:
  - from:
    - source:
        notNamespaces: ["foo"]`),
  },
  { name: 'allow-nothing (empty spec) is accepted', yaml: head('  {}') },
  { name: 'allow-all (one empty rule) is accepted', yaml: head('  rules:\n  - {}') },
  { name: 'deny-all (DENY with an empty rule) is accepted', yaml: head('  action: DENY\n  rules:\n  - {}') },
  {
    name: 'DENY without rules is rejected',
    yaml: head('  action: DENY'),
    errors: [['spec.rules', 'DENY action without `rules`']],
  },
  {
    name: 'documented CUSTOM ext-authz policy is accepted',
    yaml: head(`  action: CUSTOM
  provider:
    name: my-custom-authz
  rules:
  - to:
    - operation:
        paths: ["/admin/*"]`),
  },
  {
    name: 'CUSTOM without a provider is rejected',
    yaml: head('  action: CUSTOM\n  rules:\n  - {}'),
    errors: [['spec.provider', '`provider.name` must not be empty']],
  },
  {
    name: 'CUSTOM with an empty provider name is rejected',
    yaml: head('  action: CUSTOM\n  provider: {}\n  rules:\n  - {}'),
    errors: [['spec.provider.name']],
  },
  {
    name: 'CUSTOM without rules is rejected',
    yaml: head('  action: CUSTOM\n  provider:\n    name: ext'),
    errors: [['spec.rules', 'CUSTOM action without `rules`']],
  },
  {
    name: 'provider with a non-CUSTOM action is rejected',
    yaml: head('  action: ALLOW\n  provider:\n    name: ext\n  rules:\n  - {}'),
    errors: [['spec.provider', 'non CUSTOM action, found ALLOW']],
  },
  {
    name: 'CUSTOM cannot match principals or request.auth keys',
    yaml: head(`  action: CUSTOM
  provider:
    name: ext
  rules:
  - from:
    - source:
        principals: ["a"]
    when:
    - key: request.auth.claims[groups]
      values: ["g"]`),
    errors: [
      ['spec.rules[0].from[0].source.principals', 'not supported with CUSTOM'],
      ['spec.rules[0].when[0].key', 'not supported with CUSTOM'],
    ],
  },
  {
    name: 'documented AUDIT policy is accepted',
    yaml: head(`  selector:
    matchLabels:
      app: httpbin
  action: AUDIT
  rules:
  - to:
    - operation:
        paths: ["/headers"]`),
  },
  {
    name: 'unknown action is a structural error',
    yaml: head('  action: LOG'),
    errors: [['spec.action', 'Unsupported value: "LOG"']],
  },
  {
    name: 'misspelled source field is an unknown field',
    yaml: head(`  rules:
  - from:
    - source:
        principal: ["x"]`),
    errors: [['spec.rules[0].from[0].source.principal', 'unknown field']],
  },
  {
    name: 'empty from list is rejected',
    yaml: head('  rules:\n  - from: []'),
    errors: [['spec.rules[0].from', '`from` must not be empty']],
  },
  {
    name: 'from entry without source is rejected',
    yaml: head('  rules:\n  - from:\n    - {}'),
    errors: [['spec.rules[0].from[0].source', 'must not be nil']],
  },
  {
    name: 'empty source is rejected',
    yaml: head('  rules:\n  - from:\n    - source: {}'),
    errors: [['spec.rules[0].from[0].source', '`from.source` must not be empty']],
  },
  {
    name: 'empty to.operation is rejected',
    yaml: head('  rules:\n  - to:\n    - operation: {}'),
    errors: [['spec.rules[0].to[0].operation', '`to.operation` must not be empty']],
  },
  {
    name: 'bad ipBlocks and remoteIpBlocks are rejected per entry',
    yaml: head(`  rules:
  - from:
    - source:
        ipBlocks: ["1.2.3.4", "10.0.0.0/8", "10.0.0.0/33"]
        notRemoteIpBlocks: ["not-an-ip"]`),
    errors: [
      ['spec.rules[0].from[0].source.ipBlocks[2]', 'bad CIDR range'],
      ['spec.rules[0].from[0].source.notRemoteIpBlocks[0]', 'bad IP address'],
    ],
  },
  {
    name: 'ports must be numbers',
    yaml: head(`  rules:
  - to:
    - operation:
        ports: ["8080", "http", "70000"]`),
    errors: [
      ['spec.rules[0].to[0].operation.ports[1]', 'bad port'],
      ['spec.rules[0].to[0].operation.ports[2]', 'bad port'],
    ],
  },
  {
    name: 'empty strings in lists are rejected',
    yaml: head(`  rules:
  - to:
    - operation:
        methods: ["GET", ""]`),
    errors: [['spec.rules[0].to[0].operation.methods[1]', 'empty value not allowed']],
  },
  {
    name: 'serviceAccounts with namespaces is rejected',
    yaml: head(`  rules:
  - from:
    - source:
        namespaces: ["foo"]
        serviceAccounts: ["foo/bar"]`),
    errors: [['spec.rules[0].from[0].source.serviceAccounts', 'cannot set serviceAccounts']],
  },
  {
    name: 'serviceAccounts must be namespace/name',
    yaml: head(`  rules:
  - from:
    - source:
        serviceAccounts: ["foo/bar", "bar"]`),
    errors: [['spec.rules[0].from[0].source.serviceAccounts[1]', '<namespace>/<name>']],
  },
  {
    name: 'documented path templates are accepted',
    yaml: head(`  rules:
  - to:
    - operation:
        paths: ["/foo/{*}/bar", "/foo/{**}", "/v1/*", "*.html", "*"]`),
  },
  {
    name: 'unsupported path templates are rejected',
    yaml: head(`  rules:
  - to:
    - operation:
        paths: ["/foo/{name}/{*}", "/foo/{*}/**"]
        notPaths: ["/{*}/{}"]`),
    errors: [
      ['spec.rules[0].to[0].operation.paths[0]', 'unsupported path template'],
      ['spec.rules[0].to[0].operation.paths[1]', 'unsupported path template'],
      ['spec.rules[0].to[0].operation.notPaths[0]', 'unsupported path template'],
    ],
  },
  {
    name: 'a * in the middle of a path or a relative path warns',
    yaml: head(`  rules:
  - to:
    - operation:
        paths: ["/a/*/b", "api/v1"]`),
    warnings: [
      ['spec.rules[0].to[0].operation.paths[0]', 'literal'],
      ['spec.rules[0].to[0].operation.paths[1]', "does not start with '/'"],
    ],
  },
  {
    name: 'documented when keys are accepted',
    yaml: head(`  rules:
  - when:
    - key: request.headers[version]
      values: ["v1", "v2"]
    - key: source.ip
      values: ["10.1.2.3", "10.2.0.0/16"]
    - key: remote.ip
      notValues: ["10.1.2.3"]
    - key: source.namespace
      values: ["default"]
    - key: source.principal
      values: ["cluster.local/ns/default/sa/productpage"]
    - key: request.auth.principal
      values: ["accounts.my-svc.com/104958560606"]
    - key: request.auth.audiences
      values: ["my-svc.com"]
    - key: request.auth.presenter
      values: ["123456789012.my-svc.com"]
    - key: request.auth.claims[nested][key]
      values: ["x"]
    - key: destination.ip
      values: ["10.1.2.3"]
    - key: destination.port
      values: ["80", "443"]
    - key: connection.sni
      values: ["www.example.com"]
    - key: experimental.envoy.filters.network.mysql_proxy[db.table]
      values: ["[update]"]`),
  },
  {
    name: 'unknown, replaced and malformed when keys are rejected',
    yaml: head(`  rules:
  - when:
    - key: source.user
      values: ["a"]
    - key: destination.labels[app]
      values: ["a"]
    - key: request.headers
      values: ["a"]
    - key: request.auth.claims[]
      values: ["a"]`),
    errors: [
      ['spec.rules[0].when[0].key', 'unknown attribute'],
      ['spec.rules[0].when[1].key', 'replaced by the workload selector'],
      ['spec.rules[0].when[2].key', 'a[b]'],
      ['spec.rules[0].when[3].key', 'a[b]'],
    ],
  },
  {
    name: 'when values that are not allowed for the key are rejected',
    yaml: head(`  rules:
  - when:
    - key: destination.port
      values: ["http"]
    - key: source.ip
      notValues: ["10.0.0.300"]`),
    errors: [
      ['spec.rules[0].when[0].values[0]', 'bad port'],
      ['spec.rules[0].when[1].notValues[0]', 'bad IP address'],
    ],
  },
  {
    name: 'when without values or notValues is rejected',
    yaml: head(`  rules:
  - when:
    - key: source.ip`),
    errors: [['spec.rules[0].when[0]', 'at least one of `values` or `notValues`']],
  },
  {
    name: 'when with an empty key is rejected',
    yaml: head(`  rules:
  - when:
    - key: ""
      values: ["a"]`),
    errors: [['spec.rules[0].when[0].key', 'must not be empty']],
  },
  {
    name: 'DENY on HTTP-only attributes warns about TCP traffic',
    yaml: head(`  action: DENY
  rules:
  - to:
    - operation:
        methods: ["POST"]`),
    warnings: [['spec.rules[0]', 'deny all traffic to TCP ports']],
  },
  {
    name: 'DENY with ports does not warn',
    yaml: head(`  action: DENY
  rules:
  - to:
    - operation:
        methods: ["POST"]
        ports: ["8080"]`),
  },
  {
    name: 'selector and targetRef together are rejected',
    yaml: head(`  selector:
    matchLabels:
      app: a
  targetRef:
    kind: Gateway
    group: gateway.networking.k8s.io
    name: gw
  rules:
  - {}`),
    errors: [['spec', 'only one of targetRefs or workloadSelector']],
  },
  {
    name: 'documented targetRefs to a waypoint Service and a Gateway are accepted',
    yaml: head(`  targetRefs:
  - kind: Service
    group: ""
    name: reviews
  - kind: Gateway
    group: gateway.networking.k8s.io
    name: ingress
  rules:
  - {}`),
  },
  {
    name: 'targetRef to an unsupported kind, without a name, or cross-namespace is rejected',
    yaml: head(`  targetRefs:
  - kind: Deployment
    group: apps
    name: reviews
  - kind: Service
    namespace: other`),
    errors: [
      ['spec.targetRefs[0]', 'targetRef must be to one of'],
      ['spec.targetRefs[1].name', 'name must be set'],
      ['spec.targetRefs[1].namespace', 'cross namespace'],
    ],
  },
  {
    name: 'wildcard selector values are rejected; empty selector warns',
    yaml: head(`  selector:
    matchLabels:
      app: "*"`),
    errors: [['spec.selector.matchLabels.app', 'wildcard is not supported']],
  },
  {
    name: 'selector without labels warns',
    yaml: head('  selector: {}'),
    warnings: [['spec.selector', 'without labels']],
  },
  {
    name: 'v1beta1 is served',
    yaml: head('  rules:\n  - {}').replace('security.istio.io/v1', 'security.istio.io/v1beta1'),
  },
  {
    name: 'dry-run annotation is accepted for DENY',
    yaml: head('  action: DENY\n  rules:\n  - from:\n    - source:\n        ipBlocks: ["1.2.3.4"]', '  annotations:\n    istio.io/dry-run: "true"\n'),
  },
  {
    name: 'dry-run annotation is rejected for AUDIT',
    yaml: head('  action: AUDIT\n  rules:\n  - {}', '  annotations:\n    istio.io/dry-run: "true"\n'),
    errors: [['spec.action', 'only supports action ALLOW/DENY']],
  },
]);
