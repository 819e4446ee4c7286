import type { KernelContext, Layer, ObservedChange } from '../kernel/layer.js';
import { broadcastChannel } from '../ports.js';
import type { BroadcastFactory, BroadcastPort } from '../ports.js';

/** What tabs tell each other after a commit. */
type WireMessage =
  | { from: string; prefix: string; kind: 'changes'; changes: readonly ObservedChange[] }
  | { from: string; prefix: string; kind: 'clear' }
  | { from: string; prefix: string; kind: 'import'; mode: 'merge' | 'replace'; count: number }
  | { from: string; prefix: string; kind: 'meta'; name: string };

/**
 * Cross-tab events: every commit, clear, import and codec-metadata change is posted on a
 * channel named after the store, and what other tabs post reaches this storage's layers (its key
 * index, its codecs) and subscribers as `source: 'remote'`. After a fallback to memory it stops:
 * another tab's writes are not in our memory, nor ours in theirs.
 *
 * @example
 * const kv = createKernel({ driver, layers: [broadcastLayer()] });
 * kv.subscribe((e) => e.source === 'remote' && refresh());
 */
export function broadcastLayer(factory: BroadcastFactory = broadcastChannel): Layer {
  const from = Math.random().toString(36).slice(2);
  let ctx: KernelContext;
  let bus: BroadcastPort | undefined;
  let off: (() => void) | undefined;
  const stop = (): void => {
    off?.();
    bus?.close();
    bus = undefined;
  };
  const receive = (m: WireMessage): void => {
    if (!m || m.from === from || m.prefix !== ctx.prefix || ctx.closed) return;
    const wire = true;
    if (m.kind === 'changes') ctx.observe({ kind: 'changes', source: 'remote', silent: false, changes: m.changes, wire });
    else if (m.kind === 'clear') ctx.observe({ kind: 'clear', source: 'remote', wire });
    else if (m.kind === 'import') ctx.observe({ kind: 'import', source: 'remote', mode: m.mode, count: m.count, wire });
    else if (m.kind === 'meta') ctx.observe({ kind: 'meta', name: m.name, wire });
  };
  return {
    name: 'broadcast',
    setup(c) {
      ctx = c;
      bus = factory(`stowage:${ctx.scope}`);
      off = bus?.subscribe((m) => receive(m as WireMessage));
    },
    observe(o) {
      if (o.kind === 'fallback') return stop();
      if (!bus || ('wire' in o && o.wire)) return;
      const prefix = ctx.prefix;
      if (o.kind === 'changes') {
        if (!o.silent) bus.post({ from, prefix, kind: 'changes', changes: o.changes });
      } else if (o.kind === 'clear') bus.post({ from, prefix, kind: 'clear' });
      else if (o.kind === 'import') bus.post({ from, prefix, kind: 'import', mode: o.mode, count: o.count });
      else bus.post({ from, prefix, kind: 'meta', name: o.name });
    },
    close: stop,
  };
}
