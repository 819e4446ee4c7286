import { lruCacheGroup } from './groups/cache.js';
import { compressionGroup } from './groups/compression.js';
import { encryptionGroup, keyDerivationGroup } from './groups/encryption.js';
import type { BenchGroup } from './types.js';

/**
 * Every benchmark group, in run order. To add one, write a `groups/<topic>.ts` returning a
 * {@link BenchGroup} (a list of named cases measured on the same input) and list it here.
 */
export const REGISTRY: readonly BenchGroup[] = [
  compressionGroup('compression-2k', 2 * 1024),
  compressionGroup('compression-150k', 150 * 1024),
  encryptionGroup('encryption-150k', 150 * 1024),
  keyDerivationGroup('key-derivation'),
  lruCacheGroup('lru-cache'),
];
