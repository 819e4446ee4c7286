import { fromBase64, isRetryable, StowageError, toBase64, type CodecContext, type CommitCheck } from '@stowage/core';
import { decryptFailed, invalidArgument } from './aes-gcm-errors.js';
import { isValidKeyId, keyIdOf, open, parse, seal, type Derivation, type Envelope } from './aes-gcm-format.js';
import {
  assertAesKey,
  assertIterations,
  assertPassphrase,
  createEntry,
  derivePassphraseKey,
  MAX_PBKDF2_ITERATIONS,
  MIN_PBKDF2_ITERATIONS,
  unlockEntry,
  type Secret,
  type Unlocked,
} from './aes-gcm-keys.js';
import { AES_GCM_META, parseMeta, type AesGcmMeta, type KeyEntry } from './aes-gcm-meta.js';
import type { AesGcmCodec, AesGcmNextKey } from './aes-gcm-types.js';

function notReady(): StowageError {
  return new StowageError('invalid-argument', 'aes-gcm: init(ctx) must be called before use', { details: { codec: 'aes-gcm' } });
}

/** The codec behind `aesGcmCodec()`: a keyring (key id → CryptoKey) mirrored by metadata. */
export class AesGcmCodecImpl implements AesGcmCodec {
  readonly id = 'aes-gcm' as const;
  readonly kind = 'encryption' as const;
  readonly #primary: Secret;
  /** Every secret the app gave (primary, previous, rotated to): what `init`/`refresh` unlock with. */
  readonly #secrets: Secret[];
  readonly #iterations: number;
  #ctx: CodecContext | undefined;
  #meta: AesGcmMeta | undefined;
  #ring = new Map<string, Unlocked>();
  #initError: unknown;
  /** The context whose keyring-change announcements this codec follows, and the unsubscription. */
  #watched: { ctx: CodecContext; stop: (() => void) | undefined } | undefined;
  /** The re-read of a keyring another tab changed, while it runs: encode/decode wait for it. */
  #following: Promise<void> | undefined;
  /** Why this codec could not adopt another tab's keyring (it lacks the new secret): encode refuses. */
  #behind: StowageError | undefined;
  /** One commit check per key id (storages deduplicate checks by identity). */
  readonly #checks = new Map<string, CommitCheck>();
  /** The keyring `init` made where the namespace had none, until its first ciphertext writes it. */
  #unsaved: { entry: KeyEntry; unlocked: Unlocked } | undefined;
  /** That write, while it runs: concurrent encodes wait for the same one. */
  #saving: Promise<void> | undefined;
  /** Salt and iterations of the keyring's passphrase-derived keys, written into their ciphertexts. */
  #derivations = new Map<string, Derivation>();
  /**
   * Keys of ciphertexts made elsewhere (another device, which has its own salt), derived from this
   * codec's passphrases on first sight — one PBKDF2 per passphrase, not per record — and, once one
   * of them opened a record, that one alone. Bounded: a cloud full of junk salts cannot grow it.
   */
  readonly #foreign = new Map<string, { keys: Promise<CryptoKey[]>; opens?: CryptoKey }>();

  constructor(primary: Secret, secrets: Secret[], iterations: number) {
    this.#primary = primary;
    this.#secrets = secrets;
    this.#iterations = iterations;
  }

  get currentKeyId(): string | undefined {
    return this.#meta?.current;
  }

