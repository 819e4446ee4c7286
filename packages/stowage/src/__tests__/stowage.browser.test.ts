import { storageInfo } from '@stowage/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { memoryRemote } from '@stowage/sync/memory-remote';
import { createStowage, type Stowage, type StowageOptions } from '../index.js';
import { quietSync, rawStore, testNetwork } from './helpers.js';

const open: Stowage[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

const dbName = () => `stowage-browser-${crypto.randomUUID()}`;

function make(db: string, extra: StowageOptions = {}): Stowage {
  const s = createStowage({ driver: indexedDbDriver({ dbName: db }), ...extra });
  open.push(s);
  return s;
}

/** Every key of the database, read with the raw IndexedDB API (not through Stowage). */
async function rawKeys(db: string): Promise<string[]> {
  return (await rawStore(db)).keys;
}

describe('createStowage over IndexedDB (Chromium)', () => {
  it('defaults to a persistent IndexedDB driver', async () => {
    const s = createStowage({ prefix: `p${Date.now()}` });
    open.push(s);
    await s.ready();
    expect((await storageInfo(s.storage)).driver).toBe('indexeddb');
    expect((await storageInfo(s.storage)).persistent).toBe(true);
    await s.storage.remove('k');
  });

  it('data, mini namespace and analytics share one database and survive a reopen', async () => {
    const db = dbName();
    const first = make(db, { prefix: 'app', mini: { prefix: 'mini' }, encryption: { passphrase: 'pw' }, analytics: { persistInterval: 1 } });
    await first.ready();
    await first.storage.set('plain', { a: 1 });
    await first.storage.set('secret', 'hidden words', { encrypt: true });
    await first.mini!.ready();
    first.mini!.setStorageSync('m', 7);
    await first.close();

    const keys = await rawKeys(db);
    expect(keys).toContain('app:plain');
    expect(keys).toContain('mini:m');
    expect(keys.some((k) => k.startsWith('app.analytics:'))).toBe(true);

    const second = make(db, { prefix: 'app', mini: { prefix: 'mini' }, encryption: { passphrase: 'pw' } });
    await second.ready();
    expect(await second.storage.get('plain')).toEqual({ a: 1 });
    expect(await second.storage.get('secret')).toBe('hidden words');
    await second.mini!.ready();
    expect(second.mini!.getStorageSync('m')).toBe(7);
    expect(second.analytics!.getStats().writes).toBe(2); // restored from the persisted stats
  });

  it('an outbox written offline survives a reopen and is pushed by the next instance', async () => {
    const db = dbName();
    const remote = memoryRemote();
    const offline = testNetwork(false);
    const first = make(db, { network: offline.network, cloud: { remote, sync: quietSync() } });
    await first.ready();
    await first.storage.set('draft', 'written offline');
    expect((await first.sync!.status()).pending).toBe(1);
    await first.close();
    expect(remote.peek('draft')).toBeUndefined();

    const second = make(db, { network: testNetwork(true).network, cloud: { remote, sync: quietSync() } });
    await second.ready();
    expect((await second.sync!.status()).pending).toBe(1);
    await second.sync!.flush();
    await vi.waitFor(() => expect(remote.peek('draft')?.value).toBe('written offline'));
    expect((await second.sync!.status()).pending).toBe(0);
  });
});
