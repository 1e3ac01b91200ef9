// The kind registry: looks up a kind by apiVersion + kind and turns a raw object (from YAML, JSON
// or the Kubernetes API) into a typed Config<S>, collecting every structural and semantic finding.
import type { Config, ConfigMeta, GroupVersionKind, SourceLocation } from './config.js';
import { Diagnostics } from './diagnostics.js';
import type { KindDefinition, ValidationContext } from './kind.js';
import { isUnder, salvage } from './salvage.js';
import { reportIssues } from './schema-issues.js';
import { validateObjectMeta } from './validation/meta.js';

export interface ParseOptions {
  readonly source?: SourceLocation;
  /** Namespace given to namespaced objects that name none (Istio: `default`, or `--namespace`). */
  readonly defaultNamespace?: string;
}

export interface ParseResult {
  /** Present when the object has no errors. */
  readonly config?: Config;
  readonly kind?: KindDefinition;
  /** The object's identity as far as it could be read, even when invalid. */
  readonly meta?: ConfigMeta;
  readonly diagnostics: Diagnostics;
}

export class KindRegistry {
  private readonly byGroupKind = new Map<string, KindDefinition>();

  constructor(kinds: readonly KindDefinition[] = []) {
    for (const k of kinds) this.register(k);
  }

  register(def: KindDefinition): void {
    const key = `${def.group}/${def.kind}`;
    if (this.byGroupKind.has(key)) throw new Error(`kind ${key} registered twice`);
    this.byGroupKind.set(key, def);
  }

  get(group: string, kind: string): KindDefinition | undefined {
    return this.byGroupKind.get(`${group}/${kind}`);
  }

  /** Every kind with this name, any group (`Gateway` exists in Istio and in the Gateway API). */
  byKind(kind: string): KindDefinition[] {
    return [...this.byGroupKind.values()].filter((k) => k.kind === kind);
  }

  all(): KindDefinition[] {
    return [...this.byGroupKind.values()];
  }

  /** Runs the semantic rules on what survives of a structurally invalid body (see salvage.ts). */
  private validateSalvaged(
    def: KindDefinition,
    body: unknown,
    issues: Parameters<typeof salvage>[2],
    bodyDiag: Diagnostics,
    ctx: ValidationContext,
  ): void {
    const saved = salvage(def.schema, body, issues);
    if (!saved || !def.validate) return;
    const scratch = new Diagnostics();
    const base = bodyDiag.path();
    def.validate(saved.data, def.body === 'spec' ? scratch.at('spec') : scratch, { ...ctx, root: scratch });
    const touched = saved.touched.map((p) => (base === '' ? p : p === '' ? base : p.startsWith('[') ? base + p : `${base}.${p}`));
    const keep = (path: string) => !touched.some((t) => isUnder(path, t));
    bodyDiag.errors.push(...scratch.errors.filter((x) => keep(x.path)));
    bodyDiag.warnings.push(...scratch.warnings.filter((x) => keep(x.path)));
  }

  parse(raw: unknown, opts: ParseOptions = {}): ParseResult {
    const d = new Diagnostics();
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      d.error('a config object must be a YAML/JSON mapping');
      return { diagnostics: d };
    }
    const obj = raw as Record<string, unknown>;
    const { apiVersion, kind } = obj;
    if (typeof apiVersion !== 'string' || apiVersion === '') d.error('Required value: apiVersion is missing', 'apiVersion');
    if (typeof kind !== 'string' || kind === '') d.error('Required value: kind is missing', 'kind');
    if (!d.ok) return { diagnostics: d };

    const slash = (apiVersion as string).lastIndexOf('/');
    const group = slash < 0 ? '' : (apiVersion as string).slice(0, slash);
    const version = slash < 0 ? (apiVersion as string) : (apiVersion as string).slice(slash + 1);
    const gvk: GroupVersionKind = { group, version, kind: kind as string };
    const def = this.get(group, kind as string);
    if (!def) {
      const elsewhere = this.byKind(kind as string).map((k) => k.group || 'core');
      d.error(
        elsewhere.length > 0
          ? `unknown kind ${kind} in group ${group || 'core'} (${kind} is served by ${elsewhere.join(', ')})`
          : `unknown kind "${kind}" (apiVersion ${apiVersion}): not a kind istio-ts reads`,
        'kind',
      );
      return { diagnostics: d };
    }
    if (!def.versions.includes(version)) {
      d.error(`${group || 'core'}/${version} does not serve ${kind}; served versions: ${def.versions.join(', ')}`, 'apiVersion');
      return { diagnostics: d, kind: def };
    }

    const meta = validateObjectMeta(obj.metadata, gvk, def, opts, d.at('metadata'));
    for (const key of Object.keys(obj)) {
      if (!['apiVersion', 'kind', 'metadata', 'status'].includes(key) && (def.body === 'spec' ? key !== 'spec' : false)) {
        d.error(`unknown field "${key}"`, key);
      }
    }

    let body: unknown;
    if (def.body === 'spec') {
      body = obj.spec ?? {};
    } else {
      const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...rest } = obj;
      body = rest;
    }
    const bodyDiag = def.body === 'spec' ? d.at('spec') : d;
    const parsed = def.schema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      reportIssues(parsed.error.issues, bodyDiag);
      if (def.validate && meta) this.validateSalvaged(def, body, parsed.error.issues, bodyDiag, { meta, version, root: d });
    } else if (def.validate && meta) {
      def.validate(parsed.data, bodyDiag, { meta, version, root: d });
    }
    if (!d.ok || !meta || !parsed.success) return { diagnostics: d, kind: def, meta };
    return {
      config: { meta, spec: parsed.data, status: obj.status },
      kind: def,
      meta,
      diagnostics: d,
    };
  }
}

/**
 * Whether a parse failed only because the object is a Kubernetes kind istio-ts has no schema for
 * (Deployment, ServiceAccount, ...) outside Istio's API groups. Istio passes over those; a kind
 * that claims an Istio group (`networking.istio.io/v1 VirtualServce`) is still an error.
 */
export function isForeignKind(raw: unknown, res: ParseResult): boolean {
  if (res.kind || !res.diagnostics.errors.some((e) => e.path === 'kind' && e.message.startsWith('unknown kind'))) return false;
  const apiVersion = (raw as { apiVersion?: unknown } | null)?.apiVersion;
  if (typeof apiVersion !== 'string') return false;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  return group !== 'istio.io' && !group.endsWith('.istio.io');
}
