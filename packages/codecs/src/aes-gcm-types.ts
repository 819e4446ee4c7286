import type { Codec, CodecContext, CommitCheck } from '@stowage/core';

/** A caller-managed key and the id recorded in its ciphertexts. */
export interface AesGcmKeyRef {
  /** An AES-GCM key with usages `encrypt` and `decrypt`; non-extractable keys are fine. */
  key: CryptoKey;
  /** Stable name of the key (1–255 UTF-8 bytes), written into every ciphertext. */
  keyId: string;
}

/** Secrets that open older keys: needed only while a rotation is unfinished (see README). */
export interface AesGcmPreviousSecrets {
  /** Passphrases of older keys. @default [] */
  previousPassphrases?: readonly string[];
  /** Caller-managed older keys. @default [] */
  previousKeys?: readonly AesGcmKeyRef[];
}

/** Keys derived from a passphrase (PBKDF2-HMAC-SHA256, random 16-byte salt kept in metadata). */
export interface AesGcmPassphraseOptions extends AesGcmPreviousSecrets {
  passphrase: string;
  /** PBKDF2 iterations for keys this codec creates; below 600 000 is rejected. @default 600000 */
  iterations?: number;
}

/** A key supplied by the caller (e.g. a non-extractable key kept in IndexedDB or from a server). */
export interface AesGcmKeyOptions extends AesGcmPreviousSecrets, AesGcmKeyRef {}

/** Options of `aesGcmCodec`. */
export type AesGcmCodecOptions = AesGcmPassphraseOptions | AesGcmKeyOptions;

/** The key a rotation moves to. */
export type AesGcmNextKey = { passphrase: string; iterations?: number } | AesGcmKeyRef;

/** An AES-GCM codec with its keyring. */
export interface AesGcmCodec extends Codec {
  readonly id: 'aes-gcm';
  readonly kind: 'encryption';
  /** Reads (or creates) the namespace's key metadata and unlocks every listed key. */
  init(ctx: CodecContext): Promise<void>;
  /** Id of the key new ciphertexts use; `undefined` before `init`. */
  readonly currentKeyId: string | undefined;
  /** Ids of every key the keyring can decrypt with. */
  readonly keyIds: readonly string[];
  /** The unfinished rotation recorded in metadata, if any. */
  readonly rotation: { from: string; to: string } | undefined;
  /**
   * Makes `next` the current key. Older keys keep decrypting. The metadata is written before the
   * new key encrypts anything, so a reload always finds the new salt. Rejects with `conflict` while
   * another rotation is unfinished or when another tab changed the keyring.
   */
  rotate(next: AesGcmNextKey): Promise<{ from: string; to: string }>;
  /** Removes a non-current key from keyring and metadata: its ciphertexts stop decrypting. */
  retire(keyId: string): Promise<void>;
  /** Re-reads the metadata (e.g. after another tab rotated) and adopts it. */
  refresh(): Promise<void>;
  /**
   * The condition a storage checks in the transaction that commits `encoded`: the key it is under
   * is still the namespace's current key. A write encoded just before another tab rotated is
   * encoded again under the new key instead of committed under one about to be retired.
   */
  commitCheck(encoded: Uint8Array): CommitCheck | undefined;
}
