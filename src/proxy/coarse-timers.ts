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

/**
 * Periodic housekeeping (each cluster's idle-connection sweep, each outlier detector's interval)
 * on one Node interval per distinct period instead of one per cluster: a sidecar of a
 * 1,000-service mesh holds ~1,850 clusters, almost all of them idle, and kept ~2,600 intervals.
 * A task's first run comes within one period of being added rather than exactly one period later;
 * the tasks sharing it only compare timestamps, so that is harmless.
 */
export class PeriodicTasks {
  private readonly byPeriod = new Map<number, { timer: NodeJS.Timeout; tasks: Set<() => void> }>();

  /** Runs `task` every `periodMs` until the returned function is called (one task per function). */
  add(periodMs: number, task: () => void): () => void {
    let group = this.byPeriod.get(periodMs);
    if (group === undefined) {
      const tasks = new Set<() => void>();
      const timer = setInterval(() => {
        for (const t of tasks) t();
      }, periodMs);
      timer.unref();
      group = { timer, tasks };
      this.byPeriod.set(periodMs, group);
    }
    const g = group;
    g.tasks.add(task);
    return () => {
      g.tasks.delete(task);
      if (g.tasks.size === 0 && this.byPeriod.get(periodMs) === g) {
        clearInterval(g.timer);
        this.byPeriod.delete(periodMs);
      }
    };
  }

  /** Distinct periods with a live interval (for tests). */
  get intervals(): number {
    return this.byPeriod.size;
  }
}

/** The process's shared housekeeping ticker. */
export const housekeeping = new PeriodicTasks();
