// Test support for cluster and endpoint golden tests: a `<case>.in.yaml` holds one `kind:
// GoldenCase` document (the proxy's node ID, metadata and locality, the mesh config, and what to
// render) plus ordinary config documents (Services, Pods, EndpointSlices, ServiceEntries,
// DestinationRules, ...) that go through the kind registry, the service registry and PushContext.
// `checkGolden` compares with `<case>.out.yaml`; REFRESH_GOLDEN=1 rewrites it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { applyMeshConfig, type MeshConfig } from '../../../api/mesh/index.js';
import type { Json } from '../../../xds-api/index.js';
import { resolveMesh } from '../../model/mesh.js';
import { parseProxy, type Proxy } from '../../model/proxy.js';
import { PushContext } from '../../model/push-context.js';
import { SnapshotRegistry } from '../../serviceregistry/snapshot-registry.js';
import { snapshotFromYaml } from '../../test-fixtures.js';

export interface GoldenCase {
  readonly name: string;
  readonly proxy: Proxy;
  readonly push: PushContext;
  readonly mesh: MeshConfig;
  /** Cluster names to render (EDS), or to keep (CDS; all when absent). */
  readonly clusters?: readonly string[];
}

interface CaseDoc {
  kind: 'GoldenCase';
  proxy: { id: string; metadata?: Record<string, Json>; locality?: { region?: string; zone?: string; subZone?: string } };
  mesh?: MeshConfig;
  clusters?: string[];
}

/** Builds a case from YAML text (exported for table tests that do not need files). */
export function caseFromYaml(name: string, text: string): GoldenCase {
  const docs = text.split(/^---[ \t]*$/m);
  const idx = docs.findIndex((d) => /^kind:\s*GoldenCase\s*$/m.test(d));
  if (idx < 0) throw new Error(`${name}: no 'kind: GoldenCase' document`);
  const doc = load(docs[idx]) as CaseDoc;
  const rest = docs.filter((_, i) => i !== idx).join('\n---\n');
  const mesh = applyMeshConfig(doc.mesh ?? {});
  const resolved = resolveMesh(mesh);
  const snapshot = snapshotFromYaml(rest);
  const registry = new SnapshotRegistry(resolved);
  registry.update(snapshot);
  const push = PushContext.build({ snapshot, registry, mesh: resolved });
  const proxy = parseProxy(doc.proxy.id, doc.proxy.metadata ?? {}, doc.proxy.locality);
  return { name, proxy, push, mesh, ...(doc.clusters ? { clusters: doc.clusters } : {}) };
}

export function goldenCases(dir: string): GoldenCase[] {
  return readdirSync(dir).filter((f) => f.endsWith('.in.yaml')).sort()
    .map((f) => caseFromYaml(f.slice(0, -'.in.yaml'.length), readFileSync(join(dir, f), 'utf8')));
}

export function toYaml(value: unknown): string {
  // Buffers never occur in built resources; noRefs keeps shared sub-objects written out in full.
  return dump(JSON.parse(JSON.stringify(value)), { noRefs: true, lineWidth: -1, sortKeys: false });
}

/** Compares with `<dir>/<name>.out.yaml`, failing with a diff; REFRESH_GOLDEN=1 rewrites it. */
export function checkGolden(dir: string, name: string, value: unknown): void {
  const file = join(dir, `${name}.out.yaml`);
  const actual = toYaml(value);
  if (process.env.REFRESH_GOLDEN === '1') {
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `${file} is missing; run with REFRESH_GOLDEN=1 to create it`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name}: output differs from ${file} (REFRESH_GOLDEN=1 rewrites it)`);
}
