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
  /**
   * Firestore emulator to talk to, when the URL names one (`emulator=host:port`): a spec puts a
   * fault proxy of its own in front of the emulator per device. Undefined: the build-time address.
   */
  emulator: { host: string; port: number } | undefined;
  /** Collection the offline operation queue increments its counter in: the `stats` sibling of {@link collectionPath}. */
  statsPath: string;
}

const STRATEGIES = ['last-write-wins', 'remote-wins', 'local-wins'] as const;

/**
 * Parses `?db=&prefix=&collection=&conflict=&backoff=&offline=1&emulator=host:port`. Unknown values throw, so a typo in
 * a spec fails loudly instead of silently testing the defaults.
 */
export function harnessOptions(search: string): HarnessOptions {
  const q = new URLSearchParams(search);
  const conflict = q.get('conflict') ?? 'last-write-wins';
  if (!(STRATEGIES as readonly string[]).includes(conflict)) throw new Error(`harness: unknown conflict strategy ${conflict}`);
  const backoff = q.get('backoff');
  const backoffMs = backoff === null ? undefined : Number(backoff);
  if (backoffMs !== undefined && !(backoffMs > 0)) throw new Error(`harness: backoff must be a positive number of ms, got ${backoff}`);
  const target = q.get('emulator');
  const m = target === null ? null : /^([^:/]+):(\d{1,5})$/.exec(target);
  if (target !== null && !m) throw new Error(`harness: emulator must be host:port, got ${target}`);
  const collectionPath = q.get('collection') ?? 'users/harness/kv';
  return {
    dbName: q.get('db') ?? 'stowage-harness',
    prefix: q.get('prefix') ?? 'harness',
    collectionPath,
    conflict: conflict as HarnessOptions['conflict'],
    backoffMs,
    offline: q.get('offline') === '1',
    emulator: m ? { host: m[1] as string, port: Number(m[2]) } : undefined,
    statsPath: [...collectionPath.split('/').slice(0, -1), 'stats'].join('/'),
  };
}
