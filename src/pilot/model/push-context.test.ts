import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SnapshotRegistry } from '../serviceregistry/snapshot-registry.js';
import { snapshotFromYaml } from '../test-fixtures.js';
import { resolveMesh, type MeshSettings } from './mesh.js';
import { PushContext, type ProxyView } from './push-context.js';

function push(yaml: string, mesh: MeshSettings = {}): PushContext {
  const snapshot = snapshotFromYaml(yaml);
  const m = resolveMesh(mesh);
  const registry = new SnapshotRegistry(m);
  registry.update(snapshot);
  return PushContext.build({ snapshot, registry, mesh: m });
}

const sidecar = (ns: string, labels: Record<string, string> = {}): ProxyView => ({ type: 'sidecar', configNamespace: ns, labels });

const svc = (name: string, ns: string, extra = '', created = '2024-01-01T00:00:00Z', specExtra = '') => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns}, creationTimestamp: "${created}"${extra} }
spec: { clusterIP: 10.0.${ns.length}.${name.length}, ${specExtra}ports: [{ name: http, port: 80 }] }
---`;

const hostsFor = (pc: PushContext, p: ProxyView) => pc.servicesForProxy(p).map((s) => `${s.namespace}/${s.hostname}`).sort();

test('servicesForProxy: exportTo and Sidecar egress hosts decide what a proxy receives', () => {
  const base = [
    svc('a', 'ns1'),
    svc('b', 'ns2'),
    svc('private', 'ns2', ', annotations: { networking.istio.io/exportTo: "." }'),
    svc('to-ns1', 'ns3', ', annotations: { networking.istio.io/exportTo: "ns1" }'),
    svc('hidden', 'ns3', ', annotations: { networking.istio.io/exportTo: "~" }'),
  ].join('\n');
  const sidecarYaml = (ns: string, hosts: string[], selector = '') => `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: sc-${hosts.length}, namespace: ${ns} }
