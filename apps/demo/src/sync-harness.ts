import { createFirestoreRemote, createNetworkMonitor, createOfflineQueue, createStorage, createSync, indexedDbDriver, type SyncEvent } from 'stowage';
import { DEMO, emulatorTarget } from './demo-config.js';
import { harnessOptions } from './harness-options.js';
import { createOnlineSwitch } from './online-switch.js';

/** A sync event as the harness records it: plain data, so it survives the trip to a spec. */
export interface HarnessEvent {
  type: SyncEvent['type'];
  key?: string;
  keys?: string[];
  winner?: string;
  error?: string;
}

/** What a tab of the harness offers to e2e specs (`window.harness`), one sync engine per tab. */
export interface SyncHarness {
  /** The options this tab runs with (from its URL). */
  readonly options: ReturnType<typeof harnessOptions>;
  set(key: string, value: unknown): Promise<void>;
  /** Sets many keys in one local commit. */
  setMany(entries: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
  /** The local value; undefined when the key is absent. */
  get(key: string): Promise<unknown>;
  pull(): Promise<number>;
  flush(): Promise<void>;
  /**
   * Adds one offline operation: increment `count` of the `visits` document in the stats collection
   * (see {@link harnessOptions}). Resolved once durable: from then on it must be applied exactly once.
   */
  increment(): Promise<void>;
  /** Applies the pending offline operations now. */
  flushOperations(): Promise<void>;
  /**
   * `sync.status()` with the error as its message, plus `operations`: the offline operations not yet
   * applied (the device's, like `pending`: tabs share the queue).
   */
  status(): Promise<{ online: boolean; pending: number; operations: number; syncing: boolean; lastError: string | undefined }>;
  /** Switches this tab offline or online, as the browser's `offline`/`online` events would. */
  setOnline(online: boolean): void;
  /** Every sync event so far, oldest first. */
  events(): HarnessEvent[];
}

declare global {
  interface Window {
    /** Set once the harness page's sync engine is ready (sync-harness.html only). */
    harness?: SyncHarness;
  }
}

function record(e: SyncEvent): HarnessEvent {
  switch (e.type) {
    case 'pushed':
    case 'pulled':
      return { type: e.type, keys: [...e.keys] };
    case 'conflict':
      return { type: e.type, key: e.key, winner: e.winner };
    case 'dead-lettered':
      return { type: e.type, key: e.key, error: e.error.message };
    case 'error':
      return { type: e.type, error: `${e.operation}: ${e.error.message}` };
    default:
      return { type: e.type };
  }
}

/**
 * Builds the tab's storage + sync + offline queue from the building blocks (not createStowage: the
 * specs need the conflict strategy, no pull timer and a per-tab online switch), against the e2e
 * emulator — or the address the URL names (a spec's fault proxy).
 */
async function start(): Promise<SyncHarness> {
  const options = harnessOptions(location.search);
  const emulator = options.emulator ?? emulatorTarget();
  if (!emulator) throw new Error('harness: built without VITE_FIRESTORE_EMULATOR and no emulator in the URL');
  const storage = createStorage({ driver: indexedDbDriver({ dbName: options.dbName }), prefix: options.prefix });
  const online = createOnlineSwitch();
  online.forceOffline(options.offline);
  // One remote and one network view for sync and the offline queue, as createStowage wires them.
  const remote = createFirestoreRemote({
    firebaseOptions: { projectId: DEMO.projectId },
    appName: `harness-${Math.random().toString(36).slice(2)}`,
    emulator,
    collectionPath: options.collectionPath,
  });
  const network = createNetworkMonitor({ online });
  const backoff = options.backoffMs === undefined ? {} : { backoff: { baseMs: options.backoffMs, maxMs: options.backoffMs, jitter: 0 } };
  const sync = createSync({
    storage,
    remote,
    conflict: options.conflict,
    // Pulls happen when a spec says so, never on a timer.
    pullInterval: 0,
    network,
    ...backoff,
  });
  const operations = createOfflineQueue({ storage, remote, network, ...backoff });
  const events: HarnessEvent[] = [];
  sync.subscribe((e) => events.push(record(e)));
  await Promise.all([sync.ready(), operations.ready()]);
  return {
    options,
    set: (key, value) => storage.set(key, value),
    setMany: (entries) => storage.setMany(entries),
    remove: (key) => storage.remove(key),
    get: (key) => storage.get(key),
    pull: () => sync.pull(),
    flush: () => sync.flush(),
    async increment() {
      await operations.add({ type: 'increment', collection: options.statsPath, id: 'visits', data: { count: 1 } });
    },
    flushOperations: () => operations.flush(),
    async status() {
      const [s, size] = await Promise.all([sync.status(), operations.size()]);
      return { online: s.online, pending: s.pending, operations: size, syncing: s.syncing, lastError: s.lastError?.message };
    },
    setOnline: (value) => online.forceOffline(!value),
    events: () => [...events],
  };
}

const state = document.querySelector<HTMLElement>('[data-testid="harness-state"]');
start().then(
  (harness) => {
    window.harness = harness;
    document.body.dataset.state = 'ready';
    if (state) state.textContent = `ready: ${harness.options.prefix} ↔ ${harness.options.collectionPath}`;
  },
  (err: unknown) => {
    document.body.dataset.state = 'error';
    if (state) state.textContent = `error: ${err instanceof Error ? err.message : String(err)}`;
  },
);
