import { defaultOnline, isRetryable } from '@stowage/core';
import type { OnlinePort } from '@stowage/core';

/** What the monitor knows about connectivity. */
export interface NetworkState {
  /** The platform says the device is online (`navigator.onLine`). */
  readonly online: boolean;
  /** The remote answered the last request (false after a transport failure, until a success). */
  readonly reachable: boolean;
}

/** Online/offline from the platform plus what requests to the remote saw. */
export interface NetworkMonitor {
  state(): NetworkState;
  /** Called with the new state on every change; returns the unsubscribe function. */
  subscribe(listener: (state: NetworkState, previous: NetworkState) => void): () => void;
  /** A request failed; transport failures (retryable errors) make the remote unreachable. */
  reportFailure(error: unknown): void;
  /** A request succeeded: the remote is reachable. */
  reportSuccess(): void;
  close(): void;
}

/** Options of {@link createNetworkMonitor}. */
export interface NetworkMonitorOptions {
  /** The platform's view. @default defaultOnline() (navigator.onLine + online/offline events) */
  online?: OnlinePort;
}

/**
 * Creates a network monitor. "Reconnected" — the transition listeners act on (flush, pull, reset
 * backoff) — is either the platform coming back online or the remote answering again after
 * transport failures.
 */
export function createNetworkMonitor(options: NetworkMonitorOptions = {}): NetworkMonitor {
  const port = options.online ?? defaultOnline();
  let current: NetworkState = { online: port.isOnline(), reachable: true };
  const listeners = new Set<(s: NetworkState, p: NetworkState) => void>();
  const set = (next: NetworkState): void => {
    if (next.online === current.online && next.reachable === current.reachable) return;
    const previous = current;
    current = next;
    for (const l of [...listeners]) l(next, previous);
  };
  const off = port.subscribe((online) => set({ online, reachable: current.reachable }));
  return {
    state: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reportFailure(error) {
      if (isRetryable(error)) set({ online: current.online, reachable: false });
    },
    reportSuccess() {
      set({ online: current.online, reachable: true });
    },
    close() {
      off();
      listeners.clear();
    },
  };
}

/** Whether a state allows talking to the remote. */
export function canSync(s: NetworkState): boolean {
  return s.online;
}

/** Whether going from `previous` to `next` is a reconnection (worth a flush, a pull, a backoff reset). */
export function isReconnect(previous: NetworkState, next: NetworkState): boolean {
  return (next.online && !previous.online) || (next.online && next.reachable && !previous.reachable);
}
