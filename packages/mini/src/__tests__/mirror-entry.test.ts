import { describe, expect, it } from 'vitest';
import { StowageError } from '@stowage/core';
import { MirrorEntry } from '../mirror-entry.js';

describe('MirrorEntry', () => {
  it('keeps a hydrated value as stored until its first read, then its JSON text: reads never hand out the stored object', () => {
    const stored = { n: 1, tags: ['a'] };
    const e = MirrorEntry.stored(stored, 10, false);
    expect(e.json).toBe('{"n":1,"tags":["a"]}');
    stored.n = 2; // the store's copy changing after the first read does not reach later reads
    expect(e.json).toBe('{"n":1,"tags":["a"]}');
  });

  it('says whether the value was written encrypted, and keeps size and expiry', () => {
    const e = MirrorEntry.json('"v"', 4, true, 99);
    expect([e.encrypted, e.size, e.expiresAt]).toEqual([true, 4, 99]);
    expect(MirrorEntry.stored('v', 4, false).encrypted).toBe(false);
  });

  it('an unreadable stored value throws its error on read', () => {
    const error = new StowageError('decrypt-failed', 'wrong key');
    const e = MirrorEntry.failed(error, 7, true);
    expect(() => e.json).toThrow(error);
    expect(e.encrypted).toBe(true);
  });

  it('takes the size and expiry the store gave a write; an expiry the store did not name stays', () => {
    const e = MirrorEntry.json('1', 1, false, 50);
    const sized = e.with({ size: 9 });
    expect([sized.json, sized.size, sized.expiresAt]).toEqual(['1', 9, 50]);
    expect(e.with({ size: 9, expiresAt: 70 }).expiresAt).toBe(70);
    expect(e.size).toBe(1); // a new entry: the staged one is left as it was
  });
});
