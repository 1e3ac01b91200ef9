import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveMesh } from '../../model/mesh.js';
import { snapshotFromYaml } from '../../test-fixtures.js';
import { AggregateRegistry } from '../aggregate.js';
import { KubeRegistry } from '../kube/kube-registry.js';
import { ServiceEntryRegistry } from './service-entry-registry.js';

const ctx = { mesh: resolveMesh(), clusterId: 'Kubernetes' };

function registry(yaml: string): ServiceEntryRegistry {
  const r = new ServiceEntryRegistry(ctx);
  r.update(snapshotFromYaml(yaml));
  return r;
}

const eps = (r: ServiceEntryRegistry, hostname: string, namespace: string) =>
  r.instances({ hostname, namespace }).map((i) => [i.servicePort.port, i.endpoint.address, i.endpoint.endpointPort]);

test('ServiceEntry: resolutions, locations, hosts × addresses, exportTo, subjectAltNames', () => {
  const cases: { name: string; spec: string; want: unknown[] }[] = [
    {
      name: 'STATIC internal, two hosts, one address',
      spec: `{ hosts: [a.example.com, b.example.com], addresses: [240.0.0.1/32], location: MESH_INTERNAL, resolution: STATIC,
               ports: [{ number: 80, name: http, protocol: HTTP }], endpoints: [{ address: 1.1.1.1 }], exportTo: ["."], subjectAltNames: [spiffe://td/ns/x/sa/y] }`,
      want: [
        ['a.example.com', 'ClientSideLB', false, '240.0.0.1', ['.'], ['spiffe://td/ns/x/sa/y']],
        ['b.example.com', 'ClientSideLB', false, '240.0.0.1', ['.'], ['spiffe://td/ns/x/sa/y']],
      ],
    },
    {
      name: 'DNS external (the default location), two addresses make two services',
      spec: `{ hosts: [api.example.com], addresses: [240.0.0.2, 240.0.0.3], resolution: DNS, ports: [{ number: 443, name: tls, protocol: TLS }] }`,
      want: [
        ['api.example.com', 'DNSLB', true, '240.0.0.2', undefined, []],
        ['api.example.com', 'DNSLB', true, '240.0.0.3', undefined, []],
      ],
    },
    {
      name: 'a CIDR address stays a range',
      spec: `{ hosts: [range.example.com], addresses: [10.0.0.0/16], resolution: NONE, ports: [{ number: 5432, name: tcp, protocol: TCP }] }`,
      want: [['range.example.com', 'Passthrough', true, '10.0.0.0/16', undefined, []]],
    },
    {
      name: 'NONE is passthrough; no addresses means 0.0.0.0',
      spec: `{ hosts: ["*.wild.com"], resolution: NONE, ports: [{ number: 443, name: tls, protocol: TLS, targetPort: 8443 }] }`,
      want: [['*.wild.com', 'Passthrough', true, '0.0.0.0', undefined, []]],
    },
    {
      name: 'DNS_ROUND_ROBIN',
      spec: `{ hosts: [rr.example.com], resolution: DNS_ROUND_ROBIN, ports: [{ number: 80, name: http, protocol: http }] }`,
      want: [['rr.example.com', 'DNSRoundRobinLB', true, '0.0.0.0', undefined, []]],
    },
  ];
  for (const c of cases) {
    const r = registry(`apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: se, namespace: ns }\nspec: ${c.spec}\n`);
    assert.deepEqual(
      r.services().map((s) => [s.hostname, s.resolution, s.meshExternal, s.defaultAddress, s.exportTo, s.serviceAccounts]),
      c.want, c.name,
    );
    for (const s of r.services()) assert.equal(s.configName, 'se');
  }
});

