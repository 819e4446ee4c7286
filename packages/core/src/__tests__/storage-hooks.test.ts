import { describe, expect, it } from 'vitest';
import { createStorage, memoryDriver, RESERVED, addCommitHook, applyRecords, cleanExpired, getRecord, inspect, migrate, reencode } from '@stowage/core';
import type { CommitChange, HookOrigin, StorageEvent, StoredRecord } from '@stowage/core';
import { fakeClock, rleCodec, spyDriver, xorCipher } from './helpers.js';

describe('commit hooks', () => {
  it('hook ops commit in the same transaction as the data, for every kind of logical change', async () => {
    const driver = spyDriver();
    const s = createStorage({ driver, broadcast: false });
    const seen: [string[], HookOrigin][] = [];
    addCommitHook(s, {
      ops: (changes) => changes.map((c) => ({ type: 'put', key: `${RESERVED}outbox/${c.key}`, value: c.type })),
      committed: (changes, origin) => seen.push([changes.map((c) => `${c.type}:${c.key}`), origin]),
    });
    await Promise.all([s.set('a', 1), s.set('b', 2)]);
    await s.remove('a');
    await s.clear();
    expect(driver.batches.map((b) => b.map((o) => `${o.type} ${o.key.replace(RESERVED, '\\0')}`))).toEqual([
      ['put stowage:a', 'put stowage:b', 'put \\0outbox/a', 'put \\0outbox/b'],
      ['delete stowage:a', 'put \\0outbox/a'],
      ['delete stowage:b', 'put \\0outbox/b'],
    ]);
    expect(seen).toEqual([[['put:a', 'put:b'], 'local'], [['delete:a'], 'local'], [['delete:b'], 'local']]);
  });

  it('a failing hook fails the write: neither data nor hook ops are kept', async () => {
    const driver = memoryDriver();
    const s = createStorage({ driver, broadcast: false });
    const off = addCommitHook(s, { ops: () => [{ type: 'put', key: `${RESERVED}x`, value: () => 1 }] }); // uncloneable
    await expect(s.set('k', 1)).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await driver.keys('')).toEqual([]);
    off();
    await s.set('k', 1);
    expect(await driver.keys('')).toEqual(['stowage:k']);
  });

  it('expiry sweeps are not logical changes: hooks do not see them', async () => {
    const clock = fakeClock();
    const s = createStorage({ clock, broadcast: false });
    const seen: CommitChange[] = [];
    addCommitHook(s, { ops: (cs) => (seen.push(...cs), []) });
    await s.set('t', 1, { ttl: 10 });
    clock.advance(10);
    expect(await cleanExpired(s)).toBe(1);
    expect(seen.map((c) => `${c.type}:${c.key}`)).toEqual(['put:t']);
  });

  it('reencode() reports re-encoded encrypted records to the hooks (origin reencode), in the same batch; not plain, compressed-only or migrated ones', async () => {
    const driver = spyDriver();
    const old = createStorage({ driver, broadcast: false, compression: rleCodec, encryption: xorCipher(1) });
    await old.setMany({ e1: 'one', e2: 'two' }, { encrypt: true });
    await old.set('zip', 'z'.repeat(3000), { compress: true });
    await old.set('plain', 'p');
    expect((await inspect(old, 'zip'))?.codecs).toEqual(['rle']);

    const s = createStorage({ driver, broadcast: false, compression: rleCodec, encryption: { ...xorCipher(2), id: 'xor2' }, codecs: [xorCipher(1)], schemaVersion: 2, migrations: { 2: (v) => v } });
    const seen: [string[], HookOrigin][] = [];
    addCommitHook(s, {
      ops: (changes) => changes.map((c) => ({ type: 'put', key: `${RESERVED}outbox/${c.key}`, value: c.type })),
      committed: (changes, origin) => seen.push([changes.map((c) => `${c.type}:${c.key}`), origin]),
    });
    const events: StorageEvent[] = [];
    s.subscribe((e) => events.push(e));
    expect(await migrate(s)).toBe(4);
    expect(seen).toEqual([]);
    driver.batches.length = 0;
    expect(await reencode(s)).toBe(3);
    expect(seen).toEqual([[['put:e1', 'put:e2'], 'reencode']]);
    const batch = driver.batches.find((b) => b.some((o) => o.type === 'put' && o.key === 'stowage:e1')) ?? [];
    expect(batch.filter((o) => o.type === 'put').map((o) => o.key.replace(RESERVED, '\\0'))).toEqual(['stowage:e1', 'stowage:e2', 'stowage:zip', '\\0outbox/e1', '\\0outbox/e2']);
    expect(events).toEqual([]);
    expect(await s.get('e2')).toBe('two');
  });

  it('rejects a malformed hook', () => {
    const s = createStorage({ broadcast: false });
    expect(() => addCommitHook(s, {} as never)).toThrow(/addCommitHook/);
  });
});

