// Namespace (v1): cluster-scoped; the mesh reads its labels (istio-injection, istio.io/rev,
// topology.istio.io/network, istio.io/dataplane-mode).
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { message, z } from '../schema.js';

export const namespaceBody = message({ spec: message({ finalizers: z.array(z.string()).optional() }).optional() });
export type NamespaceBody = z.infer<typeof namespaceBody>;

const INJECTION_VALUES = new Set(['enabled', 'disabled']);

function checkMeshLabels(labels: Readonly<Record<string, string>>, d: Diagnostics): void {
  const injection = labels['istio-injection'];
  if (injection !== undefined && !INJECTION_VALUES.has(injection)) {
    d.warning(`istio-injection is "${injection}"; only "enabled" and "disabled" have an effect`, 'metadata', 'labels', 'istio-injection');
  }
  if (injection === 'enabled' && labels['istio.io/rev'] !== undefined) {
    d.warning('istio-injection=enabled takes precedence over istio.io/rev', 'metadata', 'labels', 'istio.io/rev');
  }
}

export const namespaceKind = defineKind({
  group: '',
  kind: 'Namespace',
  plural: 'namespaces',
  versions: ['v1'],
  clusterScoped: true,
  body: 'root',
  schema: namespaceBody,
  validate: (_body, d, ctx) => checkMeshLabels(ctx.meta.labels, d),
});