spec: { ${selector}egress: [{ hosts: [${hosts.map((h) => `"${h}"`).join(', ')}] }] }
---`;
  const cases: { name: string; extra?: string; mesh?: MeshSettings; proxy: ProxyView; want: string[] }[] = [
    {
      name: 'no Sidecar: everything exported to the namespace', proxy: sidecar('ns1'),
      want: ['ns1/a.ns1.svc.cluster.local', 'ns2/b.ns2.svc.cluster.local', 'ns3/to-ns1.ns3.svc.cluster.local'],
    },
    {
      name: 'no Sidecar, own namespace sees its private service', proxy: sidecar('ns2'),
      want: ['ns1/a.ns1.svc.cluster.local', 'ns2/b.ns2.svc.cluster.local', 'ns2/private.ns2.svc.cluster.local'],
    },
    {
      name: 'mesh default exportTo "." keeps services home', mesh: { defaultServiceExportTo: ['.'] }, proxy: sidecar('ns1'),
      want: ['ns1/a.ns1.svc.cluster.local', 'ns3/to-ns1.ns3.svc.cluster.local'],
    },
    {
      name: './* and istio-system/*', extra: sidecarYaml('ns1', ['./*', 'istio-system/*']), proxy: sidecar('ns1'),
      want: ['ns1/a.ns1.svc.cluster.local'],
    },
    {
      name: '*/host picks a host in any namespace', extra: sidecarYaml('ns1', ['*/b.ns2.svc.cluster.local']), proxy: sidecar('ns1'),
      want: ['ns2/b.ns2.svc.cluster.local'],
    },
    {
      name: 'ns/* imports only what that namespace exports to us', extra: sidecarYaml('ns1', ['ns2/*', 'ns3/*']), proxy: sidecar('ns1'),
      want: ['ns2/b.ns2.svc.cluster.local', 'ns3/to-ns1.ns3.svc.cluster.local'],
    },
    {
      name: '~/* imports nothing', extra: sidecarYaml('ns1', ['~/*']), proxy: sidecar('ns1'), want: [],
    },
    {
      name: 'wildcard host suffix', extra: sidecarYaml('ns1', ['*/*.ns2.svc.cluster.local']), proxy: sidecar('ns1'),
      want: ['ns2/b.ns2.svc.cluster.local'],
    },
    {
      name: 'root-namespace Sidecar is the default for namespaces without one; "." is the proxy\'s namespace',
      extra: sidecarYaml('istio-system', ['./*', 'ns2/*']), proxy: sidecar('ns1'),
      want: ['ns1/a.ns1.svc.cluster.local', 'ns2/b.ns2.svc.cluster.local'],
    },
    {
      name: 'a selector Sidecar applies only to matching workloads',
      extra: sidecarYaml('ns1', ['./*'], 'workloadSelector: { labels: { app: x } }, '), proxy: sidecar('ns1', { app: 'y' }),
      want: ['ns1/a.ns1.svc.cluster.local', 'ns2/b.ns2.svc.cluster.local', 'ns3/to-ns1.ns3.svc.cluster.local'],
    },
    {
      name: 'a selector Sidecar wins over the namespace default for matching workloads',
      extra: sidecarYaml('ns1', ['ns2/*']) + sidecarYaml('ns1', ['./*', 'ns3/*'], 'workloadSelector: { labels: { app: x } }, '),
      proxy: sidecar('ns1', { app: 'x' }),
      want: ['ns1/a.ns1.svc.cluster.local', 'ns3/to-ns1.ns3.svc.cluster.local'],
    },
  ];
  for (const c of cases) {
    assert.deepEqual(hostsFor(push(base + (c.extra ?? ''), c.mesh), c.proxy), c.want, c.name);
  }
});

test('hostname conflicts: oldest wins, a Kubernetes Service beats a ServiceEntry, own namespace first', () => {
  const se = (name: string, ns: string, host: string, created: string, port = 80, exportTo = '') => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${name}, namespace: ${ns}, creationTimestamp: "${created}" }
spec: { ${exportTo}hosts: [${host}], location: MESH_INTERNAL, resolution: DNS, ports: [{ number: ${port}, name: p${port}, protocol: HTTP }] }
---`;
  const pc = push([
    se('squat', 'ns1', 'web.ns1.svc.cluster.local', '2000-01-01T00:00:00Z'),
    svc('web', 'ns1', '', '2024-01-01T00:00:00Z'),
    se('old', 'ns1', 'api.example.com', '2001-01-01T00:00:00Z'),
    se('new', 'ns1', 'api.example.com', '2002-01-01T00:00:00Z', 8080),
    se('mine', 'ns2', 'api.example.com', '2003-01-01T00:00:00Z', 9090, 'exportTo: ["."], '),
    se('public-later', 'ns4', 'other.example.com', '2005-01-01T00:00:00Z'),
    se('public-first', 'ns5', 'other.example.com', '2004-01-01T00:00:00Z'),
  ].join('\n'));
  assert.equal(pc.services.get('web.ns1.svc.cluster.local', 'ns1')?.registry, 'Kubernetes');
  assert.equal(pc.serviceForHostname(sidecar('ns3'), 'web.ns1.svc.cluster.local')?.registry, 'Kubernetes');
  assert.equal(pc.services.get('api.example.com', 'ns1')?.configName, 'old');
  // Two ServiceEntries of one namespace for one host merge their ports for the proxy.
  assert.deepEqual(pc.serviceForHostname(sidecar('ns3'), 'api.example.com')?.ports.map((p) => p.port), [80, 8080]);
  // A proxy in ns2 sees its namespace-private definition before public ones.
  assert.equal(pc.serviceForHostname(sidecar('ns2'), 'api.example.com')?.namespace, 'ns2');
  assert.equal(pc.serviceForHostname(sidecar('ns3'), 'api.example.com')?.namespace, 'ns1');
  // Between public definitions in different namespaces, the oldest wins, even for a proxy in the newer one's namespace.
  assert.equal(pc.serviceForHostname(sidecar('ns4'), 'other.example.com')?.namespace, 'ns5');
});

