import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { FraudError } from '../errors.ts';
import type { Log, LogRecord } from '../log/types.ts';
import type { RawRecord } from './replay.ts';

/** A JSON-lines history file, line by line in file order (the order it was streamed in). */
export async function* fileRecords(path: string): AsyncGenerator<RawRecord> {
  const input = createReadStream(path);
  await new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (cause: Error) => reject(new FraudError('FRAUD_INPUT_FILE', `cannot read ${path}`, { cause })));
  });
  // Read time stands in for arrival time: only transactions without a timestamp use it.
  const arrival = Date.now();
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim().length === 0) continue;
    yield { value: Buffer.from(line), timestamp: arrival };
  }
}

const READ_BATCH = 5000;

/**
 * Every record of a topic, its partitions merged by event time (the transaction's
 * timestamp, else the record's): labels reach the features in time order, so the
 * partitions must be read in one timeline, not one after the other.
 */
export async function* topicRecords(log: Log, topic: string): AsyncGenerator<RawRecord> {
  const heads: PartitionReader[] = [];
  for (const bounds of await log.partitionBounds(topic)) {
    const reader = new PartitionReader(log, topic, bounds.partition, bounds.start, bounds.end);
    if (await reader.fill()) heads.push(reader);
  }
  while (heads.length > 0) {
    let first = 0;
    for (let i = 1; i < heads.length; i++) if ((heads[i] as PartitionReader).time < (heads[first] as PartitionReader).time) first = i;
    const reader = heads[first] as PartitionReader;
    const record = reader.take();
    yield { value: record.value, timestamp: record.timestamp };
    if (!(await reader.fill())) heads.splice(first, 1);
  }
}

class PartitionReader {
  readonly #log: Log;
  readonly #topic: string;
  readonly #partition: number;
  readonly #end: number;
  #next: number;
  #buffer: LogRecord[] = [];
  #at = 0;
  /** Event time of the record at the head. */
  time = 0;

  constructor(log: Log, topic: string, partition: number, start: number, end: number) {
    this.#log = log;
    this.#topic = topic;
    this.#partition = partition;
    this.#next = start;
    this.#end = end;
  }

  /** Makes sure a record is at the head; false when the partition is exhausted. */
  async fill(): Promise<boolean> {
    if (this.#at >= this.#buffer.length) {
      if (this.#next >= this.#end) return false;
      this.#buffer = await this.#log.read({ topic: this.#topic, partition: this.#partition, from: this.#next, maxRecords: READ_BATCH });
      this.#at = 0;
      if (this.#buffer.length === 0) return false;
      this.#next = (this.#buffer[this.#buffer.length - 1] as LogRecord).offset + 1;
    }
    this.time = eventTimeOfRecord(this.#buffer[this.#at] as LogRecord);
    return true;
  }

  take(): LogRecord {
    return this.#buffer[this.#at++] as LogRecord;
  }
}

function eventTimeOfRecord(record: LogRecord): number {
  try {
    const value: unknown = JSON.parse(String(record.value));
    const timestamp = value !== null && typeof value === 'object' ? (value as { timestamp?: unknown }).timestamp : undefined;
    if (typeof timestamp === 'number') return timestamp;
    if (typeof timestamp === 'string') {
      const parsed = Date.parse(timestamp);
      if (!Number.isNaN(parsed)) return parsed;
    }
  } catch {
    // An invalid record is merged by its arrival time; the replay dead-letters it.
  }
  return record.timestamp;
}
