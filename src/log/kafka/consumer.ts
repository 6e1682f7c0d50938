import { randomUUID } from 'node:crypto';
import { ConnectionPool, Consumer, FetchIsolationLevels } from '@platformatic/kafka';
import { FraudError } from '../../errors.ts';
import { sleep } from '../../util/wait.ts';
import type {
  AssignmentChange,
  ConsumerOptions,
  LogConsumer,
  LogRecord,
  OutgoingRecord,
  PartitionPosition,
  PollOptions,
  TopicPartition,
} from '../types.ts';
import { closedError, fenced, hasBrokerError, kafkaCall, toFraudError } from './errors.ts';
import { Fetcher } from './fetcher.ts';
import { holdAbortedTransactions } from './aborted-transactions.ts';
import { followGroupCoordinator, guardBrokerLookups } from './group-coordinator.ts';
import { GroupMembership } from './group.ts';
import { commitOffsets, fetchCommitted, slotOf, type GroupGeneration } from './offsets.ts';
import { clientOptions, FETCH_LIMITS, KAFKA_TIMINGS, type KafkaLogOptions } from './options.ts';
import { closeClient } from './producer.ts';
import { StartPositions } from './positions.ts';
import { AtLeastOnceCommitter, TransactionalCommitter, type BatchCommitter } from './transactions.ts';

type Listener = (change: AssignmentChange) => void | Promise<void>;

/** How often poll asks again while an assignment cannot be announced yet (offsets still unstable). */
const NOT_READY_RETRY_MS = 50;
/** How long committed offsets are asked for again while a transaction holds them unstable (consumer.committed). */
const STABLE_OFFSETS_WAIT_MS = 5_000;

/** Opens a consumer: without a group its positions are resolved now, a group member joins in the background. */
export async function createKafkaConsumer(
  logOptions: KafkaLogOptions,
  options: ConsumerOptions,
  onClosed: (consumer: LogConsumer) => void = () => undefined,
): Promise<LogConsumer> {
  const consumer = new KafkaConsumer(logOptions, options, onClosed);
  try {
    await consumer.start();
  } catch (error) {
    await consumer.close();
    throw toFraudError(error, `opening a consumer of ${options.topics.join(', ')}`);
  }
  return consumer;
}

/**
 * poll() over our own fetcher (fetcher.ts) rather than the client's stream: positions
 * must be rewound after a refused commit and re-read from committed offsets after a
 * rebalance, which the stream, with records already buffered, cannot do exactly.
 */
class KafkaConsumer implements LogConsumer {
  readonly #options: ConsumerOptions;
  readonly #client: Consumer;
  readonly #pool: ConnectionPool;
  readonly #fetcher: Fetcher;
  readonly #starts: StartPositions;
  readonly #group: GroupMembership | undefined;
  readonly #committer: BatchCommitter;
  readonly #listeners: Listener[] = [];
  readonly #onClosed: (consumer: LogConsumer) => void;
  /** Partitions whose next position must come from the committed offsets (new, or rewound). */
  readonly #reseed = new Map<string, TopicPartition>();
  #partitions: TopicPartition[] = [];
  #unannounced: AssignmentChange | undefined;
  #closed = false;

