import { afterEach, describe, expect, test, vi } from 'vitest';
import { defaultLocks } from '@stowage/core';
import { aesGcmCodec, AES_GCM_META, MAX_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS, type AesGcmMeta } from '../../aes-gcm.js';
import { derivePassphraseKey } from '../../aes-gcm-keys.js';
import { seal } from '../../aes-gcm-format.js';
import { memoryCodecContext } from '../../memory-codec-context.js';
import { codecConformance } from './codec-conformance.js';
import { flipBit, realisticJsonBytes, seededBytes } from './fixtures.js';
import { expectSameBytes, expectStowageError } from './assertions.js';

const PASSPHRASE = 'correct horse battery staple';

/** Memoised async value: PBKDF2 at 600 000 iterations costs ~0.3–1 s, so codecs are shared. */
function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

/** A non-extractable AES-256-GCM key, as an app would keep in IndexedDB. */
export function newAesKey(): Promise<CryptoKey> {
  return globalThis.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Every AES-GCM codec test except rotation; run in Node and in Chromium. */
export function aesGcmSuite(): void {
  const sharedStore = new Map<string, unknown>();
  const shared = lazy(async () => {
    const codec = aesGcmCodec({ passphrase: PASSPHRASE });
    await codec.init(memoryCodecContext({ prefix: 'shared', store: sharedStore }));
    return codec;
  });
  const keyed = lazy(async () => {
    const codec = aesGcmCodec({ key: await newAesKey(), keyId: 'device-key-1' });
    await codec.init(memoryCodecContext({ prefix: 'keyed' }));
    return codec;
  });

  codecConformance({ name: 'aes-gcm (passphrase)', codec: shared, kind: 'encryption', garbageCode: 'decrypt-failed' });
  codecConformance({ name: 'aes-gcm (caller key)', codec: keyed, kind: 'encryption', garbageCode: 'decrypt-failed' });

  describe('aesGcmCodec', () => {
    test('caller key: ciphertext = version 1 · key id · 96-bit IV · ciphertext+tag', async () => {
      const codec = await keyed();
      const plain = realisticJsonBytes(1_000);
      const out = await codec.encode(plain);
      expect(out[0]).toBe(1);
      expect(out[1]).toBe('device-key-1'.length);
      expect(new TextDecoder().decode(out.subarray(2, 2 + 12))).toBe('device-key-1');
      expect(out.length).toBe(2 + 12 + 12 + plain.length + 16);
    });

    test('passphrase key: ciphertext = version 2 · key id · salt · iterations · 96-bit IV · ciphertext+tag', async () => {
      const codec = await shared();
      const plain = realisticJsonBytes(1_000);
      const out = await codec.encode(plain);
      const keyId = codec.currentKeyId as string;
      const entry = (sharedStore.get(AES_GCM_META) as AesGcmMeta).keys[0] as { salt: string; iterations: number };
      expect(out[0]).toBe(2);
      expect(out[1]).toBe(keyId.length);
      const idEnd = 2 + keyId.length;
      expect(new TextDecoder().decode(out.subarray(2, idEnd))).toBe(keyId);
      expect(btoa(String.fromCharCode(...out.subarray(idEnd, idEnd + 16)))).toBe(entry.salt);
      expect(new DataView(out.buffer, out.byteOffset + idEnd + 16, 4).getUint32(0)).toBe(entry.iterations);
      expect(out.length).toBe(idEnd + 16 + 4 + 12 + plain.length + 16);
    });

    test('ciphertexts written before version 2 (key id only) still decode', async () => {
      const codec = await shared();
      const entry = (sharedStore.get(AES_GCM_META) as AesGcmMeta).keys[0] as { id: string; salt: string; iterations: number };
      const key = await derivePassphraseKey(PASSPHRASE, Uint8Array.from(atob(entry.salt), (c) => c.charCodeAt(0)), entry.iterations);
      const plain = realisticJsonBytes(500);
      const v1 = await seal(key, entry.id, plain);
      expect(v1[0]).toBe(1);
      expectSameBytes(await codec.decode(v1), plain);
    });

    test('two encryptions of the same plaintext differ (random IV)', async () => {
      const codec = await shared();
      const plain = new TextEncoder().encode('same plaintext');
      const seen = new Set<string>();
      const ivs = new Set<string>();
      const ivStart = 2 + (codec.currentKeyId as string).length + 16 + 4;
      for (let i = 0; i < 20; i++) {
        const out = await codec.encode(plain);
        seen.add(Array.from(out).join(','));
        ivs.add(Array.from(out.subarray(ivStart, ivStart + 12)).join(','));
      }
      expect(seen.size).toBe(20);
      expect(ivs.size).toBe(20);
    });

    test('every single-bit flip (header, key id, salt, iterations, IV, body, tag) → decrypt-failed', async () => {
      const codec = await shared();
      const out = await codec.encode(realisticJsonBytes(100, 2).subarray(0, 100));
      const reasons = new Set<unknown>();
      for (let bit = 0; bit < out.length * 8; bit++) {
        const flipped = flipBit(out, bit);
        const err = await expectStowageError(() => codec.decode(flipped), 'decrypt-failed');
        reasons.add(err.details.reason);
      }
      // Version byte, length byte, key id (unknown, or no longer UTF-8) and IV/body/tag fail for their own reasons.
      expect([...reasons].sort()).toEqual(['authentication-failed', 'malformed', 'truncated', 'unknown-key', 'unsupported-version']);
    });

    test('truncated ciphertext → decrypt-failed', async () => {
      const codec = await shared();
      const out = await codec.encode(seededBytes(40, 1));
      for (const n of [0, 1, 2, 10, out.length - 17, out.length - 16, out.length - 1]) {
        await expectStowageError(() => codec.decode(out.subarray(0, n)), 'decrypt-failed');
      }
      const err = await expectStowageError(() => codec.decode(out.subarray(0, 5)), 'decrypt-failed');
      expect(err.details.reason).toBe('truncated');
    });

    test('a ciphertext naming an unknown key id → decrypt-failed (unknown-key)', async () => {
      const other = await keyed();
      const err = await expectStowageError(async () => (await shared()).decode(await other.encode(Uint8Array.of(1, 2, 3))), 'decrypt-failed');
      expect(err.details).toMatchObject({ reason: 'unknown-key', keyId: 'device-key-1' });
    });

    test('same key id, different key → decrypt-failed (authentication-failed)', async () => {
      const a = aesGcmCodec({ key: await newAesKey(), keyId: 'k' });
      const b = aesGcmCodec({ key: await newAesKey(), keyId: 'k' });
      await a.init(memoryCodecContext());
      await b.init(memoryCodecContext());
      const err = await expectStowageError(async () => b.decode(await a.encode(Uint8Array.of(1))), 'decrypt-failed');
      expect(err.details.reason).toBe('authentication-failed');
    });

    test('wrong passphrase → decrypt-failed at init (wrong-passphrase), and on every later decode', async () => {
      const codec = await shared();
      const ciphertext = await codec.encode(new TextEncoder().encode('secret'));
      const wrong = aesGcmCodec({ passphrase: 'Correct horse battery staple' });
      const err = await expectStowageError(() => wrong.init(memoryCodecContext({ prefix: 'shared', store: sharedStore })), 'decrypt-failed');
      expect(err.details.reason).toBe('wrong-passphrase');
      expect(err.message).toMatch(/wrong passphrase/);
      const later = await expectStowageError(() => wrong.decode(ciphertext), 'decrypt-failed');
      expect(later.details.reason).toBe('wrong-passphrase');
      await expectStowageError(() => wrong.encode(Uint8Array.of(1)), 'decrypt-failed');
    });

    test('the right passphrase in a new instance (a reload) reads what the first one wrote', async () => {
      const codec = await shared();
      const plain = realisticJsonBytes(5_000);
      const ciphertext = await codec.encode(plain);
      const reloaded = aesGcmCodec({ passphrase: PASSPHRASE });
      await reloaded.init(memoryCodecContext({ prefix: 'shared', store: sharedStore }));
      expect(reloaded.currentKeyId).toBe(codec.currentKeyId);
      expectSameBytes(await reloaded.decode(ciphertext), plain);
    });

    test('metadata holds salt, iterations and a check value, never the key or passphrase', async () => {
      await (await shared()).encode(Uint8Array.of(1));
      const meta = sharedStore.get(AES_GCM_META) as AesGcmMeta;
      expect(meta.v).toBe(1);
      expect(meta.keys).toHaveLength(1);
      const entry = meta.keys[0];
      expect(entry).toMatchObject({ kdf: 'pbkdf2-sha256', iterations: MIN_PBKDF2_ITERATIONS });
      expect(entry?.kdf === 'pbkdf2-sha256' && atob(entry.salt).length).toBe(16);
      expect(JSON.stringify(meta)).not.toContain(PASSPHRASE);
    });

    test('derived keys are not extractable', async () => {
      const key = await derivePassphraseKey('pw', new Uint8Array(16), MIN_PBKDF2_ITERATIONS);
      expect(key.extractable).toBe(false);
      await expect(globalThis.crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    });

    test('a caller-supplied non-extractable CryptoKey works, and a different key under its id is refused at init', async () => {
      const key = await newAesKey();
      expect(key.extractable).toBe(false);
      const store = new Map<string, unknown>();
      const codec = aesGcmCodec({ key, keyId: 'k1' });
      await codec.init(memoryCodecContext({ store }));
      const plain = realisticJsonBytes(2_000);
      expectSameBytes(await codec.decode(await codec.encode(plain)), plain);
      const impostor = aesGcmCodec({ key: await newAesKey(), keyId: 'k1' });
      const err = await expectStowageError(() => impostor.init(memoryCodecContext({ store })), 'decrypt-failed');
      expect(err.details.reason).toBe('wrong-key');
    });

    test('iterations below 600 000 or above 10 000 000 are rejected with invalid-argument', async () => {
      for (const iterations of [599_999, 100_000, 1, 0, -1, 600_000.5, Number.NaN, '600000', MAX_PBKDF2_ITERATIONS + 1, 2 ** 32]) {
        const err = await expectStowageError(() => aesGcmCodec({ passphrase: 'p', iterations: iterations as number }), 'invalid-argument');
        expect(err.details.option).toBe('iterations');
      }
      expect(aesGcmCodec({ passphrase: 'p', iterations: 600_000 }).id).toBe('aes-gcm');
      expect(aesGcmCodec({ passphrase: 'p', iterations: 1_000_000 }).kind).toBe('encryption');
      expect(aesGcmCodec({ passphrase: 'p', iterations: MAX_PBKDF2_ITERATIONS }).kind).toBe('encryption');
    });

    test('other bad options → invalid-argument', async () => {
      const aesKey = await newAesKey();
      const hmacKey = await globalThis.crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const encryptOnly = await globalThis.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt']);
      const bad: unknown[] = [
        undefined,
        {},
        { passphrase: '' },
        { passphrase: 42 },
        { key: hmacKey, keyId: 'k' },
        { key: encryptOnly, keyId: 'k' },
        { key: { algorithm: { name: 'AES-GCM' } }, keyId: 'k' },
        { key: aesKey, keyId: '' },
        { key: aesKey, keyId: 'x'.repeat(256) },
        { passphrase: 'p', previousPassphrases: [''] },
        { passphrase: 'p', previousKeys: [{ key: hmacKey, keyId: 'old' }] },
      ];
      for (const options of bad) await expectStowageError(() => aesGcmCodec(options as never), 'invalid-argument');
    });

    test('use before init → invalid-argument', async () => {
      const codec = aesGcmCodec({ key: await newAesKey(), keyId: 'k' });
      await expectStowageError(() => codec.encode(Uint8Array.of(1)), 'invalid-argument');
      await expectStowageError(() => codec.decode(Uint8Array.of(1)), 'invalid-argument');
    });

    test('one instance serves one namespace', async () => {
      const codec = aesGcmCodec({ key: await newAesKey(), keyId: 'k' });
      await codec.init(memoryCodecContext({ prefix: 'a' }));
      await expectStowageError(() => codec.init(memoryCodecContext({ prefix: 'b' })), 'invalid-argument');
    });

    test('two codecs initialised and encrypting concurrently on one metadata store agree on one salt', async () => {
      // Two "tabs": separate contexts over the same store and the same lock (Web Locks in Chromium).
      const store = new Map<string, unknown>();
      const locks = defaultLocks();
      const tabA = aesGcmCodec({ passphrase: PASSPHRASE });
      const tabB = aesGcmCodec({ passphrase: PASSPHRASE });
      await Promise.all([
        tabA.init(memoryCodecContext({ prefix: 'tabs', store, locks })),
        tabB.init(memoryCodecContext({ prefix: 'tabs', store, locks })),
      ]);
      const plain = realisticJsonBytes(3_000);
      const [fromA, fromB] = await Promise.all([tabA.encode(plain), tabB.encode(plain)]);
      const meta = store.get(AES_GCM_META) as AesGcmMeta;
      expect(meta.keys).toHaveLength(1);
      expect(tabA.currentKeyId).toBe(meta.current);
      expect(tabB.currentKeyId).toBe(meta.current);
      expectSameBytes(await tabB.decode(fromA), plain);
      expectSameBytes(await tabA.decode(fromB), plain);
    });

    test('the keyring is stored with the first ciphertext, not at init; until then nothing is written', async () => {
      const store = new Map<string, unknown>();
      const codec = aesGcmCodec({ passphrase: PASSPHRASE });
      await codec.init(memoryCodecContext({ prefix: 'lazy', store }));
      expect(store.has(AES_GCM_META)).toBe(false);
      const ciphertext = await codec.encode(Uint8Array.of(1, 2, 3));
      expect((store.get(AES_GCM_META) as AesGcmMeta).current).toBe(codec.currentKeyId);
      const reloaded = aesGcmCodec({ passphrase: PASSPHRASE });
      await reloaded.init(memoryCodecContext({ prefix: 'lazy', store }));
      expectSameBytes(await reloaded.decode(ciphertext), Uint8Array.of(1, 2, 3));
      // A wrong passphrase is refused at init once a keyring is stored.
      const wrong = aesGcmCodec({ passphrase: 'not it' });
      const err = await expectStowageError(() => wrong.init(memoryCodecContext({ prefix: 'lazy', store })), 'decrypt-failed');
      expect(err.details.reason).toBe('wrong-passphrase');
    });

    test('a rotation before any encryption stores the keyring first, then rotates it', async () => {
      const store = new Map<string, unknown>();
      const codec = aesGcmCodec({ passphrase: PASSPHRASE });
      await codec.init(memoryCodecContext({ prefix: 'rotate-fresh', store }));
      const first = codec.currentKeyId;
      const { from, to } = await codec.rotate({ passphrase: 'next one' });
      expect(from).toBe(first);
      const meta = store.get(AES_GCM_META) as AesGcmMeta;
      expect(meta).toMatchObject({ current: to, rotation: { from, to } });
      expect(meta.keys.map((k) => k.id)).toEqual([from, to]);
    });
  });

  describe('aesGcmCodec across devices (each has its own keyring and salt, records arrive by sync)', () => {
    // Device A and device B: separate metadata stores, so each codec creates its own key entry.
    const deviceA = lazy(async () => {
      const codec = aesGcmCodec({ passphrase: PASSPHRASE });
      await codec.init(memoryCodecContext({ prefix: 'notes' }));
      return codec;
    });
    let derivations: ReturnType<typeof vi.spyOn> | undefined;
    afterEach(() => {
      derivations?.mockRestore();
      derivations = undefined;
    });
    /** Counts PBKDF2 derivations from now on. */
    const countDerivations = () => (derivations = vi.spyOn(globalThis.crypto.subtle, 'deriveKey'));

    test('a device with the same passphrase opens what another wrote, deriving the key once for all records', async () => {
      const a = await deviceA();
      const plains = [0, 1, 2, 3, 4].map((i) => realisticJsonBytes(800, i));
      const synced = await Promise.all(plains.map((p) => a.encode(p)));
      const b = aesGcmCodec({ passphrase: PASSPHRASE });
      await b.init(memoryCodecContext({ prefix: 'notes' }));
      expect(b.currentKeyId).not.toBe(a.currentKeyId);
      const spy = countDerivations();
      const opened = await Promise.all(synced.map((c) => b.decode(c)));
      opened.forEach((o, i) => expectSameBytes(o, plains[i] as Uint8Array));
      expect(spy).toHaveBeenCalledTimes(1);
      // And back: A opens what B writes.
      expectSameBytes(await a.decode(await b.encode(plains[0] as Uint8Array)), plains[0] as Uint8Array);
      // B's own keyring is unchanged: A's key is a read-only foreign key.
      expect(b.keyIds).toEqual([b.currentKeyId]);
    });

    test('a device with a different passphrase gets unknown-key, and tries each passphrase only once', async () => {
      const a = await deviceA();
      const c1 = await a.encode(Uint8Array.of(1, 2, 3));
      const c2 = await a.encode(Uint8Array.of(4, 5, 6));
      const b = aesGcmCodec({ passphrase: 'another passphrase entirely' });
      await b.init(memoryCodecContext({ prefix: 'notes' }));
      const spy = countDerivations();
      for (const c of [c1, c2, c1]) {
        const err = await expectStowageError(() => b.decode(c), 'decrypt-failed');
        expect(err.details).toMatchObject({ reason: 'unknown-key', keyId: a.currentKeyId, derivedFrom: 'passphrase' });
      }
      expect(spy).toHaveBeenCalledTimes(1);
    });

    test('the passphrases tried are those of the keyring: mid-rotation old and new; after retiring, the new one only', async () => {
      const a = await deviceA();
      const plainA = realisticJsonBytes(300, 9);
      const fromA = await a.encode(plainA);
      const c = aesGcmCodec({ passphrase: 'old one' });
      await c.init(memoryCodecContext({ prefix: 'notes' }));
      const fromC = await c.encode(Uint8Array.of(7, 7, 7));

      const b = aesGcmCodec({ passphrase: 'old one' });
      await b.init(memoryCodecContext({ prefix: 'notes' }));
      expectSameBytes(await b.decode(fromC), Uint8Array.of(7, 7, 7));
      await expectStowageError(() => b.decode(fromA), 'decrypt-failed');

      const { from } = await b.rotate({ passphrase: PASSPHRASE });
      expectSameBytes(await b.decode(fromA), plainA);
      expectSameBytes(await b.decode(fromC), Uint8Array.of(7, 7, 7));

      await b.retire(from);
      expectSameBytes(await b.decode(fromA), plainA);
      const err = await expectStowageError(() => b.decode(fromC), 'decrypt-failed');
      expect(err.details).toMatchObject({ reason: 'unknown-key', keyId: c.currentKeyId });
    });

    test('a wrong passphrase tried on a fresh device leaves nothing behind: the right one then unlocks it', async () => {
      const a = await deviceA();
      const plain = realisticJsonBytes(400, 5);
      const synced = await a.encode(plain);
      // Device B has no keyring yet; the user types the wrong passphrase first.
      const storeB = new Map<string, unknown>();
      const wrong = aesGcmCodec({ passphrase: 'a typo of the passphrase' });
      await wrong.init(memoryCodecContext({ prefix: 'notes', store: storeB }));
      const err = await expectStowageError(() => wrong.decode(synced), 'decrypt-failed');
      expect(err.details.reason).toBe('unknown-key');
      expect(storeB.size).toBe(0);
      const right = aesGcmCodec({ passphrase: PASSPHRASE });
      await right.init(memoryCodecContext({ prefix: 'notes', store: storeB }));
      expectSameBytes(await right.decode(synced), plain);
    });

    test('a tampered record from another device: authentication-failed once its key is known', async () => {
      const a = await deviceA();
      const good = await a.encode(realisticJsonBytes(200, 3));
      const b = aesGcmCodec({ passphrase: PASSPHRASE });
      await b.init(memoryCodecContext({ prefix: 'notes' }));
      await b.decode(good);
      const err = await expectStowageError(() => b.decode(flipBit(good, good.length * 8 - 3)), 'decrypt-failed');
      expect(err.details.reason).toBe('authentication-failed');
    });

    test('a record asking for an absurd iteration count is refused without deriving anything', async () => {
      const key = await newAesKey();
      const b = aesGcmCodec({ passphrase: PASSPHRASE });
      await b.init(memoryCodecContext({ prefix: 'notes' }));
      const spy = countDerivations();
      for (const iterations of [MAX_PBKDF2_ITERATIONS + 1, 2 ** 32 - 1, 1000]) {
        const hostile = await seal(key, 'k-hostile', Uint8Array.of(1), { salt: new Uint8Array(16), iterations });
        const err = await expectStowageError(() => b.decode(hostile), 'decrypt-failed');
        expect(err.details).toMatchObject({ reason: 'unknown-key', iterations });
      }
      expect(spy).not.toHaveBeenCalled();
    });
  });
}
