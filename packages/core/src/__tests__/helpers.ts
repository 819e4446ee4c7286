import type { BroadcastFactory, BroadcastPort, Clock, Codec, Driver, DriverOp } from '@stowage/core';
import { memoryDriver } from '@stowage/core';

/** A manual clock: time moves only when the test says so; timers fire on `advance`. */
export function fakeClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = ++seq;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (h) => void timers.delete(h as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

/** An in-process BroadcastChannel: every factory call on one hub joins the same bus per channel name. */
export function broadcastHub(): BroadcastFactory {
  const channels = new Map<string, Set<(m: unknown) => void>>();
  return (name) => {
    const set = channels.get(name) ?? new Set();
    channels.set(name, set);
    const mine = new Set<(m: unknown) => void>();
    const deliver = (m: unknown): void => mine.forEach((l) => l(m));
    set.add(deliver);
    const port: BroadcastPort = {
      post: (m) => {
        const copy = structuredClone(m);
        for (const d of set) if (d !== deliver) queueMicrotask(() => d(copy));
      },
      subscribe: (l) => {
        mine.add(l);
        return () => mine.delete(l);
      },
      close: () => void set.delete(deliver),
    };
    return port;
  };
}

/** Wraps a driver, counting batches and letting a test make puts fail. */
export function spyDriver(inner: Driver = memoryDriver()): Driver & { batches: DriverOp[][]; failWhen?: (ops: readonly DriverOp[]) => Error | undefined } {
  const spy = Object.create(inner) as Driver & { batches: DriverOp[][]; failWhen?: (ops: readonly DriverOp[]) => Error | undefined };
  spy.batches = [];
  spy.batch = async (ops) => {
    const err = spy.failWhen?.(ops);
    if (err) throw err;
    spy.batches.push([...ops]);
    return inner.batch(ops);
  };
  for (const m of ['open', 'get', 'getMany', 'entries', 'keys', 'clear', 'close'] as const) {
    (spy as unknown as Record<string, unknown>)[m] = (inner[m] as (...a: unknown[]) => unknown).bind(inner);
  }
  return spy;
}

/** Test-only reversible "compression": run-length encoding of bytes (shrinks repetitive data). */
export const rleCodec: Codec = {
  id: 'rle',
  kind: 'compression',
  encode(b) {
    const out: number[] = [];
    for (let i = 0; i < b.length; ) {
      let n = 1;
      while (i + n < b.length && b[i + n] === b[i] && n < 255) n++;
      out.push(n, b[i] as number);
      i += n;
    }
    return new Uint8Array(out);
  },
  decode(b) {
    if (b.length % 2) throw new Error('odd length');
    const out: number[] = [];
    for (let i = 0; i < b.length; i += 2) for (let k = 0; k < (b[i] as number); k++) out.push(b[i + 1] as number);
    return new Uint8Array(out);
  },
};

/**
 * Test-only "encryption": XOR with a key byte plus a checksum byte, so a wrong key is detected.
 * Enough to prove the pipeline's ordering and failure mapping; real AES-GCM is tested in @stowage/codecs.
 */
export function xorCipher(keyByte: number): Codec {
  return {
    id: 'xor',
    kind: 'encryption',
    encode(b) {
      const out = new Uint8Array(b.length + 1);
      let sum = 0;
      b.forEach((x, i) => {
        out[i] = x ^ keyByte;
        sum = (sum + x) & 0xff;
      });
      out[b.length] = sum ^ keyByte;
      return out;
    },
    decode(b) {
      const out = b.slice(0, -1).map((x) => x ^ keyByte);
      const sum = out.reduce((s, x) => (s + x) & 0xff, 0);
      if ((sum ^ keyByte) !== b[b.length - 1]) throw new Error('checksum mismatch');
      return out;
    },
  };
}
