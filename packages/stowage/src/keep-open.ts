import type { Driver } from '@stowage/core';

/**
 * A view of `driver` whose `close()` does nothing. The extra namespaces of a stowage (analytics,
 * a separate mini namespace) share the app's driver — one IndexedDB connection — and closing one of
 * their storages must not close it under the others; the app's own storage closes it last.
 */
export function keepOpen(driver: Driver): Driver {
  return {
    get name() {
      return driver.name;
    },
    get scope() {
      return driver.scope;
    },
    get capabilities() {
      return driver.capabilities;
    },
    open: () => driver.open(),
    get: (key) => driver.get(key),
    getMany: (keys) => driver.getMany(keys),
    batch: (ops) => driver.batch(ops),
    entries: (prefix, options) => driver.entries(prefix, options),
    keys: (prefix) => driver.keys(prefix),
    clear: (prefix) => driver.clear(prefix),
    close: () => Promise.resolve(),
  };
}
