// Bundles a benchmark entry of this folder with scripts/bundle-entry.mjs (Vite, packages from src/),
// so Node and Chromium run byte-for-byte the same code without a dev server.
import { fileURLToPath } from 'node:url';
import { bundleEntry } from '../../../scripts/bundle-entry.mjs';

/** @param {string} entry path relative to this folder @returns {Promise<string>} the bundle's code */
export function bundle(entry) {
  return bundleEntry(fileURLToPath(new URL(entry, import.meta.url)));
}
