import { toStowageError, type StowageError } from 'stowage';

/** The line under the editor that shows the last result or failure. */
export interface StatusLine {
  /** Shows a successful result. */
  ok(text: string): void;
  /** Shows work in progress (e.g. while a passphrase is being derived). */
  busy(text: string): void;
  /**
   * Shows a failure as `code: message` and returns it as a StowageError. Anything that is not one
   * yet (a bug, a browser exception) is mapped with `toStowageError`, so the line always has a code.
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
      show('error', `${e.code}: ${e.message}${hint ? ` — ${hint}` : ''}`, e.code);
      return e;
    },
  };
}
