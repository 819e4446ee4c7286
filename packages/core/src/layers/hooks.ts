import { StowageError } from '../errors.js';
import type { KernelContext, Layer } from '../kernel/layer.js';
import type { DriverOp } from '../driver.js';
import type { CommitHook, HookOps, HookOrigin } from '../storage-types.js';
import { contextOf } from '../kernel/context-of.js';
import type { Storage } from '../kernel/kernel-types.js';

/** The commit-hooks layer: what a sync engine joins the storage's transactions with. */
export interface HooksLayer extends Layer {
  /** Adds a hook to every write transaction; returns its removal. */
  add(hook: CommitHook): () => void;
}

/**
 * Lets others write in the same transaction as the data: each hook's `ops` (e.g. a sync outbox's
 * entries, in the reserved key space) go into the driver batch of the changes, so both commit or
 * neither; `committed` runs after. Expiry deletes and schema upgrades are not logical changes:
 * hooks do not see them. A clear is listed key by key while a hook is attached.
 */
export function hooksLayer(): HooksLayer {
  let hooks: CommitHook[] = [];
  let ctx: KernelContext;
  return {
    name: 'hooks',
    setup(c) {
      ctx = c;
    },
    add(hook) {
      if (typeof hook !== 'object' || hook === null || typeof hook.ops !== 'function') {
        throw new StowageError('invalid-argument', 'addCommitHook expects { ops(changes, origin), committed?(changes, origin) }');
      }
      hooks.push(hook);
      return () => {
        hooks = hooks.filter((h) => h !== hook);
      };
    },
    async commit(c, next) {
      const list = hooks;
      if (list.length === 0 || c.origin === 'migrate') return next();
      if (c.clear && c.changes.length === 0) {
        // Hooks (e.g. the sync outbox) need every deleted key, in the same transaction.
        c.changes = (await c.driver.keys(ctx.dp)).map((k) => ({ type: 'delete', key: k.slice(ctx.dp.length), reason: 'removed' }));
      }
      const seen = c.hooked ?? c.changes.filter((x) => x.type === 'put' || x.reason !== 'expired');
      if (seen.length === 0) return next();
      const origin = c.origin as HookOrigin;
      const added = await Promise.all(list.map((h) => h.ops(seen, origin)));
      const then: (() => void)[] = [];
      for (const a of added) {
        if (isOpList(a)) c.after.push(...a);
        else {
          c.after.push(...a.ops);
          if (a.committed) then.push(() => a.committed?.());
        }
      }
      await next();
      for (const f of then) f();
      for (const h of list) h.committed?.(seen, origin);
    },
  };
}

function isOpList(a: HookOps): a is readonly DriverOp[] {
  return Array.isArray(a);
}

/**
 * Adds a hook to every write transaction of a storage with the hooks layer (`createStorage` has
 * it): how a sync engine writes its outbox in the same transaction as the data. Returns its removal.
 */
export function addCommitHook(storage: Storage, hook: CommitHook): () => void {
  const hooks = contextOf(storage).layer<HooksLayer>('hooks');
  if (!hooks) throw new StowageError('invalid-argument', 'addCommitHook() needs a storage with the hooks layer');
  return hooks.add(hook);
}
