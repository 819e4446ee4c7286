import { toStowageError } from '@stowage/core';
import type { Clock, LockPort, StowageError } from '@stowage/core';
import type { DrainControl } from './drain.js';
import type { FlushReport } from './types.js';

/** What the scheduler needs from its queue. */
export interface SchedulerOptions {
  clock: Clock;
  locks: LockPort;
  /** Web Lock name shared by every tab of the queue. */
  lockName: string;
  /** Whether kicks and timers start flushes (explicit `flush()` always works). */
  autoFlush: boolean;
  /** Paused or closed. */
  stopped(): boolean;
  ready(): Promise<void>;
  drain(control: Omit<DrainControl, 'signal'>): Promise<number>;
  /** Delay before retrying after the n-th consecutive failed flush. */
  retryDelay(failures: number): number;
  /** How soon to try again when another tab held the lock (it may go away mid-flush). */
  pollMs: number;
  /** Rewrites backed-off entries as due; must run under the lock. */
  resetBackoff(): Promise<void>;
  onError(error: StowageError): void;
}

type Waiter = { resolve: () => void; reject: (e: unknown) => void };

/**
 * When and where flushes run: single-flight within a tab (a `flush()` during a flush joins it and
 * makes it run once more), one tab at a time across tabs (`locks.tryRequest`: a tab that finds the
 * lock taken skips and looks again after `pollMs`), timers for due retries, and backoff resets that
 * need the lock — taken directly, or handed to this tab's own running drain between two batches.
 */
export class FlushScheduler {
  readonly #o: SchedulerOptions;
  #running: Promise<FlushReport> | undefined;
  #again = false;
  #kickQueued = false;
  #timer: { handle: unknown; at: number } | undefined;
  #draining = false;
  #resets: Waiter[] = [];
  /** This tab's own `resetBackoff()` and `exclusive()` calls holding (or waiting for) the lock. */
  readonly #ownHolds = new Set<Promise<unknown>>();
  #failures = 0;

  constructor(options: SchedulerOptions) {
    this.#o = options;
  }

  /** Starts a flush soon (next microtask, so a burst of enqueues shares it) when auto-flushing. */
  kick(): void {
    if (!this.#o.autoFlush || this.#o.stopped() || this.#kickQueued) return;
    this.#kickQueued = true;
    queueMicrotask(() => {
      this.#kickQueued = false;
      // Failures were reported through onError and scheduled for retry; nobody awaits a kick.
      if (!this.#o.stopped()) this.flush().catch(() => undefined);
    });
  }

  /** Single-flight flush. */
  flush(): Promise<FlushReport> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    if (this.#o.stopped()) return Promise.resolve({ ran: false, handled: 0 });
    const run = this.#loop();
    this.#running = run;
    return run;
  }

  async #loop(): Promise<FlushReport> {
    let ran = false;
    let handled = 0;
    try {
      do {
        this.#again = false;
        const r = await this.#once();
        ran ||= r.ran;
        handled += r.handled;
      } while (this.#again && !this.#o.stopped());
    } finally {
      // In the same microtask as the last look at `#again`: a kick or flush() after that look
      // starts a flush of its own. (Cleared in a `.finally()` of the promise instead, a kick in
      // between found the flush still running, set `#again` that nobody read again, and its entry
      // waited for the next timer — forever when none was due.)
      this.#running = undefined;
    }
    return { ran, handled };
  }

  async #once(): Promise<FlushReport> {
    const { clock, locks, lockName } = this.#o;
    let handled: number | undefined;
    try {
      await this.#o.ready();
      // A reset or exclusive run of this tab holds the lock only briefly: wait for it rather than
      // skip as if another tab were draining (a `flush()` right after reconnecting would otherwise
      // do nothing, and a write during a pull would wait for the next poll).
      while (this.#ownHolds.size > 0) await Promise.allSettled([...this.#ownHolds]);
      if (this.#o.stopped()) return { ran: false, handled: 0 };
      handled = await locks.tryRequest(lockName, () => this.#drainLocked());
    } catch (err) {
      const error = toStowageError(err, 'queue flush');
      this.#o.onError(error);
      this.wakeAt(clock.now() + this.#o.retryDelay(this.#failures++));
      throw error;
    }
    if (handled === undefined) {
      this.wakeAt(clock.now() + this.#o.pollMs);
      return { ran: false, handled: 0 };
    }
    this.#failures = 0;
    return { ran: true, handled };
  }

  async #drainLocked(): Promise<number> {
    this.#draining = true;
    this.cancelTimer(); // the drain ends by scheduling whatever wake-up is still needed
    try {
      return await this.#o.drain({
        stopped: () => this.#o.stopped(),
        between: () => this.#runResets(),
        hasWork: () => this.#resets.length > 0,
        wakeAt: (at) => this.wakeAt(at),
      });
    } finally {
      this.#draining = false;
      // Resets that arrived after the drain's last check take the lock themselves once it is free.
      for (const w of this.#resets.splice(0)) this.resetBackoff().then(w.resolve, w.reject);
    }
  }

  async #runResets(): Promise<void> {
    while (this.#resets.length > 0) {
      const waiting = this.#resets.splice(0);
      try {
        await this.#o.resetBackoff();
      } catch (err) {
        for (const w of waiting) w.reject(err);
        throw err;
      }
      for (const w of waiting) w.resolve();
    }
  }

  /** Resets backoff under the lock; inside this tab's own drain it runs between two batches. */
  async resetBackoff(): Promise<void> {
    if (this.#draining) return new Promise<void>((resolve, reject) => this.#resets.push({ resolve, reject }));
    await this.exclusive(() => this.#o.resetBackoff());
    this.kick();
  }

  /** Runs `fn` holding the lock; this tab's flushes wait for it (see `#once`). */
  async exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.#o.locks.request(this.#o.lockName, fn);
    this.#ownHolds.add(run);
    try {
      return await run;
    } finally {
      this.#ownHolds.delete(run);
    }
  }

  /** Makes sure a flush starts by epoch ms `at` (keeps an earlier timer). */
  wakeAt(at: number): void {
    if (!this.#o.autoFlush || this.#o.stopped()) return;
    if (this.#timer && this.#timer.at <= at) return;
    this.cancelTimer();
    const { clock } = this.#o;
    const timer = {
      at,
      handle: clock.setTimeout(() => {
        if (this.#timer === timer) this.#timer = undefined;
        this.kick();
      }, Math.max(0, at - clock.now())),
    };
    this.#timer = timer;
  }

  /** Drops the pending wake-up timer (pause, close, or a drain that will schedule its own). */
  cancelTimer(): void {
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer.handle);
    this.#timer = undefined;
  }

  /** Settles once no flush is running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running.catch(() => undefined);
  }
}
