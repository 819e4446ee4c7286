import { byTestId } from './dom.js';
import { formatValue, parseValue } from './parse-value.js';
import type { MiniStorage } from 'stowage';

/** Options of {@link mountMiniConsole}. */
export interface MiniConsoleOptions {
  /** The `<form>` with key/data fields and the three buttons. */
  form: HTMLFormElement;
  /** The current mini-program API (an unlock swaps it for one over the new stowage, already ready). */
  mini: () => MiniStorage;
  /** Shows whether `mini.ready()` has finished. */
  state: HTMLElement;
  /** Shows each call's result or `errMsg`. */
  output: HTMLElement;
}

/** Describes a failure the way a mini-program would see it: the platform's `errMsg` plus Stowage's code. */
function describeFailure(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { errMsg, code, message } = err as { errMsg?: unknown; code?: unknown; message?: unknown };
    const parts = [errMsg ?? message, code].filter((p) => typeof p === 'string' && p !== '');
    if (parts.length > 0) return `fail: ${parts.join(' · ')}`;
  }
  return `fail: ${String(err)}`;
}

/**
 * The mini-program console: `setStorage` (async), `setStorageSync` and `getStorageSync`. Sync
 * calls are served from the mirror `mini.ready()` fills, so their buttons stay disabled until then.
 */
export async function mountMiniConsole(options: MiniConsoleOptions): Promise<void> {
  const { form, state, output } = options;
  const mini = (): MiniStorage => options.mini();
  const key = (): string => byTestId<HTMLInputElement>('mini-key-input', form).value;
  const data = (): unknown => parseValue(byTestId<HTMLInputElement>('mini-data-input', form).value);

  const calls: Record<string, () => Promise<string> | string> = {
    setStorage: async () => {
      const res = await mini().setStorage({ key: key(), data: data() });
      return `setStorage → ${formatValue(res)}`;
    },
    setStorageSync: () => {
      mini().setStorageSync(key(), data());
      return `setStorageSync("${key()}") → ok`;
    },
    getStorageSync: () => `getStorageSync("${key()}") → ${formatValue(mini().getStorageSync(key()))}`,
  };

  form.addEventListener('click', (ev) => {
    const action = (ev.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]')?.dataset.action;
    const call = action ? calls[action] : undefined;
    if (!call) return;
    output.dataset.state = 'busy';
    void (async () => {
      try {
        output.textContent = await call();
        output.dataset.state = 'ok';
      } catch (err) {
        output.textContent = `${action} → ${describeFailure(err)}`;
        output.dataset.state = 'error';
      }
    })();
  });
  form.addEventListener('submit', (ev) => ev.preventDefault());

  try {
    await mini().ready();
    state.textContent = 'mini: ready (Sync API served from the in-memory mirror)';
    state.dataset.state = 'ready';
    for (const b of form.querySelectorAll('button')) b.disabled = false;
  } catch (err) {
    state.textContent = `mini: ${describeFailure(err)}`;
    state.dataset.state = 'error';
  }
}
