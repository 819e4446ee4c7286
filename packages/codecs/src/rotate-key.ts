import { reencode } from '@stowage/core';
import type { Storage, StoredRecord } from '@stowage/core';
import type { AesGcmCodec, AesGcmNextKey } from './aes-gcm-types.js';
import { keyIdOf } from './aes-gcm-format.js';

/**
 * The storage a rotation re-encodes: any {@link Storage}.
 * @deprecated use `Storage`; a rotation re-encodes with `reencode(storage)`.
 */
export type ReencodableStorage = Storage;

/** Options of {@link resumeRotation}. */
export interface ResumeRotationOptions {
  /** The storage whose `encryption` is `codec`. */
  storage: Storage;
  codec: AesGcmCodec;
  /** Records re-encoded per transaction. @default 100 */
  batchSize?: number;
  /** Called after each batch with the number of records re-encoded so far. */
  onProgress?: (done: number) => void;
}

/** Options of {@link rotateKey}. */
export interface RotateKeyOptions extends ResumeRotationOptions {
  /** The new key (a passphrase, or a caller-managed key and its id). */
  next: AesGcmNextKey;
}

/** What a rotation did. */
export interface RotationResult {
  /** Key id that was retired. */
  from: string;
  /** Key id that is current now. */
  to: string;
  /** Records re-encoded with the new key. */
  reencoded: number;
}

/** Records whose ciphertext is not under key `to` yet (encryption is always the outermost codec). */
const notUnder = (to: string) => (codecIds: readonly string[], r: StoredRecord): boolean =>
  codecIds.at(-1) === 'aes-gcm' && (!(r.data instanceof Uint8Array) || keyIdOf(r.data) !== to);

/**
 * Moves every encrypted record of a storage to a new key, so that no record is ever unreadable:
 *
 * 1. `codec.rotate(next)` writes metadata `{ current: new, keys: [old, new], rotation: { from, to } }`
 *    — from then on new writes use the new key and both keys decrypt;
 * 2. `storage.reencode()` rewrites, in batches, every `aes-gcm` record whose ciphertext is not
 *    under the new key yet. One pass is enough: a storage commits a ciphertext only if, in the
 *    same transaction, the metadata still names its key as current (`commitCheck`), so a write
 *    another tab encoded with the old key before it heard of the rotation is encoded again (or,
 *    when that tab lacks the new secret, refused) instead of landing behind the pass;
 * 3. `codec.retire(old)` drops the old key from keyring and metadata, clearing `rotation`.
 *
 * If the page dies between 1 and 3, the metadata still says a rotation is in progress. Create the
 * codec with the new secret and the old one (`previousPassphrases` / `previousKeys`) and call
 * {@link resumeRotation}; without the old secret `init` rejects with `decrypt-failed`
 * (`missing-previous-key`) rather than leaving records unreadable.
 *
 * Other tabs hear of each keyring change over the storage's broadcast channel: their codec
 * re-reads the metadata before its next encode or decode and adopts the new key when one of its
 * secrets opens it. Otherwise their encrypted writes reject with `decrypt-failed`
 * (`details.keyringChanged: true`) instead of writing with a key about to be retired — ask for
 * the new passphrase and create the storage again. Records under keys they still hold stay
 * readable. With the localforage driver (batches not atomic) the check and the write are two
 * steps, so a write racing the metadata write there can still land under the old key.
 *
 * @example
 * ```ts
 * await rotateKey({ storage, codec, next: { passphrase: newPassphrase } });
 * ```
 */
export async function rotateKey(options: RotateKeyOptions): Promise<RotationResult> {
  return finish(options, await options.codec.rotate(options.next));
}

/**
 * Finishes a rotation that metadata records as unfinished (re-encode, then retire the old key).
 * Resolves `undefined` when there is none. Safe to repeat: re-encoding is idempotent.
 */
export async function resumeRotation(options: ResumeRotationOptions): Promise<RotationResult | undefined> {
  const rotation = options.codec.rotation;
  return rotation ? finish(options, rotation) : undefined;
}

async function finish(options: ResumeRotationOptions, rotation: { from: string; to: string }): Promise<RotationResult> {
  const { storage, codec, batchSize = 100, onProgress } = options;
  const filter = notUnder(rotation.to);
  const reencoded = await reencode(storage, { filter, batchSize, ...(onProgress ? { onProgress } : {}) });
  await codec.retire(rotation.from);
  return { ...rotation, reencoded };
}
