import { afterEach, describe, expect, it } from 'vitest';
import { createStorage, isStoredRecord, recordOf, StowageError, type Driver, type Storage } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { aesGcmCodec, rotateKey, type AesGcmCodec } from '@stowage/codecs';
import { interceptBatches } from '@stowage/test-utils';
import { rawStore } from './helpers.js';

// Two storages over one IndexedDB database, each with its own connection and its own real
// BroadcastChannel: what two tabs of one origin are to each other.
const OLD = 'the old passphrase, long enough';
const NEW = 'the new passphrase, also long';

const open: Storage[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

function tab(dbName: string, encryption: AesGcmCodec, driver: Driver = indexedDbDriver({ dbName })): Storage {
  const s = createStorage({ driver, prefix: 'app', encryption, encryptAll: true });
  open.push(s);
  return s;
}

/**
 * An IndexedDB driver whose batches writing `key` wait until `release()`: a tab that encoded a
 * write and then froze (a background tab, a long task) before its transaction reached the database.
 */
function frozenBefore(dbName: string, key: string): { driver: Driver; reached: Promise<void>; release: () => void } {
  let release!: () => void;
  let arrived!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (arrived = r));
  const driver = interceptBatches(indexedDbDriver({ dbName }), async (ops) => {
    if (!ops.some((op) => op.type === 'put' && op.key === key)) return;
    arrived();
    await gate;
  });
  return { driver, reached, release };
}

/** Key id in the header of every encrypted record, read with the raw IndexedDB API. */
async function rawKeyIds(dbName: string): Promise<Record<string, string>> {
  const { keys, values } = await rawStore(dbName);
  const out: Record<string, string> = {};
  keys.forEach((k, i) => {
    const r = values[i];
    if (isStoredRecord(r) && r.codecs.includes('aes-gcm')) {
      const bytes = recordOf(k, r).data as Uint8Array;
      out[k] = new TextDecoder().decode(bytes.subarray(2, 2 + (bytes[1] as number)));
    }
  });
  return out;
}

describe('key rotation with two tabs over IndexedDB (Chromium, BroadcastChannel)', () => {
  it('the other tabs follow the new key or refuse to encrypt; after the old key is retired every record opens with the new passphrase alone', async () => {
    const db = `rotation-tabs-${crypto.randomUUID()}`;
    const codecA = aesGcmCodec({ passphrase: OLD });
    const a = tab(db, codecA);
    for (let i = 0; i < 30; i++) await a.set(`k${i}`, { i, text: 'x'.repeat(i * 40) });
    const followerCodec = aesGcmCodec({ passphrase: OLD, previousPassphrases: [NEW] });
    const follower = tab(db, followerCodec);
    const behind = tab(db, aesGcmCodec({ passphrase: OLD }));
    expect(await follower.get('k1')).toEqual({ i: 1, text: 'x'.repeat(40) });
    expect(await behind.get('k2')).toEqual({ i: 2, text: 'x'.repeat(80) });
    const oldId = codecA.currentKeyId as string;
    expect(new Set(Object.values(await rawKeyIds(db)))).toEqual(new Set([oldId]));

    const result = await rotateKey({ storage: a, codec: codecA, next: { passphrase: NEW }, batchSize: 7 });
    expect(result).toMatchObject({ from: oldId, reencoded: 30 });

    await follower.set('from-follower', 'written after the rotation');
    expect(followerCodec.currentKeyId).toBe(result.to);
    const refused = await behind.set('from-behind', 'must not land under the old key').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(StowageError);
    expect(refused).toMatchObject({ code: 'decrypt-failed', details: { keyringChanged: true } });

    const ids = await rawKeyIds(db);
    expect(Object.keys(ids)).toHaveLength(31);
    expect(ids['app:from-behind']).toBeUndefined();
    expect(new Set(Object.values(ids))).toEqual(new Set([result.to]));

    const reloaded = tab(db, aesGcmCodec({ passphrase: NEW }));
    expect(await reloaded.get('from-follower')).toBe('written after the rotation');
    for (let i = 0; i < 30; i++) expect(await reloaded.get(`k${i}`)).toEqual({ i, text: 'x'.repeat(i * 40) });
  });

  it('a write a tab encoded under the old key and froze on until the rotation finished is encoded again under the new key, or refused — never committed under the retired key', async () => {
    const db = `rotation-frozen-${crypto.randomUUID()}`;
    const codecA = aesGcmCodec({ passphrase: OLD });
    const a = tab(db, codecA);
    for (let i = 0; i < 10; i++) await a.set(`k${i}`, i);
    const canFollow = frozenBefore(db, 'app:late');
    const follower = tab(db, aesGcmCodec({ passphrase: OLD, previousPassphrases: [NEW] }), canFollow.driver);
    const cannot = frozenBefore(db, 'app:lost');
    const behind = tab(db, aesGcmCodec({ passphrase: OLD }), cannot.driver);
    expect(await follower.get('k1')).toBe(1);
    expect(await behind.get('k2')).toBe(2);
    const oldId = codecA.currentKeyId as string;

    const late = follower.set('late', 'encoded under the old key');
    const lost = behind.set('lost', 'encoded under the old key too').then(() => undefined, (e: unknown) => e);
    await Promise.all([canFollow.reached, cannot.reached]); // both encoded (under the old key) and frozen

    const result = await rotateKey({ storage: a, codec: codecA, next: { passphrase: NEW }, batchSize: 4 });
    expect(result).toMatchObject({ from: oldId, reencoded: 10 });
    canFollow.release();
    cannot.release();
    await late;
    expect(await lost).toMatchObject({ code: 'decrypt-failed', details: { keyringChanged: true } });

    const ids = await rawKeyIds(db);
    expect(ids['app:late']).toBe(result.to);
    expect(ids['app:lost']).toBeUndefined();
    expect(new Set(Object.values(ids))).toEqual(new Set([result.to]));
    const reloaded = tab(db, aesGcmCodec({ passphrase: NEW }));
    expect(await reloaded.get('late')).toBe('encoded under the old key');
    for (let i = 0; i < 10; i++) expect(await reloaded.get(`k${i}`)).toBe(i);
  });
});
