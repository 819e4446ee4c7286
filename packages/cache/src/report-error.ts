/** Errors with no caller to reject go to core's `reportError` (the platform's, else an async rethrow). */
export { reportError } from '@stowage/core';
