import type { BenchCase, BenchGroup, BenchReport, CaseResult, GroupResult } from './types.js';

/** Measurement settings: warm-up, then at least 5 repetitions; the median is reported. */
export const SETTINGS = { warmup: 3, repetitions: 7, minRepetitionMs: 25 } as const;

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

async function runTimes(op: () => unknown, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op();
  return performance.now() - t0;
}

/**
 * Times one operation. Fast operations run several times per repetition (calibrated so that a
 * repetition lasts ≥ minRepetitionMs), because browser timers are coarse without cross-origin
 * isolation. Returns the per-operation ms of each repetition.
 */
async function timeOperation(op: () => unknown): Promise<{ samples: number[]; iterations: number }> {
  let iterations = 1;
  for (let i = 0; i < SETTINGS.warmup; i++) await op();
  // Calibrate: double until one batch is long enough to time precisely.
  for (;;) {
    const ms = await runTimes(op, iterations);
    if (ms >= SETTINGS.minRepetitionMs || iterations >= 1 << 16) break;
    iterations *= ms <= 0 ? 16 : Math.min(16, Math.max(2, Math.ceil(SETTINGS.minRepetitionMs / ms)));
  }
  const samples: number[] = [];
  for (let r = 0; r < SETTINGS.repetitions; r++) samples.push((await runTimes(op, iterations)) / iterations);
  return { samples, iterations };
}

async function runCase(group: BenchGroup, c: BenchCase): Promise<CaseResult> {
  const instance = await c.setup();
  const values: Record<string, number | null> = {};
  const samples: Record<string, number[]> = {};
  const iterations: Record<string, number> = {};
  for (const m of group.metrics) {
    const op = instance.timed[m.key];
    if (op) {
      const t = await timeOperation(op);
      samples[m.key] = t.samples;
      iterations[m.key] = t.iterations;
      values[m.key] = median(t.samples);
    } else {
      values[m.key] = instance.facts?.[m.key] ?? null;
    }
  }
  return { case: c.name, values, samples, iterations };
}

/** Whether `filter` selects a group (by id) or a case (`groupId/caseName`, substring match). */
function selected(filter: string | undefined, group: BenchGroup, c?: BenchCase): boolean {
  if (!filter) return true;
  const [g, rest] = filter.split('/', 2) as [string, string | undefined];
  if (!group.id.includes(g)) return false;
  return rest === undefined || c === undefined || c.name.toLowerCase().includes(rest.toLowerCase());
}

/** Runs every selected group of `registry` in order. */
export async function runGroups(registry: readonly BenchGroup[], filter?: string, onProgress?: (msg: string) => void): Promise<BenchReport> {
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    userAgent: navigator.userAgent,
    settings: { ...SETTINGS },
    groups: [],
  };
  for (const group of registry) {
    if (!selected(filter, group)) continue;
    const result: GroupResult = { id: group.id, title: group.title, metrics: group.metrics, results: [] };
    for (const c of group.cases) {
      if (!selected(filter, group, c)) continue;
      onProgress?.(`${group.id} / ${c.name}`);
      result.results.push(await runCase(group, c));
    }
    report.groups.push(result);
  }
  return report;
}
