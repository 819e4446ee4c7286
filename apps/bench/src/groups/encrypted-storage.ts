import CryptoJS from 'crypto-js';
import { get as idbGet, set as idbSet, createStore } from 'idb-keyval';
import { aesGcmCodec } from '@stowage/codecs/aes-gcm';
import { createStorage, inspect } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';
import { usersJson } from '../data.js';
import { deleteDb, openKvDb, requestDone, transactionDone } from '../kv/idb.js';
import { check, sameData } from '../kv/contenders.js';
import type { BenchCase, BenchGroup } from '../types.js';

const PASSPHRASE = 'a benchmark passphrase';
const KEY = 'profile';

/** The crypto-js path apps take: JSON → `CryptoJS.AES.encrypt(text, passphrase)` → a store of strings. */
function cryptoJsCase(name: string, value: unknown, store: { open(): Promise<void>; write(s: string): Promise<void>; read(): Promise<string>; close(): Promise<void> }): BenchCase {
  const set = async (): Promise<void> => store.write(CryptoJS.AES.encrypt(JSON.stringify(value), PASSPHRASE).toString());
  const get = async (): Promise<unknown> => JSON.parse(CryptoJS.AES.decrypt(await store.read(), PASSPHRASE).toString(CryptoJS.enc.Utf8));
  return {
    name,
    async setup() {
      await store.open();
      await set();
      check(sameData(await get(), value), `${name} did not round-trip`);
      return { timed: { set, get, setget: async () => (await set(), get()) }, teardown: () => store.close() };
    },
  };
}

/**
 * An encrypted value of `bytes` bytes of JSON written and read back through storage: Stowage with
 * the AES-GCM codec (key derived once, at the first write; not timed) vs crypto-js AES with a
 * passphrase over idb-keyval and over localStorage.
 */
export function encryptedStorageGroup(id: string, bytes: number): BenchGroup {
  const text = usersJson(bytes);
  const value: unknown = JSON.parse(text);
  const idbName = `bench-${id}-crypto-js`;
  let idbStore: ReturnType<typeof createStore> | undefined;
  return {
    id,
    title: `Encrypted storage: ${new TextEncoder().encode(text).length.toLocaleString('en')} bytes of JSON written and read back`,
    note: 'Each side includes its JSON and text ↔ bytes steps and the IndexedDB (or localStorage) write/read.',
    settings: { rounds: 3 }, // short, and sensitive to what ran before (GC of 150 KB strings)
    metrics: [
      { key: 'set', label: 'set ms', unit: 'ms', better: 'lower' },
      { key: 'get', label: 'get ms', unit: 'ms', better: 'lower' },
      { key: 'setget', label: 'set+get ms', unit: 'ms', better: 'lower' },
    ],
    cases: [
      {
        name: 'Stowage createStorage + aesGcmCodec + indexedDbDriver',
        ours: true,
        async setup() {
          const name = `bench-${id}-stowage`;
          await deleteDb(name);
          const storage = createStorage({ driver: indexedDbDriver({ dbName: name }), encryption: aesGcmCodec({ passphrase: PASSPHRASE }) });
          const set = (): Promise<void> => storage.set(KEY, value, { encrypt: true });
          const get = (): Promise<unknown> => storage.get(KEY);
          await set(); // PBKDF2 (600 000 iterations) runs here, once per storage
          check(sameData(await get(), value), 'Stowage AES-GCM did not round-trip');
          check((await inspect(storage, KEY))?.encrypted === true, 'Stowage stored the value unencrypted');
          return {
            timed: { set, get, setget: async () => (await set(), get()) },
            async teardown() {
              await storage.close();
              await deleteDb(name);
            },
          };
        },
      },
      {
        // The floor: what any encrypted IndexedDB store must do at least (JSON, UTF-8, AES-GCM
        // with a fresh IV, one put / one get), with no validation, envelope or error mapping.
        name: 'hand-written WebCrypto AES-GCM + raw IndexedDB (floor)',
        async setup() {
          const name = `bench-${id}-raw`;
          await deleteDb(name);
          const db = await openKvDb(name);
          const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
          const enc = new TextEncoder();
          const dec = new TextDecoder();
          const set = async (): Promise<void> => {
            const iv = crypto.getRandomValues(new Uint8Array(12));
            const data = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, enc.encode(JSON.stringify(value))));
            const tx = db.transaction('kv', 'readwrite');
            tx.objectStore('kv').put({ iv, data }, KEY);
            await transactionDone(tx);
          };
          const get = async (): Promise<unknown> => {
            const r = (await requestDone(db.transaction('kv', 'readonly').objectStore('kv').get(KEY))) as { iv: Uint8Array<ArrayBuffer>; data: Uint8Array<ArrayBuffer> };
            return JSON.parse(dec.decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: r.iv }, key, r.data)));
          };
          await set();
          check(sameData(await get(), value), 'raw AES-GCM + IndexedDB did not round-trip');
          return {
            timed: { set, get, setget: async () => (await set(), get()) },
            async teardown() {
              db.close();
              await deleteDb(name);
            },
          };
        },
      },
      cryptoJsCase('crypto-js AES (passphrase) + idb-keyval', value, {
        async open() {
          await deleteDb(idbName);
          idbStore = createStore(idbName, 'kv');
        },
        write: (s) => idbSet(KEY, s, idbStore),
        read: async () => (await idbGet<string>(KEY, idbStore)) as string,
        async close() {
          await idbStore?.('readonly', (s) => s.transaction.db.close());
          await deleteDb(idbName);
        },
      }),
      cryptoJsCase('crypto-js AES (passphrase) + localStorage', value, {
        open: async () => localStorage.clear(),
        write: async (s) => localStorage.setItem(KEY, s),
        read: async () => localStorage.getItem(KEY) as string,
        close: async () => localStorage.clear(),
      }),
    ],
  };
}