describe('raw records', () => {
  it('getRecord returns the envelope; applyRecords writes raw records (ciphertext as is) as remote changes', async () => {
    const driver = memoryDriver();
    const a = createStorage({ driver, prefix: 'a', broadcast: false, encryption: xorCipher(5) });
    await a.set('secret', 'shh', { encrypt: true });
    const rec = (await getRecord(a, 'secret')) as StoredRecord;
    expect(rec.codecs).toEqual(['xor']);
    const b = createStorage({ driver, prefix: 'b', broadcast: false, encryption: xorCipher(5) });
    const events: StorageEvent[] = [];
    b.subscribe((e) => events.push(e));
    const origins: HookOrigin[] = [];
    addCommitHook(b, { ops: (_c, origin) => (origins.push(origin), []) });
    expect(await applyRecords(b, [{ key: 'secret', record: rec }, { key: 'gone', deleted: true }])).toEqual(['secret', 'gone']);
    expect(await b.get('secret')).toBe('shh');
    expect(events[0]).toMatchObject({ type: 'set', key: 'secret', source: 'remote' });
    expect(origins).toEqual(['sync']);
    expect(await getRecord(b, 'nope')).toBeUndefined();
  });

  it('applyRecords skips items whose expectUpdatedAt no longer matches (compare-and-set)', async () => {
    const clock = fakeClock(1000);
    const s = createStorage({ clock, broadcast: false });
    await s.set('k', 'local');
    const base = (await getRecord(s, 'k'))!;
    const remote: StoredRecord = { ...base, value: 'remote', updatedAt: 5 };
    expect(await applyRecords(s, [{ key: 'k', record: remote, expectUpdatedAt: 999 }, { key: 'new', record: remote, expectUpdatedAt: null }])).toEqual(['new']);
    expect(await s.get('k')).toBe('local');
    expect(await applyRecords(s, [{ key: 'k', record: remote, expectUpdatedAt: base.updatedAt }])).toEqual(['k']);
    expect(await s.get('k')).toBe('remote');
  });

  it('applyRecords encodes plain values with the storage\'s own codecs and keeps their expiry', async () => {
    const clock = fakeClock(0);
    const s = createStorage({ clock, broadcast: false, encryption: xorCipher(3), encryptAll: true, defaultTtl: 5 });
    await applyRecords(s, [{ key: 'v', value: { a: [1, [2]] }, expiresAt: 100 }, { key: 'w', value: 'no expiry' }]);
    expect(await s.get('v')).toEqual({ a: [1, [2]] });
    expect(await inspect(s, 'v')).toMatchObject({ encrypted: true, expiresAt: 100 });
    expect((await inspect(s, 'w'))?.expiresAt).toBeUndefined(); // remote state carries its own expiry, not the local default
    await expect(applyRecords(s, [{ key: 'bad', value: () => 1 }])).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await s.has('bad')).toBe(false);
  });

  it('applyRecords keeps the schema version a value was written under: older ones are migrated on read, newer ones kept and refused to this older app', async () => {
    const s = createStorage({ broadcast: false, encryption: xorCipher(3), encryptAll: true, schemaVersion: 3, migrations: { 2: (v) => [v, 2], 3: (v) => [v, 3] } });
    await applyRecords(s, [
      { key: 'v1', value: 'one', schema: 1 },
      { key: 'v3', value: 'three', schema: 3 },
      { key: 'v9', value: 'nine', schema: 9 },
      { key: 'now', value: 'current' },
    ]);
    expect(await s.get('v1')).toEqual([['one', 2], 3]);
    expect(await s.get('v3')).toBe('three');
    await expect(s.get('v9')).rejects.toMatchObject({ code: 'conflict', details: { reason: 'schema-newer', key: 'v9', schema: 9, schemaVersion: 3 } });
    expect(await s.get('now')).toBe('current');
    expect((await getRecord(s, 'v9'))?.s).toBe(9);
    for (const schema of [0, 1.5, -1, '2']) {
      await expect(applyRecords(s, [{ key: 'bad', value: 1, schema: schema as number }])).rejects.toMatchObject({ code: 'invalid-argument' });
    }
    expect(await s.has('bad')).toBe(false);
  });

  it('applyRecords refuses things that are not records', async () => {
    const s = createStorage({ broadcast: false });
    await expect(applyRecords(s, [{ key: 'k', record: { value: 1 } as never }])).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(applyRecords(s, 'x' as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(applyRecords(s, [{ key: '', deleted: true }])).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
