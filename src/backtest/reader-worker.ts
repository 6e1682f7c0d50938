import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/schema.ts';
import { openLog } from '../log/open.ts';
import { topicHistory, type HistoryRecord } from './source.ts';
import { BATCH_RECORDS, CREDITS, type HistoryBatch, type ReaderRequest } from './reader-protocol.ts';

/**
 * The reading half of a backtest, on its own thread: reads the topic with the log's plain
 * reads, validates every record and merges the partitions in the detector's order, and
 * hands the main thread batches of validated texts (which it only has to JSON.parse). A
 * few batches in flight at most, so a slow main thread holds the reader back.
 */
const request = workerData as ReaderRequest & { config: Config };
const port = parentPort;
if (!port) throw new Error('reader-worker runs as a worker thread');
let credits = CREDITS;
let wake: (() => void) | undefined;
port.on('message', (message: unknown) => {
  if (message === 'more') {
    credits++;
    wake?.();
  }
});

const log = await openLog(request.config);
try {
  let batch = emptyBatch();
  for await (const record of topicHistory(log, request.topic, { maxRecordBytes: request.maxRecordBytes })) {
    add(batch, record);
    if (batch.count === BATCH_RECORDS) {
      await send(batch);
      batch = emptyBatch();
    }
  }
  batch.done = true;
  await send(batch);
} finally {
  await log.close();
}

function emptyBatch(): HistoryBatch {
  return {
    count: 0,
    texts: [],
    eventTimes: new Float64Array(BATCH_RECORDS),
    partitions: new Int32Array(BATCH_RECORDS),
    offsets: new Float64Array(BATCH_RECORDS),
    idempotent: new Uint8Array(BATCH_RECORDS),
    done: false,
  };
}

function add(batch: HistoryBatch, record: HistoryRecord): void {
  const i = batch.count++;
  // A text for a transaction, an error (code and reason) for a record the detector would dead-letter.
  batch.texts.push(record.parsed.ok ? record.parsed.text : { error: record.parsed.error, reason: record.parsed.reason });
  batch.eventTimes[i] = record.eventTime;
  batch.partitions[i] = record.partition;
  batch.offsets[i] = record.offset;
  batch.idempotent[i] = record.idempotent ? 1 : 0;
}

async function send(batch: HistoryBatch): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
  credits--;
  (port as NonNullable<typeof port>).postMessage(batch, [batch.eventTimes.buffer, batch.partitions.buffer, batch.offsets.buffer, batch.idempotent.buffer] as ArrayBuffer[]);
}
