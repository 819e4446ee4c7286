import { selected } from './filter.js';
import type { BenchCase, BenchGroup, BenchReport, CaseResult, GroupResult, Settings } from './types.js';

/**
 * Default measurement settings: warm-up, then 7 repetitions; the median is reported. Groups whose
 * operations take seconds lower warm-up and repetitions (never below 5) through `group.settings`.
 */
export const SETTINGS: Readonly<Settings> = { warmup: 3, repetitions: 7, minRepetitionMs: 25 };

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
async function timeOperation(op: () => unknown, settings: Settings): Promise<{ samples: number[]; iterations: number }> {
  let iterations = 1;
  for (let i = 0; i < settings.warmup; i++) await op();
  // Calibrate: double until one batch is long enough to time precisely.
  for (;;) {
    const ms = await runTimes(op, iterations);
    if (ms >= settings.minRepetitionMs || iterations >= 1 << 16) break;
    iterations *= ms <= 0 ? 16 : Math.min(16, Math.max(2, Math.ceil(settings.minRepetitionMs / ms)));
  }
  const samples: number[] = [];
  for (let r = 0; r < settings.repetitions; r++) samples.push((await runTimes(op, iterations)) / iterations);
  return { samples, iterations };
}

async function runCase(group: BenchGroup, c: BenchCase, settings: Settings): Promise<CaseResult> {
  const instance = await c.setup();
  const values: Record<string, number | null> = {};
  const samples: Record<string, number[]> = {};
  const iterations: Record<string, number> = {};
  try {
    if (instance.sample) {
      for (let i = 0; i < settings.warmup; i++) await instance.sample();
      const runs: Record<string, number>[] = [];
      for (let r = 0; r < settings.repetitions; r++) runs.push(await instance.sample());
      for (const m of group.metrics) {
        const xs = runs.map((x) => x[m.key]).filter((v): v is number => typeof v === 'number');
        if (xs.length === 0) continue;
        samples[m.key] = xs;
        iterations[m.key] = 1;
        values[m.key] = median(xs);
      }
    }
    for (const m of group.metrics) {
      if (m.key in values) continue;
      const op = instance.timed[m.key];
      if (op) {
        const t = await timeOperation(op, settings);
        samples[m.key] = t.samples;
        iterations[m.key] = t.iterations;
        values[m.key] = median(t.samples);
      } else {
        values[m.key] = instance.facts?.[m.key] ?? null;
      }
    }
  } finally {
    // Open connections would block the next case's deleteDatabase; a full localStorage its writes.
    await instance.teardown?.();
  }
  // Groups that predate the flag name their Stowage cases after it (e.g. "@stowage/cache …").
  return { case: c.name, ours: c.ours ?? /stowage/i.test(c.name), values, samples, iterations };
}

/** One result from a case's rounds: per metric the median of the round figures, every sample kept. */
function mergeRounds(results: readonly CaseResult[]): CaseResult {
  const [first] = results as [CaseResult];
  if (results.length === 1) return first;
  const values: Record<string, number | null> = {};
  const samples: Record<string, number[]> = {};
  for (const key of Object.keys(first.values)) {
    const xs = results.map((r) => r.values[key]).filter((v): v is number => typeof v === 'number');
    values[key] = xs.length ? median(xs) : null;
    samples[key] = results.flatMap((r) => r.samples[key] ?? []);
  }
  return { ...first, values, samples };
}

/**
 * Runs every selected group of `registry` in order. `rotate` shifts the order of each group's cases
 * (run i starts with case i), so that over several runs no contender always runs first or last
 * (JIT state, garbage left by the previous case, a busy machine settling). `metrics` (keys) limits
 * what is timed in every group; groups with none of them are left out.
 */
export async function runGroups(registry: readonly BenchGroup[], filter?: string, onProgress?: (msg: string) => void, rotate = 0, metrics?: readonly string[]): Promise<BenchReport> {
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    userAgent: navigator.userAgent,
    settings: { ...SETTINGS },
    groups: [],
  };
  for (const all of registry) {
    if (!selected(filter, all)) continue;
    // Only the metrics asked for (e.g. `--metrics=keys` after a change to keys()); the others are not timed.
    const group = metrics ? { ...all, metrics: all.metrics.filter((m) => metrics.includes(m.key)) } : all;
    if (group.metrics.length === 0) continue;
    const settings: Settings = { ...SETTINGS, ...group.settings };
    settings.repetitions = Math.max(5, settings.repetitions); // a median of fewer is not worth reporting
    const result: GroupResult = { id: group.id, title: group.title, settings, metrics: group.metrics, results: [] };
    if (group.note !== undefined) result.note = group.note;
    const cases = group.cases.filter((c) => selected(filter, group, c));
    const rounds = Math.max(1, settings.rounds ?? 1);
    const byCase = new Map<BenchCase, CaseResult[]>(cases.map((c) => [c, []]));
    for (let round = 0; round < rounds; round++) {
      const shift = cases.length === 0 ? 0 : (rotate + round) % cases.length;
      for (const c of [...cases.slice(shift), ...cases.slice(0, shift)]) {
        onProgress?.(`${group.id} / ${c.name}${rounds > 1 ? ` (round ${round + 1}/${rounds})` : ''}`);
        byCase.get(c)?.push(await runCase(group, c, settings));
      }
    }
    result.results = cases.map((c) => mergeRounds(byCase.get(c) as CaseResult[])); // reported in registry order
    report.groups.push(result);
  }
  return report;
}
