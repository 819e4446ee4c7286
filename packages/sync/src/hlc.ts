import { StowageError } from '@stowage/core';
import type { Clock } from '@stowage/core';
import type { Hlc } from './remote-store.js';

/** A hybrid logical clock: wall time when it moves forward, a counter when it does not. */
export interface HlcClock {
  /** This clock's node id (the part after the second '-'). */
  readonly node: string;
  /** A new timestamp, greater than every one issued or received before. */
  now(): Hlc;
  /** Advances past a timestamp seen from another node, so later local ones sort after it. */
  receive(remote: Hlc): void;
  /**
   * The least timestamp of this node after `hlc` (its time, the next counter), which this clock
   * then stays past. For a revision that must follow `hlc` without claiming to be any later than
   * it: `now()` would stamp it with the current wall time.
   */
  after(hlc: Hlc): Hlc;
}

const WALL_DIGITS = 15;
const COUNTER_DIGITS = 6;
const HLC_PATTERN = /^(\d{15})-([0-9a-f]{6})-([A-Za-z0-9_]+)$/;

/** Formats the parts of a timestamp; the result sorts lexicographically in (wall, counter, node) order. */
export function formatHlc(wall: number, counter: number, node: string): Hlc {
  return `${String(wall).padStart(WALL_DIGITS, '0')}-${counter.toString(16).padStart(COUNTER_DIGITS, '0')}-${node}`;
}

/** Parses a timestamp; `invalid-argument` when it is not one. */
export function parseHlc(hlc: string): { wall: number; counter: number; node: string } {
  const m = HLC_PATTERN.exec(hlc);
  if (!m) throw new StowageError('invalid-argument', `not a hybrid logical clock timestamp: ${JSON.stringify(hlc)}`);
  return { wall: Number(m[1]), counter: parseInt(m[2] as string, 16), node: m[3] as string };
}

/** Orders two timestamps (-1, 0, 1); their string order is their causal order. */
export function compareHlc(a: Hlc, b: Hlc): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whole milliseconds: a clock port may be fractional (timers fire at jittered times), a timestamp's wall is not. */
const wallOf = (clock: Clock): number => Math.floor(clock.now());

/**
 * Creates a hybrid logical clock (Kulkarni et al.): timestamps stay close to wall time but never go
 * backwards, even when the wall clock does or another node's clock runs ahead, so last-write-wins
 * by HLC respects causality that wall clocks alone would break.
 */
export function createHlc(clock: Clock, node: string): HlcClock {
  if (!/^[A-Za-z0-9_]+$/.test(node)) throw new StowageError('invalid-argument', 'an HLC node id is letters, digits and _ only');
  let wall = 0;
  let counter = 0;
  const bump = (w: number, c: number): void => {
    if (c >= 16 ** COUNTER_DIGITS) {
      // Counter exhausted within one millisecond: borrow the next millisecond instead of overflowing.
      wall = w + 1;
      counter = 0;
    } else {
      wall = w;
      counter = c;
    }
  };
  return {
    node,
    now() {
      const t = wallOf(clock);
      if (t > wall) bump(t, 0);
      else bump(wall, counter + 1);
      return formatHlc(wall, counter, node);
    },
    after(hlc) {
      const r = parseHlc(hlc);
      const next = r.counter + 1 >= 16 ** COUNTER_DIGITS ? formatHlc(r.wall + 1, 0, node) : formatHlc(r.wall, r.counter + 1, node);
      this.receive(next);
      return next;
    },
    receive(remote) {
      const r = parseHlc(remote);
      const t = wallOf(clock);
      const w = Math.max(t, wall, r.wall);
      if (w === wall && w === r.wall) bump(w, Math.max(counter, r.counter) + 1);
      else if (w === wall) bump(w, counter + 1);
      else if (w === r.wall) bump(w, r.counter + 1);
      else bump(w, 0);
    },
  };
}
