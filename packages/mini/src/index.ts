/**
 * `@stowage/mini`: the WeChat mini-program storage API (async with callbacks + promises, and Sync
 * over an in-memory mirror) and the seed's `StorageManager`, both over a Stowage Storage.
 */
export { createMiniStorage } from './mini-storage.js';
export { createStorageManager } from './storage-manager.js';
export type { ManagerOp, ManagerSetOptions, StorageManagerOptions } from './storage-manager.js';
// `StorageManager` is also the DOM's (navigator.storage): the name to import is MiniStorageManager.
import type { StorageManager as MiniStorageManager } from './storage-manager.js';
export type { MiniStorageManager };
/** The former name of {@link MiniStorageManager}, the same type. @deprecated Use MiniStorageManager (`StorageManager` is the DOM's `navigator.storage` type); this alias goes in the next minor release. */
export type StorageManager = MiniStorageManager;
export { errMsgOf } from './err-msg.js';
export { decodeMiniValue, encodeMiniValue } from './mini-values.js';
export type { MiniSyncError } from './err-msg.js';
export type * from './mini-types.js';
