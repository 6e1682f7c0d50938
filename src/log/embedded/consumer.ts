import type { EventEmitter } from 'node:events';
import { FraudError } from '../../errors.ts';
import { waitForEvent } from '../../util/wait.ts';
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
import { assignPartitions, GroupMembership } from './membership.ts';
import type { EmbeddedStore } from './store.ts';

export interface EmbeddedConsumerSettings {
  /** Signals appends made through this process's log, so an in-process consumer wakes at once. */
  appended: EventEmitter;
  heartbeatIntervalMs: number;
  sessionTimeoutMs: number;
  /** How often an idle consumer looks for records appended by other processes. */
  idleCheckMs: number;
}

interface Position {
  tp: TopicPartition;
  /** Next offset to fetch. */
  next: number;
  /** Last committed position as this consumer knows it: the compare-and-set guard of its commits. */
  committed: number | undefined;
  /** The last read of it stopped short of what was asked: it was at the end of the log then. */
  atEnd: boolean;
}

const slotOf = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

export class EmbeddedConsumer implements LogConsumer {
  readonly #store: EmbeddedStore;
  readonly #options: ConsumerOptions;
  readonly #settings: EmbeddedConsumerSettings;
  readonly #membership: GroupMembership | undefined;
  readonly #positions = new Map<string, Position>();
  readonly #listeners: Array<(change: AssignmentChange) => void | Promise<void>> = [];
  #lastHeartbeat = 0;
  #rotation = 0;
  #lastDataVersion = -1;
  #closed = false;

