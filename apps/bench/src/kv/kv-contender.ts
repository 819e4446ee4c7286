import type { Entry } from '../data.js';

/**
 * One key-value store under test, opened empty. Every method is what an app would write with that
 * library to do the job; where a library has no API for it the method is missing and the figure
 * is shown as "—" (e.g. localforage has no batch write).
 */
export interface KvStore {
  /** Each write as its own call, all started at once: `Promise.all(entries.map(set))`. */
  naiveSet(entries: readonly Entry[]): Promise<unknown>;
  /** The library's batch write. */
  setMany?(entries: readonly Entry[]): Promise<unknown>;
  /** The library's batch read, values aligned with `keys`. */
  getMany?(keys: readonly string[]): Promise<unknown[]>;
  get(key: string): Promise<unknown>;
  /** Every key with its value. */
  scan(): Promise<[string, unknown][]>;
  /** Every key (no values), in the library's order. */
  keys(): Promise<string[]>;
  /** What a page does on start-up to list keys: a new instance (connection), every key, closed. */
  coldKeys?(): Promise<string[]>;
  /**
   * What an app does at start-up: a new connection (a new instance of the library), every value
   * read into memory, the connection closed. With `verify` it resolves to how many values were
   * loaded; without, it may skip counting where that costs work (the timed calls).
   */
  coldLoad?(verify?: boolean): Promise<number>;
  /** Closes the store and deletes its data. */
  close(): Promise<void>;
}

/** A named way of storing key-value pairs. */
export interface KvContender {
  name: string;
  /** A Stowage contender (compared with the best peer). */
  ours?: boolean;
  /** Name of its cold-start case, where that is a different API (e.g. Stowage's mini `ready()`). @default name */
  coldLoadName?: string;
  /** Opens an empty store in the database `name` (deleting leftovers of an earlier run). */
  open(name: string): Promise<KvStore>;
}
