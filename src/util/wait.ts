import type { EventEmitter } from 'node:events';

/** Resolves after `ms`, or earlier when the signal aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Resolves true when `event` fires on `emitter` within `ms`, false on timeout or abort.
 * Cleans up its listeners either way, so calling it in a loop does not leak.
 */
export function waitForEvent(emitter: EventEmitter, event: string, ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const finish = (fired: boolean): void => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
      signal?.removeEventListener('abort', onAbort);
      resolve(fired);
    };
    const onEvent = (): void => finish(true);
    const onAbort = (): void => finish(false);
    const timer = setTimeout(() => finish(false), ms);
    emitter.on(event, onEvent);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
