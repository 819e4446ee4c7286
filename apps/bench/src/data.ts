/** Deterministic, realistic benchmark data: users with orders, from a seeded PRNG. */

/** mulberry32 from core: a tiny seeded PRNG, the same sequence in every run. */
import { seededRandom as prng } from '@stowage/core';
export { prng };

const FIRST = ['Ada', 'Grace', 'Linus', 'Zoë', 'Émile', 'Mei', 'Olu', 'Søren', 'Mia', 'Noah', 'Aarav', 'Fatima'];
const LAST = ['Lovelace', 'Hopper', 'Okafor', 'Müller', 'Tanaka', 'Silva', 'Nguyen', 'Haddad', 'Kowalski'];
const CITIES = ['Lagos', 'Berlin', 'São Paulo', 'Kyoto', 'Austin', 'Nairobi', 'Oslo', 'Pune'];
const PRODUCTS = ['Coffee beans 1kg', 'Pour-over kettle', 'Ceramic mug', 'Paper filters ×100', 'Hand grinder', 'Tea sampler'];
const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'refunded'];

/** One user-like object with 1–4 orders. */
function user(next: () => number, i: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const first = pick(FIRST);
  const last = pick(LAST);
  return {
    id: `usr_${(100_000 + i * 7919).toString(36)}`,
    name: `${first} ${last}`,
    email: `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com`,
    city: pick(CITIES),
    createdAt: new Date(1_600_000_000_000 + Math.floor(next() * 1e11)).toISOString(),
    premium: next() > 0.7,
    tags: ['newsletter', 'beta', 'mobile', 'vip'].filter(() => next() > 0.6),
    orders: Array.from({ length: 1 + Math.floor(next() * 4) }, (_, j) => ({
      id: `ord_${i}_${j}`,
      status: pick(STATUSES),
      total: Math.round(next() * 20_000) / 100,
      currency: 'EUR',
      items: Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({ sku: `SKU-${Math.floor(next() * 1e5)}`, name: pick(PRODUCTS), qty: 1 + Math.floor(next() * 3) })),
    })),
  };
}

/** A JSON array of users, as close to `bytes` long as whole objects allow (never shorter). */
export function usersJson(bytes: number, seed = 42): string {
  const next = prng(seed);
  const users: unknown[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const u = user(next, i);
    users.push(u);
    size += new TextEncoder().encode(JSON.stringify(u)).length + 1;
  }
  return JSON.stringify(users);
}

/** A key and a small user-like value, as apps keep in key-value storage. */
export type Entry = readonly [key: string, value: Record<string, unknown>];

/**
 * `count` entries whose values serialize to about 200 bytes of JSON each (184–238, mean 210; the
 * page reports the mean through {@link averageJsonBytes}); keys look like `user:000042`. Same
 * seed, same entries.
 */
export function smallEntries(count: number, seed = 7): Entry[] {
  const next = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  return Array.from({ length: count }, (_, i): Entry => {
    const first = pick(FIRST);
    const last = pick(LAST);
    return [
      `user:${String(i).padStart(6, '0')}`,
      {
        name: `${first} ${last}`,
        email: `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com`,
        city: pick(CITIES),
        premium: next() > 0.7,
        score: Math.round(next() * 1e6) / 100,
        seenAt: new Date(1_600_000_000_000 + Math.floor(next() * 1e11)).toISOString(),
        tags: ['newsletter', 'beta', 'mobile', 'vip'].filter(() => next() > 0.5),
        prefs: { theme: pick(['dark', 'light', 'system']), lang: pick(['en', 'de', 'pt', 'ja']) },
      },
    ];
  });
}

/** Mean UTF-8 bytes of the entries' values as JSON. */
export function averageJsonBytes(entries: readonly Entry[]): number {
  const encoder = new TextEncoder();
  return entries.reduce((n, [, v]) => n + encoder.encode(JSON.stringify(v)).length, 0) / entries.length;
}
