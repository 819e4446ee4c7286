/**
 * Key → slot index of the LRU cache, split by key type.
 *
 * String keys (the common case, and all the memory tier uses) live in a null-prototype object, which
 * V8 keeps as a hash table in dictionary mode: its keyed lookup of a string reads the hash the string
 * caches and probes inline, where `Map.get` goes through a builtin call. On the LRU benchmark that
 * lookup is most of an operation (mnemonist's `LRUMap`, the same algorithm over a `Map`, runs 1.5×
 * slower than its object-keyed `LRUCache`). Every other key (numbers included, so `1` and `'1'` stay
 * distinct) lives in a `Map`, which keys by identity.
 */
export class SlotIndex<K> {
  /** String key → slot. No prototype, so `'toString'` or `'__proto__'` is an ordinary own key. */
  readonly #strs = Object.create(null) as Record<string, number>;
  /** Any other key → slot. */
  readonly #others = new Map<K, number>();
  /** How many keys are indexed. */
  size = 0;

  /** The slot of `key`, or `undefined` when it is not indexed. */
  get(key: K): number | undefined {
    return typeof key === 'string' ? this.#strs[key] : this.#others.get(key);
  }

  /** Indexes a key that is not indexed yet (the caller checked with {@link get}). */
  add(key: K, slot: number): void {
    if (typeof key === 'string') this.#strs[key] = slot;
    else this.#others.set(key, slot);
    this.size++;
  }

  /** Drops an indexed key. */
  remove(key: K): void {
    if (typeof key === 'string') delete this.#strs[key];
    else this.#others.delete(key);
    this.size--;
  }
}
