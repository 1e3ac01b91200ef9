// Watches a config directory tree with one `fs.watch` per directory (inotify reports creates,
// writes, deletes and renames of a directory's entries), as Istio's file source watches directories
// with fsnotify, instead of one watch per file. It reports paths that may have changed; the file
// source re-stats and re-reads them. Directories appear and disappear as events arrive; files that
// are symlinks also get a watch on their target's directory, so that a target edited in place is
// seen (a Kubernetes ConfigMap volume's files point into its `..data` directory, whose swap is an
// event in the watched directory itself).
import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';

export interface DirWatcherOptions {
  /** Skipped entirely (relative path): hidden entries. */
  readonly ignore: (rel: string) => boolean;
  /** A path (relative to the root; '' is the root) whose content may have changed. */
  readonly onChange: (rel: string) => void;
  readonly onError: (err: Error, rel: string) => void;
}

/** Kubernetes' AtomicWriter swaps `..data` (a symlink to `..<timestamp>`) to publish a new version. */
const isAtomicWriterEntry = (name: string) => name.startsWith('..') && name.length > 2;

export class DirWatcher {
  /** Watched directories by relative path ('' is the root). */
  private readonly dirs = new Map<string, FSWatcher>();
  /** Directories (real paths) holding symlinked files' targets, with the links into each. */
  private readonly targets = new Map<string, { watcher: FSWatcher; links: Map<string, string> }>();
  private closed = false;

  constructor(private readonly root: string, private readonly opts: DirWatcherOptions) {}

  /** Watches the root and every directory below it; resolves once all watches are in place. */
  async start(): Promise<void> {
    await this.settle('');
  }

  /** How many `fs.watch` handles are open (directories plus symlink target directories). */
  get watches(): number {
    return this.dirs.size + this.targets.size;
  }

  close(): void {
    this.closed = true;
    for (const w of this.dirs.values()) w.close();
    for (const t of this.targets.values()) t.watcher.close();
    this.dirs.clear();
    this.targets.clear();
  }

  /**
   * Brings the watches for `rel` (and below, if a directory) in line with the disk: a directory,
   * also through a symlink, is watched with its subdirectories; a symlinked file gets its target's
   * directory watched; anything else that was watched is no longer.
   */
  private async settle(rel: string): Promise<void> {
    if (this.closed) return;
    const abs = join(this.root, rel);
    const [link, info] = await Promise.all([lstat(abs).catch(() => undefined), stat(abs).catch(() => undefined)]);
    if (this.closed) return;
    for (const t of this.targets.values()) t.links.delete(rel);
    if (info?.isDirectory()) await this.watchTree(rel);
    else {
      this.unwatchBelow(rel);
      if (link?.isSymbolicLink() && info?.isFile()) await this.watchTarget(rel);
    }
    this.pruneTargets();
  }

  private async watchTree(rel: string): Promise<void> {
    if (!this.dirs.has(rel)) {
      const w = this.watchDir(rel);
      if (!w) return;
      this.dirs.set(rel, w);
      // Entries created between the event that revealed this directory and its watch: re-list it.
      if (rel !== '') this.opts.onChange(rel);
    }
    const entries = await readdir(join(this.root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (this.closed) return;
      const child = rel === '' ? e.name : join(rel, e.name);
      if (this.opts.ignore(child)) continue;
      if (e.isDirectory()) await this.watchTree(child);
      else if (e.isSymbolicLink()) await this.settle(child);
    }
  }

  private watchDir(rel: string): FSWatcher | undefined {
    try {
      const w = watch(join(this.root, rel), { persistent: false }, (_event, name) => this.onEvent(rel, name));
      w.on('error', (err) => {
        // The directory went away (or became unreadable): drop the watch, let the parent's event or
        // the re-read settle the rest.
        this.opts.onError(err, rel);
        this.unwatchBelow(rel);
        this.opts.onChange(rel);
      });
      return w;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.opts.onError(err as Error, rel);
      return undefined;
    }
  }

  private onEvent(dirRel: string, name: string | Buffer | null): void {
    if (this.closed) return;
    if (name === null || name === '') {
      // The kernel could not say which entry (queue overflow): re-read the whole directory.
      this.opts.onChange(dirRel);
      void this.settle(dirRel);
      return;
    }
    const entry = name.toString();
    const child = dirRel === '' ? entry : join(dirRel, entry);
    if (this.opts.ignore(child)) {
      // A ConfigMap volume published a new version: its visible files now point elsewhere.
      if (isAtomicWriterEntry(entry)) {
        this.opts.onChange(dirRel);
        void this.resyncLinks(dirRel);
      }
      return;
    }
    this.opts.onChange(child);
    void this.settle(child);
  }

  /** A symlinked file: watch its target's directory (once per directory) to see it edited in place. */
  private async watchTarget(rel: string): Promise<void> {
    const target = await realpath(join(this.root, rel)).catch(() => undefined);
    if (this.closed || !target) return;
    const targetDir = dirname(target);
    // A target in a watched directory is seen already (a hidden one, like `..data`, is not watched).
    if (this.dirs.has(relative(this.root, targetDir))) return;
    let t = this.targets.get(targetDir);
    if (!t) {
      try {
        const watcher = watch(targetDir, { persistent: false }, (_e, name) => this.onTargetEvent(targetDir, name));
        watcher.on('error', () => {
          watcher.close();
          const gone = this.targets.get(targetDir);
          this.targets.delete(targetDir);
          for (const link of gone?.links.keys() ?? []) this.opts.onChange(link);
        });
        t = { watcher, links: new Map() };
        this.targets.set(targetDir, t);
      } catch {
        return;
      }
    }
    t.links.set(rel, basename(target));
  }

  private onTargetEvent(targetDir: string, name: string | Buffer | null): void {
    const t = this.targets.get(targetDir);
    if (!t || this.closed) return;
    const entry = name?.toString();
    for (const [link, file] of t.links) if (!entry || entry === file) this.opts.onChange(link);
  }

  /** After a `..data` swap: every symlink directly in the directory may point somewhere new. */
  private async resyncLinks(dirRel: string): Promise<void> {
    const entries = await readdir(join(this.root, dirRel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const child = dirRel === '' ? e.name : join(dirRel, e.name);
      if (e.isSymbolicLink() && !this.opts.ignore(child)) await this.settle(child);
    }
    this.pruneTargets();
  }

  private pruneTargets(): void {
    for (const [dir, t] of this.targets) {
      if (t.links.size > 0) continue;
      t.watcher.close();
      this.targets.delete(dir);
    }
  }

  private unwatchBelow(rel: string): void {
    for (const [d, w] of this.dirs) {
      if (d === rel || rel === '' || d.startsWith(rel + sep)) {
        w.close();
        this.dirs.delete(d);
      }
    }
    for (const t of this.targets.values()) for (const link of t.links.keys()) if (link === rel || link.startsWith(rel + sep)) t.links.delete(link);
    this.pruneTargets();
  }
}
