// Type tests: a typed storage (createStorage<Schema>()) goes, without a cast, wherever the packages
// take a Storage, and the wrappers that return one keep its schema. Checked by the typecheck of
// `npm test`; nothing here runs (see packages/core/src/__tests__/typed-storage.test-d.ts).
import { describe, expectTypeOf, test } from 'vitest';
import {
  addCommitHook, applyRecords, cleanExpired, createAnalytics, createCacheManager, createMiniStorage, createOfflineQueue,
  createStorage, createSync, exportCsv, exportData, getRecord, importData, inspect, instrument, listBackups, memoryRemote, migrate, reencode,
  restoreBackup, rotateKey, storageConfig, storageInfo, withMemoryCache,
} from '../index.js';
import type { AesGcmCodec, MemoryCachedStorage, Storage } from '../index.js';

interface User {
  name: string;
}
interface App {
  user: User;
  count: number;
}

const app = createStorage<App>();
declare const codec: AesGcmCodec;

describe('a typed storage where a Storage is taken', () => {
  test('core’s whole-namespace functions', () => {
    void storageInfo(app);
    void inspect(app);
    void cleanExpired(app);
    void exportData(app);
    void exportCsv(app);
    void importData(app, {});
    void listBackups(app);
    void restoreBackup(app, 'id');
    void migrate(app);
    void reencode(app);
    void getRecord(app, 'user');
    void applyRecords(app, []);
    void addCommitHook(app, { ops: () => [] });
    void storageConfig(app);
  });

  test('the other packages', () => {
    void createMiniStorage({ storage: app });
    void createSync({ storage: app, remote: memoryRemote() });
    void createOfflineQueue({ storage: app, remote: memoryRemote() });
    void createCacheManager({ storage: app });
    void createAnalytics({ storage: app }).attachStorage(app);
    void rotateKey({ storage: app, codec, next: { passphrase: 'p' } });
  });
});

describe('wrappers keep the schema', () => {
  test('withMemoryCache', () => {
    const cached = withMemoryCache(app);
    expectTypeOf(cached).toEqualTypeOf<MemoryCachedStorage<App>>();
    expectTypeOf(cached.get('user')).resolves.toEqualTypeOf<User | undefined>();
    // @ts-expect-error the schema says number
    void cached.set('count', 'one');
    expectTypeOf(withMemoryCache(createStorage())).toEqualTypeOf<MemoryCachedStorage>();
    expectTypeOf<ReturnType<typeof withMemoryCache>>().toEqualTypeOf<MemoryCachedStorage>();
  });

  test('instrument', () => {
    const measured = instrument(app, createAnalytics());
    expectTypeOf(measured).toEqualTypeOf<Storage<App>>();
    expectTypeOf(measured.get('count')).resolves.toEqualTypeOf<number | undefined>();
    // @ts-expect-error a key outside the schema
    void measured.get('nope');
    expectTypeOf(instrument(createStorage(), createAnalytics())).toEqualTypeOf<Storage>();
    expectTypeOf<ReturnType<typeof instrument>>().toEqualTypeOf<Storage>();
  });
});
