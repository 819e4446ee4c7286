/**
 * Salted 64-bit FNV-1a over the UTF-8 bytes of `salt`, a NUL separator, then the key: fast, not
 * cryptographic. It keeps key names out of logs, reports and exports that leave the device; it is no
 * protection against someone who has the salt and can guess key names. 64 bits so two distinct keys
 * practically never merge in the hot-key table (32 bits would collide among ~10⁵ keys).
 */
export type KeyHasher = (key: string) => string;

const encoder = new TextEncoder();

/** 64-bit state as four 16-bit limbs, lowest first, so every product stays exact in a double. */
type State = [number, number, number, number];

function update(h: State, bytes: Uint8Array): void {
  let [h0, h1, h2, h3] = h;
  for (const b of bytes) {
    h0 ^= b;
    // h * 0x100000001b3 mod 2^64 = h * 0x1b3 + (h << 40)
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (t1 >>> 16) + ((h0 & 0xff) << 8);
    const t3 = h3 * 0x1b3 + (t2 >>> 16) + (h0 >>> 8) + ((h1 & 0xff) << 8);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
  h[3] = h3;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** FNV-1a 64 of a string's UTF-8 bytes, as 16 hex digits. */
export function fnv1a64(text: string): string {
  const h: State = [0x2325, 0x8422, 0x9ce4, 0xcbf2];
  update(h, encoder.encode(text));
  return hex4(h[3]) + hex4(h[2]) + hex4(h[1]) + hex4(h[0]);
}

/** A hasher for one salt (the salt's part of the state is computed once). */
export function createKeyHasher(salt: string): KeyHasher {
  const seed: State = [0x2325, 0x8422, 0x9ce4, 0xcbf2];
  update(seed, encoder.encode(`${salt}\u0000`));
  return (key) => {
    const h: State = [seed[0], seed[1], seed[2], seed[3]];
    update(h, encoder.encode(key));
    return hex4(h[3]) + hex4(h[2]) + hex4(h[1]) + hex4(h[0]);
  };
}
