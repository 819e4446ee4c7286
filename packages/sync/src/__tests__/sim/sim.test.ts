import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { property } from './simulate.js';

/*
 * The sync simulator (issue 24): devices × contexts over one remote through random schedules and
 * faults; after healing every invariant must hold. SIM_SEEDS sets the number of runs (CI: the
 * default below; `pnpm sim --seeds 100000` for a soak); SIM_SEED and SIM_PATH replay a failure
 * exactly as fast-check reported it (`pnpm sim --seed S --path P`), and SIM_LOG=1 prints every
 * push and every store batch of the replay. A new failure's shrunk schedule goes into
 * regressions.test.ts with its fix.
 */
const runs = Number(process.env.SIM_SEEDS ?? 2000);
const seed = process.env.SIM_SEED === undefined ? undefined : Number(process.env.SIM_SEED);
const path = process.env.SIM_PATH;

describe('sync simulator', () => {
  it(`${runs} random schedules: convergence, no acknowledged write lost, revisions forward, operations exactly once, outbox empty`, async () => {
    await fc.assert(property(), { numRuns: runs, ...(seed === undefined ? {} : { seed }), ...(path === undefined ? {} : { path }), endOnFailure: false });
    expect(runs).toBeGreaterThan(0);
  }, 600_000);
});
