import { FetchIsolationLevels, type ClusterMetadata, type Consumer, type ConnectionPool, type fetchV17 } from '@platformatic/kafka';
import { FraudError } from '../../errors.ts';
import type { LogRecord, TopicPartition } from '../types.ts';
import { hasBrokerError, toFraudError } from './errors.ts';
import { slotOf } from './offsets.ts';
import { FETCH_LIMITS, KAFKA_TIMINGS } from './options.ts';
import { decodePartition } from './records.ts';

interface PartitionState {
  tp: TopicPartition;
  /** Next offset to request from the broker; records in `buffer` come before it. */
  fetchOffset: number;
  buffer: LogRecord[];
  /** Index of the next record of `buffer` to hand out (shifting arrays is O(n)). */
  head: number;
  bytes: number;
  /** The partition's last stable offset in the latest answer (read_committed reads stop there); -1 before one. */
  stable: number;
}

/**
 * How long a metadata or fetch request may stay unanswered. The client can leave one
 * pending for ever when a broker dies under it; the pump would then never run again and
 * the consumer would go silent, reading nothing and reporting nothing.
 */
const ANSWER_DEADLINE_MS = KAFKA_TIMINGS.requestTimeoutMs;

function unanswered(what: string, ms: number): FraudError {
  return new FraudError('FRAUD_LOG_TIMEOUT', `${what}: no answer from Kafka in ${ms / 1000} s`, { canRetry: true });
}

/** `promise`, or a retryable FRAUD_LOG_TIMEOUT after `ms`. */
async function answerWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(unanswered(what, ms)), ms)));
  promise.catch(() => undefined); // a late failure after the deadline is nobody's
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Called when the broker no longer has `offset` (retention, truncation): where to go instead. */
export type OutOfRangeHandler = (tp: TopicPartition) => Promise<number>;

/**
 * Reads the assigned partitions ahead of poll, within a memory bound: a partition is
 * fetched again only while it buffers less than FETCH_LIMITS.partitionMaxBytes, so a
 * consumer holds at most about twice that per partition however slowly it is polled
 * (back-pressure instead of the client stream's 1024-message high-water mark).
 * One fetch at a time per leader broker, on a connection pool of its own so that a
 * fetch held by the broker never delays a heartbeat or a commit.
 */
export class Fetcher {
  readonly #client: Consumer;
  readonly #pool: ConnectionPool;
  readonly #onOutOfRange: OutOfRangeHandler;
  readonly #partitions = new Map<string, PartitionState>();
  readonly #inflight = new Set<number>();
  #waiters: Array<() => void> = [];
  #error: unknown;
  #pumping = false;
  #pumpAgain = false;
  #rotation = 0;
  #closed = false;

  constructor(client: Consumer, pool: ConnectionPool, onOutOfRange: OutOfRangeHandler) {
    this.#client = client;
    this.#pool = pool;
    this.#onOutOfRange = onOutOfRange;
  }

  /** Starts (or restarts) reading `tp` at `offset`, dropping anything buffered for it. */
  seek(tp: TopicPartition, offset: number): void {
    this.#partitions.set(slotOf(tp), { tp, fetchOffset: offset, buffer: [], head: 0, bytes: 0, stable: -1 });
    this.#schedule();
  }

  /** Stops reading `tp`; a fetch in flight for it is ignored when it comes back. */
  remove(tp: TopicPartition): void {
    this.#partitions.delete(slotOf(tp));
  }

  /** Whether `tp` is read to the end as last seen: nothing buffered, nothing more committed in the last answer. */
  caughtUp(tp: TopicPartition): boolean {
    const state = this.#partitions.get(slotOf(tp));
    return state !== undefined && state.head >= state.buffer.length && state.stable >= 0 && state.fetchOffset >= state.stable;
  }

