import { FraudError } from '../errors.ts';
import { produceItems } from '../generator/producer.ts';
import type { Log } from '../log/types.ts';
import { requireKafka, withKafkaLog, type StageContext } from './context.ts';
import type { Progress } from './progress.ts';
import { createTopics, freshTopics } from './topics.ts';
import type { ClientFigures } from './types.ts';
import { WORKLOAD_SEED, workloadItems } from './workload.ts';

const MB = 1024 * 1024;
/** How long our consumer may see nothing before the stage gives up. */
const IDLE_LIMIT_MS = 30_000;

/**
 * Stage (b): our producer as `fraud produce --rate 0` runs it (generation, JSON, the Log's
 * idempotent producer, batches of up to 1,000 awaited in turn), after a warm-up; then a
 * group consumer of the Log reading those records back and doing nothing with them.
 */
export async function runClients(context: StageContext): Promise<ClientFigures> {
  const target = requireKafka(context);
  const topics = freshTopics('b');
  context.createdTopics.push(topics);
  const { clientRecords } = context.sizes;
  const warmup = Math.max(1000, Math.round(clientRecords / 10));
  const meanBytes = context.workload.figures.meanBytes;
  return withKafkaLog(target, async (log) => {
    await createTopics(log, [topics.transactions]);
    const perSec = await timeProducer(log, topics.transactions, { records: clientRecords, warmup, progress: context.progress });
    const consumed = await timeConsumer(log, topics.transactions, warmup + clientRecords, context.progress);
    return {
      producer: { records: clientRecords, recordsPerSec: Math.round(perSec), mbPerSec: round((perSec * meanBytes) / MB) },
      generatorOnlyPerSec: Math.round(timeGenerator(clientRecords)),
      consumer: { records: warmup + clientRecords, recordsPerSec: Math.round(consumed), mbPerSec: round((consumed * meanBytes) / MB) },
    };
  });
}

interface ProducerRun {
  records: number;
  warmup: number;
  progress: Progress;
}

/** Sends `warmup` untimed, then times `records` more; returns records per second. */
export async function timeProducer(log: Log, topic: string, run: ProducerRun): Promise<number> {
  const producer = await log.createProducer();
  const never = new AbortController().signal;
  try {
    // Separate streams: produceItems closes the iterator it stops in.
    await produceItems({ producer, items: workloadItems(topic, WORKLOAD_SEED + 2), rate: 0, count: run.warmup }, never);
    run.progress.begin(`b our producer (${log.kind})`, run.records, 'records');
    let sent = 0;
    const started = performance.now();
    const items = workloadItems(topic);
    await produceItems({ producer, items, rate: 0, count: run.records, onSent: (batch) => run.progress.update((sent += batch.length)) }, never);
    const perSec = (run.records * 1000) / (performance.now() - started);
    run.progress.end(`${Math.round(perSec)} records/s`);
    return perSec;
  } finally {
    await producer.close();
  }
}

/** Polls batches of 500 until `records` were read; the rate runs from the first record to the last. */
async function timeConsumer(log: Log, topic: string, records: number, progress: Progress): Promise<number> {
  const consumer = await log.createConsumer({ topics: [topic], groupId: `${topic}.reader`, startFrom: 'earliest' });
  try {
    progress.begin(`b our consumer (${log.kind})`, records, 'records');
    let read = 0;
    let first: { at: number; count: number } | undefined;
    let lastRecordAt = performance.now();
    while (read < records) {
      const batch = await consumer.poll({ maxRecords: 500, maxWaitMs: 1000 });
      const now = performance.now();
      if (batch.length === 0 && now - lastRecordAt > IDLE_LIMIT_MS) throw new FraudError('FRAUD_LOG_TIMEOUT', `only ${read} of ${records} records came back`);
      if (batch.length === 0) continue;
      lastRecordAt = now;
      read += batch.length;
      first ??= { at: now, count: batch.length };
      progress.update(read);
    }
    const perSec = first && lastRecordAt > first.at ? ((read - first.count) * 1000) / (lastRecordAt - first.at) : 0;
    progress.end(`${Math.round(perSec)} records/s`);
    return perSec;
  } finally {
    await consumer.close();
  }
}

/** The generator and JSON.stringify alone, as produce runs them, with nothing sent. */
export function timeGenerator(records: number): number {
  const items = workloadItems('none', WORKLOAD_SEED + 1);
  const started = performance.now();
  let bytes = 0;
  for (let i = 0; i < records; i++) bytes += items.next().value?.display.length ?? 0;
  const elapsed = performance.now() - started;
  return bytes > 0 ? (records * 1000) / elapsed : 0;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
