/**
 * Base64 over the platform's `btoa`/`atob` (present in browsers and Node ≥ 16). Bytes go through
 * a "binary string" in chunks so large arrays don't overflow the argument limit of `apply`.
 */

const CHUNK = 0x8000;

/** Encodes the bytes of `bytes` (only its view, not the whole underlying buffer). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** Decodes base64 text; throws the platform's `InvalidCharacterError` on malformed input. */
export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
