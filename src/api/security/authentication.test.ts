import { runValidationCases } from '../validation-cases.js';

const pa = (spec: string): string => `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: foo
spec:
${spec}`;

const ra = (spec: string): string => `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt
  namespace: foo
spec:
${spec}`;

const JWKS = JSON.stringify({ keys: [{ kty: 'RSA', e: 'AQAB', n: 'xAE7eB6qugXyCAG3yhh7pkDkT65pHymX-P7KfIupjf59vsdo91bSP9C8H07pSAGQO1MV_xFj9VswgsCg4R6otmg5PV2He95lZdHtOcU5DXIg_pbhLdKXbi66GlVeK6ABZOUW3WYtnNHD-91gVuoeJT_DwtGGcp4ignkgXfkiEm4sw-4sfb4qdt5oLbyVpmW6x9cfa7vs2WTfURiCrBoUqgBo_-4WTiULmmHSGZHOjzwa8WtrtOQGsAFjIbno85jp6MnGGGZPYZbDAa_b3y5u-YpW7ypZrvD8BgtKVjgtQgZhLAGezMt0ua3DRrWnKqTZ0BJ_EyxOGuHJrLsn00fnMQ' }] });

runValidationCases('PeerAuthentication', [
  { name: 'documented mesh-wide STRICT is accepted', yaml: pa('  mtls:\n    mode: STRICT') },
  {
    name: 'documented workload policy with a port-level override is accepted',
    yaml: pa(`  selector:
    matchLabels:
      app: finance
  mtls:
    mode: STRICT
  portLevelMtls:
    8080:
      mode: DISABLE`),
  },
  { name: 'UNSET and PERMISSIVE are modes', yaml: pa('  mtls:\n    mode: PERMISSIVE') },
  {
    name: 'unknown mode is rejected',
    yaml: pa('  mtls:\n    mode: ISTIO_MUTUAL'),
    errors: [['spec.mtls.mode', 'Unsupported value']],
  },
  {
    name: 'port-level mTLS without a selector is rejected',
    yaml: pa('  portLevelMtls:\n    8080:\n      mode: DISABLE'),
    errors: [['spec.portLevelMtls', 'cannot have port level mTLS']],
  },
  {
    name: 'port out of range and non-numeric port keys are rejected',
    yaml: pa(`  selector:
    matchLabels:
      app: a
  portLevelMtls:
    0:
      mode: DISABLE
    http:
      mode: DISABLE`),
    errors: [['spec.portLevelMtls["0"]', '1..65535'], ['spec.portLevelMtls.http', '1..65535']],
  },
  {
    name: 'empty portLevelMtls is rejected',
    yaml: pa('  selector:\n    matchLabels:\n      app: a\n  portLevelMtls: {}'),
    errors: [['spec.portLevelMtls', 'at least one element']],
  },
  {
    name: 'targetRef is not a PeerAuthentication field',
    yaml: pa('  targetRef:\n    kind: Service\n    name: a'),
    errors: [['spec.targetRef', 'unknown field']],
  },
]);

