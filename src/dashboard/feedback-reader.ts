import type { Log, LogConsumer, LogRecord } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';
import { FeedbackRecordSchema } from './feedback-schema.ts';
import type { FeedbackStore, Review } from './feedback-store.ts';
import { readLoop } from './read-loop.ts';

export interface FeedbackReaderOptions {
  log: Log;
  topic: string;
  store: FeedbackStore;
  logger: Logger;
  /** Each verdict read, e.g. to tell open pages an alert was reviewed. */
  onReview: (review: Review) => void;
}

/**
 * The dashboard's one reader of the feedback topic, from its beginning: precision is
 * measured over every verdict ever given, and a restarted server, like a reloaded page,
 * knows which alerts were reviewed. No group: it commits nothing and reads everything.
 */
export class FeedbackReader {
  readonly #options: FeedbackReaderOptions;
  readonly #consumer: LogConsumer;
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;

  private constructor(options: FeedbackReaderOptions, consumer: LogConsumer) {
    this.#options = options;
    this.#consumer = consumer;
  }

  static async open(options: FeedbackReaderOptions): Promise<FeedbackReader> {
    const consumer = await options.log.createConsumer({ topics: [options.topic], startFrom: 'earliest' });
    return new FeedbackReader(options, consumer);
  }

  start(): void {
    this.#loop ??= readLoop({
      consumer: this.#consumer,
      maxRecords: 500,
      signal: this.#stop.signal,
      logger: this.#options.logger,
      what: 'dashboard feedback reader',
      onRecords: (records) => this.#read(records),
    });
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.#consumer.close();
  }

  #read(records: LogRecord[]): void {
    for (const record of records) {
      const parsed = FeedbackRecordSchema.safeParse(parseJson(record.value));
      if (!parsed.success) {
        this.#options.logger.debug({ topic: record.topic, partition: record.partition, offset: record.offset }, 'feedback record not understood');
        continue;
      }
      this.#options.onReview(this.#options.store.add(parsed.data));
    }
  }
}

function parseJson(value: Buffer | null): unknown {
  if (value === null) return undefined;
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
}
