// Per-connection pushes with a concurrency limit (Istio's PILOT_PUSH_THROTTLE, default 100). A
// connection is queued at most once: a second request merges into the queued one, and a request
// for a connection being pushed right now is merged and re-queued when that push finishes, so no
// connection ever runs two pushes at once and none is skipped.
import { mergePushRequests, type PushRequest } from './push-request.js';

export class PushQueue<C, P> {
  private readonly pending = new Map<C, PushRequest<P>>();
  private readonly running = new Map<C, PushRequest<P> | undefined>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly process: (conn: C, req: PushRequest<P>) => Promise<void>,
    private readonly onError: (conn: C, err: unknown) => void = () => {},
  ) {
    if (!(concurrency >= 1)) throw new RangeError(`push concurrency must be at least 1, got ${concurrency}`);
  }

  enqueue(conn: C, req: PushRequest<P>): void {
    if (this.running.has(conn)) {
      this.running.set(conn, mergePushRequests(this.running.get(conn), req));
      return;
    }
    this.pending.set(conn, mergePushRequests(this.pending.get(conn), req));
    this.pump();
  }

  /** Forgets a connection (it disconnected); a push already running finishes on its own. */
  remove(conn: C): void {
    this.pending.delete(conn);
    if (this.running.has(conn)) this.running.set(conn, undefined);
  }

  /** Connections waiting for a push slot. */
  get size(): number {
    return this.pending.size;
  }

  get inFlight(): number {
    return this.running.size;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.pending.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.pending.size > 0) {
      const [conn, req] = this.pending.entries().next().value as [C, PushRequest<P>];
      this.pending.delete(conn);
      this.running.set(conn, undefined);
      void this.runOne(conn, req);
    }
  }

  private async runOne(conn: C, req: PushRequest<P>): Promise<void> {
    try {
      await this.process(conn, req);
    } catch (err) {
      this.onError(conn, err);
    }
    const again = this.running.get(conn);
    this.running.delete(conn);
    if (again) this.pending.set(conn, mergePushRequests(this.pending.get(conn), again));
    this.pump();
    if (this.pending.size === 0 && this.running.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
