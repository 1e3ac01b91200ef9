// Namespaces the platform owns; analyzers about users' workloads leave them alone, as Istio's do.
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage', 'istio-system']);
