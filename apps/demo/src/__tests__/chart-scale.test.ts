import { describe, expect, it } from 'vitest';
import { niceTicks } from '../chart-scale.js';

describe('niceTicks', () => {
  it('covers the maximum with steps of 1, 2 or 5 × 10^k', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(13)).toEqual([0, 5, 10, 15]);
    expect(niceTicks(100)).toEqual([0, 50, 100]);
    expect(niceTicks(120)).toEqual([0, 50, 100, 150]);
  });
});
