import { isFraudError } from '../errors.ts';
import type { LogConsumer, LogRecord } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';
import { sleep } from '../util/wait.ts';

export interface ReaderState {
  ok: boolean;
  detail: string;
}

export interface ReadLoopOptions {
  consumer: LogConsumer;
  maxRecords: number;
  signal: AbortSignal;
  logger: Logger;
  /** Names the reader in log lines, e.g. "dashboard feed". */
  what: string;
  onRecords: (records: LogRecord[]) => void;
  onState?: (state: ReaderState) => void;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Polls until the signal, handing each batch over. A failed poll is retried with a
 * growing pause (a broker restarting, a topic not created yet) instead of ending the
 * server; a closed log ends the loop, since nothing will come again.
 */
export async function readLoop(options: ReadLoopOptions): Promise<void> {
  const { consumer, signal, logger } = options;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const records = await consumer.poll({ maxRecords: options.maxRecords, maxWaitMs: 1000, signal });
      failures = 0;
      options.onState?.({ ok: true, detail: 'reading' });
      if (records.length === 0) continue;
      options.onRecords(records);
      // A log with records always ready answers without I/O in between: let the sockets
      // drain and the server answer requests before the next batch.
      await new Promise((resolve) => setImmediate(resolve));
    } catch (error) {
      if (signal.aborted) break;
      failures++;
      options.onState?.({ ok: false, detail: error instanceof Error ? error.message : String(error) });
      if (isFraudError(error, 'FRAUD_LOG_CLOSED')) {
        logger.error({ err: error }, `${options.what} stopped: the log is closed`);
        break;
      }
      const backoff = Math.min(MAX_BACKOFF_MS, 250 * 2 ** failures);
      logger.warn({ err: error, retryInMs: backoff }, `${options.what} could not read the log`);
      await sleep(backoff, signal);
    }
  }
}
