// The config store: holds the current snapshot, swaps in a new one atomically when a source hands
// over a new complete set, and tells subscribers what changed (added/updated/removed keys by kind),
// so the control plane can push only what a change touches.
import type { Config } from '../api/config.js';
import { logger } from '../shared/log.js';
import { ConfigSnapshot, keyOf, kindId, type KindId } from './snapshot.js';

export interface KindChanges {
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly removed: readonly string[];
}

export interface ConfigChanges {
  /** Only kinds with at least one change; keys are `configKey` strings, sorted. */
  readonly kinds: ReadonlyMap<KindId, KindChanges>;
  /** Total number of changed keys. */
  readonly size: number;
}

export type SnapshotListener = (snapshot: ConfigSnapshot, changes: ConfigChanges, previous: ConfigSnapshot) => void;

const log = logger('config');

/**
 * Whether two versions of an object differ in anything a consumer reads. Where it was read from
 * (file, line) is not content: moving an object inside a file is not an update.
 */
export function sameContent(a: Config, b: Config): boolean {
  if (a === b) return true;
  const { source: _sa, ...ma } = a.meta;
  const { source: _sb, ...mb } = b.meta;
  return stableJson(ma) === stableJson(mb) && stableJson(a.spec) === stableJson(b.spec) && stableJson(a.status) === stableJson(b.status);
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (val === null || typeof val !== 'object' || Array.isArray(val)) return val;
    const o = val as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  }) ?? 'undefined';
}

export class ConfigStore {
  private current = ConfigSnapshot.empty();
  private readonly listeners = new Set<SnapshotListener>();

  snapshot(): ConfigSnapshot {
    return this.current;
  }

  /** Called with every new snapshot; returns the unsubscribe function. */
  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Replaces the whole set of configs. When nothing differs, the current snapshot stays and no one
   * is notified; otherwise the version grows by one and subscribers hear about it synchronously.
   */
  replace(configs: Iterable<Config>): ConfigSnapshot {
    const prev = this.current;
    const next = new Map<string, Config>();
    for (const c of configs) next.set(keyOf(c), c);

    const changes = new Map<KindId, { added: string[]; updated: string[]; removed: string[] }>();
    // Per changed kind, its new and updated members (for the snapshot to re-index that kind only).
    const fresh = new Map<KindId, Config[]>();
    const bucket = (c: Config) => {
      const k = kindId(c.meta.gvk);
      let b = changes.get(k);
      if (!b) {
        changes.set(k, (b = { added: [], updated: [], removed: [] }));
        fresh.set(k, []);
      }
      return b;
    };
    let size = 0;
    for (const [key, c] of next) {
      const old = prev.getByKey(key);
      if (old === c) continue;
      if (!old) {
        bucket(c).added.push(key);
        fresh.get(kindId(c.meta.gvk))?.push(c);
        size++;
      } else if (!sameContent(old, c)) {
        bucket(c).updated.push(key);
        fresh.get(kindId(c.meta.gvk))?.push(c);
        size++;
      } else {
        // Same content in a new object: keep serving the old one, so consumers see no change.
        next.set(key, old);
      }
    }
    for (const key of prev.keys()) {
      if (!next.has(key)) {
        bucket(prev.getByKey(key) as Config).removed.push(key);
        size++;
      }
    }
    if (size === 0) return prev;
    for (const b of changes.values()) {
      b.added.sort();
      b.updated.sort();
      b.removed.sort();
    }
    const snap = ConfigSnapshot.fromKeyed(prev.version + 1, next, prev, fresh);
    this.current = snap;
    const change: ConfigChanges = { kinds: changes, size };
    for (const l of [...this.listeners]) {
      try {
        l(snap, change, prev);
      } catch (err) {
        log.error({ err }, 'config store subscriber failed');
      }
    }
    return snap;
  }

  /** Resolves with the first snapshot (current or future) that satisfies `predicate`. */
  waitFor(predicate: (s: ConfigSnapshot) => boolean, timeoutMs: number): Promise<ConfigSnapshot> {
    if (predicate(this.current)) return Promise.resolve(this.current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no matching config snapshot within ${timeoutMs} ms (at version ${this.current.version})`));
      }, timeoutMs);
      const off = this.subscribe((s) => {
        if (!predicate(s)) return;
        clearTimeout(timer);
        off();
        resolve(s);
      });
    });
  }
}
