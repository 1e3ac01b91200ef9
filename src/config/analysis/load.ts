// Documents → analysis resources. Every object goes through the kind registry's validation, and an
// object that fails it becomes IST0106 SchemaValidationError (warnings: IST0133) instead of an
// input, as in istioctl. Kinds the registry does not serve are skipped, except the ones analyzers
// read (Deployments, for instance), which are taken as they are written.
import type { Config, ConfigMeta, GroupVersionKind } from '../../api/config.js';
import { formatDiagnostic } from '../../api/diagnostics.js';
import type { KindRegistry } from '../../api/registry.js';
import type { ConfigDocument } from '../documents.js';
import { K, kindKey } from './kinds.js';
import type { AnalysisMessage } from './message.js';
import { MSG } from './messages.js';
import type { AnalysisResource } from './resource.js';

export interface LoadResult {
  readonly resources: AnalysisResource[];
  /** IST0106 / IST0133 findings of the validation pass. */
  readonly messages: AnalysisMessage[];
  /** `kind apiVersion` of objects skipped because no analyzer or schema knows them. */
  readonly skipped: string[];
}

const LOOSE_KINDS = new Set<string>(Object.values(K).map(kindKey));
const CLUSTER_SCOPED = new Set<string>([kindKey(K.Namespace), kindKey(K.Node)]);

function stringMap(v: unknown): Record<string, string> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function gvkOf(obj: Record<string, unknown>): GroupVersionKind | undefined {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || kind === '') return undefined;
  const slash = apiVersion.lastIndexOf('/');
  return { group: slash < 0 ? '' : apiVersion.slice(0, slash), version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1), kind };
}

/** The identity of an object read without a schema: enough to name it in a message or analyze it. */
function looseMeta(obj: Record<string, unknown>, gvk: GroupVersionKind, doc: ConfigDocument, defaultNamespace: string): ConfigMeta {
  const md = (obj.metadata ?? {}) as Record<string, unknown>;
  const clusterScoped = CLUSTER_SCOPED.has(kindKey(gvk));
  const ns = typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : defaultNamespace;
  return {
    gvk,
    name: typeof md.name === 'string' ? md.name : '',
    namespace: clusterScoped ? '' : ns,
    labels: stringMap(md.labels),
    annotations: stringMap(md.annotations),
    source: { file: doc.file, document: doc.index, line: doc.line },
  };
}

/**
 * Istio's validation phrases two of its warnings so that the analysis names them precisely
 * (IST0130 / IST0131) rather than as IST0133; the matches analyzer reports exactly those, for
 * http, tcp and tls rules alike, so the validation pass's copies are dropped here.
 */
function reportedByMatchesAnalyzer(message: string): boolean {
  return /^virtualService rule \S+ (match \S+ is )?not used \(/i.test(message);
}

export function loadResources(docs: readonly ConfigDocument[], registry: KindRegistry, defaultNamespace: string): LoadResult {
  const resources: AnalysisResource[] = [];
  const messages: AnalysisMessage[] = [];
  const skipped: string[] = [];
  for (const doc of docs) {
    if (doc.error || doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value)) continue;
    const obj = doc.value as Record<string, unknown>;
    const gvk = gvkOf(obj);
    if (!gvk) continue;
    const lineOf = (path: string): number => doc.lineOf(path);
    const source = { file: doc.file, document: doc.index, line: doc.line };
    const known = registry.get(gvk.group, gvk.kind);
    if (!known) {
      if (LOOSE_KINDS.has(kindKey(gvk))) {
        const config: Config = { meta: looseMeta(obj, gvk, doc, defaultNamespace), spec: obj.spec ?? {}, status: obj.status };
        resources.push({ config, lineOf });
      } else {
        skipped.push(`${gvk.kind} ${obj.apiVersion as string}`);
      }
      continue;
    }
    const res = registry.parse(obj, { source, defaultNamespace });
    const meta = res.meta ?? looseMeta(obj, gvk, doc, defaultNamespace);
    const named: AnalysisResource = res.config ? { config: res.config, lineOf } : { config: { meta, spec: undefined }, lineOf };
    for (const e of res.diagnostics.errors) messages.push({ type: MSG.SchemaValidationError, params: [formatDiagnostic(e)], resource: named, ...(e.path ? { path: e.path } : {}) });
    for (const w of res.diagnostics.warnings) {
      if (reportedByMatchesAnalyzer(w.message)) continue;
      messages.push({ type: MSG.SchemaWarning, params: [formatDiagnostic(w)], resource: named, ...(w.path ? { path: w.path } : {}) });
    }
    if (res.config) resources.push(named);
  }
  return { resources, messages, skipped };
}
