import { describe, expect, it } from 'vitest';
import { selected } from '../filter.js';
import type { BenchCase, BenchGroup } from '../types.js';

const bench = (name: string): BenchCase => ({ name, setup: () => ({ timed: {} }) });
const cases = ['Stowage createMiniStorage().ready()', 'raw IndexedDB (one transaction)', 'Dexie (new instance) toArray()', 'localforage'].map(bench);
const group: BenchGroup = { id: 'hydration-50k', title: 'hydration', metrics: [], cases };
const names = (filter: string | undefined): string[] => cases.filter((c) => selected(filter, group, c)).map((c) => c.name);

describe('bench filter', () => {
  it('selects every case without a filter or with the group id alone', () => {
    expect(names(undefined)).toHaveLength(4);
    expect(names('hydration')).toHaveLength(4);
    expect(selected('kv-20k', group)).toBe(false);
  });

  it('selects cases by a case-insensitive substring of their name', () => {
    expect(names('hydration-50k/dexie')).toEqual(['Dexie (new instance) toArray()']);
    expect(names('kv-20k/dexie')).toEqual([]);
  });

  it('selects several cases separated by |, ignoring empty alternatives', () => {
    expect(names('hydration-50k/stowage|DEXIE')).toEqual(['Stowage createMiniStorage().ready()', 'Dexie (new instance) toArray()']);
    expect(names('hydration-50k/raw||')).toEqual(['raw IndexedDB (one transaction)']);
    expect(names('hydration-50k/|')).toHaveLength(4);
  });

  it('selects what any of several comma-separated filters selects', () => {
    expect(names('hydration-50k/dexie,hydration-50k/raw')).toEqual(['raw IndexedDB (one transaction)', 'Dexie (new instance) toArray()']);
    expect(names('kv-20k,hydration-50k/localforage')).toEqual(['localforage']);
    expect(selected('kv-20k,hydration', group)).toBe(true);
    expect(selected('kv-20k,lru', group)).toBe(false);
    expect(names('hydration-50k/dexie,')).toEqual(['Dexie (new instance) toArray()']);
  });
});
