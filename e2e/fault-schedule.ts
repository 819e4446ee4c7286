import { prng } from './prng.js';

/*
 * The steps of a fault run (e2e/sync-faults.spec.ts), drawn from a seed like the simulator's
 * schedules (packages/sync/src/__tests__/sim/actions.ts), fewer of them and without a fake clock:
 * tabs and devices are named by index, and spells (offline, partition) last a number of steps.
 */

/** Keys the schedules write: few, so that tabs and devices meet on them. */
export const KEYS = ['k0', 'k1', 'k2'] as const;

/** One step of a schedule. */
export type Step =
  | { t: 'set'; tab: number; key: string; value: string }
  | { t: 'remove'; tab: number; key: string }
  | { t: 'increment'; tab: number }
  | { t: 'flush' | 'pull' | 'reload'; tab: number }
  /** The device's tabs are told they are offline for `steps` steps (their outboxes pause). */
  | { t: 'offline'; device: number; steps: number }
  /** The device's proxy refuses every connection for `steps` steps (the tabs are not told). */
  | { t: 'partition'; device: number; steps: number }
  /** Nothing for `ms`: backoff timers fire, background pushes and pulls run. */
  | { t: 'pause'; ms: number };

/** The shape of the world a schedule is drawn for. */
export interface ScheduleShape {
  /** Device of each tab, by tab index (devices are 0…n-1). */
  deviceOfTab: readonly number[];
  steps: number;
}

/** Relative weights of the step kinds: mostly writes, some of everything else. */
const WEIGHTS: readonly [Step['t'], number][] = [
  ['set', 6],
  ['remove', 2],
  ['increment', 2],
  ['flush', 2],
  ['pull', 5],
  ['offline', 3],
  ['partition', 1],
  ['reload', 1],
  ['pause', 1],
];
const TOTAL = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

/**
 * The schedule of `seed`: `shape.steps` steps, with at least one reload (at a random step of the
 * middle half, so there is work in flight to reload over). Values name their write (`v7@t2`: the
 * 7th value, written by tab 2), so a failure says whose write is where.
 */
export function schedule(seed: number, shape: ScheduleShape): Step[] {
  const random = prng(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const tabs = shape.deviceOfTab.length;
  let serial = 0;
  const draw = (): Step => {
    let r = random() * TOTAL;
    const kind = (WEIGHTS.find(([, w]) => (r -= w) < 0) ?? WEIGHTS[0]!)[0];
    switch (kind) {
      case 'set': {
        const tab = int(tabs);
        return { t: 'set', tab, key: KEYS[int(KEYS.length)]!, value: `v${++serial}@t${tab}` };
      }
      case 'remove':
        return { t: 'remove', tab: int(tabs), key: KEYS[int(KEYS.length)]! };
      // A spell strikes a tab at random and takes its device with it: a device with more tabs (more
      // contexts sharing an outbox, where superseded edits hide) is cut off more often.
      case 'offline':
        return { t: kind, device: shape.deviceOfTab[int(tabs)]!, steps: 2 + int(11) };
      case 'partition':
        return { t: kind, device: shape.deviceOfTab[int(tabs)]!, steps: 1 + int(5) };
      case 'pause':
        return { t: 'pause', ms: 50 + int(250) };
      default:
        return { t: kind, tab: int(tabs) };
    }
  };
  const steps = Array.from({ length: shape.steps }, draw);
  const at = Math.floor(shape.steps / 4) + int(Math.floor(shape.steps / 2));
  steps.splice(at, 0, { t: 'reload', tab: int(tabs) });
  return steps;
}

/** A step as one line of a failure's log. */
export function describe(step: Step): string {
  switch (step.t) {
    case 'set':
      return `t${step.tab} set ${step.key}=${step.value}`;
    case 'remove':
      return `t${step.tab} remove ${step.key}`;
    case 'offline':
    case 'partition':
      return `device ${step.device} ${step.t} for ${step.steps} steps`;
    case 'pause':
      return `pause ${step.ms} ms`;
    default:
      return `t${step.tab} ${step.t}`;
  }
}