  constructor(store: EmbeddedStore, options: ConsumerOptions, settings: EmbeddedConsumerSettings) {
    this.#store = store;
    this.#options = options;
    this.#settings = settings;
    if (options.groupId !== undefined) {
      this.#membership = new GroupMembership(store.db, {
        groupId: options.groupId,
        sessionTimeoutMs: settings.sessionTimeoutMs,
      });
    }
  }

  async poll({ maxRecords, maxWaitMs, signal, only }: PollOptions): Promise<LogRecord[]> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      this.#assertOpen();
      await this.#refreshAssignment(false);
      this.#lastDataVersion = this.#store.dataVersion();
      const records = this.#fetch(maxRecords, only);
      if (records.length > 0) return records;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal?.aborted || this.#closed) return [];
      await this.#waitForAppend(remaining, signal);
    }
  }

  async commit(positions: PartitionPosition[]): Promise<void> {
    await this.commitBatch([], positions);
  }

  async commitBatch(outputs: OutgoingRecord[], positions: PartitionPosition[]): Promise<void> {
    this.#assertOpen();
    if (positions.length > 0 && !this.#membership) {
      throw new FraudError('FRAUD_LOG_IO', 'a consumer without a group cannot commit positions');
    }
    const groupId = this.#options.groupId;
    try {
      this.#store.db
        .transaction(() => {
          if (groupId !== undefined) this.#guardOwnership(groupId, positions);
          this.#store.append(outputs);
          if (groupId !== undefined) this.#store.commitOffsets(groupId, positions);
        })
        .immediate();
    } catch (error) {
      // Not committed (fenced, or the file was locked too long): the caller drops the
      // batch, so its records must be read again, not skipped.
      this.rewind(positions);
      if (error instanceof FraudError) throw error;
      throw new FraudError('FRAUD_LOG_IO', 'committing a batch to the embedded log failed', { cause: error, canRetry: true });
    }
    for (const position of positions) {
      const known = this.#positions.get(slotOf(position));
      if (known) known.committed = position.offset;
    }
    if (outputs.length > 0) this.#settings.appended.emit('append');
  }

  rewind(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      const known = this.#positions.get(slotOf(tp));
      if (!known) continue;
      known.next = known.committed ?? this.#initialPosition(known.tp).next;
      known.atEnd = false;
    }
  }

  seek(positions: PartitionPosition[]): void {
    this.#assertOpen();
    for (const position of positions) {
      const slot = slotOf(position);
      const known = this.#positions.get(slot);
      if (known) {
        known.next = position.offset;
        known.atEnd = false;
      } else if (this.#options.manual) {
        const tp = { topic: position.topic, partition: position.partition };
        this.#positions.set(slot, { tp, next: position.offset, committed: undefined, atEnd: false });
      }
    }
  }

  release(partitions: TopicPartition[]): void {
    if (!this.#options.manual) return;
    for (const tp of partitions) this.#positions.delete(slotOf(tp));
  }

  caughtUp(tp: TopicPartition): boolean {
    return this.#positions.get(slotOf(tp))?.atEnd ?? false;
  }

  assignment(): TopicPartition[] {
    return [...this.#positions.values()].map((position) => position.tp);
  }

  onAssignmentChange(listener: (change: AssignmentChange) => void | Promise<void>): void {
    this.#listeners.push(listener);
  }

  async committed(partitions: TopicPartition[]): Promise<PartitionPosition[]> {
    const groupId = this.#options.groupId;
    if (groupId === undefined) return [];
    const result: PartitionPosition[] = [];
    for (const tp of partitions) {
      const topic = this.#store.topic(tp.topic);
      const offset = topic ? this.#store.committedOffset(groupId, topic, tp.partition) : undefined;
      if (offset !== undefined) result.push({ ...tp, offset });
    }
    return result;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#membership?.leave();
  }

  /** Inside the commit's SQLite transaction: refuse to commit partitions someone else moved on. */
  #guardOwnership(groupId: string, positions: PartitionPosition[]): void {
    const moved = positions.find((position) => {
      const known = this.#positions.get(slotOf(position));
      const topic = this.#store.requireTopic(position.topic);
      return !known || this.#store.committedOffset(groupId, topic, position.partition) !== known.committed;
    });
    if (!moved) return;
    this.#lastHeartbeat = 0; // look at the group again before the next fetch
    // The whole batch is dropped, so every partition in it goes back to its committed
    // position: the records of the partitions still ours are read again, not skipped.
    for (const position of positions) {
      const known = this.#positions.get(slotOf(position));
      if (!known) continue;
      const stored = this.#store.committedOffset(groupId, this.#store.requireTopic(position.topic), position.partition);
      known.committed = stored;
      known.next = stored ?? this.#initialPosition(known.tp).next;
      known.atEnd = false;
    }
    throw new FraudError('FRAUD_LOG_FENCED', `partition ${moved.topic}[${moved.partition}] is no longer this consumer's to commit`, {
      canRetry: true,
    });
  }

  #fetch(maxRecords: number, only: readonly TopicPartition[] | undefined): LogRecord[] {
    const positions = only ? only.flatMap((tp) => this.#positions.get(slotOf(tp)) ?? []) : [...this.#positions.values()];
    const records: LogRecord[] = [];
    // Start at a different partition each time so a busy one cannot starve the others.
    for (let i = 0; i < positions.length && records.length < maxRecords; i++) {
      const position = positions[(this.#rotation + i) % positions.length] as Position;
      const topic = this.#store.topic(position.tp.topic);
      if (!topic) continue;
      const wanted = maxRecords - records.length;
      const batch = this.#store.read(topic, position.tp.partition, position.next, wanted);
      position.atEnd = batch.length < wanted;
      const last = batch[batch.length - 1];
      if (last) position.next = last.offset + 1;
      for (const record of batch) records.push(record);
    }
    this.#rotation++;
    return records;
  }

  async #waitForAppend(remainingMs: number, signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + remainingMs;
    while (!this.#closed && !signal?.aborted && Date.now() < deadline) {
      const wait = Math.min(this.#settings.idleCheckMs, deadline - Date.now());
      if (await waitForEvent(this.#settings.appended, 'append', wait, signal)) return;
      if (this.#store.dataVersion() !== this.#lastDataVersion) return;
      if (this.#membership && Date.now() - this.#lastHeartbeat >= this.#settings.heartbeatIntervalMs) return;
    }
  }

  async #refreshAssignment(force: boolean): Promise<void> {
    if (this.#options.manual) return; // its partitions are the ones seek() named
    const now = Date.now();
    if (!force && this.#lastHeartbeat !== 0 && now - this.#lastHeartbeat < this.#settings.heartbeatIntervalMs) return;
    this.#lastHeartbeat = now;
    const all = this.#subscribedPartitions();
    const wanted = this.#membership ? assignPartitions(all, this.#membership.heartbeat(now), this.#membership.memberId) : all;
    const wantedSlots = new Set(wanted.map(slotOf));
    const revoked = [...this.#positions.values()].filter((p) => !wantedSlots.has(slotOf(p.tp))).map((p) => p.tp);
    const assigned = wanted.filter((tp) => !this.#positions.has(slotOf(tp)));
    if (assigned.length === 0 && revoked.length === 0) return;
    for (const tp of revoked) this.#positions.delete(slotOf(tp));
    for (const tp of assigned) this.#positions.set(slotOf(tp), this.#initialPosition(tp));
    for (const listener of this.#listeners) await listener({ assigned, revoked });
  }

  #subscribedPartitions(): TopicPartition[] {
    const partitions: TopicPartition[] = [];
    for (const name of this.#options.topics) {
      const topic = this.#store.topic(name);
      if (!topic) continue; // not created yet: picked up on a later heartbeat
      for (let partition = 0; partition < topic.partitions; partition++) partitions.push({ topic: name, partition });
    }
    return partitions;
  }

  #initialPosition(tp: TopicPartition): Position {
    const topic = this.#store.requireTopic(tp.topic);
    const bounds = this.#store.bounds(topic).find((b) => b.partition === tp.partition);
    const start = bounds?.start ?? 0;
    const end = bounds?.end ?? 0;
    const groupId = this.#options.groupId;
    const committed = groupId === undefined ? undefined : this.#store.committedOffset(groupId, topic, tp.partition);
    if (committed !== undefined) return { tp, next: Math.max(committed, start), committed, atEnd: false };
    if (this.#options.tail !== undefined) return { tp, next: Math.max(start, end - this.#options.tail), committed, atEnd: false };
    return { tp, next: this.#options.startFrom === 'latest' ? end : start, committed, atEnd: false };
  }

  #assertOpen(): void {
    if (this.#closed) throw new FraudError('FRAUD_LOG_CLOSED', 'the consumer is closed');
  }
}
