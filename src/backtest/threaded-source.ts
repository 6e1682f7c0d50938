import type { Config } from '../config/schema.ts';
import type { Transaction } from '../domain/transaction.ts';
import { FraudError } from '../errors.ts';
import type { HistoryBatch, ReaderRequest } from './reader-protocol.ts';
import type { HistoryRecord } from './source.ts';
import { moduleWorker } from '../util/worker.ts';

/**
 * The transactions topic as `topicHistory` gives it, read, validated and merged on a
 * worker thread: the main thread keeps only the feature path and the rules, the second
 * core reads. Records come in the same order with the same parse results (the main
 * thread JSON-parses the texts the worker validated: the very objects `parseTransaction`
 * returns).
 */
export async function* threadedTopicHistory(config: Config, request: ReaderRequest): AsyncGenerator<HistoryRecord> {
  const worker = moduleWorker(import.meta.url, 'reader-worker', { ...request, config });
  const batches: HistoryBatch[] = [];
  let failure: unknown;
  let exited = false;
  let wake: (() => void) | undefined;
  worker.on('message', (batch: HistoryBatch) => {
    batches.push(batch);
    wake?.();
  });
  worker.on('error', (error) => {
    failure = error;
    wake?.();
  });
  worker.on('exit', () => {
    exited = true;
    wake?.();
  });
  try {
    for (;;) {
      while (batches.length === 0) {
        if (failure !== undefined) throw failure instanceof FraudError ? failure : new FraudError('FRAUD_LOG_IO', 'the history reader failed', { cause: failure });
        if (exited) throw new FraudError('FRAUD_INTERNAL', 'the history reader stopped before the end of the topic');
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const batch = batches.shift() as HistoryBatch;
      worker.postMessage('more');
      for (let i = 0; i < batch.count; i++) {
        const text = batch.texts[i] as HistoryBatch['texts'][number];
        yield {
          parsed: typeof text === 'string' ? { ok: true, transaction: JSON.parse(text) as Transaction, text } : { ok: false, error: text.error, reason: text.reason },
          eventTime: batch.eventTimes[i] as number,
          topic: request.topic,
          partition: batch.partitions[i] as number,
          offset: batch.offsets[i] as number,
          idempotent: batch.idempotent[i] === 1,
        };
      }
      if (batch.done) return;
    }
  } finally {
    await worker.terminate();
  }
}
