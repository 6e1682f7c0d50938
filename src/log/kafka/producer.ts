import { Producer } from '@platformatic/kafka';
import { guardBrokerLookups } from './group-coordinator.ts';
import type { LogProducer, OutgoingRecord } from '../types.ts';
import { closedError, toFraudError } from './errors.ts';
import { clientOptions, PRODUCE_REQUEST_BYTES, type KafkaLogOptions } from './options.ts';
import { chunkByBytes, createPartitioner, partitionSentTo, toKafkaMessage, type KafkaMessage } from './records.ts';

export type KafkaClientProducer = Producer<Buffer, Buffer, Buffer, Buffer>;

/**
 * An idempotent producer: acks=all (the client forces it), one request in flight per
 * broker, sequence numbers so a retried batch is never written twice. With a
 * transactional id it can run transactions (the client requires `idempotent: true`).
 */
export function createClientProducer(options: KafkaLogOptions, role: string, transaction?: TransactionalProducerId): KafkaClientProducer {
  const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
    ...clientOptions(options, role),
    idempotent: true,
    ...(transaction ?? {}),
    partitioner: createPartitioner(),
  });
  // Its transaction coordinator, once fenced out of the cluster, would crash the process (group-coordinator.ts).
  guardBrokerLookups(producer);
  return producer;
}

/**
 * A transactional id, with the producer id and epoch it last had when a new client takes
 * over from a failed one. The client sends InitProducerId with producer id 0 and epoch 0
 * unless told otherwise, which the broker refuses (PRODUCER_FENCED) for a transactional id
 * it already knows; with the previous id and epoch it bumps the epoch (KIP-360), which also
 * aborts whatever the previous client left open.
 */
export interface TransactionalProducerId {
  transactionalId: string;
  producerId?: bigint;
  producerEpoch?: number;
}

/** Closes a client, falling back to dropping its connections if a polite close fails. */
export async function closeClient(client: { close(): Promise<void>; connections: { close(): Promise<void> } }): Promise<void> {
  try {
    await client.close();
  } catch {
    await client.connections.close().catch(() => undefined);
  }
}

/** Clients being closed in the background (replaced after a failure), awaited by close(). */
export class Retired {
  readonly #closing = new Set<Promise<void>>();

