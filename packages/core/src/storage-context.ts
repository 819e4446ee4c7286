import type { CodecPipeline, EncodeIntent } from './codec-pipeline.js';
import type { Driver, DriverOp } from './driver.js';
import type { KeyIndex, KeyMeta } from './key-index.js';
import type { Clock } from './ports.js';
import type { StoredRecord } from './record.js';
import type { SerializedValue } from './serialize.js';
import { utf8Length } from './serialize.js';
import type { CommitOrigin, SetOptions } from './storage-types.js';

export type { CommitOrigin };

/** A change in user keys, as one commit applies it. */
export type Change =
  | { type: 'put'; key: string; record: StoredRecord }
  | { type: 'delete'; key: string; reason: 'removed' | 'expired' };


/**
 * What the storage's helper modules (backup, rewrite) may use of its internals. Implemented by the
 * storage instance; never exported from the package.
 */
export interface StorageContext {
  readonly prefix: string;
  /** Driver-key prefix of data keys (`${prefix}:`). */
  readonly dp: string;
  readonly clock: Clock;
  readonly pipeline: CodecPipeline;
  readonly index: KeyIndex;
  readonly schema: number;
  readonly maxKeyLength: number;
  readonly backupsToKeep: number;
  /** Runs `fn` between writes, in order with them, mapping errors to StowageErrors. */
  exclusive<T>(what: string, fn: (d: Driver) => Promise<T>): Promise<T>;
  /** Runs `fn` after pending writes settled (a read). */
  read<T>(what: string, fn: (d: Driver) => Promise<T>): Promise<T>;
  hydrate(d: Driver): Promise<void>;
  /** Encodes a checked value into a record (`times` keeps timestamps and expiry of a rewrite). */
  record(key: string, s: SerializedValue, o: SetOptions | undefined, intent: EncodeIntent, times?: Partial<StoredRecord>): Promise<StoredRecord>;
  /** The codec intent of new writes (`record` given: the same codecs that record used). */
  intent(o: SetOptions | undefined, record?: StoredRecord): EncodeIntent;
  checkSize(key: string, size: number): void;
  migrateValue(key: string, value: unknown, from: number): Promise<unknown>;
  /** Whether the changes fit the namespace's total limit. */
  fits(changes: readonly Change[]): boolean;
  /** One atomic driver batch of `changes` (+ `extra` ops and commit-hook ops), then index, events and other tabs. */
  write(d: Driver, changes: readonly Change[], origin: CommitOrigin, extra?: readonly DriverOp[]): Promise<void>;
  /** Announces an import (events here and in other tabs). */
  imported(mode: 'merge' | 'replace', count: number): void;
}

/** Index metadata of a record. */
export function metaOf(r: StoredRecord): KeyMeta {
  return r.expiresAt === undefined
    ? { size: r.size, createdAt: r.createdAt, updatedAt: r.updatedAt }
    : { size: r.size, createdAt: r.createdAt, updatedAt: r.updatedAt, expiresAt: r.expiresAt };
}

/** Wraps a foreign value (envelope version 0: written before Stowage) as a schema-0 record. */
export function adopt(key: string, raw: unknown): StoredRecord {
  const bytes = foreignSize(raw);
  return { v: 0, s: 0, value: raw, codecs: [], createdAt: 0, updatedAt: 0, size: utf8Length(key) + bytes, rawSize: bytes };
}

/** JSON size of a foreign value (0 when it has no JSON form). */
export function foreignSize(raw: unknown): number {
  try {
    return utf8Length(JSON.stringify(raw) ?? '');
  } catch {
    return 0;
  }
}
