// One analysis finding and the three ways istioctl renders it: the log line, and the structured
// object of `-o json|yaml` (code, level, message, origin, reference, documentationUrl).
import { formatTemplate, type Level, type MessageType } from './messages.js';
import { friendlyName, type AnalysisResource } from './resource.js';

export const CONFIG_ANALYSIS_URL = 'https://istio.io/latest/docs/reference/config/analysis';

export interface AnalysisMessage {
  readonly type: MessageType;
  readonly params: readonly unknown[];
  readonly resource?: AnalysisResource;
  /** Field the finding is about, in Diagnostic.path form; its line replaces the document's. */
  readonly path?: string;
}

export function messageText(m: AnalysisMessage): string {
  return formatTemplate(m.type, m.params);
}

export function messageLevel(m: AnalysisMessage): Level {
  return m.type.level;
}

/** `file.yaml:12`: the offending field's line when the path resolves, else the document's. */
export function messageReference(m: AnalysisMessage): string | undefined {
  const src = m.resource?.config.meta.source;
  if (!src) return undefined;
  const line = m.path && m.resource?.lineOf ? m.resource.lineOf(m.path) : src.line;
  return `${src.file}:${line}`;
}

export function messageOrigin(m: AnalysisMessage): string | undefined {
  return m.resource ? friendlyName(m.resource) : undefined;
}

/** `Error [IST0101] (VirtualService default/reviews file.yaml:12) Referenced host not found: "reviews2"` */
export function formatMessageLine(m: AnalysisMessage): string {
  const origin = messageOrigin(m);
  const ref = messageReference(m);
  const where = origin === undefined ? '' : ` (${origin}${ref ? ` ${ref}` : ''})`;
  return `${m.type.level} [${m.type.code}]${where} ${messageText(m)}`;
}

export interface StructuredMessage {
  readonly code: string;
  readonly documentationUrl: string;
  readonly level: Level;
  readonly message: string;
  readonly origin?: string;
  readonly reference?: string;
}

/** Keys in Go's map order (alphabetical), as istioctl's JSON and YAML print them. */
export function structuredMessage(m: AnalysisMessage, docRef = 'istioctl-analyze'): StructuredMessage {
  const origin = messageOrigin(m);
  const reference = origin === undefined ? undefined : messageReference(m);
  return {
    code: m.type.code,
    documentationUrl: `${CONFIG_ANALYSIS_URL}/${m.type.code.toLowerCase()}/${docRef ? `?ref=${docRef}` : ''}`,
    level: m.type.level,
    message: messageText(m),
    ...(origin === undefined ? {} : { origin }),
    ...(reference === undefined ? {} : { reference }),
  };
}
