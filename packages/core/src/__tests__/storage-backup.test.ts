import { describe, expect, it } from 'vitest';
import { createStorage, memoryDriver, StowageError, exportCsv, exportData, importData, inspect, listBackups, migrate, reencode, restoreBackup } from '@stowage/core';
import type { Backup } from '@stowage/core';
import { fakeClock, xorCipher } from './helpers.js';

describe('export / import', () => {
  it('exports a versioned backup; encrypted values stay ciphertext unless asked', async () => {
    const s = createStorage({ broadcast: false, encryption: xorCipher(9) });
    await s.set('plain', { a: 1 });
    await s.set('secret', 'top secret', { encrypt: true });
    const b = await exportData(s);
    expect(b).toMatchObject({ format: 'stowage-backup', version: 1, prefix: 'stowage' });
    const secret = b.entries.find((e) => e.key === 'secret');
    expect(secret?.value).toBeUndefined();
    expect(secret?.codecs).toEqual(['xor']);
    expect(JSON.stringify(b)).not.toContain('top secret');
    const open = await exportData(s, { decrypt: true });
    expect(open.entries.find((e) => e.key === 'secret')?.value).toBe('top secret');
  });

  it('round-trips through JSON text into another namespace, ciphertext included', async () => {
    const driver = memoryDriver();
    const a = createStorage({ driver, prefix: 'a', broadcast: false, encryption: xorCipher(9) });
    await a.set('x', [1, 2]);
    await a.set('s', 'hidden', { encrypt: true, ttl: 60_000 });
    const text = JSON.stringify(await exportData(a));
    const b = createStorage({ driver, prefix: 'b', broadcast: false, encryption: xorCipher(9) });
    expect(await importData(b, text)).toBe(2);
    expect(await b.get('x')).toEqual([1, 2]);
    expect(await b.get('s')).toBe('hidden');
    expect((await inspect(b, 's'))?.expiresAt).toBe((await inspect(a, 's'))?.expiresAt);
  });

  it('merge keeps other keys; replace makes the namespace equal to the backup; both keep a backup of what they replace', async () => {
    const clock = fakeClock();
    const s = createStorage({ broadcast: false, clock });
    await s.setMany({ a: 1, b: 2 });
    const backup: Backup = { format: 'stowage-backup', version: 1, prefix: 'x', exportedAt: 0, entries: [{ key: 'b', value: 20, createdAt: 1, updatedAt: 1, schema: 1 }, { key: 'c', value: 30, createdAt: 1, updatedAt: 1, schema: 1 }] };
    await importData(s, backup, { mode: 'merge' });
    expect(await s.getMany(['a', 'b', 'c'])).toEqual([1, 20, 30]);
    clock.advance(1);
    await importData(s, backup, { mode: 'replace' });
    expect(await s.keys()).toEqual(['b', 'c']);
    const backups = await listBackups(s);
    expect(backups.map((b) => b.count)).toEqual([3, 2]); // newest first: before replace (a,b,c), before merge (a,b)
    await restoreBackup(s, backups[0]!.id);
    expect(await s.getMany(['a', 'b', 'c'])).toEqual([1, 20, 30]);
    await expect(restoreBackup(s, 'nope')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('keeps at most backupsToKeep automatic backups', async () => {
    const clock = fakeClock();
    const s = createStorage({ broadcast: false, clock, backupsToKeep: 2 });
    await s.set('a', 1);
    for (let i = 0; i < 4; i++) {
      clock.advance(1);
      await importData(s, { format: 'stowage-backup', version: 1, prefix: 'x', exportedAt: 0, entries: [{ key: 'a', value: i, createdAt: 1, updatedAt: 1, schema: 1 }] });
    }
    expect((await listBackups(s)).length).toBe(2);
  });

  it('rejects malformed backups before writing anything', async () => {
    const s = createStorage({ broadcast: false });
    await s.set('keep', 1);
    const bad: unknown[] = [
      'not json',
      { format: 'other' },
      { format: 'stowage-backup', version: 99, prefix: 'p', exportedAt: 0, entries: [] },
      { format: 'stowage-backup', version: 1, prefix: 'p', exportedAt: 0, entries: [{ key: 'a', createdAt: 0, updatedAt: 0, schema: 1 }] },
      { format: 'stowage-backup', version: 1, prefix: 'p', exportedAt: 0, entries: [{ key: 'a', value: 1, createdAt: 0, updatedAt: 0, schema: 1 }, { key: 'a', value: 2, createdAt: 0, updatedAt: 0, schema: 1 }] },
      { format: 'stowage-backup', version: 1, prefix: 'p', exportedAt: 0, entries: [{ key: 'a', data: 'AAAA', createdAt: 0, updatedAt: 0, schema: 1 }] },
      { format: 'stowage-backup', version: 1, prefix: 'p', exportedAt: 0, entries: [{ key: 'a', value: 1, createdAt: 0, updatedAt: 0, schema: 1 }, { key: 'f', value: { fn: 'ok', n: NaN }, createdAt: 0, updatedAt: 0, schema: 1 }] },
    ];
    for (const b of bad) await expect(importData(s, b)).rejects.toBeInstanceOf(StowageError);
    await expect(importData(s, {}, { mode: 'overwrite' as never })).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await s.keys()).toEqual(['keep']);
  });

  it('an import whose ciphertext this storage cannot decrypt is refused whole', async () => {
    const src = createStorage({ broadcast: false, encryption: xorCipher(1) });
    await src.set('p', 'plain');
    await src.set('s', 'secret', { encrypt: true });
    const dst = createStorage({ broadcast: false, encryption: xorCipher(2) });
    await expect(importData(dst, await exportData(src))).rejects.toMatchObject({ code: 'decrypt-failed' });
    expect(await dst.keys()).toEqual([]);
  });

  it('an import over the total limit is quota-exceeded and changes nothing', async () => {
    const s = createStorage({ broadcast: false, limits: { maxTotalBytes: 500 } });
    await s.set('a', 1);
    const entries = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(100), createdAt: 0, updatedAt: 0, schema: 1 }));
    await expect(importData(s, { format: 'stowage-backup', version: 1, prefix: 'p', exportedAt: 0, entries })).rejects.toMatchObject({ code: 'quota-exceeded' });
    expect(await s.keys()).toEqual(['a']);
  });

  it('exportCsv: flat objects get a column per field, others go to value, encrypted ones are masked, formulas are defused', async () => {
    const s = createStorage({ broadcast: false, encryption: xorCipher(4) });
    await s.set('u1', { name: 'Ada, "the first"', age: 36 });
    await s.set('u2', { name: '=HYPERLINK("x")', city: 'Paris' });
    await s.set('list', [1, 2]);
    await s.set('pw', 'x', { encrypt: true });
    const csv = await exportCsv(s);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('key,name,age,city,value,updatedAt,expiresAt');
    expect(lines.find((l) => l.startsWith('u1,'))).toMatch(/^u1,"Ada, ""the first""",36,,,/);
    expect(lines.find((l) => l.startsWith('u2,'))).toContain(`"'=HYPERLINK(""x"")"`);
    expect(lines.find((l) => l.startsWith('list,'))).toContain('"[1,2]"');
    expect(lines.find((l) => l.startsWith('pw,'))).toContain('[encrypted]');
  });
});

