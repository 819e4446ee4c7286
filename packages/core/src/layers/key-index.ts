import type { KeyMeta } from '../record.js';

export type { KeyMeta };

/**
 * In-memory directory of a namespace's keys with their sizes and expiry (like a Bitcask keydir):
 * hydrated by one scan on first need, then kept current by this instance's writes and by other
 * tabs' broadcasts. It makes quota checks, `info()` and expiry sweeps O(1)/O(n) in memory instead
 * of reading every value.
 */
export class KeyIndex {
  #map = new Map<string, KeyMeta>();
  #bytes = 0;

  get(key: string): KeyMeta | undefined {
    return this.#map.get(key);
  }

  set(key: string, meta: KeyMeta): void {
    this.#bytes += meta.size - (this.#map.get(key)?.size ?? 0);
    this.#map.set(key, meta);
  }

  delete(key: string): void {
    const old = this.#map.get(key);
    if (!old) return;
    this.#bytes -= old.size;
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }

  /** Bytes of all indexed records, expired ones included (they occupy space until swept). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Live (unexpired) keys and their bytes at `now`. */
  live(now: number): { keys: string[]; bytes: number } {
    const keys: string[] = [];
    let bytes = 0;
    for (const [k, m] of this.#map) {
      if (m.expiresAt !== undefined && m.expiresAt <= now) continue;
      keys.push(k);
      bytes += m.size;
    }
    return { keys, bytes };
  }

  /** Keys expired at `now`, with the `updatedAt` they were indexed at. */
  expired(now: number): [string, number][] {
    const out: [string, number][] = [];
    for (const [k, m] of this.#map) if (m.expiresAt !== undefined && m.expiresAt <= now) out.push([k, m.updatedAt]);
    return out;
  }
}
