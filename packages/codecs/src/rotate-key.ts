import type { Storage } from '@stowage/core';
import type { AesGcmCodec, AesGcmNextKey } from './aes-gcm.js';

/** The part of a `Storage` a rotation needs. */
export type ReencodableStorage = Pick<Storage, 'reencode'>;

/** Options of {@link resumeRotation}. */
export interface ResumeRotationOptions {
  /** The storage whose `encryption` is `codec`. */
  storage: ReencodableStorage;
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

const isEncrypted = (codecIds: readonly string[]): boolean => codecIds.includes('aes-gcm');

/**
 * Moves every encrypted record of a storage to a new key, so that no record is ever unreadable:
 *
 * 1. `codec.rotate(next)` writes metadata `{ current: new, keys: [old, new], rotation: { from, to } }`
 *    — from then on new writes use the new key and both keys decrypt;
 * 2. `storage.reencode()` rewrites every `aes-gcm` record in batches with the new key;
 * 3. `codec.retire(old)` drops the old key from keyring and metadata, clearing `rotation`.
 *
 * If the page dies between 1 and 3, the metadata still says a rotation is in progress. Create the
 * codec with the new secret and the old one (`previousPassphrases` / `previousKeys`) and call
 * {@link resumeRotation}; without the old secret `init` rejects with `decrypt-failed`
 * (`missing-previous-key`) rather than leaving records unreadable.
 *
 * Run it from one tab: another tab still holding the old key would keep writing with it (it
 * fails with `conflict` on its next rotate/retire, and {@link AesGcmCodec.refresh} adopts the new
 * metadata when it has the new secret).
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
  const reencoded = await storage.reencode({ filter: isEncrypted, batchSize, ...(onProgress ? { onProgress } : {}) });
  await codec.retire(rotation.from);
  return { ...rotation, reencoded };
}
