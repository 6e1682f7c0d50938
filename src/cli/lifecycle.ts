import type { Logger } from '../observability/logger.ts';

/**
 * Turns SIGINT/SIGTERM into an abort signal: the work in flight finishes and commits,
 * then the command returns. A second signal exits at once, for a user who means it.
 */
export async function untilStopped<T>(logger: Logger, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      logger.warn({ signal: name }, 'second signal: exiting now');
      process.exit(130);
    }
    logger.info({ signal: name }, 'stopping: finishing the work in flight');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
