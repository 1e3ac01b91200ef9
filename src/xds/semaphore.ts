// A counting semaphore: at most `limit` holders at once, waiters served in arrival order. The ADS
// server holds one per response from generation until grpc-js has handed the bytes to HTTP/2, so
// the memory of responses in flight is bounded however many proxies connect at once.
export class Semaphore {
  private held = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`semaphore limit must be at least 1, got ${limit}`);
  }

  /** Resolves when a slot is free; call the returned function exactly once to release it. */
  async acquire(): Promise<() => void> {
    if (this.held < this.limit) this.held++;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // The slot passes straight to the next waiter, so `held` is unchanged.
      if (next) next();
      else this.held--;
    };
  }

  get inUse(): number {
    return this.held;
  }

  get waiting(): number {
    return this.waiters.length;
  }
}
