import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caseFromYaml } from '../endpoint/golden-fixture.js';
import { consistentHashToHashPolicy, hashPolicyForDestination } from './hash-policy.js';

test('consistentHashToHashPolicy: one route hash policy per key kind', () => {
  const cases: [Parameters<typeof consistentHashToHashPolicy>[0], unknown][] = [
    [{ httpHeaderName: 'x-user' }, { header: { header_name: 'x-user' } }],
    [{ httpCookie: { name: 'session', ttl: '0s' } }, { cookie: { name: 'session', ttl: { seconds: 0 } } }],
    [{ httpCookie: { name: 'c', path: '/p', ttl: '1.5s', attributes: [{ name: 'SameSite', value: 'Strict' }] } },
      { cookie: { name: 'c', ttl: { seconds: 1, nanos: 500000000 }, path: '/p', attributes: [{ name: 'SameSite', value: 'Strict' }] } }],
    [{ useSourceIp: true }, { connection_properties: { source_ip: true } }],
    [{ httpQueryParameterName: 'user' }, { query_parameter: { name: 'user' } }],
    [{ ringHash: { minimumRingSize: 10 } }, undefined],
    [undefined, undefined],
  ];
  for (const [ch, want] of cases) assert.deepEqual(consistentHashToHashPolicy(ch), want, JSON.stringify(ch));
});

test('hashPolicyForDestination: port-level and subset precedence', () => {
  const c = caseFromYaml('hash', `
kind: GoldenCase
proxy: { id: sidecar~10.1.0.1~a-1.default~default.svc.cluster.local, metadata: { NAMESPACE: default } }
---
apiVersion: v1
kind: Service
metadata: { name: svc, namespace: default }
spec: { clusterIP: 10.0.0.1, ports: [{ name: http, port: 80 }, { name: http-b, port: 81 }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: svc, namespace: default }
spec:
  host: svc
  trafficPolicy:
    loadBalancer: { consistentHash: { httpHeaderName: x-rule } }
    portLevelSettings: [{ port: { number: 81 }, loadBalancer: { consistentHash: { useSourceIp: true } } }]
  subsets:
  - { name: a, labels: { v: a }, trafficPolicy: { loadBalancer: { consistentHash: { httpQueryParameterName: q } } } }
  - { name: b, labels: { v: b } }
`);
  const svc = { hostname: 'svc.default.svc.cluster.local', namespace: 'default' };
  const cases: [number, string, unknown][] = [
    [80, '', { header: { header_name: 'x-rule' } }],
    [81, '', { connection_properties: { source_ip: true } }],
    [80, 'a', { query_parameter: { name: 'q' } }],
    [80, 'b', { header: { header_name: 'x-rule' } }],
    [81, 'b', { connection_properties: { source_ip: true } }],
  ];
  for (const [port, subset, want] of cases) assert.deepEqual(hashPolicyForDestination(c.push, c.proxy, svc, port, subset), want, `${port}/${subset}`);
  assert.equal(hashPolicyForDestination(c.push, c.proxy, { hostname: 'other.default.svc.cluster.local', namespace: 'default' }, 80), undefined);
});

// Regression: routes and clusters used two hash-policy implementations that disagreed. The
// cluster-side one replaced the whole policy with a port-level entry, so a port-level setting that
// only tuned the connection pool dropped the rule's hash key from the route; Istio keeps it.
test('hash policy: a port-level setting without consistentHash keeps the rule hash (one implementation for routes and clusters)', () => {
  const c = caseFromYaml('hash-regression', `
kind: GoldenCase
proxy: { id: sidecar~10.1.0.1~a-1.default~default.svc.cluster.local, metadata: { NAMESPACE: default } }
---
apiVersion: v1
kind: Service
metadata: { name: svc, namespace: default }
spec: { clusterIP: 10.0.0.1, ports: [{ name: http, port: 80 }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: svc, namespace: default }
spec:
  host: svc
  trafficPolicy:
    loadBalancer: { consistentHash: { httpHeaderName: x-rule } }
    portLevelSettings: [{ port: { number: 80 }, connectionPool: { tcp: { maxConnections: 5 } } }]
  subsets:
  - { name: a, labels: { v: a }, trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, loadBalancer: { consistentHash: { httpCookie: { name: s, ttl: 10s } } } }] } }
`);
  const svc = { hostname: 'svc.default.svc.cluster.local', namespace: 'default' };
  const cases: [number | undefined, string, unknown][] = [
    [80, '', { header: { header_name: 'x-rule' } }],
    [undefined, '', { header: { header_name: 'x-rule' } }],
    // A subset's port-level entry applies only when the destination names the port.
    [80, 'a', { cookie: { name: 's', ttl: { seconds: 10 } } }],
    [undefined, 'a', { header: { header_name: 'x-rule' } }],
  ];
  for (const [port, subset, want] of cases) assert.deepEqual(hashPolicyForDestination(c.push, c.proxy, svc, port, subset), want, `${port}/${subset}`);
});
