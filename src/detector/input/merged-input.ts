import { parseLabel, type LabelParse } from '../../domain/label.ts';
import { eventTimeOf } from '../../domain/transaction.ts';
import { parseTransaction, type ParseResult } from '../../domain/validation.ts';
import type { AssignmentChange, Log, LogConsumer, LogRecord, TopicPartition, TransactionResult } from '../../log/types.ts';
import { PartitionQueue } from './partition-queue.ts';

/** One input record in the merged order, parsed once. */
export interface InputItem {
  record: LogRecord;
  parsed: ParseResult;
  /** A label (the labels topic) instead of a transaction: its event time is when it became known. */
  label?: LabelParse;
  eventTime: number;
  /** Decided here: its partition is this detector's and its offset at or past the committed one. */
  decide: boolean;
}

const NOT_A_TRANSACTION: ParseResult = { ok: false, error: 'WRONG_TYPE', reason: 'a label' };

export interface MergedInputOptions {
  log: Log;
  topic: string;
  /** The labels topic, merged in by knownAt, so a transaction at time t sees only the labels known by then. */
  labelsTopic?: string;
  groupId: string;
  exactlyOnce: boolean;
  maxRecordBytes: number;
  onTransaction?: (result: TransactionResult) => void;
  /** Records held across all partitions at most while one partition is awaited. */
  maxBuffered?: number;
}

/** What the loop hears when partitions move: decisions from `decideFrom` on, the merge standing at `position`. */
export interface OwnershipChange {
  assigned: Array<TopicPartition & { decideFrom: number; position: number }>;
  revoked: TopicPartition[];
}

/**
 * The whole input, every partition, in one order: event time (then the transaction id,
 * so the order does not depend on how keys are spread over partitions, then partition
 * and offset), as a k-way merge of the partitions, each read in offset order. Every
 * detector applies every record to its state, so an entity's state (a payee, a device, a
 * card…) is the whole stream's whatever the partition count, and decides the records of
 * the partitions its consumer group gave it. A record is handed out only when every
 * other partition has its next record buffered or is read to its end: with the history
 * already in the log (a replay, a restart, a backlog) the order, hence every state and
 * decision, is the same in every run; at the live edge a record that arrives late is
 * applied when it arrives.
 *
 * Two consumers: the group member reads the partitions it owns (and commits them), a
 * manual one follows the others, from the merge's own positions.
 */
export class MergedInput {
  readonly #options: MergedInputOptions;
  readonly group: LogConsumer;
  readonly #follower: LogConsumer;
  readonly #queues: PartitionQueue[] = [];
  /** The labels topic's partitions, followed by every detector. */
  readonly #labelQueues: PartitionQueue[] = [];
  /** Per partition: decisions start here (the committed offset when it was assigned), or never (not owned). */
  readonly #decideFrom: number[] = [];
  #owned = new Set<number>();
  #listeners: Array<(change: OwnershipChange) => void | Promise<void>> = [];
  #started = false;
  #assigned = false;

