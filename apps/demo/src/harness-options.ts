import type { ConflictStrategy } from 'stowage';

/** What one tab of the sync harness runs, read from its URL query (see {@link harnessOptions}). */
export interface HarnessOptions {
  /** IndexedDB database of the tab's device (one per browser profile is enough). */
  dbName: string;
  /** Storage namespace; the sync state and outbox live under it too. */
  prefix: string;
  /** Firestore collection of the key documents, e.g. `users/t1/kv`. */
  collectionPath: string;
  conflict: Exclude<ConflictStrategy, (...args: never[]) => unknown>;
  /** Outbox retry delay (ms, no jitter); undefined keeps the library's default backoff. */
  backoffMs: number | undefined;
  /** Whether the tab starts offline (its outbox paused). */
  offline: boolean;
}

const STRATEGIES = ['last-write-wins', 'remote-wins', 'local-wins'] as const;

/**
 * Parses `?db=&prefix=&collection=&conflict=&backoff=&offline=1`. Unknown values throw, so a typo in
 * a spec fails loudly instead of silently testing the defaults.
 */
export function harnessOptions(search: string): HarnessOptions {
  const q = new URLSearchParams(search);
  const conflict = q.get('conflict') ?? 'last-write-wins';
  if (!(STRATEGIES as readonly string[]).includes(conflict)) throw new Error(`harness: unknown conflict strategy ${conflict}`);
  const backoff = q.get('backoff');
  const backoffMs = backoff === null ? undefined : Number(backoff);
  if (backoffMs !== undefined && !(backoffMs > 0)) throw new Error(`harness: backoff must be a positive number of ms, got ${backoff}`);
  return {
    dbName: q.get('db') ?? 'stowage-harness',
    prefix: q.get('prefix') ?? 'harness',
    collectionPath: q.get('collection') ?? 'users/harness/kv',
    conflict: conflict as HarnessOptions['conflict'],
    backoffMs,
    offline: q.get('offline') === '1',
  };
}