  constructor(logOptions: KafkaLogOptions, options: ConsumerOptions, onClosed: (consumer: LogConsumer) => void) {
    this.#options = options;
    this.#onClosed = onClosed;
    const base = clientOptions(logOptions, options.groupId === undefined ? 'reader' : 'consumer');
    const staticMember = options.groupId !== undefined && logOptions.groupInstanceId !== undefined ? { groupInstanceId: logOptions.groupInstanceId } : {};
    this.#client = new Consumer({
      ...base,
      ...staticMember,
      // The client needs a group id even to fetch; one that never joins for group-less reading.
      groupId: options.groupId ?? `${logOptions.clientId}-reader-${randomUUID()}`,
      autocommit: false,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      maxWaitTime: KAFKA_TIMINGS.fetchMaxWaitMs,
      maxBytes: FETCH_LIMITS.maxBytes,
    });
    // Works around the client's stale group coordinator and missing-broker crash (group-coordinator.ts),
    // and its aborted-transaction filter (aborted-transactions.ts).
    holdAbortedTransactions(this.#client);
    if (options.groupId !== undefined) followGroupCoordinator(this.#client, options.groupId);
    else guardBrokerLookups(this.#client);
    this.#pool = new ConnectionPool(base.clientId, base);
    this.#starts = new StartPositions(this.#client, options);
    this.#fetcher = new Fetcher(this.#client, this.#pool, (tp) => this.#starts.afterOutOfRange(tp));
    if (options.groupId !== undefined) {
      const sessionTimeoutMs = logOptions.sessionTimeoutMs ?? KAFKA_TIMINGS.sessionTimeoutMs;
      this.#group = new GroupMembership(this.#client, options.topics, () => this.#fetcher.wake(), sessionTimeoutMs);
    }
    this.#committer =
      options.exactlyOnce && options.groupId !== undefined
        ? new TransactionalCommitter(logOptions, this.#client, options.groupId, options.onTransaction)
        : new AtLeastOnceCommitter(logOptions, this.#client);
  }

  async start(): Promise<void> {
    if (this.#group) {
      void this.#group.start(); // poll waits for the join, within its maxWaitMs
      return;
    }
    if (this.#options.manual) return; // reads what seek() names, from where it says
    this.#partitions = await this.#starts.allPartitions();
    for (const tp of this.#partitions) this.#reseed.set(slotOf(tp), tp);
    await this.#reseedPositions();
    this.#unannounced = { assigned: [...this.#partitions], revoked: [] };
  }

  async poll({ maxRecords, maxWaitMs, signal, only }: PollOptions): Promise<LogRecord[]> {
    this.#assertOpen();
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const ready = await this.#refresh();
      this.#fetcher.throwIfFailed();
      const records = ready ? this.#fetcher.take(maxRecords, only) : [];
      if (records.length > 0 || Date.now() >= deadline || signal?.aborted || this.#closed) return records;
      // Records, a join (the group's listener wakes the fetcher) or, while offsets are unstable, a retry.
      if (ready || !this.#group?.joined) await this.#fetcher.waitForRecords(deadline, signal);
      else await sleep(Math.min(NOT_READY_RETRY_MS, deadline - Date.now()), signal);
    }
  }

  async commit(positions: PartitionPosition[]): Promise<void> {
    await this.#guarded(positions, async (generation) => {
      if (generation) await kafkaCall('committing consumer offsets', () => commitOffsets(this.#client, generation, positions));
    });
  }

  async commitBatch(outputs: OutgoingRecord[], positions: PartitionPosition[]): Promise<void> {
    await this.#guarded(positions, (generation) => this.#committer.commit(outputs, positions, generation));
  }

  rewind(partitions: TopicPartition[]): void {
    this.#rewind(partitions.map((tp) => ({ ...tp, offset: 0 })));
  }

  seek(positions: PartitionPosition[]): void {
    this.#assertOpen();
    for (const position of positions) {
      const tp = { topic: position.topic, partition: position.partition };
      const slot = slotOf(tp);
      const held = this.#partitions.some((owned) => slotOf(owned) === slot);
      if (!held) {
        if (!this.#options.manual) continue; // not ours to read
        this.#partitions = [...this.#partitions, tp];
      }
      this.#reseed.delete(slot);
      this.#fetcher.seek(tp, position.offset);
    }
  }

  release(partitions: TopicPartition[]): void {
    if (!this.#options.manual) return;
    const released = new Set(partitions.map(slotOf));
    for (const tp of partitions) this.#fetcher.remove(tp);
    this.#partitions = this.#partitions.filter((tp) => !released.has(slotOf(tp)));
  }

  caughtUp(tp: TopicPartition): boolean {
    return this.#fetcher.caughtUp(tp);
  }

  assignment(): TopicPartition[] {
    return [...this.#partitions];
  }

  onAssignmentChange(listener: Listener): void {
    this.#listeners.push(listener);
  }

  async committed(partitions: TopicPartition[]): Promise<PartitionPosition[]> {
    this.#assertOpen();
    const groupId = this.#options.groupId;
    if (groupId === undefined || partitions.length === 0) return [];
    const offsets = await this.#stableCommitted(groupId, partitions);
    return partitions.flatMap((tp) => {
      const offset = offsets.get(slotOf(tp));
      return offset === undefined ? [] : [{ ...tp, offset }];
    });
  }

  /**
   * Committed offsets that no transaction is still moving (requireStable, KIP-447): right
   * after a commit whose end is still being written (a failover slows it), or when taking a
   * partition over from an owner whose last transaction is completing, the offsets it
   * commits are the ones to start from, not the ones before it. Our own commit that failed
   * without a clear answer is finished first (settleAbandoned): otherwise it would hold the
   * offsets unstable until the broker's transaction timeout, and it may yet commit.
   * Asked again while unstable for a few seconds, then a retryable error: the caller tries
   * again later. Never the offsets as they stand: a transaction still completing would
   * commit past them, and its records would be decided a second time.
   */
  async #stableCommitted(groupId: string, partitions: TopicPartition[]): Promise<Map<string, number>> {
    await this.#committer.settleAbandoned();
    const deadline = Date.now() + STABLE_OFFSETS_WAIT_MS;
    for (;;) {
      try {
        return await kafkaCall('reading committed offsets', () => fetchCommitted(this.#client, groupId, partitions, true));
      } catch (error) {
        if (!hasBrokerError(error, 'UNSTABLE_OFFSET_COMMIT') || this.#closed) throw error;
        if (Date.now() >= deadline) {
          // Past the broker's transaction timeout only an operator ends it: a lone broker can skip a marker (README, Exactly once).
          const remedy = 'if this lasts past the transaction timeout, the transaction hangs: kafka-transactions.sh find-hanging, then abort';
          throw new FraudError('FRAUD_KAFKA_UNAVAILABLE', `the committed offsets of ${describePartitions(partitions)} are held by a transaction still open (${remedy})`, { canRetry: true });
        }
        await sleep(NOT_READY_RETRY_MS * 4);
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#fetcher.close();
    await this.#committer.close().catch(() => undefined);
    await this.#pool.close().catch(() => undefined);
    await closeClient(this.#client); // leaves the group: the others take over at once
    this.#onClosed(this);
  }

  /**
   * Runs a commit if every position is still ours. On any failure the partitions of the
   * batch that are still assigned go back to their committed positions: the caller drops
   * the batch, so its records must be read again, not skipped.
   */
  async #guarded(positions: PartitionPosition[], commit: (generation: GroupGeneration | undefined) => Promise<void>): Promise<void> {
    this.#assertOpen();
    if (positions.length > 0 && !this.#group) {
      throw new FraudError('FRAUD_LOG_IO', 'a consumer without a group cannot commit positions');
    }
    const lost = positions.find((position) => !this.#group?.owns(position));
    if (lost) {
      this.#rewind(positions);
      throw fenced(`partition ${lost.topic}[${lost.partition}] is no longer assigned to this consumer`);
    }
    // Checked before anything is sent: without exactlyOnce, outputs sent by a member the
    // group is leaving would stay visible after its commit is refused (duplicates).
    if (positions.length > 0 && this.#group && !this.#group.isCurrent(!this.#options.exactlyOnce)) {
      this.#rewind(positions);
      throw fenced('the consumer group is rebalancing: this batch is left to the next owner of its partitions');
    }
    try {
      await commit(this.#group?.current?.generation);
    } catch (error) {
      this.#rewind(positions);
      throw toFraudError(error, 'committing a batch');
    }
  }

  #rewind(positions: PartitionPosition[]): void {
    for (const position of positions) {
      if (!this.#partitions.some((tp) => slotOf(tp) === slotOf(position))) continue;
      const tp = { topic: position.topic, partition: position.partition };
      this.#fetcher.remove(tp);
      this.#reseed.set(slotOf(tp), tp);
    }
  }

  /**
   * Between batches: applies group changes, positions new or rewound partitions, then tells
   * the listeners. False while a change cannot be announced yet (not joined, or positions
   * still unknown): no record may be returned before the listeners have seen the change.
   */
  async #refresh(): Promise<boolean> {
    if (this.#group) {
      this.#group.throwIfFailed();
      if (!this.#group.joined) return false;
      this.#applyGroupUpdate();
    }
    if (this.#reseed.size > 0) await this.#reseedPositions();
    const change = this.#unannounced;
    if (!change) return true;
    if (change.assigned.some((tp) => this.#reseed.has(slotOf(tp)))) return false;
    this.#unannounced = undefined;
    try {
      for (const listener of this.#listeners) await listener(change);
    } catch (error) {
      // Announced again at the next poll (with whatever changed meanwhile): a listener that
      // failed (the log unavailable while it read offsets) must not miss the change.
      this.#unannounced = this.#withUnannounced(change);
      throw error;
    }
    return true;
  }

  #applyGroupUpdate(): void {
    const update = this.#group?.takeUpdate();
    if (!update) return;
    for (const tp of update.change.revoked) {
      this.#fetcher.remove(tp);
      this.#reseed.delete(slotOf(tp));
    }
    for (const tp of update.change.assigned) {
      this.#fetcher.remove(tp);
      this.#reseed.set(slotOf(tp), tp);
    }
    this.#partitions = update.membership.partitions;
    this.#unannounced = this.#withUnannounced(update.change);
  }

  /**
   * What the listeners have yet to hear: the change not announced so far and `change`,
   * against the partitions held now. Revoked, then assigned again before the listeners
   * heard of it: an assignment (its committed offset is read again).
   */
  #withUnannounced(change: AssignmentChange): AssignmentChange {
    const owned = new Set(this.#partitions.map(slotOf));
    const previous = this.#unannounced ?? { assigned: [], revoked: [] };
    return {
      assigned: uniq([...previous.assigned, ...change.assigned]).filter((tp) => owned.has(slotOf(tp))),
      revoked: uniq([...previous.revoked, ...change.revoked]).filter((tp) => !owned.has(slotOf(tp))),
    };
  }

  async #reseedPositions(): Promise<void> {
    const pending = [...this.#reseed];
    const groupId = this.#options.groupId;
    let committed = new Map<string, number>();
    if (groupId !== undefined) {
      await this.#committer.settleAbandoned();
      try {
        committed = await fetchCommitted(this.#client, groupId, pending.map(([, tp]) => tp), true);
      } catch (error) {
        // A transaction holding offsets of these partitions is still open: ask again next poll.
        if (hasBrokerError(error, 'UNSTABLE_OFFSET_COMMIT')) return;
        throw toFraudError(error, 'reading committed offsets');
      }
    }
    const starts = await kafkaCall('listing partition offsets', () => this.#starts.resolve(pending.map(([, tp]) => tp), committed));
    for (const [slot, tp] of pending) {
      const offset = starts.get(slot);
      if (this.#reseed.get(slot) !== tp || offset === undefined) continue; // changed meanwhile
      this.#reseed.delete(slot);
      this.#fetcher.seek(tp, offset);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw closedError('consumer');
  }
}

/** "topic[0, 2]" for a message. */
function describePartitions(partitions: TopicPartition[]): string {
  const topics = new Map<string, number[]>();
  for (const tp of partitions) topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition]);
  return [...topics].map(([topic, numbers]) => `${topic}[${numbers.join(', ')}]`).join(', ');
}

function uniq(partitions: TopicPartition[]): TopicPartition[] {
  return [...new Map(partitions.map((tp) => [slotOf(tp), tp])).values()];
}
