/**
 * Wraps an async task so that calls never overlap and bursts collapse: a call made while the task
 * runs schedules exactly one more run after it. Storage events come in bursts (a batch of 100 keys
 * emits 100 events) and each run re-reads everything, so one trailing run covers them all.
 *
 * The returned function resolves once a run that started after the call has finished.
 */
export function createRefresher(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    running = task().finally(() => {
      running = undefined;
    });
    return running;
  };
  return () => {
    if (!running) return start();
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}