  private constructor(options: MergedInputOptions, group: LogConsumer, follower: LogConsumer) {
    this.#options = options;
    this.group = group;
    this.#follower = follower;
    group.onAssignmentChange((change) => this.#reassign(change));
  }

  static async open(options: MergedInputOptions): Promise<MergedInput> {
    const { log, topic, groupId } = options;
    const group = await log.createConsumer({
      topics: [topic],
      groupId,
      startFrom: 'earliest',
      exactlyOnce: options.exactlyOnce,
      onTransaction: options.onTransaction,
    });
    try {
      const topics = options.labelsTopic ? [topic, options.labelsTopic] : [topic];
      const follower = await log.createConsumer({ topics, manual: true, startFrom: 'earliest' });
      return new MergedInput(options, group, follower);
    } catch (error) {
      await group.close();
      throw error;
    }
  }

  onOwnershipChange(listener: (change: OwnershipChange) => void | Promise<void>): void {
    this.#listeners.push(listener);
  }

  /** The partitions this detector decides. */
  owned(): number[] {
    return [...this.#owned].sort((a, b) => a - b);
  }

  /** Starts (or restarts) the merge at these positions, one per partition (and per labels partition). */
  start(positions: readonly number[], labelPositions: readonly number[] = []): void {
    const { topic, labelsTopic } = this.#options;
    this.#started = true;
    if (labelsTopic) {
      for (let partition = 0; partition < labelPositions.length; partition++) {
        const queue = (this.#labelQueues[partition] ??= new PartitionQueue(partition, true));
        queue.reset(labelPositions[partition] as number);
      }
      this.#follower.seek(labelPositions.map((offset, partition) => ({ topic: labelsTopic, partition, offset })));
    }
    for (let partition = 0; partition < positions.length; partition++) {
      const queue = (this.#queues[partition] ??= new PartitionQueue(partition));
      queue.reset(positions[partition] as number);
      this.#decideFrom[partition] ??= Number.POSITIVE_INFINITY;
    }
    const owned = [...this.#owned].map((partition) => ({ topic, partition, offset: positions[partition] as number }));
    const followed = positions.flatMap((offset, partition) => (this.#owned.has(partition) ? [] : [{ topic, partition, offset }]));
    this.group.seek(owned);
    this.#follower.seek(followed);
  }

  /** The merge's position: per partition, the next offset to hand out. */
  positions(): number[] {
    return this.#queues.map((queue) => queue.position);
  }

  /** Its position in the labels topic. */
  labelPositions(): number[] {
    return this.#labelQueues.map((queue) => queue.position);
  }

  /** Where decisions of an owned partition start (its committed offset when it was assigned). */
  decideFrom(partition: number): number {
    return this.#decideFrom[partition] ?? Number.POSITIVE_INFINITY;
  }

  /** Reads the committed offsets of the owned partitions again: decisions start there (after a commit failed). */
  async refreshDecideFrom(): Promise<void> {
    const { topic } = this.#options;
    const owned = [...this.#owned].map((partition) => ({ topic, partition }));
    if (owned.length === 0) return;
    const committed = await this.group.committed(owned);
    const bounds = await this.#options.log.partitionBounds(topic);
    for (const { partition } of owned) {
      const start = bounds.find((b) => b.partition === partition)?.start ?? 0;
      this.#decideFrom[partition] = Math.max(start, committed.find((position) => position.partition === partition)?.offset ?? start);
    }
  }

  /**
   * Up to `max` records in the merged order. Waits up to `maxWaitMs` when none can be
   * handed out yet (nothing new, or a partition still being fetched).
   */
  async next(max: number, maxWaitMs: number, signal?: AbortSignal): Promise<InputItem[]> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      // Until the group says which partitions are ours, nothing is applied: a partition
      // applied ahead of its committed offset could not be decided point in time.
      if (this.#started && this.#assigned) {
        const items = this.#take(max);
        if (items.length > 0) return items;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal?.aborted) return [];
      await this.#fill(Math.min(remaining, 500), signal);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.group.close(), this.#follower.close()]);
  }

  #take(max: number): InputItem[] {
    const items: InputItem[] = [];
    const { topic, labelsTopic } = this.#options;
    while (items.length < max) {
      let best: PartitionQueue | undefined;
      for (const queue of this.#queues) {
        if (queue.empty) {
          if (!this.#consumerOf(queue.partition).caughtUp({ topic, partition: queue.partition })) return items;
          continue;
        }
        if (!best || queue.headBefore(best)) best = queue;
      }
      for (const queue of this.#labelQueues) {
        if (queue.empty) {
          if (!this.#follower.caughtUp({ topic: labelsTopic as string, partition: queue.partition })) return items;
          continue;
        }
        if (!best || queue.headBefore(best)) best = queue;
      }
      if (!best) return items;
      const item = best.shift();
      item.decide = !best.labels && this.#owned.has(best.partition) && item.record.offset >= (this.#decideFrom[best.partition] ?? Number.POSITIVE_INFINITY);
      items.push(item);
    }
    return items;
  }

  /**
   * Polls for what the merge awaits and queues it. One poll at a time: seeks (a restart
   * of the merge, an assignment, which arrives inside the group member's poll) then never
   * race a poll that fetched from the old positions.
   */
  async #fill(waitMs: number, signal: AbortSignal | undefined): Promise<void> {
    const { topic } = this.#options;
    const awaited = this.#queues.filter((queue) => queue.empty).map((queue) => ({ topic, partition: queue.partition }));
    const crowded = [...this.#queues, ...this.#labelQueues].reduce((total, queue) => total + queue.length, 0) >= (this.#options.maxBuffered ?? 20_000);
    const labelsTopic = this.#options.labelsTopic;
    const labels = labelsTopic ? this.#labelQueues.filter((queue) => queue.empty).map((queue) => ({ topic: labelsTopic, partition: queue.partition })) : [];
    const followed = [...awaited.filter((tp) => !this.#owned.has(tp.partition)), ...labels].filter((tp) => !this.#follower.caughtUp(tp));
    if (this.#started && this.#assigned && followed.length > 0) {
      // A partition someone else decides holds the merge: its records come first.
      this.#accept(await this.#follower.poll({ maxRecords: 2000, maxWaitMs: Math.min(waitMs, 100), signal, only: crowded ? followed : undefined }));
      return;
    }
    const owned = awaited.filter((tp) => this.#owned.has(tp.partition));
    // The group member is polled even with nothing awaited: its poll is where assignments arrive.
    this.#accept(await this.group.poll({ maxRecords: 2000, maxWaitMs: Math.min(waitMs, 100), signal, only: crowded ? owned : undefined }));
    if (this.#started && this.#assigned && !crowded) this.#accept(await this.#follower.poll({ maxRecords: 2000, maxWaitMs: 0, signal }));
  }

  #accept(records: LogRecord[]): void {
    const limits = { maxRecordBytes: this.#options.maxRecordBytes };
    for (const record of records) {
      if (record.topic !== this.#options.topic) {
        this.#acceptLabel(record);
        continue;
      }
      const queue = this.#queues[record.partition];
      if (!queue) continue;
      const parsed = parseTransaction(record.value, limits);
      // An invalid record changes no state: it goes where its partition stands. Its log time
      // (the time it was written, for a replay of history years after the records' own
      // times) would hold the whole partition back behind it until every other one is read.
      const eventTime = parsed.ok ? eventTimeOf(parsed.transaction, record.timestamp) : queue.lastEventTime;
      queue.push({ record, parsed, eventTime, decide: false });
    }
  }

  /** A label's place in the merge is when it became known; one that is not a label is passed over where its partition stands. */
  #acceptLabel(record: LogRecord): void {
    const queue = this.#labelQueues[record.partition];
    if (!queue) return;
    const label = parseLabel(record.value);
    queue.push({ record, parsed: NOT_A_TRANSACTION, label, eventTime: label.ok ? label.knownAt : queue.lastEventTime, decide: false });
  }

  #consumerOf(partition: number): LogConsumer {
    return this.#owned.has(partition) ? this.group : this.#follower;
  }

  /** The group moved partitions: the follower lets go of the new ones and takes the lost ones, at the merge's positions. */
  async #reassign(change: AssignmentChange): Promise<void> {
    const { topic } = this.#options;
    const mine = change.assigned.filter((tp) => tp.topic === topic);
    const lost = change.revoked.filter((tp) => tp.topic === topic);
    const committed = new Map((await this.group.committed(mine)).map((position) => [position.partition, position.offset]));
    const bounds = mine.length > 0 ? await this.#options.log.partitionBounds(topic) : [];
    const assigned: OwnershipChange['assigned'] = [];
    for (const tp of mine) {
      this.#owned.add(tp.partition);
      const start = bounds.find((b) => b.partition === tp.partition)?.start ?? 0;
      const decideFrom = Math.max(start, committed.get(tp.partition) ?? start);
      this.#decideFrom[tp.partition] = decideFrom;
      assigned.push({ ...tp, decideFrom, position: this.#queues[tp.partition]?.position ?? decideFrom });
    }
    for (const tp of lost) {
      this.#owned.delete(tp.partition);
      this.#decideFrom[tp.partition] = Number.POSITIVE_INFINITY;
    }
    this.#assigned = true;
    if (this.#started) {
      this.#follower.release(mine);
      this.group.seek(assigned.map((tp) => ({ topic, partition: tp.partition, offset: this.#queues[tp.partition]?.expected ?? tp.position })));
      this.#follower.seek(lost.map((tp) => ({ topic, partition: tp.partition, offset: this.#queues[tp.partition]?.expected ?? 0 })));
    }
    for (const listener of this.#listeners) await listener({ assigned, revoked: lost });
  }
}
