import { inspect } from '@stowage/core';
import { aesGcmCodec, createStowage, indexedDbDriver, rotateKey, StowageError, type AesGcmCodec, type HitRateEvent, type NetworkMonitor, type RotationResult, type Storage, type Stowage } from 'stowage';
import { DEMO, demoCloud } from './demo-config.js';
import { HIT_RATE } from './health-panel.js';

/** IndexedDB database of the demo (the e2e specs read it raw). */
export const DEMO_DB_NAME = DEMO.dbName;

/** Options of {@link createDemoSession}. */
export interface DemoSessionOptions {
  /** Connectivity shared by every stowage of the session (survives unlocks). */
  network: NetworkMonitor;
  /** The memory cache's hit-rate crossings (see HIT_RATE), of whichever stowage is current. */
  onHitRate?: (event: HitRateEvent) => void;
}

/** The stowage behind the page. It is replaced on every successful unlock (the codecs change). */
export interface DemoSession {
  /** Everything `createStowage` wired: storage, cache, sync, offline queue, analytics, mini. */
  readonly app: Stowage;
  /** Shortcut for `app.storage`. */
  readonly storage: Storage;
  /** Whether the current stowage has an encryption codec. */
  readonly unlocked: boolean;
  /**
   * Re-creates the stowage with `encryption: { passphrase }`. When the namespace already holds
   * encrypted values, one is read first: a wrong passphrase rejects with `decrypt-failed` and the
   * previous stowage stays. The passphrase is kept only inside the codec, in memory.
   */
  unlock(passphrase: string, onStep?: (step: UnlockStep) => void): Promise<void>;
  /**
   * Re-encrypts every encrypted value under a key derived from `passphrase` (`rotateKey`: the
   * keyring metadata first, then the records in batches, then the old key is retired). From then
   * on only the new passphrase unlocks. `onProgress` gets the count re-encrypted so far.
   */
  changePassphrase(passphrase: string, onProgress?: (done: number, total: number) => void): Promise<RotationResult>;
  /** Calls `listener` with the new stowage after each swap; returns the unsubscribe function. */
  onSwap(listener: (app: Stowage) => void): () => void;
}

/** Where an unlock is (`index` of `of`), for the progress row: the key derivation alone takes seconds. */
export interface UnlockStep {
  index: number;
  of: number;
  text: string;
}

/** The steps of {@link DemoSession.unlock}, in order. */
const UNLOCK_STEPS = [
  'deriving the key from the passphrase (PBKDF2-SHA-256, 600 000 rounds: slow on purpose, against guessing)',
  'checking the passphrase on a stored encrypted value',
  'loading the mini-program mirror',
] as const;

/**
 * The analytics clock. By default analytics stamps operations with `performance.timeOrigin +
 * performance.now()` (cheaper than Date), which drifts from Date after the machine sleeps; the
 * charts place operations into buckets by `Date.now()`, so both use Date.
 */
const DATE_CLOCK = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clearTimeout: (handle: unknown): void => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Creates the demo's stowage over the `stowage-demo` IndexedDB database. */
export function createDemoSession(options: DemoSessionOptions): DemoSession {
  return new Session(options.network, options.onHitRate);
}

class Session implements DemoSession {
  readonly #network: NetworkMonitor;
  readonly #onHitRate: ((event: HitRateEvent) => void) | undefined;
  readonly #listeners = new Set<(app: Stowage) => void>();
  #app: Stowage;
  #codec: AesGcmCodec | undefined;
  #unlocked = false;

  constructor(network: NetworkMonitor, onHitRate?: (event: HitRateEvent) => void) {
    this.#network = network;
    this.#onHitRate = onHitRate;
    this.#app = this.#create();
  }

  get app(): Stowage {
    return this.#app;
  }

  get storage(): Storage {
    return this.#app.storage;
  }

  get unlocked(): boolean {
    return this.#unlocked;
  }

  #create(codec?: AesGcmCodec): Stowage {
    // Only the current stowage's cache reports (an unlock's candidate reads before it is swapped in).
    const app: Stowage = createStowage({
      prefix: DEMO.prefix,
      driver: indexedDbDriver({ dbName: DEMO.dbName }),
      // A codec instance rather than { passphrase }: changePassphrase() rotates its keyring.
      ...(codec ? { encryption: codec } : {}),
      mini: { prefix: DEMO.miniPrefix },
      cache: { maxEntries: 50, hitRate: { ...HIT_RATE, onChange: (e) => { if (this.#app === app) this.#onHitRate?.(e); } } },
      analytics: { clock: DATE_CLOCK },
      network: this.#network,
      cloud: demoCloud('demo-page'),
    });
    return app;
  }

  async unlock(passphrase: string, onStep?: (step: UnlockStep) => void): Promise<void> {
    if (typeof passphrase !== 'string' || passphrase === '') {
      throw new StowageError('invalid-argument', 'enter a passphrase to unlock');
    }
    const step = (index: number): void => onStep?.({ index, of: UNLOCK_STEPS.length, text: UNLOCK_STEPS[index - 1] as string });
    const codec = aesGcmCodec({ passphrase });
    const next = this.#create(codec);
    try {
      // ready() runs the codec's init, which derives every key of the namespace's keyring.
      step(1);
      await next.ready();
      step(2);
      await verify(next.storage);
      // The mini console's Sync API must keep working across the swap: fill the new mirror first.
      step(3);
      await next.mini?.ready();
    } catch (err) {
      await next.close().catch(() => undefined);
      throw err;
    }
    const previous = this.#app;
    this.#app = next;
    this.#codec = codec;
    this.#unlocked = true;
    // Pending writes of the old stowage finish before its connection closes (close() waits for them).
    await previous.close().catch(() => undefined);
    for (const listener of [...this.#listeners]) listener(next);
  }

  async changePassphrase(passphrase: string, onProgress?: (done: number, total: number) => void): Promise<RotationResult> {
    const codec = this.#codec;
    if (!codec) throw new StowageError('invalid-argument', 'unlock with the current passphrase first');
    if (typeof passphrase !== 'string' || passphrase === '') throw new StowageError('invalid-argument', 'enter a new passphrase');
    // rotateKey reports only a running count; the total comes from the index, for "n of m".
    const total = (await inspect(this.storage)).filter((e) => e.encrypted).length;
    onProgress?.(0, total);
    return rotateKey({ storage: this.storage, codec, next: { passphrase }, batchSize: 50, onProgress: (done) => onProgress?.(done, total) });
  }

  onSwap(listener: (app: Stowage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Reads one encrypted value, if there is one, so a wrong passphrase shows up at unlock time. */
async function verify(storage: Storage): Promise<void> {
  const encrypted = (await inspect(storage)).find((e) => e.encrypted);
  if (encrypted) await storage.get(encrypted.key);
}
