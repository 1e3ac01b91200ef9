// istiod's `--configDir`: a directory watched recursively for `*.yaml`, `*.yml` and `*.json`
// files. Changes are debounced, only the touched files are re-read, and every change ends in one
// new consistent snapshot in the store. Problems stay visible through `errors()` until fixed.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { defaultRegistry } from '../api/kinds.js';
import type { KindRegistry } from '../api/registry.js';
import { istioError } from '../shared/errors.js';
import { logger } from '../shared/log.js';
import { DirWatcher } from './dir-watcher.js';
import { ingestFile, ingestUnreadable, mergeFiles, type FileState } from './ingest.js';
import { isConfigFile } from './load.js';
import { formatProblem, type ConfigProblem } from './problems.js';
import type { ConfigSnapshot } from './snapshot.js';
import { ConfigStore } from './store.js';

const log = logger('config');

export interface FileSourceOptions {
  readonly dir: string;
  /** The store to feed; a new one when omitted. */
  readonly store?: ConfigStore;
  readonly registry?: KindRegistry;
  /** Quiet period after the last file event before re-reading (Istio's default: 100 ms). */
  readonly debounceMs?: number;
  /** Namespace for namespaced objects that name none. */
  readonly defaultNamespace?: string;
}

export interface FileSourceStatus {
  readonly dir: string;
  readonly version: number;
  readonly files: number;
  readonly objects: number;
  readonly errors: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
}

/**
 * Hidden entries are skipped: editors' swap files, and the `..data` / `..2024_...` directories of a
 * Kubernetes ConfigMap volume, whose files are also linked at the top level and would otherwise be
 * read twice.
 */
function isHidden(rel: string): boolean {
  return rel.split(sep).some((part) => part.startsWith('.') && part !== '.' && part !== '..');
}

export class FileConfigSource {
  readonly store: ConfigStore;
  readonly dir: string;
  private readonly registry: KindRegistry;
  private readonly debounceMs: number;
  private readonly maxDelayMs: number;
  private readonly defaultNamespace: string;
  private readonly files = new Map<string, FileState>();
  private duplicates: ConfigProblem[] = [];
  private watcher?: DirWatcher;
  private readonly dirty = new Set<string>();
  private timer?: NodeJS.Timeout;
  private firstDirtyAt = 0;
  private running?: Promise<void>;
  private rerun = false;
  private stopped = false;

  constructor(opts: FileSourceOptions) {
    this.dir = resolve(opts.dir);
    this.store = opts.store ?? new ConfigStore();
    this.registry = opts.registry ?? defaultRegistry();
    this.debounceMs = opts.debounceMs ?? 100;
    // Under a steady stream of writes, still publish at least this often.
    this.maxDelayMs = Math.max(this.debounceMs * 10, 1000);
    this.defaultNamespace = opts.defaultNamespace ?? 'default';
  }

  /** Starts watching, reads everything once, and resolves with the first snapshot. */
  async start(): Promise<ConfigSnapshot> {
    const info = await stat(this.dir).catch((err: unknown) => {
      throw istioError('ISTS_CONFIG_READ', `config directory ${this.dir}: ${(err as Error).message}`, err);
    });
    if (!info.isDirectory()) throw istioError('ISTS_CONFIG_READ', `config directory ${this.dir} is not a directory`);
    // Watch before the first read so that nothing written meanwhile is missed. One watch per
    // directory (not per file): 21 instead of ~2,400 at 1,000 services in 20 namespaces.
    const watcher = new DirWatcher(this.dir, {
      ignore: isHidden,
      onChange: (rel) => this.touch(join(this.dir, rel)),
      onError: (err, rel) => log.error({ err, code: 'ISTS_CONFIG_READ' }, `watching ${join(this.dir, rel)} failed`),
    });
    this.watcher = watcher;
    await watcher.start();
    await this.resync();
    return this.store.snapshot();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
    await this.running;
  }

  /** Re-reads the whole directory now. */
  async resync(): Promise<void> {
    this.dirty.add('');
    await this.flushNow();
  }

  errors(): ConfigProblem[] {
    return this.problems().filter((p) => p.severity === 'error');
  }

  warnings(): ConfigProblem[] {
    return this.problems().filter((p) => p.severity === 'warning');
  }

  status(): FileSourceStatus {
    const snap = this.store.snapshot();
    return { dir: this.dir, version: snap.version, files: this.files.size, objects: snap.size, errors: this.errors(), warnings: this.warnings() };
  }

