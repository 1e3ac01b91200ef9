// A counting semaphore: at most `limit` holders at once. The ADS server holds one per response from
// generation until grpc-js has handed the bytes to HTTP/2, so the memory of responses in flight is
// bounded however many proxies connect at once. Waiters are served lowest priority value first,
// then in arrival order; the server passes each connection's sequence number, so the proxies that
// connected first finish warming (CDS → EDS → LDS → RDS) before later ones take the slots, instead
// of every proxy's CDS going out before anyone's EDS.
interface Waiter {
  readonly priority: number;
  readonly seq: number;
  readonly wake: () => void;
}

export class Semaphore {
  private held = 0;
  private seq = 0;
  /** A binary min-heap on (priority, seq). */
  private readonly heap: Waiter[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`semaphore limit must be at least 1, got ${limit}`);
  }

  /** Resolves when a slot is free; call the returned function exactly once to release it. */
  async acquire(priority = 0): Promise<() => void> {
    if (this.held < this.limit) this.held++;
    else await new Promise<void>((wake) => this.push({ priority, seq: this.seq++, wake }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.pop();
      // The slot passes straight to the next waiter, so `held` is unchanged.
      if (next) next.wake();
      else this.held--;
    };
  }

  get inUse(): number {
    return this.held;
  }

  get waiting(): number {
    return this.heap.length;
  }

  private before(a: Waiter, b: Waiter): boolean {
    return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
  }

  private push(w: Waiter): void {
    const h = this.heap;
    h.push(w);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): Waiter | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l], h[m])) m = l;
        if (r < h.length && this.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
