import { deleteApp, getApps, initializeApp, type FirebaseApp, type FirebaseOptions } from 'firebase/app';
import { getFirestore, type EmulatorMockTokenOptions, type Firestore } from 'firebase/firestore/lite';

/** Where a local emulator listens (see `@stowage/firestore-emulator`). */
export interface FirestoreEmulatorTarget {
  host: string;
  port: number;
  /** Signs requests as this user (an unsigned token, emulator only), e.g. `{ user_id: 'u1' }`. */
  mockUserToken?: EmulatorMockTokenOptions | string;
}

/** An app in use by remotes of this module, counted so that only the last `close()` deletes it. */
interface SharedApp {
  readonly app: FirebaseApp;
  /** Kept here: the app's own `name` getter throws once the app is deleted. */
  readonly name: string;
  readonly db: Firestore;
  /** firebaseOptions and emulator target: a Lite instance's emulator settings freeze on first use. */
  readonly key: string;
  /** Created here (deleted with the last reference), or found existing (left to its creator). */
  readonly owned: boolean;
  refs: number;
}

const byName = new Map<string, SharedApp>();
let autoNames = 0;

/** JSON with sorted object keys, so options that differ only in key order are equal. */
function stableJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** A handle on a shared app: `release()` once, when the remote closes. */
export interface AppLease {
  readonly db: Firestore;
  release(): Promise<void>;
}

/**
 * The Lite instance for `firebaseOptions` (+ `emulator`). With `appName`, that app (Firebase's
 * `app/duplicate-app` if it exists with other options). Without, remotes with equal options share
 * one app — `[DEFAULT]` when free — and other options get an app of their own under a generated
 * name, so a user who never named an app never meets `duplicate-app`.
 */
export function leaseApp(firebaseOptions: FirebaseOptions, emulator: FirestoreEmulatorTarget | undefined, appName: string | undefined): AppLease {
  const key = stableJson({ firebaseOptions, emulator: emulator ?? null });
  for (const [name, s] of byName) if (!getApps().includes(s.app)) byName.delete(name); // deleted by someone else
  let shared: SharedApp | undefined;
  if (appName !== undefined) {
    shared = byName.get(appName);
    if (shared && shared.key !== key) throw new Error(`app "${appName}" is in use by a remote with other options or another emulator`);
    shared ??= open(appName, firebaseOptions, key);
  } else {
    shared = [...byName.values()].find((s) => s.key === key);
    for (let name = '[DEFAULT]'; !shared; name = `[DEFAULT]-stowage-${++autoNames}`) {
      if (byName.has(name)) continue;
      const existing = getApps().find((a) => a.name === name);
      if (!existing || stableJson(existing.options) === stableJson(firebaseOptions)) shared = open(name, firebaseOptions, key);
    }
  }
  shared.refs++;
  const lease = shared;
  let released = false;
  return {
    db: lease.db,
    async release() {
      if (released) return;
      released = true;
      if (--lease.refs > 0) return;
      if (byName.get(lease.name) === lease) byName.delete(lease.name);
      if (lease.owned && getApps().includes(lease.app)) await deleteApp(lease.app);
    },
  };
}

function open(name: string, firebaseOptions: FirebaseOptions, key: string): SharedApp {
  const existed = getApps().some((a) => a.name === name);
  const app = initializeApp(firebaseOptions, name);
  // An app someone else created (returned by initializeApp because the options match) is theirs to delete.
  const shared: SharedApp = { app, name, db: getFirestore(app), key, owned: !existed, refs: 0 };
  byName.set(name, shared);
  return shared;
}
