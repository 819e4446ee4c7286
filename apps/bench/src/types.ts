/** How one figure of a group is read: its unit and which direction is better. */
export interface MetricDef {
  key: string;
  label: string;
  unit: 'ms' | 'bytes' | '%';
  better: 'lower' | 'higher';
}

/** A prepared case: the operations to time (by metric key) and figures known without timing. */
export interface CaseInstance {
  /** Each operation is timed separately; the key is the metric it fills. */
  timed: Record<string, () => unknown>;
  /** Figures that need no timing (output size, ratio…), by metric key. */
  facts?: Record<string, number>;
}

/** One named contender of a group. */
export interface BenchCase {
  name: string;
  /** Builds inputs (outside the timing). */
  setup(): Promise<CaseInstance> | CaseInstance;
}

/** A set of cases measured on the same input and compared with each other. */
export interface BenchGroup {
  /** Stable id used by filters, e.g. `compression-150k`. */
  id: string;
  title: string;
  metrics: MetricDef[];
  cases: BenchCase[];
}

/** Measured figures of one case. */
export interface CaseResult {
  case: string;
  /** Median per metric key; `null` where the case has no such figure. */
  values: Record<string, number | null>;
  /** Per timed metric: the per-operation ms of every repetition. */
  samples: Record<string, number[]>;
  /** Operations per repetition (calibrated so that a repetition lasts long enough to time). */
  iterations: Record<string, number>;
}

/** Results of one group. */
export interface GroupResult {
  id: string;
  title: string;
  metrics: MetricDef[];
  results: CaseResult[];
}

/** What `window.runBenchmarks()` resolves to. */
export interface BenchReport {
  startedAt: string;
  userAgent: string;
  settings: { warmup: number; repetitions: number; minRepetitionMs: number };
  groups: GroupResult[];
}