  close(client: Parameters<typeof closeClient>[0]): void {
    const closing = closeClient(client).finally(() => this.#closing.delete(closing));
    this.#closing.add(closing);
  }

  async settled(): Promise<void> {
    await Promise.all(this.#closing);
  }
}

interface Pending {
  records: OutgoingRecord[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * `send` resolves once the broker acknowledged every record (acks=all). Sends made while
 * another is in flight are merged into the next request (group commit), in call order.
 *
 * A failed send is retried by sending the very same records again: they go out on the
 * same client, and only those the brokers did not acknowledge (the client sends one
 * request per leader; with a broker down, the others may have answered). The client has
 * advanced the sequence numbers of the acknowledged partitions and not of the others, so
 * the records resent keep their sequence numbers, and what a broker did write before the
 * failure (its answer lost) is acknowledged without being written twice (idempotence).
 * Resending the acknowledged ones too, on a new client (a new producer id), would write
 * them twice: Kafka's own system test found exactly that under a hard broker bounce.
 *
 * Other records after a failure go out on a new client: on the old one they would reuse
 * the sequence numbers of records the broker may have written, and the broker would
 * answer DUPLICATE_SEQUENCE_NUMBER with success without writing them.
 */
export class KafkaProducer implements LogProducer {
  readonly #options: KafkaLogOptions;
  readonly #onClosed: () => void;
  readonly #retired = new Retired();
  #client: KafkaClientProducer | undefined;
  /** The records of the last failed send, when a retry of them may reuse the client: its requests, and the first not acknowledged. */
  #unacknowledged: { records: OutgoingRecord[]; requests: KafkaMessage[][]; next: number } | undefined;
  #queue: Pending[] = [];
  #draining: Promise<void> | undefined;
  #closed = false;

  constructor(options: KafkaLogOptions, onClosed: () => void = () => undefined) {
    this.#options = options;
    this.#onClosed = onClosed;
  }

  send(records: OutgoingRecord[]): Promise<void> {
    if (this.#closed) return Promise.reject(closedError('producer'));
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      this.#startDrain();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#draining) await this.#draining; // sends accepted before close still go out
    if (this.#client) this.#retired.close(this.#client);
    this.#client = undefined;
    await this.#retired.settled();
    this.#onClosed();
  }

  #startDrain(): void {
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
      // A send queued between the loop's last check and now starts its own drain.
      if (this.#queue.length > 0) this.#startDrain();
    });
  }

  /** Never rejects: each batch's outcome goes to its callers. */
  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        await this.#sendNow(batch.flatMap((pending) => pending.records));
        for (const pending of batch) pending.resolve();
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
  }

  async #sendNow(records: OutgoingRecord[]): Promise<void> {
    const failed = this.#unacknowledged;
    this.#unacknowledged = undefined;
    const retry = failed !== undefined && sameRecords(failed.records, records);
    // Other records must not reuse the sequence numbers of the failed request: a new client.
    if (failed && !retry) this.#retireClient();
    const requests = retry ? failed.requests : chunkByBytes(records.map(toKafkaMessage), PRODUCE_REQUEST_BYTES);
    let next = retry ? failed.next : 0;
    const client = (this.#client ??= createClientProducer(this.#options, 'producer'));
    try {
      for (; next < requests.length; next++) await client.send({ messages: requests[next] ?? [] });
    } catch (error) {
      // The requests before `next` were acknowledged: a retry goes on from the failed one, without what it got acknowledged.
      const unacknowledged = await unacknowledgedRequests(client, requests, next, error);
      if (unacknowledged) this.#unacknowledged = { records, requests: unacknowledged, next: 0 };
      else this.#retireClient();
      throw toFraudError(error, `sending ${records.length} record(s) to Kafka`);
    }
  }

  #retireClient(): void {
    if (this.#client) this.#retired.close(this.#client);
    this.#client = undefined;
  }
}

function sameRecords(a: OutgoingRecord[], b: OutgoingRecord[]): boolean {
  return a.length === b.length && a.every((record, i) => record === b[i]);
}

/** The client attaches the partitions that did acknowledge a failed send as `produced.offsets`. */
function acknowledged(error: unknown): Array<{ topic: string; partition: number }> {
  const produced = (error as { produced?: { offsets?: Array<{ topic: string; partition: number }> } } | null)?.produced;
  return produced?.offsets ?? [];
}

/** Longest wait for partition counts while working out what a failed request left unacknowledged. */
const PARTITION_COUNT_WAIT_MS = 2_000;

/**
 * The failed request without the records of the partitions that acknowledged it, then
 * the requests not sent yet. Undefined when that cannot be told (no partition counts):
 * the caller then resends all on a new client, as before.
 */
async function unacknowledgedRequests(client: KafkaClientProducer, requests: KafkaMessage[][], failedAt: number, error: unknown): Promise<KafkaMessage[][] | undefined> {
  const failed = requests[failedAt] ?? [];
  const rest = requests.slice(failedAt + 1);
  const acks = acknowledged(error);
  if (acks.length === 0) return [failed, ...rest];
  const done = new Set(acks.map((ack) => `${ack.topic}\u0000${ack.partition}`));
  const counts = await partitionCounts(client, [...new Set(failed.map((message) => message.topic))]);
  if (!counts) return undefined;
  const pending: KafkaMessage[] = [];
  for (const message of failed) {
    const partition = partitionSentTo(message, counts.get(message.topic) ?? 0);
    if (partition === undefined || Number.isNaN(partition)) return undefined;
    if (!done.has(`${message.topic}\u0000${partition}`)) pending.push(message);
  }
  return [pending, ...rest].filter((request) => request.length > 0);
}

async function partitionCounts(client: KafkaClientProducer, topics: string[]): Promise<Map<string, number> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PARTITION_COUNT_WAIT_MS)));
    const metadata = await Promise.race([client.metadata({ topics }), timeout]);
    if (!metadata) return undefined;
    return new Map(topics.map((topic) => [topic, metadata.topics.get(topic)?.partitionsCount ?? 0]));
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
