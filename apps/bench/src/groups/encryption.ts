import CryptoJS from 'crypto-js';
import { aesGcmCodec, memoryCodecContext } from '@stowage/codecs';
import { decryptLegacy } from '@stowage/codecs/crypto-js-legacy';
import { usersJson } from '../data.js';
import type { BenchGroup } from '../types.js';

const PASSPHRASE = 'a benchmark passphrase';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`benchmark setup: ${what} did not round-trip`);
}

/**
 * Encryption of a JSON string and back to the string. Both sides include their text ↔ bytes
 * step, since crypto-js works on strings and the AES-GCM codec on bytes.
 */
export function encryptionGroup(id: string, bytes: number): BenchGroup {
  const text = usersJson(bytes);
  return {
    id,
    title: `Encryption of ${encoder.encode(text).length.toLocaleString('en')} bytes of JSON (string → ciphertext → string)`,
    metrics: [
      { key: 'encrypt', label: 'encrypt ms', unit: 'ms', better: 'lower' },
      { key: 'decrypt', label: 'decrypt ms', unit: 'ms', better: 'lower' },
      { key: 'roundtrip', label: 'encrypt+decrypt ms', unit: 'ms', better: 'lower' },
      { key: 'size', label: 'output bytes', unit: 'bytes', better: 'lower' },
    ],
    cases: [
      {
        name: 'aesGcmCodec (WebCrypto AES-256-GCM, key already derived)',
        ours: true,
        async setup() {
          const codec = aesGcmCodec({ passphrase: PASSPHRASE });
          await codec.init(memoryCodecContext()); // PBKDF2 runs here, outside the timing
          const encrypt = () => codec.encode(encoder.encode(text));
          const decrypt = async (c: Uint8Array) => decoder.decode(await codec.decode(c));
          const sample = await encrypt();
          check((await decrypt(sample)) === text, 'aes-gcm');
          return {
            timed: { encrypt, decrypt: () => decrypt(sample), roundtrip: async () => decrypt(await encrypt()) },
            facts: { size: sample.length },
          };
        },
      },
      {
        name: 'crypto-js AES.encrypt/decrypt (passphrase, what legacy apps do)',
        setup() {
          const encrypt = () => CryptoJS.AES.encrypt(text, PASSPHRASE).toString();
          const decrypt = (c: string) => CryptoJS.AES.decrypt(c, PASSPHRASE).toString(CryptoJS.enc.Utf8);
          const sample = encrypt();
          check(decrypt(sample) === text, 'crypto-js');
          return {
            timed: { encrypt, decrypt: () => decrypt(sample), roundtrip: () => decrypt(encrypt()) },
            facts: { size: sample.length },
          };
        },
      },
      {
        name: 'decryptLegacy (crypto-js with padding + UTF-8 checks)',
        ours: true,
        setup() {
          const sample = CryptoJS.AES.encrypt(text, PASSPHRASE).toString();
          check(decryptLegacy(sample, PASSPHRASE) === text, 'decryptLegacy');
          return { timed: { decrypt: () => decryptLegacy(sample, PASSPHRASE) }, facts: { size: sample.length } };
        },
      },
    ],
  };
}

/** One-off key derivation costs (paid at codec init, not per value). */
export function keyDerivationGroup(id: string): BenchGroup {
  return {
    id,
    title: 'Key derivation from a passphrase (once per init, or per call for crypto-js)',
    metrics: [{ key: 'derive', label: 'derive ms', unit: 'ms', better: 'lower' }],
    cases: [
      {
        name: 'PBKDF2-HMAC-SHA256, 600 000 iterations (WebCrypto)',
        setup() {
          const salt = crypto.getRandomValues(new Uint8Array(16));
          return {
            timed: {
              derive: async () => {
                const base = await crypto.subtle.importKey('raw', encoder.encode(PASSPHRASE), 'PBKDF2', false, ['deriveKey']);
                return crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations: 600_000, hash: 'SHA-256' }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt']);
              },
            },
          };
        },
      },
      {
        name: 'EVP_BytesToKey, MD5, 1 iteration (crypto-js passphrase mode)',
        setup() {
          const salt = CryptoJS.lib.WordArray.random(8);
          return { timed: { derive: () => CryptoJS.kdf.OpenSSL.execute(PASSPHRASE, 8, 4, salt) } };
        },
      },
    ],
  };
}
