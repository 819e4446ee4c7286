import { describe, expect, it } from 'vitest';
import { backupsPrefix, createStorage, listBackups, memoryDriver, migrate, migrationHistory, migrationsPrefix, recordOf, restoreBackup } from '@stowage/core';
import type { Backup, Driver, Migration, StorageOptions } from '@stowage/core';
import { fakeClock, spyDriver } from './helpers.js';

type Name = { name: string };
type Split = { first: string; last: string };

/** v2 splits `name`; v3 adds `tags`. Both know their way back. */
const steps: Record<number, Migration> = {
  2: {
    up: (v) => { const [first = '', last = ''] = (v as Name).name.split(' '); return { first, last }; },
    down: (v) => ({ name: `${(v as Split).first} ${(v as Split).last}` }),
  },
  3: {
    up: (v) => ({ ...(v as object), tags: [] }),
    down: (v) => { const { tags: _tags, ...rest } = v as Split & { tags: unknown }; return rest; },
  },
};

function at(driver: Driver, schemaVersion: number, more: StorageOptions = {}) {
  const migrations = Object.fromEntries(Object.entries(steps).filter(([n]) => Number(n) <= schemaVersion));
  return createStorage({ driver, broadcast: false, schemaVersion, migrations, ...more });
}

async function seedV1(driver: Driver, clock = fakeClock()) {
  const v1 = createStorage({ driver, broadcast: false, clock });
  await v1.setMany({ ada: { name: 'Ada Lovelace' }, alan: { name: 'Alan Turing' } });
  return clock;
}

