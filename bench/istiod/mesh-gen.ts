// The control-plane benchmark's mesh: Kubernetes Services with EndpointSlices and Pods across
// namespaces, plus VirtualServices (weighted subset splits, header matches) and DestinationRules
// (subsets, traffic policy) for a share of them, as YAML files for `istiod --configDir`. Also the
// sidecars that the simulated clients impersonate (one per pod, with the pod's IP and labels) and
// the two edits the benchmark times: an endpoint change and a VirtualService change.

export interface MeshShape {
  services: number;
  namespaces: number;
  /** Every `routedEvery`-th service gets a VirtualService and a DestinationRule. */
  routedEvery: number;
  /**
   * `namespace`: a default `Sidecar` in every namespace with egress hosts `./*` and
   * `istio-system/*`, the scoping Istio recommends at scale (a sidecar then sees only its own
   * namespace's services). `none` (default): no Sidecar, every sidecar sees every service.
   */
  sidecarScope?: 'none' | 'namespace';
}

export const DEFAULT_SHAPE: MeshShape = { services: 1000, namespaces: 20, routedEvery: 5 };

export interface PodInfo {
  name: string;
  namespace: string;
  ip: string;
  labels: Record<string, string>;
  service: number;
}

export interface SidecarNode {
  /** Istio's node ID: `sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`. */
  id: string;
  namespace: string;
  labels: Record<string, string>;
}

export interface GeneratedMesh {
  /** Relative path → file content. */
  files: Map<string, string>;
  pods: PodInfo[];
  /** Object counts by kind, for the report. */
  counts: Record<string, number>;
}

const HTTP_PORT = 80;
const GRPC_PORT = 9090;
const TCP_PORT = 6379;
const TARGET_HTTP = 8080;

export const nsName = (n: number) => `bench-ns-${String(n).padStart(2, '0')}`;
export const svcName = (i: number) => `svc-${String(i).padStart(4, '0')}`;
export const svcNamespace = (i: number, shape: MeshShape) => nsName(i % shape.namespaces);
export const svcHost = (i: number, shape: MeshShape) => `${svcName(i)}.${svcNamespace(i, shape)}.svc.cluster.local`;
/** 2 or 3 pods per service, alternating. */
const podsOf = (i: number) => (i % 2 === 0 ? 3 : 2);
/** Every 4th service also serves gRPC, every 10th also plain TCP (a cache-like port). */
const hasGrpc = (i: number) => i % 4 === 1;
const hasTcp = (i: number) => i % 10 === 3;
const isRouted = (i: number, shape: MeshShape) => i % shape.routedEvery === 0;

/** Pod IPs 10.16.0.1 upwards, never .0 or .255 in the last octet. */
function podIp(k: number): string {
  const host = (k % 250) + 1;
  const rest = Math.floor(k / 250);
  return `10.${16 + Math.floor(rest / 256)}.${rest % 256}.${host}`;
}

/** Service VIPs from 10.96.0.10 upwards, as a cluster's service CIDR hands them out. */
const clusterIp = (i: number) => `10.96.${Math.floor((i + 10) / 250)}.${((i + 10) % 250) + 1}`;

function serviceYaml(i: number, shape: MeshShape): string {
  const ports = [`  - name: http\n    port: ${HTTP_PORT}\n    targetPort: ${TARGET_HTTP}`];
  if (hasGrpc(i)) ports.push(`  - name: grpc-api\n    port: ${GRPC_PORT}\n    targetPort: ${GRPC_PORT}`);
  if (hasTcp(i)) ports.push(`  - name: tcp-cache\n    port: ${TCP_PORT}\n    targetPort: ${TCP_PORT}`);
  return `apiVersion: v1
kind: Service
metadata:
  name: ${svcName(i)}
  namespace: ${svcNamespace(i, shape)}
  labels:
    app: ${svcName(i)}
spec:
  clusterIP: ${clusterIp(i)}
  selector:
    app: ${svcName(i)}
  ports:
${ports.join('\n')}
`;
}

