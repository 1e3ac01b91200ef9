// metadata: name, namespace, labels, annotations, as Kubernetes checks them.
import type { ConfigMeta, GroupVersionKind } from '../config.js';
import type { Diagnostics } from '../diagnostics.js';
import type { KindDefinition } from '../kind.js';
import { dns1123LabelError, dns1123SubdomainError, labelValueError, qualifiedNameError } from './names.js';

const KNOWN = new Set([
  'name', 'namespace', 'labels', 'annotations', 'generateName', 'uid', 'resourceVersion', 'generation',
  'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'ownerReferences', 'finalizers',
  'managedFields', 'selfLink',
]);

function stringMap(v: unknown, d: Diagnostics, field: string, checkValues: boolean): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    d.error('must be of type object', field);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const ke = qualifiedNameError(k);
    if (ke) d.error(`Invalid value: "${k}": ${ke}`, field, k);
    if (typeof val !== 'string') {
      d.error(`must be of type string, got ${typeof val}`, field, k);
      continue;
    }
    if (checkValues) {
      const ve = labelValueError(val);
      if (ve) d.error(`Invalid value: "${val}": ${ve}`, field, k);
    }
    out[k] = val;
  }
  return out;
}

export function validateObjectMeta(
  raw: unknown,
  gvk: GroupVersionKind,
  def: KindDefinition,
  opts: { source?: ConfigMeta['source']; defaultNamespace?: string },
  d: Diagnostics,
): ConfigMeta | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    d.error('Required value: metadata.name is required');
    return undefined;
  }
  const m = raw as Record<string, unknown>;
  for (const key of Object.keys(m)) if (!KNOWN.has(key)) d.error(`unknown field "${key}"`, key);
  const name = m.name;
  if (typeof name !== 'string' || name === '') {
    d.error('Required value: name is required', 'name');
  } else {
    const e = dns1123SubdomainError(name);
    if (e) d.error(`Invalid value: "${name}": ${e}`, 'name');
  }
  let namespace = '';
  if (!def.clusterScoped) {
    namespace = typeof m.namespace === 'string' && m.namespace !== '' ? m.namespace : (opts.defaultNamespace ?? 'default');
    const e = dns1123LabelError(namespace);
    if (e) d.error(`Invalid value: "${namespace}": ${e}`, 'namespace');
  }
  const labels = stringMap(m.labels, d, 'labels', true);
  const annotations = stringMap(m.annotations, d, 'annotations', false);
  if (typeof name !== 'string' || name === '') return undefined;
  return {
    gvk,
    name,
    namespace,
    labels,
    annotations,
    resourceVersion: typeof m.resourceVersion === 'string' ? m.resourceVersion : undefined,
    generation: typeof m.generation === 'number' ? m.generation : undefined,
    uid: typeof m.uid === 'string' ? m.uid : undefined,
    creationTimestamp: typeof m.creationTimestamp === 'string' ? m.creationTimestamp : undefined,
    source: opts.source,
  };
}
