import { dexie } from './dexie.js';
import { idbKeyval } from './idb-keyval.js';
import { rawIndexedDb } from './raw-indexeddb.js';
import { rawInboundIndexedDb } from './raw-inbound.js';
import type { KvContender } from './kv-contender.js';
import { localForage } from './localforage.js';
import { webLocalStorage } from './local-storage.js';
import { stowage } from './stowage.js';

/** Every key-value contender, Stowage first. */
export const KV_CONTENDERS: readonly KvContender[] = [stowage, rawIndexedDb, rawInboundIndexedDb, idbKeyval, localForage, dexie, webLocalStorage];

/** A database name per group and contender, so no two cases ever share data. */
export function dbName(groupId: string, contender: KvContender): string {
  return `bench-${groupId}-${contender.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/** Whether two values hold the same data (the benchmark values are plain JSON). */
export function sameData(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Fails the run when a contender does not give back what was stored: a fast wrong answer measures nothing. */
export function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`benchmark setup: ${what}`);
}
