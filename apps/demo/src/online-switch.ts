import { defaultOnline, type OnlinePort } from 'stowage';

/** An {@link OnlinePort} the page can force offline, on top of the browser's own view. */
export interface OnlineSwitch extends OnlinePort {
  /** Whether the user switched the app offline. */
  readonly forcedOffline: boolean;
  /** Forces the app offline (true) or gives connectivity back to the browser's view (false). */
  forceOffline(value: boolean): void;
}

/**
 * Online = the browser says so (`navigator.onLine` + events, which Playwright's `setOffline` drives)
 * AND the user has not flipped the demo's switch. Listeners hear only real changes of that value.
 */
export function createOnlineSwitch(platform: OnlinePort = defaultOnline()): OnlineSwitch {
  let forced = false;
  const listeners = new Set<(online: boolean) => void>();
  const value = (): boolean => !forced && platform.isOnline();
  let last = value();
  const update = (): void => {
    const next = value();
    if (next === last) return;
    last = next;
    for (const l of [...listeners]) l(next);
  };
  platform.subscribe(update);
  return {
    isOnline: value,
    get forcedOffline() {
      return forced;
    },
    forceOffline(v) {
      forced = v;
      update();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
