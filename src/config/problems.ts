// A finding about config read from files: where it is (file, document, line), which object
// (kind/namespace/name as far as readable), which field, and its stable error code.
import type { Diagnostic, Severity } from '../api/diagnostics.js';
import type { ParseResult } from '../api/registry.js';
import type { ErrorCode } from '../shared/errors.js';
import type { ConfigDocument } from './documents.js';

export interface ConfigProblem {
  readonly code: ErrorCode;
  readonly severity: Severity;
  readonly file: string;
  /** 0-based document index in the file; undefined for whole-file problems. */
  readonly document?: number;
  /** Index in a `kind: List`'s items. */
  readonly item?: number;
  /** 1-based line of the field (or of the document when the field is not in the text). */
  readonly line: number;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** Field path in Istio's form; '' for the whole object. */
  readonly path: string;
  readonly message: string;
}

/** `reviews.yaml:12: VirtualService default/reviews: spec.http[0].route: message [ISTS_CONFIG_INVALID]` */
export function formatProblem(p: ConfigProblem): string {
  const who = p.kind && p.name ? `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}: ` : '';
  const where = p.path === '' ? '' : `${p.path}: `;
  return `${p.file}:${p.line}: ${who}${where}${p.message} [${p.code}]`;
}

/** What a raw object says about itself, for messages about objects that did not parse. */
export function rawIdentity(raw: unknown): { kind?: string; namespace?: string; name?: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const o = raw as Record<string, unknown>;
  const m = (o.metadata !== null && typeof o.metadata === 'object' ? o.metadata : {}) as Record<string, unknown>;
  return {
    kind: typeof o.kind === 'string' ? o.kind : undefined,
    namespace: typeof m.namespace === 'string' ? m.namespace : undefined,
    name: typeof m.name === 'string' ? m.name : undefined,
  };
}

/** The code for a failed parse: an unserved kind or version, or an invalid object. */
export function codeOf(res: ParseResult): ErrorCode {
  if (res.diagnostics.errors.some((e) => (e.path === 'kind' && e.message.startsWith('unknown kind')) || (e.path === 'apiVersion' && e.message.includes('does not serve')))) {
    return 'ISTS_CONFIG_UNKNOWN_KIND';
  }
  return 'ISTS_CONFIG_INVALID';
}

/** Every error and warning of one parsed object, placed on its line. */
export function problemsOf(doc: ConfigDocument, res: ParseResult): ConfigProblem[] {
  const id = res.meta ? { kind: res.meta.gvk.kind, namespace: res.meta.namespace, name: res.meta.name } : rawIdentity(doc.value);
  const code = codeOf(res);
  const one = (d: Diagnostic): ConfigProblem => ({
    code: d.severity === 'error' ? code : 'ISTS_CONFIG_INVALID',
    severity: d.severity,
    file: doc.file,
    document: doc.index,
    ...(doc.item === undefined ? {} : { item: doc.item }),
    line: doc.lineOf(d.path),
    ...id,
    path: d.path,
    message: d.message,
  });
  return [...res.diagnostics.errors.map(one), ...res.diagnostics.warnings.map(one)];
}
