import { compareHlc } from './hlc.js';
import type { ConflictSide, ConflictStrategy } from './sync-types.js';

/** What a resolver decided for one key. */
export type Resolution =
  | { winner: 'local' }
  | { winner: 'remote' }
  | { winner: 'merged'; value: unknown };

/**
 * Decides a conflict. Last-write-wins compares hybrid logical clocks (ties cannot happen: the node id
 * is part of the timestamp). A merge function that throws, or one facing an encrypted side it cannot
 * read, falls back to last-write-wins so that both replicas still converge.
 */
export function resolveConflict(key: string, strategy: ConflictStrategy, local: ConflictSide, remote: ConflictSide, encrypted: boolean): Resolution {
  const lww = (): Resolution => (compareHlc(local.hlc, remote.hlc) > 0 ? { winner: 'local' } : { winner: 'remote' });
  if (strategy === 'remote-wins') return { winner: 'remote' };
  if (strategy === 'local-wins') return { winner: 'local' };
  if (strategy === 'last-write-wins' || encrypted) return lww();
  try {
    return { winner: 'merged', value: strategy(key, local, remote) };
  } catch {
    return lww();
  }
}