  /** Hands out up to `max` buffered records, in offset order per partition (of `only`, when given). */
  take(max: number, only?: readonly TopicPartition[]): LogRecord[] {
    const states = only ? only.flatMap((tp) => this.#partitions.get(slotOf(tp)) ?? []) : [...this.#partitions.values()];
    const records: LogRecord[] = [];
    // Start at a different partition each time so a busy one cannot starve the others.
    for (let i = 0; i < states.length && records.length < max; i++) {
      const state = states[(this.#rotation + i) % states.length] as PartitionState;
      while (state.head < state.buffer.length && records.length < max) {
        const record = state.buffer[state.head++] as LogRecord;
        state.bytes -= recordBytes(record);
        records.push(record);
      }
      if (state.head === state.buffer.length) {
        state.buffer = [];
        state.head = 0;
        state.bytes = 0;
      }
    }
    this.#rotation++;
    if (records.length > 0) this.#schedule();
    return records;
  }

  /** Throws (once) what made the last fetch fail, as a FraudError. */
  throwIfFailed(): void {
    if (this.#error === undefined) return;
    const error = this.#error;
    this.#error = undefined;
    this.#schedule();
    throw toFraudError(error, 'fetching records from Kafka');
  }

  /** Resolves when records or an error arrive, on wake(), at the deadline or on abort. */
  waitForRecords(deadline: number, signal?: AbortSignal): Promise<void> {
    if (this.#hasRecords() || this.#error !== undefined || this.#closed || signal?.aborted) return Promise.resolve();
    this.#schedule();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        this.#waiters = this.#waiters.filter((waiter) => waiter !== finish);
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
      signal?.addEventListener('abort', finish, { once: true });
      this.#waiters.push(finish);
    });
  }

  /** Ends a pending waitForRecords early, e.g. when the group assignment changed. */
  wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }

  close(): void {
    this.#closed = true;
    this.#partitions.clear();
    this.wake();
  }

  #hasRecords(): boolean {
    for (const state of this.#partitions.values()) if (state.head < state.buffer.length) return true;
    return false;
  }

  /** Starts the fetches that have room; never rejects, failures are kept for poll. */
  #schedule(): void {
    if (this.#closed) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    void this.#pump()
      .catch((error: unknown) => this.#fail(error))
      .finally(() => {
        this.#pumping = false;
        // A request made between the loop's last check and now would otherwise be lost.
        if (this.#pumpAgain) this.#schedule();
      });
  }

  async #pump(): Promise<void> {
    do {
      this.#pumpAgain = false;
      const wanted = [...this.#partitions.values()].filter((state) => state.bytes < FETCH_LIMITS.partitionMaxBytes);
      if (wanted.length === 0 || this.#error !== undefined) return;
      let metadata: ClusterMetadata;
      try {
        metadata = await answerWithin(this.#client.metadata({ topics: [...new Set(wanted.map((state) => state.tp.topic))] }), ANSWER_DEADLINE_MS, 'metadata');
      } catch (error) {
        // Asked again next time from a fresh view: a dead broker may still be in the cached one.
        this.#client.clearMetadata();
        this.#fail(error);
        return;
      }
      for (const [node, states] of this.#byLeader(wanted, metadata)) {
        this.#inflight.add(node);
        void this.#fetchFrom(node, states, metadata);
      }
    } while (this.#pumpAgain && !this.#closed);
  }

  #byLeader(states: PartitionState[], metadata: ClusterMetadata): Map<number, PartitionState[]> {
    const byLeader = new Map<number, PartitionState[]>();
    for (const state of states) {
      const leader = metadata.topics.get(state.tp.topic)?.partitions[state.tp.partition]?.leader;
      if (leader === undefined || leader < 0 || this.#inflight.has(leader)) continue;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), state]);
    }
    return byLeader;
  }

  async #fetchFrom(node: number, states: PartitionState[], metadata: ClusterMetadata): Promise<void> {
    const requested = new Map(states.map((state) => [state, state.fetchOffset]));
    try {
      const fetching = this.#client.fetch({
        node,
        topics: fetchTopics(states, metadata),
        maxWaitTime: KAFKA_TIMINGS.fetchMaxWaitMs,
        minBytes: 1,
        maxBytes: FETCH_LIMITS.maxBytes,
        isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        connectionPool: this.#pool,
      });
      // Past the deadline the answer is dropped (the positions asked for are asked again).
      const response = await answerWithin(fetching, KAFKA_TIMINGS.fetchMaxWaitMs + ANSWER_DEADLINE_MS, `fetch from broker ${node}`);
      this.#accept(response, requested, metadata);
    } catch (error) {
      await this.#recover(error, states);
    } finally {
      this.#inflight.delete(node);
      this.wake();
      this.#schedule();
    }
  }

  /** Buffers the records of partitions still read from where they were asked. */
  #accept(response: fetchV17.FetchResponse, requested: Map<PartitionState, number>, metadata: ClusterMetadata): void {
    if (this.#closed) return;
    const names = new Map([...metadata.topics].map(([name, topic]) => [topic.id, name]));
    for (const topicResponse of response.responses) {
      const topic = names.get(topicResponse.topicId);
      if (topic === undefined) continue;
      for (const partitionResponse of topicResponse.partitions) {
        const state = this.#partitions.get(slotOf({ topic, partition: partitionResponse.partitionIndex }));
        // A seek or a new assignment since the request: this answer is for an old position.
        if (!state || requested.get(state) !== state.fetchOffset) continue;
        const decoded = decodePartition(topic, partitionResponse, state.fetchOffset);
        state.stable = Number(partitionResponse.lastStableOffset);
        for (const record of decoded.records) state.buffer.push(record);
        state.bytes += decoded.bytes;
        if (decoded.nextOffset !== undefined && decoded.nextOffset > state.fetchOffset) state.fetchOffset = decoded.nextOffset;
      }
    }
  }

  async #recover(error: unknown, states: PartitionState[]): Promise<void> {
    if (this.#closed) return;
    if (hasBrokerError(error, 'OFFSET_OUT_OF_RANGE')) {
      for (const state of states) {
        if (this.#partitions.get(slotOf(state.tp)) !== state) continue;
        try {
          state.fetchOffset = await this.#onOutOfRange(state.tp);
        } catch (cause) {
          this.#fail(cause);
        }
      }
      return;
    }
    // Leadership moved: forget the cached metadata and fetch again from the new leader.
    this.#client.clearMetadata();
    if (['NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH'].some((id) => hasBrokerError(error, id))) return;
    // Anything else (a broker gone, no answer): reported, and asked again from fresh metadata.
    this.#fail(error);
  }

  #fail(error: unknown): void {
    if (this.#closed) return;
    this.#error = error;
    this.wake();
  }
}

function fetchTopics(states: PartitionState[], metadata: ClusterMetadata): fetchV17.FetchRequestTopic[] {
  const topics = new Map<string, fetchV17.FetchRequestTopic>();
  for (const state of states) {
    const topicId = metadata.topics.get(state.tp.topic)?.id as string;
    let entry = topics.get(topicId);
    if (!entry) topics.set(topicId, (entry = { topicId, partitions: [] }));
    entry.partitions.push({
      partition: state.tp.partition,
      fetchOffset: BigInt(state.fetchOffset),
      partitionMaxBytes: FETCH_LIMITS.partitionMaxBytes,
      // -1: no leader-epoch check. Truncation detection is not needed with acks=all.
      currentLeaderEpoch: -1,
      lastFetchedEpoch: -1,
    });
  }
  return [...topics.values()];
}

function recordBytes(record: LogRecord): number {
  return (record.key?.length ?? 0) + (record.value?.length ?? 0) + 64;
}
