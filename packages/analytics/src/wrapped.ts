import type { Storage } from '@stowage/core';

/** Instrumented storage → the storage it wraps, so attaching either subscribes to the same events once. */
const inner = new WeakMap<Storage, Storage>();

export function registerWrapper(wrapper: Storage, wrapped: Storage): void {
  inner.set(wrapper, wrapped);
}

/** The storage underneath any number of `instrument()` layers. */
export function unwrap(storage: Storage): Storage {
  let s = storage;
  for (let next = inner.get(s); next !== undefined; next = inner.get(s)) s = next;
  return s;
}
