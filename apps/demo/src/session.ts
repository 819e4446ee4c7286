import { createStorage, StowageError, type Storage } from '@stowage/core';
import { aesGcmCodec } from '@stowage/codecs/aes-gcm';
import { deflateCodec } from '@stowage/codecs/deflate';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { createMiniStorage, type MiniStorage } from '@stowage/mini';

/** IndexedDB database of the demo (the e2e specs read it raw). */
export const DEMO_DB_NAME = 'stowage-demo';

/** The mini-program API object the demo uses. */
export type DemoMini = MiniStorage;

/** Options of {@link createDemoSession}. */
export interface DemoSessionOptions {
  /** IndexedDB database. @default DEMO_DB_NAME ('stowage-demo') */
  dbName?: string;
  /** Namespace of the key/value editor. @default 'demo' */
  prefix?: string;
  /** Namespace of the mini-program console, kept apart so its mirror never holds ciphertext it cannot open. @default 'mini' */
  miniPrefix?: string;
}

/** The storages behind the page. `storage` is replaced on every successful unlock. */
export interface DemoSession {
  /** The editor's storage (with encryption once unlocked). */
  readonly storage: Storage;
  /** The mini-program console's API. */
  readonly mini: DemoMini;
  /** Whether the current storage has an encryption codec. */
  readonly unlocked: boolean;
  /**
   * Re-creates `storage` with `aesGcmCodec({ passphrase })`. When the namespace already holds
   * encrypted values, one is read first: a wrong passphrase rejects with `decrypt-failed` and the
   * previous storage stays in place. The passphrase is kept only inside the codec, in memory.
   */
  unlock(passphrase: string): Promise<void>;
  /** Calls `listener` with the new storage after each swap; returns the unsubscribe function. */
  onSwap(listener: (storage: Storage) => void): () => void;
}

/** Creates the demo's storages over one IndexedDB database (each storage with its own driver connection). */
export function createDemoSession(options: DemoSessionOptions = {}): DemoSession {
  return new Session(options.dbName ?? DEMO_DB_NAME, options.prefix ?? 'demo', options.miniPrefix ?? 'mini');
}

class Session implements DemoSession {
  readonly mini: DemoMini;
  readonly #dbName: string;
  readonly #prefix: string;
  readonly #listeners = new Set<(storage: Storage) => void>();
  #storage: Storage;
  #unlocked = false;

  constructor(dbName: string, prefix: string, miniPrefix: string) {
    this.#dbName = dbName;
    this.#prefix = prefix;
    this.#storage = this.#create();
    this.mini = createMiniStorage({ driver: indexedDbDriver({ dbName }), prefix: miniPrefix });
  }

  get storage(): Storage {
    return this.#storage;
  }

  get unlocked(): boolean {
    return this.#unlocked;
  }

  #create(encryption?: ReturnType<typeof aesGcmCodec>): Storage {
    return createStorage({
      driver: indexedDbDriver({ dbName: this.#dbName }),
      prefix: this.#prefix,
      compression: deflateCodec(),
      ...(encryption ? { encryption } : {}),
    });
  }

  async unlock(passphrase: string): Promise<void> {
    if (typeof passphrase !== 'string' || passphrase === '') {
      throw new StowageError('invalid-argument', 'enter a passphrase to unlock');
    }
    const next = this.#create(aesGcmCodec({ passphrase }));
    try {
      await verify(next);
    } catch (err) {
      await next.close().catch(() => undefined);
      throw err;
    }
    const previous = this.#storage;
    this.#storage = next;
    this.#unlocked = true;
    // Pending writes of the old storage finish before its connection closes (close() waits for them).
    await previous.close().catch(() => undefined);
    for (const listener of [...this.#listeners]) listener(next);
  }

  onSwap(listener: (storage: Storage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Reads one encrypted value, if there is one, so a wrong passphrase shows up at unlock time. */
async function verify(storage: Storage): Promise<void> {
  const encrypted = (await storage.inspect()).find((e) => e.encrypted);
  if (encrypted) await storage.get(encrypted.key);
}
