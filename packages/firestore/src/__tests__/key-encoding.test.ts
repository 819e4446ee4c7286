import { describe, expect, it } from 'vitest';
import { isValidDocId } from '@stowage/sync';
import { TRICKY_KEYS, expectStowageError } from '@stowage/test-utils';
import { decodeKey, docIdForKey, encodeKey, MAX_DOC_ID_BYTES } from '../index.js';

const utf8 = (s: string) => new TextEncoder().encode(s).length;

const NASTY = [
  ...TRICKY_KEYS.filter((k) => k !== ''),
  '.', '..', '...', '__', '___', '__x__', '__.*__', '_x_', '/', '//', 'a/b/c', '%', '%%', '%25', '%2F', '%u0041', '~', '~abc',
  '\ud800', '\udfff', 'a\ud800b', '\udfff\ud800', '😀\ud83d', '\u0001\u001f\u007f', 'tab\there', 'new\nline', ' ', '',
  'k'.repeat(1024), '日'.repeat(1024), '\ud800'.repeat(1024), '/'.repeat(1024), 'é'.repeat(749), 'é'.repeat(751),
].filter((k) => k !== '');

describe('encodeKey / decodeKey / docIdForKey', () => {
  it('round-trips every nasty key exactly', () => {
    for (const key of NASTY) expect(decodeKey(encodeKey(key))).toBe(key);
  });

  it('yields valid document ids: no "/", not "." or "..", not __…__, well-formed, ≤ 1500 bytes', async () => {
    const ids = new Set<string>();
    for (const key of NASTY) {
      const id = await docIdForKey(key);
      expect(isValidDocId(id), `id of ${JSON.stringify(key)}: ${id}`).toBe(true);
      expect(utf8(id)).toBeLessThanOrEqual(MAX_DOC_ID_BYTES);
      expect(ids.has(id), `collision for ${JSON.stringify(key)}`).toBe(false);
      ids.add(id);
    }
    expect(ids.size).toBe(new Set(NASTY).size);
  });

  it('keeps ordinary keys readable and escapes only what it must', () => {
    expect(encodeKey('settings.theme')).toBe('settings.theme');
    expect(encodeKey('user:42 profile 日本')).toBe('user:42 profile 日本');
    expect(encodeKey('a/b%c~')).toBe('a%2Fb%25c%7E');
    expect(encodeKey('..')).toBe('%2E%2E');
    expect(encodeKey('__x__')).toBe('%5F_x__');
    expect(encodeKey('x\ud800')).toBe('x%uD800');
  });

  it('hashes keys whose encoding is over 1500 bytes (deterministic, "~" + SHA-256 hex)', async () => {
    const long = '日'.repeat(600);
    expect(await docIdForKey(long)).toMatch(/^~[0-9A-F]{64}$/);
    expect(await docIdForKey(long)).toBe(await docIdForKey(long));
    expect(await docIdForKey('é'.repeat(750))).toBe('é'.repeat(750)); // exactly 1500 bytes: kept
    expect(await docIdForKey('é'.repeat(751))).toMatch(/^~/);
  });

  it('decodeKey refuses a stray "%" with decode-failed', async () => {
    expect(() => decodeKey('50%')).toThrowError(/stray/);
    await expectStowageError(Promise.resolve().then(() => decodeKey('%zz')), 'decode-failed');
    await expectStowageError(Promise.resolve().then(() => decodeKey('%2f')), 'decode-failed');
  });
});
