import { StowageError } from '../errors.js';
import type { Storage } from '../kernel/kernel-types.js';
import { reportError } from '../report-error.js';
import { storageConfig } from './config.js';
import { storageInfo } from './info.js';

/** What usage is measured against: the namespace's `limits.maxTotalBytes`, or the origin's quota estimate when it has no limit. */
export type UsageBasis = 'limit' | 'quota';

/** One measurement of {@link watchUsage}. */
export interface UsageReading {
  /** `bytes / of`, 0–1 (may pass 1 for the quota of an origin other code fills). */
  readonly usage: number;
  /** Bytes used: the namespace's live records (`'limit'`), or the origin's estimate (`'quota'`). */
  readonly bytes: number;
  /** Bytes allowed: `maxTotalBytes`, or the estimated quota. */
  readonly of: number;
  readonly basis: UsageBasis;
}

/** A crossing of the threshold: `above` once usage reaches it, `below` once it falls back under it. */
export interface UsageEvent extends UsageReading {
  readonly type: 'usage';
  readonly state: 'above' | 'below';
  /** The threshold crossed (the option). */
  readonly threshold: number;
}

/** Options of {@link watchUsage}. */
export interface UsageWatchOptions {
  /** Fraction of the limit (or quota) that warns, in (0, 1]: `0.8` warns at 80 %. */
  threshold: number;
  /** Called once per crossing (not per write); a first reading already above counts as one. */
  onChange: (event: UsageEvent) => void;
}

/** A running {@link watchUsage}. */
export interface UsageWatch {
  /** Whether the last reading was at or above the threshold (`undefined` before the first). */
  readonly above: boolean | undefined;
  /** The last reading. */
  readonly last: UsageReading | undefined;
  /** Measures now (after the changes so far) and resolves once that reading has been acted on. */
  check(): Promise<UsageReading | undefined>;
  /** Resolves once no measurement is pending (the changes so far have been measured). */
  idle(): Promise<void>;
  /** Stops listening. */
  stop(): void;
}

/**
 * Warns when a namespace's usage crosses a fraction of what it may use — `limits.maxTotalBytes`
 * as `storageInfo()` counts it (live records), or, for a storage without a total limit, the
 * origin's quota estimate — upward, and again when it falls back below (so a UI can clear the
 * warning). A function over the storage's events, not a layer: it measures after changes (its
 * own tab's and other tabs'), at most one measurement at a time — changes during one make one
 * more, however many they are — and emits only when the state flips.
 *
 * @example
 * const watch = watchUsage(storage, { threshold: 0.8, onChange: (e) => banner.toggle(e.state === 'above') });
 */
export function watchUsage(storage: Storage, options: UsageWatchOptions): UsageWatch {
  const { threshold, onChange } = options ?? ({} as UsageWatchOptions);
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1)) {
    throw new StowageError('invalid-argument', 'watchUsage threshold must be a fraction in (0, 1]', { details: { threshold } });
  }
  if (typeof onChange !== 'function') throw new StowageError('invalid-argument', 'watchUsage expects an onChange function');
  const limit = storageConfig(storage).limits.maxTotalBytes;
  let above: boolean | undefined;
  let last: UsageReading | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const measure = async (): Promise<UsageReading | undefined> => {
    const info = await storageInfo(storage);
    if (Number.isFinite(limit)) return { usage: info.usage, bytes: Math.round(info.usage * limit), of: limit, basis: 'limit' };
    const e = info.estimate;
    return e && e.quota > 0 ? { usage: e.usage / e.quota, bytes: e.usage, of: e.quota, basis: 'quota' } : undefined;
  };
  const run = async (): Promise<void> => {
    try {
      await loop();
    } finally {
      // In the same microtask as the loop's last look at `again` (not in a `.finally` of the
      // promise, a few microtasks later): a change in between would set an `again` nobody reads.
      running = undefined;
    }
  };
  const loop = async (): Promise<void> => {
    do {
      again = false;
      const r = await measure();
      if (!r || stopped) continue;
      last = r;
      const now = r.usage >= threshold;
      // The first reading tells only when it is above: below is where a UI starts anyway.
      if (now !== above && (above !== undefined || now)) {
        try {
          onChange({ type: 'usage', state: now ? 'above' : 'below', threshold, ...r });
        } catch (err) {
          reportError(err);
        }
      }
      above = now;
    } while (again && !stopped);
  };
  const schedule = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true; // the running measurement is followed by one more, which sees this change
      return running;
    }
    const p = run().catch((err: unknown) => {
      if (!stopped) reportError(err);
    });
    running = p;
    return p;
  };
  const unsubscribe = storage.subscribe((e) => {
    if (e.type === 'set' || e.type === 'remove' || e.type === 'clear' || e.type === 'import') void schedule();
  });
  void schedule();
  return {
    get above() {
      return above;
    },
    get last() {
      return last;
    },
    async check() {
      if (running) {
        again = true;
        await running;
      } else {
        await schedule();
      }
      return last;
    },
    idle: () => running ?? Promise.resolve(),
    stop() {
      stopped = true;
      unsubscribe();
    },
  };
}