describe('migration history', () => {
  it('a lazy upgrade on read is an upgrade event: backup of the old records first, then the run (from, to, when, how many)', async () => {
    const driver = memoryDriver();
    const clock = await seedV1(driver);
    await clock.advance(5000);
    const v2 = at(driver, 2, { clock });
    expect(await v2.get('ada')).toEqual({ first: 'Ada', last: 'Lovelace' });
    await v2.keys(); // the background write-back has run
    const [run, ...rest] = await migrationHistory(v2);
    expect(rest).toEqual([]);
    expect(run).toMatchObject({ id: '000001', from: 1, to: 2, trigger: 'open', records: 2, status: 'done', startedAt: clock.now(), finishedAt: clock.now() });
    const backup = (await driver.get(backupsPrefix('stowage') + run!.backupId)) as Backup;
    // Taken before the first upgraded record was written: both records as v1 wrote them.
    expect(backup.entries.map((e) => [e.key, e.schema, e.value])).toEqual([['ada', 1, { name: 'Ada Lovelace' }], ['alan', 1, { name: 'Alan Turing' }]]);
    expect((await listBackups(v2)).map((b) => b.id)).toEqual([run!.backupId]);
    expect(recordOf('ada', await driver.get('stowage:ada')).s).toBe(2);
    // Opening again with the same version is no new event.
    expect(await migrationHistory(at(driver, 2, { clock }))).toHaveLength(1);
  });

  it('two tabs opening at once (v2 and v3) record both events in order: the second sees the first and goes from 2', async () => {
    const driver = spyDriver();
    await seedV1(driver);
    // Both tabs read the state before either writes; the v3 tab's batch waits until the v2 tab's is in.
    const STATE = `${migrationsPrefix('stowage')}state`;
    let stateReads = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    let v2Written!: () => void;
    const v2Done = new Promise<void>((r) => (v2Written = r));
    const get = driver.get;
    driver.get = async (key) => {
      const v = await get(key);
      if (key === STATE && ++stateReads === 2) release();
      return v;
    };
    const batch = driver.batch;
    driver.batch = async (ops) => {
      const put = ops.find((o) => o.type === 'put' && o.key === STATE) as { value: { version: number } } | undefined;
      if (put) {
        await bothRead;
        if (put.value.version === 3) await v2Done;
      }
      try {
        return await batch(ops);
      } finally {
        if (put?.value.version === 2) v2Written();
      }
    };
    const a = at(driver, 2);
    const b = at(driver, 3);
    await Promise.all([a.get('ada'), b.get('alan')]);
    await Promise.all([a.keys(), b.keys()]);
    const runs = await migrationHistory(b);
    expect(runs.map((r) => [r.id, r.trigger, r.from, r.to])).toEqual([['000001', 'open', 1, 2], ['000002', 'open', 2, 3]]);
  });

  it('migrationBackup: false records the run without a backup', async () => {
    const driver = memoryDriver();
    await seedV1(driver);
    const v2 = at(driver, 2, { migrationBackup: false });
    const [run] = await migrationHistory(v2);
    expect(run).toMatchObject({ from: 1, to: 2, trigger: 'open', records: 2 });
    expect(run!.backupId).toBeUndefined();
    expect(await listBackups(v2)).toEqual([]);
  });

  it('a namespace created at the current version has no history, and migrate() with nothing to do is no run', async () => {
    const driver = spyDriver();
    const v2 = at(driver, 2);
    await v2.set('k', { first: 'a', last: 'b' });
    expect(await migrate(v2)).toBe(0);
    expect(await migrationHistory(v2)).toEqual([]);
    expect(await listBackups(v2)).toEqual([]);
  });

  it('two schema bumps in a row: each opening and each migrate() is a run with its own backup', async () => {
    const driver = memoryDriver();
    const clock = await seedV1(driver);
    const v2 = at(driver, 2, { clock });
    await clock.advance(10);
    expect(await migrate(v2)).toBe(2);
    await createStorage({ driver, broadcast: false, clock }).set('old', { name: 'Old Tab' }); // a tab still on v1
    await clock.advance(10);
    expect(await migrate(v2)).toBe(1);
    await clock.advance(10);
    const v3 = at(driver, 3, { clock });
    expect(await migrate(v3)).toBe(3);
    const runs = await migrationHistory(v3);
    expect(runs.map((r) => [r.id, r.trigger, r.from, r.to, r.records, r.status])).toEqual([
      ['000001', 'open', 1, 2, 2, 'done'],
      ['000002', 'migrate', 1, 2, 2, 'done'],
      ['000003', 'migrate', 1, 2, 1, 'done'],
      ['000004', 'open', 2, 3, 3, 'done'],
      ['000005', 'migrate', 2, 3, 3, 'done'],
    ]);
    // migrate() right after the opening it triggered shares that opening's backup; a later one takes its own.
    expect(runs[1]!.backupId).toBe(runs[0]!.backupId);
    expect(runs[4]!.backupId).toBe(runs[3]!.backupId);
    expect(new Set(runs.map((r) => r.backupId)).size).toBe(3);
    expect(await v3.get('alan')).toEqual({ first: 'Alan', last: 'Turing', tags: [] });
  });

  it('a failing migrate() ends its run failed with the key and keeps the backup, which restores the records', async () => {
    const driver = memoryDriver();
    const v1 = createStorage({ driver, broadcast: false });
    await v1.setMany(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i])));
    const v2 = createStorage({ driver, broadcast: false, schemaVersion: 2, migrations: { 2: (v) => { if (v === 15) throw new Error('bug at 15'); return { n: v }; } } });
    await expect(migrate(v2, { batchSize: 10 })).rejects.toMatchObject({ code: 'decode-failed', details: { key: 'k15' } });
    const runs = await migrationHistory(v2);
    expect(runs.at(-1)).toMatchObject({ trigger: 'migrate', status: 'failed', records: 10, error: { code: 'decode-failed', key: 'k15' } });
    expect(runs.at(-1)!.finishedAt).toBeTypeOf('number');
    const backupId = runs.at(-1)!.backupId!;
    expect(await restoreBackup(v2, backupId)).toBe(30);
    const raw = recordOf('k03', await driver.get('stowage:k03'));
    expect([raw.s, raw.value]).toEqual([1, 3]);
  });

  it('a migration failing on read marks the opening run failed, once', async () => {
    const driver = memoryDriver();
    await seedV1(driver);
    const v2 = createStorage({ driver, broadcast: false, schemaVersion: 2, migrations: { 2: () => { throw new Error('bug'); } } });
    await expect(v2.get('ada')).rejects.toMatchObject({ code: 'decode-failed' });
    await expect(v2.get('alan')).rejects.toMatchObject({ code: 'decode-failed' });
    const runs = await migrationHistory(v2);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'open', status: 'failed', error: { code: 'decode-failed', key: 'ada' } });
    expect(runs[0]!.backupId).toBeTypeOf('string');
  });
});

