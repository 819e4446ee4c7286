import { describe, expect, it } from 'vitest';
import { createStorage, csvCell, exportCsv, getRecord, importCsv, listBackups, StowageError } from '@stowage/core';
import type { Storage } from '@stowage/core';
import { parseCsv } from '../namespace/csv-import.js';
import { fakeClock, xorCipher } from './helpers.js';

/** Values a CSV round trip could get wrong: separators, quotes, line breaks, non-ASCII, formulas, text that looks typed. */
const TRICKY: Record<string, unknown> = {
  'user,1': { name: 'Ada, "the first"', note: 'line one\nline two\r\nthree', city: '北京', emoji: '🚀 ok', age: 36, admin: true, boss: null },
  '=cmd|key': { name: '=HYPERLINK("http://x","y")', city: '+33 1 23', note: '-2+3', emoji: '@SUM(A1)' },
  'tabbed': { name: '\tstarts with a tab', note: '\rstarts with CR', city: "'=already guarded", emoji: "'just an apostrophe" },
  'looks-typed': { name: '42', note: 'true', city: 'null', emoji: '', age: '[encrypted]' },
  'json-ish': '{"a":1}',
  'quoted': '"quoted"',
  'spaced': ' 7',
  'empty': '',
  'masked': '[encrypted]',
  'n': -5,
  'f': 1.5e-7,
  'bool': false,
  'nil': null,
  'list': [1, 'two', { three: [3] }],
  'nested': { deep: { er: ['x,y', 'z\n'] }, 'ключ': 'значение' },
  'flat-empty': {},
  'formula-text': '=1+1',
  'minus-text': '-',
  'ünïcødé key ✓': 'héllo wörld',
};

async function filled(s: Storage, clock: ReturnType<typeof fakeClock>): Promise<void> {
  for (const [k, v] of Object.entries(TRICKY)) {
    await s.set(k, v);
    await clock.advance(7);
  }
  await s.set('expiring', 'soon', { ttl: 60_000 });
}

async function contents(s: Storage): Promise<Record<string, unknown>> {
  return Object.fromEntries((await s.scan()).map((e) => [e.key, e.value]));
}

