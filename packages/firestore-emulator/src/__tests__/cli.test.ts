import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../cli-args.js';

const BIN = fileURLToPath(new URL('../../bin/stowage-firestore-emulator.mjs', import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-emu-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI with plain `node`, resolves its URL from the first stdout line. */
function launch(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.on('exit', () => reject(new Error(`CLI exited early: ${out}${err}`)));
  });
  return { child, url, exited, output: () => out + err };
}

describe('CLI', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`serves, then stops cleanly on ${signal} with the data flushed`, async () => {
      const file = join(dir, `${signal}.json`);
      const cli = launch(['--host', '127.0.0.1', '--port', '0', '--data', file, '--rules', 'owner']);
      const url = await cli.url;
      expect(await (await fetch(`${url}/`)).text()).toBe('Ok');
      const base = 'projects/demo-cli/databases/(default)/documents';
      const res = await fetch(`${url}/v1/${base}:commit`, {
        method: 'POST',
        headers: { Authorization: 'Bearer owner' },
        body: JSON.stringify({ writes: [{ update: { name: `${base}/users/x`, fields: { s: { stringValue: signal } } } }] }),
      });
      expect(res.status).toBe(200);
      const denied = await fetch(`${url}/v1/${base}:batchGet`, { method: 'POST', body: JSON.stringify({ documents: [`${base}/users/x`] }) });
      expect(denied.status).toBe(403); // --rules owner is in force
      cli.child.kill(signal);
      expect(await cli.exited).toBe(0);
      const saved = JSON.parse(await readFile(file, 'utf8'));
      expect(saved.databases['projects/demo-cli/databases/(default)']['users/x'].fields.s).toEqual({ stringValue: signal });
      expect(cli.output()).toContain('stopped');
    }, 30_000);
  }

  it('exits with status 2 and the usage on bad arguments', async () => {
    const cli = launch(['--rules', 'sometimes']);
    await cli.url.catch(() => undefined);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain('Usage: stowage-firestore-emulator');
  }, 30_000);

  it('parses arguments with defaults', () => {
    expect(parseCliArgs([])).toEqual({ host: '127.0.0.1', port: 8080, rules: 'open', help: false });
    expect(parseCliArgs(['--port', '0', '--data', 'x.json', '--rules', 'owner'])).toMatchObject({ port: 0, dataFile: 'x.json', rules: 'owner' });
    expect(() => parseCliArgs(['--port', '70000'])).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => parseCliArgs(['--bogus'])).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
