// The one envelope every config source yields: metadata + typed spec + status. Files, Kubernetes
// and memory are interchangeable because they all produce Config<S>.

export interface GroupVersionKind {
  readonly group: string; // '' for the Kubernetes core group
  readonly version: string;
  readonly kind: string;
}

/** Where an object came from, for messages like `reviews.yaml:12`. */
export interface SourceLocation {
  readonly file: string;
  /** 0-based index of the document within a multi-document file. */
  readonly document: number;
  /** 1-based line of the document's first line. */
  readonly line: number;
}

export interface ConfigMeta {
  readonly gvk: GroupVersionKind;
  readonly name: string;
  /** '' for cluster-scoped kinds. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly uid?: string;
  readonly creationTimestamp?: string;
  readonly source?: SourceLocation;
}

export interface Config<S = unknown> {
  readonly meta: ConfigMeta;
  readonly spec: S;
  readonly status?: unknown;
}

export function apiVersionOf(gvk: GroupVersionKind): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/** Identity of an object across versions: `VirtualService/default/reviews` (group-qualified). */
export function configKey(meta: Pick<ConfigMeta, 'gvk' | 'namespace' | 'name'>): string {
  const g = meta.gvk.group === '' ? '' : `.${meta.gvk.group}`;
  return `${meta.gvk.kind}${g}/${meta.namespace}/${meta.name}`;
}

/** `VirtualService default/reviews`, the form istioctl prints. */
export function describeConfig(meta: Pick<ConfigMeta, 'gvk' | 'namespace' | 'name'>): string {
  return meta.namespace ? `${meta.gvk.kind} ${meta.namespace}/${meta.name}` : `${meta.gvk.kind} ${meta.name}`;
}
