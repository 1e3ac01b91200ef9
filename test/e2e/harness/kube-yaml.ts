// The Kubernetes objects a cluster would hold for the e2e mesh, written as YAML for istiod's
// --configDir: a Namespace per namespace, a Service per app (ClusterIP in a virtual range that
// no interface owns, so only capture can make it reachable), an EndpointSlice listing the hosts'
// addresses, and a Pod per host with the labels and service account its sidecar reports.

export interface ServicePortSpec {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly appProtocol?: string;
}

export interface ServiceSpec {
  readonly name: string;
  readonly namespace: string;
  readonly clusterIP: string;
  readonly ports: readonly ServicePortSpec[];
  /** Pods with label app=<selector> back it. */
  readonly selector: string;
}

export interface PodSpec {
  readonly name: string;
  readonly namespace: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly ports: readonly number[];
  /** Being deleted: its endpoint is listed not ready and terminating, as Kubernetes does. */
  readonly terminating?: boolean;
}

const ns = (name: string) => `apiVersion: v1
kind: Namespace
metadata: {name: ${name}}
`;

function service(s: ServiceSpec): string {
  const ports = s.ports.map((p) => `{name: ${p.name}, port: ${p.port}, targetPort: ${p.targetPort}, protocol: TCP${p.appProtocol ? `, appProtocol: ${p.appProtocol}` : ''}}`);
  return `apiVersion: v1
kind: Service
metadata: {name: ${s.name}, namespace: ${s.namespace}, labels: {app: ${s.selector}}}
spec:
  type: ClusterIP
  clusterIP: ${s.clusterIP}
  selector: {app: ${s.selector}}
  ports: [${ports.join(', ')}]
`;
}

function endpointSlice(s: ServiceSpec, pods: readonly PodSpec[]): string {
  const backing = pods.filter((p) => p.namespace === s.namespace && p.labels.app === s.selector);
  const ports = s.ports.map((p) => `{name: ${p.name}, port: ${p.targetPort}, protocol: TCP}`);
  const endpoints = backing.map((p) => `  - addresses: [${p.ip}]
    conditions: ${p.terminating ? '{ready: false, serving: true, terminating: true}' : '{ready: true}'}
    targetRef: {kind: Pod, name: ${p.name}, namespace: ${p.namespace}}
`);
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${s.name}-e2e, namespace: ${s.namespace}, labels: {kubernetes.io/service-name: ${s.name}}}
addressType: IPv4
ports: [${ports.join(', ')}]
endpoints:${endpoints.length === 0 ? ' []\n' : `\n${endpoints.join('')}`}`;
}

function pod(p: PodSpec): string {
  const labels = Object.entries(p.labels).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
  const ports = p.ports.map((n) => `{containerPort: ${n}}`).join(', ');
  return `apiVersion: v1
kind: Pod
metadata: {name: ${p.name}, namespace: ${p.namespace}, labels: {${labels}}}
spec:
  serviceAccountName: ${p.serviceAccount}
  containers: [{name: app, image: e2e/echo, ports: [${ports}]}]
status:
  phase: Running
  podIP: ${p.ip}
  podIPs: [{ip: ${p.ip}}]
  conditions: [{type: Ready, status: "True"}]
`;
}

/** One multi-document YAML with every object, in dependency order. */
export function kubeYaml(services: readonly ServiceSpec[], pods: readonly PodSpec[]): string {
  const namespaces = [...new Set([...services.map((s) => s.namespace), ...pods.map((p) => p.namespace)])].sort();
  const docs = [
    ...namespaces.map(ns),
    ...services.map(service),
    ...services.map((s) => endpointSlice(s, pods)),
    ...pods.map(pod),
  ];
  return docs.join('---\n');
}

/** /etc/hosts for a mesh host: every service under its short and fully qualified names. */
export function hostsFile(services: readonly ServiceSpec[]): string {
  const lines = ['127.0.0.1 localhost', '::1 localhost ip6-localhost ip6-loopback'];
  for (const s of services) {
    const fq = `${s.name}.${s.namespace}.svc.cluster.local`;
    lines.push(`${s.clusterIP} ${fq} ${s.name}.${s.namespace}.svc ${s.name}.${s.namespace}${s.namespace === 'default' ? ` ${s.name}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