  /** Open `fs.watch` handles: one per watched directory (plus symlink targets' directories). */
  get watches(): number {
    return this.watcher?.watches ?? 0;
  }

  private problems(): ConfigProblem[] {
    const all = [...[...this.files.values()].flatMap((f) => f.problems), ...this.duplicates];
    return all.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  }

  private touch(absPath: string): void {
    if (this.stopped) return;
    const rel = relative(this.dir, absPath);
    if (isHidden(rel)) return;
    if (this.dirty.size === 0) this.firstDirtyAt = Date.now();
    this.dirty.add(rel);
    if (this.timer) clearTimeout(this.timer);
    const waited = Date.now() - this.firstDirtyAt;
    const delay = Math.max(0, Math.min(this.debounceMs, this.maxDelayMs - waited));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flushNow();
    }, delay);
  }

  /** Runs one flush at a time; a request during a flush runs another right after. */
  private async flushNow(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.rerun = false;
          await this.flush();
        } while (this.rerun && !this.stopped);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async flush(): Promise<void> {
    const touched = [...this.dirty];
    this.dirty.clear();
    const toRead = new Set<string>();
    const toDrop = new Set<string>();
    for (const rel of touched) {
      const abs = join(this.dir, rel);
      const info = await stat(abs).catch(() => undefined);
      if (info?.isDirectory()) {
        const present = new Set(await this.list(rel));
        for (const f of present) toRead.add(f);
        // Files under a re-listed directory that are gone were deleted or moved away.
        for (const f of this.files.keys()) if (isUnder(f, rel) && !present.has(f)) toDrop.add(f);
      } else if (info?.isFile() && isConfigFile(rel)) {
        toRead.add(rel);
      } else {
        // Gone (or no longer a config file): drop it, and everything below it if it was a directory.
        for (const f of this.files.keys()) if (f === rel || isUnder(f, rel)) toDrop.add(f);
      }
    }
    for (const f of toDrop) if (!toRead.has(f)) this.files.delete(f);
    const snap = this.store.snapshot();
    for (const rel of [...toRead].sort()) {
      const previous = this.files.get(rel);
      let text: string;
      try {
        text = await readFile(join(this.dir, rel), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          this.files.delete(rel);
          continue;
        }
        const state = ingestUnreadable(rel, istioError('ISTS_CONFIG_READ', `cannot read file "${rel}": ${(err as Error).message}`, err), previous);
        this.files.set(rel, state);
        logProblems(state.problems);
        continue;
      }
      const state = ingestFile(rel, text, {
        registry: this.registry,
        defaultNamespace: this.defaultNamespace,
        previous,
        lastValid: (key) => snap.getByKey(key),
      });
      this.files.set(rel, state);
      logProblems(state.problems);
    }
    const merged = mergeFiles(this.files.values());
    const newDuplicates = merged.duplicates.filter((d) => !this.duplicates.some((o) => formatProblem(o) === formatProblem(d)));
    this.duplicates = merged.duplicates;
    logProblems(newDuplicates);
    const next = this.store.replace(merged.configs);
    if (next !== snap) {
      log.info({ version: next.version, objects: next.size, files: this.files.size, errors: this.errors().length }, `config from ${this.dir} now at version ${next.version}`);
    }
  }

  private async list(rel: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (r: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(join(this.dir, r), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const child = r === '' ? e.name : join(r, e.name);
        if (isHidden(child)) continue;
        let isDir = e.isDirectory();
        let isFile = e.isFile();
        if (e.isSymbolicLink()) {
          const target = await stat(join(this.dir, child)).catch(() => undefined);
          isDir = target?.isDirectory() ?? false;
          isFile = target?.isFile() ?? false;
        }
        if (isDir) await walk(child);
        else if (isFile && isConfigFile(child)) out.push(child);
      }
    };
    await walk(rel);
    return out;
  }
}

function isUnder(file: string, dir: string): boolean {
  return dir === '' || file.startsWith(dir + sep);
}

function logProblems(problems: readonly ConfigProblem[]): void {
  for (const p of problems) {
    const fields = { code: p.code, file: p.file, document: p.document, line: p.line, kind: p.kind, namespace: p.namespace, name: p.name, path: p.path };
    if (p.severity === 'error') log.error(fields, formatProblem(p));
    else log.warn(fields, formatProblem(p));
  }
}
