import { systemClock } from '@stowage/core';
import type { Clock } from '@stowage/core';

/** Reads per sample inside one long synchronous task before the clock is read again. */
const READS_PER_SAMPLE = 1024;

/**
 * The current time for TTL checks, cheap enough for a hot `get`.
 *
 * Reading the system clock costs more than the rest of an LRU hit, so the real clock is sampled once
 * per synchronous task: the sample is dropped at the next microtask checkpoint (so an idle gap never
 * leaves it stale, unlike timer-based caching, which background tabs throttle to a second or more),
 * and after {@link READS_PER_SAMPLE} reads inside one long task. An injected clock is read every
 * time: it is there so tests and callers control time, and they expect a move to show at once.
 * (Whether a clock was injected is decided by `undefined`, not by identity with `systemClock`: an
 * app bundling two copies of core would otherwise lose the sampling without notice.)
 */
export class SampledTime {
  readonly #clock: Clock;
  readonly #sample: boolean;
  #now = 0;
  #left = 0;
  #scheduled = false;
  readonly #expire = (): void => {
    this.#left = 0;
    this.#scheduled = false;
  };

  constructor(clock: Clock | undefined) {
    this.#clock = clock ?? systemClock;
    this.#sample = clock === undefined;
  }

  now(): number {
    if (this.#left > 0) {
      this.#left--;
      return this.#now;
    }
    this.#now = this.#clock.now();
    if (this.#sample) {
      this.#left = READS_PER_SAMPLE;
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(this.#expire);
      }
    }
    return this.#now;
  }
}
