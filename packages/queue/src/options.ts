import { StowageError, broadcastChannel, defaultLocks, systemClock } from '@stowage/core';
import type { BroadcastFactory, Clock, Driver, LockPort } from '@stowage/core';
import type { QueueHandler } from './types.js';

/** Retry timing: delay(n) = min(maxMs, baseMs × factorⁿ) × (1 − jitter × random()). */
export interface BackoffOptions {
  /** Delay after the first failure. @default 1000 */
  baseMs?: number;
  /** Growth per failed attempt. @default 1.5 */
  factor?: number;
  /** Upper bound of any delay. @default 60000 */
  maxMs?: number;
  /** Share of the delay that is randomised away (0 = none, 1 = anywhere in [0, delay]). @default 0.5 */
  jitter?: number;
}

/** Options of `createQueue`. */
export interface QueueOptions<T> {
  /** Where entries live (reserved key space, so they can share the data's transactions). */
  driver: Driver;
  /** Queue name: letters, digits and `._:-`, at most 100 characters. Tabs with the same name share the queue. */
  name: string;
  /** Delivers a batch of entries; see {@link QueueHandler}. */
  handler: QueueHandler<T>;
  /** Most entries per handler call. @default 100 */
  batchSize?: number;
  /** Time and timers. @default systemClock */
  clock?: Clock;
  /** Cross-tab locks: only the holder flushes. @default defaultLocks() (Web Locks, else in-page locks) */
  locks?: LockPort;
  /** Cross-tab bus (events of other tabs). @default broadcastChannel */
  broadcast?: BroadcastFactory;
  /** Random source in [0, 1) for jitter. @default Math.random */
  random?: () => number;
  /** Retry timing. @default { baseMs: 1000, factor: 1.5, maxMs: 60000, jitter: 0.5 } */
  backoff?: BackoffOptions;
  /** Most pending entries; an enqueue past it rejects with `quota-exceeded`. @default Infinity */
  maxEntries?: number;
  /** Most dead letters kept; the oldest are dropped (event `dead-removed`, reason `retention`). @default 1000 */
  maxDeadLetters?: number;
  /** Flush on enqueue, on due retries and when another tab enqueues. @default true */
  autoFlush?: boolean;
}

/** Options with every default applied. */
export interface ResolvedOptions<T> {
  driver: Driver;
  name: string;
  handler: QueueHandler<T>;
  batchSize: number;
  clock: Clock;
  locks: LockPort;
  broadcast: BroadcastFactory;
  random: () => number;
  backoff: Required<BackoffOptions>;
  maxEntries: number;
  maxDeadLetters: number;
  autoFlush: boolean;
}

const KEYS = ['driver', 'name', 'handler', 'batchSize', 'clock', 'locks', 'broadcast', 'random', 'backoff', 'maxEntries', 'maxDeadLetters', 'autoFlush'];
const NAME = /^[A-Za-z0-9._:-]{1,100}$/;

function invalid(message: string, details: Record<string, unknown> = {}): StowageError {
  return new StowageError('invalid-argument', `createQueue: ${message}`, { details });
}

function number(value: unknown, name: string, ok: (n: number) => boolean, what: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) {
    throw invalid(`${name} must be ${what}, got ${String(value)}`, { option: name });
  }
  return value;
}

const isCount = (n: number): boolean => n === Infinity || (Number.isInteger(n) && n >= 0);

function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return typeof value === 'object' && value !== null && methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
}

/** Checks `createQueue` options (typos included) and fills in defaults. */
export function resolveOptions<T>(options: QueueOptions<T>): ResolvedOptions<T> {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  for (const k of Object.keys(options)) if (!KEYS.includes(k)) throw invalid(`unknown option "${k}"`, { option: k });
  const { driver, name, handler, clock = systemClock, locks = defaultLocks(), broadcast = broadcastChannel, random = Math.random } = options;
  if (!hasMethods(driver, ['get', 'batch', 'entries', 'keys', 'open']) || typeof driver.scope !== 'string') throw invalid('driver must be a Driver');
  if (typeof name !== 'string' || !NAME.test(name)) throw invalid('name must be 1–100 characters of letters, digits and ._:-', { name });
  if (typeof handler !== 'function') throw invalid('handler must be a function');
  if (!hasMethods(clock, ['now', 'setTimeout', 'clearTimeout'])) throw invalid('clock must be a Clock');
  if (!hasMethods(locks, ['request', 'tryRequest'])) throw invalid('locks must be a LockPort');
  if (typeof broadcast !== 'function') throw invalid('broadcast must be a function');
  if (typeof random !== 'function') throw invalid('random must be a function');
  const autoFlush = options.autoFlush ?? true;
  if (typeof autoFlush !== 'boolean') throw invalid('autoFlush must be a boolean');
  const b = options.backoff ?? {};
  if (typeof b !== 'object' || b === null) throw invalid('backoff must be an object');
  const backoff = {
    baseMs: number(b.baseMs ?? 1000, 'backoff.baseMs', (n) => n > 0 && Number.isFinite(n), 'a positive finite number'),
    factor: number(b.factor ?? 1.5, 'backoff.factor', (n) => n >= 1 && Number.isFinite(n), 'a finite number ≥ 1'),
    maxMs: number(b.maxMs ?? 60_000, 'backoff.maxMs', (n) => n > 0 && Number.isFinite(n), 'a positive finite number'),
    jitter: number(b.jitter ?? 0.5, 'backoff.jitter', (n) => n >= 0 && n <= 1, 'a number in [0, 1]'),
  };
  if (backoff.maxMs < backoff.baseMs) throw invalid('backoff.maxMs must be ≥ backoff.baseMs', { option: 'backoff.maxMs' });
  return {
    driver,
    name,
    handler,
    clock,
    locks,
    broadcast,
    random,
    autoFlush,
    backoff,
    batchSize: number(options.batchSize ?? 100, 'batchSize', (n) => Number.isInteger(n) && n >= 1, 'a positive integer'),
    maxEntries: number(options.maxEntries ?? Infinity, 'maxEntries', (n) => n !== 0 && isCount(n), 'a positive integer or Infinity'),
    maxDeadLetters: number(options.maxDeadLetters ?? 1000, 'maxDeadLetters', isCount, 'a non-negative integer or Infinity'),
  };
}
