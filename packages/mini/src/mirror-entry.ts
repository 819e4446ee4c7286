import type { StowageError } from '@stowage/core';

/** Bits of {@link MirrorEntry}'s `flags`: one small integer instead of a field per boolean. */
const ENCRYPTED = 1;
/** `data` is the value's JSON text (else the value as the store returned it). */
const TEXT = 2;
/** `data` is the error reading the stored value failed with. */
const FAILED = 4;

/** Size and expiry the store gave a write (learned from its echo event). */
export interface StoredMeta {
  size: number;
  expiresAt?: number;
}

/**
 * One value as the mirror holds it: five fields of a fixed shape, since a hydrated namespace holds
 * one per key (50,000 of them cost 1.6 MB beside the values themselves, against 3.2 MB for the
 * slot, the pending-write list and the entry of each key before). The value is kept as the store
 * returned it (a fresh copy only the mirror holds) until its first read turns it into JSON text,
 * so a hydration stringifies nothing nobody reads, and every read parses a fresh copy callers may
 * mutate. An unreadable stored value (a wrong key) keeps its error instead: reads throw it.
 */
export class MirrorEntry {
  /** The value as stored, its JSON text (`TEXT`) or the read's error (`FAILED`). */
  private data: unknown;
  private flags: number;
  /** Bytes charged against limits: UTF-8 key + payload. */
  readonly size: number;
  /** Epoch ms after which the entry reads as absent. */
  readonly expiresAt: number | undefined;
  /** Sequence number of the write or read this entry came from, once it is the stored state (see Mirror). */
  seq = 0;

  private constructor(data: unknown, flags: number, size: number, expiresAt: number | undefined) {
    this.data = data;
    this.flags = flags;
    this.size = size;
    this.expiresAt = expiresAt;
  }

  /** An entry for validated JSON text (a local write, or a value checked on the way in). */
  static json(json: string, size: number, encrypted: boolean, expiresAt?: number): MirrorEntry {
    return new MirrorEntry(json, TEXT | (encrypted ? ENCRYPTED : 0), size, expiresAt);
  }

  /** An entry for a value as the store returned it, valid JSON already (written by Stowage under the current schema). */
  static stored(value: unknown, size: number, encrypted: boolean, expiresAt?: number): MirrorEntry {
    return new MirrorEntry(value, encrypted ? ENCRYPTED : 0, size, expiresAt);
  }

  /** An entry whose stored value cannot be read: reads throw `error`. */
  static failed(error: StowageError, size: number, encrypted: boolean, expiresAt?: number): MirrorEntry {
    return new MirrorEntry(error, FAILED | (encrypted ? ENCRYPTED : 0), size, expiresAt);
  }

  /** Written encrypted, so Sync rewrites keep it encrypted. */
  get encrypted(): boolean {
    return (this.flags & ENCRYPTED) !== 0;
  }

  /** The value's JSON text (computed once, on the first read of a hydrated value); throws the read's error for an unreadable stored value. */
  get json(): string {
    if (this.flags & FAILED) throw this.data as StowageError;
    if (!(this.flags & TEXT)) {
      this.data = JSON.stringify(this.data);
      this.flags |= TEXT;
    }
    return this.data as string;
  }

  /** The same value with the size and expiry the store gave it (an expiry absent from `meta` stays). */
  with(meta: StoredMeta): MirrorEntry {
    return new MirrorEntry(this.data, this.flags, meta.size, 'expiresAt' in meta ? meta.expiresAt : this.expiresAt);
  }
}
