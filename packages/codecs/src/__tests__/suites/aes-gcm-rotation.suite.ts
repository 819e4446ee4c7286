import { describe, expect, test } from 'vitest';
import { createStorage, isStoredRecord, recordOf, memoryDriver, type Codec, type Driver, type StoredRecord } from '@stowage/core';
import { memoryBroadcast } from '@stowage/core/testing';
import { aesGcmCodec, AES_GCM_META, resumeRotation, rotateKey, type AesGcmMeta } from '../../aes-gcm.js';
import { deflateCodec } from '../../deflate.js';
import { memoryCodecContext } from '../../memory-codec-context.js';
import { realisticJson } from './fixtures.js';
import { expectStowageError } from './assertions.js';
import { newAesKey } from './aes-gcm.suite.js';

const OLD = 'old passphrase, long enough';
const NEW = 'new passphrase, also long';

/** Key id named in the header of an aes-gcm ciphertext. */
function keyIdOf(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes.subarray(2, 2 + (bytes[1] as number)));
}

/** Every encrypted record of the storage's namespace, straight from the driver. */
async function encryptedRecords(driver: Driver, prefix: string): Promise<StoredRecord[]> {
  const rows = await driver.entries(`${prefix}:`);
  return rows.filter(([, r]) => isStoredRecord(r)).map(([k, r]) => recordOf(k.slice(prefix.length + 1), r)).filter((r) => r.codecs.includes('aes-gcm')); // as layers read it (v1 or v2 row)
}

const VALUES: Record<string, unknown> = {
  a: { n: 1 },
  b: 'two',
  c: [3, 3, 3],
  d: { nested: { deep: true } },
  e: 'é😀',
  f: null,
  big: JSON.parse(realisticJson(5_000)), // compressed, then encrypted
};

async function fill(storage: ReturnType<typeof createStorage>): Promise<void> {
  for (const [k, v] of Object.entries(VALUES)) await storage.set(k, v, { encrypt: true });
  await storage.set('plain', { not: 'encrypted' });
}

async function expectAllReadable(storage: ReturnType<typeof createStorage>): Promise<void> {
  for (const [k, v] of Object.entries(VALUES)) expect(await storage.get(k)).toEqual(v);
  expect(await storage.get('plain')).toEqual({ not: 'encrypted' });
}

