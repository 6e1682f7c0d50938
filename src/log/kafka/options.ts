import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { BaseOptions, RetryDelayGetter } from '@platformatic/kafka';
import { FraudError } from '../../errors.ts';

/** What `openKafkaLog` takes: the `kafka` section of the configuration, brokers resolved. */
export interface KafkaLogOptions {
  brokers: string[];
  clientId: string;
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string };
  tls: boolean;
  /** PEM file of the certificate authority to trust, for brokers with a private CA. */
  tlsCaFile?: string;
  connectTimeoutMs: number;
  /** Replicas of the topics ensureTopics creates; default min(3, brokers). */
  replicationFactor?: number;
  /** min.insync.replicas of the topics ensureTopics creates; default 2 with 3+ replicas, else 1. */
  minInsyncReplicas?: number;
  /** Group session timeout; default KAFKA_TIMINGS.sessionTimeoutMs. */
  sessionTimeoutMs?: number;
  /** Static membership of group consumers (group.instance.id); see TransactionalCommitter for the transactional id. */
  groupInstanceId?: string;
  /** Tests only: share of the transactions the TransactionalCommitter aborts instead of committing. */
  testAbortRatio?: number;
}

/**
 * Timings of the clients we build. They are chosen for a low-latency pipeline, not the
 * client's defaults (5 s fetch wait, 60 s session, 3 s heartbeat), which make a detector
 * take seconds to notice a record or a rebalance.
 */
export const KAFKA_TIMINGS = {
  /** Longest time the broker holds a fetch when there is nothing to return. */
  fetchMaxWaitMs: 200,
  /** Bounded wait of `Log.read`: it reports what is there, it does not wait for more. */
  readMaxWaitMs: 100,
  /**
   * Request timeout. The client also sends it as the transaction timeout of
   * InitProducerId, so a crashed detector's open transaction is aborted after this long.
   */
  requestTimeoutMs: 15_000,
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 15_000,
  /** Other members learn of a rebalance at their next heartbeat: keep it short. */
  heartbeatIntervalMs: 500,
  retries: 6,
  metadataMaxAgeMs: 5_000,
} as const;

/** Fetch sizes: the memory a consumer may hold is about these per partition (see fetcher.ts). */
export const FETCH_LIMITS = {
  partitionMaxBytes: 1_048_576,
  maxBytes: 8 * 1_048_576,
} as const;

/**
 * Most key, value and header bytes sent in one produce request. The client writes one
 * record batch per partition per request, and brokers refuse a batch over
 * message.max.bytes (1 MB by default) with MESSAGE_TOO_LARGE: a batch of decisions
 * carrying large dead letters could otherwise never be committed. A larger record goes alone.
 */
export const PRODUCE_REQUEST_BYTES = 900_000;

/**
 * Exponential backoff with jitter, 25 ms to 1 s. A transaction that follows another one
 * closely gets CONCURRENT_TRANSACTIONS while the broker writes the previous markers: that
 * case starts quickly, as the Java client does (20 ms), and doubles up to 400 ms, so the
 * client's few retries cover the ~1 s that markers on three replicas of a busy cluster
 * (or after an abort) can take, instead of failing the batch and replacing the producer.
 */
export const retryDelay: RetryDelayGetter = (_client, _operation, attempt, _retries, error) => {
  if (mentionsConcurrentTransactions(error)) return Math.min(400, 10 * 2 ** attempt);
  const base = Math.min(1000, 25 * 2 ** (attempt - 1));
  return Math.round(base / 2 + Math.random() * (base / 2));
};

function mentionsConcurrentTransactions(error: Error): boolean {
  const found = (error as { findBy?: (property: string, value: unknown) => unknown }).findBy?.('apiId', 'CONCURRENT_TRANSACTIONS');
  return found !== null && found !== undefined;
}

/** Maps our options to the client's: brokers, identity, SASL, TLS and the timings above. */
export function clientOptions(options: KafkaLogOptions, role: string): BaseOptions {
  const base: BaseOptions = {
    clientId: `${options.clientId}-${role}`,
    bootstrapBrokers: options.brokers,
    connectTimeout: options.connectTimeoutMs,
    timeout: KAFKA_TIMINGS.requestTimeoutMs,
    requestTimeout: KAFKA_TIMINGS.requestTimeoutMs,
    retries: KAFKA_TIMINGS.retries,
    retryDelay,
    metadataMaxAge: KAFKA_TIMINGS.metadataMaxAgeMs,
    // Topics are created by ensureTopics with their partition counts, never by a typo.
    autocreateTopics: false,
  };
  if (options.sasl) {
    base.sasl = { mechanism: options.sasl.mechanism, username: options.sasl.username, password: options.sasl.password };
  }
  if (options.tls) {
    base.tls = options.tlsCaFile ? { ca: readCaFile(options.tlsCaFile) } : {};
    // SNI carries host names only (RFC 6066; Node warns about an IP). Without it the
    // certificate is still checked against the address connected to (an IP SAN).
    if (!options.brokers.every((broker) => isIP(hostOf(broker)) !== 0)) base.tlsServerName = true;
  }
  return base;
}

function hostOf(broker: string): string {
  const host = broker.slice(0, broker.lastIndexOf(':'));
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function readCaFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new FraudError('FRAUD_CONFIG_INVALID', `cannot read the Kafka TLS CA file ${file}`, { cause, problems: [`kafka.tlsCaFile: cannot read ${file}`] });
  }
}
