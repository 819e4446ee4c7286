// Migrations of @stowage/core over the real IndexedDB of Chromium: the history, the backup and the
// schema version live in the same database as the records, so a reload (a new storage on the same
// database) sees them, and a downgrade leaves records the older app reads back as it wrote them.
import { describe, expect, it } from 'vitest';
import { createStorage, listBackups, migrate, migrationHistory, restoreBackup } from '@stowage/core';
import type { Migration } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';

const dbName = `migrations-idb-${Date.now()}`;
const open = () => indexedDbDriver({ dbName });
const v2: Record<number, Migration> = {
  2: {
    up: (v) => { const [first, last] = (v as { name: string }).name.split(' '); return { first, last }; },
    down: (v) => ({ name: `${(v as { first: string }).first} ${(v as { last: string }).last}` }),
  },
};

describe('migrations over IndexedDB (Chromium)', () => {
  it('upgrades, reloads, downgrades and reads back; the history and the backup survive each reload', async () => {
    const first = createStorage({ driver: open(), broadcast: false });
    await first.setMany({ ada: { name: 'Ada Lovelace' }, alan: { name: 'Alan Turing' } });
    await first.close();

    const upgraded = createStorage({ driver: open(), broadcast: false, schemaVersion: 2, migrations: v2 });
    expect(await upgraded.get('ada')).toEqual({ first: 'Ada', last: 'Lovelace' }); // lazily, with the upgrade event
    expect(await migrate(upgraded)).toBe(1); // 'ada' was written back by the read: only 'alan' is left
    await upgraded.close();

    const reloaded = createStorage({ driver: open(), broadcast: false, schemaVersion: 2, migrations: v2 });
    const runs = await migrationHistory(reloaded);
    expect(runs.map((r) => [r.trigger, r.from, r.to, r.records, r.status])).toEqual([['open', 1, 2, 2, 'done'], ['migrate', 1, 2, 1, 'done']]);
    expect((await listBackups(reloaded)).map((b) => [b.id, b.count])).toEqual([[runs[0]!.backupId, 2]]);
    expect(await migrate(reloaded, { to: 1 })).toBe(2);
    await reloaded.close();

    const back = createStorage({ driver: open(), broadcast: false });
    expect(await back.getMany(['ada', 'alan'])).toEqual([{ name: 'Ada Lovelace' }, { name: 'Alan Turing' }]);
    expect((await migrationHistory(back)).at(-1)).toMatchObject({ trigger: 'migrate', from: 2, to: 1, records: 2, status: 'done' });
    // The backup taken before the upgrade is the namespace as v1 wrote it.
    await back.set('ada', 'overwritten');
    expect(await restoreBackup(back, runs[0]!.backupId!)).toBe(2);
    expect(await back.get('ada')).toEqual({ name: 'Ada Lovelace' });
    await back.close();
  });
});
