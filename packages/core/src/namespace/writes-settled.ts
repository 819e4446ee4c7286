import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';

/**
 * Resolves once every write submitted to `storage` so far has settled (committed or failed),
 * without reading anything. For what must outlast those writes: a sync engine closing keeps its
 * commit hook until then, so a write the app made before `close()` still gets its outbox entry.
 */
export function writesSettled(storage: Storage): Promise<void> {
  return contextOf(storage).idle().then(() => undefined, () => undefined);
}
