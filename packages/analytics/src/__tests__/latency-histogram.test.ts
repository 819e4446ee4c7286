import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../latency-histogram.js';
import { lcg } from './helpers.js';

/** Exact nearest-rank percentile. */
const exact = (sorted: number[], p: number): number => sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] as number;

function check(values: number[]): void {
  const h = new LatencyHistogram();
  for (const v of values) h.record(v, false);
  const sorted = [...values].sort((a, b) => a - b);
  for (const p of [0.5, 0.9, 0.99]) {
    const want = exact(sorted, p);
    // 1/64 relative bucket half-width, plus the 0.1 µs unit rounding.
    expect(Math.abs(h.percentile(p) - want)).toBeLessThanOrEqual(want / 64 + 0.0001);
  }
  expect(h.minMs).toBe(sorted[0]);
  expect(h.maxMs).toBe(sorted[sorted.length - 1]);
  expect(h.count).toBe(values.length);
}

describe('LatencyHistogram', () => {
  it('uniform 1..1000 ms: p50 500, p90 900, p99 990 within the bucket resolution', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    const h = new LatencyHistogram();
    for (const v of values) h.record(v, false);
    expect(h.percentile(0.5)).toBeCloseTo(500, -1);
    expect(Math.abs(h.percentile(0.9) - 900) / 900).toBeLessThan(1 / 64);
    expect(Math.abs(h.percentile(0.99) - 990) / 990).toBeLessThan(1 / 64);
    check(values);
  });

  it('exponential, log-normal-ish and sub-millisecond distributions', () => {
    const rnd = lcg(1);
    check(Array.from({ length: 20_000 }, () => -Math.log(1 - rnd()) * 3));
    check(Array.from({ length: 20_000 }, () => Math.exp(rnd() * 10) / 100));
    check(Array.from({ length: 5_000 }, () => 0.001 + rnd() * 0.01));
  });

  it('a constant value is reported exactly (clamped to min and max)', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 100; i++) h.record(12.3456, false);
    expect(h.percentile(0.5)).toBe(12.3456);
    expect(h.percentile(0.99)).toBe(12.3456);
  });

  it('memory stays bounded whatever the traffic, and huge values land in the last bucket', () => {
    const h = new LatencyHistogram();
    const rnd = lcg(3);
    for (let i = 0; i < 100_000; i++) h.record(rnd() * 1e6, i % 10 === 0);
    h.record(1e12, false);
    expect(h.toJSON().buckets.length / 2).toBeLessThanOrEqual(1152);
    expect(h.errors).toBe(10_000);
    expect(h.percentile(1)).toBe(1e12);
  });

  it('adds up and round-trips through JSON; malformed JSON is refused', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 1; i <= 50; i++) a.record(i, false);
    for (let i = 51; i <= 100; i++) b.record(i, true);
    a.add(b);
    const back = LatencyHistogram.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(back?.toJSON()).toEqual(a.toJSON());
    expect(back?.percentile(0.5)).toBe(a.percentile(0.5));
    expect(back?.errors).toBe(50);
    for (const bad of [null, 3, {}, { ...a.toJSON(), buckets: [1] }, { ...a.toJSON(), count: 7 }, { ...a.toJSON(), buckets: [99999, 1] }, { ...a.toJSON(), minMs: -1 }]) {
      expect(LatencyHistogram.fromJSON(bad)).toBeUndefined();
    }
  });
});
