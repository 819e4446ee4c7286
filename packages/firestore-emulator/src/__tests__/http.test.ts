import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../index.js';
import { startEmulator } from '../index.js';
import { emulatorFor, rest } from './sdk-helpers.js';

let emulator: EmulatorHandle;
const base = 'projects/demo-http/databases/(default)/documents';
beforeAll(async () => {
  emulator = await emulatorFor();
});
afterAll(async () => {
  await emulator.stop();
});

describe('HTTP surface', () => {
  it('answers the CORS preflight the SDK triggers, echoing the requested headers', async () => {
    const res = await fetch(`${emulator.url}/v1/${base}:commit`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,google-cloud-resource-prefix,x-firebase-gmpid,x-goog-api-client,x-goog-request-params',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('puts CORS headers on errors as well as successes', async () => {
    const origin = { Origin: 'http://localhost:5173' };
    const ok = await rest(emulator, `${base}:commit`, { writes: [] }, origin);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(ok.json).toEqual({ writeResults: [], commitTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/) });
    const err = await rest(emulator, `${base}:commit`, { writes: [{ verify: `${base}/c/none`, currentDocument: { exists: true } }] }, origin);
    expect(err.status).toBe(404);
    expect(err.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(err.json).toEqual({ error: { code: 404, message: expect.stringContaining('c/none'), status: 'NOT_FOUND' } });
  });

  it('health check, unknown paths and RPCs, percent-encoded ids', async () => {
    const health = await fetch(`${emulator.url}/`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('Ok');
    expect((await fetch(`${emulator.url}/nope`)).status).toBe(404);
    const unknownRpc = await rest(emulator, `${base}:listen`, {});
    expect(unknownRpc.status).toBe(501);
    expect(unknownRpc.json.error.status).toBe('UNIMPLEMENTED');
    // An id with spaces, slashes-free unicode and a colon: encoded once in the URL, decoded once.
    const name = `${base}/c/${'a b:ü'}`;
    await rest(emulator, `${base}:commit`, { writes: [{ update: { name, fields: { v: { integerValue: '1' } } } }] });
    const r = await rest(emulator, `${base}/c/${encodeURIComponent('a b:ü')}:runQuery`, { structuredQuery: { from: [{ collectionId: 'sub' }] } });
    expect(r.status).toBe(200);
    const got = await rest(emulator, `${base}:batchGet`, { documents: [name, `${base}/c/missing`] });
    expect(got.json[0].found.name).toBe(name);
    expect(got.json[1]).toEqual({ missing: `${base}/c/missing`, readTime: expect.any(String) });
  });

  it('reset endpoint clears one database; handle reset clears everything', async () => {
    const other = 'projects/demo-http2/databases/(default)/documents';
    await rest(emulator, `${base}:commit`, { writes: [{ update: { name: `${base}/r/1`, fields: {} } }] });
    await rest(emulator, `${other}:commit`, { writes: [{ update: { name: `${other}/r/1`, fields: {} } }] });
    const del = await fetch(`${emulator.url}/emulator/v1/projects/demo-http/databases/(default)/documents`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await rest(emulator, `${base}:batchGet`, { documents: [`${base}/r/1`] })).json[0].missing).toBeDefined();
    expect((await rest(emulator, `${other}:batchGet`, { documents: [`${other}/r/1`] })).json[0].found).toBeDefined();
    await emulator.reset();
    expect((await rest(emulator, `${other}:batchGet`, { documents: [`${other}/r/1`] })).json[0].missing).toBeDefined();
  });

  it('accepts request bodies over 10 MiB (a batch of large documents)', async () => {
    const big = 'y'.repeat(900_000);
    const writes = Array.from({ length: 12 }, (_, i) => ({ update: { name: `${base}/big/${i}`, fields: { s: { stringValue: big } } } }));
    const r = await rest(emulator, `${base}:commit`, { writes });
    expect(r.status).toBe(200);
    expect(r.json.writeResults).toHaveLength(12);
  });

  it('rejects bad options with StowageError', async () => {
    await expect(startEmulator({ port: -1 })).rejects.toMatchObject({ name: 'StowageError', code: 'invalid-argument' });
    await expect(startEmulator({ rules: 'closed' as never })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(startEmulator({ port: emulator.port })).rejects.toMatchObject({ code: 'unavailable' });
  });
});
