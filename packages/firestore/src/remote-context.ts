import type { Firestore } from 'firebase/firestore/lite';

/** What every operation of a Firestore remote needs. */
export interface RemoteContext {
  readonly db: Firestore;
  /** Collection of the key documents. */
  readonly collectionPath: string;
  /** Collection of the operation markers of `apply`. */
  readonly opsCollection: string;
}

/** Splits `items` into runs of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
