import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { eventTimeOf } from '../domain/transaction.ts';
import { parseTransaction, type ParseResult } from '../domain/validation.ts';
import { PartitionQueue } from '../detector/input/partition-queue.ts';
import type { InputItem } from '../detector/input/merged-input.ts';
import { IDEMPOTENT_HEADER } from '../detector/processor.ts';
import { FraudError } from '../errors.ts';
import type { Log, LogRecord } from '../log/types.ts';

/** One transaction record of the history, parsed once, in the order the detector applies it. */
export interface HistoryRecord {
  parsed: ParseResult;
  eventTime: number;
  /** Where it was read (partition 0 and the line number for a file): names the decision of a record without an id. */
  topic: string;
  partition: number;
  offset: number;
  /** It asked to be decided once (the decision API's header): a second one of an id is a duplicate. */
  idempotent: boolean;
}

export interface SourceLimits {
  maxRecordBytes: number;
}

/**
 * A JSON-lines file, line by line in file order: the order it was streamed in (a file
 * written by the generator or by `fraud consume` is in event-time order already).
 * `read.bytes` follows how far it has read (about: characters), for a progress bar.
 */
export async function* fileHistory(path: string, limits: SourceLimits, read: { bytes: number } = { bytes: 0 }): AsyncGenerator<HistoryRecord> {
  const input = createReadStream(path);
  await new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (cause: Error) => reject(new FraudError('FRAUD_INPUT_FILE', `cannot read ${path}`, { cause })));
  });
  // Read time stands in for arrival time: only transactions without a timestamp use it.
  const arrival = Date.now();
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    read.bytes += text.length + 1;
    if (text.trim().length === 0) continue;
    const parsed = parseTransaction(Buffer.from(text), limits);
    const eventTime = parsed.ok ? eventTimeOf(parsed.transaction, arrival) : arrival;
    yield { parsed, eventTime, topic: path, partition: 0, offset: line - 1, idempotent: false };
  }
}

const READ_BATCH = 5000;

/**
 * Every record of a topic in the detector's own merged order (event time, then id, then
 * partition: the detector's PartitionQueue decides), read with the log's plain reads,
 * outside any consumer group: nothing is committed, no live group sees a member join.
 */
export async function* topicHistory(log: Log, topic: string, limits: SourceLimits): AsyncGenerator<HistoryRecord> {
  const readers: TopicPartitionReader[] = [];
  for (const bounds of await log.partitionBounds(topic)) {
    const reader = new TopicPartitionReader({ log, topic, partition: bounds.partition, start: bounds.start, end: bounds.end, limits });
    if (await reader.fill()) readers.push(reader);
  }
  while (readers.length > 0) {
    let first = 0;
    for (let i = 1; i < readers.length; i++) if ((readers[i] as TopicPartitionReader).queue.headBefore((readers[first] as TopicPartitionReader).queue)) first = i;
    const reader = readers[first] as TopicPartitionReader;
    const item = reader.queue.shift();
    const { record } = item;
    yield { parsed: item.parsed, eventTime: item.eventTime, topic, partition: record.partition, offset: record.offset, idempotent: record.headers[IDEMPOTENT_HEADER] !== undefined };
    if (!(await reader.fill())) readers.splice(first, 1);
  }
}

interface ReaderOptions {
  log: Log;
  topic: string;
  partition: number;
  start: number;
  end: number;
  limits: SourceLimits;
}

class TopicPartitionReader {
  readonly queue: PartitionQueue;
  readonly #options: ReaderOptions;
  #next: number;

  constructor(options: ReaderOptions) {
    this.#options = options;
    this.#next = options.start;
    this.queue = new PartitionQueue(options.partition);
    this.queue.reset(options.start);
  }

  /** Makes sure a record is at the head of the queue; false when the partition is read to its end. */
  async fill(): Promise<boolean> {
    const { log, topic, partition, end, limits } = this.#options;
    while (this.queue.empty) {
      if (this.#next >= end) return false;
      const records = await log.read({ topic, partition, from: this.#next, maxRecords: READ_BATCH });
      if (records.length === 0) return false;
      for (const record of records) if (record.offset < end) this.queue.push(itemOf(record, limits));
      this.#next = (records[records.length - 1] as LogRecord).offset + 1;
    }
    return true;
  }
}

function itemOf(record: LogRecord, limits: SourceLimits): InputItem {
  const parsed = parseTransaction(record.value, limits);
  return { record, parsed, eventTime: parsed.ok ? eventTimeOf(parsed.transaction, record.timestamp) : record.timestamp, decide: true };
}
