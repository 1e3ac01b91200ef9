// A config file's text as documents with positions: YAML multi-document streams (`---`), JSON
// objects, and `kind: List` wrappers, each document knowing the line of every field so that a
// finding at `spec.http[0].route[1].weight` can be reported as `reviews.yaml:12`.
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';

export interface DocumentError {
  readonly message: string;
  /** 1-based line of the syntax error. */
  readonly line: number;
}

export interface ConfigDocument {
  readonly file: string;
  /** 0-based index of the document in the file (`---`-separated; counts empty documents too). */
  readonly index: number;
  /** For an item of a `kind: List`, its 0-based index in `items`. */
  readonly item?: number;
  /** 1-based line where the document (or list item) starts. */
  readonly line: number;
  /** The parsed value; undefined when `error` is set. */
  readonly value: unknown;
  readonly error?: DocumentError;
  /**
   * Line of the field at `path` (Diagnostic.path form, `spec.http[0].route[1].weight`). A path
   * that does not exist in the text (a missing required field) maps to its deepest existing
   * ancestor, which is where a user has to add it.
   */
  lineOf(path: string): number;
}

type Segment = string | number;

const IDENT = /^[A-Za-z_$][\w$-]*/;

/** Inverse of `formatPath`: `spec.http[0]["a.b"]` → ['spec', 'http', 0, 'a.b']. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      i++;
      continue;
    }
    if (c === '[') {
      if (path[i + 1] === '"') {
        // A JSON string: find its closing quote, honouring escapes.
        let j = i + 2;
        while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
        out.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        i = j + 2;
      } else {
        const end = path.indexOf(']', i);
        const inner = path.slice(i + 1, end < 0 ? path.length : end);
        out.push(/^\d+$/.test(inner) ? Number(inner) : inner);
        i = end < 0 ? path.length : end + 1;
      }
      continue;
    }
    const m = IDENT.exec(path.slice(i));
    const word = m ? m[0] : path.slice(i).split(/[.[]/)[0];
    out.push(word);
    i += Math.max(word.length, 1);
  }
  return out;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null || key.value === undefined ? undefined : String(key.value);
  return undefined;
}

class YamlDocument implements ConfigDocument {
  readonly file: string;
  readonly index: number;
  readonly item?: number;
  readonly line: number;
  readonly value: unknown;
  readonly error?: DocumentError;
  private readonly root: Node | null;
  private readonly lines: LineCounter;

  constructor(init: {
    file: string; index: number; item?: number; line: number; value: unknown; error?: DocumentError;
    root: Node | null; lines: LineCounter;
  }) {
    this.file = init.file;
    this.index = init.index;
    if (init.item !== undefined) this.item = init.item;
    this.line = init.line;
    this.value = init.value;
    if (init.error) this.error = init.error;
    this.root = init.root;
    this.lines = init.lines;
  }

  lineOf(path: string): number {
    let node: Node | null = this.root;
    let line = this.line;
    for (const seg of parsePath(path)) {
      if (isMap(node)) {
        const want = String(seg);
        const pair = node.items.find((p) => keyText(p.key) === want);
        if (!pair) break;
        const keyRange = (pair.key as Node | null)?.range;
        if (keyRange) line = this.lines.linePos(keyRange[0]).line;
        node = (pair.value as Node | null) ?? null;
      } else if (isSeq(node) && typeof seg === 'number') {
        const child = node.items[seg] as Node | undefined;
        if (!child) break;
        if (child.range) line = this.lines.linePos(child.range[0]).line;
        node = child;
      } else {
        break;
      }
    }
    return line;
  }
}

function startLine(node: Node | null | undefined, lines: LineCounter, fallback: number): number {
  return node?.range ? lines.linePos(node.range[0]).line : fallback;
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  return doc.errors.length === 0 && (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null));
}

/**
 * Splits a file's text into documents. A syntax error is confined to its own document: the others
 * are still returned with their values. Empty documents (a trailing `---`, comments only) are
 * skipped but still counted in `index`. A `kind: List` document yields one document per item.
 */
export function parseDocuments(file: string, text: string): ConfigDocument[] {
  const lines = new LineCounter();
  // Kubernetes' YAML reader (go-yaml) accepts merge keys; duplicate keys stay errors, as kubectl says.
  const docs = parseAllDocuments(text, { lineCounter: lines, merge: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const out: ConfigDocument[] = [];
  list.forEach((doc, index) => {
    if (isEmptyDocument(doc)) return;
    const root = (doc.contents as Node | null) ?? null;
    const line = startLine(root, lines, doc.range ? lines.linePos(doc.range[0]).line : 1);
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const errLine = e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line;
      const message = e.message.split('\n')[0];
      out.push(new YamlDocument({ file, index, line, value: undefined, error: { message, line: errLine }, root, lines }));
      return;
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (isList(value) && isMap(root)) {
      const itemsPair = root.items.find((p) => keyText(p.key) === 'items');
      const seq = itemsPair?.value;
      (value as { items: unknown[] }).items.forEach((itemValue, item) => {
        const itemNode = isSeq(seq) ? ((seq.items[item] as Node | undefined) ?? null) : null;
        out.push(new YamlDocument({ file, index, item, line: startLine(itemNode, lines, line), value: itemValue, root: itemNode, lines }));
      });
      return;
    }
    out.push(new YamlDocument({ file, index, line, value, root, lines }));
  });
  return out;
}

/** `kind: List` (kubectl's) or a typed list such as `VirtualServiceList`, as `kubectl get -o yaml` writes. */
function isList(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items) && !('spec' in o);
}