runValidationCases('RequestAuthentication', [
  {
    name: 'documented issuer + jwksUri is accepted',
    yaml: ra(`  selector:
    matchLabels:
      app: httpbin
  jwtRules:
  - issuer: "issuer-foo"
    jwksUri: https://example.com/.well-known/jwks.json`),
  },
  {
    name: 'documented header location, cookie, claim-to-header and timeout are accepted',
    yaml: ra(`  jwtRules:
  - issuer: "example.com"
    audiences: ["bookstore_android.apps.example.com"]
    jwksUri: http://jwks.example.com:8080/keys
    fromHeaders:
    - name: x-goog-iap-jwt-assertion
      prefix: "Bearer "
    fromParams: ["my_token"]
    fromCookies: ["session"]
    outputPayloadToHeader: x-jwt-payload
    forwardOriginalToken: true
    outputClaimToHeaders:
    - header: x-my-company-jwt-group
      claim: my-group
    timeout: 5s`),
  },
  { name: 'inline jwks is accepted', yaml: ra(`  jwtRules:\n  - issuer: a\n    jwks: '${JWKS}'`) },
  {
    name: 'a rule with neither issuer nor jwksUri is rejected',
    yaml: ra('  jwtRules:\n  - audiences: ["a"]'),
    errors: [['spec.jwtRules[0].issuer', 'issuer or jwksUri']],
  },
  {
    name: 'jwksUri with an unsupported scheme is rejected',
    yaml: ra('  jwtRules:\n  - issuer: a\n    jwksUri: ftp://example.com/keys'),
    errors: [['spec.jwtRules[0].jwksUri', 'not supported']],
  },
  {
    name: 'jwksUri that is not a URL is rejected',
    yaml: ra('  jwtRules:\n  - issuer: a\n    jwksUri: "not a url"'),
    errors: [['spec.jwtRules[0].jwksUri']],
  },
  {
    name: 'malformed inline jwks is rejected',
    yaml: ra(`  jwtRules:\n  - issuer: a\n    jwks: '{"keys": [{"e": "AQAB"}]}'`),
    errors: [['spec.jwtRules[0].jwks', 'jwks parse error']],
  },
  {
    name: 'jwks and jwksUri together warn',
    yaml: ra(`  jwtRules:\n  - issuer: a\n    jwksUri: https://a.example/keys\n    jwks: '${JWKS}'`),
    warnings: [['spec.jwtRules[0].jwks', 'only one of jwksUri and jwks']],
  },
  {
    name: 'empty audience, header name, param and cookie are rejected',
    yaml: ra(`  jwtRules:
  - issuer: a
    audiences: [""]
    fromHeaders:
    - name: ""
    fromParams: [""]
    fromCookies: [""]`),
    errors: [
      ['spec.jwtRules[0].audiences[0]'],
      ['spec.jwtRules[0].fromHeaders[0].name'],
      ['spec.jwtRules[0].fromParams[0]'],
      ['spec.jwtRules[0].fromCookies[0]'],
    ],
  },
  {
    name: 'fromHeaders entry without a name is a structural error',
    yaml: ra('  jwtRules:\n  - issuer: a\n    fromHeaders:\n    - prefix: "Bearer "'),
    errors: [['spec.jwtRules[0].fromHeaders[0].name', 'Required value']],
  },
  {
    name: 'outputClaimToHeaders needs a valid header and a claim',
    yaml: ra(`  jwtRules:
  - issuer: a
    outputClaimToHeaders:
    - header: "x bad"
      claim: sub
    - header: x-ok`),
    errors: [
      ['spec.jwtRules[0].outputClaimToHeaders[0].header', 'not a valid header name'],
      ['spec.jwtRules[0].outputClaimToHeaders[1].claim', 'must be non-empty'],
    ],
  },
  {
    name: 'bad timeout is rejected',
    yaml: ra('  jwtRules:\n  - issuer: a\n    timeout: soon'),
    errors: [['spec.jwtRules[0].timeout', 'invalid duration']],
  },
  {
    name: 'misspelled jwtRules field is an unknown field',
    yaml: ra('  jwtRules:\n  - issuer: a\n    jwks_uri: https://a.example/keys'),
    errors: [['spec.jwtRules[0].jwks_uri', 'unknown field']],
  },
  {
    name: 'documented targetRef to a Gateway is accepted',
    yaml: ra(`  targetRef:
    kind: Gateway
    group: gateway.networking.k8s.io
    name: waypoint
  jwtRules:
  - issuer: a`),
  },
  {
    name: 'selector and targetRefs together are rejected',
    yaml: ra(`  selector:
    matchLabels:
      app: a
  targetRefs:
  - kind: Service
    name: a`),
    errors: [['spec', 'only one of']],
  },
]);
