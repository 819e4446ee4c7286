/** Deterministic test data: a seeded PRNG and realistic JSON of a requested size. */

/** mulberry32 from core: a tiny seeded PRNG, the same sequence in every run. */
import { seededRandom as prng } from '@stowage/core';
export { prng };

/** `n` pseudo-random bytes from `seed`. */
export function seededBytes(n: number, seed: number): Uint8Array {
  const next = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
  return out;
}

const NAMES = ['Ada', 'Grace', 'Linus', 'Zoë', 'Émile', '李雷', 'Olu', 'Søren', 'Mia', 'Noah'];
const CITIES = ['Lagos', 'Berlin', 'São Paulo', 'Kyoto', 'Austin', 'Nairobi', 'Oslo'];

/** A JSON array of user/order-like objects, at least `minBytes` long when serialized. */
export function realisticJson(minBytes: number, seed = 1): string {
  const next = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const items: unknown[] = [];
  let size = 2;
  for (let i = 0; size < minBytes; i++) {
    const item = {
      id: `u_${(i * 7919).toString(36)}`,
      name: `${pick(NAMES)} ${pick(NAMES)}`,
      email: `user${i}@example.com`,
      city: pick(CITIES),
      active: next() > 0.3,
      orders: Array.from({ length: 1 + Math.floor(next() * 3) }, (_, j) => ({
        sku: `SKU-${Math.floor(next() * 1e5)}`,
        qty: 1 + Math.floor(next() * 4),
        price: Math.round(next() * 10000) / 100,
        placedAt: 1_700_000_000_000 + Math.floor(next() * 1e10) + j,
      })),
    };
    items.push(item);
    size += JSON.stringify(item).length + 1;
  }
  return JSON.stringify(items);
}

/** UTF-8 bytes of {@link realisticJson}. */
export function realisticJsonBytes(minBytes: number, seed = 1): Uint8Array {
  return new TextEncoder().encode(realisticJson(minBytes, seed));
}

/** A copy of `bytes` with bit `bit` (0 = lowest bit of byte 0) inverted. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
}
