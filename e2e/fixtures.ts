import { test as base, expect } from '@playwright/test';

/** Firebase project and collections the demo syncs to (see apps/demo/src/demo-config.ts). */
export const PROJECT = 'demo-stowage';
export const KV_PARENT = 'users/demo';
export const KV_COLLECTION = 'kv';
export const STATS_COLLECTION = 'stats';

/** Key id named in the header of an AES-GCM ciphertext (format byte, id length, id). */
export function keyIdOf(data: Uint8Array | readonly number[]): string {
  return Buffer.from(data.slice(2, 2 + (data[1] as number))).toString('utf8');
}

/** A synced key as the emulator holds it. */
export interface RemoteKey {
  key: string;
  value: unknown;
  deleted: boolean;
  /** Present when the value is ciphertext. */
  encrypted: boolean;
  /** Of ciphertext: the key id its AES-GCM header names (format byte, id length, id). */
  keyId?: string;
}

interface FirestoreValue {
  stringValue?: string;
  booleanValue?: boolean;
  integerValue?: string;
  doubleValue?: number;
  bytesValue?: string;
}

/** The emulator started by playwright.config.ts, over its HTTP API (e2e talks to servers over HTTP only). */
export class Emulator {
  readonly url = process.env.E2E_EMULATOR_URL ?? 'http://127.0.0.1:8181';

  async #call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    const text = await res.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  /** Deletes every document and clears faults and counters. */
  async reset(): Promise<void> {
    await this.#call('DELETE', `/emulator/v1/projects/${PROJECT}/databases/(default)/documents`);
    await this.#call('DELETE', '/emulator/faults');
    await this.#call('DELETE', '/emulator/stats');
  }

  /** Documents of `parent/collection` as `{ id → fields }`, read with a REST runQuery. */
  async collection(collection: string, parent = KV_PARENT): Promise<Map<string, Record<string, FirestoreValue>>> {
    const rows = (await this.#call('POST', `/v1/projects/${PROJECT}/databases/(default)/documents/${parent}:runQuery`, {
      structuredQuery: { from: [{ collectionId: collection }] },
    })) as { document?: { name: string; fields: Record<string, FirestoreValue> } }[];
    const out = new Map<string, Record<string, FirestoreValue>>();
    for (const r of rows) if (r.document) out.set(r.document.name.split('/').pop() as string, r.document.fields);
    return out;
  }

  /** The synced keys (tombstones included), by key. */
  async keys(): Promise<Map<string, RemoteKey>> {
    const out = new Map<string, RemoteKey>();
    for (const fields of (await this.collection(KV_COLLECTION)).values()) {
      const key = fields.key?.stringValue ?? '';
      const json = fields.json?.stringValue;
      const data = fields.data?.bytesValue === undefined ? undefined : Buffer.from(fields.data.bytesValue, 'base64');
      out.set(key, {
        key,
        value: json === undefined ? undefined : (JSON.parse(json) as unknown),
        deleted: fields.deleted?.booleanValue ?? false,
        encrypted: data !== undefined,
        ...(data ? { keyId: keyIdOf(data) } : {}),
      });
    }
    return out;
  }

  /** A numeric field of a stats document (the visit counter the offline queue increments). */
  async counter(doc: string, field: string): Promise<number | undefined> {
    const f = (await this.collection(STATS_COLLECTION)).get(doc)?.[field];
    return f === undefined ? undefined : Number(f.integerValue ?? f.doubleValue);
  }

  /** Sets faults (`POST /emulator/faults`, see the emulator's README). */
  async faults(config: Record<string, unknown>): Promise<void> {
    await this.#call('POST', '/emulator/faults', config);
  }

  async clearFaults(): Promise<void> {
    await this.#call('DELETE', '/emulator/faults');
  }

  /** Requests held by a `hang` fault right now. */
  async hungRequests(): Promise<number> {
    const snap = (await this.#call('GET', '/emulator/faults')) as { hungRequests?: number };
    return snap.hungRequests ?? 0;
  }

  /** Request counters (`GET /emulator/stats`). */
  async stats(): Promise<{ total: number; byRpc: Record<string, number> }> {
    return (await this.#call('GET', '/emulator/stats')) as { total: number; byRpc: Record<string, number> };
  }
}

/**
 * `test` with an `emulator` fixture that is reset before every test (auto), so each spec starts
 * with an empty cloud, like it starts with an empty browser profile.
 */
export const test = base.extend<{ emulator: Emulator }>({
  emulator: [
    // Playwright reads a fixture's dependencies from the destructuring pattern: none here.
    async ({}, use) => {
      const emulator = new Emulator();
      await emulator.reset();
      await use(emulator);
    },
    { auto: true },
  ],
});

export { expect };