/** Key rotation tests; run in Node and in Chromium. */
export function aesGcmRotationSuite(): void {
  describe('aes-gcm key rotation', () => {
    test('rotate keeps old ciphertexts readable; retire makes them fail; a reload mid-rotation needs the old secret', async () => {
      const store = new Map<string, unknown>();
      const ctx = () => memoryCodecContext({ prefix: 'rot', store });
      const codec = aesGcmCodec({ passphrase: OLD });
      await codec.init(ctx());
      const oldId = codec.currentKeyId as string;
      const before = await codec.encode(new TextEncoder().encode('written before'));

      const rotation = await codec.rotate({ passphrase: NEW });
      expect(rotation.from).toBe(oldId);
      expect(codec.currentKeyId).toBe(rotation.to);
      expect(codec.rotation).toEqual(rotation);
      expect((store.get(AES_GCM_META) as AesGcmMeta).rotation).toEqual(rotation);
      const after = await codec.encode(new TextEncoder().encode('written after'));
      expect(keyIdOf(before)).toBe(oldId);
      expect(keyIdOf(after)).toBe(rotation.to);
      expect(new TextDecoder().decode(await codec.decode(before))).toBe('written before');
      await expectStowageError(() => codec.rotate({ passphrase: 'a third one' }), 'conflict');

      // A reload now: the new passphrase alone cannot open the old key, so init refuses loudly.
      const onlyNew = await expectStowageError(() => aesGcmCodec({ passphrase: NEW }).init(ctx()), 'decrypt-failed');
      expect(onlyNew.details).toMatchObject({ reason: 'missing-previous-key', keyIds: [oldId], rotation });
      const onlyOld = await expectStowageError(() => aesGcmCodec({ passphrase: OLD }).init(ctx()), 'decrypt-failed');
      expect(onlyOld.details).toMatchObject({ reason: 'wrong-passphrase', rotation });
      const resumed = aesGcmCodec({ passphrase: NEW, previousPassphrases: [OLD] });
      await resumed.init(ctx());
      expect(resumed.rotation).toEqual(rotation);
      expect(new TextDecoder().decode(await resumed.decode(before))).toBe('written before');
      expect(new TextDecoder().decode(await resumed.decode(after))).toBe('written after');

      await codec.retire(oldId);
      expect(codec.keyIds).toEqual([rotation.to]);
      expect(codec.rotation).toBeUndefined();
      const meta = store.get(AES_GCM_META) as AesGcmMeta;
      expect(meta.rotation).toBeUndefined();
      expect(meta.keys.map((k) => k.id)).toEqual([rotation.to]);
      const retired = await expectStowageError(() => codec.decode(before), 'decrypt-failed');
      expect(retired.details).toMatchObject({ reason: 'unknown-key', keyId: oldId });
      expect(new TextDecoder().decode(await codec.decode(after))).toBe('written after');

      // The other instance still holds the old view: it must not overwrite the newer metadata.
      await expectStowageError(() => resumed.retire(oldId), 'conflict');
      await resumed.refresh();
      expect(resumed.keyIds).toEqual([rotation.to]);
      await expectStowageError(() => resumed.decode(before), 'decrypt-failed');
    });

    test('retire refuses the current key and unknown ids', async () => {
      const codec = aesGcmCodec({ key: await newAesKey(), keyId: 'v1' });
      await codec.init(memoryCodecContext());
      await expectStowageError(() => codec.retire('v1'), 'invalid-argument');
      await expectStowageError(() => codec.retire('nope'), 'not-found');
    });

    test('caller keys rotate too; a key id cannot be reused', async () => {
      const codec = aesGcmCodec({ key: await newAesKey(), keyId: 'v1' });
      await codec.init(memoryCodecContext());
      const old = await codec.encode(Uint8Array.of(1, 2, 3));
      await expectStowageError(async () => codec.rotate({ key: await newAesKey(), keyId: 'v1' }), 'invalid-argument');
      expect(await codec.rotate({ key: await newAesKey(), keyId: 'v2' })).toEqual({ from: 'v1', to: 'v2' });
      expect(keyIdOf(await codec.encode(Uint8Array.of(4)))).toBe('v2');
      expect(Array.from(await codec.decode(old))).toEqual([1, 2, 3]);
      await codec.retire('v1');
      await expectStowageError(() => codec.decode(old), 'decrypt-failed');
    });

    test('rotateKey re-encodes every encrypted record of a storage; every record stays readable throughout', async () => {
      const driver = memoryDriver({ name: 'rotate-key' });
      const codec = aesGcmCodec({ passphrase: OLD });
      const storage = createStorage({ driver, prefix: 'app', encryption: codec, compression: deflateCodec(), broadcast: false });
      await fill(storage);
      const oldId = codec.currentKeyId as string;
      expect((await encryptedRecords(driver, 'app')).map((r) => keyIdOf(r.data as Uint8Array))).toEqual(Array(7).fill(oldId));
      expect((await encryptedRecords(driver, 'app')).some((r) => r.codecs.join() === 'deflate,aes-gcm')).toBe(true);

      const midway: Promise<unknown[]>[] = [];
      const result = await rotateKey({
        storage,
        codec,
        next: { passphrase: NEW },
        batchSize: 2,
        onProgress: () => midway.push(Promise.all(Object.keys(VALUES).map((k) => storage.get(k)))),
      });
      expect(result).toEqual({ from: oldId, to: codec.currentKeyId, reencoded: 7 });
      expect(midway.length).toBeGreaterThanOrEqual(3);
      for (const read of await Promise.all(midway)) expect(read).toEqual(Object.values(VALUES));

      expect(codec.keyIds).toEqual([result.to]);
      const records = await encryptedRecords(driver, 'app');
      expect(records.map((r) => keyIdOf(r.data as Uint8Array))).toEqual(Array(7).fill(result.to));
      await expectAllReadable(storage);

      // After a reload only the new passphrase is needed.
      const fresh = createStorage({ driver, prefix: 'app', encryption: aesGcmCodec({ passphrase: NEW }), compression: deflateCodec(), broadcast: false });
      await expectAllReadable(fresh);
      const stale = createStorage({ driver, prefix: 'app', encryption: aesGcmCodec({ passphrase: OLD }), compression: deflateCodec(), broadcast: false });
      await expectStowageError(() => stale.get('a'), 'decrypt-failed');
      await expect(stale.get('plain')).resolves.toEqual({ not: 'encrypted' });
    });

    test('a rotation interrupted by a reload is finished by resumeRotation with both passphrases', async () => {
      const driver = memoryDriver({ name: 'resume' });
      const codec = aesGcmCodec({ passphrase: OLD });
      const storage = createStorage({ driver, prefix: 'app', encryption: codec, broadcast: false });
      await fill(storage);
      const { from, to } = await codec.rotate({ passphrase: NEW }); // …and the tab dies here: `storage` is never used again.

      const codec2 = aesGcmCodec({ passphrase: NEW, previousPassphrases: [OLD] });
      const storage2 = createStorage({ driver, prefix: 'app', encryption: codec2, broadcast: false });
      await expectAllReadable(storage2); // initialises codec2 too
      expect(codec2.rotation).toEqual({ from, to });
      const result = await resumeRotation({ storage: storage2, codec: codec2 });
      expect(result).toEqual({ from, to, reencoded: 7 });
      expect(codec2.rotation).toBeUndefined();
      expect((await encryptedRecords(driver, 'app')).every((r) => keyIdOf(r.data as Uint8Array) === to)).toBe(true);
      await expectAllReadable(storage2);
      expect(await resumeRotation({ storage: storage2, codec: codec2 })).toBeUndefined();
    });
  });

  describe('aes-gcm key rotation across tabs (two storages over one store and one broadcast bus)', () => {
    /** One store and one bus; `open` is a tab's storage over them. */
    function twoTabs(name: string) {
      const driver = memoryDriver({ name });
      const broadcast = memoryBroadcast();
      const open = (encryption: Codec, hears = true) =>
        createStorage({ driver, prefix: 'app', encryption, compression: deflateCodec(), broadcast: hears ? broadcast : false });
      const keyIdOfRecord = async (key: string): Promise<string> => {
        const r = await driver.get(`app:${key}`);
        if (!isStoredRecord(r)) throw new Error(`no record for ${key}`);
        return keyIdOf(recordOf(key, r).data as Uint8Array);
      };
      /** A reload after the rotation: only the new passphrase. */
      const reloaded = () => createStorage({ driver, prefix: 'app', encryption: aesGcmCodec({ passphrase: NEW }), compression: deflateCodec(), broadcast: false });
      return { driver, open, keyIdOfRecord, reloaded };
    }

    test('a tab holding the new secret follows a rotation made in another tab: its later writes use the new key', async () => {
      const { open, keyIdOfRecord, reloaded } = twoTabs('tabs-follow');
      const codecA = aesGcmCodec({ passphrase: OLD });
      const a = open(codecA);
      await fill(a);
      const codecB = aesGcmCodec({ passphrase: OLD, previousPassphrases: [NEW] });
      const b = open(codecB);
      await expectAllReadable(b);
      const oldId = codecB.currentKeyId as string;

      const result = await rotateKey({ storage: a, codec: codecA, next: { passphrase: NEW } });
      await b.set('late', { by: 'b' }, { encrypt: true });
      expect(codecB.currentKeyId).toBe(result.to);
      expect(codecB.keyIds).toEqual([result.to]); // it heard the retire too
      expect(await keyIdOfRecord('late')).not.toBe(oldId);
      expect(await keyIdOfRecord('late')).toBe(result.to);
      await expectAllReadable(b);

      const fresh = reloaded();
      await expectAllReadable(fresh);
      expect(await fresh.get('late')).toEqual({ by: 'b' });
    });

    test('a tab without the new secret refuses encrypted writes once another tab rotated, instead of writing under a key about to be retired', async () => {
      const { driver, open, reloaded } = twoTabs('tabs-behind');
      const codecA = aesGcmCodec({ passphrase: OLD });
      const a = open(codecA);
      await fill(a);
      const b = open(aesGcmCodec({ passphrase: OLD }));
      await expectAllReadable(b);

      await rotateKey({ storage: a, codec: codecA, next: { passphrase: NEW } });
      const refused = await expectStowageError(() => b.set('late', { by: 'b' }, { encrypt: true }), 'decrypt-failed');
      expect(refused.details).toMatchObject({ codec: 'aes-gcm', reason: 'wrong-passphrase', keyringChanged: true });
      expect(refused.message).toContain('another tab changed the keyring');
      expect(await driver.get('app:late')).toBeUndefined();
      // Unencrypted writes go on; records now under the new key fail the same typed way.
      await b.set('plain-late', 2);
      const unreadable = await expectStowageError(() => b.get('a'), 'decrypt-failed');
      expect(unreadable.details).toMatchObject({ keyringChanged: true });

      const fresh = reloaded();
      await expectAllReadable(fresh);
      expect(await fresh.get('plain-late')).toBe(2);
    });

    test('a write another tab encodes with the old key after the rotation is never committed under it: re-encoded where that tab can open the new key, refused where it cannot', async () => {
      const { open, keyIdOfRecord, reloaded } = twoTabs('tabs-straggler');
      const codecA = aesGcmCodec({ passphrase: OLD });
      const a = open(codecA);
      await fill(a);
      // Neither has heard of the rotation (no bus): both still encode with the old key.
      const b = open(aesGcmCodec({ passphrase: OLD, previousPassphrases: [NEW] }), false);
      const c = open(aesGcmCodec({ passphrase: OLD }), false);
      await expectAllReadable(b);
      await expectAllReadable(c);

      let passes = 0;
      // Behind the re-encoding pass ('a' and 'b' were in its first page), before the old key retires.
      const retire = codecA.retire.bind(codecA);
      codecA.retire = async (id) => {
        passes++;
        await b.set('a', { n: 'late' }, { encrypt: true });
        expect(await keyIdOfRecord('a')).toBe(codecA.currentKeyId);
        const err = await expectStowageError(() => c.set('b', 'lost?', { encrypt: true }), 'decrypt-failed');
        expect(err.details).toMatchObject({ keyringChanged: true, reason: 'wrong-passphrase' });
        expect(await keyIdOfRecord('b')).toBe(codecA.currentKeyId);
        return retire(id);
      };
      const result = await rotateKey({ codec: codecA, next: { passphrase: NEW }, batchSize: 2, storage: a });
      expect(passes).toBe(1); // one pass is enough: no commit slips in under the old key
      expect(result.reencoded).toBe(7);
      expect(await keyIdOfRecord('a')).toBe(result.to);

      const fresh = reloaded();
      expect(await fresh.get('a')).toEqual({ n: 'late' });
      for (const k of Object.keys(VALUES).filter((k) => k !== 'a')) expect(await fresh.get(k)).toEqual(VALUES[k]);
    });
  });
}
