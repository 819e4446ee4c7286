import { element } from './dom.js';

/**
 * One long action on screen (unlock, passphrase change, outbox drain, full sync, backup, restore):
 * a bar, what is happening now, the time it has taken, and how it ended. Anything that can take more
 * than a few hundred milliseconds goes through one, so the page never looks frozen.
 */
export interface ProgressView {
  /** Starts an action. The bar is indeterminate (moving) until {@link ProgressView.update} gives a total. */
  start(text: string): void;
  /** What is happening now and, when known, how far: `done` of `total`. */
  update(text: string, done?: number, total?: number): void;
  /** Ends the action: full bar, the result and how long it took (`data-state="done"`). */
  done(text: string): void;
  /** Ends the action with a failure (`data-state="error"`). */
  fail(text: string): void;
  /** Whether an action is running. */
  readonly busy: boolean;
}

/**
 * Builds a {@link ProgressView} inside `root` (a `<progress>` already in it is reused, so its test id
 * stays). `root` carries `data-state` (`idle | busy | done | error`), `data-done` and `data-total`;
 * the elapsed time is in `.elapsed` (`data-volatile`: screenshots mask it, it is a clock).
 */
export function mountProgress(root: HTMLElement): ProgressView {
  const bar = root.querySelector('progress') ?? root.appendChild(element('progress'));
  const text = root.appendChild(element('span', { class: 'progress-text', 'data-role': 'text' }));
  const elapsed = root.appendChild(element('span', { class: 'elapsed', 'data-volatile': '' }));
  root.classList.add('activity');
  root.dataset.state = 'idle';
  let startedAt = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const seconds = (): string => `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
  const stopClock = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  const end = (state: 'done' | 'error', message: string): void => {
    stopClock();
    root.dataset.state = state;
    text.textContent = message;
    elapsed.textContent = `(${seconds()})`;
    if (state === 'done') {
      bar.max = 1;
      bar.value = 1;
      // Done means all of it: a count shown as "n of m" ends at m of m.
      if (root.dataset.total !== undefined) root.dataset.done = root.dataset.total;
    }
  };
  return {
    get busy() {
      return root.dataset.state === 'busy';
    },
    start(message) {
      stopClock();
      startedAt = performance.now();
      root.dataset.state = 'busy';
      delete root.dataset.done;
      delete root.dataset.total;
      // No value attribute = an indeterminate bar: something is happening, how much is not known yet.
      bar.removeAttribute('value');
      text.textContent = message;
      elapsed.textContent = '';
      // A ticking clock shows the page is alive through a derivation that reports nothing for seconds.
      timer = setInterval(() => (elapsed.textContent = seconds()), 100);
    },
    update(message, done, total) {
      text.textContent = message;
      if (total !== undefined && done !== undefined) {
        bar.max = Math.max(1, total);
        bar.value = total === 0 ? bar.max : Math.min(done, total);
        root.dataset.done = String(done);
        root.dataset.total = String(total);
      } else {
        bar.removeAttribute('value');
      }
    },
    done: (message) => end('done', message),
    fail: (message) => end('error', message),
  };
}
