/**
 * Where each setting can come from: the seed's environment names first, then ours,
 * and the command-line flag that overrides them. One table, so the README's settings
 * table, the loader and `--help` cannot drift apart.
 */
export type SettingKind = 'string' | 'number' | 'boolean' | 'list';

export interface SettingSource {
  /** Path in the configuration object, e.g. ['topics', 'legit']. */
  path: string[];
  env: string;
  /** Commander's camelCase option name, when a flag sets it. */
  flag?: string;
  kind: SettingKind;
  description: string;
}

export const SETTINGS: SettingSource[] = [
  { path: ['kafka', 'brokers'], env: 'KAFKA_BROKER_URL', flag: 'brokers', kind: 'list', description: 'Kafka bootstrap brokers, HOST:PORT[,...]; unset means the embedded log' },
  { path: ['topics', 'transactions'], env: 'TRANSACTIONS_TOPIC', flag: 'transactionsTopic', kind: 'string', description: 'topic of incoming transactions' },
  { path: ['topics', 'legit'], env: 'LEGIT_TOPIC', flag: 'legitTopic', kind: 'string', description: 'topic of legit decisions' },
  { path: ['topics', 'fraud'], env: 'FRAUD_TOPIC', flag: 'fraudTopic', kind: 'string', description: 'topic of review and fraud decisions' },
  { path: ['topics', 'deadLetter'], env: 'DEAD_LETTER_TOPIC', flag: 'deadLetterTopic', kind: 'string', description: 'topic of records that could not be decided' },
  { path: ['topics', 'rules'], env: 'RULES_TOPIC', kind: 'string', description: 'compacted topic of rulesets' },
  { path: ['topics', 'audit'], env: 'AUDIT_TOPIC', kind: 'string', description: 'every published ruleset and model, with author and note (kept forever)' },
  { path: ['topics', 'labels'], env: 'LABELS_TOPIC', kind: 'string', description: 'ground truth of generated scenarios' },
  { path: ['topics', 'feedback'], env: 'FEEDBACK_TOPIC', kind: 'string', description: "analysts' verdicts on alerts" },
  { path: ['rate'], env: 'TRANSACTIONS_PER_SECOND', flag: 'rate', kind: 'number', description: 'generated transactions per second; 0 = as fast as possible' },
  { path: ['dataDir'], env: 'FRAUD_DATA_DIR', flag: 'dataDir', kind: 'string', description: "the embedded log's folder" },
  { path: ['retentionHours'], env: 'FRAUD_RETENTION_HOURS', kind: 'number', description: "hours the embedded log keeps records; 0 = forever" },
  { path: ['partitions'], env: 'FRAUD_PARTITIONS', flag: 'partitions', kind: 'number', description: 'partitions of the topics we create' },
  { path: ['maxRecordBytes'], env: 'FRAUD_MAX_RECORD_BYTES', kind: 'number', description: 'larger transaction records go to the dead letter' },
  { path: ['dashboard', 'host'], env: 'DASHBOARD_HOST', flag: 'host', kind: 'string', description: 'dashboard address to listen on' },
  { path: ['dashboard', 'port'], env: 'DASHBOARD_PORT', flag: 'port', kind: 'number', description: 'dashboard port' },
  { path: ['dashboard', 'token'], env: 'DASHBOARD_TOKEN', flag: 'token', kind: 'string', description: 'access token, required off loopback' },
  { path: ['api', 'host'], env: 'API_HOST', flag: 'apiHost', kind: 'string', description: 'decision API address to listen on' },
  { path: ['api', 'port'], env: 'API_PORT', flag: 'apiPort', kind: 'number', description: 'decision API port' },
  { path: ['api', 'token'], env: 'API_TOKEN', flag: 'apiToken', kind: 'string', description: 'decision API bearer token, required off loopback' },
  { path: ['api', 'deadlineMs'], env: 'API_DEADLINE_MS', flag: 'deadlineMs', kind: 'number', description: 'milliseconds a request waits for its decision before the fallback (503)' },
  { path: ['api', 'fallback'], env: 'API_FALLBACK', flag: 'fallback', kind: 'string', description: 'verdict a 503 answers: legit (allow) or review' },
  { path: ['api', 'maxInFlight'], env: 'API_MAX_IN_FLIGHT', kind: 'number', description: 'requests awaiting a decision at most; more get 429' },
  { path: ['api', 'idempotencyKeys'], env: 'API_IDEMPOTENCY_KEYS', kind: 'number', description: 'idempotency keys (and answers) remembered at most' },
  { path: ['api', 'idempotencySeconds'], env: 'API_IDEMPOTENCY_SECONDS', kind: 'number', description: 'seconds an answer is returned again for its Idempotency-Key' },
  { path: ['detector', 'groupId'], env: 'DETECTOR_GROUP_ID', flag: 'group', kind: 'string', description: "the detectors' consumer group" },
  { path: ['detector', 'batchSize'], env: 'DETECTOR_BATCH_SIZE', flag: 'batchSize', kind: 'number', description: 'records decided per batch at most' },
  { path: ['detector', 'modelFile'], env: 'FRAUD_MODEL_FILE', flag: 'model', kind: 'string', description: 'trained model file (fraud train) the detector scores with; published models replace it' },
  { path: ['detector', 'exactlyOnce'], env: 'DETECTOR_EXACTLY_ONCE', kind: 'boolean', description: 'Kafka transactions (true) or at-least-once (false)' },
  { path: ['state', 'dir'], env: 'FRAUD_STATE_DIR', flag: 'stateDir', kind: 'string', description: "folder of the detector's local state store (default: DATA_DIR/state)" },
  { path: ['state', 'memoryMb'], env: 'FRAUD_STATE_MEMORY_MB', kind: 'number', description: 'memory for entity state; the rest stays on local disk' },
  { path: ['state', 'checkpointMs'], env: 'FRAUD_STATE_CHECKPOINT_MS', kind: 'number', description: 'longest time between state checkpoints' },
  { path: ['state', 'checkpointRecords'], env: 'FRAUD_STATE_CHECKPOINT_RECORDS', kind: 'number', description: 'most input records between state checkpoints (what a restart replays at most)' },
  { path: ['state', 'retentionDays'], env: 'FRAUD_STATE_RETENTION_DAYS', kind: 'number', description: 'days an idle account, card, device… is remembered' },
  { path: ['state', 'labelIndexDays'], env: 'FRAUD_LABEL_INDEX_DAYS', kind: 'number', description: 'days of transactions kept by id for labels that name only an id; 0 = none' },
  { path: ['kafka', 'clientId'], env: 'KAFKA_CLIENT_ID', kind: 'string', description: 'client id sent to Kafka' },
  { path: ['kafka', 'sasl', 'mechanism'], env: 'KAFKA_SASL_MECHANISM', kind: 'string', description: 'PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512' },
  { path: ['kafka', 'sasl', 'username'], env: 'KAFKA_SASL_USERNAME', kind: 'string', description: 'SASL user' },
  { path: ['kafka', 'sasl', 'password'], env: 'KAFKA_SASL_PASSWORD', kind: 'string', description: 'SASL password' },
  { path: ['kafka', 'tls'], env: 'KAFKA_TLS', kind: 'boolean', description: 'connect to Kafka over TLS' },
  { path: ['kafka', 'tlsCaFile'], env: 'KAFKA_TLS_CA_FILE', kind: 'string', description: 'PEM file of the CA that signed the brokers' },
  { path: ['kafka', 'replicationFactor'], env: 'FRAUD_REPLICATION_FACTOR', kind: 'number', description: 'replicas of the topics we create on Kafka (default min(3, brokers))' },
  { path: ['kafka', 'minInsyncReplicas'], env: 'FRAUD_MIN_INSYNC_REPLICAS', kind: 'number', description: 'min.insync.replicas of the topics we create (default 2 with 3+ replicas, else 1)' },
  { path: ['kafka', 'sessionTimeoutMs'], env: 'KAFKA_SESSION_TIMEOUT_MS', kind: 'number', description: "consumer group session timeout: how long a silent detector keeps its partitions" },
  { path: ['kafka', 'groupInstanceId'], env: 'DETECTOR_INSTANCE_ID', flag: 'instanceId', kind: 'string', description: "static group membership: a detector restarted under the same id takes its partitions straight back" },
  { path: ['kafka', 'testAbortRatio'], env: 'FRAUD_TEST_ABORT_RATIO', kind: 'number', description: "tests only: share of the detector's Kafka transactions aborted at random" },
  { path: ['logLevel'], env: 'LOG_LEVEL', flag: 'logLevel', kind: 'string', description: 'fatal, error, warn, info, debug, trace or silent' },
];
