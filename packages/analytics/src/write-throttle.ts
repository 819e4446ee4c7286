import type { Clock } from '@stowage/core';

/**
 * Runs a task at most once per `interval` ms and never twice at the same time: `request()` arms one
 * timer (further requests while it is armed are free, so a request per operation costs a field
 * check), a request during a run arms the next timer when the run ends, and `flush()` runs now.
 */
export class WriteThrottle {
  readonly #clock: Clock;
  readonly #interval: number;
  readonly #run: () => Promise<void>;
  #timer: unknown;
  #armed = false;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(clock: Clock, interval: number, run: () => Promise<void>) {
    this.#clock = clock;
    this.#interval = interval;
    this.#run = run;
  }

  request(): void {
    if (this.#armed || this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#armed = true;
    this.#timer = this.#clock.setTimeout(() => {
      this.#armed = false;
      this.#start().catch(() => undefined);
    }, this.#interval);
  }

  /** Cancels the timer and runs the task now (after a run in progress). */
  async flush(): Promise<void> {
    this.#cancel();
    while (this.#running) await this.#running.catch(() => undefined);
    this.#cancel();
    await this.#start();
  }

  /** No more timers; a run in progress finishes. */
  stop(): void {
    this.#stopped = true;
    this.#cancel();
  }

  #cancel(): void {
    if (!this.#armed) return;
    this.#armed = false;
    this.#clock.clearTimeout(this.#timer);
  }

  #start(): Promise<void> {
    // The task reports its own failures; the throttle only sequences runs.
    const p = this.#run().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.request();
      }
    });
    this.#running = p;
    return p;
  }
}