describe('migrations', () => {
  it('upgrades old-schema records lazily on read and writes the upgrade back', async () => {
    const driver = memoryDriver();
    const v1 = createStorage({ driver, broadcast: false });
    await v1.set('user', { name: 'Ada Lovelace' });
    const v3 = createStorage({
      driver, broadcast: false, schemaVersion: 3,
      migrations: {
        2: (v) => { const { name } = v as { name: string }; const [first, last] = name.split(' '); return { first, last }; },
        3: (v) => ({ ...(v as object), v: 3 }),
      },
    });
    expect(await v3.get('user')).toEqual({ first: 'Ada', last: 'Lovelace', v: 3 });
    await v3.keys();
    expect((await inspect(v3, 'user'))?.schema).toBe(3);
    expect(((await driver.get('stowage:user')) as { value: unknown }).value).toEqual({ first: 'Ada', last: 'Lovelace', v: 3 });
  });

  it('migrate() upgrades everything eagerly, including foreign values (envelope v0), keeping codecs', async () => {
    const driver = memoryDriver();
    await driver.batch([{ type: 'put', key: 'stowage:legacy', value: { count: 1 } }]); // written by plain idb-keyval
    const v1 = createStorage({ driver, broadcast: false, encryption: xorCipher(3) });
    await v1.set('enc', { count: 5 }, { encrypt: true });
    expect(await v1.get('legacy')).toEqual({ count: 1 });
    const v2 = createStorage({ driver, broadcast: false, encryption: xorCipher(3), schemaVersion: 2, migrations: { 2: (v) => ({ total: (v as { count: number }).count }) } });
    expect(await migrate(v2)).toBe(2);
    expect(await migrate(v2)).toBe(0);
    expect(await v2.getMany(['legacy', 'enc'])).toEqual([{ total: 1 }, { total: 5 }]);
    expect((await inspect(v2, 'enc'))?.encrypted).toBe(true);
  });

  it('a failing migration is a decode-failed error, not a corrupt value', async () => {
    const driver = memoryDriver();
    await createStorage({ driver, broadcast: false }).set('k', 1);
    const s = createStorage({ driver, broadcast: false, schemaVersion: 2, migrations: { 2: () => { throw new Error('bug'); } } });
    await expect(s.get('k')).rejects.toMatchObject({ code: 'decode-failed', details: { key: 'k', to: 2 } });
  });

  it('reencode() rewrites matching records with the current codecs, in batches', async () => {
    const driver = memoryDriver();
    const old = createStorage({ driver, broadcast: false, encryption: xorCipher(1) });
    await old.setMany(Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, i])), { encrypt: true });
    await old.set('plain', 'p');
    // A storage that can read both keys (xor-old only for reading) and writes with the new one.
    const oldReader = { ...xorCipher(1), id: 'xor' };
    const next = { ...xorCipher(2), id: 'xor2' };
    const s = createStorage({ driver, broadcast: false, encryption: next, codecs: [oldReader] });
    const progress: number[] = [];
    expect(await reencode(s, { filter: (ids) => ids.includes('xor'), batchSize: 10, onProgress: (n) => progress.push(n) })).toBe(25);
    expect(progress).toEqual([10, 20, 25]);
    expect((await inspect(s, 'k7'))?.codecs).toEqual(['xor2']);
    expect(await createStorage({ driver, broadcast: false, encryption: next }).get('k7')).toBe(7);
    expect((await inspect(s, 'plain'))?.codecs).toEqual([]);
  });
});
