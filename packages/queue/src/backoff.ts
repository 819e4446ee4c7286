import type { BackoffOptions } from './options.js';

/**
 * Delay before attempt `attempts + 1` after `attempts` failures: the ceiling
 * `min(maxMs, baseMs × factor^attempts)` minus a random share of up to `jitter` of it, so tabs and
 * devices that failed together do not retry in lockstep. The result lies in
 * `[ceiling × (1 − jitter), ceiling]`.
 */
export function backoffDelay(attempts: number, backoff: Required<BackoffOptions>, random: () => number): number {
  // Math.min before the power overflows to Infinity only matters for absurd attempt counts.
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * backoff.factor ** Math.min(attempts, 1000));
  // Clamp a misbehaving random port into [0, 1] rather than producing negative or NaN delays.
  const r = Math.min(1, Math.max(0, Number(random()) || 0));
  // Not rounded: timers take fractional ms, and rounding could step outside the documented interval.
  return ceiling * (1 - backoff.jitter * r);
}
