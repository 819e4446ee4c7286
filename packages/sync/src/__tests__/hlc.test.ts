import { describe, expect, it } from 'vitest';
import type { Clock } from '@stowage/core';
import { compareHlc, createHlc, formatHlc, parseHlc } from '../hlc.js';

/** A clock that reads whatever the test sets. */
function at(ms: number): Clock & { set(ms: number): void } {
  let now = ms;
  return { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined, set: (t) => void (now = t) };
}

describe('hybrid logical clock', () => {
  it('issues strictly increasing timestamps while the wall clock stands still or goes back', () => {
    const clock = at(1_700_000_000_000);
    const hlc = createHlc(clock, 'n1');
    const a = hlc.now();
    const b = hlc.now();
    clock.set(1_600_000_000_000);
    const c = hlc.now();
    expect(compareHlc(a, b)).toBe(-1);
    expect(compareHlc(b, c)).toBe(-1);
  });

  it('after receiving a timestamp from a clock running ahead, issues later ones', () => {
    const hlc = createHlc(at(1_700_000_000_000), 'n1');
    const ahead = formatHlc(1_800_000_000_000, 5, 'n2');
    hlc.receive(ahead);
    expect(compareHlc(hlc.now(), ahead)).toBe(1);
  });

  it('after(t) is the least timestamp of this node past t, at t\'s own time however late the wall clock is, and later ones follow it', () => {
    const hlc = createHlc(at(1_700_000_500_000), 'n1');
    const base = formatHlc(1_700_000_000_004, 2, 'n2');
    const next = hlc.after(base);
    expect(parseHlc(next)).toEqual({ wall: 1_700_000_000_004, counter: 3, node: 'n1' });
    expect(compareHlc(next, base)).toBe(1);
    expect(hlc.after(base)).toBe(next); // the same base, the same revision: a retry
    expect(compareHlc(hlc.now(), next)).toBe(1);
    expect(parseHlc(hlc.after(formatHlc(5, 16 ** 6 - 1, 'n2')))).toEqual({ wall: 6, counter: 0, node: 'n1' }); // counter full: the next millisecond
  });

  it('a clock port with fractional milliseconds (timers fired at jittered times) still gives valid timestamps', () => {
    const clock = at(1_700_000_000_684.836);
    const hlc = createHlc(clock, 'n1');
    const first = hlc.now();
    expect(parseHlc(first).wall).toBe(1_700_000_000_684);
    hlc.receive(formatHlc(1_700_000_000_000, 0, 'n2'));
    clock.set(1_700_000_000_999.5);
    expect(() => parseHlc(hlc.now())).not.toThrow();
  });
});
