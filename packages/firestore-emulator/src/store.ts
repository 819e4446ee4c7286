import { type Fields } from './values.js';
import { parseFields } from './values.js';

/** One stored document: fields plus create/update times in microseconds since the epoch. */
export interface StoredDocument {
  readonly fields: Fields;
  readonly createTime: number;
  readonly updateTime: number;
}

/** The on-disk form of the whole store (see `persistence.ts`). */
export interface StoreSnapshot {
  format: 'stowage-firestore-emulator';
  version: 1;
  /** Last commit time handed out, so commit times stay monotonic across restarts. */
  lastTime: number;
  /** `projects/P/databases/D` → relative document path → document. */
  databases: Record<string, Record<string, StoredDocument>>;
}

/** Wall clock in microseconds. */
function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * In-memory documents of every project/database, plus the commit clock. Mutated only through
 * {@link DocumentStore.apply}, which the commit path calls once per fully validated commit — that is
 * what makes commits atomic. Internal.
 */
export class DocumentStore {
  #databases = new Map<string, Map<string, StoredDocument>>();
  #lastTime = 0;
  #listeners = new Set<() => void>();

  /** The document at `path` in database `dbKey`, if any. */
  get(dbKey: string, path: string): StoredDocument | undefined {
    return this.#databases.get(dbKey)?.get(path);
  }

  /** Every document of one database (live view; do not mutate). */
  documents(dbKey: string): ReadonlyMap<string, StoredDocument> {
    return this.#databases.get(dbKey) ?? new Map();
  }

  /** A commit time strictly greater than every time handed out before. */
  nextCommitTime(): number {
    this.#lastTime = Math.max(this.#lastTime + 1, nowMicros());
    return this.#lastTime;
  }

  /** A read time: now, but never before the last commit (so reads see every committed write). */
  readTime(): number {
    return Math.max(this.#lastTime, nowMicros());
  }

  /** Applies a validated set of changes (`null` = delete) in one step, then notifies listeners. */
  apply(dbKey: string, changes: ReadonlyMap<string, StoredDocument | null>): void {
    let db = this.#databases.get(dbKey);
    if (!db) {
      db = new Map();
      this.#databases.set(dbKey, db);
    }
    for (const [path, doc] of changes) {
      if (doc) db.set(path, doc);
      else db.delete(path);
    }
    this.#notify();
  }

  /** Deletes every document of one database, or of all databases. */
  clear(dbKey?: string): void {
    if (dbKey === undefined) this.#databases.clear();
    else this.#databases.delete(dbKey);
    this.#notify();
  }

  /** Registers a callback run after every change (persistence uses it). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The whole state in its serializable form. */
  snapshot(): StoreSnapshot {
    const databases: StoreSnapshot['databases'] = {};
    for (const [key, docs] of this.#databases) {
      if (docs.size > 0) databases[key] = Object.fromEntries(docs);
    }
    return { format: 'stowage-firestore-emulator', version: 1, lastTime: this.#lastTime, databases };
  }

  /** Replaces the state with a snapshot read from disk (values re-validated on the way in). */
  load(snapshot: StoreSnapshot): void {
    this.#databases.clear();
    this.#lastTime = snapshot.lastTime;
    for (const [key, docs] of Object.entries(snapshot.databases)) {
      const map = new Map<string, StoredDocument>();
      for (const [path, doc] of Object.entries(docs)) {
        map.set(path, { fields: parseFields(doc.fields, path), createTime: doc.createTime, updateTime: doc.updateTime });
      }
      this.#databases.set(key, map);
    }
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