test('VirtualServices by gateway: mesh default, exportTo, short names, gateway names', () => {
  const vs = (name: string, ns: string, spec: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: ${ns} }
spec: ${spec}
---`;
  const pc = push([
    vs('reviews', 'bookinfo', '{ hosts: [reviews], http: [{ route: [{ destination: { host: reviews, subset: v1 } }] }] }'),
    vs('private', 'bookinfo', '{ hosts: [ratings], exportTo: ["."], http: [{ route: [{ destination: { host: ratings } }] }] }'),
    vs('to-other', 'bookinfo', '{ hosts: [details], exportTo: [other], http: [{ route: [{ destination: { host: details } }] }] }'),
    vs('ingress', 'bookinfo', '{ hosts: ["*"], gateways: [bookinfo-gateway, "istio-system/shared"], http: [{ route: [{ destination: { host: productpage } }] }] }'),
  ].join('\n'));
  const names = (ns: string, gw: string) => pc.virtualServicesForGateway(ns, gw).map((v) => v.meta.name).sort();
  assert.deepEqual(names('bookinfo', 'mesh'), ['private', 'reviews']);
  assert.deepEqual(names('other', 'mesh'), ['reviews', 'to-other']);
  assert.deepEqual(names('x', 'mesh'), ['reviews']);
  assert.deepEqual(names('x', 'bookinfo/bookinfo-gateway'), ['ingress']);
  assert.deepEqual(names('x', 'istio-system/shared'), ['ingress']);
  assert.deepEqual(names('x', 'bookinfo-gateway'), []);
  const reviews = pc.virtualServicesForGateway('x', 'mesh').find((v) => v.meta.name === 'reviews')!;
  assert.deepEqual(reviews.spec.hosts, ['reviews.bookinfo.svc.cluster.local']);
  assert.deepEqual(reviews.spec.http?.[0].route?.[0].destination, { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' });
});

test('VirtualService delegation merges matches and drops conflicting or unexported delegates', () => {
  const pc = push(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: root, namespace: front }
spec:
  hosts: [shop.example.com]
  gateways: [gw]
  http:
  - name: cart
    match: [{ uri: { prefix: /cart } }]
    timeout: 5s
    delegate: { name: cart, namespace: team }
  - name: hidden
    match: [{ uri: { prefix: /hidden } }]
    delegate: { name: hidden, namespace: team }
  - name: missing
    delegate: { name: nope }
  - route: [{ destination: { host: web } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: cart, namespace: team }
spec:
  http:
  - name: v2
    match: [{ uri: { prefix: /cart/v2 }, headers: { x: { exact: "1" } } }]
    route: [{ destination: { host: cart-v2 } }]
  - name: wrong
    match: [{ uri: { prefix: /other } }]
    route: [{ destination: { host: other } }]
  - route: [{ destination: { host: cart } }]
    timeout: 1s
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: hidden, namespace: team }
spec:
  exportTo: ["."]
  http: [{ route: [{ destination: { host: hidden } }] }]
`);
  const [root] = pc.virtualServicesForGateway('front', 'front/gw');
  assert.deepEqual(root.spec.http, [
    {
      name: 'cart-v2',
      match: [{ uri: { prefix: '/cart/v2' }, headers: { x: { exact: '1' } } }],
      route: [{ destination: { host: 'cart-v2.team.svc.cluster.local' } }],
      timeout: '5s',
    },
    { name: 'cart', match: [{ uri: { prefix: '/cart' } }], route: [{ destination: { host: 'cart.team.svc.cluster.local' } }], timeout: '1s' },
    { route: [{ destination: { host: 'web.front.svc.cluster.local' } }] },
  ]);
  assert.equal(pc.virtualServicesForGateway('team', 'mesh').length, 0, 'delegates are not served on their own');
  assert.deepEqual(pc.virtualServices.rootsByDelegate.get('VirtualService.networking.istio.io/team/cart'), ['VirtualService.networking.istio.io/front/root']);
});

