import { randomId, StowageError, systemClock } from '@stowage/core';
import type { Clock } from '@stowage/core';
import { createHlc, parseHlc } from './hlc.js';
import type { RemoteChange, RemoteDoc, RemoteStore } from './remote-store.js';

/**
 * Where values come from when neither memory nor local storage has them: the last tier of a
 * read-through. `get` is a loader of `createCacheManager` (`@stowage/cache`), which keeps the
 * memory and local tiers: `cache.get(key, { loader: cloud.get })`.
 */
export interface CloudTier {
  /** The value the cloud holds for `key`, `undefined` when none. */
  get(key: string): Promise<unknown>;
  /** Writes a value to the cloud (the seed's `syncToCloud`, for a namespace no sync engine keeps). */
  set?(key: string, value: unknown): Promise<void>;
}

/** Options of {@link remoteCloudTier}. */
export interface RemoteCloudTierOptions {
  /** Client id written as the `origin` of this tier's writes (letters, digits, `_`). @default a random id */
  origin?: string;
  /** Wall clock of the revisions it writes and of expiry checks. @default systemClock */
  clock?: Clock;
  /** Compare-and-set rounds of one write while other clients keep writing the key, before `conflict`. @default 3 */
  attempts?: number;
}

/** A {@link CloudTier} over a {@link RemoteStore}: the seed's `fetchFromCloud` / `syncToCloud`, plus `remove`. */
export interface RemoteCloudTier extends Required<CloudTier> {
  /** Deletes the key in the cloud (a tombstone, as a sync engine would write). */
  remove(key: string): Promise<void>;
  /** The remote it reads and writes. */
  readonly remote: RemoteStore;
}

/**
 * Makes a remote the cloud tier of a read-through cache (its `get` is a `createCacheManager`
 * loader), in the documents a sync engine uses, so the cache and `createSync` on one collection
 * see each other's writes.
 *
 * - `get(key)`: the key's document (`remote.get`); `undefined` when absent, deleted or expired. A
 *   key stored encrypted is ciphertext in the cloud, unreadable here: `decode-failed` (a synced
 *   namespace reads it with `sync.download(key)`, which decrypts locally).
 * - `set` / `remove`: overwrite whatever the cloud holds, as the seed's `syncToCloud` does, by
 *   compare-and-set on the revision just read (another writer in between means read and try again),
 *   with a revision later than the one replaced: sync engines weigh it as a newer edit.
 *
 * @example
 * const cloud = remoteCloudTier(remote);
 * const cache = createCacheManager({ storage, defaultTtl: 300_000 }); // memory → local (@stowage/cache)
 * const user = await cache.get('userInfo', { loader: cloud.get }); // → the cloud, back-filling both tiers
 */
export function remoteCloudTier(remote: RemoteStore, options: RemoteCloudTierOptions = {}): RemoteCloudTier {
  if (typeof remote?.get !== 'function' || typeof remote.push !== 'function') {
    throw new StowageError('invalid-argument', 'remoteCloudTier needs a RemoteStore with get() and push()');
  }
  const read = remote.get.bind(remote);
  const clock = options.clock ?? systemClock;
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) throw new StowageError('invalid-argument', 'remoteCloudTier: attempts must be an integer ≥ 1');
  const origin = options.origin ?? randomId().replace(/[^A-Za-z0-9]/g, '').slice(0, 16);
  const hlc = createHlc(clock, origin);

  const write = async (key: string, payload: Pick<RemoteChange, 'deleted' | 'value'>): Promise<void> => {
    for (let round = 0; round < attempts; round++) {
      const current = await read(key);
      if (payload.deleted && (!current || current.deleted)) return;
      // Later than the revision it replaces, whatever this device's clock says.
      if (current && isHlc(current.hlc)) hlc.receive(current.hlc);
      const [outcome] = await remote.push([{ key, origin, hlc: hlc.now(), base: current?.hlc ?? null, ...payload }]);
      if (outcome?.status === 'applied') return;
      if (outcome?.status === 'rejected') throw outcome.error;
    }
    throw new StowageError('conflict', `the cloud copy of "${key}" kept changing: ${attempts} writes lost the race`, { details: { key, attempts } });
  };

  return {
    remote,
    // An arrow function: `cloud.get` is passed on its own, as a loader.
    get: async (key) => valueOf(await read(key), clock.now()),
    set: (key, value) => write(key, { deleted: false, value }),
    remove: (key) => write(key, { deleted: true }),
  };
}

/** The value a key document holds now, for a reader without the key's codecs. */
function valueOf(doc: RemoteDoc | undefined, now: number): unknown {
  if (!doc || doc.deleted || (doc.expiresAt !== undefined && doc.expiresAt <= now)) return undefined;
  if (doc.data !== undefined) {
    throw new StowageError('decode-failed', `the cloud copy of "${doc.key}" is encrypted: read it through sync.download`, { details: { key: doc.key } });
  }
  return doc.value;
}

/** Revisions written by other tools may not be HLCs; only real ones move this clock. */
function isHlc(value: string): boolean {
  try {
    parseHlc(value);
    return true;
  } catch {
    return false;
  }
}
