import { toStowageError } from '../errors.js';
import type { StowageError } from '../errors.js';
import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';
import { browserEstimate } from '../ports.js';
import type { Clock, EstimateFn } from '../ports.js';
import { RESERVED } from '../reserved-keys.js';
import type { NamespaceSettings } from '../layers/settings.js';

/** The outcome of one probe of a health check. */
export interface HealthProbe {
  ok: boolean;
  /** How long the probe took, in ms (on the storage's clock). */
  ms: number;
  /** Why it failed. */
  error?: StowageError;
}

/** What {@link checkHealth} found. */
export interface StorageHealth {
  /** Every probe passed and the store keeps data across reloads. */
  ok: boolean;
  /** Driver in use (after any fallback to memory). */
  driver: string;
  /** The driver opens. */
  open: HealthProbe;
  /** A probe value written, read back equal, and deleted — in the reserved key space, so no app key, event or sync sees it. */
  readWrite: HealthProbe;
  /** Data survives a reload: false after a fallback to memory. */
  persistent: boolean;
  /** Whether the browser granted persistent storage (`navigator.storage.persisted()`), where it says. */
  persisted?: boolean;
  /** The origin's usage and quota in bytes, and their ratio, where the browser says. */
  quota?: { usage: number; quota: number; ratio: number };
}

/** Options of {@link checkHealth}. */
export interface HealthOptions {
  /** @default the storage's `estimate` (browserEstimate) */
  estimate?: EstimateFn;
  /** @default navigator.storage.persisted */
  persisted?: () => Promise<boolean | undefined>;
}

const browserPersisted = async (): Promise<boolean | undefined> => {
  const storage = (globalThis as { navigator?: { storage?: { persisted?: () => Promise<boolean> } } }).navigator?.storage;
  try {
    return storage?.persisted ? await storage.persisted() : undefined;
  } catch {
    return undefined;
  }
};

async function probe(clock: Clock, fn: () => Promise<void>): Promise<HealthProbe> {
  const t0 = clock.now();
  try {
    await fn();
    return { ok: true, ms: clock.now() - t0 };
  } catch (e) {
    return { ok: false, ms: clock.now() - t0, error: toStowageError(e, 'health') };
  }
}

/**
 * Checks that a storage can do its job now (the seed's health check): the driver opens, a probe
 * value round-trips through it, the data persists, and how much of the origin's quota is used.
 * Never rejects for an unhealthy store: each probe says what failed, with a typed error.
 *
 * @example
 * const health = await checkHealth(storage);
 * if (!health.ok) console.warn('storage degraded', health);
 */
export async function checkHealth(storage: Storage, options: HealthOptions = {}): Promise<StorageHealth> {
  const ctx = contextOf(storage);
  let driver = 'unknown';
  let persistent = false;
  const open = await probe(ctx.clock, async () => {
    await storage.ready();
    const d = await ctx.driver();
    driver = d.name;
    persistent = d.capabilities.persistent;
  });
  const key = `${RESERVED}health/${ctx.prefix}/${Math.random().toString(36).slice(2)}`;
  const readWrite = open.ok
    ? await probe(ctx.clock, () => ctx.exclusive('health', async (d) => {
      const value = { at: ctx.clock.now(), bytes: new Uint8Array([1, 2, 3]) };
      await d.batch([{ type: 'put', key, value }]);
      const back = (await d.get(key)) as typeof value | undefined;
      await d.batch([{ type: 'delete', key }]);
      if (back?.at !== value.at || back.bytes?.[2] !== 3) throw new Error('the probe value read back differs from what was written');
    }))
    : { ok: false, ms: 0, ...(open.error ? { error: open.error } : {}) };
  const estimate = options.estimate ?? ctx.layer<NamespaceSettings>('namespace')?.estimate ?? browserEstimate;
  const [e, persisted] = await Promise.all([estimate().catch(() => undefined), (options.persisted ?? browserPersisted)().catch(() => undefined)]);
  const health: StorageHealth = { ok: open.ok && readWrite.ok && persistent, driver, open, readWrite, persistent };
  if (persisted !== undefined) health.persisted = persisted;
  if (e) health.quota = { usage: e.usage, quota: e.quota, ratio: e.quota > 0 ? e.usage / e.quota : 0 };
  return health;
}
