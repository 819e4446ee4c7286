/** How one figure of a group is read: its unit and which direction is better. */
export interface MetricDef {
  key: string;
  label: string;
  unit: 'ms' | 'bytes' | '%' | 'count';
  better: 'lower' | 'higher';
}

/** A prepared case: the operations to time (by metric key) and figures known without timing. */
export interface CaseInstance {
  /** Each operation is timed separately; the key is the metric it fills. */
  timed: Record<string, () => unknown>;
  /** Figures that need no timing (output size, ratio…), by metric key. */
  facts?: Record<string, number>;
  /**
   * One repetition that measures itself, for work that needs untimed preparation every time (a fresh
   * database, writes made offline before the timed replay): resolves to a figure per metric key. Run
   * `warmup` + `repetitions` times; the median of each figure is reported.
   */
  sample?(): Promise<Record<string, number>>;
  /** Releases what setup took (connections, databases, localStorage), so the next case starts clean. */
  teardown?(): Promise<void> | void;
}

/** One named contender of a group. */
export interface BenchCase {
  name: string;
  /** A Stowage contender (figures are compared with the best *peer*, i.e. a case without this flag). */
  ours?: boolean;
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
  /** Overrides of the harness settings, for groups whose operations take seconds. */
  settings?: Partial<Settings>;
  /** Shown under the group's table: what is special about the workload. */
  note?: string;
}

/** How each operation is measured (see `harness.ts`). */
export interface Settings {
  /** Untimed calls before calibration. */
  warmup: number;
  /** Timed repetitions; the median is the figure. */
  repetitions: number;
  /** Fast operations repeat within a repetition until it lasts this long. */
  minRepetitionMs: number;
  /**
   * Rounds of the whole group in one run, each with the case order rotated by one; a case's figure
   * is the median of its rounds. For short groups whose figures depend on JIT and heap state (which
   * case ran before), so one run already averages over orders. @default 1
   */
  rounds?: number;
}

/** Measured figures of one case. */
export interface CaseResult {
  case: string;
  /** Copied from {@link BenchCase.ours}. */
  ours: boolean;
  /** Median per metric key; `null` where the case has no such figure. */
  values: Record<string, number | null>;
  /** Per timed metric: the per-operation ms of every repetition. */
  samples: Record<string, number[]>;
  /** Operations per repetition (calibrated so that a repetition lasts long enough to time). */
  iterations: Record<string, number>;
  /** In a report combined from several page runs (`run.mjs --runs=N`): each run's own figures. */
  runs?: { values: Record<string, number | null> }[];
}

/** Results of one group. */
export interface GroupResult {
  id: string;
  title: string;
  note?: string;
  settings: Settings;
  metrics: MetricDef[];
  results: CaseResult[];
}

/** What `window.runBenchmarks()` resolves to. */
export interface BenchReport {
  startedAt: string;
  userAgent: string;
  settings: Settings;
  groups: GroupResult[];
}
