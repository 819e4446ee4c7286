// Issue 25 item 4: the non-colliding names and the deprecated ones they replace are one and the
// same value or type — an app can move to the new names one file at a time, and nothing it stored
// or typed changes. (That no exported name collides is scripts/check-export-names.mjs.)
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as core from '@stowage/core';
import type * as mini from '@stowage/mini';
import * as stowage from '../index.js';

describe('renamed exports (issue 25 item 4)', () => {
  it('createStowageStorage and reportBackgroundError are the very functions of the deprecated names, in core and in stowage', () => {
    expect(core.createStowageStorage).toBe(core.createStorage);
    expect(core.reportBackgroundError).toBe(core.reportError);
    expect(stowage.createStowageStorage).toBe(core.createStowageStorage);
    expect(stowage.createStorage).toBe(core.createStowageStorage);
    expectTypeOf(core.createStowageStorage).toEqualTypeOf(core.createStorage);
    expectTypeOf(core.reportBackgroundError).toEqualTypeOf(core.reportError);
  });

  it('the new type names are the old types', () => {
    expectTypeOf<core.StowageStorage>().toEqualTypeOf<core.Storage>();
    expectTypeOf<core.StowageStorageEvent>().toEqualTypeOf<core.StorageEvent>();
    expectTypeOf<core.StowageEventSource>().toEqualTypeOf<core.EventSource>();
    expectTypeOf<core.StowageDriver>().toEqualTypeOf<core.Driver>();
    expectTypeOf<mini.MiniStorageManager>().toEqualTypeOf<mini.StorageManager>();
    expectTypeOf<stowage.StowageStorage>().toEqualTypeOf<core.Storage>();
    // What createStowageStorage returns is what a StowageStorage annotation accepts, both ways.
    expectTypeOf(core.createStowageStorage({ driver: core.memoryDriver() })).toEqualTypeOf<core.StowageStorage>();
  });
});
