import { describe, expect, test } from 'vitest';
import { defaultLocks } from '@stowage/core';
import { aesGcmCodec, AES_GCM_META, MIN_PBKDF2_ITERATIONS, type AesGcmMeta } from '../../aes-gcm.js';
import { derivePassphraseKey } from '../../aes-gcm-keys.js';
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
    test('ciphertext = version · key id · 96-bit IV · ciphertext+tag', async () => {
      const codec = await shared();
      const plain = realisticJsonBytes(1_000);
      const out = await codec.encode(plain);
      const keyId = codec.currentKeyId as string;
      expect(out[0]).toBe(1);
      expect(out[1]).toBe(keyId.length);
      expect(new TextDecoder().decode(out.subarray(2, 2 + keyId.length))).toBe(keyId);
      expect(out.length).toBe(2 + keyId.length + 12 + plain.length + 16);
    });

    test('two encryptions of the same plaintext differ (random IV)', async () => {
      const codec = await shared();
      const plain = new TextEncoder().encode('same plaintext');
      const seen = new Set<string>();
      const ivs = new Set<string>();
      const idEnd = 2 + (codec.currentKeyId as string).length;
      for (let i = 0; i < 20; i++) {
        const out = await codec.encode(plain);
        seen.add(Array.from(out).join(','));
        ivs.add(Array.from(out.subarray(idEnd, idEnd + 12)).join(','));
      }
      expect(seen.size).toBe(20);
      expect(ivs.size).toBe(20);
    });

    test('every single-bit flip (header, key id, IV, body, tag) → decrypt-failed', async () => {
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
      await shared();
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

    test('iterations below 600 000 are rejected with invalid-argument', async () => {
      for (const iterations of [599_999, 100_000, 1, 0, -1, 600_000.5, Number.NaN, '600000']) {
        const err = await expectStowageError(() => aesGcmCodec({ passphrase: 'p', iterations: iterations as number }), 'invalid-argument');
        expect(err.details.option).toBe('iterations');
      }
      expect(aesGcmCodec({ passphrase: 'p', iterations: 600_000 }).id).toBe('aes-gcm');
      expect(aesGcmCodec({ passphrase: 'p', iterations: 1_000_000 }).kind).toBe('encryption');
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

    test('two codecs initialised concurrently on one metadata store agree on one salt', async () => {
      // Two "tabs": separate contexts over the same store and the same lock (Web Locks in Chromium).
      const store = new Map<string, unknown>();
      const locks = defaultLocks();
      const tabA = aesGcmCodec({ passphrase: PASSPHRASE });
      const tabB = aesGcmCodec({ passphrase: PASSPHRASE });
      await Promise.all([
        tabA.init(memoryCodecContext({ prefix: 'tabs', store, locks })),
        tabB.init(memoryCodecContext({ prefix: 'tabs', store, locks })),
      ]);
      expect(tabA.currentKeyId).toBe(tabB.currentKeyId);
      expect((store.get(AES_GCM_META) as AesGcmMeta).keys).toHaveLength(1);
      const plain = realisticJsonBytes(3_000);
      expectSameBytes(await tabB.decode(await tabA.encode(plain)), plain);
      expectSameBytes(await tabA.decode(await tabB.encode(plain)), plain);
    });
  });
}
