import { Admin, type ClusterMetadata } from '@platformatic/kafka';
import { FraudError } from '../../errors.ts';
import { sleep } from '../../util/wait.ts';
import type { TopicSpec } from '../types.ts';
import { describeKafkaError, hasBrokerError, kafkaCall, toFraudError } from './errors.ts';
import { clientOptions, type KafkaLogOptions } from './options.ts';
import { closeClient } from './producer.ts';

/** How long ensureTopics waits for new topics to have leaders before giving up. */
const TOPIC_READY_MS = 15_000;
/** A health check answers within this, whatever the client's retries would do. */
const HEALTH_TIMEOUT_MS = 3_000;

/** Topics and cluster state, through one Admin client. */
export class TopicAdmin {
  readonly #admin: Admin;
  readonly #brokers: string[];
  readonly #connectTimeoutMs: number;

  constructor(options: KafkaLogOptions) {
    this.#admin = new Admin(clientOptions(options, 'admin'));
    this.#brokers = options.brokers;
    this.#connectTimeoutMs = options.connectTimeoutMs;
  }

  /**
   * Startup check: one metadata request, failing with the brokers that could not be
   * reached. Bounded: against a silent address every retry would wait a connect timeout.
   */
  async connect(): Promise<void> {
    try {
      await withTimeout(this.#admin.metadata({ topics: [], forceUpdate: true }), this.#connectTimeoutMs + 2_000);
    } catch (cause) {
      throw new FraudError(
        'FRAUD_KAFKA_UNAVAILABLE',
        `cannot reach the Kafka broker(s) ${this.#brokers.join(', ')}: ${describeKafkaError(cause)}`,
        { cause, canRetry: true },
      );
    }
  }

  async listTopics(): Promise<string[]> {
    return kafkaCall('listing topics', () => this.#admin.listTopics());
  }

  /**
   * Creates the missing topics, one request each (the client applies one partition count
   * to every topic of a request). Replication: min(3, brokers). A topic created meanwhile
   * by someone else (TOPIC_ALREADY_EXISTS) is fine; existing topics are left untouched.
   */
  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    for (const spec of topics) {
      if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
        throw new FraudError('FRAUD_LOG_IO', `topic "${spec.name}" needs at least one partition`);
      }
    }
    const existing = new Set(await this.listTopics());
    const missing = topics.filter((spec) => !existing.has(spec.name));
    if (missing.length === 0) return;
    const metadata = await kafkaCall('reading cluster metadata', () => this.#admin.metadata({ topics: [] }));
    const replicas = Math.min(3, metadata.brokers.size);
    for (const spec of missing) await this.#create(spec, replicas);
    await this.#waitForLeaders(missing.map((spec) => spec.name));
  }

  async health(): Promise<{ ok: boolean; detail: string }> {
    try {
      const metadata = await withTimeout(this.#admin.metadata({ topics: [], forceUpdate: true }), HEALTH_TIMEOUT_MS);
      return { ok: true, detail: describeCluster(metadata) };
    } catch (error) {
      return { ok: false, detail: `${this.#brokers.join(', ')}: ${describeKafkaError(error)}` };
    }
  }

  async close(): Promise<void> {
    await closeClient(this.#admin);
  }

  async #create(spec: TopicSpec, replicas: number): Promise<void> {
    try {
      await this.#admin.createTopics({
        topics: [spec.name],
        partitions: spec.partitions,
        replicas,
        configs: topicConfigs(spec),
      });
    } catch (error) {
      if (hasBrokerError(error, 'TOPIC_ALREADY_EXISTS')) return;
      throw toFraudError(error, `creating topic "${spec.name}"`);
    }
  }

  /** A created topic takes a moment to have leaders everywhere; producing before would fail. */
  async #waitForLeaders(names: string[]): Promise<void> {
    const deadline = Date.now() + TOPIC_READY_MS;
    for (;;) {
      try {
        const metadata = await this.#admin.metadata({ topics: [...names], forceUpdate: true });
        if (names.every((name) => hasLeaders(metadata, name))) return;
      } catch (error) {
        if (Date.now() >= deadline) throw toFraudError(error, 'waiting for new topics');
      }
      if (Date.now() >= deadline) throw new FraudError('FRAUD_LOG_TIMEOUT', `topics ${names.join(', ')} have no leader yet`, { canRetry: true });
      await sleep(50);
    }
  }
}

function topicConfigs(spec: TopicSpec): Array<{ name: string; value: string }> {
  const configs = spec.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [];
  if (spec.keepForever) configs.push({ name: 'retention.ms', value: '-1' }, { name: 'retention.bytes', value: '-1' });
  return configs;
}

function hasLeaders(metadata: ClusterMetadata, name: string): boolean {
  const topic = metadata.topics.get(name);
  return topic !== undefined && topic.partitionsCount > 0 && topic.partitions.every((partition) => partition.leader >= 0);
}

function describeCluster(metadata: ClusterMetadata): string {
  const brokers = [...metadata.brokers.values()].map((broker) => `${broker.host}:${broker.port}`);
  return `cluster ${metadata.id}, ${brokers.length} broker(s): ${brokers.join(', ')}`;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
