/** What a codec does; the storage applies compression before encryption, never the other way. */
export type CodecKind = 'compression' | 'encryption' | 'transform';

/** Metadata access a codec gets for its namespace (salts, key ids, check values). */
export interface CodecContext {
  /** The namespace prefix the codec serves. */
  readonly prefix: string;
  /** Reads a metadata value, `undefined` when absent. */
  readMeta(name: string): Promise<unknown>;
  /**
   * Returns the stored metadata value, creating it with `create()` when absent. Runs under a
   * cross-tab lock so that two tabs never create two different salts.
   */
  ensureMeta<T>(name: string, create: () => T | Promise<T>): Promise<T>;
  /** Overwrites a metadata value (under the same lock as `ensureMeta`). */
  writeMeta(name: string, value: unknown): Promise<void>;
  /**
   * Calls `listener` when another tab (or another storage over the same store and prefix) has
   * written metadata value `name` with `writeMeta`, e.g. after a key rotation there. Returns the
   * removal. Absent where the context cannot hear other tabs (then `listener` is never called).
   */
  watchMeta?(name: string, listener: () => void): () => void;
}

/** A condition on a metadata value under which bytes a codec encoded may be committed. */
export interface CommitCheck {
  /** Metadata value name (as in {@link CodecContext.readMeta}). */
  readonly meta: string;
  /** Whether the stored metadata value (`undefined` when absent) still allows the commit. */
  test(value: unknown): boolean;
}

/**
 * A reversible byte transform. `id` is recorded in every record it encoded, so data stays readable
 * after the configuration changes (a codec that is only registered for reading still decodes it).
 */
export interface Codec {
  readonly id: string;
  readonly kind: CodecKind;
  encode(bytes: Uint8Array): Promise<Uint8Array> | Uint8Array;
  /** Rejects with `decode-failed` (or `decrypt-failed` for encryption) on bytes it cannot read. */
  decode(bytes: Uint8Array): Promise<Uint8Array> | Uint8Array;
  /** Called once before first use with the namespace's metadata. */
  init?(ctx: CodecContext): Promise<void>;
  /**
   * The condition for committing `encoded` (bytes this codec just produced as the outermost
   * codec), checked inside the transaction that writes them. For encryption: "the key these bytes
   * are under is still the current one", so a write encoded just before another tab rotated the
   * key is not committed under a key about to be retired. When the check fails the storage tells
   * the codec the metadata changed (as {@link CodecContext.watchMeta} would), encodes the write
   * again and retries. Return the same object for the same condition: checks are deduplicated.
   */
  commitCheck?(encoded: Uint8Array): CommitCheck | undefined;
}
