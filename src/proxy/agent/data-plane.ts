// Where the agent applies config: one Proxy in this process, or N worker processes (node:cluster)
// that share the listening sockets. With workers, the primary holds the one xDS stream and the
// decoded config, and sends each assembled ProxyConfig to every worker; an update counts as
// applied (and is ACKed) only when every worker applied it.
import cluster, { type Worker } from 'node:cluster';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logger } from '../../shared/index.js';
import type { LbEndpoint, ProxyConfig } from '../config/types.js';
import { Proxy } from '../proxy.js';
import { settleHeapOnce } from './settle-heap.js';
import { holdYoungGeneration, pinYoungGeneration } from './young-generation.js';

const log = logger('agent');

export interface DataPlane {
  apply(config: ProxyConfig): Promise<void>;
  listenerPort(name: string): number | undefined;
  /** Counters summed over every worker. */
  statsSnapshot(): Promise<[string, number][]>;
  /** DNS clusters' resolved hosts by cluster name (a worker's view: each resolves on its own). */
  resolvedEndpoints(): Promise<Record<string, readonly LbEndpoint[]>>;
  /** The first full config is applied: workers may grow their young generation and settle their heap. */
  settled?(): void;
  close(): Promise<void>;
}

export class InProcessDataPlane implements DataPlane {
  constructor(readonly proxy: Proxy = new Proxy()) {}
  apply(config: ProxyConfig): Promise<void> { return this.proxy.apply(config); }
  listenerPort(name: string): number | undefined { return this.proxy.listenerPort(name); }
  statsSnapshot(): Promise<[string, number][]> { return Promise.resolve(this.proxy.stats.snapshot()); }
  resolvedEndpoints(): Promise<Record<string, readonly LbEndpoint[]>> { return Promise.resolve(this.proxy.resolvedEndpoints()); }
  close(): Promise<void> { return this.proxy.close(); }
}

type ToWorker = { t: 'apply'; seq: number; config: ProxyConfig } | { t: 'stats'; seq: number } | { t: 'hosts'; seq: number } | { t: 'settled' };
type FromWorker =
  | { t: 'ready' }
  | { t: 'applied'; seq: number; error?: string; ports: Record<string, number> }
  | { t: 'stats'; seq: number; snapshot: [string, number][] }
  | { t: 'hosts'; seq: number; hosts: Record<string, readonly LbEndpoint[]> };

interface Pending {
  readonly waiting: Set<Worker>;
  readonly replies: FromWorker[];
  readonly done: (replies: FromWorker[]) => void;
}

export class WorkerPool implements DataPlane {
  private readonly workers = new Set<Worker>();
  private readonly pending = new Map<number, Pending>();
  private ports: Record<string, number> = {};
  private last: ProxyConfig | undefined;
  private isSettled = false;
  private seq = 0;
  private closing = false;

  private constructor(private readonly size: number) {}

  /** Forks `size` workers running worker-main (runProxyWorker), with this process's node flags. */
  static async start(size: number): Promise<WorkerPool> {
    // This process now only decodes xDS and answers admin requests: no traffic needs a large nursery.
    pinYoungGeneration();
    const self = fileURLToPath(import.meta.url);
    cluster.setupPrimary({ exec: join(dirname(self), self.endsWith('.ts') ? 'worker-main.ts' : 'worker-main.js') });
    const pool = new WorkerPool(size);
    await Promise.all(Array.from({ length: size }, () => pool.fork()));
    return pool;
  }

  private fork(): Promise<void> {
    const w = cluster.fork();
    return new Promise((resolve) => {
      w.on('message', (m: FromWorker) => {
        if (m.t === 'ready') {
          this.workers.add(w);
          // A replacement worker starts from the config in force.
          if (this.last !== undefined) w.send({ t: 'apply', seq: 0, config: this.last } satisfies ToWorker);
          if (this.isSettled) w.send({ t: 'settled' } satisfies ToWorker);
          resolve();
          return;
        }
        const p = this.pending.get(m.seq);
        if (p === undefined || !p.waiting.delete(w)) return;
        p.replies.push(m);
        if (p.waiting.size === 0) {
          this.pending.delete(m.seq);
          p.done(p.replies);
        }
      });
      w.once('exit', (code, signal) => {
        this.workers.delete(w);
        for (const [seq, p] of this.pending) {
          if (p.waiting.delete(w) && p.waiting.size === 0) {
            this.pending.delete(seq);
            p.done(p.replies);
          }
        }
        if (this.closing) return;
        log.error({ pid: w.process.pid, code, signal }, 'proxy worker died; starting another');
        void this.fork();
      });
    });
  }

