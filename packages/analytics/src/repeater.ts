import type { Clock } from '@stowage/core';

/** Calls `tick` every `interval` ms on the clock port while `tick` returns true; one timer at a time. */
export class Repeater {
  readonly #clock: Clock;
  readonly #interval: number;
  readonly #tick: () => boolean;
  #timer: unknown;
  #armed = false;

  constructor(clock: Clock, interval: number, tick: () => boolean) {
    this.#clock = clock;
    this.#interval = interval;
    this.#tick = tick;
  }

  start(): void {
    if (this.#armed) return;
    this.#armed = true;
    this.#timer = this.#clock.setTimeout(() => {
      this.#armed = false;
      if (this.#tick()) this.start();
    }, this.#interval);
    // Sampling is background work: in Node it must not keep the process alive (a Timeout has unref).
    (this.#timer as { unref?: () => void } | null)?.unref?.();
  }

  stop(): void {
    if (!this.#armed) return;
    this.#armed = false;
    this.#clock.clearTimeout(this.#timer);
  }
}
