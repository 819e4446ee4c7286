import { toStowageError, type StowageError } from 'stowage';
import { errorNodes } from './explain-error.js';

/** The line under the editor that shows the last result or failure. */
export interface StatusLine {
  /** Shows a successful result. */
  ok(text: string): void;
  /** Shows work in progress (e.g. while a passphrase is being derived). */
  busy(text: string): void;
  /**
   * Shows a failure and returns it as a StowageError: first what it means for the person (`hint`,
   * or the sentence for its code from explain-error.ts), then the code and the developer's message
   * (`context: message`) beside it. Anything that is not a StowageError yet (a bug, a browser
   * exception) is mapped with `toStowageError`, so there is always a code.
   */
  error(err: unknown, context: string, hint?: string): StowageError;
}

/** Binds a {@link StatusLine} to an element; `data-state` and `data-code` mirror what is shown. */
export function createStatusLine(el: HTMLElement): StatusLine {
  const show = (state: 'ok' | 'busy' | 'error', text: string, code = ''): void => {
    el.dataset.state = state;
    el.dataset.code = code;
    el.textContent = text;
  };
  return {
    ok: (text) => show('ok', text),
    busy: (text) => show('busy', text),
    error(err, context, hint) {
      const e = toStowageError(err, context);
      show('error', '', e.code);
      el.append(...errorNodes(e, context, hint));
      return e;
    },
  };
}
