import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../index.js';
import { rest } from './sdk-helpers.js';

let dir: string;
const base = 'projects/demo-persist/databases/(default)/documents';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-emu-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('persistence', () => {
  it('survives a restart with values, times and monotonic commit clock intact', async () => {
    const file = join(dir, 'state.json');
    const first = await startEmulator({ dataFile: file });
    const w = await rest(first, `${base}:commit`, {
      writes: [{ update: { name: `${base}/c/d`, fields: { i: { integerValue: '9007199254740993' }, z: { doubleValue: '-0' }, m: { mapValue: { fields: { __proto__: { stringValue: 'safe' } } } } } } }],
    });
    await first.stop();
    const second = await startEmulator({ dataFile: file });
    const got = await rest(second, `${base}:batchGet`, { documents: [`${base}/c/d`] });
    expect(got.json[0].found.fields).toEqual({ i: { integerValue: '9007199254740993' }, z: { doubleValue: '-0' }, m: { mapValue: { fields: { __proto__: { stringValue: 'safe' } } } } });
    expect(got.json[0].found.updateTime).toBe(w.json.commitTime);
    const next = await rest(second, `${base}:commit`, { writes: [] });
    expect(next.json.commitTime > w.json.commitTime).toBe(true);
    await second.stop();
  });

  it('keeps the file parseable at every moment while commits hammer it (temp file + rename)', async () => {
    const file = join(dir, 'hammer.json');
    const emulator = await startEmulator({ dataFile: file, persistDebounceMs: 0 });
    let reads = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
        if (text !== null) {
          expect(() => JSON.parse(text)).not.toThrow();
          reads++;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 150; i++) {
      await rest(emulator, `${base}:commit`, { writes: [{ update: { name: `${base}/h/${i % 7}`, fields: { i: { integerValue: String(i) }, pad: { stringValue: 'p'.repeat(2000) } } } }] });
    }
    await emulator.stop();
    stop = true;
    await reader;
    expect(reads).toBeGreaterThan(0);
    const final = JSON.parse(await readFile(file, 'utf8'));
    expect(final.databases[`projects/demo-persist/databases/(default)`]['h/3'].fields.i).toEqual({ integerValue: '143' }) // last i < 150 with i % 7 === 3;
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to start on a corrupt data file instead of overwriting it', async () => {
    const file = join(dir, 'corrupt.json');
    await writeFile(file, '{"format":"stowage-firestore-emulator","version":1,"databa');
    await expect(startEmulator({ dataFile: file })).rejects.toMatchObject({ name: 'StowageError', code: 'decode-failed' });
    await writeFile(file, '{"hello":"world"}');
    await expect(startEmulator({ dataFile: file })).rejects.toMatchObject({ code: 'decode-failed' });
    expect(await readFile(file, 'utf8')).toBe('{"hello":"world"}');
  });
});
