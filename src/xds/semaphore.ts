// A counting semaphore: at most `limit` units held at once (one per holder by default, or a weight
// such as a response's bytes, which a holder may correct once known). The ADS server holds
// one slot per response, and the response's bytes of a byte budget, from generation until grpc-js
// has handed the bytes to HTTP/2, so the memory of responses in flight is bounded however many
// proxies connect at once. A holder whose weight alone exceeds the limit is admitted when nothing
// else is held. Waiters are served lowest priority value first,
// then in arrival order; the server passes each connection's sequence number, so the proxies that
// connected first finish warming (CDS → EDS → LDS → RDS) before later ones take the slots, instead
// of every proxy's CDS going out before anyone's EDS.
interface Waiter {
  readonly priority: number;
  readonly seq: number;
  readonly units: number;
  readonly wake: () => void;
}

/** Releases what was acquired (once; later calls do nothing). */
export interface Permit {
  (): void;
  /** Changes the units held (e.g. from an estimate to the response's real size). */
  resize(units: number): void;
}

export class Semaphore {
  private held = 0;
  private seq = 0;
  /** A binary min-heap on (priority, seq). */
  private readonly heap: Waiter[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`semaphore limit must be at least 1, got ${limit}`);
  }

  /** Resolves when `units` fit (and no earlier waiter is ahead); call the returned permit once to release them. */
  async acquire(priority = 0, units = 1): Promise<Permit> {
    if (this.heap.length === 0 && this.fits(units)) this.held += units;
    // The waker adds the units before waking, so nothing can slip in between.
    else await new Promise<void>((wake) => this.push({ priority, seq: this.seq++, units, wake }));
    let released = false;
    let mine = units;
    const permit = (() => {
      if (released) return;
      released = true;
      this.held -= mine;
      this.wakeWaiters();
    }) as Permit;
    permit.resize = (n: number) => {
      if (released) return;
      const shrank = n < mine;
      this.held += n - mine;
      mine = n;
      if (shrank) this.wakeWaiters();
    };
    return permit;
  }

  private fits(units: number): boolean {
    return this.held === 0 || this.held + units <= this.limit;
  }

  private wakeWaiters(): void {
    while (this.heap.length > 0 && this.fits(this.heap[0].units)) {
      const next = this.pop()!;
      this.held += next.units;
      next.wake();
    }
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
