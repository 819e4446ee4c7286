import { describe, expect, it } from 'vitest';
import { evaluateTargets } from '../targets.js';
import type { Target } from '../targets.js';
import type { BenchReport, CaseResult } from '../types.js';

const target: Target = { id: 't', label: 't', group: 'g', metric: 'ms', ours: 'ours', peers: ['floor'], min: 0.9 };
const result = (name: string, runs: number[]): CaseResult => {
  const sorted = [...runs].sort((a, b) => a - b);
  return { case: name, ours: name === 'ours', values: { ms: sorted[sorted.length >> 1] as number }, samples: {}, iterations: {}, runs: runs.map((ms) => ({ values: { ms } })) };
};
const report = (ours: number[], floor: number[]): BenchReport => ({
  startedAt: '', userAgent: '', settings: { warmup: 0, repetitions: 5, minRepetitionMs: 25 },
  groups: [{ id: 'g', title: 'g', settings: { warmup: 0, repetitions: 5, minRepetitionMs: 25 }, metrics: [{ key: 'ms', label: 'ms', unit: 'ms', better: 'lower' }], results: [result('ours', ours), result('floor', floor)] }],
});

describe('bench targets', () => {
  it('with several runs, the ratio is the median of the in-run ratios, not the ratio of medians from different runs', () => {
    // Run 1 was slow for both cases; run 3's floor alone was slow (the machine was busy then).
    const [t] = evaluateTargets(report([300, 100, 120], [250, 85, 300]), [target]);
    expect(t?.runRatios?.map((r) => Number(r.toFixed(3)))).toEqual([0.833, 0.85, 2.5]);
    expect(t?.ratio).toBeCloseTo(0.85);
    expect(t?.status).toBe('missed'); // the ratio of the medians, 250 / 120 ≈ 2.1, would call it met
  });

  it('a single run uses its figures directly', () => {
    const r = report([100], [80]);
    for (const g of r.groups) for (const c of g.results) delete c.runs;
    const [t] = evaluateTargets(r, [target]);
    expect(t?.ratio).toBeCloseTo(0.8);
    expect(t?.status).toBe('missed');
    expect(t?.runRatios).toBeUndefined();
  });
});
