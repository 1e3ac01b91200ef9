// Reconnect delays: exponential from 0.5 s to 30 s with full jitter over the upper half, so a
// fleet of proxies that lost the same istiod do not come back in lock step.

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

export class Backoff {
  private attempt = 0;
  constructor(private readonly o: BackoffOptions = DEFAULT_BACKOFF, private readonly random: () => number = Math.random) {}

  /** The delay before the next attempt, in [ceiling/2, ceiling] where ceiling doubles up to maxMs. */
  next(): number {
    const ceiling = Math.min(this.o.maxMs, this.o.initialMs * 2 ** this.attempt);
    this.attempt++;
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  reset(): void {
    this.attempt = 0;
  }
}
