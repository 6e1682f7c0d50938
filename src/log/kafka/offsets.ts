import {
  FetchIsolationLevels,
  ListOffsetTimestamps,
  type Consumer,
  type offsetCommitV9,
  type offsetFetchV9,
  type txnOffsetCommitV4,
} from '@platformatic/kafka';
import type { PartitionPosition, TopicPartition } from '../types.ts';
import { callGroupCoordinator } from './coordinator.ts';

/** The group membership a commit is made under: the broker refuses it once the group moved on. */
export interface GroupGeneration {
  groupId: string;
  generationId: number;
  memberId: string;
}

/** The transactional producer a TxnOffsetCommit belongs to. */
export interface TransactionIdentity {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
}

export const slotOf = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

function byTopic(positions: PartitionPosition[]): offsetCommitV9.OffsetCommitRequestTopic[] {
  const topics = new Map<string, offsetCommitV9.OffsetCommitRequestTopic>();
  for (const { topic, partition, offset } of positions) {
    let entry = topics.get(topic);
    if (!entry) topics.set(topic, (entry = { name: topic, partitions: [] }));
    // Leader epoch -1: the broker skips the epoch check, which only guards against truncation.
    entry.partitions.push({ partitionIndex: partition, committedOffset: BigInt(offset), committedLeaderEpoch: -1, committedMetadata: null });
  }
  return [...topics.values()];
}

/** OffsetCommit under `generation`: refused (fenced) when the group has moved on since. */
export async function commitOffsets(client: Consumer, generation: GroupGeneration, positions: PartitionPosition[]): Promise<void> {
  if (positions.length === 0) return;
  await callGroupCoordinator<[string, number, string, null, offsetCommitV9.OffsetCommitRequestTopic[]], offsetCommitV9.OffsetCommitResponse>(client, 'OffsetCommit', [
    generation.groupId,
    generation.generationId,
    generation.memberId,
    null,
    byTopic(positions),
  ]);
}

/** TxnOffsetCommit: the positions become committed when (and only if) the transaction commits. */
export async function commitOffsetsInTransaction(
  client: Consumer,
  transaction: TransactionIdentity,
  generation: GroupGeneration,
  positions: PartitionPosition[],
): Promise<void> {
  if (positions.length === 0) return;
  await callGroupCoordinator<[string, string, bigint, number, number, string, null, offsetCommitV9.OffsetCommitRequestTopic[]], txnOffsetCommitV4.TxnOffsetCommitResponse>(
    client,
    'TxnOffsetCommit',
    [
      transaction.transactionalId,
      generation.groupId,
      transaction.producerId,
      transaction.producerEpoch,
      generation.generationId,
      generation.memberId,
      null,
      byTopic(positions),
    ],
  );
}

/**
 * The group's committed positions. With requireStable, while a transaction holding offsets
 * for these partitions is pending the broker answers UNSTABLE_OFFSET_COMMIT (thrown), so a
 * new owner never starts from a position that a zombie's transaction is about to move.
 */
export async function fetchCommitted(
  client: Consumer,
  groupId: string,
  partitions: TopicPartition[],
  requireStable: boolean,
): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (partitions.length === 0) return result;
  const topics = new Map<string, number[]>();
  for (const tp of partitions) topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition]);
  const group: offsetFetchV9.OffsetFetchRequestGroup = {
    groupId,
    memberId: null,
    memberEpoch: -1,
    topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
  };
  const response = await callGroupCoordinator<[offsetFetchV9.OffsetFetchRequestGroup[], boolean], offsetFetchV9.OffsetFetchResponse>(client, 'OffsetFetch', [[group], requireStable]);
  for (const answer of response.groups) {
    for (const topic of answer.topics) {
      for (const partition of topic.partitions) {
        if (partition.committedOffset >= 0n) result.set(slotOf({ topic: topic.name, partition: partition.partitionIndex }), Number(partition.committedOffset));
      }
    }
  }
  return result;
}

/**
 * First or next offsets of every partition of `topics`, as a read_committed consumer sees
 * them: 'latest' is the last stable offset, the end of what such a consumer can read.
 */
export async function listOffsets(client: Consumer, topics: string[], which: 'earliest' | 'latest'): Promise<Map<string, number[]>> {
  const offsets = await client.listOffsets({
    topics: [...topics],
    timestamp: which === 'earliest' ? ListOffsetTimestamps.EARLIEST : ListOffsetTimestamps.LATEST,
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
  });
  const result = new Map<string, number[]>();
  for (const [topic, partitions] of offsets) result.set(topic, Array.from(partitions, (offset) => Number(offset ?? 0n)));
  return result;
}
