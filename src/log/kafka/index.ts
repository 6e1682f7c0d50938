import type {
  ConsumerOptions,
  Log,
  LogConsumer,
  LogHealth,
  LogProducer,
  LogRecord,
  PartitionBounds,
  TopicPartition,
  TopicSpec,
} from '../types.ts';
import { TopicAdmin } from './admin.ts';
import { createKafkaConsumer } from './consumer.ts';
import { closedError } from './errors.ts';
import type { KafkaLogOptions } from './options.ts';
import { KafkaProducer } from './producer.ts';
import { PartitionReader } from './reader.ts';

export type { KafkaLogOptions } from './options.ts';

/**
 * The Log on Apache Kafka, through @platformatic/kafka. Checks that the brokers answer
 * before resolving, so a wrong address fails at start with the brokers named
 * (FRAUD_KAFKA_UNAVAILABLE), not at the first record.
 */
export async function openKafkaLog(options: KafkaLogOptions): Promise<Log> {
  const admin = new TopicAdmin(options);
  try {
    await admin.connect();
  } catch (error) {
    await admin.close();
    throw error;
  }
  return new KafkaLog(options, admin);
}

interface Closable {
  close(): Promise<void>;
}

class KafkaLog implements Log {
  readonly kind = 'kafka' as const;
  readonly #options: KafkaLogOptions;
  readonly #admin: TopicAdmin;
  readonly #clients = new Set<Closable>();
  #reader: PartitionReader | undefined;
  #closed = false;

  constructor(options: KafkaLogOptions, admin: TopicAdmin) {
    this.#options = options;
    this.#admin = admin;
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    this.#assertOpen();
    await this.#admin.ensureTopics(topics);
  }

  async listTopics(): Promise<string[]> {
    this.#assertOpen();
    return this.#admin.listTopics();
  }

  async partitionBounds(topic: string): Promise<PartitionBounds[]> {
    this.#assertOpen();
    return this.#partitionReader().bounds(topic);
  }

  async read(request: TopicPartition & { from: number; maxRecords: number }): Promise<LogRecord[]> {
    this.#assertOpen();
    return this.#partitionReader().read(request);
  }

  async createProducer(): Promise<LogProducer> {
    this.#assertOpen();
    const producer: KafkaProducer = new KafkaProducer(this.#options, () => this.#clients.delete(producer));
    this.#clients.add(producer);
    return producer;
  }

  async createConsumer(options: ConsumerOptions): Promise<LogConsumer> {
    this.#assertOpen();
    const consumer = await createKafkaConsumer(this.#options, options, (closed) => this.#clients.delete(closed));
    if (this.#closed) {
      await consumer.close(); // the log was closed while the consumer was being opened
      throw closedError('log');
    }
    this.#clients.add(consumer);
    return consumer;
  }

  async health(): Promise<LogHealth> {
    if (this.#closed) return { kind: this.kind, ok: false, detail: 'closed' };
    return { kind: this.kind, ...(await this.#admin.health()) };
  }

  /** Closes every client this log created: consumers leave their groups, producers flush. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const clients = [...this.#clients];
    this.#clients.clear();
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await this.#reader?.close();
    await this.#admin.close();
  }

  #partitionReader(): PartitionReader {
    return (this.#reader ??= new PartitionReader(this.#options));
  }

  #assertOpen(): void {
    if (this.#closed) throw closedError('log');
  }
}
