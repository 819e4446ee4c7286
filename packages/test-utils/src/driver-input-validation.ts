import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Driver, DriverOp } from '@stowage/core';
import { expectStowageError, type DriverFactory } from './driver-test-helpers.js';

/**
 * Registers tests proving a driver answers malformed arguments (as plain JavaScript callers can
 * pass them) with `invalid-argument`, never a crash, a coerced key, or lost data.
 *
 * @example
 * ```ts
 * describeDriverInputValidation('webStorageDriver', () => webStorageDriver({ storage }));
 * ```
 */
export function describeDriverInputValidation(name: string, makeDriver: DriverFactory): void {
  describe(`Driver input validation: ${name}`, () => {
    let driver: Driver;
    // Untyped handle: these tests deliberately break the TypeScript signatures.
    let loose: Record<string, (...args: unknown[]) => Promise<unknown>>;
    beforeEach(async () => {
      driver = await makeDriver();
      await driver.open();
      await driver.batch([
        { type: 'put', key: '1', value: 'one' },
        { type: 'put', key: 'a:1', value: 'a1' },
      ]);
      loose = driver as unknown as typeof loose;
    });
    afterEach(async () => {
      await driver.close();
    });

    const intact = async () => expect(await driver.entries('')).toEqual([['1', 'one'], ['a:1', 'a1']]);

    it('non-string keys are refused, not coerced', async () => {
      await expectStowageError(loose.get!.call(driver, 1), 'invalid-argument');
      await expectStowageError(loose.get!.call(driver, undefined), 'invalid-argument');
      await expectStowageError(loose.getMany!.call(driver, '1'), 'invalid-argument');
      await expectStowageError(loose.getMany!.call(driver, ['1', 1]), 'invalid-argument');
    });

    it('malformed batches are refused and write nothing', async () => {
      const bad: unknown[] = [
        null,
        'ops',
        [null],
        [{ type: 'upsert', key: 'x', value: 1 }],
        [{ type: 'put', key: 1, value: 1 }],
        [{ type: 'delete' }],
        [{ type: 'put', key: 'x', value: 1 }, { type: 'put', key: 'y' }],
        [{ type: 'put', key: 'x', value: 1 }, { type: 'check', key: 'x' }],
        [{ type: 'check', key: 'x', test: true }],
      ];
      for (const ops of bad) {
        await expectStowageError(driver.batch(ops as DriverOp[]), 'invalid-argument');
      }
      await intact();
    });

    it('a missing or non-string prefix never widens into "everything"', async () => {
      await expectStowageError(loose.clear!.call(driver, undefined), 'invalid-argument');
      await expectStowageError(loose.clear!.call(driver, 1), 'invalid-argument');
      await expectStowageError(loose.keys!.call(driver, null), 'invalid-argument');
      await expectStowageError(loose.entries!.call(driver, undefined), 'invalid-argument');
      await intact();
    });

    it('bad entries options are refused', async () => {
      for (const options of [{ limit: -1 }, { limit: 1.5 }, { limit: '2' }, { limit: Number.NaN }, { after: 3 }, 'x']) {
        await expectStowageError(loose.entries!.call(driver, '', options), 'invalid-argument');
      }
    });
  });
}
