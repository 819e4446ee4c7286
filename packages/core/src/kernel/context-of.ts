import { StowageError } from '../errors.js';
import type { KernelContext } from './layer.js';

const contexts = new WeakMap<object, KernelContext>();

/** Remembers the context of a kernel-built storage (called by the kernel only). */
export function register(storage: object, ctx: KernelContext): void {
  contexts.set(storage, ctx);
}

/**
 * The layer context of a storage made by `createKernel` or `createStorage`: how the
 * whole-namespace functions (backup, migrations, info) and late layers reach the kernel without
 * any of it being a public method.
 */
export function contextOf(storage: object): KernelContext {
  const ctx = contexts.get(storage);
  if (!ctx) throw new StowageError('invalid-argument', 'expected a storage made by createStorage or createKernel');
  return ctx;
}
