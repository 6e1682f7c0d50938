import { randomUUID } from 'node:crypto';
import { Consumer, FetchIsolationLevels, type fetchV17 } from '@platformatic/kafka';
import { FraudError } from '../../errors.ts';
import { sleep } from '../../util/wait.ts';
import type { LogRecord, PartitionBounds, TopicPartition } from '../types.ts';
import { hasBrokerError, kafkaCall } from './errors.ts';
import { listOffsets } from './offsets.ts';
import { clientOptions, FETCH_LIMITS, KAFKA_TIMINGS, type KafkaLogOptions } from './options.ts';
import { closeClient } from './producer.ts';
import { holdAbortedTransactions } from './aborted-transactions.ts';
import { decodePartition } from './records.ts';

/** Longest extra wait of read() for a transaction that is being committed (see pendingTransaction). */
const OPEN_TRANSACTION_WAIT_MS = 500;

export interface ReadRequest extends TopicPartition {
  from: number;
  maxRecords: number;
}

/**
 * Reads outside any group: partition bounds and direct fetches of one partition
 * (replays, state rebuilds, inspection), read_committed like everything else.
 */
export class PartitionReader {
  readonly #client: Consumer;

  constructor(options: KafkaLogOptions) {
    // The client needs a group id; this one never joins a group.
    this.#client = new Consumer({ ...clientOptions(options, 'reader'), groupId: `${options.clientId}-reader-${randomUUID()}`, autocommit: false });
    holdAbortedTransactions(this.#client);
  }

  async bounds(topic: string): Promise<PartitionBounds[]> {
    const [earliest, latest] = await kafkaCall(`reading the bounds of "${topic}"`, () =>
      Promise.all([listOffsets(this.#client, [topic], 'earliest'), listOffsets(this.#client, [topic], 'latest')]),
    );
    const starts = earliest.get(topic) ?? [];
    const ends = latest.get(topic) ?? [];
    return starts.map((start, partition) => ({ topic, partition, start, end: ends[partition] ?? start }));
  }

  /**
   * Up to `maxRecords` committed records from `from`, without waiting for more than a
   * short fetch wait when there are none. Fetches again while a response held only
   * aborted records or markers, or stopped short of the last stable offset.
   */
  async read(request: ReadRequest): Promise<LogRecord[]> {
    const records: LogRecord[] = [];
    const patience = Date.now() + OPEN_TRANSACTION_WAIT_MS;
    let offset = request.from;
    for (;;) {
      const answer = await this.#fetch(request, offset);
      if (answer.outOfRange) {
        const [bounds] = (await this.bounds(request.topic)).filter((b) => b.partition === request.partition);
        if (!bounds || offset >= bounds.start) return records;
        offset = bounds.start; // before the log start (retention): read from what is left
        continue;
      }
      const decoded = decodePartition(request.topic, answer.partition, offset);
      for (const record of decoded.records) if (records.length < request.maxRecords) records.push(record);
      if (records.length === 0 && pendingTransaction(answer.partition, offset) && Date.now() < patience) {
        await sleep(10);
        continue;
      }
      const stable = Number(answer.partition.lastStableOffset);
      if (decoded.nextOffset === undefined || records.length >= request.maxRecords || decoded.nextOffset >= stable) return records;
      offset = decoded.nextOffset;
    }
  }

  async close(): Promise<void> {
    await closeClient(this.#client);
  }

  async #fetch(request: ReadRequest, offset: number): Promise<{ partition: fetchV17.FetchResponsePartition; outOfRange: boolean }> {
    const { topic, partition } = request;
    return kafkaCall(`reading ${topic}[${partition}]`, async () => {
      const metadata = await this.#client.metadata({ topics: [topic] });
      const info = metadata.topics.get(topic);
      const leader = info?.partitions[partition]?.leader;
      if (!info || leader === undefined) throw new FraudError('FRAUD_LOG_UNKNOWN_TOPIC', `no partition ${topic}[${partition}]`);
      try {
        const response = await this.#client.fetch({
          node: leader,
          topics: [{ topicId: info.id, partitions: [{ partition, fetchOffset: BigInt(offset), partitionMaxBytes: FETCH_LIMITS.partitionMaxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }],
          maxWaitTime: KAFKA_TIMINGS.readMaxWaitMs,
          minBytes: 1,
          maxBytes: FETCH_LIMITS.partitionMaxBytes,
          isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        });
        const answer = response.responses[0]?.partitions[0];
        if (!answer) throw new Error(`empty fetch response for ${topic}[${partition}]`);
        return { partition: answer, outOfRange: false };
      } catch (error) {
        if (!hasBrokerError(error, 'OFFSET_OUT_OF_RANGE')) throw error;
        return { partition: emptyPartition(partition), outOfRange: true };
      }
    });
  }
}

/**
 * Nothing readable yet, but records beyond the last stable offset: a transaction is open,
 * or was just committed and its markers are still being written (commitTransaction returns
 * before they land). Worth a short wait so that a read right after a commit sees it.
 */
function pendingTransaction(partition: fetchV17.FetchResponsePartition, offset: number): boolean {
  return partition.lastStableOffset < partition.highWatermark && Number(partition.lastStableOffset) <= offset;
}

function emptyPartition(partitionIndex: number): fetchV17.FetchResponsePartition {
  return { partitionIndex, errorCode: 0, highWatermark: 0n, lastStableOffset: 0n, logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records: [] };
}