  private broadcast(msg: (seq: number) => ToWorker): Promise<FromWorker[]> {
    const seq = ++this.seq;
    const waiting = new Set(this.workers);
    return new Promise((resolve) => {
      if (waiting.size === 0) return resolve([]);
      this.pending.set(seq, { waiting, replies: [], done: resolve });
      for (const w of waiting) w.send(msg(seq));
    });
  }

  async apply(config: ProxyConfig): Promise<void> {
    const replies = await this.broadcast((seq) => ({ t: 'apply', seq, config }));
    if (replies.length === 0) throw new Error(`no proxy worker is running (of ${this.size})`);
    const errors = replies.flatMap((r) => (r.t === 'applied' && r.error !== undefined ? [r.error] : []));
    if (errors.length > 0) throw new Error(errors[0]);
    this.last = config;
    const first = replies.find((r) => r.t === 'applied');
    if (first?.t === 'applied') this.ports = first.ports;
  }

  settled(): void {
    this.isSettled = true;
    for (const w of this.workers) w.send({ t: 'settled' } satisfies ToWorker);
  }

  listenerPort(name: string): number | undefined {
    return this.ports[name];
  }

  async statsSnapshot(): Promise<[string, number][]> {
    const sum = new Map<string, number>();
    for (const r of await this.broadcast((seq) => ({ t: 'stats', seq }))) {
      if (r.t === 'stats') for (const [k, v] of r.snapshot) sum.set(k, (sum.get(k) ?? 0) + v);
    }
    return [...sum].sort(([a], [b]) => a.localeCompare(b));
  }

  async resolvedEndpoints(): Promise<Record<string, readonly LbEndpoint[]>> {
    const first = (await this.broadcast((seq) => ({ t: 'hosts', seq }))).find((r) => r.t === 'hosts');
    return first?.t === 'hosts' ? first.hosts : {};
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.workers].map((w) => new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.disconnect();
      setTimeout(() => w.kill('SIGKILL'), 3000).unref();
    })));
  }
}

/** A worker's main: one Proxy applying whatever the primary sends, until the primary disconnects. */
export function runProxyWorker(): void {
  // The first configs (clusters, then listeners once clusters are warm, then again with their
  // routes) arrive as large IPC messages: parsing and compiling them must not leave the nursery
  // grown for an idle worker (young-generation.ts), so growth waits until the primary says the
  // first full config is in force, and the heap is compacted then (settle-heap.ts). Releasing at
  // the first listeners instead let the route configuration's message grow it to 2 × 16 MiB.
  const releaseYoung = holdYoungGeneration();
  const proxy = new Proxy();
  const send = (m: FromWorker): void => { process.send?.(m); };
  let queue = Promise.resolve();
  process.on('message', (m: ToWorker) => {
    if (m.t === 'stats') return send({ t: 'stats', seq: m.seq, snapshot: proxy.stats.snapshot() });
    if (m.t === 'hosts') return send({ t: 'hosts', seq: m.seq, hosts: proxy.resolvedEndpoints() });
    if (m.t === 'settled') {
      queue = queue.then(() => {
        releaseYoung();
        settleHeapOnce();
      });
      return;
    }
    // Applies run one at a time, in the order the primary sent them.
    queue = queue.then(async () => {
      let error: string | undefined;
      try {
        await proxy.apply(m.config);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const ports = Object.fromEntries(m.config.listeners.map((l) => [l.name, proxy.listenerPort(l.name) ?? l.port]));
      send({ t: 'applied', seq: m.seq, ports, ...(error !== undefined ? { error } : {}) });
    });
  });
  process.on('disconnect', () => {
    void proxy.close().finally(() => process.exit(0));
  });
  // A terminal's Ctrl-C reaches the whole process group: the primary runs the drain and closes workers.
  process.on('SIGINT', () => { /* the primary decides */ });
  process.on('SIGTERM', () => { /* the primary decides */ });
  send({ t: 'ready' });
}
