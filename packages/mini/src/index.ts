/**
 * `@stowage/mini`: the WeChat mini-program storage API (async with callbacks + promises, and Sync
 * over an in-memory mirror) and the seed's `StorageManager`, both over a Stowage Storage.
 */
export { createMiniStorage } from './mini-storage.js';
export { createStorageManager } from './storage-manager.js';
export type { ManagerOp, ManagerSetOptions, StorageManager, StorageManagerOptions } from './storage-manager.js';
export { errMsgOf } from './err-msg.js';
export type { MiniSyncError } from './err-msg.js';
export type * from './mini-types.js';