describe('importCsv', () => {
  it('round-trips what exportCsv wrote: every value with its type, timestamps and expiry; exporting again gives the same text', async () => {
    const clock = fakeClock();
    const a = createStorage({ clock, broadcast: false });
    await filled(a, clock);
    const csv = await exportCsv(a);
    const b = createStorage({ clock, broadcast: false });
    expect(await importCsv(b, csv)).toBe(Object.keys(TRICKY).length + 1);
    expect(await contents(b)).toEqual(await contents(a));
    expect(await contents(b)).toMatchObject(TRICKY);
    for (const key of await a.keys()) {
      const [ra, rb] = [await getRecord(a, key), await getRecord(b, key)];
      expect([rb?.updatedAt, rb?.expiresAt]).toEqual([ra?.updatedAt, ra?.expiresAt]);
    }
    expect(await exportCsv(b)).toBe(csv);
  });

  it('undoes the formula guard exactly, and the guarded cells stay defused in the file', async () => {
    const s = createStorage({ broadcast: false });
    const texts = ['=1+1', '+1', '-1', '@x', '\tx', '\rx', "'=x", "''+x", "'x", '=', "'"];
    await s.setMany(Object.fromEntries(texts.map((t, i) => [`t${i}`, t])));
    const csv = await exportCsv(s);
    for (const row of parseCsv(csv).slice(1)) expect(row.cells[row.cells.length - 3]).not.toMatch(/^[=+\-@\t\r]/);
    const b = createStorage({ broadcast: false });
    await importCsv(b, csv);
    expect(await b.getMany(texts.map((_, i) => `t${i}`))).toEqual(texts);
  });

  it('merge overwrites the CSV’s keys and keeps others; replace removes others, after an automatic backup', async () => {
    const clock = fakeClock();
    const s = createStorage({ clock, broadcast: false });
    await s.setMany({ a: 1, b: 2 });
    const csv = await exportCsv(s);
    await s.setMany({ a: 'changed', c: 3 });
    expect(await importCsv(s, csv)).toBe(2);
    expect(await contents(s)).toEqual({ a: 1, b: 2, c: 3 });
    await clock.advance(1); // backups are named by the millisecond
    expect(await importCsv(s, csv, { mode: 'replace' })).toBe(2);
    expect(await contents(s)).toEqual({ a: 1, b: 2 });
    expect(await listBackups(s)).toHaveLength(2);
  });

  it('[encrypted] rows leave their key as it is, even with replace', async () => {
    const s = createStorage({ broadcast: false, encryption: xorCipher(9) });
    await s.set('secret', 'pw', { encrypt: true });
    await s.set('open', 'text');
    const csv = await exportCsv(s);
    expect(csv).toContain('secret,[encrypted],');
    await s.set('secret', 'rotated', { encrypt: true });
    expect(await importCsv(s, csv, { mode: 'replace' })).toBe(1);
    expect(await contents(s)).toEqual({ secret: 'rotated', open: 'text' });
    const fresh = createStorage({ broadcast: false });
    expect(await importCsv(fresh, csv)).toBe(1);
    expect(await fresh.keys()).toEqual(['open']);
  });

  it('reads LF line ends, a byte-order mark, a last line without a line end, and skips expired rows', async () => {
    const clock = fakeClock();
    const s = createStorage({ clock, broadcast: false });
    const past = new Date(clock.now() - 1).toISOString();
    const at = new Date(clock.now()).toISOString();
    const csv = `\uFEFFkey,name,value,updatedAt,expiresAt\nu,"Ada\nL",,${at},\nold,,1,${at},${past}\nx,,"""q""",${at},`;
    expect(await importCsv(s, csv)).toBe(2);
    expect(await contents(s)).toEqual({ u: { name: 'Ada\nL' }, x: 'q' });
  });

  it('refuses malformed input with invalid-argument and the line, writing nothing', async () => {
    const s = createStorage({ broadcast: false });
    await s.set('keep', 1);
    const at = new Date(0).toISOString();
    const cases: [unknown, number?][] = [
      ['key,value,updatedAt,expiresAt\r\na,"open,' + at + ',\r\n', 2],
      ['key,value,updatedAt,expiresAt\r\na,x"y,' + at + ',\r\n', 2],
      ['key,value,updatedAt,expiresAt\r\na,"x"y,' + at + ',\r\n', 2],
      ['name,value,updatedAt,expiresAt\r\n', 1],
      ['key,value,updatedAt\r\n', 1],
      ['key,value,updatedAt,expiresAt\r\na,1,' + at + '\r\n', 2],
      ['key,value,updatedAt,expiresAt\r\na,1,yesterday,\r\n', 2],
      ['key,value,updatedAt,expiresAt\r\na,1,' + at + ',\r\na,2,' + at + ',\r\n', 3],
      ['key,value,updatedAt,expiresAt\r\n,1,' + at + ',\r\n', 2],
      ['key,f,value,updatedAt,expiresAt\r\na,1,2,' + at + ',\r\n', 2],
      [42],
      [''],
    ];
    for (const [text, line] of cases) {
      const err = await importCsv(s, text as string).catch((e: unknown) => e);
      expect(err, String(text)).toBeInstanceOf(StowageError);
      expect(err).toMatchObject({ code: 'invalid-argument', ...(line ? { details: { line } } : {}) });
    }
    await expect(importCsv(s, 'key,value,updatedAt,expiresAt\r\n', { mode: 'upsert' as 'merge' })).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await contents(s)).toEqual({ keep: 1 });
  });
});

describe('csvCell', () => {
  it('guards text that starts with apostrophes before a formula character too, so the guard can be undone', () => {
    expect(csvCell("'=x")).toBe("''=x");
    expect(csvCell("'x")).toBe("'x");
    expect(csvCell('=x')).toBe("'=x");
  });
});
