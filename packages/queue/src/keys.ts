import { queuePrefix, randomId } from '@stowage/core';
import type { Clock } from '@stowage/core';

/** Driver keys of one queue, in the reserved key space so entries can share the data's transactions. */
export interface QueueKeys {
  /** Prefix of pending entries: `\u0000q/{name}/e/`. */
  readonly pending: string;
  /** Prefix of dead letters: `\u0000q/{name}/dead/`. */
  readonly dead: string;
}

/** The key layout of queue `name`. */
export function queueKeys(name: string): QueueKeys {
  const base = queuePrefix(name);
  return { pending: `${base}e/`, dead: `${base}dead/` };
}

const TIME_WIDTH = 9; // base-36 epoch ms: 9 digits last until the year 5138
const COUNTER_WIDTH = 4;
const COUNTER_LIMIT = 36 ** COUNTER_WIDTH;

/**
 * Makes ids that sort (as strings, like IndexedDB keys) in creation order: fixed-width base-36
 * `{epoch ms}-{counter}-{tab id}`. Within a tab they are strictly increasing even if the clock
 * stands still or goes back; `observe` lifts the floor above ids found in the store so a reload with
 * a clock behind the previous session still appends after it; the random tab id keeps two tabs apart.
 */
export class SeqGenerator {
  readonly #clock: Clock;
  readonly #tab = randomId().replace(/-/g, '').slice(0, 8);
  #ms = 0;
  #counter = -1;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Raises the floor above an existing id (ids this generator did not make are ignored). */
  observe(id: string): void {
    const ms = parseInt(id.slice(0, TIME_WIDTH), 36);
    if (!Number.isFinite(ms) || id[TIME_WIDTH] !== '-') return;
    const counter = parseInt(id.slice(TIME_WIDTH + 1, TIME_WIDTH + 1 + COUNTER_WIDTH), 36);
    if (ms > this.#ms || (ms === this.#ms && counter > this.#counter)) {
      this.#ms = ms;
      this.#counter = Number.isFinite(counter) ? counter : this.#counter;
    }
  }

  /** The next id. */
  next(): string {
    const now = Math.floor(this.#clock.now());
    if (now > this.#ms) {
      this.#ms = now;
      this.#counter = 0;
    } else if (++this.#counter >= COUNTER_LIMIT) {
      this.#ms++;
      this.#counter = 0;
    }
    const time = this.#ms.toString(36).padStart(TIME_WIDTH, '0');
    return `${time}-${this.#counter.toString(36).padStart(COUNTER_WIDTH, '0')}-${this.#tab}`;
  }
}
