import { describe, expect, it } from 'vitest';
import { createStorage, memoryDriver, StowageError, inspect, recordOf } from '@stowage/core';
import type { Codec, CodecContext } from '@stowage/core';
import { broadcastHub, rleCodec, xorCipher } from './helpers.js';

const make = (o: Parameters<typeof createStorage>[0] = {}) => createStorage({ broadcast: false, ...o });

describe('codec pipeline', () => {
  it('compresses only from the threshold and only when it shrinks', async () => {
    const s = make({ compression: rleCodec, compressThreshold: 100 });
    await s.set('small', 'a'.repeat(50));
    await s.set('big', 'a'.repeat(500));
    await s.set('random', Array.from({ length: 200 }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join(''));
    await s.set('forced', 'a'.repeat(50), { compress: true });
    await s.set('never', 'a'.repeat(500), { compress: false });
    expect((await inspect(s, 'small'))?.codecs).toEqual([]);
    expect((await inspect(s, 'big'))?.codecs).toEqual(['rle']);
    expect((await inspect(s, 'random'))?.codecs).toEqual([]); // RLE would double it: kept plain
    expect((await inspect(s, 'forced'))?.codecs).toEqual(['rle']);
    expect((await inspect(s, 'never'))?.codecs).toEqual([]);
    expect(await s.get('big')).toBe('a'.repeat(500));
    expect(await s.get('forced')).toBe('a'.repeat(50));
  });

  it('encrypts after compressing, and the stored bytes hold no plaintext', async () => {
    const driver = memoryDriver();
    const s = make({ driver, compression: rleCodec, encryption: xorCipher(0x5a), compressThreshold: 1 });
    await s.set('secret', { pin: 'hunter2-hunter2' }, { encrypt: true });
    const raw = recordOf('secret', await driver.get('stowage:secret'));
    expect(raw.codecs).toEqual(['xor']); // RLE did not shrink this short text, so only encryption applied
    expect(raw.value).toBeUndefined();
    expect(new TextDecoder().decode(raw.data)).not.toContain('hunter2');
    expect(await s.get('secret')).toEqual({ pin: 'hunter2-hunter2' });
  });

  it('a record is decoded with the codecs it names, even after the configuration changed', async () => {
    const driver = memoryDriver();
    await make({ driver, compression: rleCodec, compressThreshold: 1 }).set('k', 'z'.repeat(300));
    const reader = make({ driver, codecs: [rleCodec] }); // no compression configured, only able to read it
    expect(await reader.get('k')).toBe('z'.repeat(300));
    const blind = make({ driver });
    await expect(blind.get('k')).rejects.toMatchObject({ code: 'decode-failed', details: { codec: 'rle', reason: 'unknown-codec' } });
  });

  it('a codec whose init failed transiently is initialised again on next use; a verdict stays', async () => {
    let calls = 0;
    const flaky: Codec = { ...xorCipher(1), init: async () => { calls++; if (calls === 1) throw new StowageError('unavailable', 'driver busy'); } };
    const s = make({ encryption: flaky });
    await expect(s.set('k', 1, { encrypt: true })).rejects.toMatchObject({ code: 'unavailable' });
    await s.set('k', 1, { encrypt: true });
    expect(await s.get('k')).toBe(1);
    let verdicts = 0;
    const wrong: Codec = { ...xorCipher(1), init: async () => { verdicts++; throw new StowageError('decrypt-failed', 'wrong passphrase'); } };
    const w = make({ encryption: wrong });
    await expect(w.set('k', 1, { encrypt: true })).rejects.toMatchObject({ code: 'decrypt-failed' });
    await expect(w.set('k', 1, { encrypt: true })).rejects.toMatchObject({ code: 'decrypt-failed' });
    expect(verdicts).toBe(1);
  });

  it('a wrong key gives decrypt-failed, never garbage', async () => {
    const driver = memoryDriver();
    await make({ driver, encryption: xorCipher(1) }).set('k', { a: 'secret value' }, { encrypt: true });
    await expect(make({ driver, encryption: xorCipher(2) }).get('k')).rejects.toMatchObject({ code: 'decrypt-failed' });
  });

  it('encrypt: true without an encryption codec is an invalid-argument, not a silent plaintext write', async () => {
    const s = make();
    await expect(s.set('k', 1, { encrypt: true })).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await s.has('k')).toBe(false);
  });

  it("a codec hears other tabs' metadata writes (watchMeta), not its own nor another prefix's", async () => {
    const hub = broadcastHub();
    const driver = memoryDriver();
    const contexts = new Map<string, CodecContext>();
    const capturing = (tab: string): Codec => ({ ...xorCipher(1), init: async (ctx) => void contexts.set(tab, ctx) });
    const heard: string[] = [];
    for (const [tab, prefix] of [['a', 'app'], ['b', 'app'], ['c', 'other']] as const) {
      const s = createStorage({ driver, broadcast: hub, prefix, encryption: capturing(tab) });
      await s.set('k', 1, { encrypt: true }); // initialises the codec
      contexts.get(tab)?.watchMeta?.('keys', () => heard.push(tab));
    }
    contexts.get('b')?.watchMeta?.('other-name', () => heard.push('b:other-name'));
    contexts.get('b')?.watchMeta?.('keys', () => {
      throw new Error('listener bug'); // reported, and does not keep the others from hearing
    });
    const reported: unknown[] = [];
    const original = globalThis.reportError;
    globalThis.reportError = (e: unknown) => void reported.push(e);
    try {
      await contexts.get('a')?.writeMeta('keys', { v: 2 });
      await new Promise((r) => setTimeout(r, 0));
    } finally {
      globalThis.reportError = original;
    }
    expect(heard).toEqual(['b']);
    expect(reported).toMatchObject([{ message: 'listener bug' }]);
    expect(await contexts.get('b')?.readMeta('keys')).toEqual({ v: 2 });
  });

  it('encryptAll encrypts by default; encrypt: false opts out', async () => {
    const s = make({ encryption: xorCipher(3), encryptAll: true });
    await s.set('a', 1);
    await s.set('b', 2, { encrypt: false });
    expect((await inspect(s, 'a'))?.encrypted).toBe(true);
    expect((await inspect(s, 'b'))?.encrypted).toBe(false);
  });
});

