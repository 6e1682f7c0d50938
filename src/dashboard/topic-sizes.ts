import type { Config } from '../config/schema.ts';
import type { Log, PartitionBounds } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';

export const SIZED_TOPICS = ['transactions', 'legit', 'fraud', 'deadLetter'] as const;
export type SizedTopic = (typeof SIZED_TOPICS)[number];

export interface TopicSize {
  name: string;
  /** Records the topic holds now (end minus start over its partitions); null when it does not exist. */
  records: number | null;
}

export interface TopicsView {
  topics: Record<SizedTopic, TopicSize>;
  /**
   * Transactions not decided yet, estimated from offsets: every transaction yields one
   * output record, so appended transactions minus appended outputs. Null when unknown.
   * Kafka transaction markers take output offsets too, so with exactly-once on Kafka it
   * reads low.
   */
  backlog: number | null;
}

interface Ends {
  records: number | null;
  end: number | null;
}

/** Topic sizes from partition bounds, asked of the log at most once per `cacheMs` however many readers poll. */
export class TopicSizes {
  readonly #log: Log;
  readonly #topics: Config['topics'];
  readonly #cacheMs: number;
  readonly #logger: Logger;
  #cached: { at: number; view: Promise<TopicsView> } | undefined;

  constructor(options: { log: Log; topics: Config['topics']; cacheMs: number; logger: Logger }) {
    this.#log = options.log;
    this.#topics = options.topics;
    this.#cacheMs = options.cacheMs;
    this.#logger = options.logger;
  }

  get(now = Date.now()): Promise<TopicsView> {
    if (this.#cached && now - this.#cached.at < this.#cacheMs) return this.#cached.view;
    const view = this.#load();
    this.#cached = { at: now, view };
    return view;
  }

  async #load(): Promise<TopicsView> {
    const entries = await Promise.all(SIZED_TOPICS.map(async (role) => [role, await this.#ends(this.#topics[role])] as const));
    const ends = Object.fromEntries(entries) as Record<SizedTopic, Ends>;
    const topics = Object.fromEntries(
      SIZED_TOPICS.map((role) => [role, { name: this.#topics[role], records: ends[role].records }]),
    ) as Record<SizedTopic, TopicSize>;
    const { transactions, legit, fraud, deadLetter } = ends;
    const outputs = [legit.end, fraud.end, deadLetter.end];
    const backlog =
      transactions.end === null || outputs.some((end) => end === null)
        ? null
        : Math.max(0, transactions.end - outputs.reduce<number>((sum, end) => sum + (end ?? 0), 0));
    return { topics, backlog };
  }

  async #ends(topic: string): Promise<Ends> {
    let bounds: PartitionBounds[];
    try {
      bounds = await this.#log.partitionBounds(topic);
    } catch (error) {
      // A topic not created yet, or a log briefly unreachable: sizes are informative only.
      this.#logger.debug({ topic, err: error }, 'topic bounds unavailable');
      return { records: null, end: null };
    }
    return {
      records: bounds.reduce((sum, b) => sum + (b.end - b.start), 0),
      end: bounds.reduce((sum, b) => sum + b.end, 0),
    };
  }
}
