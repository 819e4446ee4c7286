import { byTestId } from './dom.js';
import { mountProgress } from './progress-view.js';
import type { DemoSession } from './session.js';
import type { StatusLine } from './status-line.js';

/** Options of {@link mountEncryptionPanel}. */
export interface EncryptionPanelOptions {
  /** The Encryption `<section>`: unlock form, change-passphrase form, lock state, activity row. */
  root: HTMLElement;
  session: DemoSession;
  /** The page's status line (results and failures, with their codes). */
  status: StatusLine;
  /** Emptied on unlock: a value shown before must not stay on screen under another key. */
  output: HTMLElement;
  /** Called after a passphrase change (the key table shows the new ciphertext sizes). */
  onChanged: () => void;
}

/**
 * Unlock (re-creates the stowage with the passphrase's key) and Change passphrase (`rotateKey`),
 * each with its progress in the panel's activity row: the unlock as steps (the PBKDF2 derivation
 * alone takes seconds and reports nothing), the rotation as "n of m values re-encrypted".
 */
export function mountEncryptionPanel(o: EncryptionPanelOptions): void {
  const { root, session, status } = o;
  const lockState = byTestId('lock-state', root);
  const activity = mountProgress(byTestId('crypto-activity', root));

  byTestId<HTMLFormElement>('unlock-form', root).addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = byTestId<HTMLInputElement>('passphrase-input', root);
    const passphrase = input.value;
    // The field is emptied at once: the passphrase lives on only inside the codec, in memory.
    input.value = '';
    o.output.textContent = '';
    status.busy('unlocking…');
    activity.start('unlocking…');
    session
      .unlock(passphrase, (s) => {
        activity.update(`step ${s.index} of ${s.of}: ${s.text}`, s.index - 1, s.of);
        status.busy(`unlocking: ${s.text}…`);
      })
      .then(
        () => {
          lockState.textContent = 'unlocked: encrypt is available; encrypted values can be read';
          lockState.dataset.state = 'unlocked';
          activity.done('unlocked');
          status.ok('unlocked');
        },
        (err: unknown) => {
          const e = status.error(err, 'unlock');
          activity.fail(e.code === 'decrypt-failed' ? 'not unlocked: wrong passphrase' : `not unlocked (${e.code})`);
        },
      );
  });

  byTestId<HTMLFormElement>('rekey-form', root).addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = byTestId<HTMLInputElement>('new-passphrase-input', root);
    const passphrase = input.value;
    input.value = '';
    status.busy('changing the passphrase…');
    activity.start('changing the passphrase: deriving the new key and writing the keyring…');
    session
      .changePassphrase(passphrase, (done, total) => {
        activity.update(`re-encrypting: ${done} of ${total} encrypted values`, done, total);
        status.busy(`re-encrypting under the new passphrase… ${done} of ${total}`);
      })
      .then(
        (r) => {
          activity.done(`passphrase changed: ${r.reencoded} values re-encrypted under the new key; the old key is retired`);
          status.ok(`passphrase changed: ${r.reencoded} values re-encrypted, key ${r.from} retired, key ${r.to} current`);
          o.onChanged();
        },
        (err: unknown) => {
          const e = status.error(err, 'change passphrase', session.unlocked ? undefined : 'Unlock with the current passphrase first, then choose the new one.');
          activity.fail(`passphrase not changed (${e.code})`);
        },
      );
  });
}
