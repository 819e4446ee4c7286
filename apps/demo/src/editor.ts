import { inspect } from '@stowage/core';
import type { SetOptions, Storage } from 'stowage';
import { DEMO, emulatorTarget } from './demo-config.js';
import { byTestId } from './dom.js';
import { formatValue, parseValue } from './parse-value.js';
import type { StatusLine } from './status-line.js';

/** What the editor needs from the page. */
export interface EditorOptions {
  /** The `<form>` holding the fields and buttons. */
  form: HTMLFormElement;
  /** The current storage (it changes on unlock, so it is read at every click). */
  storage: () => Storage;
  status: StatusLine;
  /** Where a loaded value is shown; emptied by anything that is not a successful load. */
  output: HTMLElement;
  /** Whether an encryption key is loaded (an `encrypt` save is refused while locked). */
  unlocked: () => boolean;
}

/** The key/value editor: Save / Load / Remove / Clear with TTL, compress and encrypt switches. */
export interface Editor {
  /** Puts a key into the key field and loads it (used by the key browser). */
  load(key: string): Promise<void>;
}

const ABSENT = Symbol('absent');

/** What Clear asks first when the namespace syncs (the cloud copy is deleted too). */
export const CLEAR_SYNCED_WARNING =
  `Clear deletes every key of "${DEMO.prefix}" on this device AND its copy in the cloud (${DEMO.collectionPath}), ` +
  'so every other synced device loses them too. Continue?';

/**
 * Wires the editor form. Input is handed to the storage as typed: it is the storage's job to reject
 * bad keys, TTLs and values with a `StowageError`, and the page only shows what it said.
 */
export function mountEditor(options: EditorOptions): Editor {
  const { form, status, output } = options;
  const field = (id: string): HTMLInputElement => byTestId<HTMLInputElement>(id, form);
  const key = (): string => field('key-input').value;

  const setOptions = (): SetOptions => {
    const ttl = field('ttl-input').value.trim();
    // Unchecked means "never" (not "by size threshold") so the switch always does what it shows.
    const o: SetOptions = { compress: field('compress-switch').checked, encrypt: field('encrypt-switch').checked };
    // Seconds in the UI, milliseconds in the API; "abc" becomes NaN and the storage rejects it.
    if (ttl !== '') o.ttl = Number(ttl) * 1000;
    return o;
  };

  const actions: Record<string, (s: Storage) => Promise<void>> = {
    async save(s) {
      const k = key();
      await s.set(k, parseValue(byTestId<HTMLTextAreaElement>('value-input', form).value), setOptions());
      const info = await inspect(s, k);
      const codecs = info?.codecs.length ? info.codecs.join(' + ') : 'none';
      status.ok(`saved "${k}": ${info?.size ?? '?'} bytes stored (${info?.rawSize ?? '?'} raw), codecs: ${codecs}`);
    },
    async load(s) {
      const k = key();
      const value = await s.get<unknown>(k, ABSENT);
      if (value === ABSENT) {
        status.ok(`"${k}" is absent`);
        return;
      }
      output.textContent = formatValue(value);
      status.ok(`loaded "${k}"`);
    },
    async remove(s) {
      const k = key();
      await s.remove(k);
      status.ok(`removed "${k}"`);
    },
    async clear(s) {
      // A synced namespace has no local-only clear: every key's cloud copy goes too, and with it
      // every other device's. Say so and ask, so a click is never a surprise deletion.
      if (emulatorTarget() && !confirm(CLEAR_SYNCED_WARNING)) {
        status.ok('clear cancelled: nothing deleted');
        return;
      }
      await s.clear();
      status.ok('cleared every key of this namespace');
    },
  };

  /**
   * What a refused input means in the person's terms. The storage says what is wrong in API terms
   * (`encrypt: true needs createStorage({ encryption })`); the form knows which field caused it.
   */
  const hint = (code: string): string | undefined => {
    if (code !== 'invalid-argument') return undefined;
    if (key() === '') return 'Enter a key first: the key names the value.';
    if (field('encrypt-switch').checked && !options.unlocked()) return 'Unlock first: encrypting needs your passphrase (Encryption, below). Nothing was saved.';
    const ttl = field('ttl-input').value.trim();
    if (ttl !== '' && !(Number(ttl) > 0)) return 'TTL: enter a number of seconds above 0, or leave it empty to keep the value for ever.';
    return undefined;
  };

  const run = async (action: string): Promise<void> => {
    const fn = actions[action];
    if (!fn) return;
    output.textContent = '';
    status.busy(`${action}…`);
    try {
      await fn(options.storage());
    } catch (err) {
      status.error(err, action, hint((err as { code?: string }).code ?? ''));
    }
  };

  form.addEventListener('click', (ev) => {
    const button = (ev.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
    if (button) void run(button.dataset.action as string);
  });
  // Enter in a field saves, like a form should; it never reloads the page.
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run('save');
  });

  return {
    load(k) {
      field('key-input').value = k;
      return run('load');
    },
  };
}
