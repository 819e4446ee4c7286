import type { Storage } from '@stowage/core';
import { byTestId } from './dom.js';
import { mountEditor } from './editor.js';
import { mountKeyBrowser } from './key-browser.js';
import { mountMiniConsole } from './mini-console.js';
import { createRefresher } from './refresher.js';
import { createDemoSession, type DemoMini } from './session.js';
import { createStatusLine } from './status-line.js';
import { formatUsage } from './usage-line.js';

declare global {
  interface Window {
    /**
     * Debugging aid: the live storages, for the console and for e2e specs that check raw state.
     * `storage` is a getter because unlocking replaces the storage. Not an API: pages must not use it.
     */
    __stowage: { readonly storage: Storage; readonly mini: DemoMini };
  }
}

const session = createDemoSession();
Object.defineProperty(window, '__stowage', {
  value: Object.freeze({
    get storage() {
      return session.storage;
    },
    get mini() {
      return session.mini;
    },
  }),
});

const status = createStatusLine(byTestId('status'));
const usage = byTestId('usage');
const lockState = byTestId('lock-state');

const editor = mountEditor({
  form: byTestId<HTMLFormElement>('editor'),
  storage: () => session.storage,
  status,
  output: byTestId('value-output'),
});

const keyBrowser = mountKeyBrowser({ body: byTestId('key-rows'), onSelect: (key) => void editor.load(key) });

/** Re-reads the table and the usage line; bursts of events collapse into one trailing re-read. */
const refresh = createRefresher(async () => {
  const storage = session.storage;
  try {
    const [entries, info] = await Promise.all([storage.inspect(), storage.info()]);
    keyBrowser.render(entries, Date.now());
    usage.textContent = formatUsage(info);
  } catch (err) {
    // A swap closes the old storage mid-read; the swap's own refresh brings the right data.
    if (storage === session.storage) usage.textContent = `usage unavailable: ${status.error(err, 'refresh').code}`;
  }
});

let unsubscribe = (): void => undefined;
const watch = (storage: Storage): void => {
  unsubscribe();
  // Local and remote (other tabs, through BroadcastChannel) changes alike re-read the table.
  unsubscribe = storage.subscribe((event) => {
    if (event.type === 'error') status.error(event.error, event.operation);
    void refresh();
  });
  void refresh();
};
watch(session.storage);
session.onSwap(watch);

// Countdowns tick every second; a key that reaches 0 makes the table re-read (inspect() drops it).
setInterval(() => {
  if (keyBrowser.tick(Date.now())) void refresh();
}, 1000);

byTestId<HTMLFormElement>('unlock-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = byTestId<HTMLInputElement>('passphrase-input');
  const passphrase = input.value;
  // The field is emptied at once: the passphrase lives on only inside the codec, in memory.
  input.value = '';
  byTestId('value-output').textContent = '';
  status.busy('deriving the key from the passphrase…');
  session.unlock(passphrase).then(
    () => {
      lockState.textContent = 'unlocked: encrypt is available; encrypted values can be read';
      lockState.dataset.state = 'unlocked';
      status.ok('unlocked');
    },
    (err: unknown) => status.error(err, 'unlock'),
  );
});

void mountMiniConsole({
  form: byTestId<HTMLFormElement>('mini-form'),
  mini: session.mini,
  state: byTestId('mini-state'),
  output: byTestId('mini-output'),
});