  get keyIds(): readonly string[] {
    return [...this.#ring.keys()];
  }

  get rotation(): { from: string; to: string } | undefined {
    const r = this.#meta?.rotation;
    return r ? { ...r } : undefined;
  }

  async init(ctx: CodecContext): Promise<void> {
    try {
      await this.#init(ctx);
      this.#initError = undefined;
    } catch (err) {
      // Remembered so every later encode/decode reports the real cause (e.g. wrong passphrase).
      this.#initError = err;
      throw err;
    }
  }

  async #init(ctx: CodecContext): Promise<void> {
    if (this.#ctx && this.#ctx.prefix !== ctx.prefix) {
      // Each namespace has its own salt and keyring; sharing one instance would mix them up.
      throw invalidArgument('one codec instance serves one namespace', { prefix: ctx.prefix, boundTo: this.#ctx.prefix });
    }
    const raw = await ctx.readMeta(AES_GCM_META);
    const known = new Map(this.#ring);
    let meta: AesGcmMeta;
    if (raw === undefined) {
      // No keyring yet: one is made now but written only with the first ciphertext (#save). A
      // passphrase that is tried and refused (it opens none of the records synced from another
      // device) must leave nothing behind, or the right one could never unlock this device.
      const fresh = (this.#unsaved ??= await createEntry(this.#primary));
      known.set(fresh.entry.id, fresh.unlocked);
      meta = keyringOf(fresh.entry);
    } else {
      meta = parseMeta(raw);
    }
    await this.#adopt(meta, known);
    if (raw !== undefined) this.#unsaved = undefined;
    this.#ctx = ctx;
    if (this.#watched?.ctx !== ctx) {
      // A codec reused by a new storage for the same namespace follows that storage's bus.
      this.#watched?.stop?.();
      this.#watched = { ctx, stop: ctx.watchMeta?.(AES_GCM_META, () => this.#follow()) };
    }
  }

  /**
   * Another tab wrote the keyring (rotated, retired). Encrypting on with a key it may retire would
   * leave records nobody can open after a reload, so the keyring is re-read before the next
   * encode; when this codec has no secret for the new current key, encode refuses from then on
   * (`decrypt-failed`, as a reload with the same secrets would).
   */
  #follow(): void {
    // One re-read after another: a late answer to an older message must not undo a newer one.
    const run: Promise<void> = (this.#following ?? Promise.resolve()).then(() => this.refresh()).catch(
      (err: unknown) => {
        const cause = err instanceof StowageError ? err : undefined;
        this.#behind = new StowageError(cause?.code ?? 'decrypt-failed', `aes-gcm: another tab changed the keyring and this codec cannot follow: ${cause?.message ?? String(err)}`, {
          cause: err,
          details: { codec: 'aes-gcm', ...cause?.details, keyringChanged: true },
        });
      },
    );
    this.#following = run;
    void run.finally(() => {
      if (this.#following === run) this.#following = undefined;
    });
  }

  /** Waits for a keyring re-read in progress; retries one that failed for a transient reason. */
  async #caughtUp(): Promise<void> {
    if (this.#behind && !this.#following && isRetryable(this.#behind.cause)) this.#follow();
    if (this.#following) await this.#following;
  }

  /** The error for use before a successful `init`. */
  #notReady(): unknown {
    return this.#initError ?? notReady();
  }

  async refresh(): Promise<void> {
    const ctx = this.#ctx;
    if (!ctx) throw this.#notReady();
    const raw = await ctx.readMeta(AES_GCM_META);
    if (raw === undefined) return this.init(ctx);
    await this.#adopt(parseMeta(raw), this.#ring);
    this.#unsaved = undefined;
    this.#behind = undefined;
  }

  /**
   * Writes the keyring `init` made (its first use for encryption). `ensureMeta` runs under a
   * cross-tab lock: when another tab (or device restore) wrote a keyring first, that one is
   * adopted instead — two tabs opening a fresh namespace still end with one salt.
   */
  #save(): Promise<void> {
    const fresh = this.#unsaved;
    const ctx = this.#ctx;
    if (!fresh || !ctx) return Promise.resolve();
    const run = (this.#saving ??= (async () => {
      const raw = await ctx.ensureMeta<AesGcmMeta>(AES_GCM_META, () => keyringOf(fresh.entry));
      await this.#adopt(parseMeta(raw), new Map([[fresh.entry.id, fresh.unlocked]]));
      this.#unsaved = undefined;
    })().finally(() => {
      this.#saving = undefined;
    }));
    return run;
  }

  async encode(bytes: Uint8Array): Promise<Uint8Array> {
    if (this.#following || this.#behind) await this.#caughtUp();
    if (this.#behind) throw this.#behind;
    if (this.#unsaved) await this.#save();
    const meta = this.#meta;
    if (!meta) throw this.#notReady();
    return seal((this.#ring.get(meta.current) as Unlocked).key, meta.current, bytes, this.#derivations.get(meta.current));
  }

  commitCheck(encoded: Uint8Array): CommitCheck | undefined {
    const keyId = keyIdOf(encoded);
    if (keyId === undefined) return undefined;
    let check = this.#checks.get(keyId);
    if (!check) {
      check = { meta: AES_GCM_META, test: (stored) => typeof stored === 'object' && stored !== null && (stored as { current?: unknown }).current === keyId };
      this.#checks.set(keyId, check);
    }
    return check;
  }

  async decode(bytes: Uint8Array): Promise<Uint8Array> {
    if (this.#following || this.#behind) await this.#caughtUp();
    if (!this.#meta) throw this.#notReady();
    const envelope = parse(bytes);
    const own = this.#ring.get(envelope.keyId);
    if (own) return open(own.key, envelope);
    const plain = envelope.derivation && (await this.#openDerived(envelope, envelope.derivation));
    if (plain) return plain;
    // Records under keys this codec still holds stay readable even when it fell behind.
    if (this.#behind) throw this.#behind;
    const derived = envelope.derivation ? { derivedFrom: 'passphrase', iterations: envelope.derivation.iterations } : {};
    const why = envelope.derivation ? ', and none of this codec\'s passphrases opens it' : '';
    throw decryptFailed('unknown-key', `no key with id ${JSON.stringify(envelope.keyId)} in the keyring${why}`, { keyId: envelope.keyId, ...derived });
  }

  /**
   * Opens a ciphertext whose key the keyring does not hold but which says how it was derived
   * (made on another device with the same passphrase, and synced here). `undefined` when no
   * passphrase of this codec opens it; `authentication-failed` when the key that opened this
   * key id's records before fails on this one (tampered).
   */
  async #openDerived(envelope: Envelope, d: Derivation): Promise<Uint8Array | undefined> {
    // A bound on the work a stranger's record can make us do (the ciphertext is not trusted yet).
    if (d.iterations < MIN_PBKDF2_ITERATIONS || d.iterations > MAX_PBKDF2_ITERATIONS) return undefined;
    const salt = toBase64(d.salt);
    // A salt of our own keyring under an id we do not know: one of our keys with a damaged id (its
    // header no longer authenticates), not another device's key — nothing to derive.
    for (const e of this.#meta?.keys ?? []) if (e.kdf === 'pbkdf2-sha256' && e.salt === salt) return undefined;
    const id = `${envelope.keyId}\n${salt}\n${d.iterations}`;
    let known = this.#foreign.get(id);
    if (!known) {
      // The passphrases of this keyring's keys: the same passphrase on every device. A passphrase
      // whose keys were all retired here opens nothing any more, from this device or another.
      const passphrases = new Set([...this.#ring.values()].flatMap((u) => (u.passphrase === undefined ? [] : [u.passphrase])));
      const keys = Promise.all([...passphrases].map((p) => derivePassphraseKey(p, d.salt.slice(), d.iterations)));
      known = { keys };
      if (this.#foreign.size >= FOREIGN_KEYS) this.#foreign.delete(this.#foreign.keys().next().value as string);
      this.#foreign.set(id, known);
      keys.catch(() => this.#foreign.delete(id));
    }
    if (known.opens) return open(known.opens, envelope);
    let keys: CryptoKey[];
    try {
      keys = await known.keys;
    } catch {
      return undefined;
    }
    for (const key of keys) {
      try {
        const plain = await open(key, envelope);
        known.opens = key;
        return plain;
      } catch {
        // Not this passphrase; try the next.
      }
    }
    return undefined;
  }

  async rotate(next: AesGcmNextKey): Promise<{ from: string; to: string }> {
    const ctx = this.#ctx;
    if (!ctx || !this.#meta) throw this.#notReady();
    // A rotation is recorded against the stored keyring (or the one another tab stored first).
    if (this.#unsaved) await this.#save();
    const meta = this.#meta;
    const secret = this.#validateNext(next, meta);
    if (meta.rotation) {
      throw new StowageError('conflict', `aes-gcm: rotation ${meta.rotation.from} → ${meta.rotation.to} is unfinished; call resumeRotation first`, {
        details: { codec: 'aes-gcm', rotation: meta.rotation },
      });
    }
    await this.#assertUnchanged(ctx, meta);
    const created = await createEntry(secret);
    const rotation = { from: meta.current, to: created.entry.id };
    const nextMeta: AesGcmMeta = { v: 1, current: created.entry.id, keys: [...meta.keys, created.entry], rotation };
    // Persist first: if the page dies after this line the metadata already lists the new salt, and
    // nothing has been encrypted with a key a reload could not re-derive.
    await ctx.writeMeta(AES_GCM_META, nextMeta);
    this.#secrets.push(secret);
    this.#ring.set(created.entry.id, created.unlocked);
    this.#setMeta(nextMeta);
    return { ...rotation };
  }

  async retire(keyId: string): Promise<void> {
    const ctx = this.#ctx;
    const meta = this.#meta;
    if (!ctx || !meta) throw this.#notReady();
    if (keyId === meta.current) throw invalidArgument('the current key cannot be retired', { keyId });
    if (!meta.keys.some((e) => e.id === keyId)) {
      throw new StowageError('not-found', `aes-gcm: no key with id ${JSON.stringify(keyId)}`, { details: { codec: 'aes-gcm', keyId } });
    }
    await this.#assertUnchanged(ctx, meta);
    const nextMeta: AesGcmMeta = { v: 1, current: meta.current, keys: meta.keys.filter((e) => e.id !== keyId) };
    if (meta.rotation && meta.rotation.from !== keyId) nextMeta.rotation = meta.rotation;
    await ctx.writeMeta(AES_GCM_META, nextMeta);
    this.#ring.delete(keyId);
    this.#setMeta(nextMeta);
  }

  #validateNext(next: AesGcmNextKey, meta: AesGcmMeta): Secret {
    if (typeof next !== 'object' || next === null) throw invalidArgument('rotate: next key is required');
    if ('passphrase' in next && next.passphrase !== undefined) {
      assertPassphrase(next.passphrase, 'passphrase');
      const iterations = next.iterations ?? this.#iterations;
      assertIterations(iterations);
      return { passphrase: next.passphrase, iterations };
    }
    if ('key' in next) {
      assertAesKey(next.key, 'key');
      if (!isValidKeyId(next.keyId)) throw invalidArgument('keyId must be a non-empty string of at most 255 UTF-8 bytes', { option: 'keyId' });
      if (meta.keys.some((e) => e.id === next.keyId)) throw invalidArgument(`key id ${next.keyId} is already in use`, { keyId: next.keyId });
      return { key: next.key, keyId: next.keyId };
    }
    throw invalidArgument('rotate: next needs passphrase or key + keyId');
  }

  /** Refuses to write metadata over a keyring another tab has changed since we read it. */
  async #assertUnchanged(ctx: CodecContext, meta: AesGcmMeta): Promise<void> {
    const stored = parseMeta(await ctx.readMeta(AES_GCM_META));
    const ids = (m: AesGcmMeta): string => m.keys.map((k) => k.id).join('\n');
    if (stored.current !== meta.current || ids(stored) !== ids(meta)) {
      throw new StowageError('conflict', 'aes-gcm: the keyring was changed elsewhere (another tab?); call refresh() first', {
        details: { codec: 'aes-gcm', stored: stored.current, local: meta.current },
      });
    }
  }

  /** Unlocks every key listed in `meta` (reusing `known` ones), or throws without changing state. */
  async #adopt(meta: AesGcmMeta, known: ReadonlyMap<string, Unlocked>): Promise<void> {
    const ring = new Map<string, Unlocked>();
    for (const entry of meta.keys) {
      const unlocked = known.get(entry.id) ?? (await unlockEntry(entry, this.#secrets));
      if (unlocked) ring.set(entry.id, unlocked);
    }
    const rotation = meta.rotation ? { rotation: meta.rotation } : {};
    const hint = meta.rotation ? ' (a key rotation is unfinished: pass the new secret, and the old one in previousPassphrases/previousKeys)' : '';
    if (!ring.has(meta.current)) {
      const current = meta.keys.find((e) => e.id === meta.current) as KeyEntry;
      if (current.kdf === 'pbkdf2-sha256') {
        throw decryptFailed('wrong-passphrase', `wrong passphrase: it does not open key ${meta.current}${hint}`, { keyId: meta.current, ...rotation });
      }
      throw decryptFailed('wrong-key', `no supplied key opens key ${meta.current}${hint}`, { keyId: meta.current, ...rotation });
    }
    const missing = meta.keys.filter((e) => !ring.has(e.id)).map((e) => e.id);
    if (missing.length > 0) {
      throw decryptFailed('missing-previous-key', `records may still be encrypted with ${missing.join(', ')}, which no supplied secret opens${hint}`, {
        keyIds: missing,
        ...rotation,
      });
    }
    this.#ring = ring;
    this.#setMeta(meta);
  }

  /** Adopts `meta` and the derivations its passphrase keys write into their ciphertexts. */
  #setMeta(meta: AesGcmMeta): void {
    const derivations = new Map<string, Derivation>();
    for (const e of meta.keys) {
      // parseMeta checked the shape; unlockEntry already decoded each salt once without error.
      if (e.kdf === 'pbkdf2-sha256') derivations.set(e.id, { salt: fromBase64(e.salt), iterations: e.iterations });
    }
    this.#derivations = derivations;
    this.#meta = meta;
    // The keyring's passphrases may have changed: what opened other devices' records may not now.
    this.#foreign.clear();
  }
}

/** A keyring of one key. */
function keyringOf(entry: KeyEntry): AesGcmMeta {
  return { v: 1, current: entry.id, keys: [entry] };
}

/** How many other devices' keys a codec remembers. */
const FOREIGN_KEYS = 16;
