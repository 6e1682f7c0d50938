import type { Log, LogRecord } from '../log/types.ts';

const READ_BATCH = 500;

/**
 * A topic read from the start once, then only what was appended since: the audit and
 * rules topics are re-read on every question (a page poll, a publish) at the cost of their
 * new records only. Through the Log interface, so both logs behave alike.
 */
export class TopicTail {
  readonly #log: Log;
  readonly #topic: string;
  readonly #next = new Map<number, number>();

  constructor(log: Log, topic: string) {
    this.#log = log;
    this.#topic = topic;
  }

  get topic(): string {
    return this.#topic;
  }

  /** The records appended since the last call (every record, the first time), in offset order per partition. */
  async readNew(): Promise<LogRecord[]> {
    const records: LogRecord[] = [];
    for (const bounds of await this.#log.partitionBounds(this.#topic)) {
      let from = Math.max(bounds.start, this.#next.get(bounds.partition) ?? bounds.start);
      while (from < bounds.end) {
        const batch = await this.#log.read({ topic: this.#topic, partition: bounds.partition, from, maxRecords: READ_BATCH });
        const last = batch[batch.length - 1];
        if (last === undefined) break; // the rest are markers or were compacted away
        records.push(...batch);
        from = last.offset + 1;
      }
      this.#next.set(bounds.partition, from);
    }
    return records;
  }
}
