import { systemClock, toStowageError } from '@stowage/core';
import type { Clock, StowageError } from '@stowage/core';
import type { RemoteStore } from './remote-store.js';

/** What {@link checkRemoteHealth} found. */
export interface RemoteHealth {
  /** The remote answered and let this client read. */
  ok: boolean;
  /** The remote answered at all (a refusal is an answer). */
  reachable: boolean;
  /** The remote let this client read (`false`: `permission-denied`, e.g. security rules). */
  permission: boolean;
  /** Round trip of the probe in ms (wall clock). */
  latencyMs: number;
  /** Why it failed. */
  error?: StowageError;
}

/** Options of {@link checkRemoteHealth}. */
export interface RemoteHealthOptions {
  /** Give up after this many ms: the remote counts as unreachable. @default 5000 */
  timeoutMs?: number;
  /** Times the probe and its deadline (the engines' clock port). @default systemClock */
  clock?: Clock;
}

/**
 * Checks a remote from here (the seed's health check for the cloud side): one minimal read (a
 * pull of one change) tells whether it answers, how fast, and whether this client may read.
 * Never rejects: an unhealthy remote is a result with a typed `error`.
 *
 * @example
 * const cloud = await checkRemoteHealth(remote);
 * if (!cloud.reachable) banner('working offline');
 */
export async function checkRemoteHealth(remote: RemoteStore, options: RemoteHealthOptions = {}): Promise<RemoteHealth> {
  const timeout = options.timeoutMs ?? 5_000;
  const clock = options.clock ?? systemClock;
  const ctl = new AbortController();
  const timer = clock.setTimeout(() => ctl.abort(), timeout);
  const t0 = clock.now();
  try {
    await remote.pull(undefined, 1, ctl.signal);
    return { ok: true, reachable: true, permission: true, latencyMs: clock.now() - t0 };
  } catch (e) {
    const error = ctl.signal.aborted ? toStowageError(e, `no answer within ${timeout} ms`) : toStowageError(e, 'health');
    const refused = error.code === 'permission-denied';
    // An answer that is not a transport failure (unavailable, aborted) still means the remote is there.
    const reachable = refused || !(ctl.signal.aborted || error.code === 'unavailable' || error.code === 'aborted');
    return { ok: false, reachable, permission: !refused && reachable, latencyMs: clock.now() - t0, error };
  } finally {
    clock.clearTimeout(timer);
  }
}
