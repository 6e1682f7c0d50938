import { randomUUID } from 'node:crypto';
import type { Consumer } from '@platformatic/kafka';
import { FraudError } from '../../errors.ts';
import type { OutgoingRecord, PartitionPosition, TransactionResult } from '../types.ts';
import { isFencingError, kafkaCall, toFraudError } from './errors.ts';
import { commitOffsets, commitOffsetsInTransaction, type GroupGeneration, type TransactionIdentity } from './offsets.ts';
import { KAFKA_TIMINGS, PRODUCE_REQUEST_BYTES, type KafkaLogOptions } from './options.ts';
import { createClientProducer, Retired, KafkaProducer, type KafkaClientProducer, type TransactionalProducerId } from './producer.ts';
import { chunkByBytes, toKafkaMessage } from './records.ts';

/** Waits for every promise (so an abort never overlaps a request) and throws the first failure. */
async function settleAll(promises: Array<Promise<unknown> | undefined>): Promise<void> {
  const results = await Promise.allSettled(promises.filter((promise): promise is Promise<unknown> => promise !== undefined));
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

/**
 * How long one batch's transaction may take, begin to commit. The client can leave a
 * request unanswered for ever when a broker dies under it (seen with a transaction
 * coordinator killed mid-commit: no error, no timeout, the detector silent). Past this the
 * producer is abandoned (the next one, same transactional id, fences it and aborts what it
 * left open) and the batch is retried; by then the broker's own transaction timeout (the
 * request timeout) has aborted it anyway. Four request timeouts, not fewer: during a
 * failover a commit that is still progressing (retries to a moving leader) must not be
 * abandoned, since the abandoned client's late requests could outlive the abort.
 */
const COMMIT_DEADLINE_MS = 4 * KAFKA_TIMINGS.requestTimeoutMs;

/** Rejects with a retryable FRAUD_KAFKA_UNAVAILABLE when `work` has not settled within `ms`. */
async function withinDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FraudError('FRAUD_KAFKA_UNAVAILABLE', `a Kafka transaction did not finish in ${ms / 1000} s`, { canRetry: true })), ms);
  });
  try {
    await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The client does not export its Transaction class. */
type KafkaTransaction = Awaited<ReturnType<KafkaClientProducer['beginTransaction']>>;

/** Outputs in requests the broker accepts, one after the other, all in the transaction. */
async function sendInRequests(transaction: KafkaTransaction, outputs: OutgoingRecord[]): Promise<void> {
  for (const messages of chunkByBytes(outputs.map(toKafkaMessage), PRODUCE_REQUEST_BYTES)) await transaction.send({ messages });
}

/** How a consumer's commitBatch appends its outputs and commits its input positions. */
export interface BatchCommitter {
  commit(outputs: OutgoingRecord[], positions: PartitionPosition[], generation: GroupGeneration | undefined): Promise<void>;
  /**
   * Resolves once no commit of ours can still change the committed offsets: a commit
   * that failed without a clear answer (the broker went away under it) has been finished
   * by the broker, committed or aborted. Committed offsets read before that may be the
   * ones from before a transaction that then commits, and reading from them decides its
   * records twice.
   */
  settleAbandoned(): Promise<void>;
  close(): Promise<void>;
}

/** Without exactlyOnce: outputs first (acks=all), then offsets. A crash in between re-decides the batch. */
export class AtLeastOnceCommitter implements BatchCommitter {
  readonly #options: KafkaLogOptions;
  readonly #client: Consumer;
  #producer: KafkaProducer | undefined;

  constructor(options: KafkaLogOptions, client: Consumer) {
    this.#options = options;
    this.#client = client;
  }

  async commit(outputs: OutgoingRecord[], positions: PartitionPosition[], generation: GroupGeneration | undefined): Promise<void> {
    if (outputs.length > 0) await (this.#producer ??= new KafkaProducer(this.#options)).send(outputs);
    if (positions.length > 0 && generation) {
      await kafkaCall('committing consumer offsets', () => commitOffsets(this.#client, generation, positions));
    }
  }

  async settleAbandoned(): Promise<void> {
    // Offsets are committed after the outputs, outside any transaction: nothing is left pending.
  }

  async close(): Promise<void> {
    await this.#producer?.close();
  }
}

/**
 * With exactlyOnce: one Kafka transaction holds the outputs and the input positions
 * (TxnOffsetCommit), so read_committed readers see both or neither.
 *
 * Zombies are fenced as KIP-447 intends: the TxnOffsetCommit carries the generation and
 * member id under which the batch was read, and the group coordinator refuses it
 * (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, ...) once the group has
 * moved on; the transaction is then aborted and its outputs are never visible. Fencing
 * comes from the group, not from transactional ids. Those are unique per consumer
 * instance, except with static membership: then the id derives from the group instance
 * id, so a detector restarted after a crash takes its predecessor's transactional id over
 * (InitProducerId without producer id and epoch, as the Java client starts) and the
 * transaction the dead process left open is aborted at once instead of timing out while
 * the partitions' committed offsets stay unstable for the new owner.
 */
export class TransactionalCommitter implements BatchCommitter {
  readonly #options: KafkaLogOptions;
  readonly #client: Consumer;
  readonly #baseId: string;
  /** Who the next producer is: our transactional id and, after a failure, the previous producer id and epoch. */
  #identity: TransactionalProducerId;
  #generation = 0;
  readonly #retired = new Retired();
  readonly #onResult: (result: TransactionResult) => void;
  readonly #abortRatio: number;
  #producer: KafkaClientProducer | undefined;
  /** A producer was given up after a failure: its last transaction may still be open, or committing. */
  #abandoned = false;
  /** commit and settleAbandoned one at a time: both begin transactions on the one producer. */
  #turn: Promise<void> = Promise.resolve();

  constructor(options: KafkaLogOptions, client: Consumer, groupId: string, onResult: (result: TransactionResult) => void = () => undefined) {
    this.#options = options;
    this.#client = client;
    const instance = options.groupInstanceId;
    this.#baseId = `${options.clientId}-${groupId}-${instance ?? randomUUID()}`;
    // -1/-1: "a new producer of this id", which bumps the epoch and aborts an open transaction.
    this.#identity = instance === undefined ? { transactionalId: this.#baseId } : { transactionalId: this.#baseId, producerId: -1n, producerEpoch: -1 };
    this.#onResult = onResult;
    this.#abortRatio = options.testAbortRatio ?? 0;
  }

  async commit(outputs: OutgoingRecord[], positions: PartitionPosition[], generation: GroupGeneration | undefined): Promise<void> {
    if (outputs.length === 0 && positions.length === 0) return;
    await this.#inTurn(() => this.#commit(outputs, positions, generation));
  }

  async #commit(outputs: OutgoingRecord[], positions: PartitionPosition[], generation: GroupGeneration | undefined): Promise<void> {
    const producer = (this.#producer ??= createClientProducer(this.#options, 'transactions', this.#identity));
    let transaction: KafkaTransaction | undefined;
    let abortOnPurpose = false;
    const work = (async (): Promise<void> => {
      const open = await producer.beginTransaction();
      this.#initialised(producer);
      transaction = open;
      const withOffsets = positions.length > 0 && generation !== undefined;
      // AddOffsetsToTxn first: it and AddPartitionsToTxn both go to the transaction
      // coordinator and must not overlap. Then the produce (partition leaders) and the
      // TxnOffsetCommit (group coordinator) are independent and go out together.
      if (withOffsets) await open.addConsumer(this.#client);
      await settleAll([
        outputs.length > 0 ? sendInRequests(open, outputs) : undefined,
        withOffsets ? commitOffsetsInTransaction(this.#client, this.#transactionOf(producer), generation, positions) : undefined,
      ]);
      abortOnPurpose = this.#abortRatio > 0 && Math.random() < this.#abortRatio;
      await (abortOnPurpose ? open.abort() : open.commit());
    })();
    work.catch(() => undefined); // past the deadline its late failure is nobody's: the producer is gone
    try {
      await withinDeadline(work, COMMIT_DEADLINE_MS);
    } catch (error) {
      await this.#abandon(producer, transaction, error);
      if (transaction) this.#onResult('aborted');
      throw toFraudError(error, 'committing a batch in a Kafka transaction');
    }
    if (abortOnPurpose) this.#abortedOnPurpose();
    this.#onResult('committed');
  }

  /**
   * After a failed commit, a new producer of the same transactional id, initialised now
   * rather than at the next commit: InitProducerId (KIP-360) bumps the epoch, fencing the
   * abandoned client's late requests, and the broker answers only once the transaction
   * that client left is complete: aborted if it was open, committed if its commit had
   * reached the coordinator before the answer was lost. A commit that had got that far
   * must be found in the committed offsets, or its records would be decided again.
   */
  async settleAbandoned(): Promise<void> {
    if (this.#abandoned) await this.#inTurn(() => this.#settleAbandoned());
  }

  async #settleAbandoned(): Promise<void> {
    if (!this.#abandoned) return; // settled by a commit meanwhile
    const producer = (this.#producer ??= createClientProducer(this.#options, 'transactions', this.#identity));
    const work = (async (): Promise<void> => {
      const open = await producer.beginTransaction(); // InitProducerId when the client has no producer id yet
      this.#initialised(producer);
      await open.cancel(); // nothing was added: nothing to end on the broker
    })();
    work.catch(() => undefined);
    try {
      await withinDeadline(work, COMMIT_DEADLINE_MS);
    } catch (error) {
      await this.#abandon(producer, undefined, error);
      throw toFraudError(error, 'finishing the transaction of a producer given up after a failure');
    }
  }

  /**
   * The client holds a producer id and epoch: whatever an abandoned client left is finished
   * (its InitProducerId saw to it), and they are what a successor takes over from if this
   * client fails before it learns newer ones, so that the successor fences it too.
   */
  #initialised(producer: KafkaClientProducer): void {
    this.#abandoned = false;
    const { producerId, producerEpoch } = producer;
    if (producerId !== undefined && producerEpoch !== undefined) this.#identity = { transactionalId: this.#identity.transactionalId, producerId, producerEpoch };
  }

  async #inTurn(work: () => Promise<void>): Promise<void> {
    const previous = this.#turn;
    const mine = previous.then(work);
    this.#turn = mine.catch(() => undefined);
    await mine;
  }

  async close(): Promise<void> {
    if (this.#producer) this.#retired.close(this.#producer);
    this.#producer = undefined;
    await this.#retired.settled();
  }

  /**
   * The test switch: everything was sent, outputs and offsets, then the transaction was
   * aborted instead of committed, as Kafka's TransactionalMessageCopier does with
   * --enable-random-aborts. The producer stays (a clean abort leaves it usable); the caller
   * drops the batch and the consumer reads it again from the committed positions.
   */
  #abortedOnPurpose(): never {
    this.#onResult('aborted');
    throw new FraudError('FRAUD_LOG_ABORTED', `transaction aborted by the test switch FRAUD_TEST_ABORT_RATIO=${this.#abortRatio}`, { canRetry: true });
  }

  #transactionOf(producer: KafkaClientProducer): TransactionIdentity {
    return { transactionalId: this.#identity.transactionalId, producerId: producer.producerId ?? -1n, producerEpoch: producer.producerEpoch ?? -1 };
  }

  /**
   * Aborts, then replaces the producer: the client keeps sequence numbers that may be
   * wrong after a failed request, and a new producer with the same transactional id
   * (InitProducerId) also aborts the transaction if our abort could not be sent.
   */
  async #abandon(producer: KafkaClientProducer, transaction: KafkaTransaction | undefined, error: unknown): Promise<void> {
    if (transaction && !transaction.completed) await withinDeadline(transaction.abort(), KAFKA_TIMINGS.requestTimeoutMs).catch(() => undefined);
    if (this.#producer === producer) {
      this.#producer = undefined;
      this.#identity = this.#nextIdentity(producer, error);
      this.#abandoned = true;
    }
    this.#retired.close(producer);
  }

  /**
   * Who the next producer is. It takes over the failed one's id and epoch when known. A
   * client that never got them (the broker was away) changed nothing on the broker: the
   * next one takes over from the last known id and epoch, which also aborts a transaction
   * that an unreachable broker kept open, instead of leaving it to time out. Without a
   * known id and epoch, or when fenced, the old transactional id cannot be taken over: a new one.
   */
  #nextIdentity(producer: KafkaClientProducer, error: unknown): TransactionalProducerId {
    const { transactionalId } = this.#identity;
    const { producerId, producerEpoch } = producer;
    if (producerId !== undefined && producerEpoch !== undefined) return { transactionalId, producerId, producerEpoch };
    if (this.#identity.producerId !== undefined && !isFencingError(error)) return this.#identity;
    return { transactionalId: `${this.#baseId}-${++this.#generation}` };
  }
}
