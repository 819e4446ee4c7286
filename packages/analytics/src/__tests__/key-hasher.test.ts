import { describe, expect, it } from 'vitest';
import { createKeyHasher, fnv1a64 } from '../index.js';
import { lcg } from './helpers.js';

/** The textbook definition with BigInt, to check the 16-bit-limb arithmetic against. */
function reference(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

describe('FNV-1a 64', () => {
  it('matches the published test vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('matches a BigInt reference on random strings, non-ASCII included', () => {
    const rnd = lcg(7);
    for (let i = 0; i < 500; i++) {
      const len = Math.floor(rnd() * 40);
      let s = '';
      for (let j = 0; j < len; j++) s += String.fromCodePoint(Math.floor(rnd() * (rnd() < 0.8 ? 128 : 0x2ffff)));
      expect(fnv1a64(s)).toBe(reference(s));
    }
  });

  it('a salted hasher is the hash of salt, NUL, key: stable per salt, different across salts', () => {
    const a = createKeyHasher('salt-a');
    expect(a('user:1')).toBe(reference('salt-a\u0000user:1'));
    expect(a('user:1')).toBe(createKeyHasher('salt-a')('user:1'));
    expect(a('user:1')).not.toBe(createKeyHasher('salt-b')('user:1'));
    expect(a('user:1')).toMatch(/^[0-9a-f]{16}$/);
  });
});