test('DestinationRule precedence: client namespace, service namespace, root namespace; merging', () => {
  const dr = (name: string, ns: string, spec: string, created = '2024-01-01T00:00:00Z') => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ${name}, namespace: ${ns}, creationTimestamp: "${created}" }
spec: ${spec}
---`;
  const pc = push([
    svc('reviews', 'bookinfo'),
    svc('other', 'team'),
    dr('svc-ns', 'bookinfo', '{ host: reviews, subsets: [{ name: v1, labels: { version: v1 } }] }', '2020-01-01T00:00:00Z'),
    dr('svc-ns-later', 'bookinfo', '{ host: reviews, trafficPolicy: { loadBalancer: { simple: RANDOM } }, subsets: [{ name: v1, labels: { version: x } }, { name: v2, labels: { version: v2 } }] }', '2021-01-01T00:00:00Z'),
    dr('client-ns', 'client', '{ host: reviews.bookinfo.svc.cluster.local, subsets: [{ name: mine, labels: { a: b } }] }'),
    dr('private', 'bookinfo2', '{ host: "*.svc.cluster.local", exportTo: ["."] }'),
    dr('root-wild', 'istio-system', '{ host: "*.svc.cluster.local", trafficPolicy: { tls: { mode: ISTIO_MUTUAL } } }'),
    dr('root-private', 'istio-system', '{ host: "*.local", exportTo: ["."] }'),
    dr('selected', 'client', '{ host: reviews.bookinfo.svc.cluster.local, workloadSelector: { matchLabels: { app: special } }, subsets: [{ name: sel, labels: { a: c } }] }'),
  ].join('\n'));
  const reviews = { hostname: 'reviews.bookinfo.svc.cluster.local', namespace: 'bookinfo' };
  const other = { hostname: 'other.team.svc.cluster.local', namespace: 'team' };
  const cases: [string, ProxyView, typeof reviews, string[] | undefined][] = [
    ['service namespace rules, merged oldest first', sidecar('default'), reviews, ['DestinationRule.networking.istio.io/bookinfo/svc-ns', 'DestinationRule.networking.istio.io/bookinfo/svc-ns-later']],
    ['client namespace first', sidecar('client'), reviews, ['DestinationRule.networking.istio.io/client/client-ns', 'DestinationRule.networking.istio.io/client/selected']],
    ['client workload selector', sidecar('client', { app: 'special' }), reviews, ['DestinationRule.networking.istio.io/client/selected']],
    ['root namespace catch-all', sidecar('default'), other, ['DestinationRule.networking.istio.io/istio-system/root-wild']],
    ['root-namespace proxies use root-local rules', sidecar('istio-system'), other, ['DestinationRule.networking.istio.io/istio-system/root-private']],
  ];
  for (const [name, proxy, service, want] of cases) {
    const got = pc.destinationRule(proxy, service);
    assert.deepEqual(got?.from, want, name);
  }
  const merged = pc.destinationRule(sidecar('default'), reviews)!.rule.spec;
  assert.deepEqual(merged.subsets, [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }]);
  assert.deepEqual(merged.trafficPolicy, { loadBalancer: { simple: 'RANDOM' } });
});

test('gateways, Sidecar egress VirtualService selection, policies, captured endpoints', () => {
  const pc = push(`
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: ingress, namespace: istio-system }
spec: { selector: { istio: ingressgateway }, servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: egress, namespace: istio-system }
spec: { selector: { istio: egressgateway }, servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }] }
---
${svc('a', 'ns1')}
${svc('b', 'ns2', '', undefined, 'selector: { app: b }, ')}
apiVersion: v1
kind: Pod
metadata: { name: b-1, namespace: ns2, labels: { app: b } }
spec: { containers: [{ name: c, image: b }] }
status: { podIP: 10.9.0.1 }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: a-to-b, namespace: ns1 }
spec: { hosts: [a], http: [{ route: [{ destination: { host: b.ns2.svc.cluster.local } }] }] }
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: ns1 }
spec: { egress: [{ hosts: ["./*"] }] }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: mesh, namespace: istio-system }
spec: { mtls: { mode: STRICT } }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: ns, namespace: ns2 }
spec: { mtls: { mode: PERMISSIVE } }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: root-sel, namespace: istio-system }
spec: { selector: { matchLabels: { app: b } }, action: DENY, rules: [{}] }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: other-app, namespace: ns2 }
spec: { selector: { matchLabels: { app: z } } }
`);
  assert.deepEqual(pc.gatewaysForProxy({ type: 'router', configNamespace: 'istio-system', labels: { istio: 'ingressgateway' } }).map((g) => g.meta.name), ['ingress']);
  assert.deepEqual(pc.gatewaysForProxy(sidecar('ns1', { istio: 'ingressgateway' })), []);
  // ./* selects a-to-b, and the service it routes to comes along.
  assert.deepEqual(hostsFor(pc, sidecar('ns1')), ['ns1/a.ns1.svc.cluster.local', 'ns2/b.ns2.svc.cluster.local']);
  assert.deepEqual(pc.sidecarScope(sidecar('ns1')).virtualServices.map((v) => v.meta.name), ['a-to-b']);
  assert.equal(pc.sidecarScope(sidecar('ns1')), pc.sidecarScope(sidecar('ns1', { any: 'x' })), 'scopes are shared');
  assert.deepEqual(pc.peerAuthentications.forWorkload('ns2', { app: 'b' }).map((p) => p.meta.name), ['mesh', 'ns']);
  assert.deepEqual(pc.authorizationPolicies.forWorkload('ns2', { app: 'b' }).map((p) => p.meta.name), ['root-sel']);
  assert.deepEqual(pc.authorizationPolicies.forWorkload('ns1', { app: 'a' }).map((p) => p.meta.name), []);
  assert.deepEqual(pc.endpoints({ hostname: 'b.ns2.svc.cluster.local', namespace: 'ns2' }, 80).map((i) => i.endpoint.address), ['10.9.0.1']);
});
