// Turns one file's text into the config objects it holds in force, and many files into one
// consistent set. Pure (no I/O): the watched file source feeds it, tests drive it directly.
//
// The rule that shapes it: a bad document or object never removes or alters anything else, and an
// object that becomes invalid keeps its last valid version in force until it is fixed or deleted.
import { configKey, describeConfig, type Config } from '../api/config.js';
import { isForeignKind, type KindRegistry } from '../api/registry.js';
import type { IstioTsError } from '../shared/errors.js';
import { parseDocuments } from './documents.js';
import { problemsOf, type ConfigProblem } from './problems.js';

/** One document (or `kind: List` item) of a file and the object it contributes. */
export interface Slot {
  readonly document: number;
  readonly item?: number;
  readonly line: number;
  /** The object in force from this slot: this text's version, or the last valid one it replaced. */
  readonly config?: Config;
  readonly key?: string;
}

export interface FileState {
  /** Path relative to the config directory, as messages show it. */
  readonly file: string;
  readonly slots: readonly Slot[];
  readonly problems: readonly ConfigProblem[];
}

export interface IngestContext {
  readonly registry: KindRegistry;
  /** Namespace for namespaced objects that name none (Istio: `default`). */
  readonly defaultNamespace: string;
  /** The file's state before this read, whose objects stand in for ones that no longer parse. */
  readonly previous?: FileState;
  /** The config in force for a key before this read (the previous snapshot). */
  readonly lastValid?: (key: string) => Config | undefined;
}

const slotId = (document: number, item: number | undefined) => `${document}:${item ?? ''}`;

export function ingestFile(file: string, text: string, ctx: IngestContext): FileState {
  const previous = ctx.previous?.slots ?? [];
  const prevSlots = new Map(previous.map((s) => [slotId(s.document, s.item), s]));
  // Documents that cannot be identified (syntax error, unknown kind, no name) are resolved after
  // the pass, once it is known which of the file's objects the readable documents still define.
  const entries: Array<Slot | Unreadable> = [];
  const problems: ConfigProblem[] = [];

  for (const doc of parseDocuments(file, text)) {
    if (doc.error) {
      problems.push({
        code: 'ISTS_CONFIG_PARSE', severity: 'error', file, document: doc.index, line: doc.error.line, path: '',
        message: `cannot parse document ${doc.index}: ${doc.error.message}`,
      });
      // A document that cannot be read at all may have held several List items.
      entries.push({ unreadable: true, document: doc.index, line: doc.line, was: previous.filter((s) => s.document === doc.index) });
      continue;
    }
    const res = ctx.registry.parse(doc.value, {
      source: { file, document: doc.index, line: doc.line },
      defaultNamespace: ctx.defaultNamespace,
    });
    // Istio passes over Kubernetes kinds it has no schema for (a Deployment beside its Service).
    if (isForeignKind(doc.value, res)) continue;
    problems.push(...problemsOf(doc, res));
    const base = { document: doc.index, ...(doc.item === undefined ? {} : { item: doc.item }), line: doc.line };
    if (res.config) {
      entries.push({ ...base, config: res.config, key: configKey(res.config.meta) });
      continue;
    }
    const prev = prevSlots.get(slotId(doc.index, doc.item));
    if (res.meta) {
      // Invalid but identifiable: keep the version of this object that was valid before.
      const key = configKey(res.meta);
      const kept = prev?.key === key ? prev.config : keptFromSameFile(ctx.lastValid?.(key), file);
      entries.push({ ...base, key, ...(kept ? { config: kept } : {}) });
    } else {
      entries.push({ unreadable: true, document: doc.index, line: doc.line, was: prev ? [prev] : [] });
    }
  }
  return { file, slots: resolveUnreadable(entries, previous), problems };
}

/** A document whose object cannot be identified, and what its position held before. */
interface Unreadable {
  readonly unreadable: true;
  readonly document: number;
  readonly line: number;
  readonly was: readonly Slot[];
}

/**
 * What an unreadable document keeps in force: the objects of the previous version of the file
 * that no readable document defines any more. First those its own position held, then (documents
 * may have been reordered in the same save) every other such object, given to the first
 * unreadable document. Without an unreadable document, an object no longer defined is deleted.
 */
function resolveUnreadable(entries: ReadonlyArray<Slot | Unreadable>, previous: readonly Slot[]): Slot[] {
  const defined = new Set<string>();
  for (const e of entries) if (!('unreadable' in e) && e.key) defined.add(e.key);
  const claimed = new Set<Slot>();
  const orphan = (s: Slot) => !claimed.has(s) && !(s.key && defined.has(s.key));
  const slots: Slot[] = [];
  let first: Unreadable | undefined;
  let firstAt = -1;
  for (const e of entries) {
    if (!('unreadable' in e)) {
      slots.push(e);
      continue;
    }
    if (!first) [first, firstAt] = [e, slots.length];
    for (const s of e.was) {
      if (!orphan(s)) continue;
      claimed.add(s);
      slots.push({ ...s, line: e.line });
    }
  }
  if (first) {
    const at = first;
    const rest = previous.filter((s) => s.config && orphan(s)).map(({ item: _item, ...s }) => ({ ...s, document: at.document, line: at.line }));
    slots.splice(firstAt, 0, ...rest);
  }
  return slots;
}

function keptFromSameFile(c: Config | undefined, file: string): Config | undefined {
  return c && c.meta.source?.file === file ? c : undefined;
}

/** A file that exists but cannot be read keeps everything it held; the problem says why. */
export function ingestUnreadable(file: string, error: IstioTsError, previous?: FileState): FileState {
  return {
    file,
    slots: previous?.slots ?? [],
    problems: [{ code: error.code, severity: 'error', file, line: 1, path: '', message: error.message }],
  };
}

export interface MergedConfig {
  readonly configs: Config[];
  /** Objects defined more than once; the first by file path then document wins. */
  readonly duplicates: ConfigProblem[];
}

export function mergeFiles(files: Iterable<FileState>): MergedConfig {
  const sorted = [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const winners = new Map<string, { file: string; line: number }>();
  const configs: Config[] = [];
  const duplicates: ConfigProblem[] = [];
  for (const f of sorted) {
    for (const s of f.slots) {
      if (!s.config || !s.key) continue;
      const won = winners.get(s.key);
      if (won) {
        const m = s.config.meta;
        duplicates.push({
          code: 'ISTS_CONFIG_INVALID', severity: 'error', file: f.file, document: s.document,
          ...(s.item === undefined ? {} : { item: s.item }), line: s.line,
          kind: m.gvk.kind, namespace: m.namespace, name: m.name, path: '',
          message: `${describeConfig(m)} is defined more than once; ${won.file}:${won.line} is used and this one is ignored`,
        });
        continue;
      }
      winners.set(s.key, { file: f.file, line: s.line });
      configs.push(s.config);
    }
  }
  return { configs, duplicates };
}
