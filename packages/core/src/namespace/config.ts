import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';
import type { KernelContext } from '../kernel/layer.js';
import type { CodecsLayer } from '../layers/codecs.js';
import type { ExpiryLayer } from '../layers/expiry.js';
import type { LimitsLayer } from '../layers/limits.js';
import type { MigrationsLayer } from '../layers/migrations.js';
import type { StorageConfig } from '../storage-types.js';

/** What a storage was configured with, read from its layers (a layer it lacks reads as off). */
export function storageConfig(storage: Storage): StorageConfig {
  const ctx = contextOf(storage);
  let config = configs.get(ctx);
  if (!config) configs.set(ctx, (config = configOf(ctx)));
  return config;
}

const configs = new WeakMap<KernelContext, StorageConfig>();

function configOf(ctx: KernelContext): StorageConfig {
  const codecs = ctx.layer<CodecsLayer>('codecs');
  const limits = ctx.layer<LimitsLayer>('limits');
  return Object.freeze({
    prefix: ctx.prefix,
    encryption: codecs?.encryption ?? false,
    compression: codecs?.compression ?? false,
    encryptAll: codecs?.encryptAll ?? false,
    defaultTtl: ctx.layer<ExpiryLayer>('expiry')?.defaultTtl,
    schemaVersion: ctx.layer<MigrationsLayer>('migrations')?.schemaVersion ?? 1,
    limits: Object.freeze({ maxValueBytes: limits?.maxValueBytes ?? Infinity, maxTotalBytes: limits?.maxTotalBytes ?? Infinity, maxKeyLength: ctx.maxKeyLength }),
  });
}
