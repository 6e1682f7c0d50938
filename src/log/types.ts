/**
 * The log: what the pipeline needs from Kafka, and what the embedded SQLite log
 * provides the same way. One interface, two implementations, one conformance suite
 * (test/log/conformance.ts) run against both.
 */

/** Records as they are read. Offsets are numbers: 2^53 records per partition is beyond any real topic. */
export interface LogRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Milliseconds since the epoch at which the record was appended (or created by its producer). */
  timestamp: number;
  headers: Record<string, string>;
}

/** A record to append. Records with the same key go to the same partition, in order. */
export interface OutgoingRecord {
  topic: string;
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
  /** Explicit partition; otherwise chosen from the key (or round-robin without one). */
  partition?: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Keep only the newest record per key (Kafka's cleanup.policy=compact), e.g. for the rules topic. */
  compacted?: boolean;
  /** Never delete records for their age (Kafka's retention.ms=-1), e.g. for the audit trail of rulesets. */
  keepForever?: boolean;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** The next offset to read in a partition, as Kafka commits it. */
export interface PartitionPosition extends TopicPartition {
  offset: number;
}

export type StartFrom = 'earliest' | 'latest';

export interface ConsumerOptions {
  topics: string[];
  /**
   * With a group, partitions are shared among the group's members and positions are
   * committed. Without one, the consumer reads every partition and commits nothing.
   */
  groupId?: string;
  /** Where to start when the group has no committed position (or there is no group). */
  startFrom?: StartFrom;
  /** Without a group: start this many records before the end of each partition (the dashboard's recent history). */
  tail?: number;
  /**
   * Without a group: read no partition until seek() names it, from the offset it gives
   * (the detector follows the partitions it does not own this way, from its own positions).
   */
  manual?: boolean;
  /**
   * Exactly-once delivery of commitBatch: outputs and positions in one atomic step
   * (one SQLite transaction, or one Kafka transaction read back with read_committed).
   * Without it, Kafka sends then commits (at least once). The embedded log is always atomic.
   */
  exactlyOnce?: boolean;
  /**
   * Told the outcome of each Kafka transaction commitBatch ran (exactlyOnce on Kafka), for
   * metrics. 'aborted' includes a commit whose outcome could not be confirmed. The embedded
   * log, one SQLite transaction per batch, never calls it.
   */
  onTransaction?: (result: TransactionResult) => void;
}

export type TransactionResult = 'committed' | 'aborted';

export interface PollOptions {
  maxRecords: number;
  /** How long to wait for a first record when none is available. */
  maxWaitMs: number;
  signal?: AbortSignal;
  /** Only records of these partitions (others stay buffered for a later poll). */
  only?: readonly TopicPartition[];
}

export interface AssignmentChange {
  assigned: TopicPartition[];
  revoked: TopicPartition[];
}

export interface LogConsumer {
  /** Returns the next records of the assigned partitions, in offset order per partition; [] on timeout. */
  poll(options: PollOptions): Promise<LogRecord[]>;
  /** Commits the next offsets to read. Group consumers only. */
  commit(positions: PartitionPosition[]): Promise<void>;
  /**
   * Appends `outputs` and commits `positions` as one step, the heart of
   * consume-decide-produce. Throws FRAUD_LOG_FENCED when another member of the group
   * owns one of the partitions now; the caller then drops the batch, which the owner
   * reads again from the last committed position. Outputs may become visible to readers
   * a moment after this resolves (Kafka finishes a transaction's markers asynchronously).
   */
  commitBatch(outputs: OutgoingRecord[], positions: PartitionPosition[]): Promise<void>;
  /**
   * Forgets what was fetched past the committed positions of these partitions: their
   * records are read again from there. For a caller that drops a batch it had not yet
   * handed to commitBatch (one decided on top of a batch whose commit failed).
   */
  rewind(partitions: TopicPartition[]): void;
  /**
   * Reads these partitions from these offsets next, dropping what was fetched ahead: an
   * assigned partition of a group member, or any partition of a manual consumer (which
   * starts reading it).
   */
  seek(positions: PartitionPosition[]): void;
  /** A manual consumer stops reading these partitions. */
  release(partitions: TopicPartition[]): void;
  /**
   * Whether the partition is read to the end of the log as last seen: nothing buffered and
   * nothing more committed when it was last fetched. Records appended since may exist.
   */
  caughtUp(tp: TopicPartition): boolean;
  /** Partitions currently assigned to this consumer (for a manual one: the partitions it reads). */
  assignment(): TopicPartition[];
  /** Called before poll returns records of a changed assignment, so per-partition state can be dropped or rebuilt. */
  onAssignmentChange(listener: (change: AssignmentChange) => void | Promise<void>): void;
  /** Committed positions of this consumer's group for the given partitions (absent when never committed). */
  committed(partitions: TopicPartition[]): Promise<PartitionPosition[]>;
  close(): Promise<void>;
}

export interface LogProducer {
  /**
   * Resolves once every record is durably appended (acks=all on Kafka, committed on SQLite).
   * After a failure, sending the very same record objects again is a retry: the Kafka
   * producer then reuses the failed request's sequence numbers, so that records the broker
   * did write before the failure are not written twice.
   */
  send(records: OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** First and next offsets of a partition: the records it holds are [start, end). */
export interface PartitionBounds extends TopicPartition {
  start: number;
  end: number;
}

export interface LogHealth {
  kind: LogKind;
  ok: boolean;
  detail: string;
}

export type LogKind = 'embedded' | 'kafka';

export interface Log {
  readonly kind: LogKind;
  /** Creates the topics that are missing; existing ones are left as they are. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  listTopics(): Promise<string[]>;
  partitionBounds(topic: string): Promise<PartitionBounds[]>;
  /** Reads a partition from an offset, outside any group (replays, state rebuild, inspection). */
  read(partition: TopicPartition & { from: number; maxRecords: number }): Promise<LogRecord[]>;
  createProducer(): Promise<LogProducer>;
  createConsumer(options: ConsumerOptions): Promise<LogConsumer>;
  health(): Promise<LogHealth>;
  close(): Promise<void>;
}
