// Request timeouts on one shared ticker instead of a setTimeout per request: arming and clearing a
// Node timer on every request showed up in profiles, while a route timeout only needs to fire
// within a few tens of milliseconds of its deadline.

export interface Deadline {
  deadline: number;
  onDeadline(): void;
}

const TICK_MS = 20;

export class CoarseTimers {
  private readonly items = new Set<Deadline>();
  private ticker: NodeJS.Timeout | undefined;

  add(d: Deadline): void {
    this.items.add(d);
    if (this.ticker === undefined) {
      this.ticker = setInterval(() => this.tick(), TICK_MS);
      this.ticker.unref();
    }
  }

  delete(d: Deadline): void {
    this.items.delete(d);
  }

  private tick(): void {
    if (this.items.size === 0) {
      clearInterval(this.ticker);
      this.ticker = undefined;
      return;
    }
    const now = performance.now();
    for (const d of this.items) {
      if (d.deadline <= now) {
        this.items.delete(d);
        d.onDeadline();
      }
    }
  }

  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.items.clear();
  }
}
