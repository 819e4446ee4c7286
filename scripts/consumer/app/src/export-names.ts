// Issue 25 item 4 as a user gets the packages (type-checked by the app's strict tsc): the new names
// import beside the DOM's globals without aliasing — `Storage` below is the browser's — and the
// deprecated names the tarballs still export are the very same types.
import { createStowageStorage, type StowageDriver, type StowageStorage, type StowageStorageEvent } from '@stowage/core';
import type * as deprecated from '@stowage/core';
import type { MiniStorageManager, StorageManager } from '@stowage/mini';

/** `true` only when A and B are mutually assignable. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const sameTypes: [
  Same<deprecated.Storage, StowageStorage>,
  Same<deprecated.StorageEvent, StowageStorageEvent>,
  Same<deprecated.Driver, StowageDriver>,
  Same<typeof deprecated.createStorage, typeof createStowageStorage>,
  Same<StorageManager, MiniStorageManager>,
] = [true, true, true, true, true];

/** The DOM's Web Storage, by its own name, in the same file as Stowage's storage. */
export const both = (web: Storage, ours: StowageStorage): [Storage, StowageStorage] => [web, ours];
