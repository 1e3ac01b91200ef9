// Reads a MeshConfig document and merges it over Istio's defaults the way istiod does: top-level
// fields replace the default; defaultConfig and defaultProviders merge field by field (proxy
// metadata key by key); extensionProviders merge by name; trustDomainAliases are a sorted union.
import { parseDocument } from 'yaml';
import { Diagnostics } from '../diagnostics.js';
import { reportIssues } from '../schema-issues.js';
import { DEFAULT_MESH_CONFIG } from './defaults.js';
import { validateExtensionProviders, type ExtensionProvider } from './extension-providers.js';
import { meshConfigSchema, validateMeshConfig, type MeshConfig } from './mesh-config.js';
import type { ProxyConfig } from './proxy-config.js';

export interface MeshConfigResult {
  /** The merged mesh config; absent when the document has errors (istiod refuses such a file). */
  readonly mesh?: MeshConfig;
  readonly diagnostics: Diagnostics;
}

function mergeProxyConfig(base: ProxyConfig | undefined, user: ProxyConfig): ProxyConfig {
  const out: ProxyConfig = { ...structuredClone(base ?? {}), ...structuredClone(user) };
  if (base?.proxyMetadata || user.proxyMetadata) out.proxyMetadata = { ...base?.proxyMetadata, ...user.proxyMetadata };
  return out;
}

function mergeProviders(base: readonly ExtensionProvider[], user: readonly ExtensionProvider[]): ExtensionProvider[] {
  const out = structuredClone([...base]);
  for (const p of user) {
    const i = out.findIndex((e) => e.name === p.name);
    if (i >= 0) out[i] = structuredClone(p);
    else out.push(structuredClone(p));
  }
  return out;
}

/** Merges a structurally valid user MeshConfig over `defaults`. */
export function applyMeshConfig(user: MeshConfig, defaults: Readonly<MeshConfig> = DEFAULT_MESH_CONFIG): MeshConfig {
  const out: MeshConfig = structuredClone(defaults) as MeshConfig;
  for (const [key, value] of Object.entries(user) as [keyof MeshConfig, unknown][]) {
    switch (key) {
      case 'defaultConfig':
        out.defaultConfig = mergeProxyConfig(defaults.defaultConfig, value as ProxyConfig);
        break;
      case 'defaultProviders':
        out.defaultProviders = { ...structuredClone(defaults.defaultProviders ?? {}), ...structuredClone(value as object) };
        break;
      case 'extensionProviders':
        out.extensionProviders = mergeProviders(defaults.extensionProviders ?? [], value as ExtensionProvider[]);
        break;
      case 'trustDomainAliases':
        out.trustDomainAliases = [...new Set([...(value as string[]), ...(defaults.trustDomainAliases ?? [])])].sort();
        break;
      default:
        (out as Record<string, unknown>)[key] = structuredClone(value);
    }
  }
  return out;
}

/** Parses `yamlText` (a --meshConfig file or the ConfigMap's `mesh` value); `file` names it in messages. */
export function parseMeshConfig(yamlText: string, file = 'mesh config'): MeshConfigResult {
  const d = new Diagnostics();
  const doc = parseDocument(yamlText);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) d.error(`${file}: ${e.message}`);
    return { diagnostics: d };
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    d.error(`${file}: a mesh config must be a YAML mapping`);
    return { diagnostics: d };
  }
  const parsed = meshConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    reportIssues(parsed.error.issues, d);
    return { diagnostics: d };
  }
  if (parsed.data.extensionProviders) validateExtensionProviders(parsed.data.extensionProviders, d.at('extensionProviders'));
  const mesh = applyMeshConfig(parsed.data);
  validateMeshConfig(mesh, d);
  return d.ok ? { mesh, diagnostics: d } : { diagnostics: d };
}
