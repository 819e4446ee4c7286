/**
 * `@stowage/drivers`: every driver of this package. Prefer the subpath imports
 * (`@stowage/drivers/indexeddb`, `/localforage`, `/web-storage`) so a bundle only pulls in the
 * backend it uses (localforage is the heavy one).
 */
export * from './indexeddb-driver.js';
export * from './localforage-driver.js';
export * from './web-storage-driver.js';