function podYaml(p: PodInfo, i: number): string {
  const ports = [`    - name: http\n      containerPort: ${TARGET_HTTP}`];
  if (hasGrpc(i)) ports.push(`    - name: grpc-api\n      containerPort: ${GRPC_PORT}`);
  if (hasTcp(i)) ports.push(`    - name: tcp-cache\n      containerPort: ${TCP_PORT}`);
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${p.name}
  namespace: ${p.namespace}
  labels:
${Object.entries(p.labels).map(([k, v]) => `    ${k}: ${v}`).join('\n')}
spec:
  serviceAccountName: ${svcName(i)}
  containers:
  - name: app
    image: registry.example/${svcName(i)}:1.0
    ports:
${ports.join('\n')}
status:
  phase: Running
  podIP: ${p.ip}
  conditions:
  - type: Ready
    status: "True"
`;
}

/** The EndpointSlice of service `i`; `override` replaces one endpoint's address (the endpoint edit). */
export function endpointSliceYaml(i: number, pods: readonly PodInfo[], shape: MeshShape, override?: { index: number; ip: string }): string {
  const ports = [`- name: http\n  port: ${TARGET_HTTP}\n  protocol: TCP`];
  if (hasGrpc(i)) ports.push(`- name: grpc-api\n  port: ${GRPC_PORT}\n  protocol: TCP`);
  if (hasTcp(i)) ports.push(`- name: tcp-cache\n  port: ${TCP_PORT}\n  protocol: TCP`);
  const eps = pods.map((p, k) => {
    const replaced = override?.index === k;
    const ref = replaced ? '' : `\n  targetRef:\n    kind: Pod\n    name: ${p.name}\n    namespace: ${p.namespace}`;
    return `- addresses:\n  - ${replaced ? override.ip : p.ip}\n  conditions:\n    ready: true${ref}`;
  });
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${svcName(i)}-abc12
  namespace: ${svcNamespace(i, shape)}
  labels:
    kubernetes.io/service-name: ${svcName(i)}
addressType: IPv4
endpoints:
${eps.join('\n')}
ports:
${ports.join('\n')}
`;
}

/**
 * VirtualService of service `i`: a header match to v2 and an 80/20 split otherwise. `revision`
 * changes the header value, so every edit changes the route configuration's bytes and the new
 * value (`bench-rev-<revision>`) is the marker a client looks for.
 */
export function virtualServiceYaml(i: number, shape: MeshShape, revision = 0): string {
  const host = svcName(i);
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${host}
  namespace: ${svcNamespace(i, shape)}
spec:
  hosts:
  - ${host}
  http:
  - name: canary-header
    match:
    - headers:
        x-canary:
          exact: ${revisionMarker(revision)}
    route:
    - destination:
        host: ${host}
        subset: v2
  - name: split
    route:
    - destination:
        host: ${host}
        subset: v1
        port:
          number: ${HTTP_PORT}
      weight: 80
    - destination:
        host: ${host}
        subset: v2
        port:
          number: ${HTTP_PORT}
      weight: 20
    timeout: 5s
    retries:
      attempts: 3
      perTryTimeout: 2s
      retryOn: 5xx,connect-failure
`;
}

/** The namespace-wide default Sidecar (no workloadSelector): egress to its own namespace and istio-system. */
export function sidecarYaml(namespace: string): string {
  return `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: ${namespace}
spec:
  egress:
  - hosts:
    - "./*"
    - "istio-system/*"
`;
}

/**
 * Whether a sidecar in `clientNamespace` sees service `i` (and so gets its routes and endpoints):
 * always without scoping; with namespace scoping, only in the service's own namespace.
 */
export function seesService(clientNamespace: string, i: number, shape: MeshShape): boolean {
  return (shape.sidecarScope ?? 'none') === 'none' || svcNamespace(i, shape) === clientNamespace;
}

export const revisionMarker = (revision: number) => `bench-rev-${revision}-canary`;

function destinationRuleYaml(i: number, shape: MeshShape): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${svcName(i)}
  namespace: ${svcNamespace(i, shape)}
spec:
  host: ${svcName(i)}
  trafficPolicy:
    loadBalancer:
      simple: LEAST_REQUEST
    connectionPool:
      tcp:
        maxConnections: 100
      http:
        http2MaxRequests: 1000
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 10s
      baseEjectionTime: 30s
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
    trafficPolicy:
      loadBalancer:
        simple: ROUND_ROBIN
`;
}

