import type { CodecPipeline, EncodeIntent } from './codec-pipeline.js';
import { StowageError } from './errors.js';
import type { Driver, DriverOp } from './driver.js';
import type { KeyIndex, KeyMeta } from './key-index.js';
import type { Clock } from './ports.js';
import { isStoredRecord } from './record.js';
import type { StoredRecord } from './record.js';
import type { SerializedValue } from './serialize.js';
import { utf8Length } from './serialize.js';
import type { CommitChange, CommitOrigin, HookOrigin, SetOptions } from './storage-types.js';

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
  /** The commit hooks' ops for `changes` (to commit in the same batch), and their `committed` call. */
  hooks(changes: readonly CommitChange[], origin: HookOrigin): Promise<{ ops: DriverOp[]; committed(): void }>;
  /**
   * One driver batch of `ops` guarded by the commit checks of `records` (encoded here): rejects
   * with `conflict` (`details.reason: 'stale-encoding'`) when their encoding went stale.
   */
  batch(d: Driver, ops: readonly DriverOp[], records: Iterable<StoredRecord>): Promise<void>;
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

/**
 * Whether `err` is a batch that failed a check: a `check` op (`check-failed`) or a commit check of
 * a codec (`stale-encoding`). Such a batch wrote nothing (atomic drivers); read again and retry.
 */
export function checkFailed(err: unknown): err is StowageError & { details: Record<string, unknown> } {
  return err instanceof StowageError && err.code === 'conflict' && (err.details.reason === 'check-failed' || err.details.reason === 'stale-encoding');
}

/**
 * A `check` test: the stored value is still the version `seen` was read as. Rewrites keep
 * timestamps, so a concurrent logical write shows in `updatedAt`; size and bytes catch another
 * rewrite of the same record.
 */
export function sameVersion(seen: unknown): (value: unknown) => boolean {
  if (!isStoredRecord(seen)) {
    const text = foreignText(seen);
    return (v) => v !== undefined && !isStoredRecord(v) && foreignText(v) === text;
  }
  return (v) =>
    isStoredRecord(v) && v.updatedAt === seen.updatedAt && v.createdAt === seen.createdAt && v.size === seen.size && v.s === seen.s && sameBytes(v.data, seen.data);
}

function foreignText(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
