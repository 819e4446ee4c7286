import type { Driver } from '../driver.js';
import { toStowageError } from '../errors.js';
import type { StowageError } from '../errors.js';

/**
 * Opens `primary` once, on first need. When it is `unavailable` (private mode, blocked) and there
 * is a `fallback` (e.g. a memory driver), that takes its place and `onFallback` is told; any other
 * failure is thrown and the next call tries again.
 */
export function driverOpener(primary: Driver, fallback: Driver | undefined, onFallback: (to: Driver, error: StowageError) => void): DriverOpener {
  let opening: Promise<Driver> | undefined;
  const open = (): Promise<Driver> => {
    opening ??= (async () => {
      try {
        await primary.open();
        return primary;
      } catch (e) {
        const err = toStowageError(e, `open ${primary.name}`);
        if (!fallback || err.code !== 'unavailable') {
          opening = undefined; // let a later call try again
          throw err;
        }
        await fallback.open();
        onFallback(fallback, err);
        return fallback;
      }
    })();
    return opening;
  };
  return { open, opened: () => (opening ? opening.catch(() => undefined) : Promise.resolve(undefined)) };
}

/** The driver of a storage, opened on first need. */
export interface DriverOpener {
  open(): Promise<Driver>;
  /** The driver if one was opened (or is opening), else `undefined`. */
  opened(): Promise<Driver | undefined>;
}
