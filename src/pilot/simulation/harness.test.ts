// The push checks must fail on the inconsistencies they exist to catch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caseFromYaml } from '../networking/endpoint/golden-fixture.js';
import { assertConsistentPush, generatePush, referencedClusters } from './harness.js';

const CASE = `
kind: GoldenCase
proxy: { id: sidecar~10.1.0.1~web-1.shop~shop.svc.cluster.local, metadata: { NAMESPACE: shop } }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { clusterIP: 10.0.1.1, selector: { app: web }, ports: [{ name: http, port: 8080 }, { name: tcp-db, port: 5432 }] }
---
apiVersion: v1
kind: Pod
metadata: { name: web-1, namespace: shop, labels: { app: web } }
spec: { containers: [{ name: app }] }
status: { podIP: 10.1.0.1, conditions: [{ type: Ready, status: "True" }] }
`;

test('push harness: references are found and every broken invariant fails', () => {
  const gen = generatePush(caseFromYaml('harness', CASE));
  const refs = referencedClusters(gen);
  for (const name of ['inbound|8080||', 'inbound|5432||', 'outbound|8080||web.shop.svc.cluster.local', 'outbound|5432||web.shop.svc.cluster.local', 'PassthroughCluster', 'InboundPassthroughCluster']) {
    assert.ok(refs.has(name), `${name} is referenced`);
  }
  const broken: [string, typeof gen, RegExp][] = [
    ['missing RDS', { ...gen, routes: gen.routes.slice(1) }, /RDS name/],
    ['missing EDS', { ...gen, endpoints: gen.endpoints.slice(1) }, /ClusterLoadAssignment/],
    ['missing inbound cluster', { ...gen, clusters: gen.clusters.filter((c) => c.name !== 'inbound|8080||') }, /inbound\|8080\|\| is referenced/],
    ['duplicate cluster', { ...gen, clusters: [...gen.clusters, gen.clusters[0]] }, /unique/],
    ['unencodable listener', { ...gen, listeners: [...gen.listeners, { name: 'x', bogus_field: 1 } as never] }, /does not encode/],
  ];
  for (const [name, g, re] of broken) assert.throws(() => assertConsistentPush(g), re, name);
});
