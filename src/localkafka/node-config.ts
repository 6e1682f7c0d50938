import type { SecureListener } from './options.ts';

/** Only loopback: a development broker without authentication must not be reachable from the network. */
export const LOCAL_HOST = '127.0.0.1';

/** Kafka's own names for what a KRaft node does (process.roles). */
export type NodeRole = 'broker,controller' | 'controller' | 'broker';

export interface NodeConfigInput {
  role: NodeRole;
  nodeId: number;
  /** The client listener; a controller-only node has none. */
  port?: number;
  controllerPort: number;
  /**
   * 'standalone': one node that is its own quorum, formatted with --standalone (a dynamic
   * quorum found through controller.quorum.bootstrap.servers). 'static': the voters are
   * listed in controller.quorum.voters, the simplest form for a controller with brokers.
   */
  quorum: { kind: 'standalone' } | { kind: 'static'; controllerId: number };
  dataDir: string;
  /** Brokers of the cluster: internal topics get min(3, brokers) replicas. */
  brokers: number;
  secure?: SecureListener;
}

type Setting = [string, string | number | boolean];

/** Replication of the topics Kafka creates itself, and the default of the ones clients create. */
export function internalReplication(brokers: number): { replicas: number; minIsr: number } {
  const replicas = Math.min(3, brokers);
  return { replicas, minIsr: replicas >= 3 ? 2 : 1 };
}

/** server.properties of one KRaft node. */
export function renderNodeProperties(input: NodeConfigInput): string {
  const settings: Setting[] = [
    ['process.roles', input.role],
    ['node.id', input.nodeId],
    ...quorumSettings(input),
    ...listenerSettings(input),
    ['log.dirs', escapePropertyValue(input.dataDir)],
    ...replicationSettings(input.role, input.brokers),
    ...housekeepingSettings(),
    ...secureSettings(input.secure),
  ];
  const header = '# Written by `fraud kafka start` on every start; edits here are overwritten.\n';
  return header + settings.map(([key, value]) => `${key}=${String(value)}`).join('\n') + '\n';
}

function quorumSettings(input: NodeConfigInput): Setting[] {
  const controller = `${LOCAL_HOST}:${input.controllerPort}`;
  // A dynamic quorum (formatted with --standalone) finds its voters here, not in controller.quorum.voters.
  if (input.quorum.kind === 'standalone') return [['controller.quorum.bootstrap.servers', controller]];
  return [['controller.quorum.voters', `${input.quorum.controllerId}@${controller}`]];
}

function listenerSettings(input: NodeConfigInput): Setting[] {
  const controller = `CONTROLLER://${LOCAL_HOST}:${input.controllerPort}`;
  const protocols = ['CONTROLLER:PLAINTEXT', 'PLAINTEXT:PLAINTEXT', ...(input.secure ? ['SASL_SSL:SASL_SSL'] : [])].join(',');
  const common: Setting[] = [
    ['controller.listener.names', 'CONTROLLER'],
    ['listener.security.protocol.map', protocols],
  ];
  if (input.role === 'controller') return [['listeners', controller], ...common];
  const clients = [`PLAINTEXT://${LOCAL_HOST}:${String(input.port)}`, ...(input.secure ? [`SASL_SSL://${LOCAL_HOST}:${input.secure.port}`] : [])];
  const own = input.role === 'broker,controller' ? [...clients, controller] : clients;
  return [
    ['listeners', own.join(',')],
    ['advertised.listeners', own.join(',')],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ...common,
  ];
}

/**
 * Every replication setting follows the brokers: Kafka's defaults of 3 would leave the
 * offsets and transaction topics uncreatable on one node, and consumer groups and
 * transactions broken. With three brokers: replication 3 and min ISR 2 everywhere, as
 * Kafka's own system tests run transactions.
 */
function replicationSettings(role: NodeRole, brokers: number): Setting[] {
  const { replicas, minIsr } = internalReplication(brokers);
  // Defaults of new topics are the controller's to apply (Kafka 4 warns when a broker sets them).
  const topicDefaults: Setting[] = [
    // Three partitions let a consumer group of up to three members share a topic.
    ['num.partitions', 3],
    ['default.replication.factor', replicas],
  ];
  return [
    ...(role === 'broker' ? [] : topicDefaults),
    ['min.insync.replicas', minIsr],
    ['auto.create.topics.enable', true],
    ['offsets.topic.replication.factor', replicas],
    // Fewer internal partitions than the default 50: the first group join and first transaction load faster.
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', replicas],
    ['transaction.state.log.min.isr', minIsr],
    ['transaction.state.log.num.partitions', 10],
    ['share.coordinator.state.topic.replication.factor', replicas],
    ['share.coordinator.state.topic.min.isr', minIsr],
  ];
}

function housekeepingSettings(): Setting[] {
  return [
    // No point waiting for more members to join: tests start one consumer and expect data at once.
    ['group.initial.rebalance.delay.ms', 0],
    // A development box: keep a day, and at most 1 GiB per partition, so benchmarks do not fill the disk.
    ['log.retention.hours', 24],
    ['log.retention.bytes', 1024 ** 3],
    ['log.segment.bytes', 128 * 1024 ** 2],
    ['log.retention.check.interval.ms', 60_000],
  ];
}

/** TLS with the given key store, and SCRAM-SHA-512 as the only SASL mechanism, on the SASL_SSL listener. */
function secureSettings(secure: SecureListener | undefined): Setting[] {
  if (!secure) return [];
  return [
    ['sasl.enabled.mechanisms', 'SCRAM-SHA-512'],
    ['listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
    ['listener.name.sasl_ssl.ssl.keystore.type', 'PKCS12'],
    ['listener.name.sasl_ssl.ssl.keystore.location', escapePropertyValue(secure.keystoreFile)],
    ['listener.name.sasl_ssl.ssl.keystore.password', escapePropertyValue(secure.keystorePassword)],
    ['listener.name.sasl_ssl.ssl.key.password', escapePropertyValue(secure.keystorePassword)],
  ];
}

/** java.util.Properties treats backslashes as escapes; paths on Windows would lose theirs. */
export function escapePropertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\');
}
