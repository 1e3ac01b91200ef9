// The network-namespace end-to-end harness: N hosts on one bridge, each with its own address,
// helpers to run processes inside them (optionally as the proxy UID 1337), to apply capture with
// our own istio-iptables, to wait for ports, a whole mesh (istiod, sidecars, gateway) on top,
// and a tear-down that removes everything it made.
export { Network, NAME_PREFIX, cleanStale, e2eSkipReason, type NetworkOptions } from './network.js';
export { Host, PROXY_UID, nodeFlags, repoRoot, srcModuleUrl, type RunAs, type StartOptions } from './host.js';
export { Proc, exec, check, sleep, startProc, type ExecResult, type ExecOptions } from './exec.js';
export { Mesh, CAPTURE_FLAGS, SERVICE_CIDR, ADMIN_PORT, STATUS_PORT, INGRESS_LABELS, program, type AppSpec, type LoadOptions, type MeshHost, type MeshOptions } from './mesh.js';
export { hostsFile, kubeYaml, type PodSpec, type ServicePortSpec, type ServiceSpec } from './kube-yaml.js';
export type { EchoReply } from './echo-app.js';
export type { LoadReport } from './load-client.js';