export const serviceFile = (i: number, shape: MeshShape) => `${svcNamespace(i, shape)}/${svcName(i)}.yaml`;
export const sliceFile = (i: number, shape: MeshShape) => `${svcNamespace(i, shape)}/${svcName(i)}-endpointslice.yaml`;
export const virtualServiceFile = (i: number, shape: MeshShape) => `${svcNamespace(i, shape)}/${svcName(i)}-virtualservice.yaml`;
const destinationRuleFile = (i: number, shape: MeshShape) => `${svcNamespace(i, shape)}/${svcName(i)}-destinationrule.yaml`;

/** Pods of service `i` as generated (deterministic: the benchmark regenerates them to edit a slice). */
export function podsOfService(i: number, firstPodIndex: number, shape: MeshShape): PodInfo[] {
  const out: PodInfo[] = [];
  for (let k = 0; k < podsOf(i); k++) {
    const version = k % 2 === 0 ? 'v1' : 'v2';
    out.push({
      name: `${svcName(i)}-${version}-7d9f8c6b5-${String.fromCharCode(97 + k)}${String(i % 1000).padStart(3, '0')}x`,
      namespace: svcNamespace(i, shape),
      ip: podIp(firstPodIndex + k),
      labels: { app: svcName(i), version, 'pod-template-hash': '7d9f8c6b5' },
      service: i,
    });
  }
  return out;
}

export function generateMesh(shape: MeshShape = DEFAULT_SHAPE): GeneratedMesh {
  const files = new Map<string, string>();
  const pods: PodInfo[] = [];
  const counts: Record<string, number> = { Namespace: 0, Service: 0, EndpointSlice: 0, Pod: 0, VirtualService: 0, DestinationRule: 0 };
  const scoped = shape.sidecarScope === 'namespace';
  if (scoped) counts.Sidecar = 0;
  for (let n = 0; n < shape.namespaces; n++) {
    files.set(`${nsName(n)}/namespace.yaml`, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${nsName(n)}\n  labels:\n    istio-injection: enabled\n`);
    counts.Namespace++;
    if (scoped) {
      files.set(`${nsName(n)}/sidecar.yaml`, sidecarYaml(nsName(n)));
      counts.Sidecar++;
    }
  }
  for (let i = 0; i < shape.services; i++) {
    const mine = podsOfService(i, pods.length, shape);
    pods.push(...mine);
    files.set(serviceFile(i, shape), [serviceYaml(i, shape), ...mine.map((p) => podYaml(p, i))].join('---\n'));
    files.set(sliceFile(i, shape), endpointSliceYaml(i, mine, shape));
    counts.Service++;
    counts.Pod += mine.length;
    counts.EndpointSlice++;
    if (isRouted(i, shape)) {
      files.set(virtualServiceFile(i, shape), virtualServiceYaml(i, shape));
      files.set(destinationRuleFile(i, shape), destinationRuleYaml(i, shape));
      counts.VirtualService++;
      counts.DestinationRule++;
    }
  }
  return { files, pods, counts };
}

/** The first `n` pods' sidecars, spread over services and namespaces in generation order. */
export function sidecarNodes(pods: readonly PodInfo[], n: number): SidecarNode[] {
  if (n > pods.length) throw new Error(`only ${pods.length} pods for ${n} sidecars`);
  return pods.slice(0, n).map((p) => ({
    id: `sidecar~${p.ip}~${p.name}.${p.namespace}~${p.namespace}.svc.cluster.local`,
    namespace: p.namespace,
    labels: p.labels,
  }));
}

/** Index of the first pod of service `i` in generation order. */
export function firstPodIndex(i: number): number {
  // Services alternate 3, 2, 3, 2, ... pods.
  return Math.floor(i / 2) * 5 + (i % 2) * 3;
}

/** A routed service (it has a VirtualService), chosen by `k` so that repeated edits spread out. */
export function routedService(k: number, shape: MeshShape): number {
  const routed = Math.ceil(shape.services / shape.routedEvery);
  return ((k * 7 + 3) % routed) * shape.routedEvery;
}

/** An address outside the pod range, unique per `k`. */
export const replacementIp = (k: number) => `10.250.${Math.floor(k / 250) % 256}.${(k % 250) + 1}`;
