import { lruCacheGroup } from './groups/cache.js';
import { analyticsGroup } from './groups/analytics.js';
import { compressionGroup } from './groups/compression.js';
import { encryptedStorageGroup } from './groups/encrypted-storage.js';
import { encryptionGroup, keyDerivationGroup } from './groups/encryption.js';
import { hydrationGroup } from './groups/hydration.js';
import { heapProbe, hydrationHeapGroup } from './groups/hydration-heap.js';
import { kvGroup } from './groups/kv.js';
import { syncReadGroup } from './groups/sync-read.js';
import { syncReplayGroup } from './groups/sync-replay.js';
import { emulatorTarget } from './emulator.js';
import type { BenchGroup } from './types.js';

/**
 * Every benchmark group, in run order. To add one, write a `groups/<topic>.ts` returning a
 * {@link BenchGroup} (a list of named cases measured on the same input) and list it here.
 * Group ids are referenced by `targets.ts`. The sync group needs the Firestore emulator that
 * `run.mjs` starts (page URL `?emulator=host:port`); a page opened without one leaves it out.
 */
const emulator = emulatorTarget();
/** The heap group needs the runner's CDP heap probe (run.mjs exposes it). */
const heap = heapProbe();

export const REGISTRY: readonly BenchGroup[] = [
  kvGroup('kv-2k', 2_000),
  kvGroup('kv-20k', 20_000),
  hydrationGroup('hydration-10k', 10_000),
  hydrationGroup('hydration-50k', 50_000),
  ...(heap ? [hydrationHeapGroup('hydration-heap-50k', 50_000, heap)] : []),
  syncReadGroup('sync-read-2k', 2_000),
  lruCacheGroup('lru-cache'),
  compressionGroup('compression-2k', 2 * 1024),
  compressionGroup('compression-150k', 150 * 1024),
  encryptionGroup('encryption-150k', 150 * 1024),
  encryptedStorageGroup('encrypted-storage-150k', 150 * 1024),
  keyDerivationGroup('key-derivation'),
  ...(emulator ? [syncReplayGroup('sync-replay', emulator, 10_000, 1_000)] : []),
  analyticsGroup('analytics-2k', 2_000),
];
