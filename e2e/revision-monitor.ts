import { cloudDocs } from './cloud-docs.js';
import type { Emulator } from './fixtures.js';

/**
 * Watches the cloud revision (HLC) of every key document of a collection while a test runs and
 * records each time one went back. It samples by reading the emulator directly (not through a fault
 * proxy), one read at a time, so its samples are a sequence of the cloud's states in order: a
 * revision that goes back and stays back until the next sample is caught; one that goes back and
 * forward again between two samples is not (sampling often, after every step, narrows that gap).
 */
export class RevisionMonitor {
  readonly #emulator: Emulator;
  readonly #collection: string;
  /** Each key's revision in the last sample, with the value it carried. */
  readonly #last = new Map<string, { hlc: string; value: unknown }>();
  readonly #backwards: string[] = [];
  #samples = 0;
  /** What the test is doing now (e.g. `step 12`), named in the report of a move back. */
  phase = 'start';
  #loop: Promise<void> | undefined;
  #stopped = false;
  /** Serialises samples: the one in the loop and the ones a test asks for never overlap. */
  #queue: Promise<void> = Promise.resolve();

  constructor(emulator: Emulator, collection: string) {
    this.#emulator = emulator;
    this.#collection = collection;
  }

  /** Takes one sample now (after the one in progress, if any). */
  sample(): Promise<void> {
    this.#queue = this.#queue.catch(() => undefined).then(() => this.#take());
    return this.#queue;
  }

  /** Samples in the background, one after another with `pauseMs` between, until {@link stop}. */
  start(pauseMs = 25): void {
    this.#loop ??= (async () => {
      while (!this.#stopped) {
        await this.sample();
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    })();
  }

  /** Ends the background sampling and takes a last sample. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    await this.sample();
  }

  /** Every backward move seen, described (empty: revisions only moved forward). */
  get backwards(): readonly string[] {
    return [...this.#backwards];
  }

  /** How many samples were taken. */
  get samples(): number {
    return this.#samples;
  }

  async #take(): Promise<void> {
    const docs = await cloudDocs(this.#emulator, this.#collection);
    this.#samples++;
    // Against the previous sample, so each move back is reported once (the revisions after it are
    // judged from where it went).
    for (const [key, doc] of docs) {
      const seen = this.#last.get(key);
      if (seen && doc.hlc < seen.hlc) {
        this.#backwards.push(`${key}: ${seen.hlc} (${JSON.stringify(seen.value)}) → ${doc.hlc} (${JSON.stringify(doc.value)}) during ${this.phase}`);
      }
      this.#last.set(key, { hlc: doc.hlc, value: doc.value });
    }
    for (const key of [...this.#last.keys()]) {
      if (!docs.has(key)) {
        this.#backwards.push(`${key}: its document disappeared during ${this.phase}`);
        this.#last.delete(key);
      }
    }
  }
}
