/**
 * `@stowage/drivers`: the IndexedDB and Web Storage drivers. The localforage driver is a subpath
 * import only (`@stowage/drivers/localforage`): localforage alone outweighs the rest of Stowage's
 * core, so it is bundled only by apps that ask for it. Prefer the subpath imports
 * (`@stowage/drivers/indexeddb`, `/web-storage`) in apps as well.
 */
export * from './indexeddb-driver.js';
export * from './web-storage-driver.js';
