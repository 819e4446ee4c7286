import { StowageError, toStowageError } from '@stowage/core';
import type { CacheGetOptions, CacheSource, Loader, WarmupOptions, WarmupResult } from './cache-manager-types.js';
import { checkOptions, checkPositive } from './options.js';

/** One read-through `get` that also tells where the value came from. */
export type ResolveFn = (key: string, options: CacheGetOptions<unknown>) => Promise<[unknown, CacheSource]>;

/**
 * `CacheManager.warmup`: reads every key through the cache with `loader`, at most `concurrency` at a
 * time. A key that fails becomes a failed result (never a rejection), so one bad key cannot stop
 * the rest; results keep the order of `keys`.
 */
export async function warmup<T>(keys: readonly string[], loader: Loader<T>, options: WarmupOptions | undefined, resolve: ResolveFn): Promise<WarmupResult[]> {
  if (!Array.isArray(keys)) throw new StowageError('invalid-argument', 'warmup expects an array of keys');
  if (typeof loader !== 'function') throw new StowageError('invalid-argument', 'warmup needs a loader function');
  checkOptions(options, ['concurrency', 'ttl'], 'warmup');
  const concurrency = options?.concurrency ?? 4;
  checkPositive(concurrency, 'concurrency');
  const get: CacheGetOptions<unknown> = options?.ttl === undefined ? { loader } : { loader, ttl: options.ttl };
  const results = new Array<WarmupResult>(keys.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const i = next++;
      const key = keys[i] as string;
      try {
        const [, source] = await resolve(key, get);
        results[i] = { key, ok: true, source };
      } catch (e) {
        results[i] = { key: String(key), ok: false, error: toStowageError(e, `warmup "${String(key)}"`) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.ceil(concurrency), keys.length) }, worker));
  return results;
}
