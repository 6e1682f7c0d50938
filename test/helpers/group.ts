import { Admin } from '@platformatic/kafka';
import { clientOptions } from '../../src/log/kafka/options.ts';

/**
 * Watches a consumer group from outside, as an operator's tool would: the sum of its
 * committed positions on a topic is the number of input records decided so far (the
 * input is not transactional, so offsets count records). Never joins the group.
 */
export class GroupWatch {
  readonly #admin: Admin;

  constructor(brokers: string) {
    this.#admin = new Admin(clientOptions({ brokers: brokers.split(','), clientId: 'fraud-test-watch', tls: false, connectTimeoutMs: 2_000 }, 'admin'));
  }

  /** Sum of the group's committed positions on `topic`; undefined when the broker does not answer. */
  async committed(groupId: string, topic: string): Promise<number | undefined> {
    const offsets = await this.committedByPartition(groupId, topic);
    return offsets === undefined ? undefined : [...offsets.values()].reduce((sum, offset) => sum + offset, 0);
  }

  /** The group's committed position of each partition of `topic` (absent: never committed); undefined when the broker does not answer. */
  async committedByPartition(groupId: string, topic: string): Promise<Map<number, number> | undefined> {
    try {
      const [group] = await this.#admin.listConsumerGroupOffsets({ groups: [groupId] });
      const partitions = group?.topics.find((entry) => entry.name === topic)?.partitions ?? [];
      return new Map(partitions.map((partition) => [partition.partitionIndex, Math.max(0, Number(partition.committedOffset))]));
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.#admin.close().catch(() => undefined);
  }
}

/** Polls `progress` until it reaches `target`; returns the time it took, or undefined on timeout. */
export async function waitForProgress(progress: () => Promise<number | undefined>, target: number, timeoutMs: number, intervalMs = 100): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (((await progress()) ?? -1) >= target) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return undefined;
}
