/** One pending fill of the memory tier; `valid` turns false when its key changes meanwhile. */
export interface FillTicket {
  readonly key: string;
  valid: boolean;
}

/**
 * Stops a slow read from putting a stale value into memory. A read that misses memory takes a
 * ticket, reads the slower tier, and fills memory only if no write, delete, clear or cross-tab
 * change touched that key in between — the classic cache-aside race (read old, write new,
 * cache old) closed without locks.
 */
export class FillGuard {
  readonly #open = new Map<string, Set<FillTicket>>();

  begin(key: string): FillTicket {
    const ticket: FillTicket = { key, valid: true };
    const set = this.#open.get(key);
    if (set) set.add(ticket);
    else this.#open.set(key, new Set([ticket]));
    return ticket;
  }

  /** Closes the ticket; whether the fill may go ahead. */
  end(ticket: FillTicket): boolean {
    const set = this.#open.get(ticket.key);
    if (set?.delete(ticket) && set.size === 0) this.#open.delete(ticket.key);
    return ticket.valid;
  }

  invalidate(key: string): void {
    const set = this.#open.get(key);
    if (!set) return;
    for (const t of set) t.valid = false;
    this.#open.delete(key);
  }

  invalidateAll(): void {
    for (const set of this.#open.values()) for (const t of set) t.valid = false;
    this.#open.clear();
  }
}
