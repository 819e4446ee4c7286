import { contextOf } from '@stowage/core';

/**
 * What identifies a storage for attaching: its kernel context, shared by every wrapper of it
 * (`withMemoryCache`, …), so attaching the storage and a wrapper of it subscribes once. A storage
 * that is no kernel's (a hand-written `Storage`) is itself.
 */
export function sameStorage(storage: object): object {
  try {
    return contextOf(storage);
  } catch {
    return storage;
  }
}
