import { memoryLocks, type OnlinePort } from '@stowage/core';
import { memoryBroadcast as memoryBus } from '@stowage/core';
import { createNetworkMonitor, type NetworkMonitor } from '@stowage/sync';

/** A connectivity port a test switches, as navigator.onLine + online/offline events would be. */
export function switchableOnline(initial = true): OnlinePort & { set(online: boolean): void } {
  let online = initial;
  const listeners = new Set<(o: boolean) => void>();
  return {
    isOnline: () => online,
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    set(next) {
      online = next;
      for (const l of [...listeners]) l(next);
    },
  };
}

/** A network monitor over a switchable port. */
export function testNetwork(initial = true): { network: NetworkMonitor; online: ReturnType<typeof switchableOnline> } {
  const online = switchableOnline(initial);
  return { network: createNetworkMonitor({ online }), online };
}

/** Sync options that keep a test in-process: no timers, no BroadcastChannel, in-page locks. */
export const quietSync = () => ({ pullInterval: 0, locks: memoryLocks(), broadcast: memoryBus() });
