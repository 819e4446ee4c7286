import { contextOf, StowageError } from '@stowage/core';
import type { KernelContext, Storage } from '@stowage/core';
import { AnalyticsImpl } from './analytics.js';
import type { Analytics } from './analytics-types.js';

/**
 * Records every operation of `storage` in `analytics` — latency, outcome (hit, miss, ok, error),
 * error code, keys read, bytes written — and attaches its change events (`attachStorage`). It
 * attaches a layer to the storage's kernel (the `operation` stage), so it sees what the storage
 * does, whoever asks: the methods, the whole-namespace functions (`exportData(storage)`,
 * `importData`, `migrate`, …), a sync engine's `readRecords`/`applyRecords` (not its reserved-space bookkeeping), background writes
 * (`expire`), and reads a memory tier (`withMemoryCache`) answers itself.
 *
 * Returns `storage` itself (same object, same schema): there is no wrapper. Instrumenting a storage
 * again, or another wrapper of the same storage, attaches nothing more; `analytics.close()` detaches.
 *
 * @example
 * ```ts
 * const storage = instrument(createStowageStorage({ driver: indexedDbDriver() }), analytics);
 * ```
 */
export function instrument<S extends object>(storage: Storage<S>, analytics: Analytics): Storage<S>;
/** An untyped storage, instrumented. Declared last so `ReturnType<typeof instrument>` is the untyped `Storage`. */
export function instrument(storage: Storage, analytics: Analytics): Storage;
export function instrument(storage: Storage, analytics: Analytics): Storage {
  if (!(analytics instanceof AnalyticsImpl)) throw new StowageError('invalid-argument', 'instrument needs an analytics from createAnalytics()');
  if (typeof storage?.get !== 'function' || typeof storage.subscribe !== 'function') {
    throw new StowageError('invalid-argument', 'instrument needs a Storage (createStowageStorage(...))');
  }
  let ctx: KernelContext;
  try {
    ctx = contextOf(storage);
  } catch (e) {
    throw new StowageError('invalid-argument', 'instrument needs a storage made by createStowageStorage or createKernel, or a wrapper of one', { cause: e });
  }
  analytics.instrument(storage, ctx);
  return storage;
}
