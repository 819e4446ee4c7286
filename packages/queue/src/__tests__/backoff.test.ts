import { describe, expect, test } from 'vitest';
import { backoffDelay } from '../index.js';

const defaults = { baseMs: 1000, factor: 1.5, maxMs: 60_000, jitter: 0.5 };

describe('backoffDelay', () => {
  test('n = 0..12 stays within [min(60 s, 1 s·1.5ⁿ)·(1 − jitter), min(60 s, 1 s·1.5ⁿ)] for any random value', () => {
    for (let n = 0; n <= 12; n++) {
      const ceiling = Math.min(60_000, 1000 * 1.5 ** n);
      for (const r of [0, 0.25, 0.5, 0.75, 0.999999]) {
        const d = backoffDelay(n, defaults, () => r);
        expect(d, `n=${n} r=${r}`).toBeGreaterThanOrEqual(ceiling * 0.5);
        expect(d, `n=${n} r=${r}`).toBeLessThanOrEqual(ceiling);
      }
      // The extremes of the random port land on the two ends of the interval.
      expect(backoffDelay(n, defaults, () => 0)).toBe(ceiling);
      expect(backoffDelay(n, defaults, () => 1)).toBe(ceiling * 0.5);
    }
  });

  test('grows by the factor until the cap, then stays at the cap', () => {
    const noJitter = { ...defaults, jitter: 0 };
    const delays = Array.from({ length: 14 }, (_, n) => backoffDelay(n, noJitter, () => 0.3));
    expect(delays.slice(0, 4)).toEqual([1000, 1500, 2250, 3375]);
    expect(delays[10]).toBeCloseTo(1000 * 1.5 ** 10, 6); // ≈ 57665: last step under the cap
    expect(delays.slice(11)).toEqual([60_000, 60_000, 60_000]);
    expect(backoffDelay(10_000, noJitter, () => 0)).toBe(60_000); // no overflow to Infinity/NaN
  });

  test('a random port outside [0, 1) is clamped instead of producing negative or NaN delays', () => {
    expect(backoffDelay(0, defaults, () => 7)).toBe(500);
    expect(backoffDelay(0, defaults, () => -3)).toBe(1000);
    expect(backoffDelay(0, defaults, () => Number.NaN)).toBe(1000);
  });
});
