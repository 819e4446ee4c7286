import type { Driver, DriverOp } from '../driver.js';
import { isRow } from '../envelope.js';
import { isStoredRecord } from '../record.js';
import { formatDoneKey, formatPage, rewriteOps } from './format-pass.js';
import { checkFailed } from './records.js';

/** What {@link RecordFormat} needs of the kernel. */
export interface RecordFormatContext {
  readonly prefix: string;
  readonly dp: string;
  /** Runs `fn` in the write lane (bookkeeping: no operation of the app); dropped once closing. */
  lane(fn: (d: Driver) => Promise<void>): void;
  /** A foreign value met by the pass: read it through the layers, which upgrade it as any read does. */
  foreign(key: string, raw: unknown): void;
  /** A pass page failed other than by a check: told as an error event. */
  failed(error: unknown): void;
}

/** The envelope version the lazy rewrite and the pass turn into v2 rows. */
const V1 = 1;

/** Pages retried in a row after failed checks (other tabs writing) before the pass waits for the next open. */
const RETRIES = 5;

/**
 * Record format v2 in one namespace (issue 21): how a scan reads it and how v1 envelopes become v2
 * rows in place.
 *
 * - **Scans from one request.** Once the namespace is known to hold only v2 rows (the pass's flag),
 *   a scan reads `values` — one `getAll` on IndexedDB, the rows carry their keys. A value without
 *   its key (a v1 envelope written since by a tab on old code, a foreign value) sends that read
 *   back to `entries`, so the flag is a hint and never a promise the reader depends on.
 * - **Lazily:** a v1 envelope that a read meets is served as it is and rewritten in the background,
 *   under a check that it is unchanged (`sameVersion`).
 * - **And as a whole:** the first read that meets a v1 envelope (in practice the app's first
 *   reads after opening a v1 database) queues the pass (`format-pass.ts`), one page per write-lane
 *   turn so the app's writes interleave with it. A namespace only v2 code wrote costs nothing: a
 *   scan that meets only rows writes the flag.
 */
export class RecordFormat {
  #v2: boolean | undefined; // undefined: not read yet; false: the flag was missing when last read
  #started = false;
  #pending = new Map<string, unknown>();
  readonly #ctx: RecordFormatContext;

  constructor(ctx: RecordFormatContext) {
    this.#ctx = ctx;
  }

  /** Whether the namespace is known to hold only v2 rows (the pass finished here or elsewhere). */
  get allRows(): boolean {
    return this.#v2 === true;
  }

  /** The live rows of the namespace for a scan, as `[user key, raw]`. */
  async rows(d: Driver): Promise<[string, unknown][]> {
    const { dp } = this.#ctx;
    if (d.values && this.#v2 !== true) this.#v2 = (await d.get(formatDoneKey(this.#ctx.prefix))) !== undefined;
    if (d.values && this.#v2) {
      const values = await d.values(dp);
      const out: [string, unknown][] = new Array(values.length);
      let i = 0;
      for (; i < values.length; i++) {
        const v = values[i];
        if (!isRow(v)) break;
        out[i] = [v.k, v];
      }
      if (i === values.length) return out;
    }
    const cut = dp.length;
    const out: [string, unknown][] = [];
    let rows = true;
    for (const [k, raw] of await d.entries(dp)) {
      const key = k.slice(cut);
      if (!isRow(raw)) {
        rows = false;
        this.saw(key, raw);
      }
      out.push([key, raw]);
    }
    // Every record a v2 row (a namespace only v2 code wrote): the flag, so the next scan — in a
    // later session too — reads values alone. Unguarded: it is a hint, checked row by row.
    if (rows && d.values && this.#v2 !== true) {
      this.#v2 = true;
      this.#ctx.lane((w) => w.batch([{ type: 'put', key: formatDoneKey(this.#ctx.prefix), value: 2 }]));
    }
    return out;
  }

  /** A read met `raw` under `key`: a v1 envelope is rewritten as a v2 row in the background. */
  saw(key: string, raw: unknown): void {
    // On every read, so a v2 row (or anything but a v1 envelope: a foreign value, or an envelope of
    // a later version, which must never be rewritten down) leaves at the first field looked at.
    if ((raw as { v?: unknown } | null | undefined)?.v !== V1 || !isStoredRecord(raw) || this.#pending.has(key)) return;
    this.start(); // a v1 database: the rest is rewritten by the pass
    const first = this.#pending.size === 0;
    this.#pending.set(key, raw);
    if (first) this.#ctx.lane((d) => this.#flush(d));
  }

  /** Queues the pass, once per storage: on the first read that meets a v1 envelope. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#page(0);
  }

  #page(failures: number): void {
    const sawForeign = { value: false };
    const run = async (d: Driver, tries: number): Promise<void> => {
      try {
        if (this.#v2 === undefined) this.#v2 = (await d.get(formatDoneKey(this.#ctx.prefix))) !== undefined;
        if (this.#v2) return; // done before (here, another tab, an earlier session): one read per open
        const page = await formatPage(d, this.#ctx.prefix, this.#ctx.dp, this.#ctx.foreign, sawForeign);
        if (page.done) this.#v2 = !sawForeign.value || undefined; // foreign values left: read the flag again next time
        else this.#ctx.lane((next) => run(next, 0));
      } catch (e) {
        if (!checkFailed(e)) return this.#ctx.failed(e);
        if (tries + 1 < RETRIES) this.#ctx.lane((next) => run(next, tries + 1)); // another tab wrote meanwhile: read the page again
      }
    };
    this.#ctx.lane((d) => run(d, failures));
  }

  /** Rewrites the v1 envelopes reads met, in one batch; one by one when a check fails. */
  async #flush(d: Driver): Promise<void> {
    const { prefix, dp } = this.#ctx;
    const seen = [...this.#pending];
    this.#pending.clear();
    const opsOf = ([key, raw]: [string, unknown]): DriverOp[] => rewriteOps(prefix, dp + key, key, raw);
    try {
      await d.batch(seen.flatMap(opsOf));
    } catch (e) {
      if (!checkFailed(e)) return this.#ctx.failed(e);
      for (const one of seen) await d.batch(opsOf(one)).catch((err: unknown) => (checkFailed(err) ? undefined : this.#ctx.failed(err))); // written meanwhile: the new value stays
    }
  }
}