describe('migrating down', () => {
  it('migrate(storage, { to }) runs the down steps over every record, stamps them, records the run; a storage at the lower version reads them', async () => {
    const driver = memoryDriver();
    await seedV1(driver);
    const v3 = at(driver, 3);
    await migrate(v3);
    await v3.set('grace', { first: 'Grace', last: 'Hopper', tags: ['navy'] });
    expect(await migrate(v3, { to: 1 })).toBe(3);
    for (const key of ['ada', 'alan', 'grace']) expect(recordOf(key, await driver.get(`stowage:${key}`)).s).toBe(1);
    const last = (await migrationHistory(at(driver, 1))).at(-1);
    expect(last).toMatchObject({ trigger: 'migrate', from: 3, to: 1, records: 3, status: 'done' });
    expect(last!.backupId).toBeTypeOf('string');
    const v1 = createStorage({ driver, broadcast: false });
    expect(await v1.getMany(['ada', 'grace'])).toEqual([{ name: 'Ada Lovelace' }, { name: 'Grace Hopper' }]);
    // The storage that went down is left at a version it does not write: it refuses, typed.
    await expect(v3.get('ada')).rejects.toMatchObject({ code: 'conflict', details: { reason: 'downgraded', schema: 1 } });
    await expect(v3.set('x', 1)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'downgraded' } });
    // Opening with v2 again is an upgrade event from 1.
    const again = at(driver, 2);
    expect(await again.get('grace')).toEqual({ first: 'Grace', last: 'Hopper' });
    expect((await migrationHistory(again)).at(-1)).toMatchObject({ trigger: 'open', from: 1, to: 2, records: 3 });
  });

  it('a missing down step is a typed error before anything is written', async () => {
    const driver = spyDriver();
    await seedV1(driver);
    const v3 = createStorage({ driver, broadcast: false, schemaVersion: 3, migrations: { 2: steps[2]!, 3: (v) => ({ ...(v as object), tags: [] }) } });
    await migrate(v3);
    const batches = driver.batches.length;
    await expect(migrate(v3, { to: 1 })).rejects.toMatchObject({ code: 'invalid-argument', details: { to: 1, missing: [3] } });
    await expect(migrate(v3, { to: 2 })).rejects.toMatchObject({ code: 'invalid-argument', details: { missing: [3] } });
    expect(driver.batches.length).toBe(batches);
    expect(await v3.get('ada')).toEqual({ first: 'Ada', last: 'Lovelace', tags: [] });
    for (const to of [0, 4, 1.5]) await expect(migrate(v3, { to })).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('a down step failing mid-way ends the run failed; the namespace stays at the higher version and reads as before', async () => {
    const driver = memoryDriver();
    const v2 = createStorage({
      driver, broadcast: false, schemaVersion: 2,
      migrations: { 2: { up: (v) => v, down: (v) => { if (v === 'bad') throw new Error('no way back'); return v; } } },
    });
    await v2.setMany({ a: 'a', b: 'bad', c: 'c' });
    await expect(migrate(v2, { to: 1, batchSize: 1 })).rejects.toMatchObject({ code: 'decode-failed', details: { key: 'b', from: 2, to: 1 } });
    expect((await migrationHistory(v2)).at(-1)).toMatchObject({ from: 2, to: 1, status: 'failed', records: 1, error: { key: 'b' } });
    expect(await v2.getMany(['a', 'b', 'c'])).toEqual(['a', 'bad', 'c']); // 'a' went down to 1 and reads up again
    await v2.set('d', 'd');
    await expect(createStorage({ driver, broadcast: false }).get('c')).rejects.toMatchObject({ code: 'conflict', details: { reason: 'schema-newer' } });
  });
});

describe('a lower schemaVersion than the namespace holds', () => {
  it('refuses newer records and migrate(), typed; its own writes are stamped with its version and upgraded by the newer app', async () => {
    const driver = memoryDriver();
    const v2 = at(driver, 2);
    await v2.set('ada', { first: 'Ada', last: 'Lovelace' });
    const v1 = createStorage({ driver, broadcast: false });
    await expect(v1.get('ada')).rejects.toMatchObject({ code: 'conflict', details: { reason: 'schema-newer', key: 'ada', schema: 2, schemaVersion: 1 } });
    await expect(migrate(v1)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'schema-newer', schema: 2 } });
    await v1.set('alan', { name: 'Alan Turing' });
    expect(await v2.get('alan')).toEqual({ first: 'Alan', last: 'Turing' });
    expect(((await driver.get('stowage:ada')) as { value: unknown }).value).toEqual({ first: 'Ada', last: 'Lovelace' });
  });

  it('refuses a migrations entry that is neither a function nor { up, down? }', () => {
    for (const bad of [{ down: (v: unknown) => v }, { up: 1 }, { up: (v: unknown) => v, down: 'x' }, null]) {
      expect(() => createStorage({ schemaVersion: 2, migrations: { 2: bad as unknown as Migration } })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
  });
});
