// "A tab" for the two-tab increment test: its own JS realm with its own Storage and its own
// IndexedDB connection to the same database, talking to the page only to start and to report.
import { createStorage, increment } from '@stowage/core';
import { indexedDbDriver } from '@stowage/drivers/indexeddb';

export type IncrementCommand = { op: 'open'; dbName: string } | { op: 'go'; key: string; times: number };
export type IncrementReply = { ok: true; values?: number[] } | { ok: false; error: string };

const scope = self as unknown as { onmessage: ((ev: MessageEvent<IncrementCommand>) => void) | null; postMessage(m: IncrementReply): void };
let storage: ReturnType<typeof createStorage> | undefined;

scope.onmessage = async ({ data }) => {
  try {
    if (data.op === 'open') {
      storage = createStorage({ driver: indexedDbDriver({ dbName: data.dbName }), prefix: 'app' });
      await storage.ready();
      scope.postMessage({ ok: true });
      return;
    }
    const s = storage as NonNullable<typeof storage>;
    // One after another, as a page's clicks would: each awaits its answer before the next.
    const values: number[] = [];
    for (let i = 0; i < data.times; i++) values.push(await increment(s, data.key));
    await s.close();
    scope.postMessage({ ok: true, values });
  } catch (e) {
    scope.postMessage({ ok: false, error: String(e) });
  }
};
