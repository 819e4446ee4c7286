import { describe, expect, test } from 'vitest';
import CryptoJS from 'crypto-js';
import { cryptoJsLegacyCodec, decryptLegacy } from '../../crypto-js-legacy.js';
import { prng, realisticJson } from './fixtures.js';
import { expectStowageError } from './assertions.js';

const PASSPHRASE = 'legacy app secret';

/** What a legacy app stored: `CryptoJS.AES.encrypt(text, passphrase).toString()`. */
function legacyEncrypt(text: string, passphrase = PASSPHRASE, salt?: CryptoJS.lib.WordArray): string {
  return CryptoJS.AES.encrypt(text, passphrase, salt ? { salt } : {}).toString();
}

/** A string of 100 KB with every kind of character. */
function bigUnicode(): string {
  const parts = ['ascii text ', 'é à ü ß ', '中文字符 ', '😀🎉🚀 ', '\u0000\u0001\t\n', realisticJson(500, 2)];
  let s = '';
  for (let i = 0; s.length < 100_000; i++) s += parts[i % parts.length];
  return s;
}

/** Every crypto-js legacy test; run in Node and in Chromium. */
export function cryptoJsLegacySuite(): void {
  describe('decryptLegacy', () => {
    test('reads real CryptoJS.AES.encrypt output: empty, ascii, unicode, JSON, 100 KB', () => {
      for (const text of ['', 'a', 'hello world', 'héllo wörld — 世界 😀🎉', JSON.stringify({ user: 'Zoë', n: [1, 2] }), 'exactly sixteen!', bigUnicode()]) {
        const ciphertext = legacyEncrypt(text);
        expect(ciphertext.startsWith('U2FsdGVkX1')).toBe(true);
        expect(decryptLegacy(ciphertext, PASSPHRASE)).toBe(text);
      }
    });

    test('unicode passphrases work as in crypto-js', () => {
      const pass = 'пароль 密码 🔑';
      expect(decryptLegacy(legacyEncrypt('secret', pass), pass)).toBe('secret');
    });

    test('200 random wrong passphrases → decrypt-failed every time, never garbage', async () => {
      const next = prng(2024);
      const salt = CryptoJS.enc.Hex.parse('0102030405060708');
      // Short plaintexts are the hard case: one block, so only padding + UTF-8 checks can catch it.
      const targets = ['', 'hi', 'a longer secret value, three blocks of it, more or less'].map((t) => legacyEncrypt(t, PASSPHRASE, salt));
      for (let i = 0; i < 200; i++) {
        let wrong = '';
        const len = 1 + Math.floor(next() * 24);
        for (let j = 0; j < len; j++) wrong += String.fromCharCode(32 + Math.floor(next() * 95));
        if (wrong === PASSPHRASE) continue;
        for (const ciphertext of targets) {
          const err = await expectStowageError(() => decryptLegacy(ciphertext, wrong), 'decrypt-failed');
          expect(err.details.reason).toBe('wrong-passphrase');
        }
      }
    });

    test('crypto-js alone returns garbage for some wrong passphrases (why the checks exist)', () => {
      const ciphertext = legacyEncrypt('a secret that spans more than one block of AES');
      let garbage = 0;
      for (let i = 0; i < 200; i++) {
        try {
          const out = CryptoJS.AES.decrypt(ciphertext, `wrong ${i}`);
          if (out.sigBytes > 0) garbage++;
        } catch {
          // crypto-js throws "Malformed UTF-8 data" only when asked to decode to a string.
        }
      }
      expect(garbage).toBeGreaterThan(0);
    });

    test('malformed or truncated ciphertext → decrypt-failed', async () => {
      const good = legacyEncrypt('some secret text');
      const bad = ['', 'not base64 !!', 'aGVsbG8gd29ybGQ=', good.slice(0, 20), good.slice(0, -4), good.slice(0, 44) + '==', '====', good + 'A'];
      for (const c of bad) await expectStowageError(() => decryptLegacy(c, PASSPHRASE), 'decrypt-failed');
    });

    test('non-string arguments → invalid-argument', async () => {
      await expectStowageError(() => decryptLegacy(42 as unknown as string, PASSPHRASE), 'invalid-argument');
      await expectStowageError(() => decryptLegacy(legacyEncrypt('x'), undefined as unknown as string), 'invalid-argument');
    });
  });

  describe('cryptoJsLegacyCodec', () => {
    const codec = cryptoJsLegacyCodec({ passphrase: PASSPHRASE });

    test('is a decode-only encryption codec with id "crypto-js-aes"', async () => {
      expect(codec.id).toBe('crypto-js-aes');
      expect(codec.kind).toBe('encryption');
      await expectStowageError(() => codec.encode(Uint8Array.of(1)), 'invalid-argument');
    });

    test('decodes the UTF-8 bytes of the base64 string, and the raw OpenSSL bytes', async () => {
      const text = JSON.stringify({ legacy: true, name: 'Zoë 😀' });
      const b64 = legacyEncrypt(text);
      const fromText = await codec.decode(new TextEncoder().encode(b64));
      expect(new TextDecoder().decode(fromText)).toBe(text);
      const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      expect(new TextDecoder().decode(raw.subarray(0, 8))).toBe('Salted__');
      expect(new TextDecoder().decode(await codec.decode(raw))).toBe(text);
    });

    test('wrong passphrase and garbage → decrypt-failed', async () => {
      const wrong = cryptoJsLegacyCodec({ passphrase: 'nope' });
      await expectStowageError(() => wrong.decode(new TextEncoder().encode(legacyEncrypt('x'))), 'decrypt-failed');
      for (const g of [new Uint8Array(0), Uint8Array.of(0xff, 0xfe), new TextEncoder().encode('U2FsdGVkX1')]) {
        await expectStowageError(() => codec.decode(g), 'decrypt-failed');
      }
    });

    test('needs a string passphrase', async () => {
      await expectStowageError(() => cryptoJsLegacyCodec({} as never), 'invalid-argument');
    });
  });
}
