/**
 * Ports: the only way core reaches time, locks, cross-tab messaging, connectivity and randomness.
 * Each has a browser default here; tests inject their own.
 */

/** Time source and timers. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Exclusive named locks, across tabs where the platform allows. */
export interface LockPort {
  /** Runs `fn` while holding the lock `name`. */
  request<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` with the lock if it is free right now; otherwise resolves `undefined` without running it. */
  tryRequest<T>(name: string, fn: () => Promise<T>): Promise<T | undefined>;
}

/** An in-process lock (one tab only): the fallback where Web Locks are absent. */
export function memoryLocks(): LockPort {
  const tails = new Map<string, Promise<unknown>>();
  const held = new Set<string>();
  const request = <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const prev = tails.get(name) ?? Promise.resolve();
    const run = prev.then(
      async () => {
        held.add(name);
        try {
          return await fn();
        } finally {
          held.delete(name);
        }
      },
    );
    const tail = run.catch(() => undefined);
    tails.set(name, tail);
    void tail.then(() => {
      if (tails.get(name) === tail) tails.delete(name);
    });
    return run;
  };
  return {
    request,
    tryRequest: (name, fn) => (held.has(name) || tails.has(name) ? Promise.resolve(undefined) : request(name, fn)),
  };
}

interface WebLockManager {
  request(name: string, options: { ifAvailable?: boolean }, cb: (lock: unknown) => Promise<unknown>): Promise<unknown>;
}

/** Web Locks (`navigator.locks`) when present, else {@link memoryLocks}. */
export function defaultLocks(): LockPort {
  const nav = (globalThis as { navigator?: { locks?: WebLockManager } }).navigator;
  const locks = nav?.locks;
  if (!locks || typeof locks.request !== 'function') return memoryLocks();
  return {
    request: <T>(name: string, fn: () => Promise<T>) => locks.request(name, {}, () => fn()) as Promise<T>,
    tryRequest: <T>(name: string, fn: () => Promise<T>) =>
      locks.request(name, { ifAvailable: true }, (lock) => (lock ? fn() : Promise.resolve(undefined))) as Promise<T | undefined>,
  };
}

/** A cross-tab message bus for one channel name. */
export interface BroadcastPort {
  post(message: unknown): void;
  subscribe(listener: (message: unknown) => void): () => void;
  close(): void;
}

/** Creates the bus for a channel name; `undefined` when the platform has none. */
export type BroadcastFactory = (channel: string) => BroadcastPort | undefined;

/** BroadcastChannel-backed bus; `undefined` where BroadcastChannel is missing. */
export const broadcastChannel: BroadcastFactory = (channel) => {
  const BC = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
  if (typeof BC !== 'function') return undefined;
  const bc = new BC(channel);
  const listeners = new Set<(message: unknown) => void>();
  bc.onmessage = (ev: MessageEvent) => {
    for (const l of listeners) l(ev.data);
  };
  return {
    post: (message) => {
      try {
        bc.postMessage(message);
      } catch {
        // A closed channel or an uncloneable message must never break the write that caused it.
      }
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {
      listeners.clear();
      bc.close();
    },
  };
};

/** Connectivity as the platform sees it. */
export interface OnlinePort {
  isOnline(): boolean;
  subscribe(listener: (online: boolean) => void): () => void;
}

/** `navigator.onLine` + `online`/`offline` events; always online where they do not exist. */
export function defaultOnline(): OnlinePort {
  const g = globalThis as { navigator?: { onLine?: boolean }; addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener };
  return {
    isOnline: () => g.navigator?.onLine ?? true,
    subscribe: (listener) => {
      if (typeof g.addEventListener !== 'function') return () => undefined;
      const on = (): void => listener(true);
      const off = (): void => listener(false);
      g.addEventListener('online', on);
      g.addEventListener('offline', off);
      return () => {
        g.removeEventListener?.('online', on);
        g.removeEventListener?.('offline', off);
      };
    },
  };
}

/** Source of unique ids. */
export type IdFactory = () => string;

/** `crypto.randomUUID()`. */
export const randomId: IdFactory = () => globalThis.crypto.randomUUID();

/** Storage estimate (`navigator.storage.estimate()`), `undefined` where unavailable. */
export type EstimateFn = () => Promise<{ usage: number; quota: number } | undefined>;

/** The browser's `navigator.storage.estimate()`. */
export const browserEstimate: EstimateFn = async () => {
  const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<StorageEstimate> } } }).navigator?.storage;
  if (!storage?.estimate) return undefined;
  try {
    const e = await storage.estimate();
    return { usage: e.usage ?? 0, quota: e.quota ?? 0 };
  } catch {
    return undefined;
  }
};

/**
 * A seeded random source in [0, 1) (mulberry32): reproducible "randomness" for fault schedules,
 * jitter in tests and benchmark data — the same seed gives the same sequence everywhere.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
