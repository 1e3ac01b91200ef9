// Runs analyzers over a config set and returns what istioctl would print: messages from every
// analyzer plus the validation pass, limited to the analyzed namespace, suppressed as asked,
// deduplicated and sorted (level, code, resource, text).
import type { Analyzer } from './analyzer.js';
import { AnalysisContext } from './context.js';
import { formatMessageLine, messageOrigin, type AnalysisMessage } from './message.js';
import { levelRank } from './messages.js';
import type { AnalysisResource } from './resource.js';

/** `IST0102=Namespace foo`, `IST0101=VirtualService *.default` — istioctl's `-S` values. */
export interface Suppression {
  readonly code: string;
  /** `Kind name.namespace` (or `Kind name` for cluster-scoped), `*` matching any run of characters. */
  readonly resource: string;
}

export interface RunOptions {
  /** Only messages about resources in this namespace (and cluster-scoped ones); undefined = all. */
  readonly namespace?: string;
  readonly suppressions?: readonly Suppression[];
  /** Messages produced before analysis, e.g. IST0106 from loading. */
  readonly preMessages?: readonly AnalysisMessage[];
}

export interface RunResult {
  readonly messages: AnalysisMessage[];
  readonly executed: string[];
}

function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(s);
}

/** Istio's suppression names read `Kind name.namespace`. */
function suppressionName(m: AnalysisMessage): string | undefined {
  const meta = m.resource?.config.meta;
  if (!meta) return undefined;
  return meta.namespace ? `${meta.gvk.kind} ${meta.name}.${meta.namespace}` : `${meta.gvk.kind} ${meta.name}`;
}

/** `galley.istio.io/analyze-suppress: IST0108,IST0103` (or `*`) on a resource silences those codes for it. */
const SUPPRESS_ANNOTATION = 'galley.istio.io/analyze-suppress';

function suppressedByAnnotation(m: AnalysisMessage): boolean {
  const value = m.resource?.config.meta.annotations[SUPPRESS_ANNOTATION];
  if (value === undefined) return false;
  return value.split(',').some((c) => c.trim() === '*' || c.trim() === m.type.code);
}

export function compareMessages(a: AnalysisMessage, b: AnalysisMessage): number {
  const byLevel = levelRank(a.type.level) - levelRank(b.type.level);
  if (byLevel !== 0) return byLevel;
  if (a.type.code !== b.type.code) return a.type.code < b.type.code ? -1 : 1;
  const oa = messageOrigin(a) ?? '';
  const ob = messageOrigin(b) ?? '';
  if (oa !== ob) return oa < ob ? -1 : 1;
  const sa = formatMessageLine(a);
  const sb = formatMessageLine(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function runAnalyzers(resources: readonly AnalysisResource[], analyzers: readonly Analyzer[], opts: RunOptions = {}): RunResult {
  const ctx = new AnalysisContext(resources);
  for (const a of analyzers) a.analyze(ctx);
  const all = [...(opts.preMessages ?? []), ...ctx.messages];
  const seen = new Set<string>();
  const out: AnalysisMessage[] = [];
  for (const m of all) {
    const ns = m.resource?.config.meta.namespace ?? '';
    if (opts.namespace !== undefined && ns !== '' && ns !== opts.namespace) continue;
    const name = suppressionName(m);
    if (opts.suppressions?.some((s) => s.code === m.type.code && name !== undefined && globMatch(s.resource, name))) continue;
    if (suppressedByAnnotation(m)) continue;
    const key = formatMessageLine(m);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  out.sort(compareMessages);
  return { messages: out, executed: analyzers.map((a) => a.name) };
}
