import type { Codec, CodecContext } from './codec.js';
import type { Driver } from './driver.js';
import type { LockPort } from './ports.js';
import { StowageError } from './errors.js';
import type { SerializedValue } from './serialize.js';

/** Which codecs a write asks for. */
export interface EncodeIntent {
  /** `true` forces compression (still kept only if smaller); `false` forbids it; `undefined` = by threshold. */
  compress?: boolean;
  encrypt?: boolean;
}

/** The payload of a record after the pipeline. */
export interface Encoded {
  value?: unknown;
  data?: Uint8Array;
  codecs: string[];
  /** Bytes of the stored payload (JSON text, or encoded bytes). */
  bytes: number;
}

/** Where a codec's metadata lives: the storage's driver, under its prefix (see meta-store.ts). */
export interface MetaPlace {
  driver(): Promise<Driver>;
  /** Locks for creating metadata once across tabs. @default Web Locks, else in-process */
  locks?: LockPort;
  prefix: string;
  /** The driver's scope (names the lock). */
  scope: string;
}

/** The byte work (codec-run.ts), loaded on first need. */
const loadRun = (): Promise<typeof import('./codec-run.js')> => import('./codec-run.js');

/**
 * serialize → compress → encrypt, and back. This class knows the codecs and decides what a record
 * needs; running codecs happens in a lazily loaded module, so values stored without codecs never
 * load it. Codecs are initialised lazily on first use, once; an initialisation failure (e.g. wrong
 * passphrase) fails only the records that need that codec.
 */
export class CodecPipeline {
  readonly compression: Codec | undefined;
  readonly encryption: Codec | undefined;
  /** Where codec metadata lives. */
  readonly meta: MetaPlace;
  /** The context handed to codecs' `init` (built by codec-run.ts on first init). */
  ctx: CodecContext | undefined;
  /** Each codec's `init()`, started once (used by codec-run.ts). */
  readonly ready = new Map<Codec, Promise<void>>();
  readonly #byId = new Map<string, Codec>();
  readonly #threshold: number;

  constructor(options: { compression?: Codec; encryption?: Codec; codecs?: readonly Codec[]; compressThreshold: number; meta: MetaPlace }) {
    this.compression = options.compression;
    this.encryption = options.encryption;
    this.#threshold = options.compressThreshold;
    this.meta = options.meta;
    for (const c of [...(options.codecs ?? []), options.compression, options.encryption]) {
      if (c) this.#byId.set(c.id, c);
    }
    if (this.compression && this.compression.kind !== 'compression') {
      throw new StowageError('invalid-argument', `codec "${this.compression.id}" is not a compression codec`);
    }
    if (this.encryption && this.encryption.kind !== 'encryption') {
      throw new StowageError('invalid-argument', `codec "${this.encryption.id}" is not an encryption codec`);
    }
    // A storage that writes through codecs needs the byte code at its first write: fetch it now.
    if (this.compression || this.encryption) loadRun().catch(() => undefined);
  }

  /** The codec registered under `id`, if any. */
  codec(id: string): Codec | undefined {
    return this.#byId.get(id);
  }

  /** Whether any of `ids` is an encryption codec (unknown ids count as opaque, i.e. encrypted). */
  isEncrypted(ids: readonly string[]): boolean {
    return ids.some((id) => this.#byId.get(id)?.kind !== 'compression');
  }

  /** Runs the pipeline over a serialized value. */
  async encode(s: SerializedValue, intent: EncodeIntent, key: string): Promise<Encoded> {
    const compress =
      this.compression !== undefined && intent.compress !== false && (intent.compress === true || s.bytes >= this.#threshold);
    // `s.value` (the parsed snapshot) is read only for records stored unencoded.
    if (!compress && !intent.encrypt) return { value: s.value, codecs: [], bytes: s.bytes };
    return (await loadRun()).encodeBytes(this, s, intent, compress, key);
  }

  /** Decodes a payload written with `codecs` back to the value. */
  async decode(payload: { value?: unknown; data?: Uint8Array; codecs: readonly string[] }, key: string): Promise<unknown> {
    if (payload.codecs.length === 0) return payload.value;
    return (await loadRun()).decodeValue(this, payload.data, payload.codecs, key);
  }

  /** Undoes `codecs` (in reverse) on `data`, returning the serialized JSON bytes. */
  async decodeBytes(data: Uint8Array | undefined, codecs: readonly string[], key: string): Promise<Uint8Array> {
    return (await loadRun()).decodeBytes(this, data, codecs, key);
  }
}
