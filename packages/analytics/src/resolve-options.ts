import { defaultLocks, randomId, StowageError, systemClock } from '@stowage/core';
import type { Clock, LockPort, Storage } from '@stowage/core';
import type { AnalyticsOptions, PagehideTarget } from './analytics-types.js';
import { checkFunction, checkInteger, checkMethods, checkName, checkOptions, checkPositive } from './options.js';
import { reportError } from './report-error.js';

const OPTIONS = [
  'storage', 'persistKey', 'persistInterval', 'logSize', 'hotKeys', 'hashKeys', 'pollInterval', 'growthInterval', 'growthSamples', 'clock',
  'timer', 'locks', 'pagehideTarget', 'onError',
] as const;

/** Options with every default applied. */
export interface ResolvedOptions {
  storage: Storage | undefined;
  persistKey: string;
  persistInterval: number;
  logSize: number;
  hotKeys: number;
  hashing: { salt: string; fixed: boolean } | undefined;
  pollInterval: number;
  growthInterval: number;
  growthSamples: number;
  clock: Clock;
  timer: () => number;
  /** With the default clock and timer: epoch ms at timer 0 (`performance.timeOrigin`), else 0. */
  fastStamp: number;
  locks: LockPort;
  pagehideTarget: PagehideTarget | undefined;
  onError: (error: StowageError) => void;
}

const perf = (globalThis as { performance?: { now(): number; timeOrigin?: number } }).performance;
const hasPerf = typeof perf?.now === 'function' && typeof perf.timeOrigin === 'number';

function defaultTimer(): () => number {
  return hasPerf ? () => perf!.now() : () => Date.now();
}

function defaultPagehideTarget(): PagehideTarget | undefined {
  const g = globalThis as Partial<PagehideTarget>;
  return typeof g.addEventListener === 'function' && typeof g.removeEventListener === 'function' ? (g as PagehideTarget) : undefined;
}

/** Validates `createAnalytics` options (`invalid-argument` on anything wrong) and fills in defaults. */
export function resolveOptions(o: AnalyticsOptions = {}): ResolvedOptions {
  checkOptions(o, OPTIONS, 'createAnalytics');
  if (o.storage !== undefined) checkMethods(o.storage, ['get', 'set', 'subscribe'], 'storage');
  if (o.persistKey !== undefined) checkName(o.persistKey, 'persistKey', 1024);
  for (const k of ['persistInterval', 'pollInterval', 'growthInterval'] as const) if (o[k] !== undefined) checkPositive(o[k], k);
  if (o.logSize !== undefined) checkInteger(o.logSize, 'logSize', 1, 1_000_000);
  if (o.hotKeys !== undefined) checkInteger(o.hotKeys, 'hotKeys', 1, 10_000);
  if (o.growthSamples !== undefined) checkInteger(o.growthSamples, 'growthSamples', 2, 100_000);
  if (o.clock !== undefined) checkMethods(o.clock, ['now', 'setTimeout', 'clearTimeout'], 'clock');
  if (o.locks !== undefined) checkMethods(o.locks, ['request', 'tryRequest'], 'locks');
  checkFunction(o.timer, 'timer');
  checkFunction(o.onError, 'onError');
  const h = o.hashKeys;
  if (h !== undefined && typeof h !== 'boolean') {
    checkOptions(h, ['salt'], 'hashKeys');
    checkName((h as { salt?: unknown }).salt, 'hashKeys.salt', 1024);
  }
  const p = o.pagehideTarget;
  if (p !== undefined && p !== false) checkMethods(p, ['addEventListener', 'removeEventListener'], 'pagehideTarget');
  return {
    storage: o.storage,
    persistKey: o.persistKey ?? 'stats',
    persistInterval: o.persistInterval ?? 1000,
    logSize: o.logSize ?? 1000,
    hotKeys: o.hotKeys ?? 20,
    hashing: h === undefined || h === false ? undefined : h === true ? { salt: randomId(), fixed: false } : { salt: h.salt, fixed: true },
    pollInterval: o.pollInterval ?? 1000,
    growthInterval: o.growthInterval ?? 60_000,
    growthSamples: o.growthSamples ?? 120,
    clock: o.clock ?? systemClock,
    timer: o.timer ?? defaultTimer(),
    fastStamp: o.clock === undefined && o.timer === undefined && hasPerf ? perf!.timeOrigin! : 0,
    locks: o.locks ?? defaultLocks(),
    pagehideTarget: p === undefined ? defaultPagehideTarget() : p === false ? undefined : p,
    onError: o.onError ?? reportError,
  };
}

