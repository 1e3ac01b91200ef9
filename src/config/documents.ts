// A config file's text as documents with positions: YAML multi-document streams (`---`), JSON
// objects, and `kind: List` wrappers, each document knowing the line of every field so that a
// finding at `spec.http[0].route[1].weight` can be reported as `reviews.yaml:12`.
import jsyaml from 'js-yaml';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Document, type Node } from 'yaml';

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

/** Positions come from `yaml`'s document model, built only when a line is asked for. */
type RootSource = () => { root: Node | null; lines: LineCounter };

class YamlDocument implements ConfigDocument {
  readonly file: string;
  readonly index: number;
  readonly item?: number;
  readonly line: number;
  readonly value: unknown;
  readonly error?: DocumentError;
  private readonly source: RootSource;
  /** Lines before the text `source` parsed (a document's chunk starts mid-file). */
  private readonly lineOffset: number;

  constructor(init: {
    file: string; index: number; item?: number; line: number; value: unknown; error?: DocumentError;
    source: RootSource; lineOffset: number;
  }) {
    this.file = init.file;
    this.index = init.index;
    if (init.item !== undefined) this.item = init.item;
    this.line = init.line;
    this.value = init.value;
    if (init.error) this.error = init.error;
    this.source = init.source;
    this.lineOffset = init.lineOffset;
  }

