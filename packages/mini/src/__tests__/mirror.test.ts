import { describe, expect, it } from 'vitest';
import { Mirror } from '../mirror.js';
import { MirrorEntry } from '../mirror.js';

const e = (json: string, size = json.length, extra: { expiresAt?: number } = {}): MirrorEntry => MirrorEntry.json(json, size, false, extra.expiresAt);
const seen = (m: Mirror, key: string): string | null => m.get(key, 0)?.json ?? null;

describe('Mirror: sequence semantics', () => {
  it('a later write refused before an earlier one succeeds: the earlier value stays (the store has it)', () => {
    const m = new Mirror();
    m.reset('k', e('"0"'), m.next());
    const s1 = m.next();
    m.stage('k', e('"1"'), true, s1);
    const s2 = m.next();
    m.stage('k', e('"2"'), true, s2);
    expect(seen(m, 'k')).toBe('"2"');
    m.settle('k', s2, false); // the store refused the newer one first…
    expect(seen(m, 'k')).toBe('"1"');
    m.settle('k', s1, true); // …and then committed the older one
    expect(seen(m, 'k')).toBe('"1"');
  });

  it('an older write settling after a newer one succeeded changes nothing', () => {
    const m = new Mirror();
    const s1 = m.next();
    m.stage('k', e('"1"'), true, s1);
    const s2 = m.next();
    m.stage('k', e('"2"'), true, s2);
    m.settle('k', s2, true);
    m.settle('k', s1, true);
    expect(seen(m, 'k')).toBe('"2"');
  });

  it('invisible (async) writes show only once they succeed', () => {
    const m = new Mirror();
    const s = m.next();
    m.stage('k', e('"a"'), false, s);
    expect(seen(m, 'k')).toBeNull();
    m.settle('k', s, true);
    expect(seen(m, 'k')).toBe('"a"');
  });

  it('a re-read replaces the stored state unless something newer already did; newer unsettled writes stay visible', () => {
    const m = new Mirror();
    const read = m.next();
    const w = m.next();
    m.stage('k', e('"mine"'), true, w);
    m.reset('k', e('"theirs"'), read);
    expect(seen(m, 'k')).toBe('"mine"');
    m.settle('k', w, false);
    expect(seen(m, 'k')).toBe('"theirs"');
    const stale = 0;
    m.reset('k', e('"older read"'), stale);
    expect(seen(m, 'k')).toBe('"theirs"');
  });

  it('deletes are writes of null; fully settled absent keys are forgotten', () => {
    const m = new Mirror();
    m.reset('k', e('"v"'), m.next());
    const d = m.next();
    m.stage('k', null, true, d);
    expect(seen(m, 'k')).toBeNull();
    m.settle('k', d, true);
    expect(m.keys()).toEqual([]);
  });

  it('a settled delete with a write still in flight remembers when the key went: an older re-read cannot bring it back', () => {
    const m = new Mirror();
    m.reset('k', e('"v"'), m.next());
    const read = m.next(); // a re-read issued before the delete, answered after it settled
    const d = m.next();
    m.stage('k', null, true, d);
    const w = m.next();
    m.stage('k', e('"later"'), false, w); // an async-API write, shown once it succeeds
    m.settle('k', d, true);
    m.reset('k', e('"v"'), read);
    expect(seen(m, 'k')).toBeNull();
    expect(m.keys()).toEqual(['k']);
    m.settle('k', w, true);
    expect(seen(m, 'k')).toBe('"later"');
  });

  it('keeps a byte total of what callers see, and checks limits against live bytes when over', () => {
    const m = new Mirror();
    m.reset('a', e('1', 100), m.next());
    m.reset('b', e('1', 50, { expiresAt: 10 }), m.next());
    const s = m.next();
    m.stage('a', e('2', 30), true, s);
    expect(m.live(0)).toEqual({ keys: ['a', 'b'], bytes: 80 });
    expect(m.fits(new Map([['c', 20]]), 100, 0).ok).toBe(true);
    expect(m.fits(new Map([['c', 21]]), 100, 0).ok).toBe(false);
    // At t=10 'b' is expired: its 50 bytes no longer count.
    expect(m.fits(new Map([['c', 70]]), 100, 10)).toEqual({ ok: true, used: 30, need: 70 });
    m.settle('a', s, false);
    expect(m.live(0).bytes).toBe(150);
  });

  it('expired entries read as absent', () => {
    const m = new Mirror();
    m.reset('k', e('1', 1, { expiresAt: 5 }), m.next());
    expect(m.get('k', 4)?.json).toBe('1');
    expect(m.get('k', 5)).toBeNull();
    expect(m.peek('k')?.json).toBe('1');
  });
});
