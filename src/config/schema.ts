import { z } from 'zod';

/**
 * The one configuration schema: types and checks in one place. Defaults are the seed's
 * (topic names, 2 transactions/s); config/load.ts fills it from a file, the seed's
 * environment names and the command line, in that order of precedence.
 */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const topic = (fallback: string) =>
  z.string().regex(TOPIC_NAME, 'must be 1-249 characters of letters, digits, ".", "_" or "-"').default(fallback);

const brokerAddress = z
  .string()
  .regex(/^[^\s:,]+:\d{1,5}$/, { message: 'must be HOST:PORT', abort: true })
  .refine((value) => {
    const port = Number(value.slice(value.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'port must be from 1 to 65535');

const port = z.number().int('must be a whole number').min(0, 'must be from 0 to 65535').max(65535, 'must be from 0 to 65535');

export const TopicsSchema = z.object({
  transactions: topic('queuing.transactions'),
  legit: topic('queuing.legit'),
  fraud: topic('queuing.fraud'),
  deadLetter: topic('queuing.dead-letter'),
  rules: topic('queuing.rules'),
  /** Every published ruleset and model, rollbacks included: never compacted, kept forever. */
  audit: topic('queuing.rules-audit'),
  labels: topic('queuing.labels'),
  feedback: topic('queuing.feedback'),
}).superRefine((topics, context) => {
  // Two roles on one topic would mix decisions with inputs: refuse it at start.
  const seen = new Map<string, string>();
  for (const [role, name] of Object.entries(topics)) {
    const other = seen.get(name);
    if (other) context.addIssue({ code: 'custom', path: [role], message: `must differ from the ${other} topic ("${name}")` });
    else seen.set(name, role);
  }
});

export const KafkaSchema = z.object({
  /** Set means Kafka; absent means the embedded log. */
  brokers: z.array(brokerAddress).min(1).optional(),
  clientId: z.string().min(1).default('fraud-detector'),
  sasl: z
    .object({
      mechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']),
      username: z.string().min(1),
      password: z.string().min(1),
    })
    .optional(),
  tls: z.boolean().default(false),
  /** PEM file of the certificate authority to trust, for brokers with a private CA. */
  tlsCaFile: z.string().min(1).optional(),
  connectTimeoutMs: z.number().int().min(100).default(10_000),
  /** Replicas of each topic we create; unset: min(3, brokers of the cluster). */
  replicationFactor: z.number().int('must be a whole number').min(1, 'must be from 1 to 32').max(32, 'must be from 1 to 32').optional(),
  /** min.insync.replicas of each topic we create; unset: 2 with three or more replicas, else 1. */
  minInsyncReplicas: z.number().int('must be a whole number').min(1, 'must be from 1 to 32').max(32, 'must be from 1 to 32').optional(),
  /**
   * How long the group waits for a silent member before giving its partitions to others.
   * Brokers accept 6 s to 30 min by default (group.min/max.session.timeout.ms).
   */
  sessionTimeoutMs: z.number().int('must be a whole number').min(1_000, 'must be at least 1000').max(1_800_000, 'must be at most 1800000').default(10_000),
  /**
   * Static group membership (Kafka's group.instance.id): a detector restarted under the
   * same id within the session timeout gets its partitions back without a rebalance, and
   * its transactional id derives from it, so the restart aborts what the old process left open.
   */
  groupInstanceId: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be 1-200 letters, digits, ".", "_" or "-"').optional(),
  /** Test switch (Kafka's TransactionalMessageCopier --enable-random-aborts): abort this share of the detector's transactions at random. */
  testAbortRatio: z.number().min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1').default(0),
}).superRefine((kafka, context) => {
  if (kafka.replicationFactor !== undefined && kafka.minInsyncReplicas !== undefined && kafka.minInsyncReplicas > kafka.replicationFactor) {
    context.addIssue({ code: 'custom', path: ['minInsyncReplicas'], message: `must not exceed the replication factor (${kafka.replicationFactor}): no write could ever succeed` });
  }
});

export const ConfigSchema = z
  .object({
    topics: TopicsSchema.prefault({}),
    /** Partitions of topics we create; keys (source accounts) spread over them. */
    partitions: z.number().int('must be a whole number').min(1, 'must be from 1 to 1000').max(1000, 'must be from 1 to 1000').default(6),
    kafka: KafkaSchema.prefault({}),
    dataDir: z.string().min(1).default('./data'),
    /** Hours the embedded log keeps records (Kafka keeps its own, per topic); 0 keeps them forever. */
    retentionHours: z.number().min(0, 'must be 0 (forever) or more').default(168),
    rate: z.number().min(0, 'must be 0 (as fast as possible) or more').max(1_000_000).default(2),
    maxRecordBytes: z.number().int().min(256).max(10_485_760).default(65_536),
    dashboard: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: port.default(5000),
        /** Required when the dashboard listens beyond loopback. */
        token: z.string().min(16, 'must be at least 16 characters').optional(),
        recentDecisions: z.number().int().min(1).max(10_000).default(200),
      })
      .prefault({}),
    api: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: port.default(5100),
        /** Required when the API listens beyond loopback; clients send it as `Authorization: Bearer`. */
        token: z.string().min(16, 'must be at least 16 characters').optional(),
        /** How long a request waits for its decision before the fallback answer (503). */
        deadlineMs: z.number().int('must be a whole number').min(1, 'must be from 1 to 60000').max(60_000, 'must be from 1 to 60000').default(200),
        /** The verdict a 503 tells the caller to apply; `allow` is another name for `legit`. */
        fallback: z
          .enum(['legit', 'allow', 'review'], { message: 'must be legit (or allow) or review' })
          .transform((value) => (value === 'allow' ? 'legit' : value))
          .default('review'),
        /** Requests waiting for a decision at most; more are refused with 429. */
        maxInFlight: z.number().int().min(1, 'must be from 1 to 100000').max(100_000, 'must be from 1 to 100000').default(1024),
        /** Idempotency keys remembered (with their answers) at most; the oldest are forgotten first. */
        idempotencyKeys: z.number().int().min(1).max(10_000_000).default(100_000),
        /** How long an answer is returned again for its Idempotency-Key. */
        idempotencySeconds: z.number().int().min(1).max(604_800).default(600),
      })
      .prefault({}),
    detector: z
      .object({
        groupId: z.string().min(1).default('fraud-detector'),
        batchSize: z.number().int().min(1).max(100_000).default(1000),
        exactlyOnce: z.boolean().default(true),
        /** A trained model file (`fraud train`) scored per transaction; none: rules alone. */
        modelFile: z.string().min(1).optional(),
      })
      .prefault({}),
    /** The detector's entity state: where it is kept, how much of it stays in memory, how often it is checkpointed. */
    state: z
      .object({
        /** Folder of the local state stores; unset: `state` inside the data folder. */
        dir: z.string().min(1).optional(),
        memoryMb: z.number().int().min(16, 'must be at least 16').max(1_048_576).default(1024),
        checkpointMs: z.number().int().min(100).max(3_600_000).default(1_000),
        checkpointRecords: z.number().int().min(1).max(100_000_000).default(200_000),
        retentionDays: z.number().min(1).max(3650).default(90),
        /** Days of transactions kept by id, for labels that name only an id; 0 keeps none. */
        labelIndexDays: z.number().min(0).max(3650).default(45),
      })
      .prefault({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  });

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
