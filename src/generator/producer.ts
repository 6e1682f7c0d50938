import { Backoff, isTransientLogError } from '../log/retry.ts';
import type { LogProducer, OutgoingRecord } from '../log/types.ts';
import { sleep } from '../util/wait.ts';
import type { ProducerItem } from './items.ts';

export interface ProduceOptions {
  producer: LogProducer;
  items: Iterable<ProducerItem> | AsyncIterable<ProducerItem>;
  /** Items per second; 0 sends as fast as the log accepts them. */
  rate: number;
  /** Stop after this many items. */
  count?: number;
  /** Largest batch handed to the log at once. */
  maxBatch?: number;
  onSent?: (items: ProducerItem[]) => void;
  /** Told of each failed send that will be retried (broker away, timeout), e.g. to log a warning. */
  onRetry?: (error: unknown, retry: { attempt: number; delayMs: number }) => void;
}

/**
 * Sends items on schedule: each is due at its own time (generated traffic) or one per
 * 1/rate seconds (replays). Whatever is due goes in one batch, so high rates cost few
 * round trips, and the next batch waits for the last one (back-pressure, no unbounded buffer).
 */
export async function produceItems(options: ProduceOptions, signal: AbortSignal): Promise<number> {
  const maxBatch = options.maxBatch ?? 1000;
  const started = performance.now();
  let batch: ProducerItem[] = [];
  let sent = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const records: OutgoingRecord[] = [];
    for (const item of batch) for (const record of item.records) records.push(record);
    await sendUntilDone(options, records, signal);
    sent += batch.length;
    options.onSent?.(batch);
    batch = [];
  };
  for await (const item of options.items) {
    if (signal.aborted || (options.count !== undefined && sent + batch.length >= options.count)) break;
    if (options.rate > 0) {
      const dueMs = (item.dueMs ?? (item.index * 1000) / options.rate) - (performance.now() - started);
      if (dueMs > 1) {
        await flush();
        await sleep(dueMs, signal);
        if (signal.aborted) break;
      }
    }
    batch.push(item);
    if (batch.length >= maxBatch) await flush();
  }
  await flush();
  return sent;
}

/**
 * Sends one batch, waiting out transient failures (the broker restarting) with backoff
 * instead of giving up. The same record objects go again, which the Kafka producer treats
 * as a retry: what the broker wrote before the failure is not written twice. Stopping
 * (the signal) ends the waiting; the batch is then reported as failed.
 */
async function sendUntilDone(options: ProduceOptions, records: OutgoingRecord[], signal: AbortSignal): Promise<void> {
  const backoff = new Backoff();
  for (;;) {
    try {
      await options.producer.send(records);
      return;
    } catch (error) {
      if (!isTransientLogError(error) || signal.aborted) throw error;
      const delayMs = backoff.next();
      options.onRetry?.(error, { attempt: backoff.attempts, delayMs });
      await sleep(delayMs, signal);
    }
  }
}
