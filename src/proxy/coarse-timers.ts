// Request timeouts on one shared ticker instead of a setTimeout per request: arming and clearing a
// Node timer on every request showed up in profiles, while a route timeout only needs to fire
// within a few tens of milliseconds of its deadline.
//
// The armed deadlines sit in a plain array, each item holding its own slot (swap-remove on
// delete), not in a Set: a Set churned by one add and one delete per request is rehashed every
// few dozen requests, and V8 links each discarded hash table to its successor (for live
// iterators) without clearing its entries. Once one table had been promoted, that chain kept
// every later table and every request in it alive through the next scavenge: ~1.5 MB promoted per
// scavenge at ~20k rps, with 16 requests in flight (docs/benchmarks.md, issue 4).

export interface Deadline {
  deadline: number;
  /** CoarseTimers' bookkeeping: the item's slot while armed; start it at -1 (NOT_ARMED). */
  timerSlot: number;
  onDeadline(): void;
}

/** `Deadline.timerSlot` of an item that is not armed. */
export const NOT_ARMED = -1;
/** Taken off the list by a tick, its callback not yet run: a delete() now still cancels it. */
const DUE = -2;

const TICK_MS = 20;

export class CoarseTimers {
  private readonly items: Deadline[] = [];
  private ticker: NodeJS.Timeout | undefined;
  /**
   * `performance.now()` as of the last tick, or of the ticker's start: a clock for bookkeeping that
   * tolerates the tick's granularity, read without a call (fresh while anything is armed).
   */
  now = 0;

  /** Arms `d` (a no-op when it is armed already). */
  add(d: Deadline): void {
    if (d.timerSlot >= 0) return;
    d.timerSlot = this.items.length;
    this.items.push(d);
    if (this.ticker === undefined) {
      this.now = performance.now();
      this.ticker = setInterval(() => this.tick(), TICK_MS);
      this.ticker.unref();
    }
  }

  delete(d: Deadline): void {
    const i = d.timerSlot;
    if (i >= 0) this.removeAt(i);
    else d.timerSlot = NOT_ARMED;
  }

  /** Armed deadlines (for tests). */
  get size(): number {
    return this.items.length;
  }

  private removeAt(i: number): void {
    const items = this.items;
    const d = items[i];
    const last = items.pop()!;
    if (last !== d) {
      items[i] = last;
      last.timerSlot = i;
    }
    d.timerSlot = NOT_ARMED;
  }

  private tick(): void {
    const items = this.items;
    if (items.length === 0) {
      clearInterval(this.ticker);
      this.ticker = undefined;
      return;
    }
    const now = performance.now();
    this.now = now;
    let due: Deadline[] | undefined;
    // Backwards, so the item a swap-remove moves into slot i has been looked at already.
    for (let i = items.length - 1; i >= 0; i--) {
      const d = items[i];
      if (d.deadline <= now) {
        this.removeAt(i);
        d.timerSlot = DUE;
        (due ??= []).push(d);
      }
    }
    if (due === undefined) return;
    for (const d of due) {
      // An earlier callback of this tick may have cancelled (or re-armed) it.
      if (d.timerSlot !== DUE) continue;
      d.timerSlot = NOT_ARMED;
      d.onDeadline();
    }
  }

  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    for (const d of this.items) d.timerSlot = NOT_ARMED;
    this.items.length = 0;
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
