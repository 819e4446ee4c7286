import { StowageError } from '../errors.js';
import type { KernelContext } from './layer.js';

/**
 * Where a storage keeps its layer context: a symbol no other module can name, so the context is
 * as private as a WeakMap entry, yet reachable through a Proxy that forwards what it does not
 * define (as the memory cache does).
 */
const CONTEXT = Symbol('stowage.context');

/** Remembers the context of a kernel-built storage (called by the kernel only). */
export function register(storage: object, ctx: KernelContext): void {
  Object.defineProperty(storage, CONTEXT, { value: ctx });
}

/**
 * The layer context of a storage made by `createKernel` or `createStorage` (or of a wrapper
 * linked to one): how the whole-namespace functions (backup, migrations, info) reach the kernel
 * without any of it being a public method.
 */
export function contextOf(storage: object): KernelContext {
  const ctx = typeof storage === 'object' && storage !== null ? (Reflect.get(storage, CONTEXT) as KernelContext | undefined) : undefined;
  if (!ctx) throw new StowageError('invalid-argument', 'expected a storage made by createStorage or createKernel');
  return ctx;
}

/**
 * Makes `wrapper` (a storage built around `inner`: a memory cache, an instrumented storage) stand
 * for `inner` in the whole-namespace functions: `exportData(wrapper)` exports `inner`. The
 * wrapper learns of what they change through `inner`'s events, like any other subscriber.
 */
export function linkStorage(wrapper: object, inner: object): void {
  const ctx = Reflect.get(inner, CONTEXT) as KernelContext | undefined;
  if (ctx && !Reflect.has(wrapper, CONTEXT)) register(wrapper, ctx); // else `inner` is no kernel storage: neither is the wrapper
}