  lineOf(path: string): number {
    const { root, lines } = this.source();
    let node: Node | null = root;
    let line = this.line;
    const at = (offset: number) => lines.linePos(offset).line + this.lineOffset;
    for (const seg of parsePath(path)) {
      if (isMap(node)) {
        const want = String(seg);
        const pair = node.items.find((p) => keyText(p.key) === want);
        if (!pair) break;
        const keyRange = (pair.key as Node | null)?.range;
        if (keyRange) line = at(keyRange[0]);
        node = (pair.value as Node | null) ?? null;
      } else if (isSeq(node) && typeof seg === 'number') {
        const child = node.items[seg] as Node | undefined;
        if (!child) break;
        if (child.range) line = at(child.range[0]);
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
 * The thorough path: `yaml`'s document model for `text` (a whole file, or one document's chunk
 * starting after `lineOffset` lines), used for syntax errors, `kind: List` and files the fast path
 * does not handle.
 */
function parseWithModel(file: string, text: string, firstIndex: number, lineOffset: number, out: ConfigDocument[]): void {
  const lines = new LineCounter();
  // Kubernetes' YAML reader (go-yaml) accepts merge keys; duplicate keys stay errors, as kubectl says.
  const docs = parseAllDocuments(text, { lineCounter: lines, merge: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, i) => {
    const index = firstIndex + i;
    if (isEmptyDocument(doc)) return;
    const root = (doc.contents as Node | null) ?? null;
    const line = startLine(root, lines, doc.range ? lines.linePos(doc.range[0]).line : 1) + lineOffset;
    const whole = () => ({ root, lines });
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const errLine = (e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line) + lineOffset;
      const message = e.message.split('\n')[0];
      out.push(new YamlDocument({ file, index, line, value: undefined, error: { message, line: errLine }, source: whole, lineOffset }));
      return;
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (isList(value) && isMap(root)) {
      const itemsPair = root.items.find((p) => keyText(p.key) === 'items');
      const seq = itemsPair?.value;
      (value as { items: unknown[] }).items.forEach((itemValue, item) => {
        const itemNode = isSeq(seq) ? ((seq.items[item] as Node | undefined) ?? null) : null;
        const itemLine = startLine(itemNode, lines, line - lineOffset) + lineOffset;
        out.push(new YamlDocument({ file, index, item, line: itemLine, value: itemValue, source: () => ({ root: itemNode, lines }), lineOffset }));
      });
      return;
    }
    out.push(new YamlDocument({ file, index, line, value, source: whole, lineOffset }));
  });
}

// go-yaml's resolution as Kubernetes reads manifests: YAML 1.2 core scalars (no timestamps, `on`
// stays a string) plus merge keys.
const FAST_SCHEMA = jsyaml.CORE_SCHEMA.extend({ implicit: [(jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge] });

const MARKER = /^---(?:[ \t]|$)/;
const END = /^\.\.\.(?:[ \t]|$)/;
const BLANK_OR_COMMENT = /^[ \t]*(?:#.*)?$/;

interface Chunk {
  /** 0-based line where the chunk starts in the file. */
  readonly startLine: number;
  readonly lines: string[];
}

/**
 * Splits at column-0 `---` markers. Safe because YAML forbids a document marker at column 0 inside
 * any node; a chunk holds exactly one document. Returns undefined for what this simple split does
 * not model (directives), which then takes the thorough path.
 */
function splitDocuments(text: string): Chunk[] | undefined {
  const all = text.split(/\r?\n/);
  const chunks: { startLine: number; lines: string[] }[] = [{ startLine: 0, lines: [] }];
  let ended = false;
  for (let i = 0; i < all.length; i++) {
    const l = all[i];
    if (l.startsWith('%')) return undefined;
    if (MARKER.test(l)) {
      chunks.push({ startLine: i, lines: [l] });
      ended = false;
      continue;
    }
    const cur = chunks[chunks.length - 1];
    if (ended && !BLANK_OR_COMMENT.test(l)) return undefined; // a bare document after `...`
    cur.lines.push(l);
    if (END.test(l)) ended = true;
  }
  // Comments before the first marker belong to the first document, as in `yaml`'s model.
  if (chunks.length > 1 && chunks[0].lines.every((l) => BLANK_OR_COMMENT.test(l))) chunks.shift();
  return chunks;
}

function firstContentLine(c: Chunk): number {
  for (let i = 0; i < c.lines.length; i++) {
    const l = c.lines[i];
    if (MARKER.test(l)) {
      if (!BLANK_OR_COMMENT.test(l.slice(3))) return c.startLine + i;
      continue;
    }
    if (!BLANK_OR_COMMENT.test(l) && !END.test(l)) return c.startLine + i;
  }
  return -1;
}

/**
 * Splits a file's text into documents. A syntax error is confined to its own document: the others
 * are still returned with their values. Empty documents (a trailing `---`, comments only) are
 * skipped but still counted in `index`. A `kind: List` document yields one document per item.
 *
 * Values come from js-yaml (about ten times faster here); `yaml`'s position-aware model is built
 * per document only when a line is asked for, or when js-yaml rejects the text.
 */
export function parseDocuments(file: string, input: string): ConfigDocument[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const out: ConfigDocument[] = [];
  const chunks = splitDocuments(text);
  if (!chunks) {
    parseWithModel(file, text, 0, 0, out);
    return out;
  }
  chunks.forEach((chunk, index) => {
    const first = firstContentLine(chunk);
    if (first < 0) return;
    const body = chunk.lines.join('\n');
    let value: unknown;
    try {
      value = jsyaml.load(body, { schema: FAST_SCHEMA, json: false });
    } catch {
      parseWithModel(file, body, index, chunk.startLine, out);
      return;
    }
    if (value === null || value === undefined) return;
    if (isList(value)) {
      parseWithModel(file, body, index, chunk.startLine, out);
      return;
    }
    let model: ReturnType<RootSource> | undefined;
    const source: RootSource = () => {
      if (!model) {
        const lines = new LineCounter();
        const doc = parseDocument(body, { lineCounter: lines, merge: true });
        model = { root: (doc.contents as Node | null) ?? null, lines };
      }
      return model;
    };
    out.push(new YamlDocument({ file, index, line: first + 1, value, source, lineOffset: chunk.startLine }));
  });
  return out;
}

/** `kind: List` (kubectl's) or a typed list such as `VirtualServiceList`, as `kubectl get -o yaml` writes. */
function isList(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items) && !('spec' in o);
}
