import { syncPrefix } from '@stowage/core';
import type { Driver, DriverOp } from '@stowage/core';
import { applyStatusChange, parseStatus, type StatusChange, type StoredStatus } from './persisted-status.js';
import type { Checkpoint, Hlc } from './remote-store.js';

/**
 * What a sync remembers per namespace, in its reserved key space of the storage (a `reservedStore`): the
 * remote revision each key's local state derives from (the compare-and-set base of its next push),
 * the revision of each key's last local edit, the pull checkpoint, and the status a reload shows
 * (last sync, last error, counts). Both per-key records are written in the same transaction as the
 * data they describe; the status in the same transaction as the checkpoint or revisions it follows.
 */
export class SyncState {
  readonly #driver: Driver;
  readonly #base: string;
  readonly #revs = new Map<string, Hlc>();
  readonly #edits = new Map<string, Hlc>();

  /** `driver`: the storage's `reservedStore` for {@link syncPrefix}`(prefix)`. */
  constructor(driver: Driver, prefix: string) {
    this.#driver = driver;
    this.#base = syncPrefix(prefix);
  }

  async load(): Promise<void> {
    this.#revs.clear();
    const revPrefix = `${this.#base}rev/`;
    for (const [k, v] of await this.#driver.entries(revPrefix)) if (typeof v === 'string') this.#revs.set(k.slice(revPrefix.length), v);
  }

  /**
   * Re-reads the revisions of `keys`. Other contexts of this device (tabs, the service worker)
   * push and pull through the same store, so the one kept here may be behind theirs; an engine
   * refreshes the keys it is about to push or to weigh pulled documents against.
   */
  async refresh(keys: readonly string[]): Promise<void> {
    const values = await this.#driver.getMany([...keys.map((k) => `${this.#base}rev/${k}`), ...keys.map((k) => this.#editKey(k))]);
    keys.forEach((k, i) => {
      for (const [map, v] of [[this.#revs, values[i]], [this.#edits, values[keys.length + i]]] as const) {
        if (typeof v === 'string') map.set(k, v);
        else map.delete(k);
      }
    });
  }

  #editKey(key: string): string {
    return `${this.#base}edit/${key}`;
  }

  /** The op recording a local edit of `key` (in the edit's own transaction). */
  editOp(key: string, hlc: Hlc): DriverOp {
    return { type: 'put', key: this.#editKey(key), value: hlc };
  }

  /** The key whose {@link unchangedOp} failed the commit that rejected with `error` (a local edit came in between), if that is what it is. */
  editedKey(error: unknown): string | undefined {
    const key = (error as { details?: { reason?: unknown; key?: unknown } } | null)?.details?.key;
    const prefix = this.#editKey('');
    return typeof key === 'string' && key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
  }

  /**
   * The op that fails the transaction it is in unless `key`'s last local edit is still `seen`
   * (what {@link edit} said when the decision was made): remote state decided against what was
   * there then is never applied over an edit made since, in this context or another.
   */
  unchangedOp(key: string, seen: Hlc | undefined): DriverOp {
    return { type: 'check', key: this.#editKey(key), test: (v) => v === seen };
  }

  /** The revision of `key`'s last local edit as the last {@link refresh} saw it. */
  edit(key: string): Hlc | undefined {
    return this.#edits.get(key);
  }

  /** The remote revision `key` derives from, `null` when never synced. */
  rev(key: string): Hlc | null {
    return this.#revs.get(key) ?? null;
  }

  /** The driver op persisting a revision (to put in the same batch as the data). */
  revOp(key: string, rev: Hlc): DriverOp {
    return { type: 'put', key: `${this.#base}rev/${key}`, value: rev };
  }

  /** Records revisions whose ops have committed. */
  remember(revs: Iterable<readonly [string, Hlc]>): void {
    for (const [k, v] of revs) this.#revs.set(k, v);
  }

  /** Persists revisions in their own batch (after a push was acknowledged), with `extra` ops (the status). */
  async save(revs: readonly (readonly [string, Hlc])[], extra: readonly DriverOp[] = []): Promise<void> {
    if (revs.length === 0 && extra.length === 0) return;
    await this.#driver.batch([...revs.map(([k, v]) => this.revOp(k, v)), ...extra]);
    this.remember(revs);
  }

  /** Forgets a key's revision (its next push expects the key to be absent remotely). */
  async forget(key: string): Promise<void> {
    await this.#driver.batch([{ type: 'delete', key: `${this.#base}rev/${key}` }]);
    this.#revs.delete(key);
  }

  async checkpoint(): Promise<Checkpoint | undefined> {
    const v = await this.#driver.get(`${this.#base}checkpoint`);
    return typeof v === 'string' ? v : undefined;
  }

  /** The ops storing the pull checkpoint (none for `undefined`), to commit with the data it covers. */
  checkpointOps(cp: Checkpoint | undefined): DriverOp[] {
    return cp === undefined ? [] : [{ type: 'put', key: `${this.#base}checkpoint`, value: cp }];
  }

  /** The status as stored (every context of the device writes it). */
  async status(): Promise<StoredStatus> {
    return parseStatus(await this.#driver.get(`${this.#base}status`));
  }

  /**
   * The op storing the status with `change` applied to what is stored now, and that result. Pushes
   * and pulls hold the outbox's flush lock, so no other context writes the status between the read
   * and the batch the op goes in; an error written outside it is last-writer-wins.
   */
  async statusOp(change: StatusChange): Promise<{ op: DriverOp; status: StoredStatus }> {
    const status = applyStatusChange(await this.status(), change);
    return { op: { type: 'put', key: `${this.#base}status`, value: status }, status };
  }

  /** A node id for this device, created once and kept (letters and digits). */
  async node(make: () => string): Promise<string> {
    const key = `${this.#base}node`;
    const v = await this.#driver.get(key);
    if (typeof v === 'string') return v;
    const id = make();
    await this.#driver.batch([{ type: 'put', key, value: id }]);
    return id;
  }
}
