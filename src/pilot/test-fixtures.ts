// Test helper: YAML fixtures → ConfigSnapshot. Every kind the kind registry serves is parsed and
// validated through `defaultRegistry()` (a fixture with errors throws); kinds it does not serve yet
// get an envelope built from the raw object, so pilot's tests run while kinds are still landing.
import type { Config, ConfigMeta } from '../api/config.js';
import { defaultRegistry } from '../api/kinds.js';
import { parseDocuments } from '../config/documents.js';
import { ConfigSnapshot } from '../config/snapshot.js';

/** Kinds whose body is the object root rather than `spec`. */
const ROOT_BODY = new Set(['Endpoints', 'EndpointSlice', 'ConfigMap', 'Secret']);
const CLUSTER_SCOPED = new Set(['Namespace']);

export function configsFromYaml(yaml: string): Config[] {
  const out: Config[] = [];
  const registry = defaultRegistry();
  for (const doc of parseDocuments('fixture.yaml', yaml)) {
    if (doc.error) throw new Error(`fixture: ${doc.error.message} at line ${doc.error.line}`);
    if (doc.value === null || doc.value === undefined) continue;
    const raw = doc.value as Record<string, any>;
    const apiVersion = String(raw.apiVersion ?? '');
    const slash = apiVersion.lastIndexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    if (registry.get(group, String(raw.kind))) {
      const res = registry.parse(raw);
      if (!res.config) {
        throw new Error(`fixture ${raw.kind} ${raw.metadata?.name}: ${res.diagnostics.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
      }
      out.push(res.config);
      continue;
    }
    out.push(rawEnvelope(raw, group, slash < 0 ? apiVersion : apiVersion.slice(slash + 1)));
  }
  return out;
}

function rawEnvelope(raw: Record<string, any>, group: string, version: string): Config {
  const kind = String(raw.kind);
  const md = (raw.metadata ?? {}) as Record<string, any>;
  const meta: ConfigMeta = {
    gvk: { group, version, kind },
    name: String(md.name),
    namespace: CLUSTER_SCOPED.has(kind) ? '' : String(md.namespace ?? 'default'),
    labels: md.labels ?? {},
    annotations: md.annotations ?? {},
    ...(md.creationTimestamp ? { creationTimestamp: String(md.creationTimestamp) } : {}),
  };
  if (ROOT_BODY.has(kind)) {
    const { apiVersion: _a, kind: _k, metadata: _m, status, ...rest } = raw;
    return { meta, spec: rest, status };
  }
  return { meta, spec: raw.spec ?? {}, status: raw.status };
}

export function snapshotFromYaml(yaml: string, version = 1): ConfigSnapshot {
  return ConfigSnapshot.of(version, configsFromYaml(yaml));
}
