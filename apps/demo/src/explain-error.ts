import type { StowageError, StowageErrorCode } from 'stowage';
import { element } from './dom.js';

/**
 * What each error code means for the person using the page, in their words. The toolkit's own
 * message is written for a developer (`encrypt: true needs createStorage({ encryption })`); the page
 * shows this sentence first and the code and that message beside it, for whoever reports a bug.
 */
const BY_CODE: Record<StowageErrorCode, string> = {
  'invalid-argument': 'That input was refused.',
  'not-found': 'There is nothing by that name.',
  'quota-exceeded': "The browser's storage for this site is full: remove keys or download a backup and clear.",
  'too-large': 'Too big to store: one value may be at most 1 MB.',
  unavailable: 'Not reachable right now. Local changes are kept and sent later.',
  aborted: 'Stopped before it finished; nothing was changed.',
  'decode-failed': 'The stored value could not be read back.',
  'decrypt-failed': 'Wrong passphrase: it does not open the encrypted values stored here.',
  conflict: 'Changed somewhere else at the same time: try again.',
  'permission-denied': 'The cloud refused this change (no permission).',
  closed: 'The store was reopened meanwhile (an unlock replaces it): try again.',
  internal: 'Something went wrong inside Stowage. The detail beside this helps to report it.',
};

/** The person-facing sentence for `e`, or `hint` when the caller knows better what went wrong. */
export function explainError(e: StowageError, hint?: string): string {
  if (hint) return hint;
  // The one decode failure a person can fix: the value is encrypted and the page is locked.
  if (e.code === 'decode-failed' && e.details.codec === 'aes-gcm') return 'This value is encrypted: unlock with its passphrase first (Encryption, below).';
  return BY_CODE[e.code];
}

/**
 * A failure as the page shows it: the sentence for the person, then the code (`<code>`) and the
 * developer's `context: message` beside it, smaller.
 */
export function errorNodes(e: StowageError, context: string, hint?: string): Node[] {
  return [
    element('span', { 'data-role': 'explanation' }, explainError(e, hint)),
    document.createTextNode(' '),
    element('code', { class: 'code', 'data-role': 'code', title: 'error code (StowageError.code)' }, e.code),
    document.createTextNode(' '),
    element('span', { class: 'detail', 'data-role': 'detail' }, `${context}: ${e.message}`),
  ];
}
