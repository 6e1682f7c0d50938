import { produceItems } from '../generator/producer.ts';
import type { Log } from '../log/types.ts';
import type { Progress } from './progress.ts';
import { workloadItems } from './workload.ts';

/** Fills an input topic with N generated transactions, as fast as the log takes them (untimed). */
export async function prefill(log: Log, topic: string, records: number, progress: Progress): Promise<void> {
  const producer = await log.createProducer();
  try {
    progress.begin(`  pre-fill ${log.kind} input`, records, 'records');
    let sent = 0;
    const started = performance.now();
    await produceItems(
      { producer, items: workloadItems(topic), rate: 0, count: records, maxBatch: 2000, onSent: (batch) => progress.update((sent += batch.length)) },
      new AbortController().signal,
    );
    progress.end(`${records} records in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await producer.close();
  }
}
