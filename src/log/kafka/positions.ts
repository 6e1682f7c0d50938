import type { Consumer } from '@platformatic/kafka';
import { FraudError } from '../../errors.ts';
import type { ConsumerOptions, TopicPartition } from '../types.ts';
import { listOffsets, slotOf } from './offsets.ts';

/**
 * Where a consumer starts reading a partition: its group's committed position when there
 * is one, else `tail` records before the end, else the start or the end (`startFrom`),
 * the same rules as the embedded log.
 */
export class StartPositions {
  readonly #client: Consumer;
  readonly #options: ConsumerOptions;

  constructor(client: Consumer, options: ConsumerOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** Every partition of the subscribed topics (for a consumer without a group). */
  async allPartitions(): Promise<TopicPartition[]> {
    const metadata = await this.#client.metadata({ topics: [...this.#options.topics], forceUpdate: true });
    const partitions: TopicPartition[] = [];
    for (const topic of this.#options.topics) {
      const count = metadata.topics.get(topic)?.partitionsCount;
      if (count === undefined) throw new FraudError('FRAUD_LOG_UNKNOWN_TOPIC', `unknown topic "${topic}"`);
      for (let partition = 0; partition < count; partition++) partitions.push({ topic, partition });
    }
    return partitions;
  }

  /** Start offsets of `partitions`, keyed by slot; committed positions win. */
  async resolve(partitions: TopicPartition[], committed: Map<string, number>): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    const missing = partitions.filter((tp) => {
      const offset = committed.get(slotOf(tp));
      if (offset !== undefined) result.set(slotOf(tp), offset);
      return offset === undefined;
    });
    if (missing.length === 0) return result;
    const bounds = await this.#bounds(missing);
    for (const tp of missing) {
      const { start, end } = bounds(tp);
      const tail = this.#options.tail;
      const offset = tail !== undefined ? Math.max(start, end - tail) : this.#options.startFrom === 'latest' ? end : start;
      result.set(slotOf(tp), offset);
    }
    return result;
  }

  /** The broker no longer has the position (retention): restart by `startFrom`, as auto.offset.reset does. */
  async afterOutOfRange(tp: TopicPartition): Promise<number> {
    const { start, end } = (await this.#bounds([tp]))(tp);
    return this.#options.startFrom === 'latest' ? end : start;
  }

  async #bounds(partitions: TopicPartition[]): Promise<(tp: TopicPartition) => { start: number; end: number }> {
    const topics = [...new Set(partitions.map((tp) => tp.topic))];
    const [earliest, latest] = await Promise.all([listOffsets(this.#client, topics, 'earliest'), listOffsets(this.#client, topics, 'latest')]);
    return (tp) => ({
      start: earliest.get(tp.topic)?.[tp.partition] ?? 0,
      end: latest.get(tp.topic)?.[tp.partition] ?? 0,
    });
  }
}
