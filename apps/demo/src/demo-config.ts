import { createFirestoreRemote, type StowageOptions } from 'stowage';

/** Names shared by the page, the service worker and the e2e specs (they read IndexedDB raw). */
export const DEMO = {
  /** IndexedDB database of the demo. */
  dbName: 'stowage-demo',
  /** Namespace of the key/value editor (the synced one). */
  prefix: 'demo',
  /** Namespace of the mini-program console, kept apart so its mirror never holds ciphertext it cannot open. */
  miniPrefix: 'mini',
  /** Firebase project the emulator serves. */
  projectId: 'demo-stowage',
  /** Collection of the synced key documents. */
  collectionPath: 'users/demo/kv',
  /** Collection the offline operation queue increments the visit counter in. */
  statsCollection: 'users/demo/stats',
  /** Background Sync tag the page registers while writes are pending. */
  syncTag: 'stowage-outbox',
} as const;

/** `host:port` of the Firestore emulator from `VITE_FIRESTORE_EMULATOR`, or undefined (local only). */
export function emulatorTarget(): { host: string; port: number } | undefined {
  const raw = (import.meta.env.VITE_FIRESTORE_EMULATOR as string | undefined) ?? '';
  const m = /^([^:]+):(\d+)$/.exec(raw.trim());
  return m ? { host: m[1] as string, port: Number(m[2]) } : undefined;
}

let apps = 0;

/**
 * The cloud part of the demo's stowage options. The remote is created eagerly (static import) so
 * the same code runs in the service worker, where `import()` is not allowed. Each stowage gets its
 * own Firebase app name: an unlock swaps stowages, and closing the old one deletes its app.
 */
export function demoCloud(scope: string): StowageOptions['cloud'] {
  const emulator = emulatorTarget();
  if (!emulator) return undefined;
  return {
    remote: createFirestoreRemote({
      firebaseOptions: { projectId: DEMO.projectId },
      appName: `${scope}-${++apps}`,
      emulator,
      collectionPath: DEMO.collectionPath,
    }),
  };
}