test('ServiceEntry: endpoint ports (workload port by name > targetPort > number) and protocols', () => {
  const r = registry(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: se, namespace: ns }
spec:
  hosts: [svc.example.com]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
  - { number: 80, name: http, protocol: HTTP }
  - { number: 90, name: grpc, protocol: GRPC, targetPort: 9090 }
  endpoints:
  - { address: 10.0.0.1, ports: { http: 8080 }, labels: { version: v1 }, serviceAccount: sa1, locality: r/z/s, weight: 3, network: n1 }
  - { address: 10.0.0.2 }
`);
  const svc = r.services()[0];
  assert.deepEqual(svc.ports.map((p) => [p.name, p.port, p.protocol, p.targetPort]), [['http', 80, 'HTTP', undefined], ['grpc', 90, 'GRPC', 9090]]);
  assert.deepEqual(eps(r, 'svc.example.com', 'ns'), [[80, '10.0.0.1', 8080], [80, '10.0.0.2', 80], [90, '10.0.0.1', 9090], [90, '10.0.0.2', 9090]]);
  const first = r.endpoints(svc, 80, { version: 'v1' })[0].endpoint;
  assert.deepEqual(
    [first.serviceAccount, first.tlsMode, first.locality, first.weight, first.network, first.servicePortName],
    ['spiffe://cluster.local/ns/ns/sa/sa1', 'istio', { region: 'r', zone: 'z', subzone: 's' }, 3, 'n1', 'http'],
  );
  assert.equal(r.endpoints(svc, 80, { version: 'v2' }).length, 0);
});

test('ServiceEntry: DNS without endpoints resolves its hosts; NONE keeps targetPort overrides', () => {
  const r = registry(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: dns, namespace: ns }
spec: { hosts: [a.com, b.com], resolution: DNS, ports: [{ number: 443, name: https, protocol: HTTPS, targetPort: 8443 }] }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: none, namespace: ns }
spec: { hosts: [c.com], resolution: NONE, ports: [{ number: 443, name: https, protocol: HTTPS, targetPort: 8443 }] }
`);
  assert.deepEqual(eps(r, 'a.com', 'ns'), [[443, 'a.com', 8443]]);
  assert.deepEqual(eps(r, 'b.com', 'ns'), [[443, 'b.com', 8443]]);
  assert.deepEqual(eps(r, 'c.com', 'ns'), []);
  assert.deepEqual([...(r.getService('c.com')?.passthroughTargetPorts ?? [])], [[443, 8443]]);
  assert.equal(r.getService('a.com')?.passthroughTargetPorts, undefined);
});

test('ServiceEntry: workloadSelector picks WorkloadEntries and Pods of its own namespace', () => {
  const r = registry(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: vms, namespace: ns }
spec:
  hosts: [vm.internal]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 80, name: http, protocol: HTTP, targetPort: 8000 }]
  workloadSelector: { labels: { app: vm } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm-a, namespace: ns }
spec: { address: 10.0.0.1, labels: { app: vm, security.istio.io/tlsMode: disabled }, serviceAccount: vm, ports: { http: 7000 } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm-b, namespace: other }
spec: { address: 10.0.0.2, labels: { app: vm } }
---
apiVersion: v1
kind: Pod
metadata: { name: vm-pod, namespace: ns, labels: { app: vm, security.istio.io/tlsMode: istio } }
spec: { containers: [{ name: c, image: x, ports: [{ name: http, containerPort: 7100 }] }] }
status: { podIP: 10.0.0.3 }
---
apiVersion: v1
kind: Pod
metadata: { name: other, namespace: ns, labels: { app: other } }
spec: { containers: [{ name: c, image: x }] }
status: { podIP: 10.0.0.4 }
`);
  const got = r.instances({ hostname: 'vm.internal', namespace: 'ns' }).map((i) => [i.endpoint.address, i.endpoint.endpointPort, i.endpoint.tlsMode, i.endpoint.workloadName]);
  assert.deepEqual(got, [['10.0.0.1', 7000, 'disabled', 'vm-a'], ['10.0.0.3', 7100, 'istio', 'vm-pod']]);
  assert.deepEqual(r.workloadsByAddress('10.0.0.2').map((w) => [w.kind, w.name, w.namespace]), [['WorkloadEntry', 'vm-b', 'other']]);
});

test('aggregate: Kubernetes registries are asked first; instances come from every source', () => {
  const snap = snapshotFromYaml(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: squat, namespace: ns, creationTimestamp: "2020-01-01T00:00:00Z" }
spec: { hosts: [web.ns.svc.cluster.local], location: MESH_INTERNAL, resolution: STATIC, ports: [{ number: 80, name: http, protocol: HTTP }], endpoints: [{ address: 9.9.9.9 }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: ns, creationTimestamp: "2024-01-01T00:00:00Z" }
spec: { clusterIP: 10.0.0.1, ports: [{ name: http, port: 80 }] }
`);
  const se = new ServiceEntryRegistry(ctx);
  const kube = new KubeRegistry(ctx);
  const agg = new AggregateRegistry([se, kube]);
  const heard: string[] = [];
  agg.onChange((_c, src) => heard.push(src.provider));
  se.update(snap);
  kube.update(snap);
  assert.equal(agg.getService('web.ns.svc.cluster.local')?.registry, 'Kubernetes');
  assert.deepEqual(agg.services().map((s) => s.registry), ['External', 'Kubernetes'], 'oldest first');
  assert.deepEqual(agg.instances({ hostname: 'web.ns.svc.cluster.local', namespace: 'ns' }).map((i) => i.endpoint.address), ['9.9.9.9']);
  assert.deepEqual(heard, ['Aggregate', 'Aggregate']);
});