describe('events', () => {
  it('emits local events and delivers them to another instance on the same store as remote events', async () => {
    const hub = broadcastHub();
    const driver = memoryDriver();
    const a = createStorage({ driver, broadcast: hub, prefix: 'app' });
    const b = createStorage({ driver, broadcast: hub, prefix: 'app' });
    const other = createStorage({ driver, broadcast: hub, prefix: 'other' });
    const seenA: unknown[] = [];
    const seenB: unknown[] = [];
    const seenOther: unknown[] = [];
    a.subscribe((e) => seenA.push(e));
    b.subscribe((e) => seenB.push(e));
    other.subscribe((e) => seenOther.push(e));
    await a.set('k', 1);
    await a.remove('k');
    await a.clear();
    await new Promise((r) => setTimeout(r, 0));
    expect(seenA.map((e) => (e as { type: string; source: string }).type)).toEqual(['set', 'remove', 'clear']);
    expect(seenB).toMatchObject([
      { type: 'set', key: 'k', source: 'remote' },
      { type: 'remove', key: 'k', source: 'remote', reason: 'removed' },
      { type: 'clear', source: 'remote' },
    ]);
    expect(seenOther).toEqual([]);
    expect(await b.get('k')).toBeUndefined();
  });

  it('a throwing listener does not break the write or other listeners', async () => {
    const s = make();
    const seen: string[] = [];
    s.subscribe(() => {
      throw new Error('listener bug');
    });
    s.subscribe((e) => seen.push(e.type));
    const errors: unknown[] = [];
    const onErr = (e: unknown): void => void errors.push(e);
    process.on('uncaughtException', onErr);
    await s.set('k', 1);
    await new Promise((r) => setTimeout(r, 0));
    process.off('uncaughtException', onErr);
    expect(seen).toEqual(['set']);
    expect(await s.get('k')).toBe(1);
  });
});
