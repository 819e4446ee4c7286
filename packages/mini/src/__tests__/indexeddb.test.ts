import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange as FakeKeyRange } from 'fake-indexeddb';
import { indexedDbDriver } from '@stowage/drivers';
import { aesGcmCodec } from '@stowage/codecs';
import { createMiniStorage } from '../mini-storage.js';
import type { MiniStorageOptions } from '../mini-types.js';
import { spyDriver, stored, uniqueName } from './helpers.js';

// fake-indexeddb in Node: the same code paths as Chromium (real transactions, structured clone).
const factory = new IDBFactory();
const idb = (dbName: string) => spyDriver(indexedDbDriver({ dbName, indexedDB: factory, IDBKeyRange: FakeKeyRange }));
const open = (options: MiniStorageOptions) => createMiniStorage({ broadcast: false, pagehideTarget: false, ...options } as MiniStorageOptions);

describe('mini over indexedDbDriver (fake-indexeddb)', () => {
  it('100 setStorageSync in one tick → one IndexedDB transaction; a fresh instance reads them after ready()', async () => {
    const dbName = uniqueName();
    const driver = idb(dbName);
    const first = open({ driver });
    await first.ready();
    for (let i = 0; i < 100; i++) first.setStorageSync(`item-${String(i).padStart(3, '0')}`, { i, label: `#${i}` });
    await first.flush();
    expect(driver.batches).toHaveLength(1);
    await first.close();

    const second = open({ driver: idb(dbName) });
    await second.ready();
    const info = second.getStorageInfoSync();
    expect(info.keys).toHaveLength(100);
    expect(second.getStorageSync('item-042')).toEqual({ i: 42, label: '#42' });
    await second.close();
  });

  it('every async method works against IndexedDB', async () => {
    const mini = open({ driver: idb(uniqueName()) });
    expect(await mini.setStorage({ key: 'a', data: [1, { b: 'c' }] })).toEqual({ errMsg: 'setStorage:ok' });
    expect(await mini.getStorage({ key: 'a' })).toEqual({ data: [1, { b: 'c' }], errMsg: 'getStorage:ok' });
    await mini.batchSetStorage({ kvList: [{ key: 'x', value: 1 }, { key: 'y', value: 2 }] });
    expect((await mini.batchGetStorage({ keyList: ['y', 'x', 'z'] })).dataList).toEqual([2, 1, '']);
    expect((await mini.getStorageInfo()).keys).toEqual(['a', 'x', 'y']);
    await mini.removeStorage({ key: 'a' });
    await expect(mini.getStorage({ key: 'a' })).rejects.toMatchObject({ errMsg: 'getStorage:fail data not found' });
    await mini.clearStorage();
    expect((await mini.getStorageInfo()).keys).toEqual([]);
    await mini.close();
  });

  it('AES-GCM with the Sync API: ciphertext in IndexedDB, plaintext in the mirror and after a reload', async () => {
    const dbName = uniqueName();
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const driver = idb(dbName);
    const first = open({ driver, encryption: aesGcmCodec({ key, keyId: 'k1' }) });
    await first.ready();
    first.batchSetStorageSync([{ key: 'secret', value: { card: '4111 1111 1111 1111' }, encrypt: true }]);
    expect(first.getStorageSync('secret')).toEqual({ card: '4111 1111 1111 1111' });
    await first.flush();
    const raw = (await stored(driver)).secret!;
    expect(raw.codecs).toEqual(['aes-gcm']);
    expect(new TextDecoder().decode(raw.data)).not.toContain('4111');
    await first.close();

    const driver2 = idb(dbName);
    const second = open({ driver: driver2, encryption: aesGcmCodec({ key, keyId: 'k1' }) });
    await second.ready();
    expect(second.getStorageSync('secret')).toEqual({ card: '4111 1111 1111 1111' });
    second.setStorageSync('secret', { card: 'replaced' }); // the key stays encrypted
    await second.flush();
    const rewritten = (await stored(driver2)).secret!;
    expect(rewritten.codecs).toEqual(['aes-gcm']);
    expect(new TextDecoder().decode(rewritten.data)).not.toContain('replaced');
    await second.close();
  });
});
