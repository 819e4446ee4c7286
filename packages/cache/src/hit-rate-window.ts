import { StowageError } from '@stowage/core';
import { checkOptions } from './options.js';
import { reportError } from './report-error.js';

/** A crossing of the hit-rate threshold over the last `window` gets. */
export interface HitRateEvent {
  readonly type: 'hit-rate';
  /** `low`: the rate fell below the threshold; `recovered`: it is back at or above it. */
  readonly state: 'low' | 'recovered';
  /** Hits / gets over the window when it crossed. */
  readonly hitRate: number;
  readonly threshold: number;
  readonly window: number;
}

/** Options of a cache manager's hit-rate watch (`CacheManagerOptions.hitRate`). */
export interface HitRateOptions {
  /** Warn when fewer than this fraction of the window's gets were hits, in (0, 1]. */
  threshold: number;
  /** How many recent gets the rate is taken over (each counted once, hit or miss). @default 100 */
  window?: number;
  /** Called once per crossing: when the rate falls below the threshold, and when it recovers. */
  onChange: (event: HitRateEvent) => void;
}

/**
 * The hit rate over the last `window` gets, as a ring of outcomes. The window counts gets, not
 * time: a rate per minute swings with traffic (a quiet minute of two gets reads 0 % or 100 %) and
 * needs a timer, while the last N gets weigh every read the same whatever the load, and make the
 * behaviour a function of the reads alone (testable without a clock). Nothing is judged until the
 * window is full, so a cold start's first misses do not warn.
 */
export class HitRateWindow {
  readonly #ring: Uint8Array;
  readonly #threshold: number;
  readonly #onChange: (event: HitRateEvent) => void;
  #next = 0;
  #count = 0;
  #hits = 0;
  #low = false;

  constructor(o: HitRateOptions) {
    checkOptions(o, ['threshold', 'window', 'onChange'], 'hitRate');
    const window = o.window ?? 100;
    if (typeof o.threshold !== 'number' || !(o.threshold > 0 && o.threshold <= 1)) {
      throw new StowageError('invalid-argument', 'hitRate.threshold must be a fraction in (0, 1]', { details: { option: 'hitRate.threshold' } });
    }
    if (!Number.isSafeInteger(window) || window < 1) {
      throw new StowageError('invalid-argument', 'hitRate.window must be a whole number of gets ≥ 1', { details: { option: 'hitRate.window' } });
    }
    if (typeof o.onChange !== 'function') throw new StowageError('invalid-argument', 'hitRate.onChange must be a function', { details: { option: 'hitRate.onChange' } });
    this.#ring = new Uint8Array(window);
    this.#threshold = o.threshold;
    this.#onChange = o.onChange;
  }

  /** The rate over the gets seen so far in the window (0 before any), and whether it is below the threshold. */
  get current(): { hitRate: number; gets: number; low: boolean } {
    return { hitRate: this.#count === 0 ? 0 : this.#hits / this.#count, gets: this.#count, low: this.#low };
  }

  /** Records one get; tells the listener when this get made the rate cross (a throwing listener never breaks the get). */
  record(hit: boolean): void {
    const event = this.#cross(hit);
    if (!event) return;
    try {
      this.#onChange(event);
    } catch (err) {
      reportError(err);
    }
  }

  #cross(hit: boolean): HitRateEvent | undefined {
    const size = this.#ring.length;
    if (this.#count === size) this.#hits -= this.#ring[this.#next] as number;
    else this.#count++;
    this.#ring[this.#next] = hit ? 1 : 0;
    this.#hits += hit ? 1 : 0;
    this.#next = (this.#next + 1) % size;
    if (this.#count < size) return undefined;
    const hitRate = this.#hits / size;
    const low = hitRate < this.#threshold;
    if (low === this.#low) return undefined;
    this.#low = low;
    return { type: 'hit-rate', state: low ? 'low' : 'recovered', hitRate, threshold: this.#threshold, window: size };
  }
}
