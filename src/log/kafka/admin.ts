import { Admin, type ClusterMetadata } from '@platformatic/kafka';
import { FraudError } from '../../errors.ts';
import { sleep } from '../../util/wait.ts';
import type { TopicSpec } from '../types.ts';
import { connectFailure } from './connect-errors.ts';
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
  readonly #replication: { replicationFactor?: number; minInsyncReplicas?: number };
  readonly #security: KafkaLogOptions;

  constructor(options: KafkaLogOptions) {
    this.#admin = new Admin(clientOptions(options, 'admin'));
    this.#brokers = options.brokers;
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#replication = { replicationFactor: options.replicationFactor, minInsyncReplicas: options.minInsyncReplicas };
    this.#security = options;
  }

  /**
   * Startup check: one metadata request, failing with the brokers that could not be
   * reached. Bounded: against a silent address every retry would wait a connect timeout.
   */
  async connect(): Promise<void> {
    try {
      await withTimeout(this.#admin.metadata({ topics: [], forceUpdate: true }), this.#connectTimeoutMs + 2_000);
    } catch (cause) {
      throw connectFailure(cause, this.#security);
    }
  }

  async listTopics(): Promise<string[]> {
    return kafkaCall('listing topics', () => this.#admin.listTopics());
  }

  /**
   * Creates the missing topics, one request each (the client applies one partition count
   * to every topic of a request), replicated as topicReplication says. A topic created meanwhile
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
    const replication = topicReplication(this.#replication, metadata.brokers.size);
    for (const spec of missing) await this.#create(spec, replication);
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

  async #create(spec: TopicSpec, replication: TopicReplication): Promise<void> {
    try {
      await this.#admin.createTopics({
        topics: [spec.name],
        partitions: spec.partitions,
        replicas: replication.replicas,
        configs: topicConfigs(spec, replication),
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

function topicConfigs(spec: TopicSpec, replication: TopicReplication): Array<{ name: string; value: string }> {
  const configs = spec.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [];
  if (spec.keepForever) configs.push({ name: 'retention.ms', value: '-1' }, { name: 'retention.bytes', value: '-1' });
  // Set on each topic, not left to the broker default (1 on most clusters), so that
  // acks=all means "written to this many replicas" whatever the cluster's defaults.
  configs.push({ name: 'min.insync.replicas', value: String(replication.minInsyncReplicas) });
  return configs;
}

export interface TopicReplication {
  replicas: number;
  minInsyncReplicas: number;
}

/**
 * Replication of the topics we create: as configured, else min(3, brokers) replicas and a
 * min ISR of 2 once there are three (one broker may then fail without stopping writes,
 * and an acknowledged record is on two brokers), else 1. Checked against the cluster,
 * which would otherwise refuse each topic with INVALID_REPLICATION_FACTOR.
 */
export function topicReplication(configured: { replicationFactor?: number; minInsyncReplicas?: number }, brokers: number): TopicReplication {
  const replicas = configured.replicationFactor ?? Math.min(3, Math.max(1, brokers));
  const minInsyncReplicas = configured.minInsyncReplicas ?? (replicas >= 3 ? 2 : 1);
  const problems: string[] = [];
  if (replicas > brokers) problems.push(`FRAUD_REPLICATION_FACTOR is ${replicas}, but the cluster has ${brokers} broker(s) up: lower it, or start the missing brokers`);
  if (minInsyncReplicas > replicas) problems.push(`FRAUD_MIN_INSYNC_REPLICAS is ${minInsyncReplicas}, above the ${replicas} replica(s) of each topic: no write could succeed`);
  if (problems.length > 0) throw new FraudError('FRAUD_CONFIG_INVALID', 'the topics cannot be created with this replication', { problems });
  return { replicas, minInsyncReplicas };
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
