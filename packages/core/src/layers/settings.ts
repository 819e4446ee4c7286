import type { Layer } from '../kernel/layer.js';
import type { EstimateFn } from '../ports.js';

/** Settings of the whole-namespace functions, carried by a storage as a layer without stages. */
export interface NamespaceSettings extends Layer {
  /** How `storageInfo()` estimates the origin's quota. @default browserEstimate */
  readonly estimate?: EstimateFn;
  /** How many automatic pre-import backups `importData()` keeps. @default 3 */
  readonly backupsToKeep?: number;
}

/** Carries the settings of `storageInfo()` and `importData()` for a storage. */
export function namespaceSettings(o: { estimate?: EstimateFn; backupsToKeep?: number }): NamespaceSettings {
  return { name: 'namespace', ...o };
}
