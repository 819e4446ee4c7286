import type { BroadcastFactory, BroadcastPort, Clock, OnlinePort } from './ports.js';

/*
 * Ports for tests — of Stowage and of apps built on it: a clock that moves only when told, and an
 * in-process broadcast bus standing in for BroadcastChannel between simulated tabs.
 */

/** One turn of the event loop, the default way a {@link ManualClock} lets promise chains settle. */
const timeoutTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function settle(turn: () => Promise<void> = timeoutTurn, rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await turn();
}

/** A clock whose time and timers move only when the test says so. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, firing due timers in time order and settling promise chains after
   * each. Time moves synchronously up to the first due timer, so un-awaited calls work when none is.
   */
  advance(ms: number): Promise<void>;
  /** Due times of the timers still pending, ascending. */
  timers(): number[];
}

/** Options of {@link manualClock}. */
export interface ManualClockOptions {
  /**
   * Lets pending promise chains run after each timer (three turns are awaited). @default one
   * `setTimeout(0)`; a simulator whose code runs on microtasks alone can pass a `setImmediate`
   * turn, far faster than the millisecond a timer costs.
   */
  turn?: () => Promise<void>;
}

/** Creates a {@link ManualClock} starting at `start` (epoch ms). */
export function manualClock(start = 1_700_000_000_000, options: ManualClockOptions = {}): ManualClock {
  const turn = options.turn ?? timeoutTurn;
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined;
        for (const t of timers) if (t[1].at <= target && (!next || t[1].at < next[1].at)) next = t;
        if (!next) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].fn();
        await settle(turn);
      }
      now = target;
      await settle(turn);
    },
    timers: () => [...timers.values()].map((t) => t.at).sort((a, b) => a - b),
  };
}

/** An in-process BroadcastChannel stand-in: messages are cloned and delivered to every OTHER port of a channel. */
export function memoryBroadcast(): BroadcastFactory {
  const channels = new Map<string, Set<(m: unknown) => void>>();
  return (name) => {
    const ports = channels.get(name) ?? new Set();
    channels.set(name, ports);
    const listeners = new Set<(m: unknown) => void>();
    const deliver = (m: unknown): void => {
      for (const l of listeners) l(m);
    };
    ports.add(deliver);
    const port: BroadcastPort = {
      post(message) {
        const copy = structuredClone(message);
        for (const p of ports) if (p !== deliver) queueMicrotask(() => p(copy));
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close() {
        ports.delete(deliver);
        listeners.clear();
      },
    };
    return port;
  };
}


/** An {@link OnlinePort} the test switches by hand, as `navigator.onLine` + `online`/`offline` events would. */
export interface ManualOnline extends OnlinePort {
  set(online: boolean): void;
}

/** Creates a {@link ManualOnline}, initially `online`. */
export function manualOnline(initial = true): ManualOnline {
  let online = initial;
  const listeners = new Set<(online: boolean) => void>();
  return {
    isOnline: () => online,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      online = next;
      for (const l of [...listeners]) l(next);
    },
  };
}
