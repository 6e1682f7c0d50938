import type { Config } from '../config/schema.ts';
import type { Log, LogConsumer, LogRecord } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';
import { sleep } from '../util/wait.ts';
import { decodeFeedRecord } from './decode.ts';
import { readLoop, type ReaderState } from './read-loop.ts';
import type { FeedItem } from './types.ts';

export interface FeedOptions {
  log: Log;
  topics: Config['topics'];
  /** Records read back from the end of each partition at start, so a fresh server has history. */
  tail: number;
  pollMaxRecords: number;
  logger: Logger;
  onItems: (items: FeedItem[]) => void;
}

export type FeedState = ReaderState;

const slotOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * The dashboard's one reader of the output topics, whatever the number of browsers:
 * no group (it must see every partition and commit nothing), starting `tail` records
 * before the end so the first page already has rows.
 */
export class Feed {
  readonly #options: FeedOptions;
  readonly #consumer: LogConsumer;
  /** End offsets when the server started: records before them are history, not counted. */
  readonly #liveFrom: Map<string, number>;
  /** Per partition still being read back, the offset of its last history record. */
  readonly #historyLeft = new Map<string, number>();
  #historyDone: () => void = () => undefined;
  readonly #historyRead = new Promise<void>((resolve) => {
    this.#historyDone = resolve;
  });
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #state: FeedState = { ok: true, detail: 'starting' };

  private constructor(options: FeedOptions, consumer: LogConsumer, liveFrom: Map<string, number>, starts: Map<string, number>) {
    this.#options = options;
    this.#consumer = consumer;
    this.#liveFrom = liveFrom;
    for (const [slot, end] of liveFrom) {
      if (end > Math.max(starts.get(slot) ?? 0, end - options.tail)) this.#historyLeft.set(slot, end - 1);
    }
    this.#checkHistoryRead();
  }

  static async open(options: FeedOptions): Promise<Feed> {
    const topics = outputTopics(options.topics);
    // Ends first, then the consumer: a record appended in between is read and counted as live.
    const liveFrom = new Map<string, number>();
    const starts = new Map<string, number>();
    for (const topic of topics) {
      const bounds = await options.log.partitionBounds(topic).catch(() => []);
      for (const b of bounds) {
        liveFrom.set(slotOf(topic, b.partition), b.end);
        starts.set(slotOf(topic, b.partition), b.start);
      }
    }
    const consumer = await options.log.createConsumer({ topics, tail: options.tail, startFrom: 'latest' });
    return new Feed(options, consumer, liveFrom, starts);
  }

  get state(): FeedState {
    return this.#state;
  }

  /**
   * Resolves true once the history is read (so the first page already shows it), false
   * after `timeoutMs`: a record that never comes (a Kafka transaction marker holds the
   * last offset) must not hold the server back.
   */
  async historyRead(timeoutMs: number): Promise<boolean> {
    const timeout = new AbortController();
    const timedOut = sleep(timeoutMs, timeout.signal).then(() => false);
    const read = this.#historyRead.then(() => true);
    const result = await Promise.race([read, timedOut]);
    timeout.abort();
    return result;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.#consumer.close();
  }

  #run(): Promise<void> {
    return readLoop({
      consumer: this.#consumer,
      maxRecords: this.#options.pollMaxRecords,
      signal: this.#stop.signal,
      logger: this.#options.logger,
      what: 'dashboard feed',
      onRecords: (records) => this.#options.onItems(this.#decode(records)),
      onState: (state) => {
        this.#state = state;
      },
    });
  }

  #decode(records: LogRecord[]): FeedItem[] {
    const items: FeedItem[] = [];
    const deadLetterTopic = this.#options.topics.deadLetter;
    for (const record of records) {
      const slot = slotOf(record.topic, record.partition);
      const live = record.offset >= (this.#liveFrom.get(slot) ?? 0);
      if (record.offset >= (this.#historyLeft.get(slot) ?? Number.POSITIVE_INFINITY)) this.#historyLeft.delete(slot);
      const item = decodeFeedRecord(record, { deadLetterTopic, live });
      if ('skipped' in item) {
        this.#options.logger.debug({ topic: record.topic, partition: record.partition, offset: record.offset, why: item.skipped }, 'record not shown');
      } else {
        items.push(item);
      }
    }
    this.#checkHistoryRead();
    // A batch interleaves partitions; in time order the page's newest-first holds (the sort is stable).
    return items.sort((a, b) => a.timestamp - b.timestamp);
  }

  #checkHistoryRead(): void {
    if (this.#historyLeft.size === 0) this.#historyDone();
  }
}

function outputTopics(topics: Config['topics']): string[] {
  return [topics.legit, topics.fraud, topics.deadLetter];
}
